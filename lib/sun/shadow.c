/*
 * shadow.c - shadow direction/length to times of day and back (shadow.h).
 */
#include "sun/shadow.h"
#include "util/error.h"

#include <math.h>

#define PI 3.14159265358979323846
#define R2D (180.0 / PI)
#define NIGHT 1000.0	/* mismatch floor when the sun is down */
#define EDGE_EPS 0.01	/* seconds: bisection and golden-search resolution */

struct solver {
	const struct tg_spa_params *p;
	const struct tg_shadow_query *q;
	double want_elev;	/* elevation implied by the ratio, or NAN */
	struct tg_shadow_solution *out;
	int max, n;
};

static double wrap180(double d)
{
	d = fmod(d, 360.0);
	if (d > 180.0)
		d -= 360.0;
	else if (d < -180.0)
		d += 360.0;
	return d;
}

static void sun_at(const struct tg_spa_params *p, double t, double *shadow_az, double *elev)
{
	struct tg_spa_result r;

	/* parameters were checked once by the caller */
	tg_spa_geocentric(tg_spa_jd_from_unix(t + p->delta_ut1), tg_spa_delta_t_for(p, t), &r.geo);
	tg_spa_topocentric(p, &r);
	*shadow_az = fmod(r.azimuth + 180.0, 360.0);
	*elev = r.e;
}

int tg_shadow_at(const struct tg_spa_params *p, double t, double *azimuth,
		 double *ratio, double *elevation)
{
	double az, e;
	int ret = tg_spa_params_check(p);

	if (ret)
		return ret;
	if (!isfinite(t))
		return tg_error(TG_EINVAL, "time is not a finite number");
	sun_at(p, t, &az, &e);
	*azimuth = az;
	*elevation = e;
	if (e <= 0) {
		*ratio = INFINITY;
		return 1;
	}
	*ratio = 1.0 / tan(e / R2D);
	return 0;
}

static double mismatch(const struct solver *s, double t)
{
	double az, e, m = 0;

	sun_at(s->p, t, &az, &e);
	if (e <= 0)
		return NIGHT - e;
	if (!isnan(s->q->azimuth))
		m = fabs(wrap180(az - s->q->azimuth));
	if (!isnan(s->want_elev))
		m = fmax(m, fabs(e - s->want_elev));
	return m;
}

static int inside(const struct solver *s, double t)
{
	return mismatch(s, t) <= s->q->tolerance;
}

/* The boundary between a (inside == ia) and b (the other state). */
static double bisect(const struct solver *s, double a, double b, int ia)
{
	while (b - a > EDGE_EPS) {
		double mid = 0.5 * (a + b);

		if (inside(s, mid) == ia)
			a = mid;
		else
			b = mid;
	}
	return 0.5 * (a + b);
}

/* The least mismatch on [a, b] (golden section: m is unimodal there). */
static double golden(const struct solver *s, double a, double b, double *mbest)
{
	const double g = 0.61803398874989484820;
	double c = b - g * (b - a), d = a + g * (b - a);
	double fc = mismatch(s, c), fd = mismatch(s, d);

	while (b - a > EDGE_EPS) {
		if (fc < fd) {
			b = d;
			d = c;
			fd = fc;
			c = b - g * (b - a);
			fc = mismatch(s, c);
		} else {
			a = c;
			c = d;
			fc = fd;
			d = a + g * (b - a);
			fd = mismatch(s, d);
		}
	}
	*mbest = mismatch(s, 0.5 * (a + b));
	return 0.5 * (a + b);
}

static void emit(struct solver *s, double start, double end, double best, double mbest)
{
	struct tg_shadow_solution *o;
	double az0, e0, az1, e1;

	if (s->n >= s->max) {
		s->n++;
		return;
	}
	o = &s->out[s->n++];
	o->start = start;
	o->end = end;
	o->best = best;
	o->mismatch = mbest;
	sun_at(s->p, best, &o->azimuth, &o->elevation);
	o->length_ratio = o->elevation > 0 ? 1.0 / tan(o->elevation / R2D) : INFINITY;
	sun_at(s->p, best - 30.0, &az0, &e0);
	sun_at(s->p, best + 30.0, &az1, &e1);
	o->azimuth_rate = wrap180(az1 - az0);
	o->elevation_rate = e1 - e0;
}

int tg_shadow_solve(const struct tg_spa_params *p, double day_start,
		    const struct tg_shadow_query *q,
		    struct tg_shadow_solution *out, int max, int *n)
{
	struct solver s = { p, q, NAN, out, max, 0 };
	double step = q->step > 0 ? q->step : TG_SHADOW_STEP;
	double end = day_start + 86400.0, m2 = NAN, m1 = NAN, run_start = 0;
	double best_t = 0, best_m = INFINITY;
	int ret = tg_spa_params_check(p), i, count, in1 = 0;

	*n = 0;
	if (ret)
		return ret;
	if (isnan(q->azimuth) && isnan(q->length_ratio))
		return tg_error(TG_EINVAL, "give a shadow azimuth, a length ratio or both");
	if (!isnan(q->azimuth) && !(q->azimuth >= -360 && q->azimuth <= 720))
		return tg_error(TG_EINVAL, "shadow azimuth %g out of range [0, 360]", q->azimuth);
	if (!isnan(q->length_ratio) && !(q->length_ratio > 0 && isfinite(q->length_ratio)))
		return tg_error(TG_EINVAL, "length ratio %g must be a positive number",
				q->length_ratio);
	if (!(q->tolerance > 0 && q->tolerance <= 90))
		return tg_error(TG_EINVAL, "tolerance %g out of range (0, 90] degrees", q->tolerance);
	if (!(step >= 0.1 && step <= 3600) || !isfinite(day_start))
		return tg_error(TG_EINVAL, "sampling step %g s out of range [0.1, 3600]", step);
	if (!isnan(q->length_ratio))
		s.want_elev = atan(1.0 / q->length_ratio) * R2D;

	count = (int)ceil(86400.0 / step);
	for (i = 0; i <= count; i++) {
		double t = i < count ? day_start + i * step : end;
		double m = mismatch(&s, t);
		int in = m <= q->tolerance;

		if (in && (i == 0 || !in1)) {
			run_start = i == 0 ? t : bisect(&s, t - step, t, 0);
			best_m = INFINITY;
		}
		if (in && m < best_m) {
			best_m = m;
			best_t = t;
		}
		if (!in && i > 0 && in1) {
			double re = bisect(&s, t - step, t, 1);
			double lo = fmax(run_start, best_t - step), hi = fmin(re, best_t + step);
			double mb, bt = golden(&s, lo, hi, &mb);

			emit(&s, run_start, re, bt, mb);
		}
		/* a dip below the tolerance narrower than the step */
		if (i >= 2 && !in && !in1 && m1 <= m2 && m1 < m && m1 < NIGHT) {
			double a = t - 2 * step, mb, bt = golden(&s, a, t, &mb);

			if (mb <= q->tolerance)
				emit(&s, bisect(&s, a, bt, 0), bisect(&s, bt, t, 1), bt, mb);
		}
		m2 = m1;
		m1 = m;
		in1 = in;
	}
	if (in1) {
		double lo = fmax(run_start, best_t - step), hi = fmin(end, best_t + step);
		double mb, bt = golden(&s, lo, hi, &mb);

		emit(&s, run_start, end, bt, mb);
	}
	*n = s.n < max ? s.n : max;
	return 0;
}
