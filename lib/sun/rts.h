/*
 * rts.h - sunrise, sun transit and sunset for one UTC date, the procedure of
 * Reda & Andreas's appendix A.2 (NREL SPA), and the same for any other
 * altitude of the sun's centre (twilight: -6, -12, -18 degrees).
 *
 * The procedure: the sun's geocentric right ascension and declination at
 * 0 TT of the day before, the day and the day after, the apparent sidereal
 * time at 0 UT, a first transit/rise/set estimate from the hour angle at
 * which the sun reaches the altitude h0', quadratic interpolation of the
 * coordinates at each estimate, and one correction step.  Results are day
 * fractions of the UTC date in [0, 1), each wrapped on its own exactly as
 * NREL's spa.c does with timezone 0 (so a "set" can come before the "rise"
 * when the local day straddles 0 UTC); lib/sun/sun.h turns them into
 * instants within a local day.
 *
 * Polar day and night: when the sun stays above (below) h0' through the
 * day, kind is TG_RTS_ALWAYS_UP (TG_RTS_ALWAYS_DOWN) and rise and set are
 * NAN.  The transit (the sun on the meridian) still exists and is given;
 * spa.c drops it in that case, so a comparison with it must do the same.
 */
#ifndef TG_SUN_RTS_H
#define TG_SUN_RTS_H

#include "sun/spa.h"

enum tg_rts_kind {
	TG_RTS_NORMAL = 0,	/* the sun crosses h0' on the way up and down */
	TG_RTS_ALWAYS_UP = 1,	/* polar day (for this h0') */
	TG_RTS_ALWAYS_DOWN = 2,	/* polar night (for this h0') */
};

/* Altitudes of the sun's centre that define the events, degrees. */
#define TG_RTS_CIVIL (-6.0)
#define TG_RTS_NAUTICAL (-12.0)
#define TG_RTS_ASTRONOMICAL (-18.0)

/* What A.2 computes once per date; any number of h0' are solved from it. */
struct tg_rts_ctx {
	double jd0;		/* 0 UT of the date */
	double lat, lon;	/* degrees */
	double delta_t;		/* seconds */
	double refraction;	/* degrees, for the sunrise h0' */
	double nu;		/* apparent sidereal time at 0 UT */
	double alpha[3], delta[3];	/* day before, the day, day after */
};

struct tg_rts_day {
	int kind;		/* enum tg_rts_kind */
	double h0;		/* the altitude solved for, degrees */
	double transit, rise, set;	/* UTC day fractions [0, 1), NAN if none */
	double transit_alt;	/* altitude of the sun at transit, degrees */
};

/* The sunrise/sunset altitude: -(sun radius 0.26667 + refraction). */
double tg_rts_horizon(double refraction);

/* Fill c for the UTC date whose 0 h is Julian day jd0 (p gives the
 * observer and delta T).  0 or TG_EINVAL for bad parameters. */
int tg_rts_prepare(const struct tg_spa_params *p, double jd0, struct tg_rts_ctx *c);

/* Fill c from coordinates the caller already has (alpha/delta at 0 TT of
 * the three days, nu at 0 UT), to share them between consecutive dates. */
void tg_rts_set(struct tg_rts_ctx *c, double jd0, double lat, double lon,
		double delta_t, double refraction, double nu,
		const double alpha[3], const double delta[3]);

/* Solve for the altitude h0 (degrees). */
void tg_rts_solve(const struct tg_rts_ctx *c, double h0, struct tg_rts_day *d);

#endif
