/*
 * stage.h - staged copies: evidence on its way into objects/.
 *
 * tg_stage_copy() reads the source once, hashing and writing to
 * objects/tmp/add-XXXXXX.partial, then fsyncs it, makes it 0444 and renames
 * it "<sha256>-XXXXXX.staged".  The writer holds an exclusive flock on the
 * file for as long as it lives, so recovery in another process can tell an
 * abandoned copy (lock free) from one being added right now (locked).
 *
 * tg_stage_commit_path() moves a staged copy to objects/ab/cdef… (or drops
 * it when that object already exists) and fsyncs both folders; it is called
 * only after the acquire entry is in the custody log.
 */
#ifndef TG_STAGE_H
#define TG_STAGE_H

#include <limits.h>

#include "case/case.h"
#include "case/ingest.h"

struct tg_stage {
	char path[PATH_MAX];
	int fd;
	int committed;
	char sha256[65];
	unsigned long long size;
};

int tg_stage_copy(struct tg_case *c, const char *src, struct tg_stage *st,
		  tg_progress_fn progress, void *user);
int tg_stage_commit_path(struct tg_case *c, const char *sha256, const char *staged);
/* Replay: find an abandoned staged copy of sha256 and commit it (0 when none is needed). */
int tg_stage_commit(struct tg_case *c, const char *sha256);
void tg_stage_forget(struct tg_stage *st);
void tg_stage_release(struct tg_stage *st);
/* Remove abandoned .partial and .staged files; *removed counts them. */
int tg_stage_cleanup(struct tg_case *c, int *removed);

#endif
