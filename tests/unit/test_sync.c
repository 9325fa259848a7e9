/*
 * test_sync.c - audio sync on the conformance pairs and on generated
 * "two phones in one street" scenes.  Prints a per-pair table.
 */
#include "harness.h"
#include "audio_util.h"

#include <time.h>

#include "audio/sync.h"
#include "audio/syncsig.h"

#define RATE 8000

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;
	return a < b ? -1 : a > b;
}

static void print_row(const char *name, const char *cond, int related, double truth,
		      const struct tg_sync_result *r, double secs)
{
	char est[32] = "-", err[32] = "-";

	if (r->aligned)
		snprintf(est, sizeof(est), "%.5f", r->offset_mid_s);
	if (r->aligned && related)
		snprintf(err, sizeof(err), "%.3f", fabs(r->offset_mid_s - truth) * 1000.0);
	printf("| %s | %s | %s | %s | %s | %s | %.1f | %d/%d | %.2f | %.1f | %.2f |\n", name, cond,
	       related ? "yes" : "no", related ? "" : "-", est, err, r->median_z,
	       r->consistent, r->windows, r->confidence, r->drift_ppm, secs);
	if (!r->aligned)
		printf("|   | (%s) |||||||||\n", r->reason);
}


/*
 * 1: align the sync signatures (audio/syncsig.h: 10 ms levels and 8 kHz
 * sign bits, through an encode/decode round trip) instead of the float
 * signals, as `testigo sync` does.
 */
static int use_sig;

static void to_signature(float **x, size_t *n)
{
	struct tg_syncsig a, b;
	uint8_t *blob = NULL;
	size_t len = 0, i;
	float *y;

	if (!use_sig || !*x)
		return;
	tg_syncsig_init(&a);
	for (i = 0; i < *n; i += 1000)
		CHECK_INT(tg_syncsig_push(&a, *x + i, *n - i < 1000 ? *n - i : 1000, 0.0), 0);
	CHECK_INT(tg_syncsig_finish(&a), 0);
	CHECK_INT(tg_syncsig_encode(&a, &blob, &len), 0);
	CHECK(len < *n / 5);	/* 1.2 kB/s against 32 kB/s of float */
	CHECK_INT(tg_syncsig_decode(blob, len, &b), 0);
	CHECK(b.n == a.n);
	y = tg_syncsig_signal(&b);
	CHECK(y != NULL);
	if (y) {
		free(*x);
		*x = y;
	}
	free(blob);
	tg_syncsig_release(&a);
	tg_syncsig_release(&b);
}

static void test_conformance_pairs(void)
{
	const char *cdir = tg_test_conformance("audio/sync");
	char dir[1024], path[2048], line[1024];
	FILE *f;
	double errs[64];
	int nerr = 0;

	if (!cdir)
		return;
	if (strlen(cdir) >= sizeof(dir)) {
		SKIP("conformance path too long");
		return;
	}
	memcpy(dir, cdir, strlen(cdir) + 1);
	snprintf(path, sizeof(path), "%s/../truth.csv", dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	printf("\n### Sync: conformance pairs (rate %d Hz, %s)\n\n", RATE,
	       use_sig ? "sync signatures, as testigo sync" : "float signals");
	printf("| pair | condition | related | | estimate s (mid) | err ms | median z | consistent | conf | drift ppm | time s |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		char a[128], b[128], cond[128], rel[8], *fld[9];
		char *p = line, *save = NULL, *tok;
		int k = 0, related;
		double truth = 0.0, drift = 0.0, t0;
		float *xa, *xb;
		size_t na = 0, nb = 0;
		struct tg_sync_result r;

		line[strcspn(line, "\r\n")] = 0;
		/* empty fields matter: split on commas by hand */
		for (tok = p; k < 9; k++) {
			fld[k] = tok;
			tok = strchr(tok, ',');
			if (!tok)
				break;
			*tok++ = 0;
		}
		(void)save;
		if (k < 8)
			continue;
		snprintf(a, sizeof(a), "%s", fld[0]);
		snprintf(b, sizeof(b), "%s", fld[1]);
		snprintf(cond, sizeof(cond), "%s", fld[6]);
		snprintf(rel, sizeof(rel), "%s", fld[7]);
		related = strcmp(rel, "yes") == 0;
		if (related) {
			truth = atof(fld[8]);
			drift = atof(fld[3]);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, a);
		xa = tg_test_decode(path, RATE, &na);
		snprintf(path, sizeof(path), "%s/%s", dir, b);
		xb = tg_test_decode(path, RATE, &nb);
		CHECK(xa && xb);
		if (!xa || !xb) {
			free(xa);
			free(xb);
			continue;
		}
		to_signature(&xa, &na);
		to_signature(&xb, &nb);
		t0 = now_s();
		CHECK_INT(tg_sync_compute(xa, na, xb, nb, RATE, &r), 0);
		print_row(a, cond, related, truth, &r, now_s() - t0);
		if (related) {
			CHECK(r.aligned);
			if (r.aligned) {
				double e = fabs(r.offset_mid_s - truth);
				errs[nerr++] = e;
				CHECK(e <= 0.005);
				if (drift != 0.0)
					CHECK_NEAR(r.drift_ppm, drift, 20.0);
			}
		} else {
			CHECK(!r.aligned);
		}
		free(xa);
		free(xb);
	}
	fclose(f);
	if (nerr) {
		qsort(errs, (size_t)nerr, sizeof(double), cmp_d);
		printf("\nrelated pairs aligned: %d; median error %.3f ms, max %.3f ms\n", nerr,
		       errs[nerr / 2] * 1000.0, errs[nerr - 1] * 1000.0);
		CHECK(errs[nerr / 2] <= 0.001);
	}
}

/* --- generated scenes ------------------------------------------------- */

struct snd {
	float *x;
	size_t n;
};

static int load(struct snd *s, const char *path)
{
	s->x = tg_test_decode(path, RATE, &s->n);
	return s->x ? 0 : -1;
}

#define NSRC 8
static const char *const src_paths[NSRC] = {
	"/usr/share/games/hedgewars/Data/Sounds/gun.ogg",
	"/usr/share/games/hedgewars/Data/Sounds/shotgunfire.ogg",
	"/usr/share/lmms/samples/drums/clap01.ogg",
	"/usr/share/lmms/samples/drums/snare01.ogg",
	"/usr/share/codec2/wav/vk5qi.wav",
	"/usr/share/codec2/wav/david4.wav",
	"/usr/share/codec2/wav/ve9qrp.wav",
	"/usr/share/lmms/samples/drums/kick01.ogg",
};
static const char *const crowd_paths[2] = {
	"/usr/share/games/heroes/sfx/foule1.wav",
	"/usr/share/games/heroes/sfx/foule2.wav",
};

/*
 * One street scene heard by two phones.  Each event has its own distance
 * to each phone (own delay and level); each phone has its own reverberation
 * (sox reverb), crowd noise and codec.  B starts b_start seconds into A's
 * timeline.  Returns the true offset (median of the per-event offsets) and
 * their spread.
 */
static int make_scene(const struct snd *src, const struct snd *crowd, uint64_t seed,
		      double dur, double b_start, double b_dur, float **pa, size_t *pna,
		      float **pb, size_t *pnb, double *truth, double *spread)
{
	const char *scr = tg_test_scratch();
	size_t n = (size_t)(dur * RATE), i;
	float *m1 = calloc(n, sizeof(float)), *m2 = calloc(n, sizeof(float));
	double offs[64], t = 0.5;
	int ne = 0, mic, ret = -1;
	char cmd[8192], raw[2][512], out[2][512];
	uint64_t s = seed;

	if (!m1 || !m2)
		goto out;
	while (t < dur - 2.0 && ne < 64) {
		int k = (int)(tg_test_rand(&s) * NSRC);
		double r1 = 3.0 + 20.0 * tg_test_rand(&s);
		double r2 = r1 + (tg_test_rand(&s) - 0.5) * 3.0;  /* phones ~1.5 m apart */
		size_t len = src[k].n, off = 0;

		if (k >= 4 && k <= 6) {  /* speech: a 1-3 s excerpt */
			size_t want = (size_t)((1.0 + 2.0 * tg_test_rand(&s)) * RATE);
			if (want < len) {
				off = (size_t)(tg_test_rand(&s) * (double)(len - want));
				len = want;
			}
		}
		if (r2 < 1.0)
			r2 = 1.0;
		tg_test_mix(m1, n, src[k].x + off, len, (long)((t + r1 / 343.0) * RATE),
			    (float)(2.0 / r1));
		tg_test_mix(m2, n, src[k].x + off, len, (long)((t + r2 / 343.0) * RATE),
			    (float)(2.0 / r2));
		offs[ne++] = (r2 - r1) / 343.0;
		t += 0.3 + 2.0 * tg_test_rand(&s) + (double)len / RATE * 0.5;
	}
	qsort(offs, (size_t)ne, sizeof(double), cmp_d);
	*truth = -b_start + offs[ne / 2];
	*spread = offs[ne - 1] - offs[0];
	for (mic = 0; mic < 2; mic++) {
		float *m = mic ? m2 : m1;
		const struct snd *c = &crowd[mic];
		double rs = tg_test_rms(m, n), rc = tg_test_rms(c->x, c->n);
		double snr_db = mic ? 0.0 : 6.0;
		float g = (float)(rs / (rc + 1e-9) * pow(10.0, -snr_db / 20.0));
		size_t st = (size_t)(tg_test_rand(&s) * (double)c->n);

		for (i = 0; i < n; i++)
			m[i] += g * c->x[(st + i) % c->n];
		for (i = 0; i < n; i++)
			m[i] *= mic ? 0.5f : 0.25f;  /* different levels */
		snprintf(raw[mic], sizeof(raw[mic]), "%s/mic%d-%llu.raw", scr, mic,
			 (unsigned long long)seed);
		snprintf(out[mic], sizeof(out[mic]), "%s/mic%d-%llu.%s", scr, mic,
			 (unsigned long long)seed, mic ? "ogg" : "m4a");
		if (tg_test_write_raw(raw[mic], m, n) < 0)
			goto out;
	}
	/* phone A: small room reverb, AAC; phone B: longer reverb, cut, Opus */
	snprintf(cmd, sizeof(cmd),
		 "sox -V1 -q -t f32 -r %d -c 1 %s -t wav - reverb 30 50 40 gain -n -3 | "
		 "ffmpeg -nostdin -v error -y -i - -c:a aac -b:a 64k %s && "
		 "sox -V1 -q -t f32 -r %d -c 1 %s -t wav - reverb 80 30 100 trim %.3f %.3f gain -n -6 | "
		 "ffmpeg -nostdin -v error -y -i - -c:a libopus -b:a 24k %s",
		 RATE, raw[0], out[0], RATE, raw[1], b_start, b_dur, out[1]);
	if (tg_test_sh(cmd) < 0)
		goto out;
	*pa = tg_test_decode(out[0], RATE, pna);
	*pb = tg_test_decode(out[1], RATE, pnb);
	ret = *pa && *pb ? 0 : -1;
out:
	free(m1);
	free(m2);
	return ret;
}

static void test_two_phones(void)
{
	struct snd src[NSRC], crowd[2];
	int i, ok = 1, related;

	memset(src, 0, sizeof(src));
	memset(crowd, 0, sizeof(crowd));
	for (i = 0; i < NSRC; i++)
		if (load(&src[i], src_paths[i]) < 0)
			ok = 0;
	for (i = 0; i < 2; i++)
		if (load(&crowd[i], crowd_paths[i]) < 0)
			ok = 0;
	if (!ok) {
		SKIP("sound packages missing (scripts/install-deps): generated scenes skipped");
		goto out;
	}
	printf("\n### Sync: generated two-phone street scenes (own delay per event and phone, "
	       "own reverb, crowd noise, levels, AAC vs Opus; %s)\n\n",
	       use_sig ? "sync signatures" : "float signals");
	printf("| scene | condition | related | spread ms | estimate s (mid) | err ms | median z | consistent | conf | drift ppm | time s |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < 6; i++) {
		float *a = NULL, *b = NULL, *b2 = NULL;
		size_t na = 0, nb = 0, nb2 = 0;
		double truth = 0, spread = 0, dummy, dummy2, t0;
		struct tg_sync_result r;
		char name[32], cond[64];

		related = i < 4;
		snprintf(name, sizeof(name), "street%d", i + 1);
		if (make_scene(src, crowd, 1000 + (uint64_t)i, 45.0, 6.0 + i * 2.5, 25.0,
			       &a, &na, &b, &nb, &truth, &spread) < 0) {
			CHECK(0);
			free(a);
			free(b);
			continue;
		}
		if (!related) {
			/* B from another scene built from the same sound files:
			 * shared gunshots and claps, different events */
			free(b);
			b = NULL;
			if (make_scene(src, crowd, 5000 + (uint64_t)i, 45.0, 8.0, 25.0,
				       &b2, &nb2, &b, &nb, &dummy, &dummy2) < 0) {
				CHECK(0);
				free(a);
				free(b2);
				continue;
			}
			free(b2);
		}
		snprintf(cond, sizeof(cond), related ? "street, B 25 s cut" :
			 "unrelated scenes, same sound files");
		to_signature(&a, &na);
		to_signature(&b, &nb);
		t0 = now_s();
		CHECK_INT(tg_sync_compute(a, na, b, nb, RATE, &r), 0);
		{
			char est[32] = "-", err[32] = "-";
			if (r.aligned)
				snprintf(est, sizeof(est), "%.5f", r.offset_mid_s);
			if (r.aligned && related)
				snprintf(err, sizeof(err), "%.3f",
					 fabs(r.offset_mid_s - truth) * 1000.0);
			printf("| %s | %s | %s | %.1f | %s | %s | %.1f | %d/%d | %.2f | %.1f | %.2f |\n",
			       name, cond, related ? "yes" : "no", related ? spread * 1000 : 0.0,
			       est, err, r.median_z, r.consistent, r.windows, r.confidence,
			       r.drift_ppm, now_s() - t0);
			if (!r.aligned)
				printf("|   | (%s) |||||||||\n", r.reason);
		}
		if (related) {
			CHECK(r.aligned);
			if (r.aligned)
				CHECK(fabs(r.offset_mid_s - truth) <= 0.005 + spread / 2.0);
		} else {
			CHECK(!r.aligned);
		}
		free(a);
		free(b);
	}
out:
	for (i = 0; i < NSRC; i++)
		free(src[i].x);
	for (i = 0; i < 2; i++)
		free(crowd[i].x);
}

/* Noise in bursts: something to align (stationary noise has no events). */
static void bursty_noise(float *x, size_t n, uint64_t *s)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(0.1 * tg_test_gauss(s));
	for (size_t i = 0; i < n; i += RATE / 4) {
		float g = (float)(tg_test_rand(s) < 0.5 ? 0.05 : 1.0);
		for (size_t j = i; j < i + RATE / 4 && j < n; j++)
			x[j] *= g;
	}
}

/* a at the fractional sample position x (linear interpolation; 0 outside) */
static float sample_at(const float *a, size_t n, double x)
{
	long k = (long)floor(x);
	double fr = x - (double)k;

	return k >= 0 && (size_t)k + 1 < n ? (float)((1 - fr) * a[k] + fr * a[k + 1]) : 0.0f;
}

/* Two signal buffers of na and nb samples, or -1 (a failed check) and neither. */
static int alloc_pair(float **a, size_t na, float **b, size_t nb)
{
	*a = malloc(na * sizeof(float));
	*b = malloc(nb * sizeof(float));
	if (*a && *b)
		return 0;
	free(*a);
	free(*b);
	*a = *b = NULL;
	CHECK(0);
	return -1;
}

static void test_synthetic_exact(void)
{
	/* bursts of noise (something to align: stationary noise has no
	 * events), B = A delayed by 1234.5 samples: sub-sample accuracy */
	size_t n = 20 * RATE, i;
	float *a, *b;
	uint64_t s = 7;
	struct tg_sync_result r;

	if (alloc_pair(&a, n, &b, n) < 0)
		return;
	bursty_noise(a, n, &s);
	for (i = 0; i < n; i++) {
		/* b(t) = a(t - 1234.5 / RATE) */
		b[i] = sample_at(a, n, (double)i - 1234.5);
	}
	CHECK_INT(tg_sync_compute(a, n, b, n, RATE, &r), 0);
	CHECK(r.aligned);
	CHECK_NEAR(r.offset_mid_s, 1234.5 / RATE, 0.0001);
	/* and the other way round: a negative offset */
	CHECK_INT(tg_sync_compute(b, n, a, n, RATE, &r), 0);
	CHECK(r.aligned);
	CHECK_NEAR(r.offset_mid_s, -1234.5 / RATE, 0.0001);
	/* unrelated noise */
	for (i = 0; i < n; i++)
		b[i] = (float)(0.1 * tg_test_gauss(&s));
	CHECK_INT(tg_sync_compute(a, n, b, n, RATE, &r), 0);
	CHECK(!r.aligned);
	free(a);
	free(b);
}

/*
 * Long recordings from two devices whose clocks differ: B = A played
 * (1 + d) times slower, 7.3 s later, with its own noise.  Over 20 minutes
 * 20-150 ppm move the offset by 24-180 ms from one end of the overlap to
 * the other, far more than one fine window's +-40 ms search: the windows
 * must follow the line, not the coarse offset.
 */
static void test_long_drift(void)
{
	static const double ppm[] = { 20.0, 60.0, 150.0, -90.0 };
	const size_t n = (size_t)20 * 60 * RATE, nb = n - (size_t)(30 * RATE);
	float *a, *b;
	uint64_t s = 11;
	size_t i;

	if (alloc_pair(&a, n, &b, nb) < 0)
		return;
	bursty_noise(a, n, &s);
	printf("\n### Sync: 20-minute recordings with clock drift (synthetic)\n\n"
	       "| drift ppm | estimate ppm | offset error at mid-overlap ms | consistent | time s |\n"
	       "|---|---|---|---|---|\n");
	for (size_t c = 0; c < sizeof(ppm) / sizeof(ppm[0]); c++) {
		const double d = ppm[c] * 1e-6, off = 7.3;
		struct tg_sync_result r;
		double t0 = now_s(), mid;

		/* t_B = off + t_A (1 + d): B's sample i shows A at (i/RATE - off) / (1 + d) */
		for (i = 0; i < nb; i++) {
			b[i] = sample_at(a, n, ((double)i / RATE - off) / (1.0 + d) * RATE) +
			       (float)(0.01 * tg_test_gauss(&s));
		}
		CHECK_INT(tg_sync_compute(a, n, b, nb, RATE, &r), 0);
		mid = r.aligned ? off + d * (r.overlap_a[0] + r.overlap_a[1]) / 2.0 : 0.0;
		printf("| %.0f | %s%.1f | %.3f | %d/%d | %.2f |\n", ppm[c], r.aligned ? "" : "not aligned, ",
		       r.drift_ppm, r.aligned ? fabs(r.offset_mid_s - mid) * 1000.0 : 0.0,
		       r.consistent, r.windows, now_s() - t0);
		CHECK(r.aligned);
		if (r.aligned) {
			CHECK_NEAR(r.drift_ppm, ppm[c], 2.0);
			CHECK_NEAR(r.offset_mid_s, mid, 0.001);
		}
	}
	{
		/* and an unrelated 20-minute recording of the same kind of sound:
		 * a tilting line must not make chance peaks agree */
		struct tg_sync_result r;

		bursty_noise(b, nb, &s);
		CHECK_INT(tg_sync_compute(a, n, b, nb, RATE, &r), 0);
		printf("| unrelated | %s | - | %d/%d | - |\n", r.aligned ? "ALIGNED" : "not aligned",
		       r.consistent, r.windows);
		CHECK(!r.aligned);
	}
	free(a);
	free(b);
}

int main(void)
{
	RUN(test_synthetic_exact);
	RUN(test_long_drift);
	RUN(test_conformance_pairs);
	RUN(test_two_phones);
	use_sig = 1;
	RUN(test_conformance_pairs);
	RUN(test_two_phones);
	return TEST_END();
}
