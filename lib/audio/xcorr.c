/* xcorr.c - template correlation by overlap-save FFT; see xcorr.h. */
#include "audio/xcorr.h"

#include <string.h>

#include <libavutil/mem.h>

#include "util/error.h"

int tg_xcorr_init(struct tg_xcorr *x, int L, int min_lags)
{
	float one = 1.0f;
	int n = 64;

	memset(x, 0, sizeof(*x));
	if (L < 1 || min_lags < 1)
		return tg_error(TG_EINVAL, "xcorr: template of %d samples, %d lags", L, min_lags);
	while (n < L - 1 + min_lags)
		n *= 2;
	x->n = n;
	x->L = L;
	x->in = av_malloc(sizeof(float) * (size_t)(n + 2));
	x->freq = av_malloc(sizeof(float) * (size_t)(n + 2));
	x->out = av_malloc(sizeof(float) * (size_t)(n + 2));
	/* both directions unscaled: the template's spectrum carries the 1/n */
	if (!x->in || !x->freq || !x->out ||
	    av_tx_init(&x->fwd, &x->ffwd, AV_TX_FLOAT_RDFT, 0, n, &one, 0) < 0 ||
	    av_tx_init(&x->inv, &x->finv, AV_TX_FLOAT_RDFT, 1, n, &one, 0) < 0) {
		tg_xcorr_release(x);
		return tg_error(TG_ENOMEM, "shots: out of memory");
	}
	return 0;
}

void tg_xcorr_release(struct tg_xcorr *x)
{
	av_tx_uninit(&x->fwd);
	av_tx_uninit(&x->inv);
	av_freep(&x->in);
	av_freep(&x->freq);
	av_freep(&x->out);
}

/* x->in's spectrum into x->freq, the DC and Nyquist bins' imaginary parts
 * 0 (this libavutil's real FFT leaves them unwritten) */
static void forward(const struct tg_xcorr *x)
{
	x->ffwd(x->fwd, x->freq, x->in, sizeof(float));
	x->freq[1] = 0.0f;
	x->freq[x->n + 1] = 0.0f;
}

void tg_xcorr_template(const struct tg_xcorr *x, const float *t, float *spec)
{
	const float scale = 1.0f / (float)x->n;

	memset(x->in, 0, sizeof(float) * (size_t)(x->n + 2));
	memcpy(x->in, t, sizeof(float) * (size_t)x->L);
	forward(x);
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
		forward(x);
		for (int k = 0; k <= x->n / 2; k++) {
			float ar = spec[2 * k], ai = spec[2 * k + 1];
			float br = x->freq[2 * k], bi = x->freq[2 * k + 1];

			x->freq[2 * k] = ar * br - ai * bi;
			x->freq[2 * k + 1] = ar * bi + ai * br;
		}
		x->finv(x->inv, x->out, x->freq, sizeof(AVComplexFloat));
		memcpy(out + pos, x->out, sizeof(float) * (size_t)keep);
	}
}
