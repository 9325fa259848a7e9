#include "case/fworker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define MAX_DEPTH 8

struct slot {
	struct tg_frame f;
	uint8_t *buf;
	size_t cap;
};

struct tg_fworker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot slots[MAX_DEPTH];
	int depth;
	int head, count;		/* queue of filled slots, in order */
	int closing, running;
	int err;			/* first callback error */
	char msg[512];
	tg_fworker_fn fn;
	void *user;
};

static void *run(void *arg)
{
	struct tg_fworker *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct slot *s;
		int ret, skip;

		while (w->count == 0 && !w->closing)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->count == 0)
			break;
		s = &w->slots[w->head];
		skip = w->err != 0;
		pthread_mutex_unlock(&w->lock);
		ret = skip ? 0 : w->fn(w->user, &s->f);
		pthread_mutex_lock(&w->lock);
		if (ret < 0 && !w->err) {
			w->err = ret;
			snprintf(w->msg, sizeof(w->msg), "%s", tg_errmsg());
		}
		w->head = (w->head + 1) % w->depth;
		w->count--;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int tg_fworker_start(struct tg_fworker **out, int depth, tg_fworker_fn fn, void *user)
{
	struct tg_fworker *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return tg_error(TG_ENOMEM, "out of memory");
	w->depth = depth < 1 ? 1 : depth > MAX_DEPTH ? MAX_DEPTH : depth;
	w->fn = fn;
	w->user = user;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w);
		return tg_error(TG_ENOMEM, "cannot start an analysis thread");
	}
	w->running = 1;
	*out = w;
	return 0;
}

static int raise_error(struct tg_fworker *w)
{
	return tg_error(w->err, "%s", w->msg);
}

/* Bytes a row and rows of plane i of f (0 when the plane is not there). */
static void plane_size(const struct tg_frame *f, int i, size_t *row, int *rows)
{
	*row = 0;
	*rows = 0;
	if (i == 0) {
		*row = (size_t)f->width * (f->format == TG_PIX_RGB24 ? 3 : 1);
		*rows = f->height;
	} else if (f->format == TG_PIX_YUV420P && f->planes[i]) {
		*row = (size_t)(f->width + 1) / 2;
		*rows = (f->height + 1) / 2;
	}
}

int tg_fworker_reserve(struct tg_fworker *w, size_t bytes, uint8_t **buf)
{
	struct slot *s;

	*buf = NULL;
	pthread_mutex_lock(&w->lock);
	while (w->count == w->depth && !w->err)
		pthread_cond_wait(&w->cond, &w->lock);
	if (w->err) {
		pthread_mutex_unlock(&w->lock);
		return raise_error(w);
	}
	s = &w->slots[(w->head + w->count) % w->depth];
	pthread_mutex_unlock(&w->lock);
	/* the slot is ours until it is queued: the worker only reads queued ones */
	if (bytes > s->cap) {
		uint8_t *p = realloc(s->buf, bytes ? bytes : 1);

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory for a frame (%zu bytes)", bytes);
		s->buf = p;
		s->cap = bytes;
	}
	*buf = s->buf;
	return 0;
}

int tg_fworker_commit(struct tg_fworker *w, const struct tg_frame *f)
{
	pthread_mutex_lock(&w->lock);
	w->slots[(w->head + w->count) % w->depth].f = *f;
	w->count++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

int tg_fworker_push(struct tg_fworker *w, const struct tg_frame *f)
{
	size_t need = 0, off = 0, row;
	struct tg_frame g = *f;
	uint8_t *buf;
	int rows, ret;

	for (int i = 0; i < 3; i++) {
		plane_size(f, i, &row, &rows);
		need += row * (size_t)rows;
	}
	if ((ret = tg_fworker_reserve(w, need, &buf)) < 0)
		return ret;
	for (int i = 0; i < 3; i++) {
		const uint8_t *src = i == 0 ? f->data : f->planes[i];
		size_t stride = (size_t)(i == 0 ? f->linesize : f->linesizes[i]);

		plane_size(f, i, &row, &rows);
		if (!rows) {
			g.planes[i] = NULL;
			g.linesizes[i] = 0;
			continue;
		}
		for (int y = 0; y < rows; y++)
			memcpy(buf + off + (size_t)y * row, src + (size_t)y * stride, row);
		g.planes[i] = buf + off;
		g.linesizes[i] = (int)row;
		off += row * (size_t)rows;
	}
	g.data = g.planes[0];
	g.linesize = g.linesizes[0];
	return tg_fworker_commit(w, &g);
}

static void stop(struct tg_fworker *w)
{
	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->closing = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->running = 0;
}

int tg_fworker_finish(struct tg_fworker *w)
{
	stop(w);
	return w->err ? raise_error(w) : 0;
}

void tg_fworker_free(struct tg_fworker *w)
{
	if (!w)
		return;
	stop(w);
	for (int i = 0; i < MAX_DEPTH; i++)
		free(w->slots[i].buf);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}
