/* an_tmk.c - the "tmk" case analyser (an_tmk.h). */
#include "case/an_tmk.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/an_vpdq.h"
#include "case/fworker.h"
#include "util/error.h"
#include "util/fs.h"

/*
 * The reference hashes `ffmpeg -s 64:64 -r 15`, and an output -r is not the
 * fps filter: FFmpeg (5.x) picks frames with its constant-frame-rate sync.
 * For each decoded frame, with ipts its time in output ticks (1/15 s, from
 * the file's start), next the next output tick and dur the frame's duration
 * in ticks:
 *   delta0 = ipts - next;  delta = delta0 + dur;
 *   delta < -1.1: drop;  delta > 1.1: emit round(delta) copies, the first
 *   round(delta0 - 0.6) of them (when delta0 > 1.1) repeating the previous
 *   frame;  otherwise emit it once.
 * On a 30 fps source this keeps frames 0, 1, 2, 3, 5, 7, 9 ..., exactly the
 * reference's stream (checked frame by frame against ffmpeg on the
 * conformance videos), where the fps filter would keep 0, 2, 4 ...
 */
static int process(void *state, const struct tg_frame *f);

static int start(void *state, const struct tg_media_info *info)
{
	struct tg_an_tmk *s = state;
	double rate = info->frame_rate > 0 ? info->frame_rate : 25;

	s->start_s = isfinite(info->start_s) ? info->start_s : 0;
	/* 64x64 PDQF and the kernel sums off the decode thread */
	if (!s->worker) {
		int ret = tg_fworker_start(&s->worker, 8, process, s);

		if (ret < 0)
			return ret;
	}
	/* ffmpeg: min(1 tick, one source frame), or the packet duration when
	 * it rounds to at least one tick */
	s->frame_dur = TG_TMK_FPS / rate;
	if (lrint(s->frame_dur) > 0)
		s->frame_dur = (double)lrint(s->frame_dur);
	else if (s->frame_dur > 1)
		s->frame_dur = 1;
	return 0;
}

static int keep(void *state, long long decoded, double pts)
{
	struct tg_an_tmk *s = state;
	double delta0 = (pts - s->start_s) * TG_TMK_FPS - (double)s->sync_opts;
	double delta = delta0 + s->frame_dur;

	(void)decoded;
	s->nb = 1;
	s->nb0 = 0;
	if (delta < -1.1) {
		s->nb = 0;
	} else if (delta > 1.1) {
		s->nb = (int)llrint(delta);
		if (delta0 > 1.1)
			s->nb0 = (int)llrint(delta0 - 0.6);
	}
	if (s->nb > 0 && delta > 24.0 * 3600 * TG_TMK_FPS) {
		s->nb = 0;	/* a broken timestamp, not a day-long gap to fill */
		return 0;
	}
	if (s->nb > 0xffff)
		s->nb = 0xffff;	/* over an hour: filled over the next frames */
	if (s->nb0 > s->nb)
		s->nb0 = s->nb;
	s->sync_opts += s->nb;
	return s->nb > 0;
}

static int keep_hash(struct tg_an_tmk *s, const float x[TG_TMK_DIM], int q, double pts)
{
	struct tg_frame_hash_row *r;
	struct tg_pdq_hash h;

	if (s->ndense == s->capdense) {
		size_t cap = s->capdense ? s->capdense * 2 : 1024;
		void *p = realloc(s->dense, cap * sizeof(*s->dense));

		if (!p)
			return tg_error(TG_ENOMEM, "tmk: out of memory");
		s->dense = p;
		s->capdense = cap;
	}
	tg_pdq_from_dct(x, &h);
	r = &s->dense[s->ndense++];
	r->item_id = 0;
	r->frame = s->h.next;
	r->pts_s = pts;		/* the source frame's time, not the (lagging) slot's */
	r->quality = q;
	tg_an_vpdq_pack(&h, r->hash);
	return 0;
}

/* Runs on the worker: f->index carries nb << 16 | nb0 decided by keep(). */
static int process(void *state, const struct tg_frame *f)
{
	struct tg_an_tmk *s = state;
	int nb = (int)(f->index >> 16), nb0 = (int)(f->index & 0xffff);
	float x[TG_TMK_DIM];
	int q, ret;

	for (int i = 0; i < nb0 && s->have_prev; i++)
		if ((ret = tg_tmk_push_feature(&s->h, s->prev)) < 0)
			return ret;
	if (s->luma_only) {
		/* the grey value is the luma */
		ret = tg_pdq_float_gray8(&s->h.pdq, f->data, f->width, f->height,
					 (size_t)f->linesize, x, &q);
	} else {
		ret = tg_pdq_float_rgb(&s->h.pdq, f->data, f->width, f->height, (size_t)f->linesize,
				       x, &q);
	}
	for (int i = s->have_prev ? nb0 : 0; i < nb && ret == 0; i++) {
		if (s->keep_dense && i == (s->have_prev ? nb0 : 0))
			ret = keep_hash(s, x, q, f->pts_s - s->start_s);
		if (ret == 0)
			ret = tg_tmk_push_feature(&s->h, x);
	}
	memcpy(s->prev, x, sizeof(x));
	s->have_prev = 1;
	return ret;
}

static int video(void *state, const struct tg_frame *f)
{
	struct tg_an_tmk *s = state;
	struct tg_frame g = *f;

	g.index = (long long)s->nb << 16 | s->nb0;
	return s->worker ? tg_fworker_push(s->worker, &g) : process(s, &g);
}

static int finish(void *state)
{
	struct tg_an_tmk *s = state;
	int ret = s->worker ? tg_fworker_finish(s->worker) : 0;

	if (ret == 0)
		ret = tg_tmk_finish(&s->h, &s->sig);
	if (ret == 0)
		s->done = 1;
	return ret;
}

void tg_an_tmk_setup(struct tg_an_tmk *s, struct tg_analyser *pa, int luma_only)
{
	memset(s, 0, sizeof(*s));
	tg_tmk_init(&s->h);
	pa->name = "tmk";
	pa->state = s;
	s->luma_only = luma_only;
	pa->video_format = luma_only ? TG_PIX_GRAY8 : TG_PIX_RGB24;
	pa->width = pa->height = TG_TMK_SIDE;
	pa->fps = 0;		/* every decoded frame is offered to keep() */
	pa->start = start;
	pa->keep = keep;
	pa->video = video;
	pa->finish = finish;
}

void tg_an_tmk_release(struct tg_an_tmk *s)
{
	if (!s)
		return;
	tg_fworker_free(s->worker);
	s->worker = NULL;
	tg_tmk_release(&s->h);
	free(s->dense);
	s->dense = NULL;
	s->ndense = s->capdense = 0;
}

static int create(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx)
{
	struct tg_an_tmk *s = malloc(sizeof(*s));

	*state = NULL;
	if (!s)
		return tg_error(TG_ENOMEM, "out of memory");
	/* the luma-only stream costs a third less to scale; scores against the
	 * reference's own stream stay >= 0.997 (tests/unit/test_an_phash.c) */
	tg_an_tmk_setup(s, pa, 1);
	s->keep_dense = 1;
	snprintf(s->derived, sizeof(s->derived), "%s", ctx->derived_dir ? ctx->derived_dir : "");
	snprintf(s->sha256, sizeof(s->sha256), "%s", ctx->sha256 ? ctx->sha256 : "");
	*state = s;
	return 0;
}

static int result(void *state, cJSON **out, double *confidence)
{
	struct tg_an_tmk *s = state;
	char path[4400] = "";
	cJSON *r;
	int ret;

	*out = NULL;
	*confidence = NAN;
	if (!s->done)
		return tg_error(TG_EINPUT, "tmk: no video frames were decoded");
	if (s->derived[0] && s->sha256[0]) {
		if ((ret = tg_fs_mkdirs(s->derived, 0755)) < 0)
			return ret;
		snprintf(path, sizeof(path), "%s/%s.tmk", s->derived, s->sha256);
		if ((ret = tg_tmk_io_write(path, &s->sig)) < 0)
			return ret;
	}
	r = cJSON_CreateObject();
	if (!r)
		return tg_error(TG_ENOMEM, "out of memory");
	cJSON_AddNumberToObject(r, "frames", s->sig.nframes);
	cJSON_AddNumberToObject(r, "fps", s->sig.fps);
	cJSON_AddNumberToObject(r, "bytes", TG_TMK_FILE_SIZE);
	if (path[0])
		cJSON_AddStringToObject(r, "file", strstr(path, "/derived/") ? strstr(path, "/derived/") + 1 : path);
	*out = r;
	return 0;
}

static int store(void *state, struct tg_store *st, long long item_id)
{
	struct tg_an_tmk *s = state;
	uint8_t *buf = malloc(TG_TMK_FILE_SIZE);
	int ret;

	if (!buf)
		return tg_error(TG_ENOMEM, "out of memory");
	tg_tmk_io_encode(&s->sig, buf);
	ret = tg_store_blob_put(st, item_id, "tmk", buf, TG_TMK_FILE_SIZE);
	free(buf);
	if (ret == 0)
		ret = tg_store_frame_hashes_put(st, item_id, "tmk-pdq", s->dense, s->ndense);
	return ret;
}

static void destroy(void *state)
{
	tg_an_tmk_release(state);
	free(state);
}

const struct tg_case_analyser tg_an_tmk = {
	.name = "tmk",
	.version = "2",	/* 2: grey thumbnails by box average of the luma plane */
	.applies_to = "video",
	.create = create,
	.result = result,
	.store = store,
	.destroy = destroy,
};
