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

#include "audio/shots.h"
#include "harness.h"

/*
 * Decode FILE to mono float at rate; returns a malloc'd buffer or NULL.
 * via > 0: through that sample rate first (FFmpeg's resampler both ways),
 * as a recording made at that rate and analysed at this one.
 */
static inline float *tg_test_decode_via(const char *path, int rate, int via, size_t *n)
{
	char cmd[8192], af[64] = "";
	FILE *p;
	float *buf = NULL;
	size_t cap = 0, len = 0, got;

	if (via > 0)
		snprintf(af, sizeof(af), "-af aresample=%d ", via);
	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s' -ac 1 %s-ar %d -f f32le -",
		 path, af, rate);
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

static inline float *tg_test_decode(const char *path, int rate, size_t *n)
{
	return tg_test_decode_via(path, rate, 0, n);
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

/*
 * FILE's first audio stream through a lossy codec, as a recording shared
 * through a platform that re-encodes it: codec is ffmpeg's output
 * options, container included, one that keeps the encoder's delay out of
 * the timeline ("-c:a aac -b:a 64k -f mp4": an edit list; "-c:a libopus
 * -b:a 32k -f ogg": the pre-skip; "-c:a libmp3lame -b:a 96k -f mp3": the
 * gapless header, which ffmpeg writes to a seekable output such as this
 * temporary file); in_opts describe a raw input ("" for a media file).
 * Decodes the result to mono float at rate; a malloc'd buffer or NULL.
 */
static inline float *tg_test_reencode_file(const char *in_opts, const char *path,
					   const char *codec, int rate, size_t *n)
{
	char out[512], cmd[8192];
	float *y = NULL;
	int len;

	if (tg_test_scratch_file(out, sizeof(out), "reencoded") < 0)
		return NULL;
	len = snprintf(cmd, sizeof(cmd),
		       "ffmpeg -nostdin -v error -y %s -i '%s' -map 0:a:0 -ar 48000 %s '%s'", in_opts,
		       path, codec, out);
	if (len > 0 && (size_t)len < sizeof(cmd) && system(cmd) == 0)
		y = tg_test_decode_via(out, rate, 0, n);
	unlink(out);
	if (!y)
		fprintf(stderr, "%s: re-encoding with \"%s\" failed\n", path, codec);
	return y;
}

/* 1 when this ffmpeg has the encoder name (libopus, libmp3lame...). */
static inline int tg_test_has_encoder(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "ffmpeg -hide_banner -h encoder=%s 2>&1 | grep -q '^Encoder %s '", name, name);
	return system(cmd) == 0;
}

/* x (n mono samples at rate) through the codec and back, in place. 0 or -1. */
static inline int tg_test_reencode(float *x, size_t n, int rate, const char *codec)
{
	char raw[512], in_opts[64];
	float *y = NULL;
	size_t ny = 0;
	int ok;

	if (tg_test_scratch_file(raw, sizeof(raw), "raw") < 0)
		return -1;
	snprintf(in_opts, sizeof(in_opts), "-f f32le -ar %d -ac 1", rate);
	if (tg_test_write_raw(raw, x, n) == 0)
		y = tg_test_reencode_file(in_opts, raw, codec, rate, &ny);
	unlink(raw);
	if ((ok = y != NULL)) {
		/* the same length: an encoder pads its last frame */
		memcpy(x, y, (ny < n ? ny : n) * sizeof(float));
		if (ny < n)
			memset(x + ny, 0, (n - ny) * sizeof(float));
	}
	free(y);
	return ok ? 0 : -1;
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

/*
 * Add a recorder's noise floor to x (rate Hz) at rms: white (a preamp's
 * hiss, flat to the top of the band) or pink (equal power in every
 * octave: wind, distant traffic, a room's air), from seed.  Pink is the
 * sum of seven white noises low-passed (one pole, unit gain at 0 Hz) at
 * corners a factor 4 apart from 20 Hz, each weighted by its corner's
 * inverse square root (each then holds its share of 1/f below its
 * corner): the sum falls about 3 dB an octave (within 1 dB from 40 Hz
 * to 4 kHz; at 24 kHz the two corners past Nyquist are white, so the top
 * octave is 2 dB flatter).  The noise is drawn twice from the same seed,
 * once to measure its level and once to add it at rms exactly.
 */
static inline void tg_test_add_floor(float *x, size_t n, int rate, double rms, int pink,
				     uint64_t seed)
{
	enum { POLES = 7 };
	double a[POLES], w[POLES], e = 0.0, g = 0.0;
	int k;

	for (k = 0; k < POLES; k++) {
		double fc = 20.0 * pow(4.0, k);
		a[k] = exp(-6.283185307179586 * fc / rate);
		w[k] = 1.0 / sqrt(fc);
	}
	for (int pass = 0; pass < 2; pass++) {
		double y[POLES] = { 0 };
		uint64_t s = seed;

		for (size_t i = 0; i < n; i++) {
			double u = 0.0;

			if (!pink)
				u = tg_test_gauss(&s);
			else
				for (k = 0; k < POLES; k++) {
					y[k] = a[k] * y[k] + (1.0 - a[k]) * tg_test_gauss(&s);
					u += w[k] * y[k];
				}
			if (pass == 0)
				e += u * u;
			else
				x[i] += (float)g * (float)u;   /* as the fit's clips were made */
		}
		if (pass == 0)
			g = e > 0.0 ? rms / sqrt(e / (double)n) : 0.0;
	}
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

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* a recorded gunshot (Debian's hedgewars-data) for tests that need one */
#define TG_TEST_BLAST "/usr/share/games/hedgewars/Data/Sounds/gun.ogg"

/* A recorded sound from a Debian package, decoded at test time. */
struct tg_test_snd {
	const char *path;
	float *x;
	size_t n;
	size_t onset;     /* first sample within 20 dB of the peak */
	float peak;       /* largest absolute sample */
};

/* Decode each of s[0..n) not yet loaded at rate; 0, or -1 when one fails. */
static inline int tg_test_load_snd(struct tg_test_snd *s, size_t n, int rate)
{
	size_t i, q;

	for (i = 0; i < n; i++) {
		float pk = 0.0f;
		if (s[i].x)
			continue;
		if (!(s[i].x = tg_test_decode(s[i].path, rate, &s[i].n)))
			return -1;
		for (q = 0; q < s[i].n; q++)
			if (fabsf(s[i].x[q]) > pk)
				pk = fabsf(s[i].x[q]);
		for (q = 0; q < s[i].n; q++)
			if (fabsf(s[i].x[q]) >= 0.1f * pk)
				break;
		s[i].onset = q;
		s[i].peak = pk;
	}
	return 0;
}

static inline void tg_test_free_snd(struct tg_test_snd *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].x);
		s[i].x = NULL;
	}
}

/* RMS of a sound's first 200 ms: the level a shot's SNR is set by. */
static inline double tg_test_head_rms(const struct tg_test_snd *s, int rate)
{
	size_t m = s->n < (size_t)rate / 5 ? s->n : (size_t)rate / 5;

	return tg_test_rms(s->x, m);
}

/*
 * Fill x with bg looped from sample start, at rms over what is used (so
 * the silent gaps of speech count).
 */
static inline void tg_test_background(float *x, size_t n, const struct tg_test_snd *bg,
				      size_t start, double rms)
{
	double r;
	size_t k;

	for (k = 0; k < n; k++)
		x[k] = bg->x[(start + k) % bg->n];
	r = tg_test_rms(x, n);
	for (k = 0; k < n; k++)
		x[k] = (float)(rms / r) * x[k];
}

/* Drive x by gain and clip it at full scale, as a recorder's converter does. */
static inline void tg_test_clip(float *x, size_t n, float drive)
{
	for (size_t k = 0; k < n; k++) {
		float v = x[k] * drive;
		x[k] = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
	}
}

/*
 * Low-pass x (rate Hz) at hz in place, with no delay: a windowed-sinc FIR of
 * 129 taps (Blackman window: 74 dB down from about hz + rate / 24).  At
 * 3.8 kHz it is the band an 8 kHz recording (a phone call, a radio
 * scanner, a narrowband voice codec) carries once resampled for analysis.
 * Returns 0, or -1 out of memory.
 */
static inline int tg_test_lowpass(float *x, size_t n, int rate, double hz)
{
	enum { HALF = 64 };
	double h[2 * HALF + 1], sum = 0.0, fc = hz / rate;
	float *y = malloc(n * sizeof(float));

	if (!y)
		return -1;
	for (int k = -HALF; k <= HALF; k++) {
		double w = 0.42 + 0.5 * cos(M_PI * k / HALF) + 0.08 * cos(2.0 * M_PI * k / HALF);
		h[k + HALF] = w * (k == 0 ? 2.0 * fc : sin(2.0 * M_PI * fc * k) / (M_PI * k));
		sum += h[k + HALF];
	}
	for (size_t i = 0; i < n; i++) {
		double acc = 0.0;
		for (int k = -HALF; k <= HALF; k++) {
			long j = (long)i - k;
			if (j >= 0 && (size_t)j < n)
				acc += h[k + HALF] * x[j];
		}
		y[i] = (float)(acc / sum);
	}
	memcpy(x, y, n * sizeof(float));
	free(y);
	return 0;
}

/*
 * A supersonic bullet's crack: an N-wave of duration T (s) at time t (s),
 * peak amp, and its ground reflection rd (s) later at gain rg, added into
 * x (rate Hz; 8 x oversampled, so a 0.15-0.35 ms wave keeps its shape).
 */
static inline void tg_test_add_crack(float *x, size_t n, int rate, double t, double T, double amp,
				     double rd, double rg)
{
	const int over = 8;
	const double fs = (double)rate * over;
	long i0 = (long)floor(t * rate) - 1, i1 = (long)ceil((t + rd + T) * rate) + 1;

	for (long i = i0; i <= i1; i++) {
		double acc = 0.0;
		if (i < 0 || (size_t)i >= n)
			continue;
		for (int q = 0; q < over; q++) {
			double tau = (double)(i * over + q) / fs - t;
			if (tau >= 0.0 && tau < T)
				acc += 1.0 - 2.0 * tau / T;
			tau -= rd;
			if (tau >= 0.0 && tau < T)
				acc += rg * (1.0 - 2.0 * tau / T);
		}
		x[i] += (float)(amp * acc / over);
	}
}

/* The shot detector over x in odd-sized blocks (blocks must not matter). */
static inline int tg_test_run_shots(const float *x, size_t n, int rate, struct tg_shots_result *res)
{
	struct tg_shots *s = tg_shots_new(rate);
	size_t i;
	int ret = 0;

	if (!s)
		return -1;
	for (i = 0; i < n && ret == 0; i += 3001)
		ret = tg_shots_push(s, x + i, n - i < 3001 ? n - i : 3001, (double)i / rate);
	if (ret == 0)
		ret = tg_shots_finish(s, res);
	tg_shots_free(s);
	return ret;
}

/* Run a shell command; 0 when it succeeded. */
static inline int tg_test_sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

#endif
