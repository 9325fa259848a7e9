/* test_downmix.c - two channels into one that never cancel (media/downmix.h). */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "audio_util.h"
#include "media/downmix.h"

#define RATE 24000
#define BLOCK 1024

/*
 * Mix n frames of two channels, made by gen(k, &l, &r), in blocks of
 * BLOCK; the mono into out.  Returns the mixer's flips.
 */
static long long mix(size_t n, void (*gen)(size_t, uint64_t *, float *, float *), float *out)
{
	struct tg_downmix d;
	float lr[2 * BLOCK];
	uint64_t seed = 5;

	tg_downmix_init(&d, RATE);
	for (size_t a = 0; a < n; a += BLOCK) {
		size_t m = n - a < BLOCK ? n - a : BLOCK;

		for (size_t k = 0; k < m; k++)
			gen(a + k, &seed, &lr[2 * k], &lr[2 * k + 1]);
		tg_downmix_run(&d, lr, m, out + a);
	}
	return d.flips;
}

/* a 440 Hz tone in both channels; inverted in the second; the second silent;
 * two unrelated noises; in phase for 2 s, then inverted */
static void same(size_t k, uint64_t *s, float *l, float *r)
{
	(void)s;
	*l = *r = (float)(0.5 * sin(2.0 * M_PI * 440.0 * (double)k / RATE));
}

static void inverted(size_t k, uint64_t *s, float *l, float *r)
{
	same(k, s, l, r);
	*r = -*r;
}

static void one_dead(size_t k, uint64_t *s, float *l, float *r)
{
	same(k, s, l, r);
	*r = 0.0f;
}

static void unrelated(size_t k, uint64_t *s, float *l, float *r)
{
	(void)k;
	*l = (float)(0.1 * tg_test_gauss(s));
	*r = (float)(0.1 * tg_test_gauss(s));
}

static void flipped_later(size_t k, uint64_t *s, float *l, float *r)
{
	same(k, s, l, r);
	if (k >= 2 * RATE)
		*r = -*r;
}

/* the largest |out - want * left| over [a, b) */
static double worst(const float *out, size_t a, size_t b, double want,
		    void (*gen)(size_t, uint64_t *, float *, float *))
{
	double w = 0.0;
	uint64_t seed = 5;

	for (size_t k = a; k < b; k++) {
		float l, r;

		gen(k, &seed, &l, &r);
		if (fabs(out[k] - want * l) > w)
			w = fabs(out[k] - want * l);
	}
	return w;
}

static void test_downmix(void)
{
	const size_t n = 4 * RATE;
	float *out = malloc(n * sizeof(*out));
	double e_mix = 0.0, e_l = 0.0;

	CHECK(out != NULL);
	if (!out)
		return;
	/* in phase: the mean, sample for sample */
	CHECK_INT((int)mix(n, same, out), 0);
	CHECK(worst(out, 0, n, 1.0, same) < 1e-6);
	/* inverted from the first sample: their difference from the first block */
	CHECK_INT((int)mix(n, inverted, out), 0);
	CHECK(worst(out, 0, n, 1.0, inverted) < 1e-6);
	/* one channel silent: half the other, no flip */
	CHECK_INT((int)mix(n, one_dead, out), 0);
	CHECK(worst(out, 0, n, 0.5, one_dead) < 1e-6);
	/* unrelated channels: the mean all along (its power half the sum's) */
	CHECK_INT((int)mix(n, unrelated, out), 0);
	{
		uint64_t seed = 5;
		size_t off = 0;

		for (size_t k = 0; k < n; k++) {
			float l, r;

			unrelated(k, &seed, &l, &r);
			off += fabsf(out[k] - 0.5f * (l + r)) >= 1e-6f;
			e_mix += (double)out[k] * out[k];
			e_l += (double)l * l;
		}
		CHECK_INT((int)off, 0);
	}
	CHECK(e_mix > 0.4 * e_l && e_mix < 0.6 * e_l);
	/* inverted after 2 s: one flip, within a second, then the difference */
	CHECK_INT((int)mix(n, flipped_later, out), 1);
	CHECK(worst(out, 0, 2 * RATE, 1.0, flipped_later) < 1e-6);
	CHECK(worst(out, 3 * RATE, n, 1.0, flipped_later) < 1e-6);
	free(out);
}

int main(void)
{
	RUN(test_downmix);
	return TEST_END();
}
