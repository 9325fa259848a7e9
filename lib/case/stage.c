#include "case/stage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash/sha256.h"
#include "util/error.h"
#include "util/fs.h"

#define CHUNK (4u << 20)

static int read_full(int fd, unsigned char *buf, size_t n, const char *path, size_t *got)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return tg_error_errno(TG_EINPUT, "%s: read failed", path);
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done;
	return 0;
}

int tg_stage_copy(struct tg_case *c, const char *src, struct tg_stage *st,
		  tg_progress_fn progress, void *user)
{
	struct tg_sha256 h = { NULL };
	struct stat sb;
	unsigned char *buf = NULL;
	char staged[PATH_MAX];
	int in = -1, ret;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return tg_error_errno(TG_EINPUT, "%s: cannot open", src);
	if (fstat(in, &sb) != 0) {
		ret = tg_error_errno(TG_EINPUT, "%s: cannot stat", src);
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		ret = tg_error(TG_EINPUT, "%s: is a folder (use --recursive to add its files)", src);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		ret = tg_error(TG_EINPUT, "%s: not a regular file", src);
		goto out;
	}
	if (sb.st_size == 0) {
		ret = tg_error(TG_EINPUT, "%s: empty file: nothing to preserve", src);
		goto out;
	}
	posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
	snprintf(st->path, sizeof(st->path), "%s/objects/tmp/add-XXXXXX.partial", c->dir);
	st->fd = mkostemps(st->path, 8, O_CLOEXEC);
	if (st->fd < 0) {
		ret = tg_error_errno(TG_ECASE, "%s: cannot create a copy in the case", st->path);
		st->path[0] = '\0';
		goto out;
	}
	if (flock(st->fd, LOCK_EX) != 0) {
		ret = tg_error_errno(TG_ECASE, "%s: cannot lock", st->path);
		goto out;
	}
	buf = malloc(CHUNK);
	if (!buf) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	ret = tg_sha256_init(&h);
	while (ret == 0) {
		size_t n = 0;

		ret = read_full(in, buf, CHUNK, src, &n);
		if (ret < 0 || n == 0)
			break;
		ret = tg_sha256_update(&h, buf, n);
		if (ret == 0) {
			ret = tg_fs_write_full(st->fd, buf, n, st->path);
			if (ret < 0)
				ret = tg_error_errno(TG_EIO, "%s: cannot copy into the case (%s)", src,
						     c->dir);
		}
		st->size += n;
		if (progress)
			progress(user, st->size, (unsigned long long)sb.st_size);
	}
	if (ret < 0)
		goto out;
	ret = tg_sha256_final(&h, NULL, st->sha256);
	if (ret < 0)
		goto out;
	if (st->size != (unsigned long long)sb.st_size) {
		ret = tg_error(TG_EINPUT, "%s: the file changed size while it was read (%llu of %lld "
			       "bytes); add it again when it is complete", src, st->size,
			       (long long)sb.st_size);
		goto out;
	}
	if (fchmod(st->fd, 0444) != 0 || fsync(st->fd) != 0) {
		ret = tg_error_errno(TG_EIO, "%s: cannot make the copy durable", st->path);
		goto out;
	}
	snprintf(staged, sizeof(staged), "%s/objects/tmp/%s-%.6s.staged", c->dir, st->sha256,
		 strrchr(st->path, '-') + 1);
	if (rename(st->path, staged) != 0) {
		ret = tg_error_errno(TG_EIO, "%s: rename failed", st->path);
		goto out;
	}
	memcpy(st->path, staged, sizeof(staged));
out:
	tg_sha256_release(&h);
	free(buf);
	close(in);
	if (ret < 0)
		tg_stage_release(st);
	return ret;
}

int tg_stage_commit_path(struct tg_case *c, const char *sha256, const char *staged)
{
	char *obj = tg_case_object_path(c, sha256), dir[PATH_MAX];
	struct stat sb;
	int ret = 0;

	if (!obj)
		return tg_error(TG_ENOMEM, "out of memory");
	if (lstat(obj, &sb) == 0) {
		/* already stored: the new copy is not needed */
		unlink(staged);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/objects/%.2s", c->dir, sha256);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		ret = tg_error_errno(TG_EIO, "%s: cannot create folder", dir);
		goto out;
	}
	if (rename(staged, obj) != 0) {
		ret = tg_error_errno(TG_EIO, "%s: cannot move into place", obj);
		goto out;
	}
	ret = tg_fs_fsync_dir(dir);
	if (ret == 0) {
		snprintf(dir, sizeof(dir), "%s/objects/tmp", c->dir);
		ret = tg_fs_fsync_dir(dir);
	}
out:
	free(obj);
	return ret;
}

/* Try to take a staged file's lock: 1 abandoned (fd returned locked), 0 in use. */
static int abandoned(const char *path, int *fd_out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*fd_out = -1;
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return 0;
	}
	*fd_out = fd;
	return 1;
}

int tg_stage_commit(struct tg_case *c, const char *sha256)
{
	char *obj = tg_case_object_path(c, sha256), tmpdir[PATH_MAX], path[PATH_MAX * 2];
	struct stat sb;
	struct dirent *e;
	DIR *d;
	int ret = 0;

	if (!obj)
		return tg_error(TG_ENOMEM, "out of memory");
	if (lstat(obj, &sb) == 0) {
		free(obj);
		return 0;
	}
	free(obj);
	snprintf(tmpdir, sizeof(tmpdir), "%s/objects/tmp", c->dir);
	d = opendir(tmpdir);
	if (!d)
		return 0;	/* nothing staged: verify will report the missing object */
	while ((e = readdir(d))) {
		char hex[65];
		int fd;

		if (strncmp(e->d_name, sha256, 64) != 0 || !strstr(e->d_name, ".staged"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		if (!abandoned(path, &fd))
			continue;
		/* the staged copy must still be what the log acquired */
		if (tg_sha256_file(path, hex, NULL) == 0 && strcmp(hex, sha256) == 0)
			ret = tg_stage_commit_path(c, sha256, path);
		close(fd);
		break;
	}
	closedir(d);
	return ret;
}

void tg_stage_forget(struct tg_stage *st)
{
	st->committed = 1;
}

void tg_stage_release(struct tg_stage *st)
{
	if (!st)
		return;
	if (!st->committed && st->path[0])
		unlink(st->path);
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->path[0] = '\0';
}

int tg_stage_cleanup(struct tg_case *c, int *removed)
{
	char tmpdir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *e;
	DIR *d;

	*removed = 0;
	snprintf(tmpdir, sizeof(tmpdir), "%s/objects/tmp", c->dir);
	d = opendir(tmpdir);
	if (!d)
		return errno == ENOENT ? 0 : tg_error_errno(TG_ECASE, "%s: cannot read", tmpdir);
	while ((e = readdir(d))) {
		int fd;

		if (!strstr(e->d_name, ".partial") && !strstr(e->d_name, ".staged"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		if (!abandoned(path, &fd))
			continue;
		if (unlink(path) == 0)
			(*removed)++;
		close(fd);
	}
	closedir(d);
	return 0;
}
