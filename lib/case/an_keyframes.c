/* an_keyframes.c - the "keyframes" case analyser (an_keyframes.h). */
#include "case/an_keyframes.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/an_vpdq.h"
#include "case/fworker.h"
#include "media/image.h"
#include "media/yuv.h"
#include "phash/vpdq.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonmem.h"

static int emit(void *user, const struct tg_keyframe *k)
{
	struct tg_an_keyframes *s = user;
	struct tg_an_kf_item *it;
	long ms = lround(k->t * 1000);
	uint8_t *conv = NULL;
	char path[4300];
	int ret;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		void *p = realloc(s->items, cap * sizeof(*s->items));

		if (!p)
			return tg_error(TG_ENOMEM, "keyframes: out of memory");
		s->items = p;
		s->cap = cap;
	}
	it = &s->items[s->n];
	memset(it, 0, sizeof(*it));
	it->frame = k->frame;
	it->t = k->t;
	it->shot = k->shot;
	it->sharpness = k->sharpness;
	if (ms < 0)
		ms = 0;
	snprintf(it->name, sizeof(it->name), "%02ld-%02ld-%02ld.%03ld.jpg", ms / 3600000,
		 ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
	if (k->rgb) {
		ret = tg_pdq_hash_rgb(&s->pdq, k->rgb, k->width, k->height, k->stride, &it->hash,
				      &it->quality);
		if (ret == 0 && s->dir[0]) {
			snprintf(path, sizeof(path), "%s/%s", s->dir, it->name);
			ret = tg_image_write_jpeg(path, k->rgb, k->width, k->height, k->stride,
						  s->jpeg_quality);
		}
	} else {
		/* a yuv keyframe: JPEG's full-range yuv straight from it (media/yuv.h) */
		struct tg_yuv420p pic;

		if (!(conv = malloc(tg_yuv420p_full_size(k->width, k->height))))
			return tg_error(TG_ENOMEM, "keyframes: out of memory");
		tg_yuv420p_to_full(k->planes, k->linesizes, k->width, k->height, k->full_range, conv,
				   &pic);
		ret = tg_pdq_hash_gray8(&s->pdq, pic.planes[0], k->width, k->height,
					(size_t)pic.linesizes[0], &it->hash, &it->quality);
		if (ret == 0 && s->dir[0]) {
			snprintf(path, sizeof(path), "%s/%s", s->dir, it->name);
			ret = tg_yuv420p_write_jpeg(path, &pic, s->jpeg_quality);
		}
	}
	if (ret == 0)
		s->n++;
	free(conv);
	return ret;
}

static int push_frame(void *state, const struct tg_frame *f);

static int start(void *state, const struct tg_media_info *info)
{
	struct tg_an_keyframes *s = state;
	int ret;

	s->rate = info->frame_rate > 0 ? info->frame_rate : 0;
	s->every = tg_vpdq_sample_every(s->sample_s, s->rate);
	s->end_t = isfinite(info->duration_s) ? info->start_s + info->duration_s : 0;
	if (s->dir[0] && (ret = tg_fs_mkdirs(s->dir, 0755)) < 0)
		return ret;
	/* sharpness, copies and JPEGs off the decode thread */
	if (!s->worker && (ret = tg_fworker_start(&s->worker, 2, push_frame, s)) < 0)
		return ret;
	return 0;
}

static int keep(void *state, long long decoded, double pts)
{
	(void)pts;
	return decoded % ((struct tg_an_keyframes *)state)->every == 0;
}

static int video(void *state, const struct tg_frame *f)
{
	struct tg_an_keyframes *s = state;

	return s->worker ? tg_fworker_push(s->worker, f) : push_frame(s, f);
}

static int push_frame(void *state, const struct tg_frame *f)
{
	struct tg_an_keyframes *s = state;
	struct tg_kf_picture in;

	memset(&in, 0, sizeof(in));
	in.planes[0] = f->data;
	in.linesizes[0] = f->linesize;
	for (int i = 1; i < 3 && f->format == TG_PIX_YUV420P; i++) {
		in.planes[i] = f->planes[i];
		in.linesizes[i] = f->linesizes[i];
	}
	in.width = f->width;
	in.height = f->height;
	in.yuv = f->format == TG_PIX_YUV420P;
	in.full_range = f->full_range;
	return tg_kf_push_picture(&s->kf, &in, f->pts_s, f->decoded_index);
}

static int finish(void *state)
{
	struct tg_an_keyframes *s = state;
	int ret = s->worker ? tg_fworker_finish(s->worker) : 0;

	return ret < 0 ? ret : tg_kf_finish(&s->kf, s->end_t);
}

int tg_an_keyframes_setup(struct tg_an_keyframes *s, struct tg_analyser *pa, double sample_s,
			  double max_gap_s, const char *dir)
{
	struct tg_kf_params p = TG_KF_PARAMS_DEFAULT;

	memset(s, 0, sizeof(*s));
	if (max_gap_s > 0)
		p.max_gap_s = max_gap_s;
	tg_kf_init(&s->kf, &p, emit, s);
	tg_pdq_scratch_init(&s->pdq);
	s->sample_s = sample_s;
	s->every = 1;
	s->jpeg_quality = 3;
	snprintf(s->dir, sizeof(s->dir), "%s", dir ? dir : "");
	pa->name = "keyframes";
	pa->state = s;
	/* the decoder's planes: only the kept keyframes are converted to rgb24 */
	pa->video_format = TG_PIX_YUV420P;
	pa->width = pa->height = 0;
	pa->fps = 0;
	pa->start = start;
	pa->keep = keep;
	pa->video = video;
	pa->finish = finish;
	return 0;
}

void tg_an_keyframes_release(struct tg_an_keyframes *s)
{
	if (!s)
		return;
	tg_fworker_free(s->worker);
	s->worker = NULL;
	tg_kf_release(&s->kf);
	tg_pdq_scratch_release(&s->pdq);
	free(s->items);
	s->items = NULL;
	s->n = s->cap = 0;
}

/* ---- the case analyser ---- */

static int parse_params(const char *json, double *sample_s, double *gap_s)
{
	cJSON *root = json ? cJSON_Parse(json) : NULL, *v;
	int ret = 0;

	*sample_s = 1.0;
	*gap_s = 10.0;
	if (!root)
		return json && json[0] ? tg_error(TG_EINPUT, "keyframes: params are not JSON") : 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "sample_s"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 60)
			ret = tg_error(TG_EINPUT, "keyframes: sample_s must be 0..60");
		else
			*sample_s = v->valuedouble;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "max_gap_s"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 3600)
			ret = tg_error(TG_EINPUT, "keyframes: max_gap_s must be 1..3600");
		else
			*gap_s = v->valuedouble;
	}
	cJSON_Delete(root);
	return ret;
}

static int create(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx)
{
	struct tg_an_keyframes *s = malloc(sizeof(*s));
	double sample_s, gap_s;
	int ret;

	*state = NULL;
	if (!s)
		return tg_error(TG_ENOMEM, "out of memory");
	if ((ret = parse_params(ctx->params, &sample_s, &gap_s)) < 0) {
		free(s);
		return ret;
	}
	tg_an_keyframes_setup(s, pa, sample_s, gap_s, ctx->derived_dir);
	*state = s;
	return 0;
}

static int result(void *state, cJSON **out, double *confidence)
{
	struct tg_an_keyframes *s = state;
	const char *rel = strstr(s->dir, "/derived/");
	cJSON *r = cJSON_CreateObject(), *list, *shots;

	*confidence = NAN;
	*out = NULL;
	if (!r)
		return tg_error(TG_ENOMEM, "out of memory");
	cJSON_AddNumberToObject(r, "sample_s", s->sample_s);
	cJSON_AddNumberToObject(r, "shots", (double)s->kf.nshots);
	if (s->dir[0])
		cJSON_AddStringToObject(r, "dir", rel ? rel + 1 : s->dir);
	shots = cJSON_AddArrayToObject(r, "shot_ranges_s");
	for (size_t i = 0; i < s->kf.nshots; i++) {
		double se[2] = { round(s->kf.shots[i].start * 1000) / 1000,
				 round(s->kf.shots[i].end * 1000) / 1000 };

		if (tg_jsonmem_add(shots, NULL, cJSON_CreateDoubleArray(se, 2)) < 0)
			goto nomem;
	}
	list = cJSON_AddArrayToObject(r, "keyframes");
	for (size_t i = 0; i < s->n; i++) {
		const struct tg_an_kf_item *it = &s->items[i];
		cJSON *k = cJSON_CreateObject();
		char hex[TG_PDQ_HEX_LEN + 1];
		double se[2] = { 0, 0 };
		int whole;

		if (!k)
			goto nomem;
		if ((size_t)it->shot < s->kf.nshots) {
			se[0] = round(s->kf.shots[it->shot].start * 1000) / 1000;
			se[1] = round(s->kf.shots[it->shot].end * 1000) / 1000;
		}
		tg_pdq_to_hex(&it->hash, hex);
		cJSON_AddNumberToObject(k, "time_s", round(it->t * 1000) / 1000);
		cJSON_AddNumberToObject(k, "frame", (double)it->frame);
		cJSON_AddNumberToObject(k, "shot", it->shot);
		whole = tg_jsonmem_add(k, "shot_range_s", cJSON_CreateDoubleArray(se, 2)) == 0;
		cJSON_AddStringToObject(k, "file", it->name);
		cJSON_AddStringToObject(k, "pdq", hex);
		cJSON_AddNumberToObject(k, "quality", it->quality);
		cJSON_AddNumberToObject(k, "sharpness", round(it->sharpness * 10) / 10);
		if (tg_jsonmem_add(list, NULL, k) < 0 || !whole)
			goto nomem;
	}
	*out = r;
	return 0;
nomem:
	cJSON_Delete(r);
	return tg_error(TG_ENOMEM, "out of memory");
}

static int store(void *state, struct tg_store *st, long long item_id)
{
	struct tg_an_keyframes *s = state;
	struct tg_frame_hash_row *rows = calloc(s->n ? s->n : 1, sizeof(*rows));
	int ret;

	if (!rows)
		return tg_error(TG_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n; i++) {
		rows[i].item_id = item_id;
		rows[i].frame = s->items[i].frame;
		rows[i].pts_s = s->items[i].t;
		rows[i].quality = s->items[i].quality;
		tg_an_vpdq_pack(&s->items[i].hash, rows[i].hash);
	}
	ret = tg_store_frame_hashes_put(st, item_id, "keyframe", rows, s->n);
	free(rows);
	return ret;
}

static void destroy(void *state)
{
	tg_an_keyframes_release(state);
	free(state);
}

const struct tg_case_analyser tg_an_keyframes = {
	.name = "keyframes",
	.version = "2",	/* 2: chosen on the decoded luma, not an rgb24 copy */
	.applies_to = "video",
	.create = create,
	.result = result,
	.store = store,
	.destroy = destroy,
};
