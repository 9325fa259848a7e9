/* burst.c - a chain's template and its matched-filter scan; see burst.h. */
#include "audio/burst.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/select.h"

#define SCAN_NCC 0.3f      /* least correlation of a repeat found by the scan */
#define SCAN_CFAR 7.0f     /* ... and this many robust deviations above the scan's median */

/* a view's template and its spectrum, zeroed; 0 when out of memory */
static int alloc_view(const struct tg_burst *b, struct tg_burst_view *v)
{
	v->tmpl = calloc((size_t)b->tmpl_len, sizeof(float));
	v->spec = calloc((size_t)tg_xcorr_spec_len(&b->xc), sizeof(float));
	return v->tmpl && v->spec;
}

static void free_view(struct tg_burst_view *v)
{
	free(v->tmpl);
	free(v->spec);
	v->tmpl = v->spec = NULL;
}

int tg_burst_init(struct tg_burst *b, int rate, size_t window_cap)
{
	int v, rc, ok = 1;

	memset(b, 0, sizeof(*b));
	b->rate = rate;
	b->tmpl_len = (int)(TG_BURST_TEMPLATE_MS * rate / 1000.0);
	b->last = INT64_MIN / 2;
	b->scan_until = INT64_MIN / 2;
	b->ncc_cap = window_cap;
	b->bank_current = -1;
	b->fresh = -1;
	/* one block of the correlator holds a whole match_near() */
	if ((rc = tg_xcorr_init(&b->xc, b->tmpl_len, 2 * (rate / 50) + 1)) < 0)
		return rc;
	for (v = 0; v < TG_BURST_VIEWS; v++) {
		ok &= alloc_view(b, &b->view[v]);
		for (int k = 0; k < TG_BURST_BANK; k++)
			ok &= alloc_view(b, &b->bank[k][v]);
	}
	b->ncc = calloc(b->ncc_cap, sizeof(float));
	b->dwork = calloc(window_cap, sizeof(float));
	if (!ok || !b->ncc || !b->dwork) {
		tg_burst_release(b);
		return tg_error(TG_ENOMEM, "shots: out of memory");
	}
	return 0;
}

void tg_burst_release(struct tg_burst *b)
{
	for (int v = 0; v < TG_BURST_VIEWS; v++) {
		free_view(&b->view[v]);
		for (int k = 0; k < TG_BURST_BANK; k++)
			free_view(&b->bank[k][v]);
	}
	tg_xcorr_release(&b->xc);
	free(b->ncc);
	free(b->dwork);
	b->ncc = b->dwork = NULL;
}

int tg_burst_within(const struct tg_burst *b, int64_t onset)
{
	return onset - b->last <= (int64_t)(TG_BURST_CHAIN_MS * b->rate / 1000.0);
}

/*
 * The whitening view's filter: the prediction-error filter of the
 * leader's first 100 ms (autocorrelation method, Levinson-Durbin), which
 * flattens the leader's own spectrum.  Through it the template and the
 * scan weigh every band of the shot alike: the low-frequency body of a
 * weapon that is weak above a few kHz, which the first difference all but
 * removes, counts as much as its crack.  The first difference stays the
 * other view: whitening also lifts the fine structure that clipping and a
 * lossy codec change from shot to shot (the conformance clips' clipped
 * and re-encoded bursts match better without it).
 */
static void fit_whitening(struct tg_burst *b, struct tg_burst_view *v, const float *work,
			  int64_t w0, int64_t w1, int64_t onset)
{
	int64_t n = (int64_t)(0.1 * b->rate), i;
	double r[TG_BURST_ORDER + 1] = { 0 }, a[TG_BURST_ORDER + 1] = { 1.0 }, prev[TG_BURST_ORDER + 1];
	double err;
	int k, j;

	memset(v->filt, 0, sizeof(v->filt));
	v->filt[0] = 1.0f;
	v->filt[1] = -1.0f;       /* the first difference if the fit fails */
	v->order = 1;
	if (onset < w0)
		onset = w0;
	if (onset + n > w1)
		n = w1 - onset;
	if (n > (int64_t)b->ncc_cap)
		n = (int64_t)b->ncc_cap;
	for (i = 0; i < n; i++)   /* Hann-windowed, in the scan's scratch */
		b->dwork[i] = (float)((0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n)) *
				      work[onset + i - w0]);
	for (k = 0; k <= TG_BURST_ORDER; k++)
		for (i = k; i < n; i++)
			r[k] += (double)b->dwork[i] * b->dwork[i - k];
	if (!(r[0] > 0.0))
		return;
	r[0] *= 1.001;   /* a white floor 30 dB down keeps the filter well conditioned */
	err = r[0];
	for (k = 1; k <= TG_BURST_ORDER; k++) {
		double acc = r[k], refl;

		for (j = 1; j < k; j++)
			acc += a[j] * r[k - j];
		refl = -acc / err;
		memcpy(prev, a, sizeof(prev));
		for (j = 1; j < k; j++)
			a[j] = prev[j] + refl * prev[k - j];
		a[k] = refl;
		err *= 1.0 - refl * refl;
		if (!(err > 0.0))
			return;
	}
	for (k = 0; k <= TG_BURST_ORDER; k++)
		v->filt[k] = (float)a[k];
	v->order = TG_BURST_ORDER;
}

/* work[from - w0, from - w0 + n) through the view's filter, into out (0 where the filter
 * would reach before w0) */
static void filter_view(const struct tg_burst_view *v, const float *work, int64_t w0,
			int64_t from, int64_t n, float *out)
{
	const int p = v->order;

	for (int64_t i = 0; i < n; i++) {
		const float *x = work + (from + i - w0);
		float y = 0.0f;

		if (from + i - p >= w0)   /* before that the filter has no input: nothing */
			for (int k = 0; k <= p; k++)
				y += v->filt[k] * x[-k];
		out[i] = y;
	}
}

/* the level of a match against the template, dB (ty: their dot product) */
static float level_db(const struct tg_burst_view *v, double ty)
{
	return ty > 0.0 ? (float)(20.0 * log10(ty / v->tt)) : -120.0f;
}

/* the template's dot product with y[0, L) */
static double dot_template(const struct tg_burst_view *v, const float *y, int L)
{
	double ty = 0.0;

	for (int i = 0; i < L; i++)
		ty += (double)y[i] * v->tmpl[i];
	return ty;
}

/*
 * The best lag of view v in [from, to): its correlation (0 if none), and
 * there the template's gain (dB) and the position (*at is left alone when
 * there is no lag to try).  min_gain_db: a bound below which no match
 * counts (or -INFINITY), so that a window too weak to reach it anywhere
 * (the gain is at most its energy over the template's) is not correlated.
 */
static float best_lag(const struct tg_burst *b, const struct tg_burst_view *v, const float *work,
		      int64_t w0, int64_t w1, int64_t from, int64_t to, float min_gain_db,
		      float *gain_db, int64_t *at)
{
	const int L = b->tmpl_len;
	int64_t d, best = -1;
	double ty;

	*gain_db = -120.0f;
	if (from < w0 + v->order)
		from = w0 + v->order;
	if (to + L > w1)
		to = w1 - L;
	if (to <= from || v->tt <= 0.0)
		return 0.0f;
	filter_view(v, work, w0, from, to - from + L, b->dwork);
	if (!tg_xcorr_ncc(&b->xc, v->spec, v->tt, b->dwork, to - from,
			  isfinite(min_gain_db) ? v->tt * pow(10.0, min_gain_db / 10.0) : 0.0, b->ncc))
		return 0.0f;
	for (d = 0; d < to - from; d++)
		if (best < 0 || b->ncc[d] > b->ncc[best])
			best = d;
	*at = from + best;
	ty = dot_template(v, b->dwork + best, L);
	*gain_db = level_db(v, ty);
	return b->ncc[best] > 0.0f ? b->ncc[best] : 0.0f;
}

/*
 * The best match in [from, to) over the views (the chain's, or a bank
 * entry's): one at the chain's level before a weaker one.  to_chain_db
 * moves the views' gains to the chain's first shot (0 for the chain's own
 * template), and *gain_db is the moved gain.  prune: windows too weak at
 * every lag to reach the level are not correlated (their views cannot
 * win: the choice is the same either way).
 */
static float best_match(const struct tg_burst *b, const struct tg_burst_view *views,
			const float *work, int64_t w0, int64_t w1, int64_t from, int64_t to,
			float to_chain_db, int prune, float *gain_db, int64_t *at)
{
	float best = 0.0f;
	int best_level = 0;

	for (int v = 0; v < TG_BURST_VIEWS; v++) {
		float g;
		int64_t a = *at;
		float ncc = best_lag(b, &views[v], work, w0, w1, from, to,
				     prune ? TG_BURST_GAIN_DB - to_chain_db : -INFINITY, &g, &a);
		int level;

		g += to_chain_db;
		level = g >= TG_BURST_GAIN_DB;

		if (v == 0 || level > best_level || (level == best_level && ncc > best)) {
			best = ncc;
			best_level = level;
			*gain_db = g;
			*at = a;
		}
	}
	return best;
}

/* the views' best match within +-20 ms of onset (a candidate frame is that coarse) */
static float match_near(const struct tg_burst *b, const struct tg_burst_view *views,
			const float *work, int64_t w0, int64_t w1, int64_t onset, float to_chain_db,
			int prune, float *gain_db, int64_t *at)
{
	const int64_t reach = b->rate / 50;

	*at = onset;
	return best_match(b, views, work, w0, w1, onset - reach, onset + reach + 1, to_chain_db,
			  prune, gain_db, at);
}

float tg_burst_match(const struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
		     int64_t onset, float *gain_db, int64_t *at)
{
	return match_near(b, b->view, work, w0, w1, onset, 0.0f, 0, gain_db, at);
}

float tg_burst_bank_match(const struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
			  int64_t onset, int confirmed_only, float *gain_db, int64_t *at, int *entry)
{
	float best = 0.0f;
	int used = -1;

	*gain_db = -120.0f;
	*at = onset;
	*entry = -1;
	if (!(b->view[0].tt > 0.0))
		return 0.0f;   /* a chain whose first shot is empty has no level to judge by */
	for (int k = 0; k < b->nbank; k++) {
		float g, to_chain;
		int64_t a;
		float ncc;

		if (k == b->bank_current || !(b->bank[k][0].tt > 0.0) ||
		    (confirmed_only && !b->bank_confirmed[k]))
			continue;   /* the chain's own template (already tried), an empty one,
			             * or one not asked for */
		/* the level is the chain's: its first shot against this entry's,
		 * by the first difference (the one view whose filter they share) */
		to_chain = (float)(10.0 * log10(b->bank[k][0].tt / b->view[0].tt));
		ncc = match_near(b, b->bank[k], work, w0, w1, onset, to_chain, 1, &g, &a);
		if (g >= TG_BURST_GAIN_DB && ncc > best) {
			used = k;
			best = ncc;
			*gain_db = g;
			*at = a;
		}
	}
	*entry = used;
	return best;
}

void tg_burst_bank_fired(struct tg_burst *b, int entry)
{
	if (entry >= 0 && entry < b->nbank)
		b->bank_used[entry] = ++b->bank_clock;
}

static void copy_views(const struct tg_burst *b, struct tg_burst_view *dst,
		       const struct tg_burst_view *src)
{
	for (int v = 0; v < TG_BURST_VIEWS; v++) {
		memcpy(dst[v].filt, src[v].filt, sizeof(dst[v].filt));
		dst[v].order = src[v].order;
		memcpy(dst[v].tmpl, src[v].tmpl, (size_t)b->tmpl_len * sizeof(float));
		memcpy(dst[v].spec, src[v].spec, (size_t)tg_xcorr_spec_len(&b->xc) * sizeof(float));
		dst[v].tt = src[v].tt;
	}
}

float tg_burst_entry_match(const struct tg_burst *b, int k, const float *x, int64_t x0, int64_t x1,
			   int64_t onset, double chain_tt, float *gain_db, int64_t *at)
{
	const int64_t reach = b->rate / 50;
	float to_chain, ncc;

	*gain_db = -120.0f;
	*at = onset;
	if (k < 0 || k >= b->nbank || !(b->bank[k][0].tt > 0.0))
		return 0.0f;
	to_chain = chain_tt > 0.0 ? (float)(10.0 * log10(b->bank[k][0].tt / chain_tt)) : 0.0f;
	/* the first difference only, at half the cost: every kept event meets
	 * every newly confirmed recording (both views took as many shots) */
	ncc = best_lag(b, &b->bank[k][0], x, x0, x1, onset - reach, onset + reach + 1,
		       TG_BURST_GAIN_DB - to_chain, gain_db, at);
	*gain_db += to_chain;
	return ncc;
}

/*
 * The chain just started at onset: its views join the bank, unless an
 * entry matches its first shot as only the same recording does (then that
 * entry is the chain's); the least recently used entry makes room.
 */
static void bank_add(struct tg_burst *b, const float *work, int64_t w0, int64_t w1, int64_t onset,
		     int confirmed)
{
	float g;
	int64_t a;
	int k, slot = 0;

	for (k = 0; k < b->nbank; k++)
		if (match_near(b, b->bank[k], work, w0, w1, onset, 0.0f, 0, &g, &a) >= TG_BURST_SAME_NCC) {
			b->bank_current = k;
			b->bank_used[k] = ++b->bank_clock;
			if (confirmed && !b->bank_confirmed[k])
				b->fresh = k;
			b->bank_confirmed[k] |= confirmed;
			return;
		}
	if (b->nbank < TG_BURST_BANK)
		slot = b->nbank++;
	else
		for (k = 1; k < TG_BURST_BANK; k++)
			if (b->bank_used[k] < b->bank_used[slot])
				slot = k;
	copy_views(b, b->bank[slot], b->view);
	b->bank_current = slot;
	b->bank_confirmed[slot] = confirmed;
	b->bank_used[slot] = ++b->bank_clock;
	if (confirmed)
		b->fresh = slot;
}

/* a repeat joins b->rep, kept sorted and TG_BURST_MIN_MS apart */
static void add_repeat(struct tg_burst *b, int64_t at, float ncc, float gain, int rhythm)
{
	const int64_t sep = (int64_t)(TG_BURST_MIN_MS * b->rate / 1000.0);
	int k;

	if (b->nrep == TG_BURST_MAX_REP)
		return;
	for (k = 0; k < b->nrep; k++)
		if (llabs(b->rep[k].at - at) < sep)
			return;
	for (k = b->nrep; k > 0 && b->rep[k - 1].at > at; k--)
		b->rep[k] = b->rep[k - 1];
	b->rep[k].at = at;
	b->rep[k].ncc = ncc;
	b->rep[k].gain_db = gain;
	b->rep[k].rhythm = rhythm;
	b->nrep++;
}

/*
 * Scan work[from, to) through view v for repeats of its template: the
 * normalised correlation at every lag (a matched filter), then greedy
 * peaks at least TG_BURST_MIN_MS apart.  A peak is a repeat when it passes SCAN_NCC and
 * stands SCAN_CFAR robust deviations (1.4826 MAD) above the median
 * correlation of the scan, i.e. of what the tail and the background give
 * by chance, and its gain against the template is above TG_BURST_GAIN_DB
 * (an echo is weaker).  Found repeats join b->rep in time order.
 */
static void scan(struct tg_burst *b, const struct tg_burst_view *v, const float *work, int64_t w0,
		 int64_t w1, int64_t from, int64_t to)
{
	const int64_t sep = (int64_t)(TG_BURST_MIN_MS * b->rate / 1000.0);
	const int64_t nar = b->rate / 500;   /* 2 ms: one correlation peak */
	const int L = b->tmpl_len;
	int64_t d, nl;
	double tt = v->tt;
	float med, mad, thr;
	float *scratch, *dy = b->dwork;

	if (from < w0 + v->order)
		from = w0 + v->order;
	if (to + L > w1)
		to = w1 - L;
	if (to <= from)
		return;
	nl = to - from;
	if ((size_t)nl * 2 > b->ncc_cap)
		nl = (int64_t)b->ncc_cap / 2;
	if (tt <= 0.0)
		return;
	filter_view(v, work, w0, from, nl + L, dy);
	tg_xcorr_ncc(&b->xc, v->spec, tt, dy, nl, 0.0, b->ncc);   /* the matched filter */
	/* robust level of chance correlation in this scan */
	scratch = b->ncc + nl;
	for (d = 0; d < nl; d++)
		scratch[d] = fabsf(b->ncc[d]);
	med = tg_select_float(scratch, (size_t)nl, (size_t)(nl / 2));
	for (d = 0; d < nl; d++)
		scratch[d] = fabsf(fabsf(b->ncc[d]) - med);
	mad = tg_select_float(scratch, (size_t)nl, (size_t)(nl / 2)) * 1.4826f;
	thr = med + SCAN_CFAR * mad;
	if (thr < SCAN_NCC)
		thr = SCAN_NCC;
	for (;;) {
		int64_t best = -1, at;
		float bv = thr, gain;

		for (d = 0; d < nl; d++)
			if (b->ncc[d] >= bv) {
				bv = b->ncc[d];
				best = d;
			}
		if (best < 0 || b->nrep == TG_BURST_MAX_REP)
			break;
		at = from + best;
		gain = level_db(v, dot_template(v, dy + best, L));
		if (gain < TG_BURST_GAIN_DB) {
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
		add_repeat(b, at, bv, gain, 0);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Automatic fire keeps its rate.  When the next repeat found behind the
 * shot at onset comes GAP_MIN-GAP_MAX times the chain's usual interval
 * later, a shot between them was almost surely missed (88-94 % of such
 * gaps hold one in the generated clips), most often inside the ringing,
 * where the scan's chance level over 450 ms (median + 7 deviations) is
 * high.  That threshold pays for trying every lag of the scan; here only
 * the gap's middle is tried (+-GAP_HALF of the interval), so the scan's
 * absolute floor and the level test suffice.
 */
#define GAP_MIN 1.6
#define GAP_MAX 2.6
#define GAP_HALF 0.25

static void gap_fill(struct tg_burst *b, const float *work, int64_t w0, int64_t w1, int64_t onset)
{
	const int64_t sep = (int64_t)(TG_BURST_MIN_MS * b->rate / 1000.0);
	int64_t iv[TG_BURST_HIST], next = -1, m, mid, lo, hi, at;
	float ncc, gain;
	int n = 0, k;

	/* the rhythm from shots heard or matched, not from the gaps' own finds */
	for (k = 1; k < b->nhist; k++)
		if (!b->hist_rhythm[k] && !b->hist_rhythm[k - 1])
			iv[n++] = b->hist[k] - b->hist[k - 1];
	if (n == 0)
		return;   /* no rhythm yet */
	/* the chain's next shot, taken or waiting */
	for (k = 0; k < b->nrep && next < 0; k++)
		if (b->rep[k].at > onset)
			next = b->rep[k].at;
	for (k = 0; k < b->nhist; k++)
		if (b->hist[k] > onset && (next < 0 || b->hist[k] < next))
			next = b->hist[k];
	if (next < 0)
		return;
	qsort(iv, (size_t)n, sizeof(iv[0]), cmp_i64);
	m = iv[n / 2];
	if (next - onset < GAP_MIN * (double)m || next - onset > GAP_MAX * (double)m)
		return;
	mid = onset + (next - onset) / 2;
	lo = mid - (int64_t)(GAP_HALF * (double)m);
	hi = mid + (int64_t)(GAP_HALF * (double)m) + 1;
	if (lo < onset + sep)
		lo = onset + sep;
	if (hi > next - sep + 1)
		hi = next - sep + 1;
	at = mid;
	ncc = best_match(b, b->view, work, w0, w1, lo, hi, 0.0f, 0, &gain, &at);
	if (ncc >= SCAN_NCC && gain >= TG_BURST_GAIN_DB)
		add_repeat(b, at, ncc, gain, 1);
}

static void hist_add(struct tg_burst *b, int64_t onset, int rhythm)
{
	int k;

	if (b->nhist == TG_BURST_HIST) {
		memmove(b->hist, b->hist + 1, (TG_BURST_HIST - 1) * sizeof(b->hist[0]));
		memmove(b->hist_rhythm, b->hist_rhythm + 1, TG_BURST_HIST - 1);
		b->nhist--;
	}
	for (k = b->nhist; k > 0 && b->hist[k - 1] > onset; k--) {
		b->hist[k] = b->hist[k - 1];
		b->hist_rhythm[k] = b->hist_rhythm[k - 1];
	}
	b->hist[k] = onset;
	b->hist_rhythm[k] = (unsigned char)(rhythm != 0);
	b->nhist++;
}

int tg_burst_nearest(const struct tg_burst *b, int64_t onset, int64_t near)
{
	int r = -1, q;

	for (q = 0; q < b->nrep; q++)
		if (llabs(b->rep[q].at - onset) <= near &&
		    (r < 0 || llabs(b->rep[q].at - onset) < llabs(b->rep[r].at - onset)))
			r = q;
	return r;
}

void tg_burst_drop(struct tg_burst *b, int k)
{
	for (; k + 1 < b->nrep; k++)
		b->rep[k] = b->rep[k + 1];
	b->nrep--;
}

void tg_burst_shot(struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
		   int64_t onset, int ev, int rhythm, int confirmed)
{
	const int64_t sep = (int64_t)(TG_BURST_MIN_MS * b->rate / 1000.0);
	const int64_t reach = (int64_t)(TG_BURST_SCAN_MS * b->rate / 1000.0);
	int64_t sfrom;

	b->fresh = -1;
	if (!tg_burst_within(b, onset)) {
		/* a new chain: this shot's start is the template, in each view */
		struct tg_burst_view *v = b->view;
		int64_t n = onset + b->tmpl_len <= w1 ? b->tmpl_len : w1 - onset;

		memset(v[0].filt, 0, sizeof(v[0].filt));
		v[0].filt[0] = 1.0f;
		v[0].filt[1] = -1.0f;
		v[0].order = 1;
		fit_whitening(b, &v[1], work, w0, w1, onset);
		for (int k = 0; k < TG_BURST_VIEWS; k++) {
			memset(v[k].tmpl, 0, (size_t)b->tmpl_len * sizeof(float));
			if (n > 0 && onset >= w0)
				filter_view(&v[k], work, w0, onset, n, v[k].tmpl);
			v[k].tt = 0.0;
			for (int c = 0; c < b->tmpl_len; c++)
				v[k].tt += (double)v[k].tmpl[c] * v[k].tmpl[c];
			tg_xcorr_template(&b->xc, v[k].tmpl, v[k].spec);
		}
		bank_add(b, work, w0, w1, onset, confirmed);
		b->leader = ev;
		/* the recording is vouched for once any chain it led was */
		b->leader_confirmed = b->bank_confirmed[b->bank_current];
		b->nrep = 0;
		b->nhist = 0;
		b->scan_until = INT64_MIN / 2;
	}
	if (onset > b->last)
		b->last = onset;
	/* look ahead for further shots of the same weapon */
	sfrom = onset + sep;
	if (sfrom < b->scan_until)
		sfrom = b->scan_until;
	for (int k = 0; k < TG_BURST_VIEWS; k++)
		scan(b, &b->view[k], work, w0, w1, sfrom, onset + reach);
	if (onset + reach > b->scan_until)
		b->scan_until = onset + reach;
	hist_add(b, onset, rhythm);
	gap_fill(b, work, w0, w1, onset);
}
