/* downmix.c - two channels into one that never cancel; see downmix.h. */
#include "media/downmix.h"

#include <math.h>

void tg_downmix_init(struct tg_downmix *d, int rate)
{
	d->ll = d->rr = d->lr = 0.0;
	d->keep_per_frame = exp(-1.0 / (TG_DOWNMIX_MEMORY_S * (rate > 0 ? rate : 1)));
	d->sign = 1;
	d->flips = 0;
	d->heard = 0;
}

void tg_downmix_run(struct tg_downmix *d, const float *lr, size_t frames, float *out)
{
	double ll = 0.0, rr = 0.0, x = 0.0, keep = pow(d->keep_per_frame, (double)frames), den;
	size_t k;

	for (k = 0; k < frames; k++) {
		double l = lr[2 * k], r = lr[2 * k + 1];
		ll += l * l;
		rr += r * r;
		x += l * r;
	}
	d->ll = d->ll * keep + ll;
	d->rr = d->rr * keep + rr;
	d->lr = d->lr * keep + x;
	den = sqrt(d->ll * d->rr);
	if (den > 0.0) {
		double corr = d->lr / den;
		int want = corr < -TG_DOWNMIX_FLIP ? -1 : corr > 0.0 ? 1 : d->sign;

		if (want != d->sign && d->heard)
			d->flips++;
		d->sign = want;
		if (ll > 0.0 || rr > 0.0)
			d->heard = 1;
	}
	for (k = 0; k < frames; k++)
		out[k] = 0.5f * (lr[2 * k] + (float)d->sign * lr[2 * k + 1]);
}
