/*
 * shots.h - gunshot detection and counting on a stream of mono float PCM.
 *
 * Streaming analyser: tg_shots_new(rate), then tg_shots_push(blocks of
 * samples with the presentation time of their first sample), then
 * tg_shots_finish().  Memory is bounded: a 4 s ring of samples and of STFT
 * band frames (onset.h) and the 1 s the floors are seeded from; what grows
 * with the input is only the list of detected impulsive events (a few
 * dozen bytes each).
 *
 * Pipeline, per impulsive candidate from onset.c:
 *
 *   1. refine the time to the sample (first sample within 20 dB of the
 *      event's own peak, see tg_onset_refine; outside a chain the later
 *      of that walk on the samples and on their first difference, since
 *      each errs only early; inside a chain, where the previous shot's
 *      ringing stops the walk at the new shot's peak, where the power
 *      steps up most);
 *   2. measure features that a person can check on a spectrogram:
 *        peak_dbfs   peak sample level in the first 50 ms;
 *        clipped     samples at full scale, or repeated flat tops;
 *        snr_db      broadband level above the adaptive band floors;
 *        rise_ms     onset to 70 % of the early peak;
 *        centroid_hz centroid of the power the event adds above the floor;
 *        hf_db       mean excess above the floor in bands above 2 kHz;
 *        lf_db       mean excess above the floor in bands below 500 Hz;
 *        vhf_db      mean excess above the floor in bands above 4 kHz;
 *                    (these three over the bands the recording carries,
 *                    onset.h; NAN where it carries none, also always at
 *                    analysis rates whose Nyquist lies below the band:
 *                    the score then leaves their terms out)
 *        width       fraction of the carried bands at least 10 dB above
 *                    their floor;
 *        decay_ms    time from the peak frame until the added power has
 *                    fallen 20 dB;
 *        tail_db     added power 60-250 ms after the onset against the peak;
 *        jump_db     peak of the first 10 ms over the peak of the 27 ms
 *                    before the onset (a new shot stands out of the tail of
 *                    the previous one; a ripple inside one sound does not);
 *        harmonicity best normalised autocorrelation at voice-pitch lags
 *                    (2.5-12.5 ms) 20-120 ms after the onset: a voice or a
 *                    note is periodic, a blast and its reverberation not;
 *        compact     share of the first 40 ms of first-difference energy
 *                    within 3.5 ms of its sharpest sample;
 *        step_jump_db largest first-difference step of the first 5 ms over
 *                    the largest of the 3-30 ms before (a crack inside a
 *                    ringing blast stands out by its steps, not its peak);
 *   3. classify with an explainable score (shotfeat.c, tg_shot_score(): each
 *      feature adds or removes points for a documented physical reason)
 *      and a model of shallow trees over the score and the features,
 *      which decides (shotmodel.h);
 *      before that, a compact, bright, abrupt event that stands out is a
 *      supersonic crack (tg_shot_is_crack()): not a shot, not a chain's
 *      first shot, not an echo;
 *   4. bursts: the first 15 ms of a chain's first shot is a template, in
 *      two views (burst.h): its first difference (the impulsive,
 *      high-frequency part, robust to clipping and codecs) and the
 *      waveform whitened by the shot's own spectrum (every band alike, so
 *      a weapon's low-frequency body counts too); after every shot the
 *      next 450 ms are scanned with each (normalised correlation at every
 *      lag, a matched filter).  A peak in either view is a further
 *      shot of the same weapon when it is >= 55 ms from the others, passes
 *      0.3 and 7 robust deviations above the scan's own median correlation
 *      (what the ringing and the background give by chance), is within
 *      8.5 dB of the template's level (an echo is weaker) and carries blast
 *      energy above 2 kHz.  Repeats become shots even where the onset
 *      detector saw nothing (inside a ringing blast).  A gap of about two
 *      of the burst's intervals is looked at again at its middle, with the
 *      scan's floor and level test but not its chance threshold;
 *   5. a candidate the onset detector found inside a chain is compared
 *      with the template too (+-20 ms, the better view): it is the next
 *      shot when it matches (normalised correlation >= 0.35) at nearly the
 *      template's level
 *      (projection gain >= -8.5 dB: the burst's shots are one weapon at one
 *      distance, +-3 dB, while a reflection travels farther, loses its top
 *      to the walls and the air, and arrives 6 dB or more down) and carries
 *      energy above 2 kHz.  A repeat (scanned or tested) also needs its own
 *      score above -6: the match alone does not make a shot of an event
 *      that nothing else says is a blast; and (since version 23) the chain
 *      model, below, must not rule it out (a reflection, or a later part
 *      of the shot's own sound, matched weakly; the line: odds of 1 to
 *      2.7 since version 26, 1 to 20 before), unless it
 *      stands out of the tail as a gunshot of its own.  A candidate that
 *      the chain's template rejects is tried against the bank (burst.h:
 *      the first shots of earlier chains, a weapon's other recordings and
 *      other weapons heard before): a match >= 0.6 at the chain's level is
 *      the next shot too.  Any other event (but a crack) within 450 ms
 *      of a gunshot is an echo or the blast's own ringing, unless it is
 *      gunshot-like and stands >= 6 dB out of the tail, or,
 *      with a score above -6, taken by neither the template nor the bank
 *      and >= 55 ms after the chain's latest shot, the chain model
 *      (shotmodel.h: its features, its matches with the template and the
 *      bank and their levels, the time since that shot) says a further
 *      shot is likelier than not (another recording of the weapon, which
 *      no template matches).  Looking back (since version 27): an event
 *      a recording heard later might still make a shot (an in-chain
 *      candidate the bank and the chain model turned down, the model's
 *      log-odds above -3; an impulse the heard-before test could take) is
 *      kept for 20 s with the samples around it; each recording newly
 *      confirmed as a chain's first shot in that time (a weapon's other
 *      recording may lead a burst only after the shots of it that came
 *      first) is matched against those kept, +-20 ms by the first
 *      difference, at the level of the chain the event was in, or of the
 *      latest one, or before any chain at the recording's own; at the end
 *      a match >= 0.6 (an impulse's >= 0.7) makes a shot (a repeat, or
 *      heard), unless another gunshot lies within 55 ms (or a heard one
 *      would move onto another event): the stretch of fire around an
 *      event, not only what came before it, says whose it is.
 *      Gunshots <= 200 ms apart form a burst;
 *   6. confidence: the gunshot model's probability (fitted on generated
 *      clips; for what the chain model judged, its further shots, the
 *      repeats and what it turned down, its probability), or for a repeat
 *      through the bank and a shot heard before, their correlation (Platt
 *      scaling).  A repeat the chain model doubts but does not rule out is
 *      a shot whose confidence can be under 0.5: the rules took it.
 *
 * Times are seconds on the caller's timeline: push() gives the time of the
 * block's first sample, so gaps and non-zero start times are honoured.
 */
#ifndef TG_AUDIO_SHOTS_H
#define TG_AUDIO_SHOTS_H

#include <stddef.h>

#include "audio/onset.h"

enum tg_shot_class {
	TG_SHOT_GUNSHOT = 0,
	TG_SHOT_IMPULSE,      /* impulsive but not gunshot-like: clap, drum, door */
	TG_SHOT_ECHO,         /* a reflection or reverberation of an earlier event */
	TG_SHOT_CRACK,        /* a supersonic bullet's shock wave: not a shot of its own
	                       * (its muzzle blast follows); the start of crack-bang ranging */
};

/* Why a gunshot is one (what an investigator weighs: a shot heard on its
 * own, or inferred from the burst it belongs to). */
enum tg_shot_basis {
	TG_SHOT_BY_OWN = 0, /* its own features (the model, shotmodel.h), or not a gunshot */
	TG_SHOT_BY_REPEAT,    /* it repeats the burst's first shot (template match) or
	                       * another burst's (the bank, or looking back) */
	TG_SHOT_BY_RHYTHM,    /* a weaker repeat, at a gap of the burst's rhythm */
	TG_SHOT_BY_CHAIN,     /* inside a burst, taken by no template: the chain model */
	TG_SHOT_BY_HEARD,     /* outside every burst, a recording heard as a shot elsewhere
	                       * in the recording (before it, or after it: looking back) */
	TG_SHOT_BY_COUNT      /* how many bases there are (not a basis) */
};

/* Outside a chain, a recording already heard as a gunshot (and carrying
 * energy above 2 kHz; shots.c) is a shot unless the model all but rules
 * it out: log-odds at or below this
 * (-2.5 and -3 tie on the development half and -1.5 to -3.5 differ by
 * 0.004 on every set; docs/audio.md, fourteenth round). */
#define TG_SHOT_HEARD_MIN_LOGIT (-3.0f)

/* Inside a chain, a repeat (a match with the chain's first shot, found
 * by the scan or by the in-chain test) is a shot of the burst unless the
 * chain model rules it out: its log-odds at or below this, odds of 1 to
 * 2.7, a probability of 0.27 (since version 26; -3 before).  The line
 * stays under even odds: the conformance clips' own burst shots
 * (clipped, re-encoded, with reflections) match their template as
 * weakly as a generated reflection does; at 0 one of them (log-odds
 * -0.1) and the two after it were lost, at -0.5 the re-encoded clips
 * lost a shot each; at -1 every set keeps or gains (docs/audio.md,
 * twenty-second round). */
#define TG_SHOT_REPEAT_MIN_CHAIN_LOGIT (-1.0f)

/* Inside a chain, an event the model calls a gunshot by its own features
 * that stands this far (dB, its jump) out of the tail is a shot itself,
 * whatever the chain's templates and its model say. */
#define TG_SHOT_STANDOUT_DB 6.0f

/* An event that swings less than this (dBFS, half its peak-to-peak over
 * its first 10 ms) is no sound but the converter's rounding: four steps
 * of 16-bit audio (a step is -90.3 dBFS), where a quiet room's hiss
 * flickers between neighbouring steps and every flicker is a perfect
 * impulse (brown noise at one step gave 33 false shots in 4 s).  It is
 * not an event.  The quietest shots measured swing far above it: they
 * peak at -55 dBFS in the generated clips, at -68 in the conformance
 * clips made 60 dB quieter. */
#define TG_SHOT_MIN_SWING_DBFS (-78.0f)

struct tg_shot_event {
	double time_s;        /* onset on the caller's timeline */
	float peak_dbfs;
	int clipped;
	float snr_db;
	float rise_ms;
	float centroid_hz;
	float hf_db;           /* NAN where the recording carries no band (lf, hf, vhf) */
	float lf_db;
	float vhf_db;          /* mean excess above the floor in bands above 4 kHz */
	float width;
	float decay_ms;
	float tail_db;
	float jump_db;         /* first 10 ms peak over the 3-30 ms before it */
	float step_jump_db;    /* the same for the first difference: largest step of the
	                        * first 5 ms over the largest of the 3-30 ms before */
	float compact;         /* share of the first 40 ms of added high-frequency energy
	                        * (first difference) within 3.5 ms of its sharpest sample, 0..1 */
	float harmonicity;    /* periodicity 20-120 ms after the onset, 0..1 (voice, music);
	                         * measured for gunshot-like events and chain candidates only */
	float strength;       /* onset strength, dB (onset.h) */
	float repeat_ncc;     /* correlation with the chain's first shot (its better view), or
	                       * with the bank entry that made it a shot; 0 if none */
	float repeat_gain_db; /* level of that match against the chain's first shot */
	/* what the chain model judged, a candidate or a repeat (NAN for every
	 * other event): */
	float gap_ms;         /* time since the chain's latest shot */
	float bank_ncc;       /* best match among the bank's other recordings (0 if none;
	                       * NAN for a repeat: the bank is not looked in) */
	float bank_gain_db;   /* ... its level against the chain's first shot */
	float chain_logit;    /* the chain model's log-odds of a further shot (shotmodel.h) */
	float score;          /* the rule score, > 0 means gunshot-like (its terms:
	                       * shotfeat.c, docs/audio.md) */
	float logit;          /* the model's log-odds of a gunshot from the features
	                       * above, the score among them (shotmodel.h); > 0 decides
	                       * a gunshot by its own features */
	enum tg_shot_class cls;
	enum tg_shot_basis basis;
	float confidence;     /* 0..1 that the class is right (a shot the rules took that
	                       * the chain model doubts can be under 0.5) */
	int burst;            /* burst number (1-based) for gunshots, 0 if single */
	int echo_of;          /* index of the event this echoes, or -1 */
};

struct tg_shots_result {
	struct tg_shot_event *events;  /* every impulsive event, in time order */
	size_t n_events;
	size_t n_shots;                /* events with cls == TG_SHOT_GUNSHOT */
	size_t n_cracks;               /* events with cls == TG_SHOT_CRACK */
	int n_bursts;
	double duration_s;             /* audio analysed */
};

struct tg_shots;

struct tg_shots *tg_shots_new(int rate);
/* n samples at rate; t0 = presentation time of x[0] in seconds. */
int tg_shots_push(struct tg_shots *s, const float *x, size_t n, double t0);
/* Flush, post-process (echoes, bursts) and hand the events to res. */
int tg_shots_finish(struct tg_shots *s, struct tg_shots_result *res);
void tg_shots_free(struct tg_shots *s);

void tg_shots_result_release(struct tg_shots_result *res);

const char *tg_shots_class_name(enum tg_shot_class c);
const char *tg_shots_basis_name(enum tg_shot_basis b);

#endif
