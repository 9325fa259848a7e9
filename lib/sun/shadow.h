/*
 * shadow.h - shadows as clocks: from a shadow seen in a frame (its direction
 * and/or its length relative to the object's height) to the times of a day
 * when the sun could cast it, and back.
 *
 * Geometry: a vertical object on level ground casts its shadow away from the
 * sun, so shadow azimuth = sun azimuth + 180 (from north, eastward) and
 * length ratio = shadow length / object height = 1 / tan(elevation), with
 * the apparent (refracted) topocentric elevation of lib/sun/spa.h.  Only a
 * sun above the horizon casts a shadow.
 *
 * Solving: the mismatch m(t) is the larger of the azimuth error and the
 * elevation error (the ratio turned into an elevation, atan(1/ratio)), over
 * the parts given.  A time is consistent when m(t) <= tolerance (degrees).
 * The day is sampled every `step` seconds; every run of consistent samples,
 * and every local minimum of m between samples that dips below the
 * tolerance, becomes an interval whose edges are bisected to 0.01 s and
 * whose best time (least mismatch) is found by golden-section search.
 * Length alone gives two intervals, one each side of noon; a direction
 * picks one.  Each solution carries the rates of change of the shadow's
 * azimuth and elevation at its best time, so a report can say how many
 * minutes one degree of measurement error is worth.
 */
#ifndef TG_SUN_SHADOW_H
#define TG_SUN_SHADOW_H

#include "sun/spa.h"

struct tg_shadow_query {
	double azimuth;		/* shadow direction, degrees from north; NAN = not given */
	double length_ratio;	/* shadow length / height (> 0); NAN = not given */
	double tolerance;	/* degrees, on azimuth and on the implied elevation */
	double step;		/* sampling step in seconds; 0 = TG_SHADOW_STEP */
};

#define TG_SHADOW_STEP 20.0
#define TG_SHADOW_MAX 8		/* intervals a day can hold, generously */

struct tg_shadow_solution {
	double start, end;	/* Unix UTC, the consistent interval */
	double best;		/* Unix UTC of the least mismatch */
	double mismatch;	/* degrees, at best */
	double azimuth;		/* shadow azimuth at best */
	double length_ratio;	/* at best */
	double elevation;	/* sun elevation (refracted) at best */
	double azimuth_rate;	/* shadow azimuth change, degrees per minute */
	double elevation_rate;	/* sun elevation change, degrees per minute */
};

/* The expected shadow at Unix time t: azimuth (degrees from north) and
 * length ratio; with the sun at or below the horizon, *ratio = INFINITY and
 * the function returns 1 (no shadow), else 0; TG_EINVAL for bad params. */
int tg_shadow_at(const struct tg_spa_params *p, double t, double *azimuth,
		 double *ratio, double *elevation);

/* The intervals in [day_start, day_start + 86400) consistent with q, in
 * time order, at most max of them; *n gets the count.  0 or TG_EINVAL. */
int tg_shadow_solve(const struct tg_spa_params *p, double day_start,
		    const struct tg_shadow_query *q,
		    struct tg_shadow_solution *out, int max, int *n);

#endif
