/* burst.c - a chain's template and its matched-filter scan; see burst.h. */
#include "audio/burst.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define SCAN_NCC 0.3f      /* least correlation of a repeat found by the scan */
#define SCAN_CFAR 7.0f     /* ... and this many robust deviations above the scan's median */

int tg_burst_init(struct tg_burst *b, int rate, size_t window_cap)
{
	memset(b, 0, sizeof(*b));
	b->rate = rate;
	b->tmpl_len = (int)(TG_BURST_TEMPLATE_MS * rate / 1000.0);
	b->last = INT64_MIN / 2;
	b->scan_until = INT64_MIN / 2;
	b->ncc_cap = window_cap;
	b->tmpl = calloc((size_t)b->tmpl_len, sizeof(float));
	b->ncc = calloc(b->ncc_cap, sizeof(float));
	b->dwork = calloc(window_cap, sizeof(float));
	if (!b->tmpl || !b->ncc || !b->dwork) {
		tg_burst_release(b);
		return tg_error(TG_ENOMEM, "shots: out of memory");
	}
	return 0;
}

void tg_burst_release(struct tg_burst *b)
{
	free(b->tmpl);
	free(b->ncc);
	free(b->dwork);
	b->tmpl = b->ncc = b->dwork = NULL;
}

int tg_burst_within(const struct tg_burst *b, int64_t onset)
{
	return onset - b->last <= (int64_t)(TG_BURST_CHAIN_MS * b->rate / 1000.0);
}

static double template_energy(const struct tg_burst *b)
{
	double tt = 0.0;

	for (int i = 0; i < b->tmpl_len; i++)
		tt += (double)b->tmpl[i] * b->tmpl[i];
	return tt;
}

float tg_burst_match(const struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
		     int64_t onset, float *gain_db, int64_t *at)
{
	const int64_t reach = b->rate / 50;  /* +-20 ms: a candidate frame is that coarse */
	double tt = template_energy(b), best = -2.0;
	int64_t d;
	int i;

	*gain_db = -120.0f;
	*at = onset;
	if (tt <= 0.0)
		return 0.0f;
	for (d = onset - reach; d <= onset + reach; d++) {
		double ty = 0.0, yy = 0.0, ncc;
		if (d < w0 + 1 || d + b->tmpl_len > w1)
			continue;
		for (i = 0; i < b->tmpl_len; i++) {
			double y = work[d - w0 + i] - work[d - w0 + i - 1];
			ty += y * b->tmpl[i];
			yy += y * y;
		}
		if (yy <= 0.0)
			continue;
		ncc = ty / sqrt(tt * yy);
		if (ncc > best) {
			best = ncc;
			*at = d;
			*gain_db = ty > 0.0 ? (float)(20.0 * log10(ty / tt)) : -120.0f;
		}
	}
	return best > 0.0 ? (float)best : 0.0f;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/*
 * Scan work[from, to) for repeats of the template: the normalised
 * correlation at every lag (a matched filter), then greedy peaks at least
 * TG_BURST_MIN_MS apart.  A peak is a repeat when it passes SCAN_NCC and
 * stands SCAN_CFAR robust deviations (1.4826 MAD) above the median
 * correlation of the scan, i.e. of what the tail and the background give
 * by chance, and its gain against the template is above TG_BURST_GAIN_DB
 * (an echo is weaker).  Found repeats join b->rep in time order.
 */
static void scan(struct tg_burst *b, const float *work, int64_t w0, int64_t w1, int64_t from,
		 int64_t to)
{
	const int64_t sep = (int64_t)(TG_BURST_MIN_MS * b->rate / 1000.0);
	const int64_t nar = b->rate / 500;   /* 2 ms: one correlation peak */
	const int L = b->tmpl_len;
	int64_t d, nl, i;
	double tt = template_energy(b), yy = 0.0;
	float med, mad, thr;
	float *sorted, *dy = b->dwork;

	if (from < w0 + 1)
		from = w0 + 1;
	if (to + L > w1)
		to = w1 - L;
	if (to <= from)
		return;
	nl = to - from;
	if ((size_t)nl * 2 > b->ncc_cap)
		nl = (int64_t)b->ncc_cap / 2;
	if (tt <= 0.0)
		return;
	/* the first difference: the blast's most impulsive part (above a few
	 * kHz, where speech and the room's boom are weak) and sharp
	 * correlation peaks */
	for (i = 0; i < nl + L; i++)
		dy[i] = work[from - w0 + i] - work[from - w0 + i - 1];
	for (i = 0; i < L; i++)
		yy += (double)dy[i] * dy[i];
	for (d = 0; d < nl; d++) {
		const float *y = dy + d;
		float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
		double ty;

		/* four partial sums: the hot loop of the scan (~3 M multiply-adds
		 * per chain), kept in float so that it pipelines */
		for (i = 0; i + 3 < L; i += 4) {
			a0 += y[i] * b->tmpl[i];
			a1 += y[i + 1] * b->tmpl[i + 1];
			a2 += y[i + 2] * b->tmpl[i + 2];
			a3 += y[i + 3] * b->tmpl[i + 3];
		}
		for (; i < L; i++)
			a0 += y[i] * b->tmpl[i];
		ty = (double)a0 + a1 + a2 + a3;
		b->ncc[d] = yy > 1e-20 ? (float)(ty / sqrt(tt * yy)) : 0.0f;
		yy += (double)y[L] * y[L] - (double)y[0] * y[0];
		if (yy < 0.0)
			yy = 0.0;
	}
	/* robust level of chance correlation in this scan */
	sorted = b->ncc + nl;
	for (d = 0; d < nl; d++)
		sorted[d] = fabsf(b->ncc[d]);
	qsort(sorted, (size_t)nl, sizeof(float), cmp_float);
	med = sorted[nl / 2];
	for (d = 0; d < nl; d++)
		sorted[d] = fabsf(fabsf(b->ncc[d]) - med);
	qsort(sorted, (size_t)nl, sizeof(float), cmp_float);
	mad = sorted[nl / 2] * 1.4826f;
	thr = med + SCAN_CFAR * mad;
	if (thr < SCAN_NCC)
		thr = SCAN_NCC;
	for (;;) {
		int64_t best = -1, at;
		float bv = thr;
		double ty = 0.0;
		int k;

		for (d = 0; d < nl; d++)
			if (b->ncc[d] >= bv) {
				bv = b->ncc[d];
				best = d;
			}
		if (best < 0 || b->nrep == TG_BURST_MAX_REP)
			break;
		at = from + best;
		for (i = 0; i < L; i++)
			ty += (double)dy[best + i] * b->tmpl[i];
		if (ty <= 0.0 || 20.0 * log10(ty / tt) < TG_BURST_GAIN_DB) {
			/* too weak to be a shot (an echo): it must not veto a
			 * real repeat a few ms away, so only its own peak goes */
			for (d = best - nar; d <= best + nar; d++)
				if (d >= 0 && d < nl)
					b->ncc[d] = -1.0f;
			continue;
		}
		for (d = best - sep; d <= best + sep; d++)
			if (d >= 0 && d < nl)
				b->ncc[d] = -1.0f;
		/* keep b->rep sorted and TG_BURST_MIN_MS apart */
		for (k = 0; k < b->nrep; k++)
			if (llabs(b->rep[k] - at) < sep)
				break;
		if (k < b->nrep)
			continue;
		for (k = b->nrep; k > 0 && b->rep[k - 1] > at; k--) {
			b->rep[k] = b->rep[k - 1];
			b->rep_ncc[k] = b->rep_ncc[k - 1];
			b->rep_gain[k] = b->rep_gain[k - 1];
		}
		b->rep[k] = at;
		b->rep_ncc[k] = bv;
		b->rep_gain[k] = (float)(20.0 * log10(ty / tt));
		b->nrep++;
	}
}

int tg_burst_nearest(const struct tg_burst *b, int64_t onset, int64_t near)
{
	int r = -1, q;

	for (q = 0; q < b->nrep; q++)
		if (llabs(b->rep[q] - onset) <= near &&
		    (r < 0 || llabs(b->rep[q] - onset) < llabs(b->rep[r] - onset)))
			r = q;
	return r;
}

void tg_burst_drop(struct tg_burst *b, int k)
{
	for (; k + 1 < b->nrep; k++) {
		b->rep[k] = b->rep[k + 1];
		b->rep_ncc[k] = b->rep_ncc[k + 1];
		b->rep_gain[k] = b->rep_gain[k + 1];
	}
	b->nrep--;
}

void tg_burst_shot(struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
		   int64_t onset, int ev)
{
	const int64_t sep = (int64_t)(TG_BURST_MIN_MS * b->rate / 1000.0);
	const int64_t reach = (int64_t)(TG_BURST_SCAN_MS * b->rate / 1000.0);
	int64_t sfrom;

	if (!tg_burst_within(b, onset)) {
		/* a new chain: this shot's start is the template */
		for (int c = 0; c < b->tmpl_len; c++)
			b->tmpl[c] = onset + c < w1 && onset + c > w0 ?
				work[onset + c - w0] - work[onset + c - 1 - w0] : 0.0f;
		b->leader = ev;
		b->nrep = 0;
		b->scan_until = INT64_MIN / 2;
	}
	if (onset > b->last)
		b->last = onset;
	/* look ahead for further shots of the same weapon */
	sfrom = onset + sep;
	if (sfrom < b->scan_until)
		sfrom = b->scan_until;
	scan(b, work, w0, w1, sfrom, onset + reach);
	if (onset + reach > b->scan_until)
		b->scan_until = onset + reach;
}
