#include "phash/keyframes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

static inline int luma(const uint8_t *p)
{
	return (77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8;
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

double tg_kf_sharpness(const uint8_t *rgb, int w, int h, size_t stride)
{
	double sum = 0, sum2 = 0;
	long n = 0;
	/* about 130,000 samples whatever the size: the variance settles long before */
	int step = (int)lround(sqrt((double)w * h / 131072.0));

	if (step < 1)
		step = 1;
	for (int y = 2; y + 2 < h; y += step) {
		const uint8_t *r = rgb + (size_t)y * stride;

		for (int x = 2; x + 2 < w; x += step) {
			int c = luma(r + x * 3);
			int l = 4 * c - luma(r + (x - 2) * 3) - luma(r + (x + 2) * 3) -
				luma(r - 2 * stride + x * 3) - luma(r + 2 * stride + x * 3);

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

static void describe(const uint8_t *rgb, int w, int h, size_t stride, float *hist, float *thumb)
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
			int v = luma(rgb + (size_t)y * stride + (size_t)x * 3);
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

int tg_kf_push(struct tg_kf *k, const uint8_t *rgb, int w, int h, size_t stride, double t,
	       long long frame)
{
	float hist[TG_KF_HIST], thumb[TG_KF_THUMB * TG_KF_THUMB];
	double sharp;
	int ret = 0;

	if (w <= 0 || h <= 0)
		return 0;
	describe(rgb, w, h, stride, hist, thumb);
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
	sharp = tg_kf_sharpness(rgb, w, h, stride);
	if (!k->seg_has || sharp > k->best.sharpness) {
		/* + 64: the copy goes to swscale (JPEG), whose SIMD reads past the last pixel */
		size_t need = (size_t)w * 3 * (size_t)h + 64;

		if (need > k->buf_cap) {
			uint8_t *p = realloc(k->buf, need);

			if (!p)
				return tg_error(TG_ENOMEM, "keyframes: out of memory");
			k->buf = p;
			k->buf_cap = need;
		}
		for (int y = 0; y < h; y++)
			memcpy(k->buf + (size_t)y * w * 3, rgb + (size_t)y * stride, (size_t)w * 3);
		k->best.frame = frame;
		k->best.t = t;
		k->best.shot = k->shot;
		k->best.sharpness = sharp;
		k->best.rgb = k->buf;
		k->best.width = w;
		k->best.height = h;
		k->best.stride = (size_t)w * 3;
		k->seg_has = 1;
	}
	return 0;
}

int tg_kf_finish(struct tg_kf *k, double end_t)
{
	int ret = flush_segment(k);

	if (ret == 0 && k->have_prev)
		ret = add_shot(k, k->shot_start, end_t > k->last_t ? end_t : k->last_t);
	k->have_prev = 0;
	return ret;
}
