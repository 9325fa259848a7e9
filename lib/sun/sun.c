/*
 * sun.c - position, phase and the local day's events (see sun.h).
 */
#include "sun/sun.h"
#include "util/error.h"

#include <math.h>

#define PI 3.14159265358979323846
#define D2R (PI / 180.0)
#define R2D (180.0 / PI)
#define UNIX_EPOCH_JD 2440587.5
#define MAX_DATES 6

double tg_sun_local_midnight(double t, int offset_min)
{
	double local = t + offset_min * 60.0;

	return floor(local / 86400.0) * 86400.0 - offset_min * 60.0;
}

int tg_sun_phase_of(double e0, double refraction)
{
	if (e0 >= tg_rts_horizon(refraction))
		return TG_SUN_DAY;
	if (e0 >= TG_RTS_CIVIL)
		return TG_SUN_CIVIL_TWILIGHT;
	if (e0 >= TG_RTS_NAUTICAL)
		return TG_SUN_NAUTICAL_TWILIGHT;
	if (e0 >= TG_RTS_ASTRONOMICAL)
		return TG_SUN_ASTRONOMICAL_TWILIGHT;
	return TG_SUN_NIGHT;
}

const char *tg_sun_phase_name(int phase)
{
	static const char *const names[] = {
		"day", "civil twilight", "nautical twilight", "astronomical twilight", "night",
	};

	return phase >= 0 && phase <= TG_SUN_NIGHT ? names[phase] : "?";
}

const char *tg_sun_kind_name(int kind)
{
	switch (kind) {
	case TG_RTS_NORMAL:
		return "normal";
	case TG_RTS_ALWAYS_UP:
		return "polar day";
	case TG_RTS_ALWAYS_DOWN:
		return "polar night";
	}
	return "?";
}

/* The sun's geocentric altitude at Unix time t, as the SPA rise/set
 * procedure defines it (no parallax, no refraction). */
static double geo_altitude(const struct tg_spa_params *p, double dt, double t)
{
	struct tg_spa_geo g;
	double lat = p->latitude * D2R, h;

	tg_spa_geocentric(tg_spa_jd_from_unix(t + p->delta_ut1), dt, &g);
	h = (g.nu + p->longitude - g.alpha) * D2R;
	return asin(sin(lat) * sin(g.delta * D2R) + cos(lat) * cos(g.delta * D2R) * cos(h)) * R2D;
}

/* Newton (secant) steps from the SPA estimate t0 towards altitude h0.  The
 * estimate is already within seconds except near the polar limits, where a
 * step that runs away is refused and the estimate kept. */
static double refine(const struct tg_spa_params *p, double dt, double t0, double h0)
{
	double t = t0;
	int i;

	for (i = 0; i < 6; i++) {
		double f = geo_altitude(p, dt, t) - h0;
		double slope = (geo_altitude(p, dt, t + 20.0) - h0 - f) / 20.0;
		double step;

		if (fabs(f) < 1e-7 || slope == 0)
			break;
		step = -f / slope;
		if (fabs(step) > 1800.0)
			return t0;
		t += step;
		if (fabs(step) < 0.01)
			break;
	}
	return fabs(t - t0) > 3600.0 ? t0 : t;
}

static void crossing(const struct tg_spa_params *p, double dt,
		     const struct tg_rts_ctx *ctx, int nctx, double start,
		     double h0, struct tg_sun_crossing *x)
{
	double end = start + 86400.0, noon = start + 43200.0;
	int i, noon_kind = TG_RTS_NORMAL;

	x->h0 = h0;
	x->up = x->down = NAN;
	for (i = 0; i < nctx; i++) {
		struct tg_rts_day d;
		double base = (ctx[i].jd0 - UNIX_EPOCH_JD) * 86400.0, up, down;

		tg_rts_solve(&ctx[i], h0, &d);
		if (noon >= base && noon < base + 86400.0)
			noon_kind = d.kind;
		if (d.kind != TG_RTS_NORMAL)
			continue;
		up = refine(p, dt, base + d.rise * 86400.0, h0);
		down = refine(p, dt, base + d.set * 86400.0, h0);
		if (up >= start && up < end && !(x->up <= up))
			x->up = up;
		if (down >= start && down < end && !(x->down <= down))
			x->down = down;
	}
	if (!isnan(x->up) || !isnan(x->down))
		x->kind = TG_RTS_NORMAL;
	else if (noon_kind != TG_RTS_NORMAL)
		x->kind = noon_kind;
	else	/* crossings fall just outside this local day: say which side */
		x->kind = geo_altitude(p, dt, noon) > h0 ? TG_RTS_ALWAYS_UP : TG_RTS_ALWAYS_DOWN;
}

int tg_sun_day(const struct tg_spa_params *p, double day_start, int offset_min,
	       struct tg_sun_day *d)
{
	struct tg_rts_ctx ctx[MAX_DATES];
	double alpha[MAX_DATES + 2], delta[MAX_DATES + 2], nu[MAX_DATES + 2];
	double first, last, dt;
	int ret = tg_spa_params_check(p), n, i;

	if (ret)
		return ret;
	if (!isfinite(day_start) || offset_min < -18 * 60 || offset_min > 18 * 60)
		return tg_error(TG_EINVAL, "UTC offset %d min out of range [-18 h, 18 h]",
				offset_min);
	d->start = day_start;
	d->offset_min = offset_min;
	dt = tg_spa_delta_t_for(p, day_start + 43200.0);

	/* The UTC dates whose events may fall in the local day, one on each side
	 * more, and the coordinates at 0 TT of those and their neighbours. */
	first = floor(day_start / 86400.0) - 1;
	last = floor((day_start + 86399.0) / 86400.0) + 1;
	n = (int)(last - first) + 1;
	if (n > MAX_DATES)
		n = MAX_DATES;
	for (i = 0; i < n + 2; i++) {
		struct tg_spa_geo g;

		tg_spa_geocentric(UNIX_EPOCH_JD + first + i - 1, 0, &g);
		alpha[i] = g.alpha;
		delta[i] = g.delta;
		nu[i] = g.nu;
	}
	for (i = 0; i < n; i++)
		tg_rts_set(&ctx[i], UNIX_EPOCH_JD + first + i, p->latitude, p->longitude, dt,
			   p->refraction, nu[i + 1], &alpha[i], &delta[i]);

	crossing(p, dt, ctx, n, day_start, tg_rts_horizon(p->refraction), &d->horizon);
	crossing(p, dt, ctx, n, day_start, TG_RTS_CIVIL, &d->civil);
	crossing(p, dt, ctx, n, day_start, TG_RTS_NAUTICAL, &d->nautical);
	crossing(p, dt, ctx, n, day_start, TG_RTS_ASTRONOMICAL, &d->astronomical);

	/* Solar noon: the transit inside the local day (the sun's hour angle
	 * is 0 once per ~24 h, so at most one is skipped or doubled). */
	d->transit = NAN;
	d->transit_elevation = NAN;
	for (i = 0; i < n; i++) {
		struct tg_rts_day r;
		double t;

		tg_rts_solve(&ctx[i], 0, &r);
		t = (ctx[i].jd0 - UNIX_EPOCH_JD) * 86400.0 + r.transit * 86400.0;
		if (t >= day_start && t < day_start + 86400.0 && !(d->transit <= t))
			d->transit = t;
	}
	if (!isnan(d->transit)) {
		struct tg_spa_result r;

		ret = tg_spa_compute(p, d->transit, &r);
		if (ret)
			return ret;
		d->transit_elevation = r.e;
	}
	return 0;
}

int tg_sun_report(const struct tg_spa_params *p, double t, int offset_min,
		  struct tg_sun_report *r)
{
	int ret;

	r->time = t;
	r->params = *p;
	r->params.delta_t = tg_spa_delta_t_for(p, t);
	ret = tg_spa_compute(&r->params, t, &r->pos);
	if (ret)
		return ret;
	r->phase = tg_sun_phase_of(r->pos.e0, p->refraction);
	return tg_sun_day(&r->params, tg_sun_local_midnight(t, offset_min), offset_min, &r->day);
}
