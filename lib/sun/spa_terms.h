/*
 * spa_terms.h - the published coefficient tables of NREL's Solar Position
 * Algorithm (internal to lib/sun).
 *
 * Source: I. Reda and A. Andreas, "Solar Position Algorithm for Solar
 * Radiation Applications", Solar Energy 76(5) 577-589 (2004), and the revised
 * NREL/TP-560-34302 (January 2008): Table A4.2 (Earth periodic terms, an
 * abridged VSOP87 as given by Meeus, "Astronomical Algorithms", 2nd ed.,
 * Appendix III) and Table A4.3 (periodic terms of the nutation in longitude
 * and obliquity, IAU 1980 as given by Meeus chapter 22).  The numbers were
 * typed from that description; tests/unit/test_sun.c checks the resulting
 * heliocentric L, B, R and the nutation against the published example.
 *
 * Earth terms: each row is A, B, C; a series term is A cos(B + C * JME),
 * A in units of 1e-8 radian (L, B) or 1e-8 AU (R), B in radians, C in
 * radians per Julian millennium.
 * Nutation terms: the five multipliers of X0..X4 (mean elongation of the
 * Moon, mean anomalies of the Sun and the Moon, Moon's argument of latitude,
 * longitude of the ascending node), then a, b (longitude, 0.0001") and
 * c, d (obliquity, 0.0001"), the time-dependent part per Julian century.
 */
#ifndef TG_SUN_SPA_TERMS_H
#define TG_SUN_SPA_TERMS_H

struct tg_spa_term {
	double a, b, c;
};

struct tg_spa_series {
	const struct tg_spa_term *t;
	int n;
};

struct tg_spa_nut_term {
	signed char y[5];
	double a, b, c, d;
};

/* L0..L5, B0..B1, R0..R4, in that order of powers of JME. */
extern const struct tg_spa_series tg_spa_terms_l[6];
extern const struct tg_spa_series tg_spa_terms_b[2];
extern const struct tg_spa_series tg_spa_terms_r[5];

#define TG_SPA_NUT_COUNT 63
extern const struct tg_spa_nut_term tg_spa_terms_nut[TG_SPA_NUT_COUNT];

#endif
