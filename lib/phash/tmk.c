/*
 * tmk.c - the TMK+PDQF hasher: per-frame PDQF features folded into the
 * time-kernel sums.  See tmk.h for the algorithm.
 */
#include <math.h>
#include <string.h>

#include "phash/tmk.h"
#include "util/error.h"

static const int32_t tmk_periods[TG_TMK_NPERIODS] = { 2731, 4391, 9767, 14653 };

/* Modified Bessel function of the first kind, by its power series. */
static double bessel_i(int n, double x)
{
	double sum = 0.0, lx = log(x / 2);

	for (int k = 0; k < 200; k++) {
		double term = exp((2 * k + n) * lx - lgamma(k + 1.0) - lgamma(k + n + 1.0));

		sum += term;
		if (k > x && term < sum * 1e-18)
			break;
	}
	return sum;
}

void tg_tmk_coeffs(float out[TG_TMK_NCOEFFS])
{
	const double beta = 32.0, sh = sinh(beta);

	out[0] = (float)((bessel_i(0, beta) - exp(-beta)) / (2 * sh));
	for (int j = 1; j < TG_TMK_NCOEFFS; j++)
		out[j] = (float)(bessel_i(j, beta) / sh);
}

void tg_tmk_init(struct tg_tmk *h)
{
	memset(h, 0, sizeof(*h));
	h->sig.fps = TG_TMK_FPS;
	memcpy(h->sig.periods, tmk_periods, sizeof(tmk_periods));
	tg_tmk_coeffs(h->sig.coeffs);
	tg_pdq_scratch_init(&h->pdq);
}

void tg_tmk_release(struct tg_tmk *h)
{
	if (h)
		tg_pdq_scratch_release(&h->pdq);
}

int tg_tmk_push_feature(struct tg_tmk *h, const float x[TG_TMK_DIM])
{
	struct tg_tmk_sig *s = &h->sig;
	float u[TG_TMK_DIM], ss = 0.0f, nrm;
	int64_t t = h->next;

	if (h->finished)
		return tg_error(TG_EINVAL, "tmk: frame pushed after finish");
	if (t >= INT32_MAX)
		return tg_error(TG_ELIMIT, "tmk: too many frames");
	for (int k = 0; k < TG_TMK_DIM; k++) {
		s->average[k] += x[k];
		ss += x[k] * x[k];
	}
	nrm = sqrtf(ss);
	for (int k = 0; k < TG_TMK_DIM; k++)
		u[k] = nrm > 0.0f ? x[k] / nrm : 0.0f;
	for (int i = 0; i < TG_TMK_NPERIODS; i++) {
		int64_t per = s->periods[i];

		for (int j = 0; j < TG_TMK_NCOEFFS; j++) {
			/* reduce j t modulo the period first: exact, keeps the angle small */
			double ang = 2 * M_PI * (double)((j * t) % per) / (double)per;
			float wc = (float)cos(ang), ws = (float)sin(ang);
			float *c = s->cos[i][j], *sn = s->sin[i][j];

			for (int k = 0; k < TG_TMK_DIM; k++) {
				c[k] += wc * u[k];
				sn[k] += ws * u[k];
			}
		}
	}
	h->next++;
	s->nframes = (int32_t)h->next;
	return 0;
}

int tg_tmk_push_frame(struct tg_tmk *h, const uint8_t *rgb, size_t stride, double ts)
{
	float x[TG_TMK_DIM];
	double slot;
	int q, ret;

	if (!(ts >= 0.0) || ts > 1e7)
		return tg_error(TG_EINPUT, "tmk: bad frame time %g s", ts);
	slot = floor(ts * TG_TMK_FPS + 0.5);
	if (slot < (double)h->next)
		return 0;
	if (slot - (double)h->next > 24.0 * 3600 * TG_TMK_FPS)
		return tg_error(TG_EINPUT, "tmk: gap of more than a day before %g s", ts);
	ret = tg_pdq_float_rgb(&h->pdq, rgb, TG_TMK_SIDE, TG_TMK_SIDE, stride, x, &q);
	if (ret < 0)
		return ret;
	while ((double)h->next <= slot) {
		ret = tg_tmk_push_feature(h, x);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* L2-normalise a block and scale it to norm sqrt(a); a zero block stays zero. */
static void normalise(float *v, float a)
{
	float ss = 0.0f, nrm;

	for (int k = 0; k < TG_TMK_DIM; k++)
		ss += v[k] * v[k];
	nrm = sqrtf(ss);
	if (nrm <= 0.0f)
		return;
	for (int k = 0; k < TG_TMK_DIM; k++)
		v[k] = v[k] / nrm * sqrtf(a);
}

int tg_tmk_finish(struct tg_tmk *h, struct tg_tmk_sig *out)
{
	struct tg_tmk_sig *s = &h->sig;

	if (h->finished)
		return tg_error(TG_EINVAL, "tmk: finished twice");
	h->finished = 1;
	if (s->nframes > 0) {
		for (int k = 0; k < TG_TMK_DIM; k++)
			s->average[k] /= (float)s->nframes;
		for (int i = 0; i < TG_TMK_NPERIODS; i++)
			for (int j = 0; j < TG_TMK_NCOEFFS; j++) {
				normalise(s->cos[i][j], s->coeffs[j]);
				normalise(s->sin[i][j], s->coeffs[j]);
			}
	}
	if (out != s)
		memcpy(out, s, sizeof(*out));
	return 0;
}
