/* xcorr.c - template correlation by overlap-save FFT; see xcorr.h. */
#include "audio/xcorr.h"

#include <math.h>
#include <string.h>

#include <libavutil/mem.h>

#include "util/error.h"

int tg_xcorr_init(struct tg_xcorr *x, int L, int min_lags)
{
	int n = 64, ret;

	memset(x, 0, sizeof(*x));
	if (L < 1 || min_lags < 1)
		return tg_error(TG_EINVAL, "xcorr: template of %d samples, %d lags", L, min_lags);
	while (n < L - 1 + min_lags && n < (1 << 26))
		n *= 2;
	if (n < L - 1 + min_lags)
		return tg_error(TG_EINVAL, "xcorr: template of %d samples, %d lags", L, min_lags);
	x->n = n;
	x->L = L;
	x->in = av_malloc(sizeof(float) * (size_t)(n + 2));
	x->freq = av_malloc(sizeof(float) * (size_t)(n + 2));
	x->out = av_malloc(sizeof(float) * (size_t)(n + 2));
	if (!x->in || !x->freq || !x->out) {
		tg_xcorr_release(x);
		return tg_error(TG_ENOMEM, "correlator: out of memory");
	}
	/* both directions unscaled: the template's spectrum carries the 1/n */
	if ((ret = tg_rfft_init(&x->fft, n, 1.0f, "correlator")) < 0)
		tg_xcorr_release(x);
	return ret;
}

void tg_xcorr_release(struct tg_xcorr *x)
{
	tg_rfft_release(&x->fft);
	av_freep(&x->in);
	av_freep(&x->freq);
	av_freep(&x->out);
}

void tg_xcorr_template(const struct tg_xcorr *x, const float *t, float *spec)
{
	const float scale = 1.0f / (float)x->n;

	memset(x->in, 0, sizeof(float) * (size_t)(x->n + 2));
	memcpy(x->in, t, sizeof(float) * (size_t)x->L);
	tg_rfft_forward(&x->fft, x->in, x->freq);
	/* conjugated, so that the product with a block's spectrum is the
	 * correlation's (not the convolution's) */
	for (int k = 0; k <= x->n / 2; k++) {
		spec[2 * k] = x->freq[2 * k] * scale;
		spec[2 * k + 1] = -x->freq[2 * k + 1] * scale;
	}
}

void tg_xcorr_run(const struct tg_xcorr *x, const float *spec, const float *y, int64_t nl,
		  float *out)
{
	/* lags [0, n - L] of a block see no wrap-around */
	const int64_t step = x->n - x->L + 1, have = nl + x->L - 1;

	for (int64_t pos = 0; pos < nl; pos += step) {
		int64_t m = have - pos < x->n ? have - pos : x->n;
		int64_t keep = nl - pos < step ? nl - pos : step;

		memcpy(x->in, y + pos, sizeof(float) * (size_t)m);
		memset(x->in + m, 0, sizeof(float) * (size_t)(x->n + 2 - m));
		tg_rfft_forward(&x->fft, x->in, x->freq);
		for (int k = 0; k <= x->n / 2; k++) {
			float ar = spec[2 * k], ai = spec[2 * k + 1];
			float br = x->freq[2 * k], bi = x->freq[2 * k + 1];

			x->freq[2 * k] = ar * br - ai * bi;
			x->freq[2 * k + 1] = ar * bi + ai * br;
		}
		tg_rfft_inverse(&x->fft, x->freq, x->out);
		memcpy(out + pos, x->out, sizeof(float) * (size_t)keep);
	}
}

/* the window energies |y[d, d + L)|^2, d in [0, nl), one after another */
struct window_energy {
	const float *y;
	int L;
	int64_t d;
	double yy;
};

static void energy_start(struct window_energy *w, const float *y, int L)
{
	w->y = y;
	w->L = L;
	w->d = 0;
	w->yy = 0.0;
	for (int i = 0; i < L; i++)
		w->yy += (double)y[i] * y[i];
}

/* the current window's energy, then on to the next (y[d + L] is read
 * only when there is a next window) */
static double energy_next(struct window_energy *w, int64_t nl)
{
	double e = w->yy > 0.0 ? w->yy : 0.0;   /* the running sum's rounding */

	if (++w->d < nl)
		w->yy += (double)w->y[w->d + w->L - 1] * w->y[w->d + w->L - 1] -
			 (double)w->y[w->d - 1] * w->y[w->d - 1];
	return e;
}

int tg_xcorr_ncc(const struct tg_xcorr *x, const float *spec, double tt, const float *y,
		 int64_t nl, double min_energy, float *out)
{
	struct window_energy w;
	double top = 0.0, floor_e;

	energy_start(&w, y, x->L);
	for (int64_t d = 0; d < nl; d++) {
		double e = energy_next(&w, nl);

		if (e > top)
			top = e;
	}
	if (top < min_energy)
		return 0;
	tg_xcorr_run(x, spec, y, nl, out);
	floor_e = top * 1e-8 > 1e-20 ? top * 1e-8 : 1e-20;   /* 80 dB under the loudest */
	energy_start(&w, y, x->L);
	for (int64_t d = 0; d < nl; d++) {
		double e = energy_next(&w, nl), c;

		c = e > floor_e && tt > 0.0 ? out[d] / sqrt(tt * e) : 0.0;
		out[d] = (float)(c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c);
	}
	return 1;
}
