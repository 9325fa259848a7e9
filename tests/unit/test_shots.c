/*
 * test_shots.c - gunshot detection and counting on the conformance clips and
 * on clips generated here from Debian sound packages (a development half
 * and a held-out half drawn with different seeds, and two more with
 * weapons from other games that were never used while developing), and
 * again as band-limited recordings (the conformance clips through 8 kHz,
 * the held-out half low-passed at 3.8 kHz), as quiet ones (the
 * conformance clips 40 dB down), after digital silence, with a DC
 * offset, re-encoded by a platform (the conformance clips through AAC
 * at 64 kb/s and Opus at 32 kb/s, the held-out half through five codecs
 * in turn) and over a recorder's noise floor (the held-out half);
 * crack-bang ranging.
 *
 * Prints per-clip and per-SNR tables (precision, recall, F1, exact count),
 * the pooled figures at SNR >= 0 dB and >= 10 dB, and the reliability of
 * the shot confidence.  The targets (F1 >= 0.95 and exact count in
 * >= 90 % of clips at SNR >= 0 dB) are NOT met today on any set: they are
 * printed as met or NOT met and tracked in docs/audio.md.  The checks
 * assert what the detector does achieve (regression guards a little below
 * today's numbers), so that a change that loses ground fails.  When a
 * target is met, turn its printed line into a CHECK.
 *
 * Environment: TG_SHOTS_DEBUG=1 prints every event near a labelled shot
 * and every false positive with its features; TG_SHOTS_DUMP=file writes
 * every event's features and label as CSV, and each true shot as a row of
 * class -1 (for calibration on the dev half and the study of misses);
 * TG_SHOTS_WRITE=dir writes the generated clips and their truth;
 * TG_SHOTS_SPLIT=1 or 2 draws only the even- or odd-numbered negatives and
 * backgrounds (fit the gunshot model on one, score it on the other: does
 * it learn the physics or the sounds? docs/audio.md, twelfth round);
 * TG_SHOTS_CLIPS=N generates N clips a half instead of 24 (the halves keep
 * their seeds, so the first 24 are today's; 200 a half takes a few
 * minutes and gives figures with a third of the clip-to-clip noise);
 * TG_SHOTS_TRAIN=1 also generates the training sets "train" and "trainlp"
 * (only dumped: what make shot-model fits the models on;
 * gen_training_clips()).
 */
#include "harness.h"
#include "audio_util.h"
#include "game_sounds.h"

#include <time.h>
#include <unistd.h>

#include "audio/burst.h"
#include "audio/onset.h"
#include "audio/ranging.h"
#include "audio/shots.h"
#include "audio/shotmodel.h"

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


/* TG_SHOTS_DEBUG=1: every truth shot with the nearest event, and every false positive */
static void debug_clip(const char *name, const struct tg_shots_result *r, const double *t, int nt)
{
	size_t k;
	int j;

	if (!getenv("TG_SHOTS_DEBUG"))
		return;
	for (k = 0; k < r->n_events; k++) {
		const struct tg_shot_event *e = &r->events[k];
		double bd = 1e9;
		for (j = 0; j < nt; j++)
			if (fabs(e->time_s - t[j]) < fabs(bd))
				bd = e->time_s - t[j];
		if (fabs(bd) > 0.3 && e->cls != TG_SHOT_GUNSHOT)
			continue;
		printf("DBG %s t=%.3f d=%+.0fms %s sc=%.1f str=%.1f tail=%.1f dec=%.0f lf=%.1f hf=%.1f "
		       "cen=%.0f w=%.2f vhf=%.1f jump=%.1f ncc=%.2f g=%.1f hp=%.2f pk=%.1f "
		       "b=%s lg=%.2f cl=%.2f cf=%.2f%s\n",
		       name, e->time_s, bd * 1000, tg_shots_class_name(e->cls), e->score, e->strength,
		       e->tail_db, e->decay_ms, e->lf_db, e->hf_db, e->centroid_hz, e->width,
		       e->vhf_db, e->jump_db, e->repeat_ncc, e->repeat_gain_db, e->harmonicity, e->peak_dbfs,
		       e->cls == TG_SHOT_GUNSHOT ? tg_shots_basis_name(e->basis) : "-", e->logit,
		       e->chain_logit, e->confidence,
		       fabs(bd) <= TOL ? (e->cls == TG_SHOT_GUNSHOT ? " TP" : " MISS") :
		       (e->cls == TG_SHOT_GUNSHOT ? " FP" : ""));
	}
	for (j = 0; j < nt; j++)
		printf("DBG %s truth %.3f\n", name, t[j]);
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

static FILE *dump_file(void)
{
	static FILE *f;
	static int tried;
	const char *p = getenv("TG_SHOTS_DUMP");

	if (!tried && p) {
		tried = 1;
		f = fopen(p, "w");
		if (f)
			fprintf(f, "set,clip,snr,time,label,cls,score,strength,snr_db,rise_ms,centroid,"
				"lf,hf,vhf,width,decay,tail,jump,harm,ncc,gain,peak,conf,compact,step,clipped,logit,"
				"gap,bank_ncc,bank_gain,chain_logit,basis\n");
	}
	return f;
}

/* every event with its features and whether it matches a true shot (for fitting) */
static void dump_clip(const char *set, const char *name, double snr,
		      const struct tg_shots_result *r, const double *t, int nt)
{
	FILE *f = dump_file();
	size_t k;
	int j;

	if (!f)
		return;
	for (k = 0; k < r->n_events; k++) {
		const struct tg_shot_event *e = &r->events[k];
		int lab = 0;
		for (j = 0; j < nt; j++)
			if (fabs(e->time_s - t[j]) <= TOL)
				lab = 1;
		/* the features as the analyser holds them (%.9g: a float read back
		 * exactly), since the model is fitted on them */
		fprintf(f, "%s,%s,%.1f,%.4f,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,"
			"%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%s\n", set, name,
			snr, e->time_s, lab,
			(int)e->cls, e->score, e->strength, e->snr_db, e->rise_ms, e->centroid_hz,
			e->lf_db, e->hf_db, e->vhf_db, e->width, e->decay_ms, e->tail_db, e->jump_db,
			e->harmonicity, e->repeat_ncc, e->repeat_gain_db, e->peak_dbfs, e->confidence,
			e->compact, e->step_jump_db, e->clipped, e->logit, e->gap_ms, e->bank_ncc,
			e->bank_gain_db, e->chain_logit,
			e->cls == TG_SHOT_GUNSHOT ? tg_shots_basis_name(e->basis) : "");
	}
	/* the truth too (class -1, no features), so that misses can be
	 * studied offline */
	for (j = 0; j < nt; j++)
		fprintf(f, "%s,%s,%.1f,%.4f,1,-1%s\n", set, name, snr, t[j],
			",,,,,,,,,,,,,,,,,,,,,,,,,,");
}

struct summary {
	double p, r, f1, exact;   /* pooled precision, recall, F1; fraction of clips exact */
	int clips;
};

static struct summary summarise(const struct tally *b, int nb)
{
	struct tally t = { 0, 0, 0, 0, 0 };
	struct summary s;
	int i;

	for (i = 0; i < nb; i++) {
		t.tp += b[i].tp;
		t.fp += b[i].fp;
		t.fn += b[i].fn;
		t.clips += b[i].clips;
		t.exact += b[i].exact;
	}
	s.p = t.tp + t.fp ? (double)t.tp / (t.tp + t.fp) : 1.0;
	s.r = t.tp + t.fn ? (double)t.tp / (t.tp + t.fn) : 1.0;
	s.f1 = s.p + s.r > 0 ? 2 * s.p * s.r / (s.p + s.r) : 0.0;
	s.exact = t.clips ? (double)t.exact / t.clips : 0.0;
	s.clips = t.clips;
	return s;
}

/* Prints the table and the pooled figures at SNR >= 0 dB (*hi0) and >= 10 dB (*hi10). */
static void print_bands(const struct tally *b, const char *title, struct summary *hi0,
			struct summary *hi10)
{
	static const char *const names[4] = { ">= 15 dB", "5-15 dB", "-2.5-5 dB", "< -2.5 dB" };
	int i;

	printf("\n%s\n\n| SNR band | clips | TP | FP | FN | precision | recall | F1 | exact count |\n"
	       "|---|---|---|---|---|---|---|---|---|\n", title);
	for (i = 0; i < 4; i++) {
		struct summary s = summarise(b + i, 1);
		if (!b[i].clips)
			continue;
		printf("| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f | %d/%d |\n", names[i],
		       b[i].clips, b[i].tp, b[i].fp, b[i].fn, s.p, s.r, s.f1, b[i].exact, b[i].clips);
	}
	*hi0 = summarise(b, 3);
	*hi10 = summarise(b, 2);
	printf("\nSNR >= 0 dB (bands above -2.5 dB): precision %.3f, recall %.3f, F1 %.3f "
	       "(target 0.95: %s), exact count %.0f%% of %d clips (target 90%%: %s)\n",
	       hi0->p, hi0->r, hi0->f1, hi0->f1 >= 0.95 ? "met" : "NOT met", hi0->exact * 100,
	       hi0->clips, hi0->exact >= 0.9 ? "met" : "NOT met");
	printf("SNR >= 10 dB (bands above 5 dB): precision %.3f, recall %.3f, F1 %.3f, "
	       "exact count %.0f%% of %d clips\n", hi10->p, hi10->r, hi10->f1, hi10->exact * 100,
	       hi10->clips);
}

/* The conformance clips shared again (a second lossy generation). */
#define CONF_AAC "-c:a aac -b:a 64k -f mp4"
#define CONF_OPUS "-c:a libopus -b:a 32k -f ogg"

/* What a pass over the conformance clips found, for its checks. */
struct conf_pass {
	struct summary hi0, hi10;
	double max_err;            /* largest onset error of a matched shot, s */
	int tp, det;               /* matched shots, shots detected */
};

/* How the conformance clips are played to the detector in one pass. */
struct conf_how {
	const char *name;          /* for the titles and the dump ("" as they are) */
	int via;                   /* recorded at this rate (0: as they are) */
	double gain_db;            /* this much louder */
	double lead_s;             /* after this much digital silence */
	float dc;                  /* with this DC offset (fraction of full scale) */
	const char *codec;         /* re-encoded so (ffmpeg's options; NULL: not; not with via) */
};

/*
 * One pass over the conformance clips (c[0, n) from folder cdir), played
 * as h says: prints the per-clip and per-band tables, returns the pooled
 * figures.
 */
static struct conf_pass run_conformance(const char *cdir, const struct clip_truth *c, int n,
					const struct conf_how *h)
{
	struct tally bands[4];
	struct conf_pass cp;
	char path[2048], title[128];
	const float gain = (float)pow(10.0, h->gain_db / 20.0);
	const size_t lead = (size_t)(h->lead_s * RATE);
	int i;

	memset(bands, 0, sizeof(bands));
	memset(&cp, 0, sizeof(cp));
	printf("\n### Shots: conformance clips (rate %d Hz, match within %.0f ms%s%s)\n\n", RATE,
	       TOL * 1000, *h->name ? ", " : "", h->name);
	printf("| clip | SNR | truth | detected | TP | FP | FN | exact | events | FP on negatives | time s |\n"
	       "|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		float *x;
		size_t nx = 0, k;
		struct tg_shots_result r;
		int tp, fp, fn, ndet, b, onneg = 0, j;
		double snr = c[i].n ? c[i].snr_sum / c[i].n : c[i].snr_sum, t0;

		snprintf(path, sizeof(path), "%s/%s", cdir, c[i].name);
		x = h->codec ? tg_test_reencode_file("", path, h->codec, RATE, &nx)
			     : tg_test_decode_via(path, RATE, h->via, &nx);
		CHECK(x != NULL);
		if (!x)
			continue;
		if (lead > 0) {
			float *y = calloc(nx + lead, sizeof(float));
			CHECK(y != NULL);
			if (!y) {
				free(x);
				continue;
			}
			memcpy(y + lead, x, nx * sizeof(float));
			free(x);
			x = y;
			nx += lead;
		}
		for (k = 0; k < nx; k++)
			x[k] = x[k] * gain + h->dc;
		t0 = now_s();
		CHECK_INT(tg_test_run_shots(x, nx, RATE, &r), 0);
		t0 = now_s() - t0;
		for (k = 0; k < r.n_events; k++)   /* back on the clip's own timeline */
			r.events[k].time_s -= h->lead_s;
		score_clip(&r, c[i].t, c[i].n, &tp, &fp, &fn, &ndet, &cp.max_err);
		debug_clip(c[i].name, &r, c[i].t, c[i].n);
		dump_clip(*h->name ? h->name : "conf", c[i].name, snr, &r, c[i].t, c[i].n);
		for (k = 0; k < r.n_events; k++) {
			if (r.events[k].cls != TG_SHOT_GUNSHOT)
				continue;
			for (j = 0; j < c[i].nneg; j++)
				if (fabs(r.events[k].time_s - c[i].neg[j]) <= TOL)
					onneg++;
		}
		b = band_idx(snr);
		bands[b].tp += tp;
		bands[b].fp += fp;
		bands[b].fn += fn;
		bands[b].clips++;
		bands[b].exact += (int)r.n_shots == c[i].n;
		printf("| %s | %s | %d | %zu | %d | %d | %d | %s | %zu | %d | %.2f |\n", c[i].name,
		       band_of(snr), c[i].n, r.n_shots, tp, fp, fn,
		       (int)r.n_shots == c[i].n ? "yes" : "no", r.n_events, onneg, t0);
		cp.tp += tp;
		cp.det += ndet;
		tg_shots_result_release(&r);
		free(x);
	}
	snprintf(title, sizeof(title), "Per SNR band (conformance%s%s):", *h->name ? ", " : "",
		 h->name);
	print_bands(bands, title, &cp.hi0, &cp.hi10);
	printf("largest onset error of a matched shot: %.1f ms\n", cp.max_err * 1000.0);
	return cp;
}

static void test_conformance_clips(void)
{
	const char *cdir = tg_test_conformance("audio/shots");
	char root[1024];
	struct clip_truth *c;
	static const struct conf_how
		as_they_are = { "", 0, 0.0, 0.0, 0.0f, NULL },
		at_8khz = { "recorded at 8000 Hz", 8000, 0.0, 0.0, 0.0f, NULL },
		quieter = { "recorded 40 dB quieter", 0, -40.0, 0.0, 0.0f, NULL },
		after_zeros = { "after 2 s of digital silence", 0, 0.0, 2.0, 0.0f, NULL },
		offset = { "with a DC offset of 5 % of full scale", 0, 0.0, 0.0, 0.05f, NULL },
		aac64 = { "re-encoded as AAC at 64 kb/s", 0, 0.0, 0.0, 0.0f, CONF_AAC },
		opus32 = { "re-encoded as Opus at 32 kb/s", 0, 0.0, 0.0, 0.0f, CONF_OPUS };
	struct conf_pass full, phone, quiet, lead, dc, aac, opus;
	int n;

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
	full = run_conformance(cdir, c, n, &as_they_are);
	/* regression guards (today's level, not the targets): at SNR >= 0 dB
	 * precision 0.909, recall 0.882, F1 0.896, exact 5/9 clips; at >= 10 dB
	 * F1 0.958; matched onsets within 20 ms (version 26: 0.908, 0.868,
	 * 0.887, 4/9 and 0.947).  Some of the conformance
	 * clips' shots and snares sit on the line, and each refit of the
	 * models moves one or two of them (0.855-0.892 in version 21's,
	 * 0.850-0.873 in version 22's; exact 5/9 in version 21; version 25's,
	 * fitted over noise floors too, took four shots more and two false
	 * ones: precision 0.932 before), so the exact-count guard allows two
	 * clips fewer */
	CHECK(full.hi0.f1 >= 0.85);
	CHECK(full.hi0.p >= 0.89);
	CHECK(full.hi10.f1 >= 0.93);
	CHECK(full.hi0.exact >= 0.2);
	CHECK(full.max_err <= 0.020);
	CHECK(full.det <= 3 * full.tp);
	/*
	 * The same clips as an 8 kHz recording (a phone call, a radio
	 * scanner): little above 4 kHz, where the shots stood out of the
	 * speech.  A little below today's (F1 0.855, recall 0.824; 0.758 and
	 * 0.691 with the empty bands judged as silent).
	 */
	phone = run_conformance(cdir, c, n, &at_8khz);
	printf("Recorded at 8 kHz against as they are (SNR >= 0 dB): F1 %.3f against %.3f\n",
	       phone.hi0.f1, full.hi0.f1);
	CHECK(phone.hi0.f1 >= 0.80);
	CHECK(phone.hi0.r >= 0.74);
	CHECK(phone.max_err <= 0.020);
	/*
	 * The same clips recorded 40 dB quieter: the same shots (the band
	 * levels' floor follows a quiet recording down; at a fixed -100 dB
	 * F1 0.797, recall 0.691).
	 */
	quiet = run_conformance(cdir, c, n, &quieter);
	printf("Recorded 40 dB quieter against as they are (SNR >= 0 dB): F1 %.3f against %.3f\n",
	       quiet.hi0.f1, full.hi0.f1);
	CHECK(quiet.hi0.f1 >= full.hi0.f1 - 0.02);
	CHECK(quiet.hi0.r >= full.hi0.r - 0.02);
	/*
	 * The same clips after 2 s of digital silence (a video that opens on
	 * zeros, a dropout): the same shots (the trackers hold through
	 * silence; when they sank with it, F1 0.24 after 0.8 s of zeros).
	 */
	lead = run_conformance(cdir, c, n, &after_zeros);
	printf("After 2 s of digital silence against as they are (SNR >= 0 dB): F1 %.3f against %.3f\n",
	       lead.hi0.f1, full.hi0.f1);
	CHECK(lead.hi0.f1 >= full.hi0.f1 - 0.02);
	CHECK(lead.hi0.p >= full.hi0.p - 0.03);
	/*
	 * The same clips with a recorder's DC offset of 5 %: the same shots
	 * (the analyser removes DC; without that, F1 0.793, recall 0.676).
	 */
	dc = run_conformance(cdir, c, n, &offset);
	printf("With a DC offset of 5 %% against as they are (SNR >= 0 dB): F1 %.3f against %.3f\n",
	       dc.hi0.f1, full.hi0.f1);
	CHECK(dc.hi0.f1 >= full.hi0.f1 - 0.02);
	CHECK(dc.hi0.r >= full.hi0.r - 0.02);
	/*
	 * The same clips shared again through a platform that re-encodes
	 * them (a second lossy generation): AAC at 64 kb/s, Opus at 32 kb/s
	 * (a messenger's voice note).
	 */
	if (!tg_test_has_encoder("aac") || !tg_test_has_encoder("libopus")) {
		SKIP("ffmpeg lacks the aac or libopus encoder: the re-encoded passes skipped");
		free(c);
		return;
	}
	aac = run_conformance(cdir, c, n, &aac64);
	printf("Re-encoded as AAC at 64 kb/s against as they are (SNR >= 0 dB): F1 %.3f against %.3f\n",
	       aac.hi0.f1, full.hi0.f1);
	opus = run_conformance(cdir, c, n, &opus32);
	printf("Re-encoded as Opus at 32 kb/s against as they are (SNR >= 0 dB): F1 %.3f against %.3f\n",
	       opus.hi0.f1, full.hi0.f1);
	/* a little below today's (F1 0.793 and 0.803: the low-SNR singles
	 * and the burst shots on the line are lost, docs/audio.md) */
	CHECK(aac.hi0.f1 >= 0.77);
	CHECK(opus.hi0.f1 >= 0.72);
	free(c);
}

/* --- generated clips: guns, drums, impacts, crowds and voices --------- */

/*
 * Two halves drawn by one generator with different seeds: "dev" is what the
 * detector was developed and calibrated on, "held-out" was only scored
 * (two more, "unseen" and "cube2", swap in other weapons:
 * test_unseen_weapons(), test_unseen_cube2()).
 * Every clip: 20 s of a background (crowd or speech, from a random place),
 * shots (single, or bursts of 3-6 shots 80-150 ms apart from one weapon,
 * each shot a random variant of that weapon at +-1.5 dB), and hard
 * negatives (claps, snares, kicks, toms, hammer hits, body impacts, wood)
 * at the shots' level +-6 dB.  Some clips add a reflection of every sound
 * (50-400 ms later, 6-12 dB down, low-passed), some are driven into
 * clipping.  SNR: the shot's first 200 ms against the background RMS.
 */
#define NGAME 8    /* the game arsenal's recordings */
#define NPACKED 10 /* the training set's packed ones (UFO: AI, Nexuiz), extracted at run time */
#define NPLAIN 3   /* and its plain files (Warmux, Blob Wars) */
static struct tg_test_snd gen_guns[] = {
	{ "/usr/share/games/teeworlds/data/audio/wp_gun_fire-01.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_gun_fire-02.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_gun_fire-03.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_shotty_fire-01.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_shotty_fire-02.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_shotty_fire-03.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/hedgewars/Data/Sounds/gun.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/hedgewars/Data/Sounds/shotgunfire.ogg", NULL, 0, 0, 0.0f },
	[NGAME + NPACKED] =
	{ "/usr/share/games/warmux/sound/default/weapons/m16.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/blobwars/sound/pistol", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/blobwars/sound/machinegun", NULL, 0, 0, 0.0f },
};
_Static_assert(NELEM(gen_guns) == NGAME + NPACKED + NPLAIN, "gen_guns' slots");

/*
 * Hard negatives: the scored sets draw from the first NSCORED_NEGS, the
 * training set from all of them (the rest: more drums, hits, impacts and
 * landings, and an acoustic drum kit's snares, clap, side stick, toms and
 * kick from Hydrogen; none of the conformance clips' claps and snares).
 */
#define HYDROGEN_KIT "/usr/share/hydrogen/data/drumkits/GMRockKit/"
#define NSCORED_NEGS 17
static struct tg_test_snd gen_negs[] = {
	{ "/usr/share/lmms/samples/drums/clap01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/clap02.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/clap03.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare02.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare03.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare05.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare_electro01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/kick_hard01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/kick02.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/tom02.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/tom_low01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/wood01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/sidestick01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_hammer_hit-01.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_hammer_hit-02.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/foley_body_impact-01.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/foley_land-01.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare04.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare06.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare07.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare_harsh01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare_hiphop02.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare_muffled01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/snare_short01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/nasty_snare01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/rim01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/kick03.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/kick_hiphop01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/bassdrum_acoustic01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/tom04.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/tom_hi01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/clav01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/lmms/samples/drums/hihat_opened01.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/foley_body_impact-02.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/foley_body_impact-03.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/foley_land-02.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/foley_land-03.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/wp_hammer_hit-03.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/sfx_hit_strong-01.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/teeworlds/data/audio/sfx_hit_strong-02.wv", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/hedgewars/Data/Sounds/hammer.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/hedgewars/Data/Sounds/graveimpact.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/hedgewars/Data/Sounds/knife_impact.ogg", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/hedgewars/Data/Sounds/bump.ogg", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "Snare-Hardest.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "Snare-Med.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "SnareRimshot-Hard.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "HandClap.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "SideStick-Hard.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "Tom1-Hard.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "TomFloor-Hard.wav", NULL, 0, 0, 0.0f },
	{ HYDROGEN_KIT "Kick-Hard.wav", NULL, 0, 0, 0.0f },
};

/*
 * An arsenal: its weapons, each a run of recorded variants in guns[]
 * (first variant, number of variants); clip k of a set fires weapon k /
 * block modulo their number, and clip k's SNR is the k modulo 6th of
 * run_generated()'s: in a block of 6 a weapon is heard at every SNR (the
 * training set), in a block of 1 at those its place in the cycle gives
 * (the scored sets, whose clips stay those of earlier versions).  The
 * game arsenal is what the detector was developed on; the unseen ones
 * (OpenArena and Freedoom, from archives extracted at test time; Cube 2)
 * were never looked at while developing; the training set adds nine more
 * weapons to the game arsenal.  Between its shots come hard negatives
 * from negs[0, nnegs).
 */
#define MAX_WEAPONS 16
struct arsenal {
	struct tg_test_snd *guns;
	int nweapons;
	int weapon[MAX_WEAPONS][2];
	const char *name[MAX_WEAPONS];
	int block;                  /* clips a weapon fires in a row */
	struct tg_test_snd *negs;
	size_t nnegs;
};

#define GAME_WEAPONS { 0, 3 }, { 3, 3 }, { 6, 1 }, { 7, 1 }
#define GAME_NAMES "tw-gun", "tw-shotgun", "hw-gun", "hw-shotgun"
static struct arsenal game_arsenal = {
	.guns = gen_guns, .nweapons = 4, .weapon = { GAME_WEAPONS }, .name = { GAME_NAMES },
	.block = 1, .negs = gen_negs, .nnegs = NSCORED_NEGS,
};

#define OA_PK3 "/usr/share/games/openarena/baseoa/pak0.pk3"
#define FD_WAD "/usr/share/games/doom/freedoom2.wad"
/* where a recording is packed: a .pk3 member or a WAD sound lump */
struct packed_snd {
	const char *archive, *member;
	int wad;
};

static const struct packed_snd unseen_src[] = {
	{ OA_PK3, "sound/weapons/machinegun/machgf1b.wav", 0 },
	{ OA_PK3, "sound/weapons/machinegun/machgf2b.wav", 0 },
	{ OA_PK3, "sound/weapons/machinegun/machgf3b.wav", 0 },
	{ OA_PK3, "sound/weapons/machinegun/machgf4b.wav", 0 },
	{ OA_PK3, "sound/weapons/shotgun/sshotf1b.wav", 0 },
	{ FD_WAD, "DSPISTOL", 1 },
	{ FD_WAD, "DSSHOTGN", 1 },
};
#define NUNSEEN (sizeof(unseen_src) / sizeof(unseen_src[0]))
static char unseen_path[NUNSEEN][512];
static struct tg_test_snd unseen_guns[NUNSEEN];
static struct arsenal unseen_arsenal = {
	.guns = unseen_guns, .nweapons = 4,
	.weapon = { { 0, 4 }, { 4, 1 }, { 5, 1 }, { 6, 1 } },
	.name = { "oa-machinegun", "oa-shotgun", "fd-pistol", "fd-shotgun" },
	.block = 1, .negs = gen_negs, .nnegs = NSCORED_NEGS,
};

/* a second unseen arsenal: Cube 2 (Sauerbraten), three recordings a weapon */
#define CUBE2 "/usr/share/games/cube2/packages/sounds/q009/"
static struct tg_test_snd cube2_guns[] = {
	{ CUBE2 "pistol.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "pistol2.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "pistol3.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "shotgun.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "shotgun2.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "shotgun3.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "rifle.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "rifle2.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "rifle3.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "minigun.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "minigun2.ogg", NULL, 0, 0, 0.0f },
	{ CUBE2 "minigun3.ogg", NULL, 0, 0, 0.0f },
};
static struct arsenal cube2_arsenal = {
	.guns = cube2_guns, .nweapons = 4,
	.weapon = { { 0, 3 }, { 3, 3 }, { 6, 3 }, { 9, 3 } },
	.name = { "c2-pistol", "c2-shotgun", "c2-rifle", "c2-minigun" },
	.block = 1, .negs = gen_negs, .nnegs = NSCORED_NEGS,
};

/* the training set's own weapons (scripts/install-deps --train): UFO: Alien
 * Invasion's pistols, rifles, sniper rifle, shotguns and SMGs and Nexuiz's
 * rifle, packed (extracted into gen_guns[NGAME, NGAME + NPACKED) at run
 * time), and Warmux's M16 and Blob Wars' pistol and machine gun, plain
 * files (listed in gen_guns after them) */
#define UFOAI_PK3 "/usr/share/games/ufoai/base/0snd.pk3"
#define NEXUIZ_PK3 "/usr/share/games/nexuiz/data/data.pk3"
static const struct packed_snd train_src[] = {
	{ UFOAI_PK3, "sound/weapons/bullet-pistol.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-pistol2.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-rifle.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-rifle-1x.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-sniper.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-shotgun.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-shotgunmini.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-smg.ogg", 0 },
	{ UFOAI_PK3, "sound/weapons/bullet-smg-1x.ogg", 0 },
	{ NEXUIZ_PK3, "sound/weapons/campingrifle_fire2.ogg", 0 },
};
_Static_assert(sizeof(train_src) / sizeof(train_src[0]) == NPACKED, "gen_guns' packed slots");
static char train_path[NPACKED][512];
static struct arsenal train_arsenal = {
	.guns = gen_guns, .nweapons = 13,
	.weapon = { GAME_WEAPONS, { NGAME, 2 }, { NGAME + 2, 2 }, { NGAME + 4, 1 },
		    { NGAME + 5, 2 }, { NGAME + 7, 2 }, { NGAME + 9, 1 },
		    { NGAME + NPACKED, 1 }, { NGAME + NPACKED + 1, 1 }, { NGAME + NPACKED + 2, 1 } },
	.name = { GAME_NAMES, "ufo-pistol", "ufo-rifle", "ufo-sniper", "ufo-shotgun", "ufo-smg",
		  "nx-rifle", "wm-m16", "bw-pistol", "bw-machinegun" },
	.block = 6, .negs = gen_negs, .nnegs = NELEM(gen_negs),
};

/* Extract n packed recordings into the scratch directory: guns[i] reads
 * path[i]. */
static int extract_packed(const struct packed_snd *src, size_t n, char (*path)[512],
			  struct tg_test_snd *guns)
{
	const char *dir = tg_test_scratch();
	size_t i;

	if (!dir)
		return -1;
	for (i = 0; i < n; i++) {
		const char *arc = src[i].archive, *mem = src[i].member;
		int r = src[i].wad ? tg_test_wad_sound(arc, mem, dir, path[i], sizeof(path[i])) :
				     tg_test_pk3_member(arc, mem, dir, path[i], sizeof(path[i]));
		if (r < 0)
			return -1;
		guns[i].path = path[i];
	}
	return 0;
}


static struct tg_test_snd gen_bgs[] = {
	{ "/usr/share/games/heroes/sfx/foule1.wav", NULL, 0, 0, 0.0f },
	{ "/usr/share/games/heroes/sfx/foule2.wav", NULL, 0, 0, 0.0f },
	{ "/usr/share/codec2/wav/hts1a.wav", NULL, 0, 0, 0.0f },
	{ "/usr/share/codec2/wav/hts2a.wav", NULL, 0, 0, 0.0f },
	{ "/usr/share/codec2/wav/mmt1.wav", NULL, 0, 0, 0.0f },
	{ "/usr/share/codec2/wav/cross.wav", NULL, 0, 0, 0.0f },
	{ "/usr/share/codec2/wav/forig.wav", NULL, 0, 0, 0.0f },
};

#define GEN_CLIPS 24         /* per half */
#define GEN_SECONDS 20
#define GEN_BG_RMS 0.05     /* the background's level (RMS) in every clip */

/* mix src with an optional reflection (delay d samples, gain ge, one-pole low-pass) */
static void mix_with_echo(float *dst, size_t nd, const struct tg_test_snd *src, long at, float g,
			  long d, float ge)
{
	size_t i;
	float lp = 0.0f;

	tg_test_mix(dst, nd, src->x, src->n, at, g);
	if (d <= 0)
		return;
	for (i = 0; i < src->n + 200; i++) {
		long j = at + d + (long)i;
		float v = i < src->n ? src->x[i] : 0.0f;
		lp += 0.35f * (v - lp);   /* ~2 kHz at 24 kHz: walls and air absorb the top */
		if (j >= 0 && (size_t)j < nd)
			dst[j] += g * ge * lp;
	}
}

/* One of n recordings at random, or under TG_SHOTS_SPLIT=k one of split
 * k's (1: the even-numbered ones, 2: the odd), each as likely. */
static size_t pick(uint64_t *s, size_t n)
{
	const char *e = getenv("TG_SHOTS_SPLIT");
	int k = e ? atoi(e) : 0;
	size_t half;

	if ((k != 1 && k != 2) || n < 2)
		return (size_t)(tg_test_rand(s) * (double)n) % n;
	half = k == 1 ? (n + 1) / 2 : n / 2;
	return 2 * ((size_t)(tg_test_rand(s) * (double)half) % half) + (size_t)(k - 1);
}

/* One generated clip: fills x (n samples), truth times t, returns their number. */
static int gen_clip(uint64_t *s, const struct arsenal *ars, double snr, int weapon, float *x,
		    size_t n, double *t, int *bgi_out, int *echo_out, int *clip_out)
{
	const struct tg_test_snd *bg = &gen_bgs[pick(s, NELEM(gen_bgs))];
	int nt = 0, echo = tg_test_rand(s) < 0.3, clip = tg_test_rand(s) < 0.15;
	double tt = 0.7 + tg_test_rand(s);
	size_t st = (size_t)(tg_test_rand(s) * (double)bg->n);
	int v0 = ars->weapon[weapon][0], nv = ars->weapon[weapon][1];
	double shot_rms;

	*bgi_out = (int)(bg - gen_bgs);
	*echo_out = echo;
	*clip_out = clip;
	shot_rms = tg_test_head_rms(&ars->guns[v0], RATE);
	tg_test_background(x, n, bg, st, GEN_BG_RMS);
	while (tt < GEN_SECONDS - 2.0 && nt < MAXT - 8) {
		double u = tg_test_rand(s);
		long d = echo ? (long)((0.05 + 0.35 * tg_test_rand(s)) * RATE) : 0;
		float ge = (float)pow(10.0, -(6.0 + 6.0 * tg_test_rand(s)) / 20.0);
		float gain = (float)(GEN_BG_RMS / shot_rms * pow(10.0, snr / 20.0));

		if (u < 0.5) {
			int burst = tg_test_rand(s) < 0.45 ? 3 + (int)(tg_test_rand(s) * 4) : 1, j;
			for (j = 0; j < burst; j++) {
				const struct tg_test_snd *g = &ars->guns[v0 + (int)(tg_test_rand(s) * nv) % nv];
				float gj = gain * (float)pow(10.0, (tg_test_rand(s) * 3.0 - 1.5) / 20.0);
				mix_with_echo(x, n, g, (long)(tt * RATE), gj, d, ge);
				t[nt++] = tt + (double)g->onset / RATE;
				tt += 0.08 + 0.07 * tg_test_rand(s);
			}
		} else {
			const struct tg_test_snd *ng = &ars->negs[pick(s, ars->nnegs)];
			double nr = tg_test_head_rms(ng, RATE);
			float gn = (float)(GEN_BG_RMS / (nr + 1e-9) *
					   pow(10.0, (snr + tg_test_rand(s) * 12.0 - 6.0) / 20.0));
			mix_with_echo(x, n, ng, (long)(tt * RATE), gn, d, ge);
		}
		tt += 0.8 + 1.4 * tg_test_rand(s);
	}
	tg_test_clip(x, n, clip ? 4.0f : 1.0f);
	return nt;
}

/* Reliability of the shot confidence: per bin, shots and how many were right. */
#define NREL 4
static const double rel_edges[NREL + 1] = { 0.0, 0.7, 0.85, 0.95, 1.01 };
struct reliability {
	int n[NREL], ok[NREL];
	double sum[NREL];
	int by_n[TG_SHOT_BY_COUNT], by_ok[TG_SHOT_BY_COUNT];   /* shots per basis, right */
	int down_n, down_ok;   /* repeats the chain model turned down, right (no shot there) */
};

static void rel_add(struct reliability *rl, const struct tg_shots_result *r, const double *t, int nt)
{
	size_t k;
	int j, b;

	for (k = 0; k < r->n_events; k++) {
		const struct tg_shot_event *e = &r->events[k];
		int ok = 0;
		for (j = 0; j < nt; j++)
			if (fabs(e->time_s - t[j]) <= TOL)
				ok = 1;
		if (e->cls == TG_SHOT_ECHO && !isnan(e->chain_logit) && isnan(e->bank_ncc)) {
			rl->down_n++;
			rl->down_ok += !ok;
		}
		if (e->cls != TG_SHOT_GUNSHOT)
			continue;
		rl->by_n[e->basis]++;
		rl->by_ok[e->basis] += ok;
		for (b = 0; b < NREL; b++)
			if (e->confidence >= rel_edges[b] && e->confidence < rel_edges[b + 1]) {
				rl->n[b]++;
				rl->ok[b] += ok;
				rl->sum[b] += e->confidence;
			}
	}
}

static void rel_print(const struct reliability *rl, const char *title)
{
	int b;

	printf("\n%s\n\n| confidence | shots | mean confidence | fraction correct |\n|---|---|---|---|\n",
	       title);
	for (b = 0; b < NREL; b++)
		if (rl->n[b])
			printf("| %.2f-%.2f | %d | %.2f | %.2f |\n", rel_edges[b],
			       rel_edges[b + 1] > 1.0 ? 1.0 : rel_edges[b + 1], rl->n[b],
			       rl->sum[b] / rl->n[b], (double)rl->ok[b] / rl->n[b]);
	printf("\nShots by basis (right of all):");
	for (b = 0; b < TG_SHOT_BY_COUNT; b++)
		printf(" %s %d of %d%s", tg_shots_basis_name((enum tg_shot_basis)b), rl->by_ok[b],
		       rl->by_n[b], b + 1 < TG_SHOT_BY_COUNT ? "," : "\n");
	printf("Repeats with a candidate of their own that the chain model turned down: %d, "
	       "%d of them not a shot\n", rl->down_n, rl->down_ok);
}

/* Shots taken as a recording heard before (or, looking back, heard within
 * 20 s after): some, and two in three right or more (24 clips, every SNR:
 * held 7 of 7, unseen 8 of 12, Cube 2 15 of 20; on 200 clips 74-92 % are
 * right; before looking back, version 26, held 5 of 5, unseen 9 of 10,
 * Cube 2 9 of 10, 85-97 %) */
static void check_heard(const struct reliability *rl, int least)
{
	CHECK(rl->by_n[TG_SHOT_BY_HEARD] >= least);
	CHECK(rl->by_ok[TG_SHOT_BY_HEARD] * 3 >= rl->by_n[TG_SHOT_BY_HEARD] * 2);
}

/*
 * Every event's confidence lies in 0..1, and the chain model's features
 * are there only where it judged, in one of two shapes: a candidate no
 * template took (all four: a score above -6, 55 ms or more into a chain,
 * no later than its 450 ms; a gunshot it took, basis chain, above 0, or
 * an echo it turned down), or a repeat (the bank not looked in: its time
 * since the chain's latest shot and the log-odds; a shot of basis repeat
 * or rhythm above the repeat line or standing out of the tail, an echo
 * at or below it); what it judged has its probability as the confidence.
 * A repeat it did not judge came through the bank (a match >= 0.6, also
 * looking back).  A heard shot needs a shot decided otherwise before it
 * (or, since version 27, at most 20 s after it: looking back).
 */
static int events_consistent(const struct tg_shots_result *r)
{
	/* the first shot decided by more than a match with a recording held:
	 * a heard shot comes after it, or at most 20 s before it (looking
	 * back keeps an event that long) */
	double vouched = INFINITY;

	for (size_t k = 0; k < r->n_events; k++)
		if (r->events[k].cls == TG_SHOT_GUNSHOT && r->events[k].basis != TG_SHOT_BY_HEARD &&
		    r->events[k].time_s < vouched)
			vouched = r->events[k].time_s;
	for (size_t k = 0; k < r->n_events; k++) {
		const struct tg_shot_event *e = &r->events[k];
		int judged = !isnan(e->chain_logit);
		int bank = !isnan(e->bank_ncc) + !isnan(e->bank_gain_db);
		int repeat = e->basis == TG_SHOT_BY_REPEAT || e->basis == TG_SHOT_BY_RHYTHM;

		if (!(e->confidence >= 0.0f && e->confidence <= 1.0f))
			return 0;
		if (isnan(e->gap_ms) == judged || (bank && !(judged && bank == 2)))
			return 0;
		if (judged && bank &&
		    (e->score <= -6.0f || e->gap_ms < TG_BURST_MIN_MS - 0.1f ||
		     e->gap_ms > TG_BURST_CHAIN_MS + 0.1f ||
		     (e->cls != TG_SHOT_ECHO && e->basis != TG_SHOT_BY_CHAIN)))
			return 0;
		if (judged && bank && e->cls == TG_SHOT_ECHO && e->chain_logit > 0.0f)
			return 0;
		if (judged && !bank) {
			int above = e->chain_logit > TG_SHOT_REPEAT_MIN_CHAIN_LOGIT;
			int stands_out = e->logit > 0.0f && e->jump_db >= TG_SHOT_STANDOUT_DB;

			if (e->cls == TG_SHOT_ECHO ? above : !(repeat && (above || stands_out)))
				return 0;
		}
		if (judged) {
			float p = 1.0f / (1.0f + expf(-e->chain_logit));
			if (fabsf(e->confidence - (e->cls == TG_SHOT_GUNSHOT ? p : 1.0f - p)) > 1e-4f)
				return 0;
		}
		if (repeat && !judged && !(e->repeat_ncc >= TG_BURST_BANK_NCC))
			return 0;
		if (e->basis == TG_SHOT_BY_CHAIN && !(judged && bank && e->chain_logit > 0.0f))
			return 0;
		/* heard: a match at the bank's line that the model does not take
		 * but does not all but rule out */
		if (e->basis == TG_SHOT_BY_HEARD &&
		    !(vouched <= e->time_s + 20.1 && e->repeat_ncc >= TG_BURST_BANK_NCC &&
		      e->logit > TG_SHOT_HEARD_MIN_LOGIT && e->logit <= 0.0f))
			return 0;
	}
	return 1;
}

/*
 * A recorder's noise floor under a clip: none, white or pink
 * (tg_test_add_floor()), at rel_db against the background's level
 * (negative: under it).  Why: test_noise_floor().
 */
enum floor_kind { NO_FLOOR, WHITE_FLOOR, PINK_FLOOR };
struct noise_floor {
	enum floor_kind kind;
	double rel_db;
};

/* What a generated clip goes through before the analysis. */
struct channel {
	const char *name;             /* for the title ("" at full band, as mixed) */
	const struct noise_floor *floors; /* clip k over floors[k % nfloors] */
	int nfloors;                  /* (0: none) */
	double lowpass_hz;            /* then low-passed here (0: full band) */
	const char *const *codecs;    /* then clip k re-encoded with codecs[k % ncodecs] */
	int ncodecs;                  /* (ffmpeg's options, tg_test_reencode(); 0: not) */
};

static const struct channel full_band = { .name = "" },
			    phone_band = { .name = ", low-passed to 3800 Hz", .lowpass_hz = 3800.0 };

/*
 * The training clips' floors (gen_training_clips(): none in one clip of
 * five) and the scored ones (test_noise_floor()), 30 to 8 dB under the
 * background: five, so that over 30 clips every floor meets every SNR.
 */
static const struct noise_floor train_noise[] = {
	{ NO_FLOOR, 0.0 }, { WHITE_FLOOR, -30.0 }, { PINK_FLOOR, -22.0 },
	{ WHITE_FLOOR, -14.0 }, { PINK_FLOOR, -8.0 },
};
static const struct noise_floor scored_noise[] = {
	{ WHITE_FLOOR, -30.0 }, { PINK_FLOOR, -25.0 }, { WHITE_FLOOR, -20.0 },
	{ PINK_FLOOR, -15.0 }, { WHITE_FLOOR, -10.0 },
};
static const struct channel
	train_full = { .name = ", over a noise floor in four clips of five",
		       .floors = train_noise, .nfloors = NELEM(train_noise) },
	train_phone = { .name = ", over a noise floor in four clips of five, low-passed to 3800 Hz",
			.floors = train_noise, .nfloors = NELEM(train_noise), .lowpass_hz = 3800.0 },
	over_floor = { .name = ", over a noise floor (white or pink, 30-10 dB under the background)",
		       .floors = scored_noise, .nfloors = NELEM(scored_noise) };

/* Clip k of a set over channel ch's noise floor (seeded by the set's
 * seed and k, so a floor is the same in every run and, k being under
 * run_generated()'s 1000, no two sets share one). */
static void add_channel_floor(const struct channel *ch, float *x, size_t n, uint64_t seed, int k)
{
	const struct noise_floor *f;

	if (ch->nfloors < 1)
		return;
	f = &ch->floors[k % ch->nfloors];
	if (f->kind != NO_FLOOR)
		tg_test_add_floor(x, n, RATE, GEN_BG_RMS * pow(10.0, f->rel_db / 20.0),
				  f->kind == PINK_FLOOR, seed * 1000 + (uint64_t)k + 1);
}

/* Run one half through channel ch: per-clip table, per-band tallies and
 * the pooled summaries. */
static void run_generated(const char *set, uint64_t seed, const struct arsenal *ars,
			  const struct channel *ch, struct tally *bands, struct summary *hi0,
			  struct summary *hi10, struct reliability *rl)
{
	static const double snrs[] = { 20.0, 10.0, 0.0, -5.0, 15.0, 5.0 };
	uint64_t s = seed;
	int clip;

	memset(bands, 0, 4 * sizeof(*bands));
	printf("\n### Shots: generated clips, %s half (seed %llu%s)\n\n"
	       "| clip | weapon | background | SNR | echo | clipped | truth | detected | TP | FP | FN | exact |\n"
	       "|---|---|---|---|---|---|---|---|---|---|---|---|\n", set, (unsigned long long)seed, ch->name);
	int nclips = getenv("TG_SHOTS_CLIPS") ? atoi(getenv("TG_SHOTS_CLIPS")) : GEN_CLIPS;

	/* every weapon has a recording, every clip a weapon (a row left out
	 * of an arsenal's table would be a division by zero) */
	for (int k = 0; k < ars->nweapons; k++)
		if (ars->weapon[k][1] < 1) {
			CHECK(0);
			return;
		}
	if (ars->nweapons < 1 || ars->block < 1) {
		CHECK(0);
		return;
	}
	if (nclips < 1 || nclips > 999)
		nclips = GEN_CLIPS;
	for (clip = 0; clip < nclips; clip++) {
		double snr = snrs[clip % 6], t[MAXT], max_err = 0.0;
		size_t n = (size_t)GEN_SECONDS * RATE;
		float *x = calloc(n, sizeof(float));
		int nt, tp, fp, fn, ndet, w = clip / ars->block % ars->nweapons, bgi, echo, clp, bi;
		struct tg_shots_result r;
		char nm[32];

		if (!x) {
			CHECK(0);
			continue;
		}
		nt = gen_clip(&s, ars, snr, w, x, n, t, &bgi, &echo, &clp);
		add_channel_floor(ch, x, n, seed, clip);
		if (ch->lowpass_hz > 0.0)
			CHECK_INT(tg_test_lowpass(x, n, RATE, ch->lowpass_hz), 0);
		if (ch->ncodecs > 0 && tg_test_reencode(x, n, RATE, ch->codecs[clip % ch->ncodecs]) < 0) {
			CHECK(0);   /* not scored as it was mixed */
			free(x);
			continue;
		}
		CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
		score_clip(&r, t, nt, &tp, &fp, &fn, &ndet, &max_err);
		CHECK(events_consistent(&r));
		snprintf(nm, sizeof(nm), "%s%02d", set, clip + 1);
		debug_clip(nm, &r, t, nt);
		dump_clip(set, nm, snr, &r, t, nt);
		rel_add(rl, &r, t, nt);
		if (getenv("TG_SHOTS_WRITE")) {
			/* the clip as raw f32le and its truth, for offline study */
			char path[512];
			FILE *f;
			snprintf(path, sizeof(path), "%s/%s.raw", getenv("TG_SHOTS_WRITE"), nm);
			tg_test_write_raw(path, x, n);
			snprintf(path, sizeof(path), "%s/%s.txt", getenv("TG_SHOTS_WRITE"), nm);
			if ((f = fopen(path, "w"))) {
				for (bi = 0; bi < nt; bi++)
					fprintf(f, "%.4f\n", t[bi]);
				fclose(f);
			}
		}
		bi = band_idx(snr);
		bands[bi].tp += tp;
		bands[bi].fp += fp;
		bands[bi].fn += fn;
		bands[bi].clips++;
		bands[bi].exact += (int)r.n_shots == nt;
		printf("| %s | %s | %s | %.0f dB | %s | %s | %d | %zu | %d | %d | %d | %s |\n", nm,
		       ars->name[w], strrchr(gen_bgs[bgi].path, '/') + 1, snr,
		       echo ? "yes" : "no", clp ? "yes" : "no", nt, r.n_shots, tp, fp, fn,
		       (int)r.n_shots == nt ? "yes" : "no");
		CHECK(max_err <= TOL);
		tg_shots_result_release(&r);
		free(x);
	}
	{
		char title[64];
		snprintf(title, sizeof(title), "Per SNR band (generated, %s half):", set);
		print_bands(bands, title, hi0, hi10);
	}
}

/* Least figures a scored set must keep (SNR >= 0 dB, and F1 at >= 10 dB). */
struct floors {
	double f1, p, r, f1_10;
	int heard;    /* least shots taken as a recording heard before */
};

/* What a set is printed against: the same clips as mixed (SNR >= 0 dB). */
struct baseline {
	const char *label;           /* "X against Y" */
	const struct summary *full;
};

/*
 * Score a set (seed's clips of ars through ch) against its regression
 * floors: its tables, how it compares with base when given, and its
 * confidence's reliability (titled "what"), which it leaves in rl.
 */
static void score_set(const char *set, uint64_t seed, const struct arsenal *ars,
		      const struct channel *ch, const char *what, const struct baseline *base,
		      const struct floors *min, struct reliability *rl)
{
	struct tally bands[4];
	struct summary s0, s10;
	char title[128];

	memset(rl, 0, sizeof(*rl));
	run_generated(set, seed, ars, ch, bands, &s0, &s10, rl);
	if (base)
		printf("\n%s (held-out clips, SNR >= 0 dB): F1 %.3f against %.3f, "
		       "precision %.3f against %.3f, recall %.3f against %.3f\n", base->label, s0.f1,
		       base->full->f1, s0.p, base->full->p, s0.r, base->full->r);
	snprintf(title, sizeof(title), "Confidence reliability (generated, %s):", what);
	rel_print(rl, title);
	CHECK(s0.f1 >= min->f1);
	CHECK(s0.p >= min->p);
	CHECK(s0.r >= min->r);
	CHECK(s10.f1 >= min->f1_10);
	check_heard(rl, min->heard);
}

/* A set of weapons never developed on, as mixed. */
static void score_other_weapons(const char *set, uint64_t seed, const struct arsenal *ars,
				const char *what, const struct floors *min)
{
	struct reliability rl;

	score_set(set, seed, ars, &full_band, what, NULL, min, &rl);
}

/*
 * The same generator, negatives and backgrounds with weapons the detector
 * was never developed on (OpenArena machine gun, four recorded variants,
 * and shotgun; Freedoom pistol and shotgun, 8-bit game recordings).  Only
 * scored: how far the method carries beyond the sounds it was shaped on.
 */
static void test_unseen_weapons(void)
{
	/* a little below today's (24 clips, SNR >= 0 dB: precision 0.893,
	 * recall 0.942, F1 0.917; >= 10 dB F1 0.920; heard 8 of 12 right,
	 * check_heard()'s line of two in three exactly) */
	static const struct floors min = { 0.89, 0.88, 0.90, 0.90, 5 };

	if (extract_packed(unseen_src, NUNSEEN, unseen_path, unseen_guns) == 0 &&
	    tg_test_load_snd(unseen_guns, NELEM(unseen_guns), RATE) == 0)
		score_other_weapons("unseen", 4004, &unseen_arsenal, "unseen weapons", &min);
	else
		SKIP("openarena-data, freedoom or unzip missing (scripts/install-deps): unseen weapons skipped");
	tg_test_free_snd(unseen_guns, NELEM(unseen_guns));
}

/*
 * A second set of unseen weapons, the Cube 2 (Sauerbraten) pistol,
 * shotgun, rifle and minigun, three recordings each: another game's
 * recordings, and a pistol whose burst shots are a sharp click with a
 * body 20 ms later, which its variants do not share.  Only scored.
 */
static void test_unseen_cube2(void)
{
	/* a little below today's (24 clips, SNR >= 0 dB: precision 0.925,
	 * recall 0.871, F1 0.897; >= 10 dB F1 0.920; version 24, whose models
	 * knew no noise floor: 0.955, 0.879, 0.915 and 0.936, docs/audio.md,
	 * twenty-first round) */
	static const struct floors min = { 0.86, 0.89, 0.82, 0.88, 6 };

	if (tg_test_load_snd(cube2_guns, NELEM(cube2_guns), RATE) == 0)
		score_other_weapons("cube2", 3003, &cube2_arsenal, "Cube 2 weapons", &min);
	else
		SKIP("cube2-data missing (scripts/install-deps): Cube 2 weapons skipped");
	tg_test_free_snd(cube2_guns, NELEM(cube2_guns));
}

/* The held-out half again (seed 2002) through channel ch, as set. */
static void held_through(const char *set, const struct channel *ch, const char *what,
			 const struct baseline *base, const struct floors *min,
			 struct reliability *rl)
{
	score_set(set, 2002, &game_arsenal, ch, what, base, min, rl);
}

/*
 * The held-out half again as an 8 kHz recording carries it (low-passed to
 * 3.8 kHz): a phone call, a radio scanner, a narrowband voice codec.  The
 * score's excess above 4 kHz cannot be measured there and is left out
 * (onset.h: the bands a recording carries), not counted as a lack.
 * full: the same clips at full band, SNR >= 0 dB.
 */
static void test_phone_band(const struct summary *full)
{
	const struct baseline base = { "Phone band against full band", full };
	/* a little below today's (24 clips: F1 0.869, precision 0.893, recall
	 * 0.847, >= 10 dB F1 0.898, heard 11 of 12; version 12, with the bands
	 * above the edge judged as silent, F1 0.659, recall 0.578) */
	static const struct floors min = { 0.84, 0.86, 0.79, 0.86, 3 };
	struct reliability rl;

	/* its confidence, printed here, was calibrated with every score
	 * term; in this band two may be left out */
	held_through("phone", &phone_band, "held-out half in the phone band", &base, &min, &rl);
	/* the repeats the chain model turns down, most of them in the phone
	 * band, are mostly not shots (24 clips: 5 of 6; 200 clips: 71 of 81,
	 * since version 26 turned down at odds of 1 to 2.7; 21 of 21 at 1 to
	 * 20) */
	CHECK(rl.down_n >= 1 && rl.down_ok * 2 >= rl.down_n);
}

/*
 * The held-out half again as shared through platforms that re-encode what
 * they carry (a second lossy generation; the clips were mixed in float):
 * AAC at 128 and 64 kb/s (video platforms, messengers), Opus at 48 and 24
 * kb/s (a messenger's video and voice note), MP3 at 96 kb/s, each clip
 * through one, in turn.  full: the same clips as mixed, SNR >= 0 dB.
 */
static const char *const shared_codecs[] = {
	"-c:a aac -b:a 128k -f mp4", "-c:a aac -b:a 64k -f mp4", "-c:a libopus -b:a 48k -f ogg",
	"-c:a libopus -b:a 24k -f ogg", "-c:a libmp3lame -b:a 96k -f mp3",
};
static const struct channel shared = {
	.name = ", re-encoded (AAC 128/64k, Opus 48/24k, MP3 96k in turn)",
	.codecs = shared_codecs, .ncodecs = NELEM(shared_codecs),
};

/* 1 when this ffmpeg has every encoder the shared half uses. */
static int has_shared_encoders(void)
{
	return tg_test_has_encoder("aac") && tg_test_has_encoder("libopus") &&
	       tg_test_has_encoder("libmp3lame");
}

/*
 * Through every codec the passes use, a click stays where it was (the
 * container keeps the encoder's delay out of the timeline: the match
 * window of 20 ms would hide a delay under it, Opus's 6.5 ms pre-skip).
 */
static void test_reencode_timing(void)
{
	static const char *const conf_codecs[] = { CONF_AAC, CONF_OPUS };
	const size_t n = 2 * RATE, at = RATE + 137;

	if (!has_shared_encoders()) {
		SKIP("ffmpeg lacks the aac, libopus or libmp3lame encoder: re-encoding skipped");
		return;
	}
	for (size_t k = 0; k < NELEM(shared_codecs) + NELEM(conf_codecs); k++) {
		const char *codec = k < NELEM(shared_codecs) ? shared_codecs[k]
							     : conf_codecs[k - NELEM(shared_codecs)];
		float *x = calloc(n, sizeof(float));
		size_t peak = 0;

		CHECK(x != NULL);
		if (!x)
			return;
		x[at] = 0.5f;
		CHECK_INT(tg_test_reencode(x, n, RATE, codec), 0);
		for (size_t i = 1; i < n; i++)
			if (fabsf(x[i]) > fabsf(x[peak]))
				peak = i;
		if (peak + RATE / 2000 < at || peak > at + RATE / 2000)
			printf("re-encoded with %s: the click moved %+ld samples\n", codec,
			       (long)peak - (long)at);
		CHECK(peak + RATE / 2000 >= at && peak <= at + RATE / 2000);   /* within 0.5 ms */
		free(x);
	}
}

static void test_reencoded(const struct summary *full)
{
	const struct baseline base = { "Re-encoded against as mixed", full };
	/* a little below today's (24 clips: F1 0.897, precision 0.913,
	 * recall 0.882, >= 10 dB F1 0.905, heard 5 of 5; as mixed 0.924,
	 * 0.939, 0.909) */
	static const struct floors min = { 0.88, 0.88, 0.87, 0.87, 1 };
	struct reliability rl;

	if (!has_shared_encoders()) {
		SKIP("ffmpeg lacks the aac, libopus or libmp3lame encoder: the shared half skipped");
		return;
	}
	held_through("shared", &shared, "held-out half re-encoded", &base, &min, &rl);
}

/*
 * The held-out half again over a recorder's noise floor, white or pink,
 * 30 to 10 dB under the background (scored_noise).  The backgrounds are
 * 8 kHz speech and game crowds, so as mixed the bands above 4 kHz hold
 * nothing but the events, and a shot's excess there is a median 40 dB at
 * 5-20 dB SNR (14 dB at 0 dB); any microphone's hiss, wind or a room
 * fills them.  full: the same clips as mixed, SNR >= 0 dB.
 */
static void test_noise_floor(const struct summary *full)
{
	const struct baseline base = { "Over a noise floor against as mixed", full };
	/* a little below today's (24 clips: F1 0.871, precision 0.940,
	 * recall 0.812, >= 10 dB F1 0.937, heard 6 of 8; version 24's models,
	 * 200 clips: 0.870 against 0.919 as mixed) */
	static const struct floors min = { 0.84, 0.91, 0.78, 0.90, 2 };
	struct reliability rl;

	held_through("floor", &over_floor, "held-out half over a noise floor", &base, &min, &rl);
}

/*
 * The clips the gunshot models are fitted on besides the development half
 * (TG_SHOTS_TRAIN=1, set by make shot-model): the game arsenal and nine
 * more weapons (UFO: Alien Invasion's five, Nexuiz's rifle, Warmux's M16,
 * Blob Wars' pistol and machine gun; scripts/install-deps --train) among
 * 52 hard negatives, full band (seed 5005) and low-passed to 3.8 kHz like
 * a phone (seed 5006), since version 25 four clips in five over a noise
 * floor (train_noise; why: test_noise_floor()).  Only dumped, never
 * guarded: until version 21 the models knew four weapons and 17
 * negatives, and weapons outside them
 * (the unseen sets, the conformance clips' Wesnoth gun) sat on their
 * line; until version 22 Warmux's M16 was such a weapon (F1 0.60-0.62).
 */
static void gen_training_clips(void)
{
	struct tally bands[4];
	struct summary s0, s10;
	struct reliability rl;

	memset(&rl, 0, sizeof(rl));
	if (extract_packed(train_src, NPACKED, train_path, gen_guns + NGAME) < 0 ||
	    tg_test_load_snd(gen_guns, NELEM(gen_guns), RATE) < 0 ||
	    tg_test_load_snd(gen_negs, NELEM(gen_negs), RATE) < 0)
		SKIP("ufoai-sound, nexuiz-data, warmux-data, blobwars-data, hydrogen-data or "
		     "unzip missing (scripts/install-deps --train): no training clips");
	else {
		run_generated("train", 5005, &train_arsenal, &train_full, bands, &s0, &s10, &rl);
		run_generated("trainlp", 5006, &train_arsenal, &train_phone, bands, &s0, &s10, &rl);
	}
}

static void test_generated_clips(void)
{
	struct tally dev[4], held[4];
	struct summary d0, d10, h0, h10;
	struct reliability rd, rh;

	if (tg_test_load_snd(gen_guns, NGAME, RATE) < 0 ||
	    tg_test_load_snd(gen_negs, NSCORED_NEGS, RATE) < 0 ||
	    tg_test_load_snd(gen_bgs, NELEM(gen_bgs), RATE) < 0) {
		SKIP("sound packages missing (scripts/install-deps): generated clips skipped");
		goto out;
	}
	memset(&rd, 0, sizeof(rd));
	memset(&rh, 0, sizeof(rh));
	run_generated("dev", 1001, &game_arsenal, &full_band, dev, &d0, &d10, &rd);
	run_generated("held", 2002, &game_arsenal, &full_band, held, &h0, &h10, &rh);
	rel_print(&rd, "Confidence reliability (generated, dev half: where it was calibrated):");
	rel_print(&rh, "Confidence reliability (generated, held-out half):");
	check_heard(&rh, 4);
	/*
	 * Regression guards a little below what the detector achieves today
	 * (the targets, F1 >= 0.95 and 90 % exact counts, are printed
	 * above as met or NOT met).  Held-out half at SNR >= 0 dB: precision
	 * 0.939, recall 0.909, F1 0.924, exact 25 % (5 of its 20 clips; the
	 * guard keeps a clip of margin); >= 10 dB: F1 0.932;
	 * development half F1 0.939 (the gunshot models were fitted on 400
	 * of its clips and 800 training clips: gen_training_clips()).
	 */
	CHECK(h0.f1 >= 0.90);
	CHECK(h0.p >= 0.93);
	CHECK(h0.r >= 0.87);
	CHECK(h10.f1 >= 0.91);
	CHECK(h0.exact >= 0.20);
	CHECK(d0.f1 >= 0.92);
	/* the confidence tracks correctness on the held-out half: confident
	 * shots are right more often than unsure ones */
	CHECK(rh.n[NREL - 1] + rh.n[NREL - 2] > 0 && rh.n[0] > 0);
	if (rh.n[0] > 0 && rh.n[NREL - 1] + rh.n[NREL - 2] > 0) {
		double hi = (double)(rh.ok[NREL - 1] + rh.ok[NREL - 2]) /
			    (rh.n[NREL - 1] + rh.n[NREL - 2]);
		CHECK(hi >= 0.85);
		CHECK(hi > (double)rh.ok[0] / rh.n[0]);
	}
	test_phone_band(&h0);
	test_reencoded(&h0);
	test_noise_floor(&h0);
	test_unseen_weapons();
	test_unseen_cube2();
	if (getenv("TG_SHOTS_TRAIN") && strcmp(getenv("TG_SHOTS_TRAIN"), "1") == 0)
		gen_training_clips();
out:
	tg_test_free_snd(gen_guns, NELEM(gen_guns));
	tg_test_free_snd(gen_negs, NELEM(gen_negs));
	tg_test_free_snd(gen_bgs, NELEM(gen_bgs));
}

/*
 * Run the onset analysis over x: how many bands it carries at the end (and
 * at sample mid), how many there are, and the centre of the highest one
 * carried.
 */
static int carried_bands(const float *x, size_t n, size_t mid, int *at_mid, int *nbands,
			 float *highest)
{
	struct tg_onset o;
	struct tg_onset_frame fr;
	int b, got;

	if (tg_onset_init(&o, RATE) < 0)
		return -1;
	*at_mid = -1;
	fr.carried = 0;
	for (size_t i = 0; i + (size_t)o.n <= n; i += (size_t)o.hop) {
		tg_onset_frame(&o, x + i, &fr);
		if (i <= mid && mid < i + (size_t)o.hop)
			*at_mid = tg_onset_ncarried(fr.carried);
	}
	got = tg_onset_ncarried(fr.carried);
	*nbands = o.nbands;
	*highest = 0.0f;
	for (b = 0; b < o.nbands; b++)
		if (fr.carried & (1u << b))
			*highest = o.band_hz[b];
	tg_onset_release(&o);
	return got;
}

static void test_carried_bands(void)
{
	/* a recording's band: a low-passed one leaves the bands above its edge
	 * out once it has been heard for 2 s; a full-band one keeps them all,
	 * also under a loud hum or a DC offset, and so does a low-passed
	 * background with a full-band event (not a click of two frames) */
	size_t n = 4 * RATE, i;
	float *noise = malloc(n * sizeof(float)), *x = malloc(n * sizeof(float)), hi;
	uint64_t s = 11;
	int nb, mid, got;

	CHECK(noise && x);
	if (!noise || !x)
		goto out;
	for (i = 0; i < n; i++)
		noise[i] = (float)(0.05 * tg_test_gauss(&s));
	got = carried_bands(noise, n, RATE, &mid, &nb, &hi);
	CHECK_INT(got, nb);
	/* hiss 60 dB under a 120 Hz drone at -10 dBFS, and under a 5 % DC offset */
	for (i = 0; i < n; i++)
		x[i] = (float)(0.316 * sin(2.0 * M_PI * 120.0 * (double)i / RATE)) + 0.01f * noise[i];
	CHECK_INT(carried_bands(x, n, RATE, &mid, &nb, &hi), nb);
	for (i = 0; i < n; i++)
		x[i] = 0.05f + 0.01f * noise[i];
	CHECK_INT(carried_bands(x, n, RATE, &mid, &nb, &hi), nb);
	memcpy(x, noise, n * sizeof(float));
	CHECK_INT(tg_test_lowpass(x, n, RATE, 3800.0), 0);
	got = carried_bands(x, n, RATE, &mid, &nb, &hi);
	CHECK_INT(mid, nb);              /* before 2 s of sound: every band */
	CHECK(got < nb && got >= nb - 6);
	CHECK(hi > 3000.0f && hi < 6000.0f);
	/* a full-band click of 2 ms at 3 s: its leakage is near for a frame or two */
	for (i = 3 * RATE; i < 3 * RATE + RATE / 500; i++)
		x[i] += 20.0f * noise[i];
	CHECK_INT(carried_bands(x, n, RATE, &mid, &nb, &hi), got);
	/* a full-band burst of 30 ms at 3 s */
	for (i = 3 * RATE; i < 3 * RATE + RATE * 3 / 100; i++)
		x[i] += 8.0f * noise[i];
	CHECK_INT(carried_bands(x, n, RATE, &mid, &nb, &hi), nb);
	/* digital silence: nothing heard, nothing judged */
	memset(x, 0, n * sizeof(float));
	CHECK_INT(carried_bands(x, n, RATE, &mid, &nb, &hi), nb);
out:
	free(noise);
	free(x);
}

/* The same signal pushed whole and in blocks of `block` samples gives the same events
 * (the first at first_s into the signal, when first_s >= 0). */
static void check_blocks(const float *x, size_t n, size_t block, double first_s, size_t *nev)
{
	struct tg_shots *a = tg_shots_new(RATE), *b = tg_shots_new(RATE);
	struct tg_shots_result ra, rb;
	size_t i, k;
	int pushed = 0;

	*nev = 0;
	CHECK(a && b);
	if (!a || !b)
		goto out;
	CHECK_INT(tg_shots_push(a, x, n, 10.0), 0);
	for (i = 0; i < n && pushed == 0; i += block)   /* one check, not one per block */
		pushed = tg_shots_push(b, x + i, n - i < block ? n - i : block, 10.0 + (double)i / RATE);
	CHECK_INT(pushed, 0);
	CHECK_INT(tg_shots_finish(a, &ra), 0);
	CHECK_INT(tg_shots_finish(b, &rb), 0);
	CHECK_INT(ra.n_events, rb.n_events);
	for (k = 0; k < ra.n_events && k < rb.n_events; k++) {
		const struct tg_shot_event *p = &ra.events[k], *q = &rb.events[k];
		CHECK_NEAR(q->time_s, p->time_s, 1e-9);
		CHECK_INT(q->cls, p->cls);
		CHECK_NEAR(q->score, p->score, 1e-6);
		CHECK_NEAR(q->logit, p->logit, 1e-6);
		CHECK_NEAR(q->width, p->width, 1e-6);
		CHECK_INT(q->basis, p->basis);
		CHECK_NEAR(q->repeat_ncc, p->repeat_ncc, 1e-6);
		CHECK_NEAR(q->confidence, p->confidence, 1e-6);
		CHECK(isnan(q->vhf_db) == isnan(p->vhf_db));
		if (!isnan(p->vhf_db))
			CHECK_NEAR(q->vhf_db, p->vhf_db, 1e-6);
	}
	*nev = ra.n_events;
	if (ra.n_events >= 1 && first_s >= 0.0)   /* on the caller's timeline (t0 = 10 s) */
		CHECK_NEAR(ra.events[0].time_s, 10.0 + first_s, 0.003);
	tg_shots_result_release(&ra);
	tg_shots_result_release(&rb);
out:
	tg_shots_free(a);
	tg_shots_free(b);
}

static void test_streaming_blocks(void)
{
	/* decaying impulses at 1.0, 1.48 and 2.5 s in noise; and the same
	 * low-passed at 3.8 kHz, where the bands carried change at 2 s and as
	 * the impulses bring their bands near */
	size_t n = 5 * RATE, i, nev;
	float *x = calloc(n, sizeof(float));
	uint64_t s = 3;
	static const double at[] = { 1.0, 1.48, 2.5 };

	CHECK(x != NULL);
	if (!x)
		return;
	for (i = 0; i < n; i++)
		x[i] = (float)(0.01 * tg_test_gauss(&s));
	for (size_t j = 0; j < NELEM(at); j++)
		for (i = (size_t)(at[j] * RATE); i < (size_t)(at[j] * RATE) + 2000; i++)
			x[i] += (float)(0.8 * exp(-(double)(i - (size_t)(at[j] * RATE)) / 400.0) *
					tg_test_gauss(&s));
	check_blocks(x, n, 128, 1.0, &nev);
	CHECK(nev >= 3);
	check_blocks(x, n, 777, 1.0, &nev);
	CHECK_INT(tg_test_lowpass(x, n, RATE, 3800.0), 0);
	check_blocks(x, n, 1, 1.0, &nev);
	CHECK(nev >= 3);
	check_blocks(x, n, 3001, 1.0, &nev);
	free(x);
}

/* the event of r nearest to t (any class), or NULL */
static const struct tg_shot_event *event_near(const struct tg_shots_result *r, double t)
{
	const struct tg_shot_event *best = NULL;

	for (size_t k = 0; k < r->n_events; k++)
		if (fabs(r->events[k].time_s - t) <= TOL &&
		    (!best || fabs(r->events[k].time_s - t) < fabs(best->time_s - t)))
			best = &r->events[k];
	return best;
}

/* The Hedgewars gun recording for the tests that need one real shot; -1 (after SKIP) without it. */
static int load_real_gun(struct tg_test_snd *gun)
{
	gun->path = "/usr/share/games/hedgewars/Data/Sounds/gun.ogg";
	gun->x = NULL;
	if (access(gun->path, R_OK) != 0) {
		SKIP("hedgewars-data gun.ogg missing");
		return -1;
	}
	CHECK_INT(tg_test_load_snd(gun, 1, RATE), 0);
	return gun->x ? 0 : -1;
}

/* The real gun (load_real_gun) and a buffer of n samples for a scene
 * around it; NULL (nothing held) when either fails. */
static float *real_gun_and_buffer(struct tg_test_snd *gun, size_t n)
{
	float *x;

	if (load_real_gun(gun) < 0)
		return NULL;
	x = malloc(n * sizeof(*x));
	CHECK(x != NULL);
	if (!x)
		tg_test_free_snd(gun, 1);
	return x;
}

/*
 * The clipped flag on a real gunshot sample: clean at -6 dBFS; driven 12 dB
 * into full scale; the clipped mix scaled down to -6 dB (flat tops below
 * full scale); and a quiet shot followed 100 ms later by a clipped one,
 * where only the second is clipped.
 */
static void test_clipping(void)
{
	struct tg_test_snd gun;
	size_t n = (size_t)RATE * 4, i;
	float *x;
	uint64_t seed = 77;
	static const char *const what[4] = { "clean -6 dBFS", "driven into full scale",
					     "clipped then scaled to -6 dB", "quiet before loud" };

	if (!(x = real_gun_and_buffer(&gun, n)))
		return;
	for (int c = 0; c < 4; c++) {
		struct tg_shots_result r;
		const struct tg_shot_event *e1, *e2;
		long at = RATE, at2 = RATE + RATE / 10;

		for (i = 0; i < n; i++)
			x[i] = 0.003f * (float)tg_test_gauss(&seed);
		if (c == 3)
			tg_test_mix(x, n, gun.x, gun.n, at, 0.25f / gun.peak);
		tg_test_mix(x, n, gun.x, gun.n, c == 3 ? at2 : at, (c == 0 ? 0.5f : 4.0f) / gun.peak);
		for (i = 0; i < n; i++) {
			x[i] = x[i] > 1.0f ? 1.0f : x[i] < -1.0f ? -1.0f : x[i];
			if (c == 2)
				x[i] *= 0.5f;
		}
		CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
		e1 = event_near(&r, (double)(at + (long)gun.onset) / RATE);
		e2 = c == 3 ? event_near(&r, (double)(at2 + (long)gun.onset) / RATE) : NULL;
		printf("clipping, %s: %s%s\n", what[c], e1 ? (e1->clipped ? "clipped" : "not clipped") : "no event",
		       c == 3 ? (e2 ? (e2->clipped ? ", then clipped" : ", then not clipped") : ", then no event") : "");
		CHECK(e1 != NULL);
		if (e1)
			CHECK(e1->clipped == (c == 1 || c == 2));
		if (c == 3) {
			CHECK(e2 != NULL);
			if (e2)
				CHECK(e2->clipped);
		}
		tg_shots_result_release(&r);
	}
	tg_test_free_snd(&gun, 1);
	free(x);
}

/*
 * Where there is no background to measure against (since version 24).
 * The Hedgewars gun at -6 dBFS, 2 s into a recording stored at 16 bits:
 *   - after digital zeros, where the floors used to start at the blast's
 *     own first frame and it was an impulse (tg_onset_seed());
 *   - in a hiss that flickers at one step of 16-bit audio (brown noise of
 *     one step RMS, rounded: every flicker a perfect impulse, 33 false
 *     shots in 4 s before TG_SHOT_MIN_SWING_DBFS; the floors, seeded from
 *     the flicker, are far under the blast);
 *   - 10 ms into quiet noise (-50 dBFS, not rounded), the start of a
 *     clip cut just before the bang;
 *   - at its first sample, a clip cut at the bang (version 23 lost
 *     it: the first frame was taken to continue what came before; now a
 *     recording that opens 10 dB over the second after it opens with an
 *     event);
 *   - and 2 s into quiet noise whose first 21 ms rise from -110 dB to it,
 *     an AAC encoder's priming as a stream without an edit list shows it
 *     (raw ADTS, MPEG-TS): the noise stepped up out of it like a blast,
 *     a false shot at 0.02 s in 4 of the 10 conformance clips as
 *     MPEG-TS, before the opening ramp was heard as silence.
 * Each is one shot, where the blast starts, and nothing in the flicker
 * is an event; and the same in blocks of 777 samples (the analysis waits
 * for the second the floors are seeded from), and for the first case cut
 * 0.8 s after the blast, where the stream ends before that second, in
 * blocks of 100.
 */
static void test_near_silence(void)
{
	static const char *const what[5] = { "after digital zeros", "in a one-step flicker",
					     "10 ms into the recording", "at its first sample",
					     "after an encoder's priming" };
	struct tg_test_snd gun;
	size_t n = (size_t)RATE * 4, i, nev;
	float *x;

	if (!(x = real_gun_and_buffer(&gun, n)))
		return;
	for (int c = 0; c < 5; c++) {
		struct tg_shots_result r;
		const struct tg_shot_event *e;
		long at = c == 2 ? RATE / 100 - (long)gun.onset : c == 3 ? -(long)gun.onset : 2 * RATE;
		double t = (double)(at + (long)gun.onset) / RATE, brown = 0.0, rms;
		uint64_t seed = 99;
		size_t before = 0;

		for (i = 0; i < n; i++) {
			brown = 0.999 * brown + tg_test_gauss(&seed);
			x[i] = c == 0 ? 0.0f : c == 1 ? (float)brown : 0.003f * (float)tg_test_gauss(&seed);
			if (c == 4 && i < (size_t)RATE / 48)   /* 21 ms rising 60 dB */
				x[i] *= powf(10.0f, -3.0f * (1.0f - (float)i / (RATE / 48.0f)));
		}
		if (c == 1) {
			rms = tg_test_rms(x, n);
			for (i = 0; i < n; i++)
				x[i] *= (float)(1.0 / 32768.0 / rms);
		}
		tg_test_mix(x, n, gun.x, gun.n, at, 0.5f / gun.peak);
		if (c < 2)
			for (i = 0; i < n; i++)
				x[i] = roundf(x[i] * 32768.0f) / 32768.0f;
		CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
		e = event_near(&r, t);
		for (i = 0; i < r.n_events; i++)
			before += r.events[i].time_s < t - 0.05;
		printf("near silence, %s: %zu shot(s), %s at %.3f s, %zu event(s) before it\n", what[c],
		       r.n_shots, e ? tg_shots_class_name(e->cls) : "no event", t, before);
		CHECK_INT((int)r.n_shots, 1);
		CHECK(e != NULL && e->cls == TG_SHOT_GUNSHOT);
		if (c < 2 || c == 4)   /* (the others start within 50 ms of their blast) */
			CHECK_INT((int)before, 0);
		tg_shots_result_release(&r);
		/* the wait for the floors' second, at a later frame or cut
		 * short by the end of the stream, whatever the blocks */
		check_blocks(x, n, 777, t, &nev);
		CHECK(nev >= 1);
		if (c == 0) {   /* 0.8 s of sound before the end */
			check_blocks(x, (size_t)(2.8 * RATE), 100, t, &nev);
			CHECK(nev >= 1);
		}
	}
	tg_test_free_snd(&gun, 1);
	free(x);
}

/*
 * A sound that starts with a bang and then grows (a shout after a door, a
 * plosive into the microphone, an engine or a crowd roaring up) jumps out
 * of a quiet street like a shot; but nothing after a blast is louder than
 * the blast, and a blast is not periodic.  The first 12 ms of a real
 * gunshot recording, then 350 ms rising to four times the bang's level
 * of either a voice (a 130 Hz glottal pulse train through two formant
 * resonators) or a roar (noise through the same resonators) is not a
 * shot; the whole recording, at the same level, is.
 */
static void resonate(float *x, size_t n, double f, double bw)
{
	double r = exp(-M_PI * bw / RATE), c = 2.0 * r * cos(2.0 * M_PI * f / RATE);
	double y1 = 0.0, y2 = 0.0;

	for (size_t i = 0; i < n; i++) {
		double y = (1.0 - r) * x[i] + c * y1 - r * r * y2;
		y2 = y1;
		y1 = y;
		x[i] = (float)y;
	}
}

static void test_growing_sounds(void)
{
	struct tg_test_snd gun;
	const size_t n = (size_t)RATE * 3, bang = (size_t)RATE * 12 / 1000, voice = (size_t)RATE * 35 / 100;
	const long at = RATE;
	float *x, *v;
	uint64_t seed = 4242;
	size_t i;

	if (load_real_gun(&gun) < 0)
		return;
	x = malloc(n * sizeof(*x));
	v = malloc(voice * sizeof(*v));
	CHECK(x && v);
	if (!x || !v) {
		free(x);
		free(v);
		tg_test_free_snd(&gun, 1);
		return;
	}
	for (int c = 0; c < 3; c++) {
		struct tg_shots_result r;
		const struct tg_shot_event *e;
		double vr, br;
		static const char *const what[3] = { "a bang opening a louder voice",
						     "a bang opening a louder roar", "the whole gunshot" };

		for (i = 0; i < n; i++)
			x[i] = 0.002f * (float)tg_test_gauss(&seed);
		if (c < 2) {
			/* the bang alone, then the voice (pulses every 1/130 s) or
			 * the roar (noise), through two formants (700, 1200 Hz) */
			size_t m = bang < gun.n - gun.onset ? bang : gun.n - gun.onset;

			tg_test_mix(x, n, gun.x, gun.onset + m, at, 0.5f / gun.peak);
			br = 0.5 / gun.peak * tg_test_rms(gun.x + gun.onset, m);
			memset(v, 0, voice * sizeof(*v));
			for (i = 0; i < voice; i++)
				v[i] = c == 0 ? (i % (size_t)(RATE / 130) == 0) : (float)tg_test_gauss(&seed);
			resonate(v, voice, 700.0, 90.0);
			resonate(v, voice, 1200.0, 110.0);
			vr = tg_test_rms(v, voice);
			for (i = 0; i < voice; i++) {
				double rise = i < voice / 3 ? (double)i / (double)(voice / 3) : 1.0;
				x[at + (long)(gun.onset + bang + i)] += (float)(4.0 * br / vr * rise) * v[i];
			}
		} else {
			tg_test_mix(x, n, gun.x, gun.n, at, 0.5f / gun.peak);
		}
		CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
		e = event_near(&r, (double)(at + (long)gun.onset) / RATE);
		printf("%s: %s (score %.1f, harmonicity %.2f, tail %.1f dB)\n", what[c],
		       e ? tg_shots_class_name(e->cls) : "no event", e ? e->score : 0.0,
		       e ? e->harmonicity : 0.0, e ? e->tail_db : 0.0);
		CHECK(e != NULL);
		if (e)
			CHECK(c < 2 ? e->cls != TG_SHOT_GUNSHOT : e->cls == TG_SHOT_GUNSHOT);
		tg_shots_result_release(&r);
	}
	free(x);
	free(v);
	tg_test_free_snd(&gun, 1);
}

/*
 * Bursts of one gun (one recording repeated, as one weapon's automatic
 * fire at one place) in a background: how many of their shots are found
 * within 20 ms, and how many shots are reported where there is none.
 * With gun2 (another recording of the weapon), every clip opens on a
 * burst of three gun2 shots, and the bursts then alternate gun and gun2
 * (gun first); the opening shots count too.
 */
#define OPENING_SHOTS 3   /* the gun2 burst a clip opens on */
#define BURST_MAXT 12     /* true shots a clip can hold */

struct burst_trial {
	const char *gun, *bg, *gun2;
	double snr, snr_span;      /* each burst's SNR is drawn from [snr, snr + snr_span] */
	double jitter_db;          /* each shot's level +- this */
	double iv, iv_span;        /* intervals from [iv, iv + iv_span] s */
	int shots;                 /* bursts of shots .. shots + 2 */
	uint64_t seed;
};

/* shots of each basis (enum tg_shot_basis) and how many of them were right */
struct basis_tally {
	int n[TG_SHOT_BY_COUNT], right[TG_SHOT_BY_COUNT];
};

static int run_bursts(const struct burst_trial *bt, int *found, int *total, int *false_shots,
		      struct basis_tally *by)
{
	struct tg_test_snd snd[3] = { { bt->gun, NULL, 0, 0, 0.0f }, { bt->bg, NULL, 0, 0, 0.0f },
				      { bt->gun2 ? bt->gun2 : bt->gun, NULL, 0, 0, 0.0f } };
	size_t n = (size_t)RATE * 6;
	uint64_t seed = bt->seed;
	const int fits = OPENING_SHOTS + bt->shots + 2 <= BURST_MAXT;
	double head[3];
	float *x;

	*found = *total = *false_shots = 0;
	memset(by, 0, sizeof(*by));
	if (access(bt->gun, R_OK) != 0 || access(bt->bg, R_OK) != 0 ||
	    (bt->gun2 && access(bt->gun2, R_OK) != 0)) {
		SKIP("a game or codec2 recording is missing");
		return -1;
	}
	CHECK_INT(tg_test_load_snd(snd, 3, RATE), 0);
	x = malloc(n * sizeof(*x));
	CHECK(x != NULL);
	CHECK(fits);
	/* each recording at the burst's SNR by its own head level */
	for (int k = 0; k < 3; k++)
		head[k] = snd[k].x ? tg_test_head_rms(&snd[k], RATE) : 1.0;
	for (int b = 0; x && snd[0].x && snd[1].x && snd[2].x && fits && b < 40; b++) {
		struct tg_shots_result r;
		double t[BURST_MAXT], snr = bt->snr + bt->snr_span * tg_test_rand(&seed);
		long at = RATE + (long)(tg_test_rand(&seed) * RATE);
		int ns = 0, nb = bt->shots + b % 3, j, tp, fp, fn, ndet;
		double max_err = 0.0;

		tg_test_background(x, n, &snd[1], (size_t)(tg_test_rand(&seed) * (double)snd[1].n), 0.05);
		for (j = bt->gun2 ? -OPENING_SHOTS : 0; j < nb; j++) {
			/* the opening burst (j < 0) ends 0.5 s before the trial's */
			const struct tg_test_snd *gun = j < 0 || (bt->gun2 && j % 2) ? &snd[2] : &snd[0];
			long pos = j < 0 ? at - (long)((0.5 + 0.15 * -j) * RATE) : at;
			double jit = bt->jitter_db > 0.0 ? (2.0 * tg_test_rand(&seed) - 1.0) * bt->jitter_db : 0.0;
			float g = (float)(0.05 / head[gun - snd] * pow(10.0, (snr + jit) / 20.0));

			tg_test_mix(x, n, gun->x, gun->n, pos, g);
			t[ns++] = (double)(pos + (long)gun->onset) / RATE;
			if (j >= 0)
				at += (long)((bt->iv + bt->iv_span * tg_test_rand(&seed)) * RATE);
		}
		if (bt->gun2 && b == 0) {
			/* the bank's state must not depend on how the stream is cut */
			size_t nev;

			check_blocks(x, n, 777, -1.0, &nev);
		}
		CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
		/* one shot found per true shot (a second one near it is false) */
		score_clip(&r, t, ns, &tp, &fp, &fn, &ndet, &max_err);
		*found += tp;
		*false_shots += fp;
		for (size_t k = 0; k < r.n_events; k++)
			if (r.events[k].cls == TG_SHOT_GUNSHOT) {
				int hit = 0;
				for (j = 0; j < ns; j++)
					hit |= fabs(r.events[k].time_s - t[j]) <= TOL;
				by->n[r.events[k].basis]++;
				by->right[r.events[k].basis] += hit;
			}
		*total += ns;
		tg_shots_result_release(&r);
	}
	free(x);
	tg_test_free_snd(snd, 3);
	return *total > 0 ? 0 : -1;
}

/*
 * Run a trial: at least min_pct % of the shots found, at most false_pct %
 * as many false ones; gives the shots of each basis and how many of them
 * were right (those found by the burst's rhythm and by the chain model
 * are printed).  -1 when the recordings are missing (skipped).
 */
static int check_bursts(const struct burst_trial *bt, const char *what, int min_pct, int false_pct,
			struct basis_tally *by)
{
	int found, total, false_shots;

	if (run_bursts(bt, &found, &total, &false_shots, by) < 0)
		return -1;
	printf("%s: %d of %d shots found, %d false; %d found by the rhythm, %d of them right; "
	       "%d by the chain model, %d of them right\n", what, found, total, false_shots,
	       by->n[TG_SHOT_BY_RHYTHM], by->right[TG_SHOT_BY_RHYTHM], by->n[TG_SHOT_BY_CHAIN],
	       by->right[TG_SHOT_BY_CHAIN]);
	CHECK(found * 100 >= total * min_pct);
	CHECK(false_shots * 100 <= total * false_pct);
	return 0;
}

/*
 * A weapon whose shots are mostly low-frequency body (the Hedgewars
 * shotgun: 20 dB out of the background below 500 Hz, 10 dB above 4 kHz
 * at 0 dB SNR), at 0-3 dB in speech.  The first difference the burst
 * template was first matched in keeps little but the background there;
 * the leader-whitened view matches the whole shot.
 */
static void test_low_frequency_bursts(void)
{
	static const struct burst_trial bt = {
		"/usr/share/games/hedgewars/Data/Sounds/shotgunfire.ogg", "/usr/share/codec2/wav/mmt1.wav", NULL,
		0.0, 3.0, 0.0, 0.09, 0.05, 4, 2911,
	};

	struct basis_tally by;

	/* the first difference alone finds 134-137 of these 199 shots (67-69 %), with 4 false;
	 * version 15 (the gunshot model) 166 (83 %), 8 false; version 17 (the chain model)
	 * 168, 9 false */
	check_bursts(&bt, "low-frequency bursts at 0-3 dB", 80, 5, &by);
}

/*
 * Automatic fire keeps its rate: a gap of about two intervals in a burst
 * holds a missed shot, looked for at the gap's middle (burst.c,
 * gap_fill()).  The same shotgun at 10 dB in a crowd, its shots +-1.5 dB,
 * 80-150 ms apart.
 */
static void test_burst_gaps(void)
{
	static const struct burst_trial bt = {
		"/usr/share/games/hedgewars/Data/Sounds/shotgunfire.ogg", "/usr/share/games/heroes/sfx/foule1.wav", NULL,
		10.0, 0.0, 1.5, 0.08, 0.07, 6, 3141,
	};

	struct basis_tally by;

	/* without the gaps' second look: 251 of these 279 shots (90.0 %), 20 false; version 15:
	 * 277, none false */
	if (check_bursts(&bt, "bursts with gaps at 10 dB", 95, 3, &by) < 0)
		return;
	/* and the shots it adds say so */
	CHECK(by.n[TG_SHOT_BY_RHYTHM] >= 3);
	CHECK(by.right[TG_SHOT_BY_RHYTHM] * 10 >= by.n[TG_SHOT_BY_RHYTHM] * 8);
}

/*
 * A weapon's recordings that do not match each other: two recordings of
 * the Teeworlds gun (a sustained blast, within 5 dB of its peak for 70
 * ms), a burst of the second heard first, then bursts that alternate the
 * two, at 10 dB in speech, 80-150 ms apart.  The chain's template is the
 * first recording; the second one's shots are recognised by the bank
 * (burst.h), which kept the opening burst's first shot, or where the bank
 * matches them under its line, by the chain model (shotmodel.h).
 */
static void test_recorded_variants(void)
{
	static const struct burst_trial bt = {
		"/usr/share/games/teeworlds/data/audio/wp_gun_fire-01.wv", "/usr/share/codec2/wav/hts1a.wav",
		"/usr/share/games/teeworlds/data/audio/wp_gun_fire-02.wv",
		10.0, 0.0, 1.5, 0.08, 0.07, 4, 6007,
	};

	struct basis_tally by;

	/* without the bank: 211 of these 319 shots (66 %), 9 false; with it 265 (83 %), 9 false;
	 * with the gunshot model (version 15) 284 (89 %), none false; with the chain model
	 * (version 17) 293, none false; version 18 294 */
	if (check_bursts(&bt, "a weapon's two recordings at 10 dB", 84, 3, &by) < 0)
		return;
	/* the chain model takes some of the second recording's shots that the bank
	 * matches under its line, and is right about them */
	CHECK(by.n[TG_SHOT_BY_CHAIN] >= 3);
	CHECK(by.right[TG_SHOT_BY_CHAIN] * 10 >= by.n[TG_SHOT_BY_CHAIN] * 8);
}

/* Does the log-odds model(e) never fall (dir 1) or never rise (dir -1) as
 * *x goes from x0 by step n times? */
static int monotone(float (*model)(const struct tg_shot_event *), struct tg_shot_event *e,
		    float *x, float x0, float step, int n, int dir)
{
	float prev = dir > 0 ? -INFINITY : INFINITY;
	int i, ok = 1;

	for (i = 0; i <= n; i++) {
		float l;
		*x = x0 + step * (float)i;
		l = model(e);
		ok &= dir > 0 ? l >= prev : l <= prev;
		prev = l;
	}
	return ok;
}

/*
 * The gunshot models' tables (shotmodel_trees.h, chainmodel_trees.h,
 * generated): fitted on the features in the order this build fills them
 * in, finite where a band is not carried, and as constrained: a higher
 * rule score never lowers the odds, more periodicity (a voice) never
 * raises them; for the chain model also a better match with the chain's
 * first shot or with the bank, or the event model's higher odds, never
 * lower them, for a candidate no template took and for a repeat (whose
 * bank features are missing), and a clear repeat is never turned down.
 */
static void test_model_table(void)
{
	struct tg_shot_event e;

	CHECK(tg_shot_model_fits_features());
	memset(&e, 0, sizeof(e));
	e.strength = 6.0f;
	e.snr_db = 10.0f;
	e.rise_ms = 2.0f;
	e.centroid_hz = 900.0f;
	e.lf_db = 12.0f;
	e.hf_db = NAN;
	e.vhf_db = NAN;
	e.width = 0.5f;
	e.decay_ms = 250.0f;
	e.tail_db = -5.0f;
	e.jump_db = 8.0f;
	CHECK(isfinite(tg_shot_model_logit(&e)));
	e.hf_db = 6.0f;
	e.vhf_db = 4.0f;
	CHECK(monotone(tg_shot_model_logit, &e, &e.score, -15.0f, 0.5f, 60, 1));
	e.score = 1.0f;
	CHECK(monotone(tg_shot_model_logit, &e, &e.harmonicity, 0.0f, 0.02f, 50, -1));

	/* a candidate 110 ms into a chain, matching nothing well */
	e.harmonicity = 0.1f;
	e.logit = tg_shot_model_logit(&e);
	e.gap_ms = 110.0f;
	e.repeat_ncc = 0.25f;
	e.repeat_gain_db = -10.0f;
	e.bank_ncc = 0.0f;
	e.bank_gain_db = -120.0f;
	CHECK(isfinite(tg_shot_chain_logit(&e)));
	CHECK(monotone(tg_shot_chain_logit, &e, &e.repeat_ncc, 0.0f, 0.02f, 50, 1));
	e.repeat_ncc = 0.25f;
	CHECK(monotone(tg_shot_chain_logit, &e, &e.repeat_gain_db, -30.0f, 0.5f, 70, 1));
	e.repeat_gain_db = -10.0f;
	CHECK(monotone(tg_shot_chain_logit, &e, &e.bank_ncc, 0.0f, 0.02f, 50, 1));
	e.bank_ncc = 0.5f;
	CHECK(monotone(tg_shot_chain_logit, &e, &e.bank_gain_db, -30.0f, 0.5f, 70, 1));
	e.bank_ncc = 0.0f;
	e.bank_gain_db = -120.0f;
	CHECK(monotone(tg_shot_chain_logit, &e, &e.logit, -10.0f, 0.25f, 80, 1));
	CHECK(monotone(tg_shot_chain_logit, &e, &e.harmonicity, 0.0f, 0.02f, 50, -1));

	/* a repeat: the template took it, the bank was not looked in */
	e.harmonicity = 0.1f;
	e.repeat_ncc = 0.4f;
	e.repeat_gain_db = -6.0f;
	e.bank_ncc = NAN;
	e.bank_gain_db = NAN;
	CHECK(isfinite(tg_shot_chain_logit(&e)));
	CHECK(monotone(tg_shot_chain_logit, &e, &e.repeat_ncc, 0.3f, 0.02f, 35, 1));
	e.repeat_ncc = 0.4f;
	CHECK(monotone(tg_shot_chain_logit, &e, &e.repeat_gain_db, -8.5f, 0.5f, 30, 1));
	e.repeat_gain_db = -6.0f;
	CHECK(monotone(tg_shot_chain_logit, &e, &e.logit, -10.0f, 0.25f, 80, 1));
	/* the weapon again at its level, 110 ms on, is not turned down even
	 * where its own features say little (it rings in the shot before) */
	e.logit = -4.0f;
	e.repeat_ncc = 0.9f;
	e.repeat_gain_db = 0.0f;
	CHECK(tg_shot_chain_logit(&e) > TG_SHOT_REPEAT_MIN_CHAIN_LOGIT);

	/* a band-limited recording, both shapes */
	e.hf_db = NAN;
	e.vhf_db = NAN;
	CHECK(isfinite(tg_shot_chain_logit(&e)));
	e.bank_ncc = 0.0f;
	e.bank_gain_db = -120.0f;
	CHECK(isfinite(tg_shot_chain_logit(&e)));
}

/*
 * A sound heard again is a shot only when a shot vouched for its
 * recording: six copies of one clap (the generated negatives are such
 * copies) are not shots because they match each other, and the same
 * recording of a gun, its first shot loud and clear, makes its quieter
 * copies later in the recording shots (11 copies 19-34 dB down in speech,
 * 1.5 dB apart): a copy the model doubts but does not all but rule out
 * (log-odds in (-3, 0]) is heard, and the steps are fine enough that
 * some copy lands there whatever the fit (versions 21 and 22 both hear
 * two, the copies 22 and 34 dB down; the test prints every copy's
 * log-odds).
 */
static void test_heard_before(void)
{
	struct tg_test_snd snd[3] = {
		{ "/usr/share/lmms/samples/drums/clap01.ogg", NULL, 0, 0, 0.0f },
		{ "/usr/share/games/teeworlds/data/audio/wp_gun_fire-01.wv", NULL, 0, 0, 0.0f },
		{ "/usr/share/codec2/wav/hts1a.wav", NULL, 0, 0, 0.0f },
	};
	enum { COPIES = 11 };
	const size_t n = (size_t)RATE * (3 + 2 * COPIES);
	struct tg_shots_result r;
	float *x;
	int k, claps = 0, shots = 0, heard = 0, doubted = 0;
	char odds[COPIES * 8 + 1] = "";
	size_t i;

	if (access(snd[0].path, R_OK) != 0 || access(snd[1].path, R_OK) != 0 ||
	    access(snd[2].path, R_OK) != 0) {
		SKIP("lmms-common, teeworlds-data or codec2-examples missing: heard-before skipped");
		return;
	}
	CHECK_INT(tg_test_load_snd(snd, 3, RATE), 0);
	x = malloc(n * sizeof(*x));
	CHECK(x != NULL);
	if (!x)
		goto out;
	/* six claps in speech, then nothing else */
	tg_test_background(x, n, &snd[2], 0, 0.02);
	for (k = 0; k < 6; k++)
		tg_test_mix(x, n, snd[0].x, snd[0].n, (long)((1.0 + 2.0 * k) * RATE),
			    0.5f / snd[0].peak);
	CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
	for (i = 0; i < r.n_events; i++)
		claps += r.events[i].cls == TG_SHOT_GUNSHOT && r.events[i].basis == TG_SHOT_BY_HEARD;
	CHECK(events_consistent(&r));
	CHECK_INT(claps, 0);
	tg_shots_result_release(&r);
	/* the gun at -6 dBFS, then the copies 1.5 dB apart in the same speech */
	tg_test_background(x, n, &snd[2], 0, 0.02);
	for (k = 0; k <= COPIES; k++)
		tg_test_mix(x, n, snd[1].x, snd[1].n, (long)((1.0 + 2.0 * k) * RATE),
			    (float)(0.5 / snd[1].peak * pow(10.0, k ? -(17.5 + 1.5 * k) / 20.0 : 0.0)));
	CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
	for (i = 0; i < r.n_events; i++) {
		const struct tg_shot_event *e = &r.events[i];
		double placed = (double)snd[1].onset / RATE + 1.0 + 2.0 * floor((e->time_s - 0.5) / 2.0);
		int at_copy = fabs(e->time_s - placed) <= TOL, first = e->time_s < 2.0;

		if (at_copy && !first) {
			size_t used = strlen(odds);

			snprintf(odds + used, sizeof(odds) - used, " %.2f", e->logit);
			/* a copy the model doubts but does not all but rule out
			 * is heard before */
			if (e->logit > TG_SHOT_HEARD_MIN_LOGIT && e->logit <= 0.0f) {
				doubted++;
				CHECK_INT(e->cls, TG_SHOT_GUNSHOT);
				CHECK_INT(e->basis, TG_SHOT_BY_HEARD);
			}
		}
		if (e->cls != TG_SHOT_GUNSHOT)
			continue;
		shots++;
		heard += e->basis == TG_SHOT_BY_HEARD;
		CHECK(at_copy);   /* every shot is a copy, none false */
	}
	printf("heard before: 6 claps give %d heard shots; a gun and %d quieter copies give %d "
	       "shots, %d of them heard (the copies' log-odds:%s)\n", claps, COPIES, shots, heard, odds);
	CHECK(events_consistent(&r));
	CHECK(doubted >= 1);
	CHECK_INT(heard, doubted);
	CHECK(shots >= COPIES - 2);
	tg_shots_result_release(&r);
out:
	free(x);
	tg_test_free_snd(snd, 3);
}

/*
 * Looking back: a copy of the gun 6 dB down in loud speech first, then
 * the gun loud and clear in quiet speech, with the first stretch's speech
 * 10-30 dB up in 2 dB steps.  A copy the model doubts but does not all
 * but rule out (log-odds in (-3, 0]) is heard once the recording is heard
 * as a confirmed shot, also when that comes after it: the analysis keeps
 * such events to the end and tries the recordings heard since (shots.h,
 * step 6c).  The steps are fine enough that some copy lands there
 * whatever the fit (as in test_heard_before()); a copy the model takes
 * is a shot of its own, one it all but rules out is none.
 */
static void test_heard_later(void)
{
	struct tg_test_snd snd[2] = {
		{ "/usr/share/games/teeworlds/data/audio/wp_gun_fire-01.wv", NULL, 0, 0, 0.0f },
		{ "/usr/share/codec2/wav/hts1a.wav", NULL, 0, 0, 0.0f },
	};
	enum { LEVELS = 11 };
	const size_t n = (size_t)RATE * 5;
	struct tg_shots_result r;
	float *x;
	int k, doubted = 0, heard = 0;
	size_t nev;
	char odds[LEVELS * 8 + 1] = "";

	if (access(snd[0].path, R_OK) != 0 || access(snd[1].path, R_OK) != 0) {
		SKIP("teeworlds-data or codec2-examples missing: heard-later skipped");
		return;
	}
	CHECK_INT(tg_test_load_snd(snd, 2, RATE), 0);
	x = malloc(n * sizeof(*x));
	CHECK(x != NULL);
	if (!x)
		goto out;
	for (k = 1; k <= LEVELS; k++) {
		const struct tg_shot_event *copy = NULL;
		double at = (double)snd[0].onset / RATE + 1.0;
		size_t i;

		tg_test_background(x, n, &snd[1], 0, 0.02);
		for (i = 0; i < (size_t)RATE * 2; i++)
			x[i] *= (float)pow(10.0, (8.0 + 2.0 * k) / 20.0);
		tg_test_mix(x, n, snd[0].x, snd[0].n, (long)(1.0 * RATE),
			    (float)(0.5 / snd[0].peak * pow(10.0, -6.0 / 20.0)));
		tg_test_mix(x, n, snd[0].x, snd[0].n, (long)(3.0 * RATE), 0.5f / snd[0].peak);
		CHECK_INT(tg_test_run_shots(x, n, RATE, &r), 0);
		CHECK(events_consistent(&r));
		for (i = 0; i < r.n_events; i++)
			if (fabs(r.events[i].time_s - at) <= TOL && (!copy || r.events[i].cls == TG_SHOT_GUNSHOT))
				copy = &r.events[i];
		for (i = 0; i < r.n_events; i++)   /* no shot but the two */
			CHECK(r.events[i].cls != TG_SHOT_GUNSHOT || fabs(r.events[i].time_s - at) <= TOL ||
			      fabs(r.events[i].time_s - (at + 2.0)) <= TOL);
		CHECK(r.n_shots >= 1);
		/* what looking back decides does not depend on how the audio
		 * came in blocks */
		check_blocks(x, n, 997, -1.0, &nev);
		if (copy) {
			size_t used = strlen(odds);

			snprintf(odds + used, sizeof(odds) - used, " %.2f", copy->logit);
			if (copy->logit > TG_SHOT_HEARD_MIN_LOGIT && copy->logit <= 0.0f) {
				doubted++;
				CHECK_INT(copy->cls, TG_SHOT_GUNSHOT);
				CHECK_INT(copy->basis, TG_SHOT_BY_HEARD);
				/* heard only looking back: its own scaling, which
				 * never reaches the forward heard shots' 0.9s */
				CHECK(copy->confidence < 0.8f);
			}
			heard += copy->cls == TG_SHOT_GUNSHOT && copy->basis == TG_SHOT_BY_HEARD;
			if (copy->logit <= TG_SHOT_HEARD_MIN_LOGIT)
				CHECK(copy->cls != TG_SHOT_GUNSHOT);
		}
		tg_shots_result_release(&r);
	}
	printf("heard later: a copy of a gun in louder speech, then the gun, %d times: %d copies heard "
	       "(their log-odds:%s)\n", LEVELS, heard, odds);
	CHECK(doubted >= 1);
	CHECK_INT(heard, doubted);
out:
	free(x);
	tg_test_free_snd(snd, 2);
}

int main(void)
{
	RUN(test_model_table);
	RUN(test_streaming_blocks);
	RUN(test_carried_bands);
	RUN(test_clipping);
	RUN(test_near_silence);
	RUN(test_growing_sounds);
	RUN(test_low_frequency_bursts);
	RUN(test_burst_gaps);
	RUN(test_recorded_variants);
	RUN(test_heard_before);
	RUN(test_heard_later);
	RUN(test_reencode_timing);
	RUN(test_conformance_clips);
	RUN(test_generated_clips);
	return TEST_END();
}
