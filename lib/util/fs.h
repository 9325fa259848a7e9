/*
 * fs.h - durable file-system steps: atomic writes, directory fsync, paths.
 *
 * An atomic write goes to a temporary file in the same folder, is fsynced,
 * renamed over the target and the folder fsynced, so a crash leaves either
 * the old file or the new one, never a mix.  Every error names the path.
 */
#ifndef TG_FS_H
#define TG_FS_H

#include <stddef.h>
#include <sys/types.h>

/* Write len bytes to path atomically with the given mode. */
int tg_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* fsync a directory so that a rename or create in it is durable. */
int tg_fs_fsync_dir(const char *dir);

/* fsync the folder that contains path. */
int tg_fs_fsync_parent(const char *path);

/* mkdir, and parents, with mode; an existing directory is fine. */
int tg_fs_mkdirs(const char *path, mode_t mode);

/* Read a whole file of at most cap bytes (TG_ELIMIT past that); *out is NUL-terminated, free() it. */
int tg_fs_read_all(const char *path, size_t cap, char **out, size_t *len);

/* write(2) all of buf, retrying short writes and EINTR; errors name path. */
int tg_fs_write_full(int fd, const void *buf, size_t len, const char *path);

/* A newly allocated "a/b" (free() it), or NULL when out of memory. */
char *tg_fs_join(const char *a, const char *b);

/* An absolute, normalised form of an existing path (free() it). */
int tg_fs_realpath(const char *path, char **out);

#endif
