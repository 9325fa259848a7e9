/*
 * sun_rate.c - positions per second of lib/sun's SPA, for bench/sun.
 *
 *   sun_rate CASES [OUT]   CASES: "unix_seconds,lat,lon" lines (bench/sun
 *                          writes them); OUT: zenith,azimuth per case
 *
 * Same parameters as the JavaScript side: delta T 67 s, elevation 0,
 * 1013 mbar, 15 C, refraction 0.5667.  Times the whole list several times
 * and prints the best rate, so a noisy neighbour cannot flatter us.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sun/spa.h"

struct bcase { double t, lat, lon; };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	struct bcase *c = NULL;
	size_t n = 0, cap = 0, i;
	double best = 1e30, sink = 0;
	struct tg_spa_params p;
	FILE *f;
	int rep;

	if (argc < 2 || !(f = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: sun_rate CASES [OUT]\n");
		return 2;
	}
	for (;;) {
		struct bcase b;

		if (fscanf(f, "%lf,%lf,%lf", &b.t, &b.lat, &b.lon) != 3)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			c = realloc(c, cap * sizeof(*c));
			if (!c)
				return 1;
		}
		c[n++] = b;
	}
	fclose(f);
	tg_spa_params_init(&p);
	p.delta_t = 67;
	p.pressure = 1013;
	p.temperature = 15;
	for (rep = 0; rep < 5; rep++) {
		double t0 = now(), dt;

		for (i = 0; i < n; i++) {
			struct tg_spa_result r;

			p.latitude = c[i].lat;
			p.longitude = c[i].lon;
			tg_spa_compute(&p, c[i].t, &r);
			sink += r.zenith + r.azimuth;
		}
		dt = now() - t0;
		if (dt < best)
			best = dt;
	}
	if (argc > 2 && (f = fopen(argv[2], "w"))) {
		for (i = 0; i < n; i++) {
			struct tg_spa_result r;

			p.latitude = c[i].lat;
			p.longitude = c[i].lon;
			tg_spa_compute(&p, c[i].t, &r);
			fprintf(f, "%.9f,%.9f\n", r.zenith, r.azimuth);
		}
		fclose(f);
	}
	printf("%zu %.6f %.0f %g\n", n, best, n / best, sink);
	free(c);
	return 0;
}
