/*
 * fworker.h - hand frames to a worker thread, so heavy per-frame analysis
 * (full-resolution PDQ, sharpness) overlaps with decoding instead of
 * holding up the decode loop.
 *
 * The pipeline calls analysers on its decode thread; while an analyser
 * works, no packet is fed to the decoder, whose threads run dry.  An
 * analyser that does milliseconds of work per frame pushes a copy of the
 * frame here instead; one worker thread runs the analysis callback on the
 * copies in order.  depth slots bound the memory (depth frame copies); a
 * push waits when every slot is busy, so the decoder is never more than
 * depth frames ahead.  Frames are processed in push order, by one thread,
 * so the callback needs no locking of its own state.
 *
 * Errors: the first callback failure stops the processing; its code and
 * message (tg_errmsg() is per thread) come back from the next push or from
 * finish, re-raised on the caller's thread.
 */
#ifndef TG_CASE_FWORKER_H
#define TG_CASE_FWORKER_H

#include "media/pipeline.h"

struct tg_fworker;

typedef int (*tg_fworker_fn)(void *user, const struct tg_frame *f);

int tg_fworker_start(struct tg_fworker **out, int depth, tg_fworker_fn fn, void *user);
/*
 * Copy f into a free slot (waiting for one) and queue it.  YUV420P: the
 * planes that are not NULL (a luma-only analyser clears planes[1], [2]);
 * the copy's rows are packed.
 */
int tg_fworker_push(struct tg_fworker *w, const struct tg_frame *f);
/*
 * Without the copy: reserve waits for a free slot and sets *buf to its
 * buffer of at least bytes (or returns the worker's error); the caller writes the
 * picture there (e.g. a shrunk copy) and commits f, whose pointers lie in
 * that buffer.  One reserve, one commit, from the one producing thread.
 */
int tg_fworker_reserve(struct tg_fworker *w, size_t bytes, uint8_t **buf);
int tg_fworker_commit(struct tg_fworker *w, const struct tg_frame *f);
/* Wait for the queue to drain and the thread to end; the first error. */
int tg_fworker_finish(struct tg_fworker *w);
/* Stops the thread if still running (after an error elsewhere) and frees. */
void tg_fworker_free(struct tg_fworker *w);

#endif
