/*
 * audio_util.h - helpers shared by the audio unit tests (not library code).
 *
 * Decoding goes through the ffmpeg command line (popen) until lib/media
 * offers decode-to-float: lib/audio itself never decodes.  Generated test
 * scenes are mixed here from Debian sound packages (see scripts/install-deps).
 */
#ifndef TG_TEST_AUDIO_UTIL_H
#define TG_TEST_AUDIO_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode FILE to mono float at rate; returns a malloc'd buffer or NULL. */
static inline float *tg_test_decode(const char *path, int rate, size_t *n)
{
	char cmd[8192];
	FILE *p;
	float *buf = NULL;
	size_t cap = 0, len = 0, got;

	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s' -ac 1 -ar %d -f f32le -",
		 path, rate);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	for (;;) {
		if (len == cap) {
			size_t nc = cap ? cap * 2 : 1 << 16;
			float *nb = realloc(buf, nc * sizeof(float));
			if (!nb) {
				free(buf);
				pclose(p);
				return NULL;
			}
			buf = nb;
			cap = nc;
		}
		got = fread(buf + len, sizeof(float), cap - len, p);
		if (got == 0)
			break;
		len += got;
	}
	if (pclose(p) != 0 || len == 0) {
		free(buf);
		return NULL;
	}
	*n = len;
	return buf;
}

/* Write mono float samples as raw f32le. */
static inline int tg_test_write_raw(const char *path, const float *x, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(x, sizeof(float), n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* A small deterministic generator (xorshift64*), so generated scenes repeat. */
static inline double tg_test_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static inline double tg_test_gauss(uint64_t *s)
{
	double u = tg_test_rand(s) + 1e-12, v = tg_test_rand(s);
	return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Add src (ns samples) into dst (nd) at index at with gain g. */
static inline void tg_test_mix(float *dst, size_t nd, const float *src, size_t ns, long at, float g)
{
	size_t i;

	for (i = 0; i < ns; i++) {
		long j = at + (long)i;
		if (j >= 0 && (size_t)j < nd)
			dst[j] += g * src[i];
	}
}

static inline double tg_test_rms(const float *x, size_t n)
{
	double s = 0.0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n ? sqrt(s / (double)n) : 0.0;
}

/* Run a shell command; 0 when it succeeded. */
static inline int tg_test_sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

#endif
