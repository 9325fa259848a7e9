/*
 * pdq_rate.c - PDQ hashes per second on one core.
 *
 *   pdq_rate [SECONDS [FILE.rgb WIDTH HEIGHT]]
 *
 * Hashes one rgb24 buffer (default: 512x512 of deterministic noise with some
 * structure; or the raw file given) over and over for SECONDS (default 3),
 * and prints "pdq_rate: N hashes/s (WxH, T s, HASH)".  Run it pinned to one
 * core (taskset) for a one-core figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "phash/pdq.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3.0, t0, t;
	int w = 512, h = 512, q = 0;
	struct tg_pdq_scratch s = TG_PDQ_SCRATCH_INIT;
	struct tg_pdq_hash hash;
	char hex[TG_PDQ_HEX_LEN + 1];
	unsigned char *rgb;
	long n = 0;

	if (argc > 4) {
		FILE *f = fopen(argv[2], "rb");

		w = atoi(argv[3]);
		h = atoi(argv[4]);
		rgb = malloc((size_t)w * h * 3);
		if (!f || !rgb || fread(rgb, 1, (size_t)w * h * 3, f) != (size_t)w * h * 3) {
			fprintf(stderr, "pdq_rate: cannot read %dx%d rgb24 from %s\n", w, h, argv[2]);
			return 1;
		}
		fclose(f);
	} else {
		unsigned x = 12345;

		rgb = malloc((size_t)w * h * 3);
		if (!rgb)
			return 1;
		for (int y = 0; y < h; y++)
			for (int i = 0; i < w * 3; i++) {
				x = x * 1103515245u + 12345u;
				rgb[(size_t)y * w * 3 + i] = (unsigned char)(((y / 32 + i / 96) & 1) * 128
									     + (x >> 25));
			}
	}
	/* warm up: buffers allocated once, caches filled */
	if (tg_pdq_hash_rgb(&s, rgb, w, h, (size_t)w * 3, &hash, &q) < 0)
		return 1;
	t0 = now();
	do {
		for (int i = 0; i < 50; i++)
			tg_pdq_hash_rgb(&s, rgb, w, h, (size_t)w * 3, &hash, &q);
		n += 50;
		t = now() - t0;
	} while (t < secs);
	tg_pdq_to_hex(&hash, hex);
	printf("pdq_rate: %.0f hashes/s (%dx%d, %ld hashes in %.2f s, %s,%d)\n", n / t, w, h,
	       n, t, hex, q);
	tg_pdq_scratch_release(&s);
	free(rgb);
	return 0;
}
