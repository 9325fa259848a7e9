/*
 * test_shots.c - gunshot detection and counting on the conformance clips and
 * on clips generated here from Debian sound packages; crack-bang ranging.
 *
 * Prints per-clip and per-SNR tables (precision, recall, F1, exact count).
 * The targets (F1 >= 0.95 and exact count in >= 90 % of clips at
 * SNR >= 0 dB) are printed as met or not met; the checks below guard what
 * the detector does today so that a regression shows, without pretending
 * the targets are reached (see docs/audio.md).
 */
#include "harness.h"
#include "audio_util.h"

#include <time.h>

#include "audio/ranging.h"
#include "audio/shots.h"

#define RATE 24000
#define TOL 0.020
#define MAXT 256

struct clip_truth {
	char name[64];
	double t[MAXT];
	int n;
	double snr_sum;
	double neg[MAXT];
	char negkind[MAXT][16];
	int nneg;
};

struct tally {
	int tp, fp, fn, clips, exact;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run_shots(const float *x, size_t n, struct tg_shots_result *res)
{
	struct tg_shots *s = tg_shots_new(RATE);
	size_t i;
	int ret = 0;

	if (!s)
		return -1;
	/* odd block size: blocks must not matter */
	for (i = 0; i < n && ret == 0; i += 3001)
		ret = tg_shots_push(s, x + i, n - i < 3001 ? n - i : 3001, (double)i / RATE);
	if (ret == 0)
		ret = tg_shots_finish(s, res);
	tg_shots_free(s);
	return ret;
}

/* One-to-one matching of detected gunshots to truth within TOL (greedy by time). */
static void score_clip(const struct tg_shots_result *r, const double *t, int nt,
		       int *tp, int *fp, int *fn, int *ndet, double *max_err)
{
	int used[MAXT] = { 0 }, i, j;
	size_t k;

	*tp = *fp = *ndet = 0;
	for (k = 0; k < r->n_events; k++) {
		const struct tg_shot_event *e = &r->events[k];
		int best = -1;
		double bd = TOL;

		if (e->cls != TG_SHOT_GUNSHOT)
			continue;
		(*ndet)++;
		for (j = 0; j < nt; j++) {
			double d = fabs(e->time_s - t[j]);
			if (!used[j] && d <= bd) {
				bd = d;
				best = j;
			}
		}
		if (best >= 0) {
			used[best] = 1;
			(*tp)++;
			if (bd > *max_err)
				*max_err = bd;
		} else {
			(*fp)++;
		}
	}
	*fn = 0;
	for (i = 0; i < nt; i++)
		if (!used[i])
			(*fn)++;
}

static int load_truth(const char *root, struct clip_truth *c, int max)
{
	char path[2048], line[512];
	FILE *f;
	int n = 0, i;

	snprintf(path, sizeof(path), "%s/shots.csv", root);
	if (!(f = fopen(path, "r")))
		return -1;
	/* clips come from the folder listing order ps01..; read shots.csv */
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		char name[64], kind[32], group[32];
		double t, snr;

		if (sscanf(line, "%63[^,],%lf,%31[^,],%31[^,],%lf", name, &t, kind, group, &snr) != 5)
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(c[i].name, name))
				break;
		if (i == n) {
			if (n == max)
				continue;
			memset(&c[n], 0, sizeof(c[n]));
			snprintf(c[n].name, sizeof(c[n].name), "%s", name);
			n++;
		}
		if (c[i].n < MAXT) {
			c[i].t[c[i].n++] = t;
			c[i].snr_sum += snr;
		}
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/negatives.csv", root);
	if ((f = fopen(path, "r"))) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		while (fgets(line, sizeof(line), f)) {
			char name[64], kind[16];
			double t;

			if (sscanf(line, "%63[^,],%lf,%15s", name, &t, kind) != 3)
				continue;
			for (i = 0; i < n; i++)
				if (!strcmp(c[i].name, name))
					break;
			if (i == n) {
				if (n == max)
					continue;
				memset(&c[n], 0, sizeof(c[n]));
				snprintf(c[n].name, sizeof(c[n].name), "%s", name);
				c[n].snr_sum = 10.0;   /* no shots: band of its background mix */
				n++;
			}
			if (c[i].nneg < MAXT) {
				c[i].neg[c[i].nneg] = t;
				snprintf(c[i].negkind[c[i].nneg], 16, "%s", kind);
				c[i].nneg++;
			}
		}
		fclose(f);
	}
	return n;
}

static const char *band_of(double snr)
{
	return snr >= 15.0 ? "20 dB" : snr >= 5.0 ? "10 dB" : snr >= -2.5 ? "0 dB" : "-5 dB";
}

static int band_idx(double snr)
{
	return snr >= 15.0 ? 0 : snr >= 5.0 ? 1 : snr >= -2.5 ? 2 : 3;
}

static void print_bands(const struct tally *b, const char *title)
{
	static const char *const names[4] = { ">= 15 dB", "5-15 dB", "-2.5-5 dB", "< -2.5 dB" };
	struct tally hi = { 0, 0, 0, 0, 0 };
	int i;

	printf("\n%s\n\n| SNR band | clips | TP | FP | FN | precision | recall | F1 | exact count |\n"
	       "|---|---|---|---|---|---|---|---|---|\n", title);
	for (i = 0; i < 4; i++) {
		double p = b[i].tp + b[i].fp ? (double)b[i].tp / (b[i].tp + b[i].fp) : 1.0;
		double r = b[i].tp + b[i].fn ? (double)b[i].tp / (b[i].tp + b[i].fn) : 1.0;
		if (!b[i].clips)
			continue;
		printf("| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f | %d/%d |\n", names[i],
		       b[i].clips, b[i].tp, b[i].fp, b[i].fn, p, r,
		       p + r > 0 ? 2 * p * r / (p + r) : 0.0, b[i].exact, b[i].clips);
		if (i < 3) {
			hi.tp += b[i].tp;
			hi.fp += b[i].fp;
			hi.fn += b[i].fn;
			hi.clips += b[i].clips;
			hi.exact += b[i].exact;
		}
	}
	if (hi.clips) {
		double p = hi.tp + hi.fp ? (double)hi.tp / (hi.tp + hi.fp) : 1.0;
		double r = hi.tp + hi.fn ? (double)hi.tp / (hi.tp + hi.fn) : 1.0;
		double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
		printf("\nSNR >= 0 dB (bands above -2.5 dB): F1 %.3f (target 0.95: %s), exact count "
		       "%d/%d clips (target 90%%: %s)\n", f1, f1 >= 0.95 ? "met" : "NOT met",
		       hi.exact, hi.clips, hi.exact * 10 >= hi.clips * 9 ? "met" : "NOT met");
	}
}

static struct tally conf_bands[4];

static void test_conformance_clips(void)
{
	const char *cdir = tg_test_conformance("audio/shots");
	char root[1024], path[2048];
	struct clip_truth *c;
	int n, i, total_tp = 0, total_det = 0;
	double max_err = 0.0;

	if (!cdir)
		return;
	if (strlen(cdir) + 4 >= sizeof(root)) {
		SKIP("conformance path too long");
		return;
	}
	snprintf(root, sizeof(root), "%s/..", cdir);
	c = calloc(32, sizeof(*c));
	if (!c) {
		CHECK(0);
		return;
	}
	n = load_truth(root, c, 32);
	CHECK(n > 0);
	printf("\n### Shots: conformance clips (rate %d Hz, match within %.0f ms)\n\n", RATE,
	       TOL * 1000);
	printf("| clip | SNR | truth | detected | TP | FP | FN | exact | events | FP on negatives | time s |\n"
	       "|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		float *x;
		size_t nx = 0, k;
		struct tg_shots_result r;
		int tp, fp, fn, ndet, b, onneg = 0, j;
		double snr = c[i].n ? c[i].snr_sum / c[i].n : c[i].snr_sum, t0;

		snprintf(path, sizeof(path), "%s/%s", cdir, c[i].name);
		x = tg_test_decode(path, RATE, &nx);
		CHECK(x != NULL);
		if (!x)
			continue;
		t0 = now_s();
		CHECK_INT(run_shots(x, nx, &r), 0);
		t0 = now_s() - t0;
		score_clip(&r, c[i].t, c[i].n, &tp, &fp, &fn, &ndet, &max_err);
		for (k = 0; k < r.n_events; k++) {
			if (r.events[k].cls != TG_SHOT_GUNSHOT)
				continue;
			for (j = 0; j < c[i].nneg; j++)
				if (fabs(r.events[k].time_s - c[i].neg[j]) <= TOL)
					onneg++;
		}
		b = band_idx(snr);
		conf_bands[b].tp += tp;
		conf_bands[b].fp += fp;
		conf_bands[b].fn += fn;
		conf_bands[b].clips++;
		conf_bands[b].exact += (int)r.n_shots == c[i].n;
		printf("| %s | %s | %d | %zu | %d | %d | %d | %s | %zu | %d | %.2f |\n", c[i].name,
		       band_of(snr), c[i].n, r.n_shots, tp, fp, fn,
		       (int)r.n_shots == c[i].n ? "yes" : "no", r.n_events, onneg, t0);
		total_tp += tp;
		total_det += ndet;
		tg_shots_result_release(&r);
		free(x);
	}
	print_bands(conf_bands, "Per SNR band (conformance):");
	printf("largest onset error of a matched shot: %.1f ms\n", max_err * 1000.0);
	/* regression guards (today's level, not the targets) */
	CHECK(total_tp >= 25);
	CHECK(total_det <= 3 * total_tp);
	CHECK(conf_bands[0].tp + conf_bands[0].fn > 0 &&
	      conf_bands[0].tp * 10 >= (conf_bands[0].tp + conf_bands[0].fn) * 6);
	free(c);
}

/* --- generated clips: an unseen gun source, drums and a crowd --------- */

static void test_generated_clips(void)
{
	static const char *const guns[] = {
		"/usr/share/games/teeworlds/data/audio/wp_gun_fire-01.wv",
		"/usr/share/games/teeworlds/data/audio/wp_shotty_fire-01.wv",
		"/usr/share/games/hedgewars/Data/Sounds/shotgunfire.ogg",
	};
	static const char *const negs[] = {
		"/usr/share/lmms/samples/drums/clap02.ogg",
		"/usr/share/lmms/samples/drums/snare03.ogg",
		"/usr/share/lmms/samples/drums/tom02.ogg",
		"/usr/share/lmms/samples/drums/kick_hard01.ogg",
		"/usr/share/games/teeworlds/data/audio/wp_hammer_hit-01.wv",
	};
	static const double snrs[] = { 20.0, 10.0, 0.0, -5.0 };
	struct { float *x; size_t n; } g[3], ng[5], bg;
	struct tally bands[4];
	int i, ok = 1, clip;
	uint64_t s = 42;

	memset(bands, 0, sizeof(bands));
	for (i = 0; i < 3; i++)
		if (!(g[i].x = tg_test_decode(guns[i], RATE, &g[i].n)))
			ok = 0;
	for (i = 0; i < 5; i++)
		if (!(ng[i].x = tg_test_decode(negs[i], RATE, &ng[i].n)))
			ok = 0;
	if (!(bg.x = tg_test_decode("/usr/share/games/heroes/sfx/foule1.wav", RATE, &bg.n)))
		ok = 0;
	if (!ok) {
		SKIP("sound packages missing (scripts/install-deps): generated clips skipped");
		goto out;
	}
	printf("\n### Shots: generated clips (teeworlds/hedgewars guns, lmms drums, heroes crowd)\n\n"
	       "| clip | SNR | truth | detected | TP | FP | FN | exact |\n|---|---|---|---|---|---|---|---|\n");
	for (clip = 0; clip < 12; clip++) {
		double snr = snrs[clip % 4], t[MAXT], tt = 1.0, max_err = 0.0;
		size_t n = 30 * RATE, k;
		float *x = calloc(n, sizeof(float));
		int nt = 0, tp, fp, fn, ndet, gi = clip % 3;
		struct tg_shots_result r;
		double bgr = tg_test_rms(bg.x, bg.n), shot_rms;
		size_t st = (size_t)(tg_test_rand(&s) * (double)bg.n);

		if (!x) {
			CHECK(0);
			continue;
		}
		/* shot level: SNR of the shot's first 200 ms against the crowd */
		{
			size_t m = g[gi].n < (size_t)RATE / 5 ? g[gi].n : (size_t)RATE / 5;
			shot_rms = tg_test_rms(g[gi].x, m);
		}
		for (k = 0; k < n; k++)
			x[k] = (float)(0.1 / bgr) * bg.x[(st + k) % bg.n];
		while (tt < 27.0 && nt < 40) {
			double u = tg_test_rand(&s);
			if (u < 0.55) {
				/* a single shot or a burst of 3-5, 80-150 ms apart */
				int burst = tg_test_rand(&s) < 0.4 ? 3 + (int)(tg_test_rand(&s) * 3) : 1, j;
				float gain = (float)(0.1 / shot_rms * pow(10.0, snr / 20.0));
				for (j = 0; j < burst; j++) {
					tg_test_mix(x, n, g[gi].x, g[gi].n, (long)(tt * RATE), gain);
					/* truth onset: first sample within 20 dB of the peak */
					{
						float pk = 0.0f;
						size_t q;
						for (q = 0; q < g[gi].n; q++)
							if (fabsf(g[gi].x[q]) > pk)
								pk = fabsf(g[gi].x[q]);
						for (q = 0; q < g[gi].n; q++)
							if (fabsf(g[gi].x[q]) >= 0.1f * pk)
								break;
						t[nt++] = tt + (double)q / RATE;
					}
					tt += 0.08 + 0.07 * tg_test_rand(&s);
				}
			} else {
				int ni = (int)(tg_test_rand(&s) * 5);
				float gain = (float)(0.1 / shot_rms * pow(10.0, snr / 20.0));
				tg_test_mix(x, n, ng[ni].x, ng[ni].n, (long)(tt * RATE), gain);
			}
			tt += 1.0 + 1.5 * tg_test_rand(&s);
		}
		for (k = 0; k < n; k++)
			x[k] = x[k] > 1.0f ? 1.0f : x[k] < -1.0f ? -1.0f : x[k];
		CHECK_INT(run_shots(x, n, &r), 0);
		score_clip(&r, t, nt, &tp, &fp, &fn, &ndet, &max_err);
		bands[band_idx(snr)].tp += tp;
		bands[band_idx(snr)].fp += fp;
		bands[band_idx(snr)].fn += fn;
		bands[band_idx(snr)].clips++;
		bands[band_idx(snr)].exact += (int)r.n_shots == nt;
		printf("| gen%02d (%s) | %.0f dB | %d | %zu | %d | %d | %d | %s |\n", clip + 1,
		       strrchr(guns[gi], '/') + 1, snr, nt, r.n_shots, tp, fp, fn,
		       (int)r.n_shots == nt ? "yes" : "no");
		tg_shots_result_release(&r);
		free(x);
	}
	print_bands(bands, "Per SNR band (generated):");
out:
	for (i = 0; i < 3; i++)
		free(g[i].x);
	for (i = 0; i < 5; i++)
		free(ng[i].x);
	free(bg.x);
}

static void test_streaming_blocks(void)
{
	/* the same signal in different block sizes gives the same events */
	size_t n = 5 * RATE, i;
	float *x = calloc(n, sizeof(float));
	uint64_t s = 3;
	struct tg_shots *a = tg_shots_new(RATE), *b = tg_shots_new(RATE);
	struct tg_shots_result ra, rb;

	CHECK(x && a && b);
	if (!x || !a || !b)
		goto out;
	for (i = 0; i < n; i++)
		x[i] = (float)(0.01 * tg_test_gauss(&s));
	for (i = RATE; i < RATE + 2000; i++)     /* a decaying impulse at 1.0 s */
		x[i] += (float)(0.8 * exp(-(double)(i - RATE) / 400.0) * tg_test_gauss(&s));
	CHECK_INT(tg_shots_push(a, x, n, 10.0), 0);
	for (i = 0; i < n; i += 128)
		CHECK_INT(tg_shots_push(b, x + i, n - i < 128 ? n - i : 128, 10.0 + (double)i / RATE), 0);
	CHECK_INT(tg_shots_finish(a, &ra), 0);
	CHECK_INT(tg_shots_finish(b, &rb), 0);
	CHECK_INT(ra.n_events, rb.n_events);
	CHECK(ra.n_events >= 1);
	if (ra.n_events >= 1 && rb.n_events >= 1) {
		/* t0 = 10 s: the event is on the caller's timeline */
		CHECK_NEAR(ra.events[0].time_s, 11.0, 0.003);
		CHECK_NEAR(rb.events[0].time_s, ra.events[0].time_s, 1e-9);
	}
	tg_shots_result_release(&ra);
	tg_shots_result_release(&rb);
out:
	tg_shots_free(a);
	tg_shots_free(b);
	free(x);
}

static void test_ranging(void)
{
	double lo, hi;
	struct tg_shot_event ev[2];
	struct tg_ranging rg[2];

	CHECK_NEAR(tg_ranging_sound_speed(20.0), 343.21, 0.01);
	CHECK_NEAR(tg_ranging_sound_speed(0.0), 331.3, 1e-9);
	/* dt 0.5 s at 20 C, 800-900 m/s */
	CHECK_INT(tg_ranging_distance(0.5, 20.0, 800.0, 900.0, &lo, &hi), 0);
	CHECK_NEAR(hi, 0.5 * 343.2122 * 800.0 / (800.0 - 343.2122), 0.05);
	CHECK_NEAR(lo, 0.5 * 343.2122 * 900.0 / (900.0 - 343.2122), 0.05);
	CHECK(lo < hi);
	/* subsonic speeds are refused */
	CHECK(tg_ranging_distance(0.5, 20.0, 300.0, 900.0, &lo, &hi) < 0);
	/* a bright short crack then a gunshot 0.3 s later */
	memset(ev, 0, sizeof(ev));
	ev[0].time_s = 1.0;
	ev[0].cls = TG_SHOT_IMPULSE;
	ev[0].centroid_hz = 4000.0f;
	ev[0].decay_ms = 20.0f;
	ev[1].time_s = 1.3;
	ev[1].cls = TG_SHOT_GUNSHOT;
	ev[1].centroid_hz = 600.0f;
	ev[1].decay_ms = 300.0f;
	CHECK_INT(tg_ranging_find(ev, 2, 20.0, 700.0, 1000.0, rg, 2), 1);
	CHECK_NEAR(rg[0].dt_s, 0.3, 1e-9);
	/* a blast with no crack before it: nothing */
	CHECK_INT(tg_ranging_find(ev + 1, 1, 20.0, 700.0, 1000.0, rg, 2), 0);
}

int main(void)
{
	RUN(test_ranging);
	RUN(test_streaming_blocks);
	RUN(test_conformance_clips);
	RUN(test_generated_clips);
	return TEST_END();
}
