/*
 * spa.h - the NREL Solar Position Algorithm (Reda & Andreas, Solar Energy
 * 76(5) 577-589, 2004; NREL/TP-560-34302 revised 2008), written from its
 * published step-by-step description.
 *
 * Purpose: the sun's topocentric position for an observer and an instant,
 * to the paper's stated uncertainty of +/-0.0003 degrees for years -2000 to
 * 6000.  It is hand-written from the paper, not derived from NREL's spa.c
 * source (which comes with its own licence terms), and checked against
 * NREL's published example and reference tables generated with spa.c
 * (tests/unit/test_sun.c).  How it is made fast: see spa.c.
 *
 * Conventions (those of the paper):
 *   - latitude north positive, longitude EAST positive, degrees;
 *   - azimuth measured from north, eastward (0 = N, 90 = E); azimuth_astro
 *     is the astronomers' one, westward from south;
 *   - zenith = 90 - elevation, elevation corrected for refraction only when
 *     the sun's centre is above -(0.26667 + refraction) degrees, as the
 *     paper does;
 *   - time: UTC as Unix seconds (may be fractional); delta_ut1 = UT1 - UTC
 *     and delta_t = TT - UT1, both in seconds.  delta_t = NAN means "estimate
 *     it from the date" (tg_spa_delta_t_estimate()).
 *   - every angle out of this module is in degrees; hour angles in [0, 360),
 *     equation of time in minutes in (-20, 20].
 *
 * The geocentric part (struct tg_spa_geo) depends on the instant only, so
 * callers that place many observers at one instant compute it once and call
 * tg_spa_topocentric() for each.  Nothing here allocates; everything is
 * reentrant.
 */
#ifndef TG_SUN_SPA_H
#define TG_SUN_SPA_H

struct tg_spa_params {
	double latitude;	/* degrees, [-90, 90] */
	double longitude;	/* degrees east, [-180, 180] */
	double elevation;	/* metres above sea level */
	double pressure;	/* mean annual local pressure, millibars */
	double temperature;	/* mean annual local temperature, Celsius */
	double refraction;	/* atmospheric refraction at the horizon, deg */
	double delta_t;		/* TT - UT1, seconds; NAN = estimate */
	double delta_ut1;	/* UT1 - UTC, seconds, in (-1, 1) */
	double slope;		/* surface slope from horizontal, deg */
	double azm_rotation;	/* surface azimuth rotation from south, deg */
};

/* Everything that depends on the instant only (Reda & Andreas 3.1-3.8). */
struct tg_spa_geo {
	double jd, jde;		/* Julian day (UT) and ephemeris day (TT) */
	double jc, jce, jme;	/* Julian century, ephemeris century, millennium */
	double l, b, r;		/* heliocentric longitude, latitude (deg), radius (AU) */
	double theta, beta;	/* geocentric longitude and latitude */
	double x[5];		/* nutation arguments X0..X4 */
	double del_psi, del_epsilon;	/* nutation in longitude and obliquity */
	double epsilon0, epsilon;	/* mean (arcsec) and true (deg) obliquity */
	double del_tau;		/* aberration correction */
	double lambda;		/* apparent sun longitude */
	double nu0, nu;		/* mean and apparent sidereal time at Greenwich */
	double alpha, delta;	/* geocentric right ascension and declination */
	double eot;		/* equation of time, minutes */
};

struct tg_spa_result {
	struct tg_spa_geo geo;
	double h;		/* observer local hour angle */
	double xi;		/* equatorial horizontal parallax */
	double del_alpha;	/* parallax in right ascension */
	double alpha_prime, delta_prime, h_prime;	/* topocentric */
	double e0;		/* elevation without refraction */
	double del_e;		/* refraction correction */
	double e;		/* elevation with refraction */
	double zenith;		/* topocentric zenith (with refraction) */
	double azimuth_astro;	/* westward from south */
	double azimuth;		/* eastward from north */
	double incidence;	/* on the surface given by slope/azm_rotation */
};

/* Defaults: 0 N 0 E, 0 m, 1013.25 mbar, 15 C, refraction 0.5667 deg,
 * delta_t estimated, delta_ut1 0, horizontal surface. */
void tg_spa_params_init(struct tg_spa_params *p);

/* 0, or TG_EINVAL with a message naming the first out-of-range field. */
int tg_spa_params_check(const struct tg_spa_params *p);

/* Julian day (UT) of a Unix time (seconds since 1970-01-01T00:00:00Z). */
double tg_spa_jd_from_unix(double unix_time);

/* Julian day of a proleptic Gregorian (Julian before 1582-10-15) date,
 * the paper's equation 4; tz is the offset of the local time in hours. */
double tg_spa_jd_from_calendar(int year, int month, int day, int hour,
			       int minute, double second, double tz);

/* An estimate of TT - UT1 in seconds for a decimal year (Espenak & Meeus's
 * polynomials, NASA eclipse web site 2006), good to about a second for
 * 1900-2030 and a rough extrapolation outside. */
double tg_spa_delta_t_estimate(double year);

/* The geocentric quantities for a Julian day (UT) and TT - UT1 in seconds. */
void tg_spa_geocentric(double jd, double delta_t, struct tg_spa_geo *g);

/* The topocentric part for one observer, from r->geo already filled. */
void tg_spa_topocentric(const struct tg_spa_params *p, struct tg_spa_result *r);

/* Both steps for a Unix time in UTC.  0 or TG_EINVAL (parameters). */
int tg_spa_compute(const struct tg_spa_params *p, double unix_time,
		   struct tg_spa_result *r);

/* The decimal year of a Unix time (for tg_spa_delta_t_estimate()). */
double tg_spa_decimal_year(double unix_time);

/* TT - UT1 that tg_spa_compute() uses for p at this time. */
double tg_spa_delta_t_for(const struct tg_spa_params *p, double unix_time);

#endif
