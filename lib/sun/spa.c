/*
 * spa.c - solar position, NREL SPA (Reda & Andreas 2004, 2008), written from
 * the paper's step-by-step description; section numbers below are the
 * paper's.  Tables are in spa_terms.c.
 */
#include "sun/spa.h"
#include "sun/spa_terms.h"
#include "util/error.h"

#include <math.h>
#include <pthread.h>

#define PI 3.14159265358979323846
#define D2R (PI / 180.0)
#define R2D (180.0 / PI)
#define SUN_RADIUS 0.26667	/* degrees, the paper's value */
#define UNIX_EPOCH_JD 2440587.5

static double limit_deg(double d)
{
	d = fmod(d, 360.0);
	return d < 0 ? d + 360.0 : d;
}

void tg_spa_params_init(struct tg_spa_params *p)
{
	p->latitude = 0;
	p->longitude = 0;
	p->elevation = 0;
	p->pressure = 1013.25;
	p->temperature = 15;
	p->refraction = 0.5667;
	p->delta_t = NAN;
	p->delta_ut1 = 0;
	p->slope = 0;
	p->azm_rotation = 0;
}

int tg_spa_params_check(const struct tg_spa_params *p)
{
	if (!(p->latitude >= -90 && p->latitude <= 90))
		return tg_error(TG_EINVAL, "latitude %g out of range [-90, 90]", p->latitude);
	if (!(p->longitude >= -180 && p->longitude <= 180))
		return tg_error(TG_EINVAL, "longitude %g out of range [-180, 180]", p->longitude);
	if (!(p->elevation >= -6500000 && p->elevation <= 1e7))
		return tg_error(TG_EINVAL, "elevation %g m out of range", p->elevation);
	if (!(p->pressure > 0 && p->pressure <= 5000))
		return tg_error(TG_EINVAL, "pressure %g mbar out of range (0, 5000]", p->pressure);
	if (!(p->temperature > -273 && p->temperature <= 6000))
		return tg_error(TG_EINVAL, "temperature %g C out of range (-273, 6000]",
				p->temperature);
	if (!(p->refraction >= -5 && p->refraction <= 5))
		return tg_error(TG_EINVAL, "refraction %g deg out of range [-5, 5]", p->refraction);
	if (!isnan(p->delta_t) && !(p->delta_t >= -8000 && p->delta_t <= 8000))
		return tg_error(TG_EINVAL, "delta T %g s out of range [-8000, 8000]", p->delta_t);
	if (!(p->delta_ut1 > -1 && p->delta_ut1 < 1))
		return tg_error(TG_EINVAL, "delta UT1 %g s out of range (-1, 1)", p->delta_ut1);
	if (!(fabs(p->slope) <= 360 && fabs(p->azm_rotation) <= 360))
		return tg_error(TG_EINVAL, "surface slope/rotation out of range [-360, 360]");
	return 0;
}

double tg_spa_jd_from_unix(double unix_time)
{
	return UNIX_EPOCH_JD + unix_time / 86400.0;
}

double tg_spa_jd_from_calendar(int year, int month, int day, int hour,
			       int minute, double second, double tz)
{
	double day_dec = day + (hour - tz + (minute + second / 60.0) / 60.0) / 24.0;
	double jd, a;

	if (month < 3) {
		month += 12;
		year--;
	}
	jd = floor(365.25 * (year + 4716.0)) + floor(30.6001 * (month + 1)) + day_dec - 1524.5;
	if (jd > 2299160.0) {
		a = floor(year / 100.0);
		jd += 2 - a + floor(a / 4);
	}
	return jd;
}

double tg_spa_decimal_year(double unix_time)
{
	/* 1970 + days / mean Gregorian year: good to a day, ample for delta T. */
	return 1970.0 + unix_time / (86400.0 * 365.2425);
}

double tg_spa_delta_t_estimate(double y)
{
	double t, u = (y - 1820) / 100;

	if (y < 1800)
		return -20 + 32 * u * u;
	if (y < 1860) {
		t = y - 1800;
		return 13.72 - 0.332447 * t + 0.0068612 * t * t + 0.0041116 * pow(t, 3)
			- 0.00037436 * pow(t, 4) + 0.0000121272 * pow(t, 5)
			- 0.0000001699 * pow(t, 6) + 0.000000000875 * pow(t, 7);
	}
	if (y < 1900) {
		t = y - 1860;
		return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * pow(t, 3)
			- 0.0004473624 * pow(t, 4) + pow(t, 5) / 233174;
	}
	if (y < 1920) {
		t = y - 1900;
		return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * pow(t, 3)
			- 0.000197 * pow(t, 4);
	}
	if (y < 1941) {
		t = y - 1920;
		return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * pow(t, 3);
	}
	if (y < 1961) {
		t = y - 1950;
		return 29.07 + 0.407 * t - t * t / 233 + pow(t, 3) / 2547;
	}
	if (y < 1986) {
		t = y - 1975;
		return 45.45 + 1.067 * t - t * t / 260 - pow(t, 3) / 718;
	}
	if (y < 2005) {
		t = y - 2000;
		return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * pow(t, 3)
			+ 0.000651814 * pow(t, 4) + 0.00002373599 * pow(t, 5);
	}
	if (y < 2025) {
		/* Observed values (IERS, rounded), linearly interpolated: Espenak &
		 * Meeus's 2005-2050 polynomial already overshoots by ~4 s in 2024. */
		static const double obs[] = { 64.69, 66.07, 67.64, 69.36, 69.10 };
		int i = (int)((y - 2005) / 5);
		double f = (y - 2005 - 5 * i) / 5;
		return obs[i] + f * (obs[i + 1] - obs[i]);
	}
	if (y < 2050) {
		/* Blend from the last observed value into the 2050 polynomial. */
		double end = -20 + 32 * 2.3 * 2.3 - 0.5628 * 100;
		return 69.10 + (y - 2025) / 25 * (end - 69.10);
	}
	if (y < 2150)
		return -20 + 32 * u * u - 0.5628 * (2150 - y);
	return -20 + 32 * u * u;
}

double tg_spa_delta_t_for(const struct tg_spa_params *p, double unix_time)
{
	if (!isnan(p->delta_t))
		return p->delta_t;
	return tg_spa_delta_t_estimate(tg_spa_decimal_year(unix_time));
}

/*
 * Speed.  A position costs ~200 periodic terms and 63 nutation terms; with
 * libm's sin/cos that is most of the time.  So: (1) the Earth terms use 98
 * distinct frequencies, and A cos(B + C t) = (A cos B) cos Ct - (A sin B)
 * sin Ct, so each sin/cos pair of C t is computed once and every term is two
 * multiply-adds (coefficients prepared once, thread-safely); (2) sin/cos of
 * those arguments come from a Cody-Waite reduction and Taylor polynomials on
 * [-pi/4, pi/4], exact to ~1e-16 for the |C t| < 1e6 that years -2000..6000
 * give; (3) each nutation argument is an integer combination of five angles,
 * so its sin and cos are products of powers of e^(i X_j).  The conformance
 * tests hold the result to the reference at 1e-8 degrees.
 */
#define PIO2_HI 1.57079632673412561417e+00	/* first 33 bits of pi/2 */
#define PIO2_LO 6.07710050650619224932e-11	/* pi/2 - PIO2_HI */

/* sin and cos of x[i] for i < n (n a multiple of 4, so that the compiler's
 * cheapest vectoriser takes the loop whole): no branches, no libm. */
static inline void fast_sincos_n(const double *x, double *s, double *c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		/* round to nearest without libm: adding 1.5 * 2^52 leaves no
		 * fraction bits (|x| is far below 2^31 here) */
		double k = (x[i] * (2.0 / PI) + 0x1.8p52) - 0x1.8p52;
		double r = (x[i] - k * PIO2_HI) - k * PIO2_LO, r2 = r * r;
		double sp = r + r * r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040
			+ r2 * (1.0 / 362880 + r2 * (-1.0 / 39916800 + r2 * (1.0 / 6227020800.0
			+ r2 * (-1.0 / 1307674368000.0)))))));
		double cp = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720
			+ r2 * (1.0 / 40320 + r2 * (-1.0 / 3628800 + r2 * (1.0 / 479001600
			+ r2 * (-1.0 / 87178291200.0 + r2 * (1.0 / 20922789888000.0))))))));
		int q = (int)k;
		double odd = (double)(q & 1);
		double ss = 1.0 - (double)(q & 2), cs = 1.0 - (double)((q + 1) & 2);

		/* quadrant q: sin = +sp, +cp, -sp, -cp; cos = +cp, -sp, -cp, +sp.
		 * One product is exactly zero, the other exact: no rounding. */
		s[i] = (sp * (1.0 - odd) + cp * odd) * ss;
		c[i] = (cp * (1.0 - odd) + sp * odd) * cs;
	}
}

static void fast_sincos(double x, double *s, double *c)
{
	double xs[4] = { x, 0, 0, 0 }, ss[4], cc[4];

	fast_sincos_n(xs, ss, cc, 4);
	*s = ss[0];
	*c = cc[0];
}

#define MAX_FREQ 100	/* >= the 98 distinct frequencies, a multiple of 4 */
#define MAX_TERMS 200

struct prep_term {
	double ac, as;		/* A cos B, A sin B */
	int f;			/* index of C in freq[] */
};

static struct {
	double freq[MAX_FREQ];
	int nfreq;
	struct prep_term term[MAX_TERMS];
	/* first term of each series: L0..L5, B0..B1, R0..R4, then the end */
	int first[14];
} prep;

static pthread_once_t prep_once = PTHREAD_ONCE_INIT;

static void prep_series(const struct tg_spa_series *s, int *nt, int *ns)
{
	int i, j;

	prep.first[(*ns)++] = *nt;
	/* the sizes fit spa_terms.c exactly; test_fast_terms would catch a
	 * table that outgrew them, this only keeps memory safe */
	for (i = 0; i < s->n && *nt < MAX_TERMS; i++) {
		struct prep_term *t = &prep.term[(*nt)++];

		for (j = 0; j < prep.nfreq && prep.freq[j] != s->t[i].c; j++)
			;
		if (j == prep.nfreq && prep.nfreq < MAX_FREQ)
			prep.freq[prep.nfreq++] = s->t[i].c;
		if (j >= MAX_FREQ)
			j = 0;
		t->ac = s->t[i].a * cos(s->t[i].b);
		t->as = s->t[i].a * sin(s->t[i].b);
		t->f = j;
	}
}

static void prepare(void)
{
	int nt = 0, ns = 0, i;

	for (i = 0; i < 6; i++)
		prep_series(&tg_spa_terms_l[i], &nt, &ns);
	for (i = 0; i < 2; i++)
		prep_series(&tg_spa_terms_b[i], &nt, &ns);
	for (i = 0; i < 5; i++)
		prep_series(&tg_spa_terms_r[i], &nt, &ns);
	prep.first[ns] = nt;
}

/* 3.2.4-3.2.6: (S0 + S1 jme + S2 jme^2 ...) / 1e8 over series [from, to). */
static double earth_value(const double *cs, const double *sn, int from, int to, double jme)
{
	double sum = 0;
	int i, k;

	for (i = to - 1; i >= from; i--) {
		/* two accumulators: one chain of additions would set the pace */
		double ser[2] = { 0, 0 };

		for (k = prep.first[i]; k < prep.first[i + 1]; k++) {
			const struct prep_term *t = &prep.term[k];

			ser[k & 1] += t->ac * cs[t->f] - t->as * sn[t->f];
		}
		sum = sum * jme + (ser[0] + ser[1]);
	}
	return sum / 1e8;
}

/* 3.4: nutation in longitude and obliquity, degrees. */
static void nutation(struct tg_spa_geo *g)
{
	double jce = g->jce, jce2 = jce * jce, jce3 = jce2 * jce;
	double sum_psi = 0, sum_eps = 0;
	double pre[5][6], pim[5][6];	/* e^(i k X_j), k = -2..3 */
	int i, j;

	g->x[0] = 297.85036 + 445267.111480 * jce - 0.0019142 * jce2 + jce3 / 189474.0;
	g->x[1] = 357.52772 + 35999.050340 * jce - 0.0001603 * jce2 - jce3 / 300000.0;
	g->x[2] = 134.96298 + 477198.867398 * jce + 0.0086972 * jce2 + jce3 / 56250.0;
	g->x[3] = 93.27191 + 483202.017538 * jce - 0.0036825 * jce2 + jce3 / 327270.0;
	g->x[4] = 125.04452 - 1934.136261 * jce + 0.0020708 * jce2 + jce3 / 450000.0;

	for (j = 0; j < 5; j++) {
		double s, c;

		fast_sincos(g->x[j] * D2R, &s, &c);
		pre[j][2] = 1;
		pim[j][2] = 0;
		pre[j][3] = c;
		pim[j][3] = s;
		pre[j][4] = c * c - s * s;
		pim[j][4] = 2 * s * c;
		pre[j][5] = pre[j][4] * c - pim[j][4] * s;
		pim[j][5] = pre[j][4] * s + pim[j][4] * c;
		pre[j][1] = c;
		pim[j][1] = -s;
		pre[j][0] = pre[j][4];
		pim[j][0] = -pim[j][4];
	}
	for (i = 0; i < TG_SPA_NUT_COUNT; i++) {
		const struct tg_spa_nut_term *t = &tg_spa_terms_nut[i];
		double re = 1, im = 0;

		for (j = 0; j < 5; j++) {
			int k = t->y[j] + 2;
			double r2;

			if (k == 2)
				continue;
			r2 = re * pre[j][k] - im * pim[j][k];
			im = re * pim[j][k] + im * pre[j][k];
			re = r2;
		}
		sum_psi += (t->a + t->b * jce) * im;
		sum_eps += (t->c + t->d * jce) * re;
	}
	g->del_psi = sum_psi / 36000000.0;
	g->del_epsilon = sum_eps / 36000000.0;
}

void tg_spa_geocentric(double jd, double delta_t, struct tg_spa_geo *g)
{
	double u, e0, lam, eps, m, eot;
	double jme, jme2;

	/* 3.1 */
	g->jd = jd;
	g->jde = jd + delta_t / 86400.0;
	g->jc = (jd - 2451545.0) / 36525.0;
	g->jce = (g->jde - 2451545.0) / 36525.0;
	g->jme = g->jce / 10.0;
	jme = g->jme;

	/* 3.2 heliocentric, 3.3 geocentric */
	pthread_once(&prep_once, prepare);
	{
		double arg[MAX_FREQ], cs[MAX_FREQ], sn[MAX_FREQ];
		int i;

		for (i = 0; i < MAX_FREQ; i++)
			arg[i] = prep.freq[i] * jme;
		fast_sincos_n(arg, sn, cs, MAX_FREQ);
		g->l = limit_deg(earth_value(cs, sn, 0, 6, jme) * R2D);
		g->b = earth_value(cs, sn, 6, 8, jme) * R2D;
		g->r = earth_value(cs, sn, 8, 13, jme);
	}
	g->theta = limit_deg(g->l + 180.0);
	g->beta = -g->b;

	/* 3.4, 3.5 */
	nutation(g);
	u = jme / 10.0;
	e0 = 84381.448 + u * (-4680.93 + u * (-1.55 + u * (1999.25 + u * (-51.38
		+ u * (-249.67 + u * (-39.05 + u * (7.12 + u * (27.87 + u * (5.79
		+ u * 2.45)))))))));
	g->epsilon0 = e0;
	g->epsilon = e0 / 3600.0 + g->del_epsilon;

	/* 3.6 - 3.8 */
	g->del_tau = -20.4898 / (3600.0 * g->r);
	g->lambda = g->theta + g->del_psi + g->del_tau;
	g->nu0 = limit_deg(280.46061837 + 360.98564736629 * (jd - 2451545.0)
			   + g->jc * g->jc * (0.000387933 - g->jc / 38710000.0));
	g->nu = g->nu0 + g->del_psi * cos(g->epsilon * D2R);

	lam = g->lambda * D2R;
	eps = g->epsilon * D2R;
	g->alpha = limit_deg(atan2(sin(lam) * cos(eps) - tan(g->beta * D2R) * sin(eps),
				   cos(lam)) * R2D);
	g->delta = asin(sin(g->beta * D2R) * cos(eps)
			+ cos(g->beta * D2R) * sin(eps) * sin(lam)) * R2D;

	/* A.1: equation of time from the sun's mean longitude */
	jme2 = jme * jme;
	m = limit_deg(280.4664567 + 360007.6982779 * jme + 0.03032028 * jme2
		      + jme2 * jme / 49931.0 - jme2 * jme2 / 15300.0
		      - jme2 * jme2 * jme / 2000000.0);
	eot = limit_deg(m - 0.0057183 - g->alpha + g->del_psi * cos(eps)) * 4.0;
	if (eot > 720.0)
		eot -= 1440.0;
	g->eot = eot;
}

void tg_spa_topocentric(const struct tg_spa_params *p, struct tg_spa_result *r)
{
	const struct tg_spa_geo *g = &r->geo;
	double lat = p->latitude * D2R;
	double h, xi, u, x, y, da, dp, hp, e0, cos_dp, den;

	/* 3.9 - 3.12 */
	r->h = limit_deg(g->nu + p->longitude - g->alpha);
	r->xi = 8.794 / (3600.0 * g->r);
	h = r->h * D2R;
	xi = r->xi * D2R;
	u = atan(0.99664719 * tan(lat));
	x = cos(u) + p->elevation / 6378140.0 * cos(lat);
	y = 0.99664719 * sin(u) + p->elevation / 6378140.0 * sin(lat);
	den = cos(g->delta * D2R) - x * sin(xi) * cos(h);
	da = atan2(-x * sin(xi) * sin(h), den);
	dp = atan2((sin(g->delta * D2R) - y * sin(xi)) * cos(da), den);
	r->del_alpha = da * R2D;
	r->delta_prime = dp * R2D;
	r->alpha_prime = g->alpha + r->del_alpha;
	r->h_prime = r->h - r->del_alpha;
	hp = r->h_prime * D2R;

	/* 3.13 - 3.15 */
	cos_dp = cos(dp);
	e0 = asin(sin(lat) * sin(dp) + cos(lat) * cos_dp * cos(hp)) * R2D;
	r->e0 = e0;
	r->del_e = 0;
	if (e0 >= -(SUN_RADIUS + p->refraction))
		r->del_e = p->pressure / 1010.0 * 283.0 / (273.0 + p->temperature)
			* 1.02 / (60.0 * tan((e0 + 10.3 / (e0 + 5.11)) * D2R));
	r->e = e0 + r->del_e;
	r->zenith = 90.0 - r->e;
	r->azimuth_astro = limit_deg(atan2(sin(hp), cos(hp) * sin(lat) - tan(dp) * cos(lat))
				     * R2D);
	r->azimuth = limit_deg(r->azimuth_astro + 180.0);

	/* 3.16: incidence on a surface of given slope and azimuth rotation */
	{
		double zen = r->zenith * D2R, w = p->slope * D2R;

		r->incidence = acos(cos(zen) * cos(w) + sin(w) * sin(zen)
				    * cos((r->azimuth_astro - p->azm_rotation) * D2R)) * R2D;
	}
}

int tg_spa_compute(const struct tg_spa_params *p, double unix_time, struct tg_spa_result *r)
{
	int ret = tg_spa_params_check(p);

	if (ret)
		return ret;
	if (!isfinite(unix_time))
		return tg_error(TG_EINVAL, "time is not a finite number");
	tg_spa_geocentric(tg_spa_jd_from_unix(unix_time + p->delta_ut1),
			  tg_spa_delta_t_for(p, unix_time), &r->geo);
	tg_spa_topocentric(p, r);
	return 0;
}
