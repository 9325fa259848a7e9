/*
 * rts.c - rise, transit and set for one UTC date and any altitude h0', after
 * Reda & Andreas appendix A.2 (see rts.h).
 */
#include "sun/rts.h"
#include "util/error.h"

#include <math.h>

#define PI 3.14159265358979323846
#define D2R (PI / 180.0)
#define R2D (180.0 / PI)
#define SUN_RADIUS 0.26667

static double limit01(double v)
{
	return v - floor(v);
}

static double limit180(double d)
{
	d = fmod(d, 360.0);
	if (d > 180.0)
		d -= 360.0;
	else if (d < -180.0)
		d += 360.0;
	return d;
}

double tg_rts_horizon(double refraction)
{
	return -(SUN_RADIUS + refraction);
}

void tg_rts_set(struct tg_rts_ctx *c, double jd0, double lat, double lon,
		double delta_t, double refraction, double nu,
		const double alpha[3], const double delta[3])
{
	int i;

	c->jd0 = jd0;
	c->lat = lat;
	c->lon = lon;
	c->delta_t = delta_t;
	c->refraction = refraction;
	c->nu = nu;
	for (i = 0; i < 3; i++) {
		c->alpha[i] = alpha[i];
		c->delta[i] = delta[i];
	}
}

int tg_rts_prepare(const struct tg_spa_params *p, double jd0, struct tg_rts_ctx *c)
{
	struct tg_spa_geo g;
	double alpha[3], delta[3], nu = 0;
	int ret = tg_spa_params_check(p), i;

	if (ret)
		return ret;
	/* A.2.2: coordinates at 0 TT (delta T = 0) of the three days; the
	 * middle one also gives the sidereal time at 0 UT (A.2.1). */
	for (i = 0; i < 3; i++) {
		tg_spa_geocentric(jd0 + i - 1, 0, &g);
		alpha[i] = g.alpha;
		delta[i] = g.delta;
		if (i == 1)
			nu = g.nu;
	}
	tg_rts_set(c, jd0, p->latitude, p->longitude,
		   tg_spa_delta_t_for(p, (jd0 - 2440587.5) * 86400.0), p->refraction,
		   nu, alpha, delta);
	return 0;
}

/* A.2.8: the difference between two consecutive days' values, unwrapped. */
static double day_step(double a, double b)
{
	return limit180(b - a);
}

void tg_rts_solve(const struct tg_rts_ctx *c, double h0, struct tg_rts_day *d)
{
	double lat = c->lat * D2R, cos_h0, big_h0;
	double m[3], a, b, ad, bd, hp[3], h[3], dp[3];
	int i;

	d->h0 = h0;
	d->kind = TG_RTS_NORMAL;
	d->rise = d->set = NAN;

	/* A.2.3 - A.2.5 */
	m[0] = (c->alpha[1] - c->lon - c->nu) / 360.0;
	cos_h0 = (sin(h0 * D2R) - sin(lat) * sin(c->delta[1] * D2R))
		/ (cos(lat) * cos(c->delta[1] * D2R));
	if (cos_h0 > 1.0)
		d->kind = TG_RTS_ALWAYS_DOWN;
	else if (cos_h0 < -1.0)
		d->kind = TG_RTS_ALWAYS_UP;
	big_h0 = d->kind == TG_RTS_NORMAL ? acos(cos_h0) * R2D : 0;

	m[1] = limit01(m[0] - big_h0 / 360.0);
	m[2] = limit01(m[0] + big_h0 / 360.0);
	m[0] = limit01(m[0]);

	/* A.2.6 - A.2.10 */
	a = day_step(c->alpha[0], c->alpha[1]);
	b = day_step(c->alpha[1], c->alpha[2]);
	ad = c->delta[1] - c->delta[0];
	bd = c->delta[2] - c->delta[1];
	for (i = 0; i < 3; i++) {
		double nu_i = c->nu + 360.985647 * m[i];
		double n = m[i] + c->delta_t / 86400.0;
		double ap = c->alpha[1] + n * (a + b + (b - a) * n) / 2.0;

		dp[i] = c->delta[1] + n * (ad + bd + (bd - ad) * n) / 2.0;
		hp[i] = limit180(nu_i + c->lon - ap);
		h[i] = asin(sin(lat) * sin(dp[i] * D2R)
			    + cos(lat) * cos(dp[i] * D2R) * cos(hp[i] * D2R)) * R2D;
	}

	/* A.2.11 - A.2.13 */
	d->transit = limit01(m[0] - hp[0] / 360.0);
	/* as spa.c: the altitude at the first transit estimate m0 */
	d->transit_alt = h[0];
	if (d->kind != TG_RTS_NORMAL)
		return;
	d->rise = limit01(m[1] + (h[1] - h0)
			  / (360.0 * cos(dp[1] * D2R) * cos(lat) * sin(hp[1] * D2R)));
	d->set = limit01(m[2] + (h[2] - h0)
			 / (360.0 * cos(dp[2] * D2R) * cos(lat) * sin(hp[2] * D2R)));
}
