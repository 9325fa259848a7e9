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

int tg_fworker_push(struct tg_fworker *w, const struct tg_frame *f)
{
	size_t row = (size_t)f->width * (f->format == TG_PIX_GRAY8 ? 1 : 3);
	size_t need = row * (size_t)f->height;
	struct slot *s;

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
	if (need > s->cap) {
		uint8_t *p = realloc(s->buf, need);

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory for a %dx%d frame", f->width, f->height);
		s->buf = p;
		s->cap = need;
	}
	for (int y = 0; y < f->height; y++)
		memcpy(s->buf + (size_t)y * row, f->data + (size_t)y * (size_t)f->linesize, row);
	s->f = *f;
	s->f.data = s->buf;
	s->f.linesize = (int)row;
	pthread_mutex_lock(&w->lock);
	w->count++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
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
