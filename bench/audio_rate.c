/*
 * audio_rate.c - speed of the audio kernels on one core, decode excluded.
 *
 *   audio_rate shots FILE.f32 RATE       gunshot analysis of a raw mono f32 file
 *   audio_rate sync A.f32 B.f32 RATE     sync of two raw mono f32 files
 *
 * The file is read into memory first (the decode is timed by bench/audio
 * separately); shots are fed in 1 s blocks as the decode pipeline would.
 * Prints one line: the audio duration, the analysis time and the speed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/shots.h"
#include "audio/sync.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	long len;
	float *x;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	x = malloc((size_t)len + 4);
	if (x && fread(x, 1, (size_t)len, f) != (size_t)len) {
		free(x);
		x = NULL;
	}
	fclose(f);
	*n = (size_t)len / sizeof(float);
	return x;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "shots")) {
		int rate = atoi(argv[3]);
		size_t n = 0, i;
		float *x = slurp(argv[2], &n);
		struct tg_shots *s = tg_shots_new(rate);
		struct tg_shots_result r;
		double t0;

		if (!x || !s)
			return 1;
		t0 = now();
		for (i = 0; i < n; i += (size_t)rate)
			if (tg_shots_push(s, x + i, n - i < (size_t)rate ? n - i : (size_t)rate,
					  (double)i / rate) < 0)
				return 1;
		if (tg_shots_finish(s, &r) < 0)
			return 1;
		t0 = now() - t0;
		printf("shots: %.1f s of audio at %d Hz in %.2f s (%.0fx real time); "
		       "%zu events, %zu gunshots\n", (double)n / rate, rate, t0,
		       (double)n / rate / t0, r.n_events, r.n_shots);
		tg_shots_result_release(&r);
		tg_shots_free(s);
		free(x);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "sync")) {
		int rate = atoi(argv[4]);
		size_t na = 0, nb = 0;
		float *a = slurp(argv[2], &na), *b = slurp(argv[3], &nb);
		struct tg_sync_result r;
		double t0;

		if (!a || !b)
			return 1;
		t0 = now();
		if (tg_sync_compute(a, na, b, nb, rate, &r) < 0)
			return 1;
		t0 = now() - t0;
		printf("sync: %.1f s vs %.1f s at %d Hz in %.2f s; aligned %d offset %.5f s "
		       "drift %.1f ppm conf %.2f (%d/%d windows)\n", (double)na / rate,
		       (double)nb / rate, rate, t0, r.aligned, r.offset_mid_s, r.drift_ppm,
		       r.confidence, r.consistent, r.windows);
		free(a);
		free(b);
		return 0;
	}
	fprintf(stderr, "usage: audio_rate shots FILE.f32 RATE | sync A.f32 B.f32 RATE\n");
	return 2;
}
