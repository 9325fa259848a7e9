/* test_xcorr.c - the FFT correlator against the direct sum (audio/xcorr.h). */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "audio_util.h"
#include "audio/xcorr.h"

/*
 * Template t (L) against y at nl lags, both by the correlator and directly
 * in double.  Returns the worst error of a lag relative to the norms of
 * the template and of the window it met (the normalised correlation's
 * error), over the windows no more than floor_db below y's loudest.
 */
static double worst_ncc_error(const struct tg_xcorr *x, const float *t, const float *y,
			      int64_t nl, double floor_db)
{
	float *spec = malloc(sizeof(float) * (size_t)tg_xcorr_spec_len(x));
	float *got = malloc(sizeof(float) * (size_t)nl);
	double tt = 0.0, top = 0.0, worst = 0.0;
	double *yy = malloc(sizeof(double) * (size_t)nl);

	if (!spec || !got || !yy) {
		free(spec);
		free(got);
		free(yy);
		return INFINITY;
	}
	for (int i = 0; i < x->L; i++)
		tt += (double)t[i] * t[i];
	tg_xcorr_template(x, t, spec);
	tg_xcorr_run(x, spec, y, nl, got);
	for (int64_t d = 0; d < nl; d++) {
		yy[d] = 0.0;
		for (int i = 0; i < x->L; i++)
			yy[d] += (double)y[d + i] * y[d + i];
		if (yy[d] > top)
			top = yy[d];
	}
	for (int64_t d = 0; d < nl; d++) {
		double want = 0.0, e;

		if (yy[d] < top * pow(10.0, -floor_db / 10.0))
			continue;
		for (int i = 0; i < x->L; i++)
			want += (double)t[i] * y[d + i];
		e = fabs(got[d] - want) / sqrt(tt * yy[d]);
		if (e > worst)
			worst = e;
	}
	free(spec);
	free(got);
	free(yy);
	return worst;
}

/* A decaying noise burst (a shot's tail: 60 dB down over the signal) after
 * a leading 0.1 s of low noise, and a template cut from it. */
static void make_signal(float *y, int64_t n, uint64_t seed)
{
	for (int64_t i = 0; i < n; i++) {
		double g = i < n / 10 ? 1e-3 : pow(10.0, -3.0 * (double)(i - n / 10) / (double)n);

		y[i] = (float)(g * tg_test_gauss(&seed));
	}
}

static void test_against_direct(void)
{
	const int L = 360;   /* the burst template: 15 ms at 24 kHz */
	const int64_t lags[] = { 1, 100, 961, 1689, 1690, 3378, 10800 };
	struct tg_xcorr x;
	/* exactly what the longest run reads (nl + L - 1), so that ASan sees
	 * a read past it */
	float *y = malloc(sizeof(float) * (10800 + L - 1));
	float t[360];

	if (!y)
		return;
	CHECK_INT(tg_xcorr_init(&x, L, 961), 0);
	CHECK_INT(x.n, 2048);
	make_signal(y, 10800 + L - 1, 7);
	for (int i = 0; i < L; i++)
		t[i] = y[1080 + i];
	for (size_t k = 0; k < sizeof(lags) / sizeof(lags[0]); k++) {
		/* every window within 60 dB of the loudest: 1e-3 of its correlation */
		CHECK(worst_ncc_error(&x, t, y, lags[k], 60.0) < 1e-3);
		/* within 20 dB: far better */
		CHECK(worst_ncc_error(&x, t, y, lags[k], 20.0) < 1e-5);
	}
	/* the template matches itself exactly where it was cut */
	{
		float spec[2050], got[2000];
		double tt = 0.0;

		tg_xcorr_template(&x, t, spec);
		tg_xcorr_run(&x, spec, y, 2000, got);
		for (int i = 0; i < L; i++)
			tt += (double)t[i] * t[i];
		CHECK_NEAR(got[1080], tt, 1e-5 * tt);
		for (int d = 0; d < 2000; d++)
			CHECK(d == 1080 || got[d] < got[1080]);
	}
	tg_xcorr_release(&x);
	tg_xcorr_release(&x);   /* twice is harmless */
	free(y);
}

/*
 * The normalised correlation: the direct one where a window is within
 * 60 dB of the loudest, never outside [-1, 1], and 0 in digital silence
 * after a blast (where the FFT's rounding, relative to the blast, would
 * otherwise be divided by next to nothing) and 80 dB under it.
 */
static void test_normalised(void)
{
	enum { L = 360, NL = 6000 };
	struct tg_xcorr x;
	float *y = calloc(NL + L - 1, sizeof(float)), *got = malloc(sizeof(float) * NL);
	float *spec = NULL, t[L];
	double tt = 0.0, worst = 0.0;
	uint64_t seed = 11;
	int outside = 0, silent_nonzero = 0;

	CHECK_INT(tg_xcorr_init(&x, L, 961), 0);
	spec = malloc(sizeof(float) * (size_t)tg_xcorr_spec_len(&x));
	if (!y || !got || !spec) {
		free(y);
		free(got);
		free(spec);
		tg_xcorr_release(&x);
		return;
	}
	/* a blast decaying 60 dB over 1,500 samples, exact zeros, then noise
	 * 100 dB under it */
	for (int i = 0; i < 1500; i++)
		y[i] = (float)(pow(10.0, -3.0 * i / 1500.0) * tg_test_gauss(&seed));
	for (int i = 4000; i < NL + L - 1; i++)
		y[i] = (float)(1e-5 * tg_test_gauss(&seed));
	for (int i = 0; i < L; i++) {
		t[i] = y[100 + i];
		tt += (double)t[i] * t[i];
	}
	tg_xcorr_template(&x, t, spec);
	/* a least level no window reaches: nothing correlated */
	got[0] = 7.0f;
	CHECK_INT(tg_xcorr_ncc(&x, spec, tt, y, NL, 1e6, got), 0);
	CHECK(got[0] == 7.0f);
	CHECK_INT(tg_xcorr_ncc(&x, spec, tt, y, NL, 0.0, got), 1);
	for (int d = 0; d < NL; d++) {
		double yy = 0.0, ty = 0.0;

		for (int i = 0; i < L; i++) {
			yy += (double)y[d + i] * y[d + i];
			ty += (double)t[i] * y[d + i];
		}
		outside += got[d] < -1.0f || got[d] > 1.0f;
		if (yy == 0.0 || d >= 4000)
			silent_nonzero += got[d] != 0.0f;
		else if (yy > 1e-6 * tt && fabs(got[d] - ty / sqrt(tt * yy)) > worst)
			worst = fabs(got[d] - ty / sqrt(tt * yy));
	}
	CHECK_INT(outside, 0);
	CHECK_INT(silent_nonzero, 0);
	CHECK(worst < 1e-3);
	CHECK_NEAR(got[100], 1.0, 1e-5);
	free(y);
	free(got);
	free(spec);
	tg_xcorr_release(&x);
}

static void test_bad_sizes(void)
{
	struct tg_xcorr x;

	CHECK(tg_xcorr_init(&x, 0, 10) < 0);
	CHECK(tg_xcorr_init(&x, 10, 0) < 0);
	CHECK(tg_xcorr_init(&x, 1 << 27, 1) < 0);   /* no FFT that long */
	CHECK_INT(tg_xcorr_init(&x, 1, 1), 0);
	CHECK_INT(x.n, 64);
	tg_xcorr_release(&x);
}

int main(void)
{
	RUN(test_against_direct);
	RUN(test_normalised);
	RUN(test_bad_sizes);
	return TEST_END();
}
