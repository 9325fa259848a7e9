/*
 * xcorr.h - a short template's dot product with a signal at every lag, by FFT.
 *
 * The burst matcher (burst.c) slides a 15 ms template along up to 450 ms
 * of signal, for every chain, bank entry and kept event: done directly
 * that was 40-45 % of the shot analysis.  Here it is overlap-save: the
 * template's spectrum is computed once (tg_xcorr_template()), and each
 * block of n samples costs one real FFT, a product and one inverse FFT
 * (libavutil av_tx), giving n - L + 1 lags.  Single precision: the
 * rounding is relative to the block's energy, about 1e-6 of it, which is
 * far below the correlations the matcher's thresholds compare (0.3-0.9)
 * for any window within 60 dB of the loudest in its block.
 */
#ifndef TG_AUDIO_XCORR_H
#define TG_AUDIO_XCORR_H

#include <stdint.h>

#include <libavutil/tx.h>

struct tg_xcorr {
	int n;                 /* FFT size */
	int L;                 /* template length */
	AVTXContext *fwd, *inv;
	av_tx_fn ffwd, finv;
	float *in, *freq, *out; /* one block's samples, spectrum, lags (n + 2 floats each) */
};

/* A correlator for templates of L samples, with blocks of at least
 * min_lags lags each.  TG_ENOMEM when out of memory. */
int tg_xcorr_init(struct tg_xcorr *x, int L, int min_lags);
void tg_xcorr_release(struct tg_xcorr *x);

/* floats a template's spectrum takes */
static inline int tg_xcorr_spec_len(const struct tg_xcorr *x)
{
	return x->n + 2;
}

/* The spectrum of template t[0, L) as the correlator wants it, into spec
 * (tg_xcorr_spec_len() floats). */
void tg_xcorr_template(const struct tg_xcorr *x, const float *t, float *spec);

/* out[d] = sum_i t[i] y[d + i] for d in [0, nl), where spec is t's
 * spectrum and y holds nl + L - 1 samples. */
void tg_xcorr_run(const struct tg_xcorr *x, const float *spec, const float *y, int64_t nl,
		  float *out);

#endif
