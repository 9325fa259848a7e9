#include "phash/keyframes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* Where luma comes from: rgb24 (bpp 3) or a luma plane through lut (bpp 1). */
struct pic {
	const uint8_t *p;
	size_t stride;
	int bpp;
	const uint8_t *lut;
};

static inline int luma(const struct pic *pc, const uint8_t *p)
{
	return pc->bpp == 1 ? pc->lut[p[0]] : (77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8;
}

/* video range (16..235) to 0..255 as the rgb24 conversion stretches it */
static void range_lut(uint8_t lut[256], int full_range)
{
	for (int v = 0; v < 256; v++) {
		int l = v < 16 ? 16 : v > 235 ? 235 : v;

		lut[v] = full_range ? (uint8_t)v : (uint8_t)(((l - 16) * 255 + 109) / 219);
	}
}

void tg_kf_init(struct tg_kf *k, const struct tg_kf_params *p, tg_kf_emit_fn emit, void *user)
{
	static const struct tg_kf_params def = TG_KF_PARAMS_DEFAULT;

	memset(k, 0, sizeof(*k));
	k->p = p ? *p : def;
	k->emit = emit;
	k->user = user;
}

void tg_kf_release(struct tg_kf *k)
{
	if (!k)
		return;
	free(k->buf);
	free(k->shots);
	k->buf = NULL;
	k->shots = NULL;
	k->buf_cap = k->nshots = k->cap_shots = 0;
}

static double sharpness(const struct pic *pc, int w, int h)
{
	double sum = 0, sum2 = 0;
	long n = 0;
	/* about 130,000 samples whatever the size: the variance settles long before */
	int step = (int)lround(sqrt((double)w * h / 131072.0));
	size_t b = (size_t)pc->bpp, stride = pc->stride;

	if (step < 1)
		step = 1;
	for (int y = 2; y + 2 < h; y += step) {
		const uint8_t *r = pc->p + (size_t)y * stride;

		for (int x = 2; x + 2 < w; x += step) {
			int c = luma(pc, r + x * b);
			int l = 4 * c - luma(pc, r + (x - 2) * b) - luma(pc, r + (x + 2) * b) -
				luma(pc, r - 2 * stride + x * b) - luma(pc, r + 2 * stride + x * b);

			sum += l;
			sum2 += (double)l * l;
			n++;
		}
	}
	if (n == 0)
		return 0;
	sum /= n;
	return sum2 / n - sum * sum;
}

double tg_kf_sharpness(const uint8_t *rgb, int w, int h, size_t stride)
{
	struct pic pc = { rgb, stride, 3, NULL };

	return sharpness(&pc, w, h);
}

static void describe(const struct pic *pc, int w, int h, float *hist, float *thumb)
{
	int step = (int)sqrt((double)w * h / 16384.0);
	float cnt[TG_KF_THUMB * TG_KF_THUMB] = { 0 };
	float total = 0;

	if (step < 1)
		step = 1;
	memset(hist, 0, TG_KF_HIST * sizeof(*hist));
	memset(thumb, 0, TG_KF_THUMB * TG_KF_THUMB * sizeof(*thumb));
	for (int y = step / 2; y < h; y += step) {
		int by = y * TG_KF_THUMB / h;

		for (int x = step / 2; x < w; x += step) {
			int v = luma(pc, pc->p + (size_t)y * pc->stride + (size_t)x * (size_t)pc->bpp);
			int b = by * TG_KF_THUMB + x * TG_KF_THUMB / w;

			hist[v * TG_KF_HIST / 256] += 1;
			thumb[b] += (float)v;
			cnt[b] += 1;
			total += 1;
		}
	}
	for (int i = 0; i < TG_KF_HIST; i++)
		hist[i] /= total > 0 ? total : 1;
	for (int i = 0; i < TG_KF_THUMB * TG_KF_THUMB; i++)
		thumb[i] = cnt[i] > 0 ? thumb[i] / cnt[i] : 0;
}

static double change(const struct tg_kf *k, const float *hist, const float *thumb)
{
	double dh = 0, dt = 0;

	for (int i = 0; i < TG_KF_HIST; i++)
		dh += fabs(hist[i] - k->hist[i]);
	for (int i = 0; i < TG_KF_THUMB * TG_KF_THUMB; i++)
		dt += fabs(thumb[i] - k->thumb[i]);
	dt /= TG_KF_THUMB * TG_KF_THUMB * 255.0;
	return 0.5 * (dh / 2) + 0.5 * fmin(1.0, 4 * dt);
}

static double recent_median(const struct tg_kf *k)
{
	double v[8];
	int n = k->nrecent < 8 ? k->nrecent : 8;

	if (n == 0)
		return 0;
	memcpy(v, k->recent, (size_t)n * sizeof(double));
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* The ordinary change lately: the median of the last 8, or the mean of the
 * last 3 when motion is picking up (a pan speeding up is not a cut). */
static double recent_level(const struct tg_kf *k)
{
	double med = recent_median(k), mean = 0;
	int n = k->nrecent < 3 ? k->nrecent : 3;

	for (int i = 1; i <= n; i++)
		mean += k->recent[(k->nrecent - i) % 8];
	mean = n ? mean / n : 0;
	return med > mean ? med : mean;
}

static int flush_segment(struct tg_kf *k)
{
	int ret = 0;

	if (k->seg_has && k->emit)
		ret = k->emit(k->user, &k->best);
	k->seg_has = 0;
	return ret;
}

static int add_shot(struct tg_kf *k, double start, double end)
{
	if (k->nshots == k->cap_shots) {
		size_t cap = k->cap_shots ? k->cap_shots * 2 : 32;
		void *p = realloc(k->shots, cap * sizeof(*k->shots));

		if (!p)
			return tg_error(TG_ENOMEM, "keyframes: out of memory");
		k->shots = p;
		k->cap_shots = cap;
	}
	k->shots[k->nshots].start = start;
	k->shots[k->nshots].end = end;
	k->nshots++;
	return 0;
}

/* Keep a copy of the picture as the segment's best so far. */
static int keep_best(struct tg_kf *k, const struct tg_kf_picture *in, double t, long long frame,
		     double sharp)
{
	int w = in->width, h = in->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
	/* rows 32-byte aligned, + 64 at the end: the copy goes to swscale (JPEG),
	 * whose SIMD reads past the last pixel */
	size_t ys = in->yuv ? ((size_t)w + 31) & ~(size_t)31 : (size_t)w * 3;
	size_t cs = ((size_t)cw + 31) & ~(size_t)31;
	size_t need = ys * (size_t)h + (in->yuv ? 2 * cs * (size_t)ch : 0) + 64;

	if (need > k->buf_cap) {
		uint8_t *p = realloc(k->buf, need);

		if (!p)
			return tg_error(TG_ENOMEM, "keyframes: out of memory");
		k->buf = p;
		k->buf_cap = need;
	}
	memset(&k->best, 0, sizeof(k->best));
	for (int y = 0; y < h; y++)
		memcpy(k->buf + (size_t)y * ys, in->planes[0] + (size_t)y * in->linesizes[0],
		       in->yuv ? (size_t)w : (size_t)w * 3);
	if (in->yuv) {
		for (int i = 1; i < 3; i++) {
			uint8_t *o = k->buf + ys * (size_t)h + (size_t)(i - 1) * cs * (size_t)ch;

			for (int y = 0; y < ch; y++)
				memcpy(o + (size_t)y * cs, in->planes[i] + (size_t)y * in->linesizes[i],
				       (size_t)cw);
			k->best.planes[i] = o;
			k->best.linesizes[i] = (int)cs;
		}
		k->best.planes[0] = k->buf;
		k->best.linesizes[0] = (int)ys;
		k->best.full_range = in->full_range;
	} else {
		k->best.rgb = k->buf;
		k->best.stride = ys;
	}
	k->best.frame = frame;
	k->best.t = t;
	k->best.shot = k->shot;
	k->best.sharpness = sharp;
	k->best.width = w;
	k->best.height = h;
	k->seg_has = 1;
	return 0;
}

int tg_kf_push_picture(struct tg_kf *k, const struct tg_kf_picture *in, double t,
		       long long frame)
{
	float hist[TG_KF_HIST], thumb[TG_KF_THUMB * TG_KF_THUMB];
	uint8_t lut[256];
	struct pic pc = { in->planes[0], (size_t)in->linesizes[0], in->yuv ? 1 : 3, lut };
	int w = in->width, h = in->height;
	double sharp;
	int ret = 0;

	if (w <= 0 || h <= 0)
		return 0;
	if (in->yuv)
		range_lut(lut, in->full_range);
	describe(&pc, w, h, hist, thumb);
	if (!k->have_prev) {
		k->shot_start = k->seg_start = t;
	} else {
		double d = change(k, hist, thumb);

		k->last_change = d;
		if (d >= k->p.cut_min && d >= k->p.cut_k * recent_level(k)) {
			/* the history is kept across the cut: the footage's motion
			 * carries over; the cut's own change is not ordinary */
			if ((ret = flush_segment(k)) < 0)
				return ret;
			if ((ret = add_shot(k, k->shot_start, t)) < 0)
				return ret;
			k->shot++;
			k->shot_start = k->seg_start = t;
		} else {
			k->recent[k->nrecent % 8] = d;
			k->nrecent++;
			if (t - k->seg_start >= k->p.max_gap_s) {
				if ((ret = flush_segment(k)) < 0)
					return ret;
				k->seg_start = t;
			}
		}
	}
	memcpy(k->hist, hist, sizeof(hist));
	memcpy(k->thumb, thumb, sizeof(thumb));
	k->have_prev = 1;
	k->last_t = t;
	sharp = sharpness(&pc, w, h);
	if (!k->seg_has || sharp > k->best.sharpness)
		return keep_best(k, in, t, frame, sharp);
	return 0;
}

int tg_kf_push(struct tg_kf *k, const uint8_t *rgb, int w, int h, size_t stride, double t,
	       long long frame)
{
	struct tg_kf_picture in = { { rgb, NULL, NULL }, { (int)stride, 0, 0 }, w, h, 0, 1 };

	return tg_kf_push_picture(k, &in, t, frame);
}

int tg_kf_finish(struct tg_kf *k, double end_t)
{
	int ret = flush_segment(k);

	if (ret == 0 && k->have_prev)
		ret = add_shot(k, k->shot_start, end_t > k->last_t ? end_t : k->last_t);
	k->have_prev = 0;
	return ret;
}
