/* sync.c - coarse envelope correlation, fine GCC-PHAT windows, consistency; see sync.h. */
#include "audio/sync.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/mem.h>

#include "audio/rfft.h"
#include "util/error.h"

#define ENV_RATE 100          /* envelope frames per second */
#define WIN_S 3.0             /* fine window length */
#define SEARCH_S 0.040        /* fine search half-range around a candidate */
#define INLIER_S 0.004        /* a window agrees with the line within this */
#define DISTINCT_S 0.050      /* candidates closer than this are one */
#define MAX_DRIFT 300e-6      /* recording devices' clocks differ by far less (20-100 ppm) */
#define BAND_LO_HZ 100.0
#define BAND_HI_HZ 3800.0
#define MIN_RMS 1e-4f         /* -80 dBFS: a window this quiet has no sound */

struct fft {
	int n;
	struct tg_rfft t;
	float *x, *y;          /* n + 2 floats each */
	float *fa, *fb;        /* spectra, n + 2 floats each */
};

static void fft_free(struct fft *f)
{
	tg_rfft_release(&f->t);
	av_freep(&f->x);
	av_freep(&f->y);
	av_freep(&f->fa);
	av_freep(&f->fb);
}

static int fft_init(struct fft *f, int n)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->n = n;
	f->x = av_malloc(sizeof(float) * (size_t)(n + 2));
	f->y = av_malloc(sizeof(float) * (size_t)(n + 2));
	f->fa = av_malloc(sizeof(float) * (size_t)(n + 2));
	f->fb = av_malloc(sizeof(float) * (size_t)(n + 2));
	if (!f->x || !f->y || !f->fa || !f->fb) {
		fft_free(f);
		return tg_error(TG_ENOMEM, "sync: out of memory");
	}
	if ((ret = tg_rfft_init(&f->t, n, 1.0f / (float)n, "sync")) < 0)
		fft_free(f);
	return ret;
}

static int pow2_at_least(size_t v)
{
	int p = 1;

	while ((size_t)p < v)
		p *= 2;
	return p;
}

/*
 * Phase-transform cross-correlation of a (na) against b (nb) into f->y:
 * f->y[k] ~ sum_t a(t) b(t + k), lags modulo n.  Bins outside [klo, khi)
 * are zeroed (band limit).
 */
static void gcc_phat(struct fft *f, const float *a, size_t na, const float *b, size_t nb,
		     int klo, int khi)
{
	int k, half = f->n / 2;

	memset(f->x, 0, sizeof(float) * (size_t)(f->n + 2));
	memcpy(f->x, a, sizeof(float) * na);
	tg_rfft_forward(&f->t, f->x, f->fa);
	memset(f->x, 0, sizeof(float) * (size_t)(f->n + 2));
	memcpy(f->x, b, sizeof(float) * nb);
	tg_rfft_forward(&f->t, f->x, f->fb);
	for (k = 0; k <= half; k++) {
		float ar = f->fa[2 * k], ai = f->fa[2 * k + 1];
		float br = f->fb[2 * k], bi = f->fb[2 * k + 1];
		/* conj(A) * B */
		float re = ar * br + ai * bi, im = ar * bi - ai * br;
		float m = sqrtf(re * re + im * im);

		if (k < klo || k >= khi || m < 1e-20f) {
			f->fa[2 * k] = f->fa[2 * k + 1] = 0.0f;
		} else {
			f->fa[2 * k] = re / m;
			f->fa[2 * k + 1] = im / m;
		}
	}
	tg_rfft_inverse(&f->t, f->fa, f->y);
}

/* Onset envelope: positive change of log energy per 10 ms frame, mean removed. */
static float *envelope(const float *x, size_t n, int rate, size_t *nf)
{
	size_t hop = (size_t)rate / ENV_RATE, m = n / hop, i, j;
	float *e = malloc(sizeof(float) * (m ? m : 1)), prev = 0.0f, top = -200.0f;
	double mean = 0.0;

	if (!e)
		return NULL;
	for (i = 0; i < m; i++) {
		double s = 0.0;
		for (j = i * hop; j < (i + 1) * hop; j++) {
			/* first difference: de-emphasise rumble, as speech and
			 * impulses carry their onsets in the mid band */
			float d = x[j] - (j ? 0.95f * x[j - 1] : 0.0f);
			s += (double)d * d;
		}
		e[i] = (float)(10.0 * log10(s / (double)hop + 1e-12));
		if (e[i] > top)
			top = e[i];
	}
	for (i = 0; i < m; i++) {
		float l = e[i] < top - 60.0f ? top - 60.0f : e[i];  /* silence is not -inf */
		float d = i ? l - prev : 0.0f;
		prev = l;
		e[i] = d > 0.0f ? d : 0.0f;
		mean += e[i];
	}
	mean = m ? mean / (double)m : 0.0;
	for (i = 0; i < m; i++)
		e[i] -= (float)mean;
	*nf = m;
	return e;
}

struct cand {
	double lag;                       /* coarse offset, s */
	int windows, consistent;
	double alpha, beta, median_z;     /* offset = alpha + beta * t_A */
};

static int cmp_double(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;
	return a < b ? -1 : a > b;
}

static void fit_line(const double *t, const double *o, int n, const int *use,
		     double *alpha, double *beta)
{
	double st = 0, so = 0, stt = 0, sto = 0;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		if (!use[i])
			continue;
		st += t[i];
		so += o[i];
		stt += t[i] * t[i];
		sto += t[i] * o[i];
		k++;
	}
	if (k == 0) {
		*alpha = *beta = 0.0;
		return;
	}
	if (k >= 2 && k * stt - st * st > 1e-9 * k * k) {
		*beta = (k * sto - st * so) / (k * stt - st * st);
		*alpha = (so - *beta * st) / k;
	} else {
		*beta = 0.0;
		*alpha = so / k;
	}
}

/* The windows of one candidate: centre time on A, offset, peak sharpness. */
struct windows {
	int k;
	double t[TG_SYNC_WINDOWS], o[TG_SYNC_WINDOWS], z[TG_SYNC_WINDOWS];
};

/* Where the windows go: nw windows of wlen seconds over [ov0, ov1] on A. */
struct layout {
	double ov0, ov1, wlen;
	int nw;
	size_t wn, mn;        /* window and search half-range, samples */
};

/*
 * Align every window by GCC-PHAT within +-SEARCH_S of the line
 * alpha + beta * t (t on A's timeline): the coarse offset at first, then
 * the fitted line, so that drift over a long overlap is followed.
 */
static void align_windows(struct fft *f, float *bseg, const float *a, size_t na, const float *b,
			  size_t nb, int rate, const struct layout *ly, double alpha, double beta,
			  struct windows *w)
{
	const size_t wn = ly->wn, mn = ly->mn, bl = wn + 2 * mn;

	w->k = 0;
	for (int i = 0; i < ly->nw; i++) {
		double s = ly->nw > 1 ? ly->ov0 + (ly->ov1 - ly->ov0 - ly->wlen) * i / (ly->nw - 1) : ly->ov0;
		double pred = alpha + beta * (s + ly->wlen / 2.0);
		long a0 = lrint(s * rate), b0 = lrint((s + pred) * rate) - (long)mn;
		float bseg_rms = 0.0f, aseg_rms = 0.0f;
		double mean = 0.0, var = 0.0, best = -1e30, y0, y1, y2, p;
		long pk = -1, q;
		size_t j;

		if (a0 < 0 || (size_t)a0 + wn > na)
			continue;
		for (j = 0; j < bl; j++) {
			long bi = b0 + (long)j;
			bseg[j] = bi >= 0 && (size_t)bi < nb ? b[bi] : 0.0f;
			bseg_rms += bseg[j] * bseg[j];
		}
		for (j = 0; j < wn; j++)
			aseg_rms += a[a0 + (long)j] * a[a0 + (long)j];
		if (sqrtf(aseg_rms / (float)wn) < MIN_RMS || sqrtf(bseg_rms / (float)bl) < MIN_RMS)
			continue;
		gcc_phat(f, a + a0, wn, bseg, bl, (int)(BAND_LO_HZ * f->n / rate),
			 (int)(fmin(BAND_HI_HZ, 0.95 * rate / 2.0) * f->n / rate));
		for (q = 0; q < f->n; q++)
			mean += f->y[q];
		mean /= f->n;
		for (q = 0; q < f->n; q++)
			var += (f->y[q] - mean) * (f->y[q] - mean);
		var /= f->n;
		for (q = 1; q < (long)(2 * mn) - 1; q++) {
			if (f->y[q] > best) {
				best = f->y[q];
				pk = q;
			}
		}
		if (pk < 1 || var <= 0.0)
			continue;
		y0 = f->y[pk - 1];
		y1 = f->y[pk];
		y2 = f->y[pk + 1];
		p = (y0 - 2 * y1 + y2) != 0.0 ? 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2) : 0.0;
		if (p > 0.5 || p < -0.5)
			p = 0.0;
		w->t[w->k] = s + ly->wlen / 2.0;
		w->o[w->k] = (double)(b0 - a0) / rate + (pk + p) / rate;
		w->z[w->k] = (best - mean) / sqrt(var);
		w->k++;
	}
}

/*
 * The line through the most sharp windows (z >= TG_SYNC_MIN_Z, within
 * INLIER_S), among the lines through two sharp windows with a plausible
 * drift (ties: the smaller total misfit).  Returns how many sharp windows
 * it passes through.  Only sharp windows count: chance peaks of unrelated
 * recordings line up far more easily once the line may tilt.
 */
static int drift_line(const struct windows *w, double *alpha, double *beta)
{
	int best = 0;
	double best_cost = 0.0;

	for (int i = 0; i < w->k; i++)
		for (int j = i + 1; j < w->k; j++) {
			double b, al, cost = 0.0;
			int n = 0;

			if (w->z[i] < TG_SYNC_MIN_Z || w->z[j] < TG_SYNC_MIN_Z || w->t[j] == w->t[i])
				continue;
			b = (w->o[j] - w->o[i]) / (w->t[j] - w->t[i]);
			if (fabs(b) > MAX_DRIFT)
				continue;
			al = w->o[i] - b * w->t[i];
			for (int m = 0; m < w->k; m++) {
				double r = fabs(w->o[m] - (al + b * w->t[m]));
				if (w->z[m] >= TG_SYNC_MIN_Z && r <= INLIER_S) {
					n++;
					cost += r;
				}
			}
			if (n > best || (n == best && cost < best_cost)) {
				best = n;
				best_cost = cost;
				*alpha = al;
				*beta = b;
			}
		}
	return best;
}

/*
 * Fit c->alpha, c->beta to the windows and count the consistent ones,
 * starting from the windows within INLIER_S of the median offset, or of
 * the line start_alpha + start_beta * t when start_beta is not 0; a slope
 * within three standard errors of zero is not a measured drift (two
 * microphones hear each event with its own delay, which scatters the
 * windows by milliseconds).
 */
static void fit_windows(const struct windows *w, double start_alpha, double start_beta,
			struct cand *c)
{
	const int k = w->k;
	double zs[TG_SYNC_WINDOWS];
	int use[TG_SYNC_WINDOWS], i, pass;

	c->windows = k;
	c->consistent = 0;
	c->median_z = 0.0;
	if (k == 0)
		return;
	if (start_beta == 0.0) {
		double med;
		memcpy(zs, w->o, sizeof(double) * (size_t)k);
		qsort(zs, (size_t)k, sizeof(double), cmp_double);
		med = zs[k / 2];
		for (i = 0; i < k; i++)
			use[i] = fabs(w->o[i] - med) <= INLIER_S;
	} else {
		for (i = 0; i < k; i++)
			use[i] = fabs(w->o[i] - (start_alpha + start_beta * w->t[i])) <= INLIER_S;
	}
	for (pass = 0; pass < 2; pass++) {
		fit_line(w->t, w->o, k, use, &c->alpha, &c->beta);
		for (i = 0; i < k; i++)
			use[i] = fabs(w->o[i] - (c->alpha + c->beta * w->t[i])) <= INLIER_S;
	}
	fit_line(w->t, w->o, k, use, &c->alpha, &c->beta);
	{
		double mt = 0.0, stt = 0.0, rss = 0.0;
		int m = 0;

		for (i = 0; i < k; i++)
			if (use[i]) {
				mt += w->t[i];
				m++;
			}
		if (m >= 3) {
			mt /= m;
			for (i = 0; i < k; i++)
				if (use[i]) {
					double r = w->o[i] - (c->alpha + c->beta * w->t[i]);
					stt += (w->t[i] - mt) * (w->t[i] - mt);
					rss += r * r;
				}
			if (stt > 0.0 && fabs(c->beta) < 3.0 * sqrt(rss / (m - 2) / stt)) {
				c->beta = 0.0;
				c->alpha = 0.0;
				for (i = 0; i < k; i++)
					if (use[i])
						c->alpha += w->o[i];
				c->alpha /= m;
			}
		}
	}
	{
		int m = 0;
		for (i = 0; i < k; i++)
			if (use[i])
				zs[m++] = w->z[i];
		c->consistent = m;
		if (m) {
			qsort(zs, (size_t)m, sizeof(double), cmp_double);
			c->median_z = zs[m / 2];
		}
	}
}

/*
 * Fine windows for one candidate: aligned around the coarse offset; then,
 * when windows are left out and the overlap is long enough for a drift to
 * matter, aligned again around the line through the most sharp windows
 * (20 ppm moves the offset 72 ms in an hour, beyond one window's search,
 * and a median start keeps only the windows near the middle).
 */
static int refine(const float *a, size_t na, const float *b, size_t nb, int rate,
		  struct cand *c)
{
	const double da = (double)na / rate, db = (double)nb / rate;
	struct layout ly;
	struct windows w;
	struct fft f;
	float *bseg = NULL;
	int ret = 0;

	ly.ov0 = c->lag < 0 ? -c->lag : 0.0;
	ly.ov1 = db - c->lag < da ? db - c->lag : da;
	ly.wlen = WIN_S;
	ly.mn = (size_t)(SEARCH_S * rate) + 2;
	c->windows = c->consistent = 0;
	c->alpha = c->lag;
	c->beta = 0.0;
	c->median_z = 0.0;
	if (ly.ov1 - ly.ov0 < 1.0)
		return 0;
	if (ly.ov1 - ly.ov0 < ly.wlen)
		ly.wlen = ly.ov1 - ly.ov0;
	ly.nw = (int)((ly.ov1 - ly.ov0 - ly.wlen) / (ly.wlen / 2.0)) + 1;
	if (ly.nw > TG_SYNC_WINDOWS)
		ly.nw = TG_SYNC_WINDOWS;
	if (ly.nw < 1)
		ly.nw = 1;
	ly.wn = (size_t)(ly.wlen * rate);
	if ((ret = fft_init(&f, pow2_at_least(2 * ly.wn + 2 * ly.mn))) < 0)
		return ret;
	bseg = malloc(sizeof(float) * (ly.wn + 2 * ly.mn));
	if (!bseg) {
		ret = tg_error(TG_ENOMEM, "sync: out of memory");
		goto out;
	}
	align_windows(&f, bseg, a, na, b, nb, rate, &ly, c->lag, 0.0, &w);
	fit_windows(&w, 0.0, 0.0, c);
	if (c->consistent < c->windows && MAX_DRIFT * (ly.ov1 - ly.ov0) > INLIER_S) {
		struct cand again = *c;
		double al = 0.0, be = 0.0;

		if (drift_line(&w, &al, &be) >= 3 && be != 0.0) {
			align_windows(&f, bseg, a, na, b, nb, rate, &ly, al, be, &w);
			fit_windows(&w, al, be, &again);
			if (again.consistent > c->consistent)
				*c = again;
		}
	}
out:
	free(bseg);
	fft_free(&f);
	return ret;
}

static int supported(const struct cand *c)
{
	return c->consistent >= 3 && 2 * c->consistent >= c->windows && c->median_z >= TG_SYNC_MIN_Z;
}

int tg_sync_compute(const float *a, size_t na, const float *b, size_t nb, int rate,
		    struct tg_sync_result *res)
{
	float *ea = NULL, *eb = NULL;
	size_t nfa = 0, nfb = 0;
	struct fft f;
	struct cand c[TG_SYNC_CANDIDATES];
	int nc = 0, i, best = -1, ret = 0, have_fft = 0;
	long q;
	double min_ov, da = (double)na / rate, db = (double)nb / rate;

	memset(res, 0, sizeof(*res));
	res->reason = "";
	if (!a || !b || rate < 2000)
		return tg_error(TG_EINVAL, "sync: bad arguments");
	ea = envelope(a, na, rate, &nfa);
	eb = envelope(b, nb, rate, &nfb);
	if (!ea || !eb) {
		ret = tg_error(TG_ENOMEM, "sync: out of memory");
		goto out;
	}
	if (nfa < 100 || nfb < 100) {
		res->reason = "a recording is shorter than one second";
		goto out;
	}
	if ((ret = fft_init(&f, pow2_at_least(nfa + nfb))) < 0)
		goto out;
	have_fft = 1;
	gcc_phat(&f, ea, nfa, eb, nfb, 1, f.n / 2 + 1);
	/* candidates: the highest peaks at lags that leave enough overlap */
	min_ov = fmin(4.0, 0.8 * fmin(da, db));
	for (i = 0; i < TG_SYNC_CANDIDATES; i++) {
		double bestv = -1e30;
		long bl = 0;
		int j;

		for (q = 0; q < f.n; q++) {
			long lag = q < f.n / 2 ? q : q - f.n;
			double l = (double)lag / ENV_RATE;
			double ov = fmin(da, db - l) - fmax(0.0, -l);
			int near = 0;

			if (ov < min_ov || f.y[q] <= bestv)
				continue;
			for (j = 0; j < nc; j++)
				if (fabs(c[j].lag - l) < DISTINCT_S)
					near = 1;
			if (near)
				continue;
			bestv = f.y[q];
			bl = lag;
		}
		if (bestv <= -1e30)
			break;
		c[nc++].lag = (double)bl / ENV_RATE;
	}
	for (i = 0; i < nc; i++) {
		if ((ret = refine(a, na, b, nb, rate, &c[i])) < 0)
			goto out;
		if (best < 0 || c[i].consistent > c[best].consistent ||
		    (c[i].consistent == c[best].consistent && c[i].median_z > c[best].median_z))
			best = i;
	}
	if (best < 0 || !supported(&c[best])) {
		res->reason = best < 0 ? "no overlap long enough" :
			      c[best].consistent < 3 || 2 * c[best].consistent < c[best].windows ?
			      "the windows do not agree on one offset" :
			      "the correlation peaks are not sharp enough";
		if (best >= 0) {
			res->windows = c[best].windows;
			res->consistent = c[best].consistent;
			res->median_z = c[best].median_z;
		}
		goto out;
	}
	res->windows = c[best].windows;
	res->consistent = c[best].consistent;
	res->median_z = c[best].median_z;
	for (i = 0; i < nc; i++) {
		double r;
		if (i == best || fabs(c[i].alpha - c[best].alpha) < DISTINCT_S)
			continue;
		r = (double)c[i].consistent / c[best].consistent;
		if (supported(&c[i]) && r > res->runner_up)
			res->runner_up = r;
	}
	if (res->runner_up >= 0.75) {
		res->reason = "ambiguous: another offset is almost as well supported "
			      "(periodic sound?)";
		goto out;
	}
	res->aligned = 1;
	res->offset_s = c[best].alpha;
	res->drift_ppm = c[best].beta * 1e6;
	res->overlap_a[0] = fmax(0.0, -res->offset_s);
	res->overlap_a[1] = fmin(da, (db - res->offset_s) / (1.0 + c[best].beta));
	res->overlap_b[0] = res->offset_s + res->overlap_a[0] * (1.0 + c[best].beta);
	res->overlap_b[1] = res->offset_s + res->overlap_a[1] * (1.0 + c[best].beta);
	res->offset_mid_s = res->offset_s +
			    c[best].beta * (res->overlap_a[0] + res->overlap_a[1]) / 2.0;
	res->confidence = (double)res->consistent / res->windows *
			  fmin(1.0, res->median_z / (2.0 * TG_SYNC_MIN_Z)) * (1.0 - 0.5 * res->runner_up);
out:
	if (have_fft)
		fft_free(&f);
	free(ea);
	free(eb);
	return ret;
}
