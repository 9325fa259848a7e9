/*
 * an_vpdq.c - the "vpdq" case analyser (an_vpdq.h): composes phash/vpdq,
 * phash/bars and the store's frame_hashes and blobs.
 *
 * Two input paths (tg_an_vpdq_setup()'s luma): the pipeline's rgb24
 * frames, the reference's way (`testigo vpdq`); or the decoder's yuv
 * planes, hashing their luma box-shrunk (queue_luma()), which spares
 * converting and copying whole frames: the case analyser of `testigo add`
 * and match queries (issue 3, docs/performance.md).
 */
#include "case/an_vpdq.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/fworker.h"
#include "media/thumb.h"
#include "phash/bars.h"
#include "phash/vpdq.h"
#include "util/dynbuf.h"
#include "util/error.h"
#include "util/fs.h"

void tg_an_vpdq_pack(const struct tg_pdq_hash *h, unsigned char out[32])
{
	for (int i = 0; i < 16; i++) {
		out[2 * i] = (unsigned char)(h->w[15 - i] >> 8);
		out[2 * i + 1] = (unsigned char)(h->w[15 - i] & 0xff);
	}
}

void tg_an_vpdq_unpack(const unsigned char in[32], struct tg_pdq_hash *h)
{
	for (int i = 0; i < 16; i++)
		h->w[15 - i] = (uint16_t)(in[2 * i] << 8 | in[2 * i + 1]);
}

static int push(struct tg_an_vpdq_rows *l, long long frame, double ts, int quality,
		const struct tg_pdq_hash *h)
{
	struct tg_frame_hash_row *r;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *p = realloc(l->r, cap * sizeof(*l->r));

		if (!p)
			return tg_error(TG_ENOMEM, "vpdq: out of memory");
		l->r = p;
		l->cap = cap;
	}
	r = &l->r[l->n++];
	r->item_id = 0;
	r->frame = frame;
	r->pts_s = ts;
	r->quality = quality;
	tg_an_vpdq_pack(h, r->hash);
	return 0;
}

/*
 * An f x f box-filtered copy of a large frame (f = 2 or 4: about 480 to 960
 * pixels wide), for the extra hashes.
 */
static int shrink(struct tg_an_vpdq *s, const uint8_t *rgb, int w, int h, size_t stride, int f)
{
	int sw = w / f, sh = h / f;
	size_t need = (size_t)sw * 3 * (size_t)sh + 16 + (size_t)sw * f * 3 * sizeof(uint16_t);
	uint16_t *acc;

	if (need > s->small_cap) {
		uint8_t *p = realloc(s->small, need);

		if (!p)
			return tg_error(TG_ENOMEM, "vpdq: out of memory");
		s->small = p;
		s->small_cap = need;
	}
	acc = (uint16_t *)(void *)(s->small + (((size_t)sw * 3 * (size_t)sh + 15) & ~(size_t)15));
	for (int y = 0; y < sh; y++) {
		uint8_t *o = s->small + (size_t)y * sw * 3;
		int n = sw * f * 3;

		/* sum f rows, then f columns of each colour */
		tg_thumb_sum_rows(acc, rgb + (size_t)(y * f) * stride, stride, f, n);
		if (f == 4) {
			for (int x = 0; x < sw; x++) {
				const uint16_t *a = acc + x * 12;

				o[x * 3] = (uint8_t)((a[0] + a[3] + a[6] + a[9] + 8u) >> 4);
				o[x * 3 + 1] = (uint8_t)((a[1] + a[4] + a[7] + a[10] + 8u) >> 4);
				o[x * 3 + 2] = (uint8_t)((a[2] + a[5] + a[8] + a[11] + 8u) >> 4);
			}
		} else {
			for (int x = 0; x < sw; x++) {
				const uint16_t *a = acc + x * 6;

				o[x * 3] = (uint8_t)((a[0] + a[3] + 2u) >> 2);
				o[x * 3 + 1] = (uint8_t)((a[1] + a[4] + 2u) >> 2);
				o[x * 3 + 2] = (uint8_t)((a[2] + a[5] + 2u) >> 2);
			}
		}
	}
	return 0;
}

/* The whole frame's hash (its DCT in s->pdq) and its dihedral variants. */
static int add_full(struct tg_an_vpdq *s, const struct tg_pdq_hash *hash, int q, long long frame,
		    double ts)
{
	struct tg_pdq_hash dih[TG_PDQ_NDIHEDRAL];
	int ret;

	tg_pdq_dihedral(s->pdq.dct, dih);
	if (s->full.n == s->dih_cap) {
		size_t cap = s->dih_cap ? s->dih_cap * 2 : 256;
		void *p = realloc(s->dih, cap * sizeof(*s->dih));

		if (!p)
			return tg_error(TG_ENOMEM, "vpdq: out of memory");
		s->dih = p;
		s->dih_cap = cap;
	}
	for (int k = 1; k < TG_PDQ_NDIHEDRAL; k++)
		tg_an_vpdq_pack(&dih[k], s->dih[s->full.n][k - 1]);
	if ((ret = push(&s->full, frame, ts, q, hash)) < 0)
		return ret;
	s->quality_sum += q;
	return 0;
}

static int hash_px(struct tg_an_vpdq *s, const uint8_t *p, int bpp, int w, int h, size_t stride,
		   struct tg_pdq_hash *hash, int *q)
{
	return bpp == 3 ? tg_pdq_hash_rgb(&s->pdq, p, w, h, stride, hash, q) :
	       tg_pdq_hash_gray8(&s->pdq, p, w, h, stride, hash, q);
}

/* The extra hashes (bars, centre, regions) of a picture of at most 960 pixels wide. */
static int add_extras(struct tg_an_vpdq *s, const uint8_t *px, int bpp, int w, int h,
		      size_t stride, long long frame, double ts)
{
	struct tg_pdq_hash hash;
	struct tg_bars_box box;
	size_t b = (size_t)bpp;
	int q, ret;

	if (bpp == 3 ? tg_bars_detect(px, w, h, stride, &box) :
	    tg_bars_detect_gray(px, w, h, stride, &box)) {
		s->bars_frames++;
		px += (size_t)box.y * stride + (size_t)box.x * b;
		w = box.width;
		h = box.height;
		ret = hash_px(s, px, bpp, w, h, stride, &hash, &q);
		if (ret == 0)
			ret = push(&s->crop, frame, ts, q, &hash);
		if (ret < 0)
			return ret;
	}
	ret = hash_px(s, px + (size_t)(h / 20) * stride + (size_t)(w / 20) * b, bpp,
		      w - 2 * (w / 20), h - 2 * (h / 20), stride, &hash, &q);
	if (ret == 0)
		ret = push(&s->center, frame, ts, q, &hash);
	for (int k = 0; k < TG_AN_VPDQ_REGIONS && ret == 0; k++) {
		/* top, bottom, left, right halves; the centre band */
		static const int rx[5][4] = {	/* x0, y0, x1, y1 in 1/100 */
			{ 0, 0, 100, 50 }, { 0, 50, 100, 100 }, { 0, 0, 50, 100 },
			{ 50, 0, 100, 100 }, { 10, 22, 90, 78 },
		};
		int x0 = w * rx[k][0] / 100, y0 = h * rx[k][1] / 100;
		int x1 = w * rx[k][2] / 100, y1 = h * rx[k][3] / 100;

		ret = hash_px(s, px + (size_t)y0 * stride + (size_t)x0 * b, bpp, x1 - x0, y1 - y0,
			      stride, &hash, &q);
		if (ret == 0)
			ret = push(&s->quad, frame * TG_AN_VPDQ_REGIONS + k, ts, q, &hash);
	}
	return ret;
}

int tg_an_vpdq_add_picture(struct tg_an_vpdq *s, const uint8_t *rgb, int w, int h,
			   size_t stride, long long frame, double ts)
{
	struct tg_pdq_hash hash;
	int q, ret;

	ret = tg_pdq_hash_rgb(&s->pdq, rgb, w, h, stride, &hash, &q);
	if (ret == 0)
		ret = add_full(s, &hash, q, frame, ts);
	if (ret < 0 || !s->quads)
		return ret;
	if (w > 960) {
		int f = w >= 1920 ? 4 : 2;

		if ((ret = shrink(s, rgb, w, h, stride, f)) < 0)
			return ret;
		rgb = s->small;
		w /= f;
		h /= f;
		stride = (size_t)w * 3;
	}
	return add_extras(s, rgb, 3, w, h, stride, frame, ts);
}

static int hash_frame(void *state, const struct tg_frame *f);

/*
 * Frames of `testigo add` (TG_PIX_YUV420P): only the luma is hashed, as PDQ
 * takes it from rgb24 (video range stretched to 0..255), and PDQ blurs it
 * to 64x64 anyway.  On the decode thread, while the frame is in cache, the
 * luma plane is box-shrunk by k (a power of two) to at most 960 pixels
 * wide, straight into the worker's slot; for the extra hashes, halved once
 * more when that is over 720 wide (1080p: 960x540 for the frame's hash,
 * 480x270 for the others; 1280x720: 640x360 for both; SD: full size, as
 * the rgb24 path has it).  Hashes differ from the full-size rgb24 ones by
 * a few bits (tests/unit/test_an_phash.c, docs/performance.md).
 */
static int luma_factor(int w)
{
	int k = 1;

	while (w / k > 960 && k < 8)
		k *= 2;
	return k;
}

static int extras_factor(const struct tg_an_vpdq *s, int fw)
{
	return s->quads && fw > 720 ? 2 : 1;
}

/* out (w / k x h / k, packed) = lut[k x k box means of the plane] */
static void shrink_plane(const uint8_t *p, int w, int h, size_t stride, int k, const uint8_t *lut,
			 uint8_t *out, uint16_t *acc)
{
	int ow = w / k, oh = h / k, shift = k == 1 ? 0 : k == 2 ? 2 : k == 4 ? 4 : 6;
	unsigned half = (1u << shift) >> 1;

	for (int r = 0; r < oh; r++) {
		uint8_t *o = out + (size_t)r * (size_t)ow;

		tg_thumb_sum_rows(acc, p + (size_t)(r * k) * stride, stride, k, ow * k);
		/* k is 1, 2, 4 or 8: the common ones spelled out, so they unroll */
		if (k == 2) {
			for (int x = 0; x < ow; x++)
				o[x] = lut[(acc[2 * x] + acc[2 * x + 1] + half) >> shift];
		} else if (k == 4) {
			for (int x = 0; x < ow; x++) {
				const uint16_t *a = acc + 4 * x;

				o[x] = lut[(a[0] + a[1] + a[2] + a[3] + half) >> shift];
			}
		} else {
			for (int x = 0; x < ow; x++) {
				unsigned sum = 0;

				for (int j = 0; j < k; j++)
					sum += acc[x * k + j];
				o[x] = lut[(sum + half) >> shift];
			}
		}
	}
}

/* The decode thread's part for a yuv frame: the grey copies, queued for hash_frame(). */
static int queue_luma(struct tg_an_vpdq *s, const struct tg_frame *f)
{
	int k = luma_factor(f->width), fw = f->width / k, fh = f->height / k;
	int e = extras_factor(s, fw), ew = fw / e, eh = fh / e;
	size_t acc_bytes = ((size_t)f->width * sizeof(uint16_t) + 15) & ~(size_t)15;
	size_t need = (size_t)fw * (size_t)fh + (e > 1 ? (size_t)ew * (size_t)eh : 0);
	struct tg_frame g = *f;
	uint8_t lut[256], same[256], *buf;
	int ret;

	if (fw < 1 || fh < 1)
		return tg_error(TG_EINPUT, "vpdq: a %dx%d frame", f->width, f->height);
	/* s->small: the row sums (and the copies when there is no worker) */
	if (acc_bytes + (s->worker ? 0 : need) > s->small_cap) {
		uint8_t *p = realloc(s->small, acc_bytes + (s->worker ? 0 : need));

		if (!p)
			return tg_error(TG_ENOMEM, "vpdq: out of memory");
		s->small = p;
		s->small_cap = acc_bytes + (s->worker ? 0 : need);
	}
	if (s->worker) {
		if ((ret = tg_fworker_reserve(s->worker, need, &buf)) < 0)
			return ret;
	} else {
		buf = s->small + acc_bytes;
	}
	for (int v = 0; v < 256; v++) {
		int l = v < 16 ? 16 : v > 235 ? 235 : v;

		lut[v] = f->full_range ? (uint8_t)v : (uint8_t)(((l - 16) * 255 + 109) / 219);
		same[v] = (uint8_t)v;
	}
	shrink_plane(f->data, f->width, f->height, (size_t)f->linesize, k, lut, buf,
		     (uint16_t *)(void *)s->small);
	if (e > 1)
		shrink_plane(buf, fw, fh, (size_t)fw, e, same, buf + (size_t)fw * (size_t)fh,
			     (uint16_t *)(void *)s->small);
	g.format = TG_PIX_GRAY8;
	g.width = fw;
	g.height = fh;
	g.data = g.planes[0] = buf;
	g.linesize = g.linesizes[0] = fw;
	g.planes[1] = g.planes[2] = NULL;
	g.full_range = 1;
	return s->worker ? tg_fworker_commit(s->worker, &g) : hash_frame(s, &g);
}

/* The worker's part: the frame's hash, then the extras on the smaller copy after it. */
static int add_gray(struct tg_an_vpdq *s, const struct tg_frame *f, long long frame, double ts)
{
	struct tg_pdq_hash hash;
	int q, ret, e = extras_factor(s, f->width);

	ret = tg_pdq_hash_gray8(&s->pdq, f->data, f->width, f->height, (size_t)f->linesize, &hash,
				&q);
	if (ret == 0)
		ret = add_full(s, &hash, q, frame, ts);
	if (ret < 0 || !s->quads)
		return ret;
	if (e == 1)
		return add_extras(s, f->data, 1, f->width, f->height, (size_t)f->linesize, frame, ts);
	return add_extras(s, f->data + (size_t)f->width * (size_t)f->height, 1, f->width / e,
			  f->height / e, (size_t)(f->width / e), frame, ts);
}

static int start(void *state, const struct tg_media_info *info)
{
	struct tg_an_vpdq *s = state;
	int ret;

	s->rate = info->frame_rate > 0 ? info->frame_rate : 0;
	s->every = tg_vpdq_sample_every(s->seconds, s->rate);
	/* PDQ of a large picture takes milliseconds: off the decode thread when sampled */
	if (s->every > 1 && !s->worker && (ret = tg_fworker_start(&s->worker, 2, hash_frame, s)) < 0)
		return ret;
	return 0;
}

static int keep(void *state, long long decoded, double pts)
{
	(void)pts;
	return decoded % ((struct tg_an_vpdq *)state)->every == 0;
}

static int video(void *state, const struct tg_frame *f)
{
	struct tg_an_vpdq *s = state;

	if (f->format == TG_PIX_YUV420P)
		return queue_luma(s, f);
	return s->worker ? tg_fworker_push(s->worker, f) : hash_frame(s, f);
}

static int finish(void *state)
{
	struct tg_an_vpdq *s = state;

	return s->worker ? tg_fworker_finish(s->worker) : 0;
}

static int hash_frame(void *state, const struct tg_frame *f)
{
	struct tg_an_vpdq *s = state;
	double ts = s->rate > 0 ? (double)f->decoded_index / s->rate : f->pts_s;

	if (f->format == TG_PIX_GRAY8)	/* from queue_luma() */
		return add_gray(s, f, f->decoded_index, ts);
	return tg_an_vpdq_add_picture(s, f->data, f->width, f->height, (size_t)f->linesize,
				      f->decoded_index, ts);
}

int tg_an_vpdq_setup(struct tg_an_vpdq *s, struct tg_analyser *pa, double seconds, int quads,
		     int luma)
{
	memset(s, 0, sizeof(*s));
	tg_pdq_scratch_init(&s->pdq);
	s->seconds = seconds;
	s->quads = quads;
	s->every = 1;
	pa->name = "vpdq";
	pa->state = s;
	pa->video_format = luma ? TG_PIX_YUV420P : TG_PIX_RGB24;
	pa->width = pa->height = 0;
	pa->fps = 0;
	pa->start = start;
	pa->keep = keep;
	pa->video = video;
	pa->finish = finish;
	return 0;
}

void tg_an_vpdq_release(struct tg_an_vpdq *s)
{
	if (!s)
		return;
	tg_fworker_free(s->worker);
	tg_pdq_scratch_release(&s->pdq);
	free(s->full.r);
	free(s->crop.r);
	free(s->center.r);
	free(s->quad.r);
	free(s->small);
	free(s->dih);
	memset(s, 0, sizeof(*s));
}

/* ---- the case analyser ---- */

static int parse_params(const char *json, double *seconds)
{
	cJSON *root = json ? cJSON_Parse(json) : NULL, *v;
	int ret = 0;

	*seconds = 1.0;
	if (!root)
		return json && json[0] ? tg_error(TG_EINPUT, "vpdq: params are not JSON") : 0;
	v = cJSON_GetObjectItemCaseSensitive(root, "seconds_per_hash");
	if (v) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 3600)
			ret = tg_error(TG_EINPUT, "vpdq: seconds_per_hash must be 0..3600");
		else
			*seconds = v->valuedouble;
	}
	cJSON_Delete(root);
	return ret;
}

static int create(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx)
{
	struct tg_an_vpdq *s = malloc(sizeof(*s));
	double seconds;
	int ret;

	*state = NULL;
	if (!s)
		return tg_error(TG_ENOMEM, "out of memory");
	if ((ret = parse_params(ctx->params, &seconds)) < 0) {
		free(s);
		return ret;
	}
	/* in a case: hash the decoded luma, not an rgb24 conversion of it (issue 3) */
	tg_an_vpdq_setup(s, pa, seconds, 1, 1);
	snprintf(s->derived, sizeof(s->derived), "%s", ctx->derived_dir ? ctx->derived_dir : "");
	snprintf(s->sha256, sizeof(s->sha256), "%s", ctx->sha256 ? ctx->sha256 : "");
	*state = s;
	return 0;
}

int tg_an_vpdq_format_row(const struct tg_frame_hash_row *r, char *line, size_t n)
{
	struct tg_vpdq_frame f;

	f.frame = r->frame;
	f.quality = r->quality;
	f.ts = r->pts_s;
	tg_an_vpdq_unpack(r->hash, &f.hash);
	return tg_vpdq_format(&f, line, n);
}

/* The reference's text file, for exchange with other tools. */
static int write_lines(const struct tg_an_vpdq *s, char *path, size_t n)
{
	struct tg_dynbuf b;
	int ret;

	if ((ret = tg_fs_mkdirs(s->derived, 0755)) < 0)
		return ret;
	snprintf(path, n, "%s/%s.txt", s->derived, s->sha256);
	tg_dynbuf_init(&b, (size_t)1 << 30);
	for (size_t i = 0; i < s->full.n && ret == 0; i++) {
		char line[TG_VPDQ_LINE_MAX];

		tg_an_vpdq_format_row(&s->full.r[i], line, sizeof(line));
		ret = tg_dynbuf_printf(&b, "%s\n", line);
	}
	if (ret == 0)
		ret = tg_fs_write_atomic(path, b.buf ? b.buf : "", b.len, 0644);
	tg_dynbuf_release(&b);
	return ret;
}

static int result(void *state, cJSON **out, double *confidence)
{
	struct tg_an_vpdq *s = state;
	char path[4400];
	cJSON *r;
	int ret;

	*confidence = NAN;
	*out = NULL;
	path[0] = '\0';
	if (s->derived[0] && s->sha256[0] && (ret = write_lines(s, path, sizeof(path))) < 0)
		return ret;
	r = cJSON_CreateObject();
	if (!r)
		return tg_error(TG_ENOMEM, "out of memory");
	cJSON_AddNumberToObject(r, "frames", (double)s->full.n);
	cJSON_AddNumberToObject(r, "seconds_per_hash", s->seconds);
	cJSON_AddNumberToObject(r, "every_nth_frame", (double)s->every);
	cJSON_AddNumberToObject(r, "frame_rate", s->rate);
	cJSON_AddNumberToObject(r, "quality_mean",
				s->full.n ? round(s->quality_sum / s->full.n * 10) / 10 : 0);
	cJSON_AddNumberToObject(r, "frames_with_bars", (double)s->bars_frames);
	cJSON_AddNumberToObject(r, "region_hashes", (double)s->quad.n);
	cJSON_AddNumberToObject(r, "centre_hashes", (double)s->center.n);
	if (path[0])
		cJSON_AddStringToObject(r, "file", strstr(path, "/derived/") ? strstr(path, "/derived/") + 1 : path);
	*out = r;
	return 0;
}

static int store(void *state, struct tg_store *st, long long item_id)
{
	struct tg_an_vpdq *s = state;
	int ret;

	ret = tg_store_frame_hashes_put(st, item_id, "vpdq", s->full.r, s->full.n);
	if (ret == 0)
		ret = tg_store_frame_hashes_put(st, item_id, "vpdq-crop", s->crop.r, s->crop.n);
	if (ret == 0)
		ret = tg_store_frame_hashes_put(st, item_id, "vpdq-center", s->center.r, s->center.n);
	if (ret == 0)
		ret = tg_store_frame_hashes_put(st, item_id, "vpdq-quad", s->quad.r, s->quad.n);
	if (ret == 0)
		ret = tg_store_blob_put(st, item_id, "vpdq-dihedral", s->dih ? (void *)s->dih : "",
					s->full.n * sizeof(*s->dih));
	return ret;
}

static void destroy(void *state)
{
	tg_an_vpdq_release(state);
	free(state);
}

const struct tg_case_analyser tg_an_vpdq = {
	.name = "vpdq",
	.version = "2",	/* 2: hashes of the decoded luma plane, not of an rgb24 copy */
	.applies_to = "video,image",
	.create = create,
	.result = result,
	.store = store,
	.destroy = destroy,
};
