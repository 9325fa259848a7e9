/*
 * xcorr.h - a short template's correlation with a signal at every lag, by FFT.
 *
 * The burst matcher (burst.c) slides a 15 ms template along up to 450 ms
 * of signal, for every chain, bank entry and kept event; done directly
 * that was the largest part of the shot analysis (docs/performance.md).
 * Here it is overlap-save: the template's spectrum is computed once
 * (tg_xcorr_template()), and each block of n samples costs one real FFT,
 * a product and one inverse FFT (libavutil av_tx), giving n - L + 1 lags.
 *
 * Single precision: a lag's rounding error is about 1e-7 of the
 * template's norm times the norm of its whole block, not of its own
 * window.  A window far quieter than the loudest near it (digital
 * silence after a blast) would divide that error by its own tiny energy,
 * so tg_xcorr_ncc() calls a window 80 dB or more under the loudest of the
 * run uncorrelated (0): there the error could reach 0.01 of a
 * correlation, and nothing there is at a shot's level anyway.
 *
 * The scratch buffers live in the struct: one correlator serves one
 * thread, and the functions that take it const still write them.
 */
#ifndef TG_AUDIO_XCORR_H
#define TG_AUDIO_XCORR_H

#include <stdint.h>

#include "audio/rfft.h"

struct tg_xcorr {
	int n;                 /* FFT size */
	int L;                 /* template length */
	struct tg_rfft fft;
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

/* The normalised correlation: out[d] = sum_i t[i] y[d + i] / sqrt(tt *
 * |y[d, d + L)|^2), in [-1, 1], where tt is t's energy (> 0); 0 for a
 * window with no energy or 80 dB or more under the run's loudest.  Only
 * when some window holds min_energy or more (1; else 0, out untouched):
 * a caller that wants a match at a least level need not correlate a
 * stretch too weak to reach it anywhere. */
int tg_xcorr_ncc(const struct tg_xcorr *x, const float *spec, double tt, const float *y,
		 int64_t nl, double min_energy, float *out);

#endif
