/* shotfeat.c - an event's onset, features and gunshot score; see shotfeat.h. */
#include "audio/shotfeat.h"

#include <math.h>

#define TG_CRACK_MIN_COMPACT 0.85f
#define TG_CRACK_MIN_HF_OVER_LF_DB 15.0f
#define TG_CRACK_MAX_RISE_MS 4.0f
#define TG_CRACK_MIN_STEP_JUMP_DB 10.0f

static const struct tg_onset_frame *frame_of(const struct tg_shot_window *w, int64_t k)
{
	return &w->frames[(size_t)k & w->fmask];
}

/* Power the event adds above the band floors, per band and summed. */
static double added_power(const struct tg_onset_frame *f, int nb, double *per_band)
{
	double sum = 0.0;
	int b;

	for (b = 0; b < nb; b++) {
		double p = pow(10.0, f->band_db[b] / 10.0);
		double fl = pow(10.0, (f->band_db[b] - f->excess_db[b]) / 10.0);
		double a = p > fl ? p - fl : 0.0;
		if (per_band)
			per_band[b] = a;
		sum += a;
	}
	return sum;
}

/*
 * The onset of the event in x[from, to) (indices into the event window;
 * samples before lo are history): tg_onset_refine's backward walk from the
 * peak, against the pre-event level, the median of 1 ms peak levels over
 * up to 60 ms before lo (robust to a syllable or a tail).
 */
static size_t walk_onset(const float *x, size_t lo, size_t from, size_t to, size_t ms)
{
	float blk[64];
	size_t a = lo > 60 * ms ? lo - 60 * ms : 0, c, i;
	int nblk = 0, k;

	for (c = a; c + ms <= lo && nblk < 64; c += ms) {
		float m = 0.0f;
		for (i = c; i < c + ms; i++)
			if (fabsf(x[i]) > m)
				m = fabsf(x[i]);
		/* insertion sort: at most 64 blocks */
		for (k = nblk; k > 0 && blk[k - 1] > m; k--)
			blk[k] = blk[k - 1];
		blk[k] = m;
		nblk++;
	}
	return tg_onset_refine(x, lo, from, to, nblk ? 0.75f * blk[nblk / 2] : 0.0f, 3 * ms, NULL);
}

/*
 * The power step: where the power of the next STEP_POST_MS over the
 * STEP_PRE_MS before steps up most, at a stride of half a millisecond (a
 * millisecond under 2 kHz), over x[a, b) (indices into the event window);
 * SIZE_MAX when no position has the history it needs and power before it
 * (digital zeros).  Inside a chain it is the onset: the backward walk from
 * the peak stops where the envelope falls under twice the pre-event level,
 * and inside a sustained blast that level is the ringing itself: the walk
 * ended at the new shot's peak, 20-30 ms after it began (docs/audio.md,
 * eleventh round).  A ratio of powers finds the start of what the new
 * shot adds, at any level of ringing.  Outside a chain it corrects a walk
 * that ran back through a sound just before the blast (tg_shot_onset()).
 */
#define STEP_PRE_MS 10
#define STEP_POST_MS 3
#define STEP_LATE_MS 8   /* a steeper step this far after the walk's onset is the blast's */

static double sum_squares(const float *x, size_t a, size_t b)
{
	double s = 0.0;

	for (size_t q = a; q < b; q++)
		s += (double)x[q] * x[q];
	return s;
}

/* the power after over the power before, from their sums of squares (0
 * with nothing before) */
static double power_ratio(double pre, double post)
{
	return pre > 0.0 ? (post / STEP_POST_MS) / (pre / STEP_PRE_MS) : 0.0;
}

/* the power of the STEP_POST_MS after x[j] over the STEP_PRE_MS before it (0 if
 * there is not that much history or nothing before) */
static double step_ratio(const float *x, size_t nx, size_t j, size_t ms)
{
	if (j < STEP_PRE_MS * ms || j + STEP_POST_MS * ms > nx)
		return 0.0;
	return power_ratio(sum_squares(x, j - STEP_PRE_MS * ms, j),
			   sum_squares(x, j, j + STEP_POST_MS * ms));
}

static size_t step_onset(const float *x, size_t nx, size_t a, size_t b, size_t ms)
{
	const size_t stride = ms / 2 ? ms / 2 : 1, npre = STEP_PRE_MS * ms, npost = STEP_POST_MS * ms;
	size_t j, q, best = SIZE_MAX;
	double best_ratio = 0.0, pre = 0.0, post = 0.0, pre_max = 0.0, post_max = 0.0;

	if (a < npre)
		a = npre;
	if (a >= b || a + npost > nx)
		return SIZE_MAX;
	/* the two sums slide with j (a stride in, a stride out), so each
	 * position costs a stride, not 13 ms, of samples */
	pre = sum_squares(x, a - npre, a);
	post = sum_squares(x, a, a + npost);
	for (j = a;;) {
		double r = power_ratio(pre, post);

		if (r > best_ratio) {
			best_ratio = r;
			best = j;
		}
		if (j + stride >= b || j + stride + npost > nx)
			break;
		for (q = j; q < j + stride; q++) {
			pre += (double)x[q] * x[q] - (double)x[q - npre] * x[q - npre];
			post += (double)x[q + npost] * x[q + npost] - (double)x[q] * x[q];
		}
		j += stride;
		/* what slid out leaves its rounding behind: where a sum has
		 * fallen far under its largest (a loud sound, then digital
		 * zeros or a quiet stretch) it is summed again, so that zeros
		 * give 0, not a residue that would make any ratio huge */
		pre_max = pre > pre_max ? pre : pre_max;
		post_max = post > post_max ? post : post_max;
		if (pre < 1e-6 * pre_max)
			pre = sum_squares(x, j - npre, j);
		if (post < 1e-6 * post_max)
			post = sum_squares(x, j, j + npost);
	}
	return best;
}

/*
 * Where the event starts: the later of two walks, one on the samples and
 * one on their first difference (into w->dx).  Each walk errs only
 * early: on the samples, speech and rumble (strongest below 1 kHz) around
 * a blast at 0-5 dB SNR keep the walk going (it ended 20-50 ms early on
 * one leader in ten); on the difference, which lifts the blast's abrupt
 * broadband start out of them, a faint click or rattle before the blast
 * (weak in the samples, where the onset is defined) does.  And both
 * walk through an earlier sound that the blast follows closely (a
 * background knock, a voice 20-30 ms before it: the level between them
 * stays within 20 dB of the blast's peak), so a power step (step_onset())
 * steeper than the one at the walks' onset and more than STEP_LATE_MS
 * after it is where the blast starts (since version 19).  Inside a
 * chain the walk errs late instead (step_onset()), so there the power
 * step is taken, searched over the candidate's frames and the half frame
 * before them.  Measured in docs/audio.md.
 */
int64_t tg_shot_onset(struct tg_shot_window *w, int64_t lo, int64_t from, int64_t to,
		      int in_chain)
{
	const size_t ms = (size_t)w->rate / 1000, half = (size_t)w->on->n / 2;
	const size_t l = (size_t)(lo - w->w0), f = (size_t)(from - w->w0), t = (size_t)(to - w->w0);
	/* the power step is searched over the candidate's frames and the half
	 * frame before them */
	const size_t nx = (size_t)(w->w1 - w->w0), sa = f > half ? f - half : 0,
		     sb = t > half ? t - half : t;
	size_t i, raw, dif, step;
	double here;

	if (in_chain) {
		raw = step_onset(w->x, nx, sa, sb, ms);
		if (raw == SIZE_MAX)   /* nothing to step up from: the walk */
			raw = walk_onset(w->x, l, f, t, ms);
		return w->w0 + (int64_t)raw;
	}
	w->dx[0] = 0.0f;
	for (i = 1; i < t; i++)
		w->dx[i] = w->x[i] - w->x[i - 1];
	raw = walk_onset(w->x, l, f, t, ms);
	dif = walk_onset(w->dx, l, f, t, ms);
	if (dif > raw)
		raw = dif;
	/* a later step up, steeper than the one where the walks stopped; not
	 * judged where that onset has no history to step up from (a window
	 * that starts at the event) */
	here = step_ratio(w->x, nx, raw, ms);
	if (here > 0.0) {
		step = step_onset(w->x, nx, sa, sb, ms);
		if (step != SIZE_MAX && step > raw + STEP_LATE_MS * ms) {
			double there = step_ratio(w->x, nx, step, ms);

			if (there > 1.0 && there > here)
				raw = step;
		}
	}
	return w->w0 + (int64_t)raw;
}

/*
 * The largest step (first difference) of x over the samples [a, b), and
 * where it is (the first of equals; a if all are 0).
 */
static double largest_step(const float *x, int64_t w0, int64_t a, int64_t b, int64_t *at)
{
	double m = 0.0;

	*at = a;
	for (int64_t i = a; i < b; i++) {
		double d = fabs((double)x[i - w0] - x[i - w0 - 1]);
		if (d > m) {
			m = d;
			*at = i;
		}
	}
	return m;
}

/*
 * How much of the event's first 40 ms of high-frequency energy (the first
 * difference) lies within 3.5 ms of its sharpest point, above what the
 * 3-30 ms before the onset carry.  A supersonic bullet's shock wave (an
 * N-wave of 0.15-0.4 ms, then its ground reflection 0.3-2 ms later) puts
 * nearly all of it there (0.8-1, most above 0.95); a muzzle blast, a clap or a drum keeps
 * ringing for tens of ms (under 0.4).
 */
static float compactness(const float *x, int64_t w0, int64_t w1, int64_t onset, int64_t ms)
{
	int64_t i, p, a, b;
	double bg = 0.0, es = 0.0, el = 0.0;
	int nbg = 0;

	if (onset - 30 * ms - 1 < w0 || onset + 45 * ms >= w1)
		return 0.0f;
	for (i = onset - 30 * ms; i < onset - 3 * ms; i++, nbg++)
		bg += (double)(x[i - w0] - x[i - w0 - 1]) * (x[i - w0] - x[i - w0 - 1]);
	bg /= nbg;
	largest_step(x, w0, onset, onset + 5 * ms, &p);
	a = p - ms / 2;
	b = p + 3 * ms;
	for (i = a; i < p + 40 * ms; i++) {
		double d = (double)x[i - w0] - x[i - w0 - 1];
		el += d * d - bg;
		if (i < b)
			es += d * d - bg;
	}
	if (el <= 0.0 || es <= 0.0)
		return 0.0f;
	return es >= el ? 1.0f : (float)(es / el);
}

/*
 * How far the sharpest step (first difference) of the first 5 ms stands
 * above the sharpest of the 3-30 ms before the onset, dB.  The jump of
 * the waveform's peak misses a crack that arrives while a blast rings
 * (the ringing is loud below 1 kHz, where a crack has little); its steps
 * are what the crack adds.
 */
static float step_jump(const float *x, int64_t w0, int64_t w1, int64_t onset, int64_t ms)
{
	int64_t at;

	if (onset - 30 * ms - 1 < w0 || onset + 5 * ms >= w1)
		return 0.0f;
	return (float)(20.0 * log10((largest_step(x, w0, onset, onset + 5 * ms, &at) + 1e-9) /
				    (largest_step(x, w0, onset - 30 * ms, onset - 3 * ms, &at) + 1e-9)));
}

void tg_shot_measure(const struct tg_shot_window *w, int64_t onset, int64_t k,
		     struct tg_shot_event *e)
{
	const int hop = w->on->hop, nb = w->on->nbands;
	const int64_t ms = w->rate / 1000, w0 = w->w0, w1 = w->w1, last = w->last_frame;
	size_t i;
	double apk = 0.0, per[TG_ONSET_MAXBANDS], num = 0.0, den = 0.0;
	double pfl = 0.0, ptot = 0.0, tail = 0.0;
	float p50 = 0.0f, p30 = 0.0f, p10 = 0.0f;
	int64_t pf = k, g, ntail = 0;
	int b, nhf = 0, nlf = 0, nwide = 0, nfull = 0, nflat = 0, run = 0;

	e->strength = frame_of(w, k)->strength;
	/* level, clipping and rise in the first 50 ms */
	for (i = (size_t)(onset - w0); i < (size_t)(w1 - w0) && (int64_t)i < onset - w0 + 50 * ms; i++) {
		float a = fabsf(w->x[i]);
		if (a > p50)
			p50 = a;
		if ((int64_t)i < onset - w0 + 30 * ms && a > p30)
			p30 = a;
		if ((int64_t)i < onset - w0 + 10 * ms && a > p10)
			p10 = a;
	}
	e->peak_dbfs = 20.0f * log10f(p50 + 1e-9f);
	/* how far the event's first 10 ms stand above what came just before */
	{
		float m = 0.0f;
		int64_t c;
		for (c = onset - 30 * ms; c < onset - 3 * ms; c++)
			if (c >= w0 && fabsf(w->x[c - w0]) > m)
				m = fabsf(w->x[c - w0]);
		e->jump_db = 20.0f * log10f((p10 + 1e-9f) / (m + 1e-9f));
	}
	e->compact = compactness(w->x, w0, w1, onset, ms);
	e->step_jump_db = step_jump(w->x, w0, w1, onset, ms);
	/* clipping of this event (its first 50 ms, where p50 is its peak; a
	 * later, louder shot is an event of its own): samples at full scale
	 * (within 0.5 dB: a lossy codec rounds a clipped top off and lets it
	 * overshoot), or a flat top below it (a clipped recording scaled down
	 * later): a run of >= 3 steps of under 0.1 % at the event's peak */
	for (i = (size_t)(onset - w0); i < (size_t)(w1 - w0) && (int64_t)i < onset - w0 + 50 * ms; i++) {
		float a = fabsf(w->x[i]);
		if (a >= 0.944f)
			nfull++;
		if (i > 0 && a > 0.3f && a >= 0.99f * p50 && fabsf(w->x[i] - w->x[i - 1]) < 1e-3f * a) {
			if (++run >= 3)
				nflat = 1;
		} else {
			run = 0;
		}
	}
	e->clipped = nfull >= 3 || nflat;
	for (i = (size_t)(onset - w0); i < (size_t)(w1 - w0); i++)
		if (fabsf(w->x[i]) >= 0.7f * p30)
			break;
	e->rise_ms = (float)((double)(i - (size_t)(onset - w0)) * 1000.0 / w->rate);

	/* spectral features at the frame where the added power peaks */
	for (g = k; g <= k + 4 && g <= last; g++) {
		double a = added_power(frame_of(w, g), nb, NULL);
		if (a > apk) {
			apk = a;
			pf = g;
		}
	}
	added_power(frame_of(w, pf), nb, per);
	{
		const struct tg_onset_frame *f = frame_of(w, pf);
		/* the bands the recording carries, as known when the event's
		 * lookahead is complete (one frame for every way of cutting the
		 * stream into blocks) */
		int64_t kc = k + (int64_t)(TG_SHOT_POST_MS * w->rate / 1000.0) / hop;
		uint32_t carried = frame_of(w, kc < last ? kc : last)->carried;
		int ncarried = tg_onset_ncarried(carried);
		float hf = 0.0f, lf = 0.0f, vhf = 0.0f;
		int nvhf = 0;

		for (b = 0; b < nb; b++) {
			float x = f->excess_db[b] > 0.0f ? f->excess_db[b] : 0.0f;
			double p = pow(10.0, f->band_db[b] / 10.0);

			num += per[b] * w->on->band_hz[b];
			den += per[b];
			ptot += p;
			pfl += p / pow(10.0, f->excess_db[b] / 10.0);
			if (!(carried & (1u << b)))
				continue;   /* above the recording's band: nothing to measure */
			if (w->on->band_hz[b] >= 2000.0f) {
				hf += x;
				nhf++;
			}
			if (w->on->band_hz[b] >= 4000.0f) {
				vhf += x;
				nvhf++;
			}
			if (w->on->band_hz[b] < 500.0f) {
				lf += x;
				nlf++;
			}
			if (x >= 10.0f)
				nwide++;
		}
		/* NAN: the recording carries no band there (a band-limited one) */
		e->hf_db = nhf ? hf / nhf : NAN;
		e->lf_db = nlf ? lf / nlf : NAN;
		e->vhf_db = nvhf ? vhf / nvhf : NAN;
		e->width = ncarried ? (float)nwide / ncarried : 0.0f;
		e->centroid_hz = den > 0.0 ? (float)(num / den) : 0.0f;
		e->snr_db = pfl > 0.0 ? (float)(10.0 * log10(ptot / pfl)) : 0.0f;
	}
	/* decay of the added power, and the tail 60-250 ms after the onset */
	e->decay_ms = (float)TG_SHOT_POST_MS;
	for (g = pf + 1; g <= last && (g - pf) * hop < (int64_t)(TG_SHOT_POST_MS * w->rate / 1000.0); g++) {
		double a = added_power(frame_of(w, g), nb, NULL);
		if (a < apk * 0.01) {
			e->decay_ms = (float)((double)(g - pf) * hop * 1000.0 / w->rate);
			break;
		}
	}
	for (g = (onset + 60 * ms) / hop; g <= last && g * hop < onset + 250 * ms; g++) {
		tail += added_power(frame_of(w, g), nb, NULL);
		ntail++;
	}
	e->tail_db = ntail && apk > 0.0 ? (float)(10.0 * log10(tail / ntail / apk + 1e-12)) : -120.0f;
}

/*
 * Periodicity of x[a, b): the best normalised autocorrelation of the
 * first difference at lags of 2.5-12.5 ms (voice pitch 80-400 Hz).  A
 * vowel or a note repeats itself each pitch period (0.6-0.95); the
 * ringing of a blast, a clap or crowd noise does not (0.1-0.4).  The
 * first difference keeps a blast's low-frequency boom from looking
 * periodic.  Summed over 4 samples (6 kHz at 24 kHz: pitch and its first
 * harmonics survive), which keeps the cost at ~40k multiply-adds an event.
 */
static float periodicity(const float *x, int64_t a, int64_t b, int rate)
{
	enum { MAXN = 1200 };
	float d[MAXN];
	int n = 0, lag, lo = rate / 4 / 400, hi = rate / 4 / 80;
	double best = 0.0;

	for (int64_t i = a + 4; i + 3 < b && n < MAXN; i += 4)
		d[n++] = (x[i] + x[i + 1] + x[i + 2] + x[i + 3]) -
			 (x[i - 4] + x[i - 3] + x[i - 2] + x[i - 1]);
	if (n < 2 * hi || lo < 1)
		return 0.0f;
	for (lag = lo; lag <= hi; lag++) {
		double xy = 0.0, xx = 0.0, yy = 0.0;
		for (int i = 0; i + lag < n; i++) {
			xy += (double)d[i] * d[i + lag];
			xx += (double)d[i] * d[i];
			yy += (double)d[i + lag] * d[i + lag];
		}
		if (xx > 0.0 && yy > 0.0 && xy / sqrt(xx * yy) > best)
			best = xy / sqrt(xx * yy);
	}
	return (float)best;
}

float tg_shot_periodicity(const struct tg_shot_window *w, int64_t onset)
{
	const int64_t ms = w->rate / 1000;
	int64_t h1 = onset + 120 * ms < w->w1 ? onset + 120 * ms : w->w1;

	return periodicity(w->x, onset + 20 * ms - w->w0, h1 - w->w0, w->rate);
}

/*
 * An N-wave of 0.15-0.4 ms has its energy at 1.5-6 kHz and almost none
 * below 500 Hz, where a muzzle blast has most of its own (lf - hf of the
 * shots: +5 to +30 dB); it is the loudest thing around when it passes.
 */
int tg_shot_is_crack(const struct tg_shot_event *e)
{
	/* a recording that does not carry both bands cannot show the contrast */
	return e->compact >= TG_CRACK_MIN_COMPACT && !isnan(e->hf_db) && !isnan(e->lf_db) &&
	       e->hf_db - e->lf_db >= TG_CRACK_MIN_HF_OVER_LF_DB &&
	       e->rise_ms <= TG_CRACK_MAX_RISE_MS && e->step_jump_db >= TG_CRACK_MIN_STEP_JUMP_DB;
}

static float clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * The gunshot score.  Each term is a documented physical argument, in
 * points; the sum is > 0 for gunshot-like events.  See docs/audio.md.
 */
float tg_shot_score(const struct tg_shot_event *e)
{
	float sc = -5.0f;

	/* a muzzle blast keeps ringing (ground reflection, reverberation):
	 * claps and drum hits are 10-20 dB down after 60 ms */
	sc += clampf((e->tail_db + 7.0f) / 3.0f, -2.0f, 2.0f);
	/* but nothing after a blast is louder than the blast: an event whose
	 * next 60-250 ms carry more power than its onset is the start of a
	 * voice, an engine or music (a burst's overlapping shots add up to
	 * ~+5 dB, so only the excess over 4 dB counts, and little) */
	sc -= clampf(e->tail_db - 4.0f, 0.0f, 3.0f);
	sc += clampf((e->decay_ms - 200.0f) / 100.0f, -2.0f, 1.5f);
	/* a blast carries much of its energy below 500 Hz; a clap is mostly
	 * 1-4 kHz (centroid around 2 kHz) */
	if (!isnan(e->lf_db) && !isnan(e->hf_db))   /* both bands carried */
		sc += clampf((e->lf_db - e->hf_db) / 10.0f, -2.0f, 1.0f);
	sc += clampf((1500.0f - e->centroid_hz) / 500.0f, -2.0f, 1.0f);
	/* impulsive and broadband: the whole spectrum jumps at once, which
	 * speech onsets do not */
	sc += clampf((e->strength - 4.0f) / 3.0f, -2.0f, 2.0f);
	sc += clampf((e->width - 0.5f) / 0.15f, -2.0f, 1.0f);
	/* a blast reaches far above speech and most street noise: its
	 * excess above 4 kHz is what a voice onset lacks */
	if (!isnan(e->vhf_db))   /* a recording without it is not judged by it */
		sc += clampf((e->vhf_db - 4.0f) / 2.0f, -2.0f, 1.5f);
	/* and it stands out of what came just before (speech syllables
	 * grow out of the previous one) */
	sc += clampf((e->jump_db - 6.0f) / 4.0f, -1.5f, 1.5f);
	/* a blast is within 70 % of its peak a few ms after its onset (the
	 * conformance shots: 0.1-10 ms, median 5); a blow that builds up (a
	 * hammer on a body: 9-16 ms) or a swelling sound rises for longer */
	sc -= clampf((e->rise_ms - 8.0f) / 2.0f, 0.0f, 2.0f);
	/* a voice or an instrument after the onset repeats each pitch period;
	 * the noise of a blast and its reverberation does not */
	sc -= clampf((e->harmonicity - 0.22f) / 0.04f, 0.0f, 6.0f);
	return sc;
}

