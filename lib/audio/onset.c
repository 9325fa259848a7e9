/* onset.c - band-energy onset strength with adaptive floors; see onset.h. */
#include "audio/onset.h"

#include <math.h>
#include <string.h>

#include <libavutil/mem.h>

#include "util/error.h"
#include "util/select.h"

#define FLOOR_STEP_DB 0.04f   /* median tracker step per hop (~7 dB/s at 24 kHz) */
#define FLOOR_FAST_DB 0.5f    /* faster while the first second settles */
#define FLUX_ALPHA 0.01f      /* averaging of the usual rise, ~0.5 s */
#define FLUX_CLAMP_DB 12.0f   /* one impulse must not inflate the usual rise */
#define MIN_DB -100.0f        /* band levels are floored here ... */
#define GATE_UNDER_DB 45.0f   /* ... or this far under the loudest band's median, if lower */
#define GATE_LOWEST_DB -160.0f /* ... but not under this */
#define CARRIED_SPAN_DB 50.0f /* a band within this of the frame's median is carried */
#define CARRIED_MIN_FRAMES 8  /* ... in this many frames (a loud event's leakage
                               * past a low-pass edge reaches it in one or two) */
#define CARRIED_SETTLE_S 2.0  /* ... judged after this much sound */
#define QUIET_OPENING_DB 20.0f /* a first frame this far under the median opens with a priming or a fade-in */
#define QUIET_OPENING_END_DB 6.0f /* ... which lasts while the frames stay this far under it */
#define OPENING_DB 10.0f      /* a first frame this far over the floors seeded after it opens with an event */

int tg_onset_init(struct tg_onset *o, int rate)
{
	double fmax, binhz, flo = 100.0;
	int n = 64, nb = 20, prev_edge = 1, k;

	memset(o, 0, sizeof(*o));
	if (rate < 4000 || rate > 384000)
		return tg_error(TG_EINVAL, "onset: unsupported sample rate %d", rate);
	while (n * 2 <= rate * 0.016)
		n *= 2;
	o->rate = rate;
	o->n = n;
	o->hop = n / 2;
	o->win = av_malloc(sizeof(float) * n);
	o->in = av_malloc(sizeof(float) * n);
	o->spec = av_malloc(sizeof(float) * (n + 2));
	if (!o->win || !o->in || !o->spec)
		goto nomem;
	if (tg_rfft_init(&o->fft, n, 0.0f, "onset") < 0)
		goto nomem;
	for (k = 0; k < n; k++)
		o->win[k] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (k + 0.5) / n));

	fmax = rate / 2.0 < 16000.0 ? rate / 2.0 : 16000.0;
	binhz = (double)rate / n;
	for (k = 0; k < nb && o->nbands < TG_ONSET_MAXBANDS; k++) {
		double f1 = flo * pow(fmax / flo, (double)(k + 1) / nb);
		int e = (int)lrint(f1 / binhz);

		if (e > n / 2)
			e = n / 2;
		if (e <= prev_edge)
			continue;     /* narrower than a bin: merged into the next band */
		o->band_lo[o->nbands] = prev_edge;
		o->band_hi[o->nbands] = e;
		o->band_hz[o->nbands] = (float)(binhz * (prev_edge + e - 1) / 2.0);
		o->nbands++;
		prev_edge = e;
	}
	return 0;
nomem:
	tg_onset_release(o);
	return tg_error(TG_ENOMEM, "onset: out of memory");
}

void tg_onset_release(struct tg_onset *o)
{
	if (!o)
		return;
	tg_rfft_release(&o->fft);
	av_freep(&o->win);
	av_freep(&o->in);
	av_freep(&o->spec);
}

int tg_onset_ncarried(uint32_t carried)
{
	return __builtin_popcount(carried);
}

/*
 * The floor of the band levels (the gate): MIN_DB keeps an empty band
 * (the bands above a low-pass) from rising by a hundred dB at every
 * click, but a recording made much quieter than usual has real sound down
 * there, so for it the gate follows its level down: GATE_UNDER_DB under
 * the loudest band's running median whenever that is below MIN_DB + 45 =
 * -55 dB (most test clips stay above it, a few dip to -62: there the gate
 * comes down to -107 dB), never under GATE_LOWEST_DB (float audio
 * quieter than that is silence for any purpose).  Before the trackers
 * exist, the first frame with sound sets it from its own loudest band.
 */
static float level_gate(const struct tg_onset *o, float loudest_now)
{
	float loudest = loudest_now, gate;
	int b;

	if (o->frames > 0)
		for (b = 0, loudest = -1e30f; b < o->nbands; b++)
			if (o->floor_db[b] > loudest)
				loudest = o->floor_db[b];
	gate = loudest - GATE_UNDER_DB;
	if (gate > MIN_DB)
		gate = MIN_DB;
	return gate < GATE_LOWEST_DB ? GATE_LOWEST_DB : gate;
}

/*
 * The bands carried as of this frame (raw: its band levels before the
 * gate, which would bring an empty band within the span of a quiet
 * frame).  A band is carried once it has come near the median band
 * in CARRIED_MIN_FRAMES frames with sound: what a low-pass left above its
 * edge does so only in the loudest frame or two, if ever.
 */
static uint32_t track_carried(struct tg_onset *o, const float *raw, float gate)
{
	float sorted[TG_ONSET_MAXBANDS] = { 0 }, median;
	int b, k;

	if (o->nbands == 0)
		return 0;
	for (b = 0; b < o->nbands; b++) {   /* insertion sort: at most 24 */
		for (k = b; k > 0 && sorted[k - 1] > raw[b]; k--)
			sorted[k] = sorted[k - 1];
		sorted[k] = raw[b];
	}
	median = sorted[o->nbands / 2];
	if (sorted[o->nbands - 1] > gate)   /* a frame with sound */
		for (b = 0; b < o->nbands; b++)
			if (o->near[b] < CARRIED_MIN_FRAMES && raw[b] >= median - CARRIED_SPAN_DB &&
			    ++o->near[b] == CARRIED_MIN_FRAMES)
				o->seen |= 1u << b;
	/* until the recording has been heard for a while (o->frames counts
	 * the frames with sound), every band counts, as if it carried all:
	 * the judgement without this test */
	if (o->frames < (long)(CARRIED_SETTLE_S * o->rate / o->hop))
		return (uint32_t)((1ull << o->nbands) - 1);
	return o->seen;
}

/* The frame's band levels (dB, before the gate) into raw; returns the loudest. */
static float band_levels(struct tg_onset *o, const float *frame, float *raw)
{
	float norm = 1.0f / ((float)o->n * (float)o->n), loudest = -1e30f;
	int k, b;

	for (k = 0; k < o->n; k++)
		o->in[k] = frame[k] * o->win[k];
	tg_rfft_forward(&o->fft, o->in, o->spec);

	for (b = 0; b < o->nbands; b++) {
		float p = 0.0f;

		for (k = o->band_lo[b]; k < o->band_hi[b]; k++) {
			float re = o->spec[2 * k], im = o->spec[2 * k + 1];
			p += re * re + im * im;
		}
		raw[b] = 10.0f * log10f(p * norm + 1e-30f);
		if (raw[b] > loudest)
			loudest = raw[b];
	}
	return loudest;
}

int tg_onset_has_sound(struct tg_onset *o, const float *frame)
{
	float raw[TG_ONSET_MAXBANDS], loudest = band_levels(o, frame, raw);

	return loudest > level_gate(o, loudest);
}

/*
 * How many of the n frames (mean band levels mean[]) open the recording
 * far under the level it goes on at (the first QUIET_OPENING_DB under
 * the median, the rest until one comes within QUIET_OPENING_END_DB of
 * it) and lead into that level: an encoder's priming (the 1024 or 2112
 * samples of ramp an AAC stream without an edit list, raw ADTS or
 * MPEG-TS, starts with) or a fade-in.  They are heard as silence (the
 * background that follows would step up out of them like a blast).
 */
static int quiet_opening(const float *mean, int n)
{
	float copy[TG_ONSET_SEED_FRAMES], median;
	int k;

	memcpy(copy, mean, (size_t)n * sizeof(float));
	median = tg_select_float(copy, (size_t)n, (size_t)n / 2);
	if (mean[0] >= median - QUIET_OPENING_DB)
		return 0;
	/* a ramp: it ends where the level is near the median (the median
	 * frame at the latest, so k < n) */
	for (k = 0; mean[k] < median - QUIET_OPENING_END_DB; k++)
		;
	/* what follows them is an event, not the level the recording goes
	 * on at: they were its background (a clip cut just before a blast) */
	if (mean[k] >= median + OPENING_DB)
		return 0;
	return k;
}

void tg_onset_seed(struct tg_onset *o, const float *x, size_t nx)
{
	float raw[TG_ONSET_MAXBANDS], loudest, gate, mean[TG_ONSET_SEED_FRAMES];
	float level[TG_ONSET_MAXBANDS][TG_ONSET_SEED_FRAMES];
	size_t j;
	int nf = 0, b, quiet;

	if (o->frames != 0)
		return;   /* the trackers have a past already */
	for (j = 0; j + (size_t)o->n <= nx && nf < TG_ONSET_SEED_FRAMES; j += (size_t)o->hop) {
		loudest = band_levels(o, x + j, raw);
		gate = level_gate(o, loudest);
		if (loudest <= gate)
			continue;   /* silence: not the background's level */
		mean[nf] = 0.0f;
		for (b = 0; b < o->nbands; b++) {
			level[b][nf] = raw[b] < gate ? gate : raw[b];
			mean[nf] += level[b][nf] / (float)o->nbands;
		}
		nf++;
	}
	if (nf == 0)
		return;
	quiet = quiet_opening(mean, nf);
	for (b = 0; b < o->nbands; b++) {
		/* after a quiet opening the frame that follows it may already
		 * be an event's: the background is the lower quartile */
		float first = level[b][quiet],
		      ref = tg_select_float(level[b], (size_t)nf, (size_t)(quiet ? nf / 4 : nf / 2));

		o->floor_db[b] = first < ref ? first : ref;
		o->flux_db[b] = 3.0f;
	}
	o->quiet_left = quiet;
	o->seeded = 1;
}

/*
 * Does the first frame with sound (band levels e) rise from the seeded
 * floors?  After silence it does: what came before was the background's
 * level at most (a blast straight out of silence).  At the recording's
 * start nothing is known, and the frame is taken to continue what came
 * before (a recording cut in a loud moment of its background does not
 * start with a step), unless it stands OPENING_DB over the floors seeded
 * from the second after it in the median band (not the mean: the empty
 * bands of a band-limited recording stand at 0): a recording that opens
 * far louder than it goes on opens with an event (a clip cut at the bang).
 */
static int opens_with_event(const struct tg_onset *o, const float *e)
{
	float over[TG_ONSET_MAXBANDS];
	int b;

	if (!o->seeded || o->nbands == 0)
		return 0;
	if (o->silent)
		return 1;
	for (b = 0; b < o->nbands; b++)
		over[b] = e[b] - o->floor_db[b];
	return tg_select_float(over, (size_t)o->nbands, (size_t)o->nbands / 2) >= OPENING_DB;
}

void tg_onset_frame(struct tg_onset *o, const float *frame, struct tg_onset_frame *out)
{
	float sum = 0.0f, gate, loudest;
	float raw[TG_ONSET_MAXBANDS];
	int b, from_floor = 0, quiet;

	loudest = band_levels(o, frame, raw);
	gate = level_gate(o, loudest);
	for (b = 0; b < o->nbands; b++)
		out->band_db[b] = raw[b] < gate ? gate : raw[b];
	out->carried = track_carried(o, raw, gate);
	/* a quiet opening is heard as silence (tg_onset_seed) */
	quiet = loudest > gate && o->frames == 0 && o->quiet_left > 0;
	o->quiet_left -= quiet;
	if (loudest <= gate || quiet) {
		/* silence (digital zeros, a dropout, a damaged stretch whose
		 * samples were zeroed): nothing starts, and the trackers hold,
		 * or the floors would sink with the gate and every band stand
		 * far above them when sound comes back */
		for (b = 0; b < o->nbands; b++)
			out->excess_db[b] = o->frames ? out->band_db[b] - o->floor_db[b] : 0.0f;
		out->strength = 0.0f;
		o->silent |= o->frames == 0;
		return;
	}

	if (o->frames == 0)
		from_floor = opens_with_event(o, out->band_db);
	for (b = 0; b < o->nbands; b++) {
		float e = out->band_db[b], rise, excess, step, c;

		if (o->frames == 0) {
			if (!o->seeded) {
				o->floor_db[b] = e;
				o->flux_db[b] = 3.0f;
			}
			o->prev_db[0][b] = o->prev_db[1][b] = from_floor ? o->floor_db[b] : e;
		}
		rise = e - o->prev_db[1][b];
		excess = e - o->floor_db[b];
		c = (rise < excess ? rise : excess) - o->flux_db[b];
		if (c > 0.0f)
			sum += c;
		out->excess_db[b] = excess;

		/* update the trackers after using them: the frame is judged
		 * against the past only */
		step = o->frames < 2L * o->rate / o->n ? FLOOR_FAST_DB : FLOOR_STEP_DB;
		o->floor_db[b] += e > o->floor_db[b] ? step : -step;
		if (rise < 0.0f)
			rise = 0.0f;
		if (rise > FLUX_CLAMP_DB)
			rise = FLUX_CLAMP_DB;
		o->flux_db[b] += FLUX_ALPHA * (rise - o->flux_db[b]);
		o->prev_db[1][b] = o->prev_db[0][b];
		o->prev_db[0][b] = e;
	}
	out->strength = o->nbands ? sum / o->nbands : 0.0f;
	o->frames++;   /* frames with sound: the trackers' age */
}

size_t tg_onset_refine(const float *x, size_t lo, size_t from, size_t to, float noise,
		       size_t gap, size_t *peak_at)
{
	size_t i, peak = from, onset, run = 0;
	float p = 0.0f, thr;

	for (i = from; i < to; i++) {
		float a = fabsf(x[i]);
		if (a > p) {
			p = a;
			peak = i;
		}
	}
	if (peak_at)
		*peak_at = peak;
	thr = p * 0.1f;              /* 20 dB below the peak */
	if (thr < 2.0f * noise)
		thr = 2.0f * noise;
	/* backwards from the peak; a run of gap samples under thr ends the
	 * event's rise (one sub-threshold zero crossing does not) */
	onset = peak;
	for (i = peak; i-- > lo;) {
		if (fabsf(x[i]) >= thr) {
			onset = i;
			run = 0;
		} else if (++run > gap) {
			break;
		}
	}
	return onset;
}
