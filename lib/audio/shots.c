/* shots.c - impulsive candidates, chains of shots and the decisions; see shots.h. */
#include "audio/shots.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audio/burst.h"
#include "audio/shotfeat.h"
#include "audio/shotmodel.h"
#include "util/error.h"

#define RING_SECONDS 4.0
#define PRE_MS 100.0       /* history kept before an onset for noise and refinement */
#define PICK_HALF 3        /* local-maximum half width in frames (~16 ms) */
#define REFRACTORY_MS 30.0 /* one event cannot start twice within this */
#define SAME_ONSET_MS 5.0  /* two onsets this close are one event's */
#define MAX_PENDING 64
#define MAX_ANCHORS 64
#define REPEAT_NEAR_NCC 0.35f /* a candidate inside a chain that matches the template this well */
#define SCAN_MATCH_MS 25.0 /* a candidate this close to a found repeat is that repeat */
/* confidence of a repeat through the bank taken on its match alone (Platt
 * scaling fitted on 200 clips of the generated development half for
 * analyser v4, for every such repeat until version 23; what the chain
 * model judged has its probability, any other event the event model's;
 * test_shots.c prints the reliability) */
#define CONF_NCC_A 10.128f
#define CONF_NCC_B -3.785f
/* ... and of a shot heard before (fitted on its 82 shots in 400 clips of
 * the development half for analyser v19) */
#define CONF_HEARD_A 4.773f
#define CONF_HEARD_B -0.864f
/* ... and of one heard looking back (fitted on its 83 shots in 800 clips
 * of the development half for analyser v28: right 61 times, and hardly
 * more often at a better match; the forward scaling above had rated them
 * 0.96 on average) */
#define CONF_HEARD_BACK_A 1.429f
#define CONF_HEARD_BACK_B -0.201f
#define REPEAT_MIN_HF_DB 3.0f /* a shot of a burst still carries blast energy above 2 kHz */
#define REPEAT_SURE_NCC 0.5f  /* ... unless its waveform matches this well (the floor rises in a burst) */
#define DC_BLOCK_HZ 0.5        /* the DC blocker's corner (dc_block()) */
#define REPEAT_MIN_SCORE -6.0f /* a repeat whose own features all say "not a blast" is not taken on the match alone */
/* the chain model adds a shot the chain's rules call an echo when it
 * says a shot is likelier than not (measured at 0, 0.5 and 1: 0 is as
 * good or better on every set, docs/audio.md, thirteenth round) */
#define CHAIN_MIN_LOGIT 0.0f

struct anchor {
	int64_t idx;
	double t0;
};

/*
 * Looking back: an event that a recording heard as a confirmed shot later
 * might still make a shot (an in-chain candidate the bank and the chain
 * model turned down, an impulse the heard-before test could take) is kept
 * with what its test needs: the samples around its onset and what the
 * chain stood at then, for RETRO_HORIZON_S (a weapon's other recording
 * leads a burst within the same exchange of fire, and the memory stays
 * bounded: at most RETRO_MAX events kept, ~5.5 KB each at 24 kHz).  Each
 * recording newly heard as a confirmed shot is matched against those kept
 * (their best match is kept), and at the end a match at the bank's line
 * makes a shot (retro_decide()).
 */
#define RETRO_HORIZON_S 20.0
#define RETRO_MAX 2048
/* looking back, a single impulse is heard at this match, not the bank's
 * 0.6: at 0.6 the impulses it took were right 13 times in 23 on the
 * held-out half (200 clips), at 0.7 the half gains as much with its heard
 * shots right 48 times in 60 (docs/audio.md, twenty-third round) */
#define RETRO_HEARD_NCC 0.7f
struct retro {
	size_t ev;                 /* the event's index (before the events are sorted) */
	int64_t onset;             /* its onset */
	int64_t last;              /* the chain's latest shot then (INT64_MIN/2: none) */
	double chain_tt;           /* the chain's first shot's energy then (0: none) */
	int in_chain;
	int64_t x0, x1;            /* the samples kept, [x0, x1) */
	float *x;                  /* ... (NULL once past the horizon) */
	float best, best_gain;     /* its best match with a recording heard since */
	int64_t best_at;
};

struct tg_shots {
	int rate;
	struct tg_onset on;
	float *ring;
	size_t rmask;
	int64_t total;             /* samples pushed so far */
	struct tg_onset_frame *fr;   /* analysed frames, a ring */
	size_t fmask;
	int64_t nframes;           /* frames analysed; frame k starts at k * hop */
	int64_t picked;            /* frames already considered as candidates */
	float *scratch;            /* one frame */
	float *seedbuf;            /* the samples the floors are seeded from (tg_onset_seed) */
	size_t seed_len;
	float *work;               /* one event window */
	float *dwork;              /* ... its first difference */
	size_t work_cap;
	struct anchor anchors[MAX_ANCHORS];
	int nanchors;
	int64_t pend[MAX_PENDING];
	int npend;
	int64_t last_onset;        /* latest onset of a candidate (they come in order) */
	int64_t taken[16];         /* onsets of the latest events (repeats may come late) */
	int ntaken;
	double dc_x, dc_y;         /* the DC blocker's last input and output */
	double dc_r;               /* ... and its pole */
	int dc_started;
	/* the chain of gunshots in progress: its first shot's waveform, to
	 * recognise later shots of the same weapon inside its reverberation */
	struct tg_burst chain;
	struct tg_shot_event *ev;
	size_t nev, cap;
	struct retro *retro;
	size_t nretro, retro_cap, retro_kept;
	size_t retro_live;         /* the first kept event still within the horizon */
};

static size_t pow2_at_least(size_t v)
{
	size_t p = 1;

	while (p < v)
		p *= 2;
	return p;
}

struct tg_shots *tg_shots_new(int rate)
{
	struct tg_shots *s = calloc(1, sizeof(*s));
	size_t rcap, fcap;

	if (!s) {
		tg_error(TG_ENOMEM, "shots: out of memory");
		return NULL;
	}
	if (tg_onset_init(&s->on, rate) < 0) {
		free(s);
		return NULL;
	}
	s->rate = rate;
	s->dc_r = 1.0 - 2.0 * M_PI * DC_BLOCK_HZ / rate;
	rcap = pow2_at_least((size_t)(RING_SECONDS * rate));
	fcap = pow2_at_least(rcap / (size_t)s->on.hop + 1);
	s->rmask = rcap - 1;
	s->fmask = fcap - 1;
	s->work_cap = (size_t)((PRE_MS + TG_SHOT_POST_MS + 50.0) * rate / 1000.0) + (size_t)s->on.n * 2;
	s->ring = calloc(rcap, sizeof(float));
	s->fr = calloc(fcap, sizeof(*s->fr));
	s->scratch = calloc((size_t)s->on.n, sizeof(float));
	s->seed_len = (size_t)(TG_ONSET_SEED_S * rate);
	s->seedbuf = calloc(s->seed_len, sizeof(float));
	s->work = calloc(s->work_cap, sizeof(float));
	s->dwork = calloc(s->work_cap, sizeof(float));
	s->last_onset = INT64_MIN / 2;
	if (!s->ring || !s->fr || !s->scratch || !s->seedbuf || !s->work || !s->dwork) {
		tg_shots_free(s);
		tg_error(TG_ENOMEM, "shots: out of memory");
		return NULL;
	}
	if (tg_burst_init(&s->chain, rate, s->work_cap) < 0) {
		tg_shots_free(s);
		return NULL;
	}
	return s;
}

void tg_shots_free(struct tg_shots *s)
{
	if (!s)
		return;
	tg_onset_release(&s->on);
	free(s->ring);
	free(s->fr);
	free(s->scratch);
	free(s->seedbuf);
	free(s->work);
	free(s->dwork);
	tg_burst_release(&s->chain);
	free(s->ev);
	for (size_t i = 0; i < s->nretro; i++)
		free(s->retro[i].x);
	free(s->retro);
	free(s);
}

void tg_shots_result_release(struct tg_shots_result *res)
{
	if (!res)
		return;
	free(res->events);
	memset(res, 0, sizeof(*res));
}

const char *tg_shots_basis_name(enum tg_shot_basis b)
{
	switch (b) {
	case TG_SHOT_BY_OWN: return "own";
	case TG_SHOT_BY_REPEAT: return "repeat";
	case TG_SHOT_BY_RHYTHM: return "rhythm";
	case TG_SHOT_BY_CHAIN: return "chain";
	case TG_SHOT_BY_HEARD: return "heard";
	case TG_SHOT_BY_COUNT: break;
	}
	return "unknown";
}

const char *tg_shots_class_name(enum tg_shot_class c)
{
	switch (c) {
	case TG_SHOT_GUNSHOT: return "gunshot";
	case TG_SHOT_IMPULSE: return "impulse";
	case TG_SHOT_ECHO: return "echo";
	case TG_SHOT_CRACK: return "crack";
	}
	return "unknown";
}

static double time_of(const struct tg_shots *s, int64_t idx)
{
	int i;

	for (i = s->nanchors - 1; i >= 0; i--)
		if (s->anchors[i].idx <= idx)
			return s->anchors[i].t0 + (double)(idx - s->anchors[i].idx) / s->rate;
	return s->nanchors ? s->anchors[0].t0 + (double)(idx - s->anchors[0].idx) / s->rate
			   : (double)idx / s->rate;
}

/* Copy ring samples [a, b) (absolute indices, all still in the ring). */
static void ring_copy(const struct tg_shots *s, int64_t a, int64_t b, float *dst)
{
	int64_t i;

	for (i = a; i < b; i++)
		dst[i - a] = s->ring[(size_t)i & s->rmask];
}

static const struct tg_onset_frame *frame_at(const struct tg_shots *s, int64_t k)
{
	return &s->fr[(size_t)k & s->fmask];
}

static int64_t same_onset(const struct tg_shots *s)
{
	return (int64_t)(SAME_ONSET_MS * s->rate / 1000.0);
}

/* Is an event already at (within SAME_ONSET_MS of) this onset? */
static int onset_taken(const struct tg_shots *s, int64_t at)
{
	int i, n = s->ntaken < 16 ? s->ntaken : 16;

	for (i = 0; i < n; i++)
		if (llabs(s->taken[i] - at) < same_onset(s))
			return 1;
	return 0;
}

static void take_onset(struct tg_shots *s, int64_t at)
{
	s->taken[s->ntaken++ % 16] = at;
}

/* arr (n elements of size elem, room for *cap) with room for one more:
 * itself, or moved to twice the room (first when it has none); NULL when
 * out of memory (arr and *cap are then as they were). */
static void *with_room(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t nc = *cap ? *cap * 2 : first;
	void *na;

	if (n < *cap)
		return arr;
	na = realloc(arr, nc * elem);
	if (na)
		*cap = nc;
	return na;
}

static int push_event(struct tg_shots *s, const struct tg_shot_event *e)
{
	struct tg_shot_event *ev = with_room(s->ev, &s->cap, s->nev, sizeof(*ev), 64);

	if (!ev)
		return tg_error(TG_ENOMEM, "shots: out of memory");
	s->ev = ev;
	s->ev[s->nev++] = *e;
	return 0;
}

/* Let the kept events more than the horizon before onset go (their best
 * match stays, for retro_decide()). */
static void retro_forget(struct tg_shots *s, int64_t onset)
{
	const int64_t horizon = (int64_t)(RETRO_HORIZON_S * s->rate);

	while (s->retro_live < s->nretro && onset - s->retro[s->retro_live].onset > horizon) {
		struct retro *r = &s->retro[s->retro_live++];

		if (r->x) {
			free(r->x);
			r->x = NULL;
			s->retro_kept--;
		}
	}
}

/* Keep what looking back needs of the event about to be pushed (at
 * onset, in the window work[w0, w1)); in_chain: it is in a chain. */
static int retro_save(struct tg_shots *s, int64_t onset, int64_t w0, int64_t w1, int in_chain)
{
	const struct tg_burst *c = &s->chain;
	const int64_t reach = s->rate / 50 + 2 * TG_BURST_ORDER;
	struct retro *r;
	int64_t x0 = onset - reach, x1 = onset + reach + c->tmpl_len + 1;

	retro_forget(s, onset);
	if (s->retro_kept == RETRO_MAX)
		return 0;
	r = with_room(s->retro, &s->retro_cap, s->nretro, sizeof(*r), 16);
	if (!r)
		return tg_error(TG_ENOMEM, "shots: out of memory");
	s->retro = r;
	if (x0 < w0)
		x0 = w0;
	if (x1 > w1)
		x1 = w1;
	if (x1 <= x0)
		return 0;
	r = &s->retro[s->nretro];
	r->x = malloc((size_t)(x1 - x0) * sizeof(float));
	if (!r->x)
		return tg_error(TG_ENOMEM, "shots: out of memory");
	memcpy(r->x, s->work + (x0 - w0), (size_t)(x1 - x0) * sizeof(float));
	r->x0 = x0;
	r->x1 = x1;
	r->ev = s->nev;
	r->onset = onset;
	r->last = in_chain ? c->last : INT64_MIN / 2;
	r->chain_tt = c->view[0].tt;
	r->in_chain = in_chain;
	r->best = r->best_gain = 0.0f;
	r->best_at = onset;
	s->nretro++;
	s->retro_kept++;
	return 0;
}

/* Bank entry k was just heard as a confirmed recording at onset: every
 * event kept from the horizon before is matched against it (and those
 * past the horizon are let go). */
static void retro_try(struct tg_shots *s, int k, int64_t onset)
{
	const int64_t min_gap = (int64_t)(TG_BURST_MIN_MS * s->rate / 1000.0);

	retro_forget(s, onset);
	for (size_t i = s->retro_live; i < s->nretro; i++) {
		struct retro *r = &s->retro[i];
		float g, ncc;
		int64_t at;

		if (!r->x)
			continue;
		ncc = tg_burst_entry_match(&s->chain, k, r->x, r->x0, r->x1, r->onset, r->chain_tt, &g, &at);
		if (ncc >= TG_BURST_BANK_NCC && g >= TG_BURST_GAIN_DB && ncc > r->best &&
		    (!r->in_chain || at - r->last >= min_gap)) {
			r->best = ncc;
			r->best_gain = g;
			r->best_at = at;
		}
	}
}

/* the probability log-odds x stand for */
static float logistic(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

/* No blast energy above 2 kHz (a recording that carries no band there is
 * not held to it) */
static int lacks_hf(const struct tg_shot_event *e)
{
	return !isnan(e->hf_db) && e->hf_db < REPEAT_MIN_HF_DB;
}

/* Could a recording heard later still make e a shot?  An echo the chain
 * model judged with the bank looked in (its bank features are there only
 * then: not a repeat of the template) and did not all but rule out, or an
 * impulse the heard-before test could take. */
static int may_look_back(const struct tg_shot_event *e)
{
	if (e->cls == TG_SHOT_ECHO)
		return !isnan(e->bank_ncc) && e->chain_logit > TG_SHOT_HEARD_MIN_LOGIT;
	return e->cls == TG_SHOT_IMPULSE && e->logit > TG_SHOT_HEARD_MIN_LOGIT && !lacks_hf(e);
}

/*
 * e's confidence, fitted on the development half of the generated clips:
 * what the chain model judged (a further shot, a repeat, or what it
 * turned down) by its probability (for the repeats it tracks how often
 * they are right far better than their correlation did: eighteenth
 * round), a shot heard before and a repeat through the bank that the
 * event model alone would not take by their correlation (Platt scaling;
 * a shot heard looking back, looked_back, by its own), any other event by
 * the event model's probability; see docs/audio.md for the reliability
 * table.
 */
static void set_confidence(struct tg_shot_event *e, int looked_back)
{
	const float pg = logistic(e->logit), pc = logistic(e->chain_logit);

	if (!isnan(e->chain_logit))
		e->confidence = e->cls == TG_SHOT_GUNSHOT ? pc : 1.0f - pc;
	else if (e->basis == TG_SHOT_BY_HEARD && looked_back)
		e->confidence = logistic(CONF_HEARD_BACK_A * e->repeat_ncc + CONF_HEARD_BACK_B);
	else if (e->basis == TG_SHOT_BY_HEARD)
		e->confidence = logistic(CONF_HEARD_A * e->repeat_ncc + CONF_HEARD_B);
	else if (e->cls == TG_SHOT_GUNSHOT && e->repeat_ncc > 0.0f && e->logit <= 0.0f)
		e->confidence = logistic(CONF_NCC_A * e->repeat_ncc + CONF_NCC_B);
	else
		e->confidence = e->cls == TG_SHOT_GUNSHOT ? pg : 1.0f - pg;
}

/* An in-chain candidate is a shot of the burst, timed at its match (at): the new onset. */
static int64_t take_repeat(struct tg_shots *s, struct tg_shot_event *e, int64_t at, float ncc,
			   float gain)
{
	e->basis = TG_SHOT_BY_REPEAT;
	e->repeat_ncc = ncc;
	e->repeat_gain_db = gain;
	e->time_s = time_of(s, at);
	if (at > s->last_onset)
		s->last_onset = at;
	if (!onset_taken(s, at))
		take_onset(s, at);
	e->cls = TG_SHOT_GUNSHOT;
	return at;
}

/* e, inside the chain, is the blast's ringing or a reflection of it */
static void make_echo(const struct tg_shots *s, struct tg_shot_event *e)
{
	e->cls = TG_SHOT_ECHO;
	e->echo_of = s->chain.leader;
}

/* a gunshot by its own features that stands out of the tail is a shot
 * itself, whatever the chain says of it */
static int stands_out(const struct tg_shot_event *e)
{
	return e->cls == TG_SHOT_GUNSHOT && e->jump_db >= TG_SHOT_STANDOUT_DB;
}

/*
 * The chain model's log-odds that e, at `at` inside the chain, is a
 * further shot of it; fills in the chain features it reads (bank_ncc and
 * bank_gain: the bank's best match, NAN where the bank was not looked in).
 */
static float chain_judge(const struct tg_shots *s, struct tg_shot_event *e, int64_t at,
			 float bank_ncc, float bank_gain)
{
	e->gap_ms = (float)((double)(at - s->chain.last) * 1000.0 / s->rate);
	e->bank_ncc = bank_ncc;
	e->bank_gain_db = bank_gain;
	return e->chain_logit = tg_shot_chain_logit(e);
}

/*
 * A repeat: e matches the chain's first shot at `at` (found by the scan or
 * by the in-chain test; ncc and gain, its correlation and level).  The
 * chain model judges it with what the chain knows of it (the bank is not
 * looked in: the template took it), and it is a shot of the burst, timed
 * at its match (returned), unless the model rules it out and it
 * does not stand out as a gunshot of its own; then it is an echo (-1).
 * What the model turns down is mostly a reflection or a later part of
 * the shot's own sound that the template matches weakly.
 */
static int64_t judge_repeat(struct tg_shots *s, struct tg_shot_event *e, int64_t at, float ncc,
			    float gain)
{
	e->repeat_ncc = ncc;
	e->repeat_gain_db = gain;
	if (chain_judge(s, e, at, NAN, NAN) > TG_SHOT_REPEAT_MIN_CHAIN_LOGIT || stands_out(e))
		return take_repeat(s, e, at, ncc, gain);
	make_echo(s, e);
	return -1;
}

/*
 * A candidate inside the reverberation of a shot and not a repeat found by
 * the scan: a shot when it matches the chain's first shot (a repeat, which
 * the chain model judges) or a bank entry at a shot's level, when it is
 * gunshot-like and stands out of the tail, or when the chain model says a
 * further shot; else an echo.  Returns its onset (a repeat's is where its
 * template matches best).  The bank and the chain model are consulted
 * only where they decide (the bank's correlations are the costly part):
 * the chain model judges every repeat of the template and a candidate
 * with a score above -6 that neither the template nor the bank takes and
 * that comes at least a burst's least interval after the chain's latest
 * shot, and an event's chain features are there exactly when it did.
 */
static int64_t decide_in_chain(struct tg_shots *s, struct tg_shot_event *e, int64_t w0, int64_t w1,
			       int64_t onset)
{
	struct tg_burst *c = &s->chain;
	const int64_t min_gap = (int64_t)(TG_BURST_MIN_MS * s->rate / 1000.0);
	int64_t at;
	float gain, ncc = tg_burst_match(c, s->work, w0, w1, onset, &gain, &at);
	int entry, near;

	e->repeat_ncc = ncc;
	e->repeat_gain_db = gain;
	if (ncc >= REPEAT_NEAR_NCC && gain >= TG_BURST_GAIN_DB &&
	    (!lacks_hf(e) || ncc >= REPEAT_SURE_NCC) && e->score > REPEAT_MIN_SCORE &&
	    at - c->last >= min_gap) {   /* the chain's first shot again, at its level */
		int64_t taken = judge_repeat(s, e, at, ncc, gain);
		return taken >= 0 ? taken : onset;
	}
	if (stands_out(e))
		return onset;          /* a gunshot of its own, out of the tail */
	if (e->score > REPEAT_MIN_SCORE) {
		/* another recording heard before, at a shot's level (a weapon's
		 * recorded variants do not match each other) */
		int64_t bank_at;
		float bank_gain, bank_ncc = tg_burst_bank_match(c, s->work, w0, w1, onset, 0, &bank_gain,
							       &bank_at, &entry);

		if (bank_ncc >= TG_BURST_BANK_NCC) {
			/* a recording heard before: the next shot, or the last
			 * one's ringing when it lines up too close to it */
			tg_burst_bank_fired(c, entry);
			if (bank_at - c->last >= min_gap)
				return take_repeat(s, e, bank_at, bank_ncc, bank_gain);
		} else if (onset - c->last >= min_gap) {
			/* no template takes it, but what the chain knows may say
			 * a further shot: another recording of the weapon, timed
			 * at its own onset; a repeat the scan found within a
			 * burst's least interval of it is this shot */
			if (chain_judge(s, e, onset, bank_ncc, bank_gain) > CHAIN_MIN_LOGIT) {
				while ((near = tg_burst_nearest(c, onset, min_gap)) >= 0)
					tg_burst_drop(c, near);
				onset = take_repeat(s, e, onset, ncc, gain);
				e->basis = TG_SHOT_BY_CHAIN;
				return onset;
			}
		}
	}
	make_echo(s, e);
	return onset;
}

/* Could the heard-before test take this event: a shot has been heard,
 * and the model does not all but rule the event out? */
static int may_be_heard(const struct tg_shots *s, const struct tg_shot_event *e)
{
	return s->chain.view[0].tt > 0.0 && e->logit > TG_SHOT_HEARD_MIN_LOGIT;
}

/*
 * An impulse outside every chain (the model calls it not a gunshot, but
 * does not all but rule one out) that is a recording already heard as a
 * gunshot, the latest chain's first shot at its level or a bank entry, is
 * that weapon again: a shot, timed at its match.  Only recordings that
 * led a chain as a shot decided by more than such a match vouch (a heard
 * shot starts a chain, but cannot make the next one heard).  A single shot of a
 * weapon whose blast the model finds unlike its training guns (the
 * Cube 2 weapons above all) is taken this way once the weapon has fired a
 * shot the model is sure of.  Returns its onset.
 */
static int64_t decide_heard_before(struct tg_shots *s, struct tg_shot_event *e, int64_t w0,
				   int64_t w1, int64_t onset)
{
	struct tg_burst *c = &s->chain;
	int64_t at, bank_at;
	float gain = -120.0f, bank_gain, ncc;
	int entry;

	ncc = c->leader_confirmed ? tg_burst_match(c, s->work, w0, w1, onset, &gain, &at) : 0.0f;
	if (!(ncc >= TG_BURST_BANK_NCC && gain >= TG_BURST_GAIN_DB)) {
		ncc = tg_burst_bank_match(c, s->work, w0, w1, onset, 1, &bank_gain, &bank_at, &entry);
		if (ncc < TG_BURST_BANK_NCC)
			return onset;
		gain = bank_gain;
		at = bank_at;
	} else {
		entry = -1;
	}
	if (llabs(at - onset) >= same_onset(s) && onset_taken(s, at))
		return onset;   /* the match lines up on another event: that one */
	tg_burst_bank_fired(c, entry);
	onset = take_repeat(s, e, at, ncc, gain);
	e->basis = TG_SHOT_BY_HEARD;
	return onset;
}

/* Half the peak-to-peak of x[a, a + 10 ms) (within n), in dBFS: how far
 * the event swings, whatever slow offset it rides on (the DC blocker's
 * wake after a lopsided blast lifts the peak of what follows, not its
 * swing); its own first 10 ms, the jump's, so that a flicker just
 * before a blast does not borrow the blast's swing. */
static float swing_dbfs(const float *x, int64_t a, int64_t n, int rate)
{
	int64_t b = a + rate / 100, i;
	float lo = 0.0f, hi = 0.0f;

	if (b > n)
		b = n;
	if (a < b)
		lo = hi = x[a];
	for (i = a; i < b; i++) {
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	return 20.0f * log10f(0.5f * (hi - lo) + 1e-9f);
}

/*
 * Measure one candidate frame k; the ring holds what is needed (or all
 * there is).  forced >= 0: a repeat found by the chain scan, with its onset
 * already known (no refinement; a shot of the chain, or no event when it
 * is not one).
 */
static int measure(struct tg_shots *s, int64_t k, int64_t forced)
{
	const int hop = s->on.hop, n = s->on.n;
	const int64_t oldest = s->total - (int64_t)s->rmask - 1;
	int64_t fs = k * hop, w0, w1, from, to, lo, onset;
	struct tg_shot_event e;
	struct tg_shot_window win;

	memset(&e, 0, sizeof(e));
	w0 = fs - (int64_t)(PRE_MS * s->rate / 1000.0);
	if (w0 < 0)
		w0 = 0;
	if (w0 < oldest)
		w0 = oldest;
	w1 = fs + (int64_t)(TG_SHOT_POST_MS * s->rate / 1000.0);
	if (w1 > s->total)
		w1 = s->total;
	if (w1 - w0 > (int64_t)s->work_cap)
		w1 = w0 + (int64_t)s->work_cap;
	if (w1 <= fs)
		return 0;
	ring_copy(s, w0, w1, s->work);
	win.rate = s->rate;
	win.x = s->work;
	win.dx = s->dwork;
	win.w0 = w0;
	win.w1 = w1;
	win.on = &s->on;
	win.frames = s->fr;
	win.fmask = s->fmask;
	win.last_frame = s->nframes - 1;

	from = fs - n / 2;
	to = fs + n + n / 2;
	lo = from - 2 * n;
	if (from < w0)
		from = w0;
	if (lo < w0)
		lo = w0;
	if (to > w1)
		to = w1;
	onset = tg_shot_onset(&win, lo, from, to, tg_burst_within(&s->chain, fs));
	if (forced >= 0 && forced >= w0 && forced < w1)
		onset = forced;
	/* the converter's rounding is not a sound (shots.h); it takes no
	 * onset from a later event either */
	if (swing_dbfs(s->work, onset - w0, w1 - w0, s->rate) < TG_SHOT_MIN_SWING_DBFS)
		return 0;
	if (forced < 0 && onset - s->last_onset < same_onset(s))
		return 0;     /* two candidates refined to one onset */
	if (onset_taken(s, onset))
		return 0;     /* a repeat that a candidate already became */
	if (onset > s->last_onset)
		s->last_onset = onset;
	take_onset(s, onset);

	e.time_s = time_of(s, onset);
	e.echo_of = -1;
	e.gap_ms = e.bank_ncc = e.bank_gain_db = e.chain_logit = NAN;
	tg_shot_measure(&win, onset, k, &e);

	/* periodicity of what follows the onset (it can only lower the score
	 * and the model's odds, so it is measured only where it can change a
	 * decision: an event the score or the model calls a gunshot, a
	 * candidate repeat inside a chain, or one the heard-before test may
	 * take, now or, looking back, once a shot has been heard) */
	e.score = tg_shot_score(&e);
	e.logit = tg_shot_model_logit(&e);
	if (e.score > 0.0f || e.logit > 0.0f || tg_burst_within(&s->chain, onset) ||
	    e.logit > TG_SHOT_HEARD_MIN_LOGIT) {
		e.harmonicity = tg_shot_periodicity(&win, onset);
		e.score = tg_shot_score(&e);
		e.logit = tg_shot_model_logit(&e);
	}
	e.cls = e.logit > 0.0f ? TG_SHOT_GUNSHOT : TG_SHOT_IMPULSE;
	e.repeat_ncc = 0.0f;
	e.repeat_gain_db = 0.0f;
	if (forced < 0 && tg_shot_is_crack(&e)) {
		/* a bullet's shock wave: neither a shot nor a chain's leader, nor
		 * an echo of the shot before (it is its own, louder event) */
		e.cls = TG_SHOT_CRACK;
	} else {
		struct tg_burst *c = &s->chain;
		int r = tg_burst_nearest(c, onset, (int64_t)(SCAN_MATCH_MS * s->rate / 1000.0));

		if ((forced >= 0 || r >= 0) &&
		    ((lacks_hf(&e) && (r < 0 || c->rep[r].ncc < REPEAT_SURE_NCC)) ||
		     e.score <= REPEAT_MIN_SCORE)) {
			/* the waveform matches but nothing broadband is there, or
			 * nothing else about the event looks like a blast */
			if (r >= 0)
				tg_burst_drop(c, r);
			if (forced >= 0)
				return 0;
			if (tg_burst_within(c, onset))
				make_echo(s, &e);
		} else if (forced >= 0 || r >= 0) {
			/* a repeat of the chain's first shot: a shot of the burst, timed
			 * where the template matches best, unless the chain model
			 * turns it down */
			float ncc = 0.0f, gain = 0.0f;
			int rhythm = 0;
			int64_t at;

			if (r >= 0) {
				onset = c->rep[r].at;
				ncc = c->rep[r].ncc;
				gain = c->rep[r].gain_db;
				/* a candidate of its own that passes the in-chain test
				 * is a repeat; only what the rhythm alone found is not */
				rhythm = c->rep[r].rhythm && (forced >= 0 || ncc < REPEAT_NEAR_NCC);
				tg_burst_drop(c, r);
			}
			at = judge_repeat(s, &e, onset, ncc, gain);
			if (at >= 0) {
				onset = at;
				if (rhythm)
					e.basis = TG_SHOT_BY_RHYTHM;
			} else if (forced >= 0) {
				return 0;   /* no candidate of its own: nothing to report */
			}
		} else if (tg_burst_within(c, onset)) {
			onset = decide_in_chain(s, &e, w0, w1, onset);
		} else if (e.cls == TG_SHOT_IMPULSE && may_be_heard(s, &e) && !lacks_hf(&e)) {
			onset = decide_heard_before(s, &e, w0, w1, onset);
		}
	}
	set_confidence(&e, 0);
	if (e.cls == TG_SHOT_GUNSHOT) {
		tg_burst_shot(&s->chain, s->work, w0, w1, onset, (int)s->nev,
			      e.basis == TG_SHOT_BY_RHYTHM, e.basis != TG_SHOT_BY_HEARD);
		if (s->chain.fresh >= 0)
			retro_try(s, s->chain.fresh, onset);
	}
	if (may_look_back(&e)) {
		int ret = retro_save(s, onset, w0, w1, e.cls == TG_SHOT_ECHO);
		if (ret < 0)
			return ret;
	}
	return push_event(s, &e);
}

/* Is frame k a candidate?  Needs frames k-PICK_HALF .. k+PICK_HALF (or the end). */
static int is_candidate(const struct tg_shots *s, int64_t k)
{
	float v = frame_at(s, k)->strength;
	int64_t j;

	if (v < TG_ONSET_THRESHOLD_DB)
		return 0;
	for (j = k - PICK_HALF; j <= k + PICK_HALF; j++) {
		if (j == k || j < 0 || j >= s->nframes)
			continue;
		if (frame_at(s, j)->strength > v || (j < k && frame_at(s, j)->strength == v))
			return 0;
	}
	return 1;
}

/* Repeats found by the scan with no candidate of their own become events
 * once the candidates can no longer claim them (before sample upto). */
static int flush_repeats(struct tg_shots *s, int64_t upto)
{
	struct tg_burst *c = &s->chain;
	int ret;

	while (c->nrep > 0 && c->rep[0].at < upto) {
		int64_t at = c->rep[0].at, k = at / s->on.hop;
		int n0 = c->nrep;

		if (k >= s->nframes)
			k = s->nframes - 1;
		if (k < 0)
			k = 0;
		if ((ret = measure(s, k, at)) < 0)
			return ret;
		if (c->nrep == n0 && c->nrep > 0 && c->rep[0].at == at)
			tg_burst_drop(c, 0);   /* refused (too close to the last onset) */
	}
	return 0;
}

static int flush_pending(struct tg_shots *s, int all)
{
	int64_t need = (int64_t)(TG_SHOT_POST_MS * s->rate / 1000.0) + s->on.n;
	int64_t margin = (int64_t)(SCAN_MATCH_MS * s->rate / 1000.0);
	int i = 0, j, ret;

	while (i < s->npend) {
		if (!all && s->pend[i] * s->on.hop + need > s->total)
			break;
		if ((ret = flush_repeats(s, s->pend[i] * s->on.hop - s->on.n - margin)) < 0)
			return ret;
		ret = measure(s, s->pend[i], -1);
		if (ret < 0)
			return ret;
		i++;
	}
	for (j = i; j < s->npend; j++)
		s->pend[j - i] = s->pend[j];
	s->npend -= i;
	return 0;
}

static int pick(struct tg_shots *s, int64_t upto)
{
	int ret;

	for (; s->picked < upto; s->picked++) {
		if (!is_candidate(s, s->picked))
			continue;
		/* one event per refractory span: the stronger candidate wins */
		if (s->npend > 0 && (s->picked - s->pend[s->npend - 1]) * s->on.hop <
		    (int64_t)(REFRACTORY_MS * s->rate / 1000.0)) {
			if (frame_at(s, s->picked)->strength > frame_at(s, s->pend[s->npend - 1])->strength)
				s->pend[s->npend - 1] = s->picked;
			continue;
		}
		if (s->npend == MAX_PENDING && (ret = flush_pending(s, 1)) < 0)
			return ret;
		s->pend[s->npend++] = s->picked;
	}
	return 0;
}

/*
 * Before the first frame with sound (at sample a, in s->scratch) the
 * floors are seeded from the TG_ONSET_SEED_S that follow it (onset.h):
 * 0 while those samples are not all in (the analysis waits; at the end
 * of the stream, all, what there is will do), else 1.
 */
static int seed_at_first_sound(struct tg_shots *s, int64_t a, int all)
{
	int64_t b = a + (int64_t)s->seed_len;

	if (s->on.seeded || !tg_onset_has_sound(&s->on, s->scratch))
		return 1;
	if (b > s->total) {
		if (!all)
			return 0;
		b = s->total;
	}
	ring_copy(s, a, b, s->seedbuf);
	tg_onset_seed(&s->on, s->seedbuf, (size_t)(b - a));
	return 1;
}

/* Frames are analysed as the samples arrive (but see seed_at_first_sound()). */
static int analyse(struct tg_shots *s, int all)
{
	const int n = s->on.n, hop = s->on.hop;
	int ret;

	while (s->nframes * hop + n <= s->total) {
		int64_t a = s->nframes * hop;
		ring_copy(s, a, a + n, s->scratch);
		if (!seed_at_first_sound(s, a, all))
			break;
		tg_onset_frame(&s->on, s->scratch, &s->fr[(size_t)s->nframes & s->fmask]);
		s->nframes++;
		if ((ret = pick(s, s->nframes - PICK_HALF)) < 0)
			return ret;
	}
	return flush_pending(s, 0);
}

/*
 * A recorder's DC offset (cheap converters, some body cameras: tenths of
 * a percent to a few percent of full scale) raises every |x| the
 * waveform features measure: the pre-event level of the jump and of the
 * onset walk above all (1 % cost the conformance clips 0.025 F1, 5 %
 * 0.07).  A one-pole high-pass at DC_BLOCK_HZ (0.5 Hz) removes it within
 * a few seconds.  So low a corner leaves the shots alone: a blast's waveform
 * is lopsided, and at 2 Hz the high-pass shifted the baseline of its
 * ringing, where the next shot of a burst is measured; a clipped flat
 * top droops 0.013 % a sample, far under the flat-top test's 0.1 %.
 * Samples that are not finite count as 0 (the pipeline has already
 * replaced them; a direct caller may not have).
 */
static float dc_block(struct tg_shots *s, float v)
{
	double x = isfinite(v) ? (double)v : 0.0;

	if (!s->dc_started) {   /* start from the first sample's level: no step */
		s->dc_x = x;
		s->dc_started = 1;
	}
	s->dc_y = x - s->dc_x + s->dc_r * s->dc_y;
	s->dc_x = x;
	return (float)s->dc_y;
}

int tg_shots_push(struct tg_shots *s, const float *x, size_t n, double t0)
{
	size_t chunk = (size_t)s->rate / 4, done = 0;
	int ret;

	if (!s || (!x && n))
		return tg_error(TG_EINVAL, "shots: bad arguments");
	if (n) {
		double expect = time_of(s, s->total);
		if (s->nanchors == 0 || fabs(expect - t0) > 0.5 / s->rate * 2.0) {
			if (s->nanchors == MAX_ANCHORS) {
				memmove(s->anchors, s->anchors + 1,
					sizeof(s->anchors[0]) * (MAX_ANCHORS - 1));
				s->nanchors--;
			}
			s->anchors[s->nanchors].idx = s->total;
			s->anchors[s->nanchors].t0 = t0;
			s->nanchors++;
		}
	}
	while (done < n) {
		size_t m = n - done < chunk ? n - done : chunk, i;
		for (i = 0; i < m; i++)
			s->ring[(size_t)(s->total + (int64_t)i) & s->rmask] = dc_block(s, x[done + i]);
		s->total += (int64_t)m;
		done += m;
		if ((ret = analyse(s, 0)) < 0)
			return ret;
	}
	return 0;
}

/*
 * A repeat found by the scan becomes an event when no candidate can claim
 * it any more, which may be after a later candidate: put the events in
 * time order (stable) and renumber the echo_of links.
 */
struct ev_order {
	double t;
	size_t i;
};

static int cmp_order(const void *a, const void *b)
{
	const struct ev_order *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int sort_events(struct tg_shots *s)
{
	struct ev_order *ord;
	struct tg_shot_event *sorted;
	size_t *where, i;

	if (s->nev < 2)
		return 0;
	ord = malloc(s->nev * sizeof(*ord));
	where = malloc(s->nev * sizeof(*where));
	sorted = malloc(s->nev * sizeof(*sorted));
	if (!ord || !where || !sorted) {
		free(ord);
		free(where);
		free(sorted);
		return tg_error(TG_ENOMEM, "shots: out of memory");
	}
	for (i = 0; i < s->nev; i++) {
		ord[i].t = s->ev[i].time_s;
		ord[i].i = i;
	}
	qsort(ord, s->nev, sizeof(*ord), cmp_order);
	for (i = 0; i < s->nev; i++)
		where[ord[i].i] = i;
	for (i = 0; i < s->nev; i++) {
		sorted[i] = s->ev[ord[i].i];
		if (sorted[i].echo_of >= 0)
			sorted[i].echo_of = (int)where[sorted[i].echo_of];
	}
	memcpy(s->ev, sorted, s->nev * sizeof(*sorted));
	free(ord);
	free(where);
	free(sorted);
	return 0;
}

static void postprocess(struct tg_shots *s)
{
	size_t i, j;
	int burst = 0;

	/* bursts: gunshots chained at most 200 ms apart */
	for (i = 0; i < s->nev; i++) {
		struct tg_shot_event *e = &s->ev[i];
		if (e->cls != TG_SHOT_GUNSHOT)
			continue;
		for (j = i; j-- > 0;) {
			if (e->time_s - s->ev[j].time_s > 0.2)
				break;
			if (s->ev[j].cls == TG_SHOT_GUNSHOT) {
				if (!s->ev[j].burst)
					s->ev[j].burst = ++burst;
				e->burst = s->ev[j].burst;
				break;
			}
		}
	}
}

/*
 * Looking back: each kept event that a recording first heard as a
 * confirmed shot after it matches as the bank's test asks (>=
 * TG_BURST_BANK_NCC, at the level of the chain it was in, or before any
 * chain at the recording's own) is that weapon again: an in-chain
 * candidate a further shot of the burst (a repeat), an impulse a shot
 * heard (basis heard), timed at the match, unless another gunshot lies
 * within a burst's least interval of it.  Why: a weapon's recordings do
 * not match each other, and the one that leads a burst may come after
 * the other's shots (the generated bursts draw each shot from two to four
 * recordings of the weapon); the whole recording says which sounds are
 * the weapon's, not only what came before.
 */
static void retro_decide(struct tg_shots *s)
{
	const int64_t min_gap = (int64_t)(TG_BURST_MIN_MS * s->rate / 1000.0);

	for (size_t i = 0; i < s->nretro; i++) {
		const struct retro *r = &s->retro[i];
		struct tg_shot_event *e;
		int clash = 0;
		double t, moved;

		if (r->best < (r->in_chain ? TG_BURST_BANK_NCC : RETRO_HEARD_NCC) || r->ev >= s->nev)
			continue;
		e = &s->ev[r->ev];
		if (e->cls != (r->in_chain ? TG_SHOT_ECHO : TG_SHOT_IMPULSE))
			continue;
		moved = (double)(r->best_at - r->onset) / s->rate;
		t = e->time_s + moved;
		/* not within a burst's least interval of another gunshot, and a
		 * heard shot not moved onto another event (that one it is, as
		 * the heard-before test has it) */
		for (size_t j = 0; j < s->nev && !clash; j++) {
			double d = fabs(s->ev[j].time_s - t) * s->rate;

			clash = j != r->ev && ((s->ev[j].cls == TG_SHOT_GUNSHOT && d < (double)min_gap) ||
					       (!r->in_chain && fabs(moved) * s->rate >= (double)same_onset(s) &&
						d < (double)same_onset(s)));
		}
		if (clash)
			continue;
		/* as the bank's test would have taken it: on the match, not
		 * judged by the chain model (what it said goes with it) */
		e->cls = TG_SHOT_GUNSHOT;
		e->basis = r->in_chain ? TG_SHOT_BY_REPEAT : TG_SHOT_BY_HEARD;
		e->echo_of = -1;
		e->time_s = t;
		e->repeat_ncc = r->best;
		e->repeat_gain_db = r->best_gain;
		e->gap_ms = e->bank_ncc = e->bank_gain_db = e->chain_logit = NAN;
		set_confidence(e, 1);
	}
}

int tg_shots_finish(struct tg_shots *s, struct tg_shots_result *res)
{
	int ret;
	size_t i;

	memset(res, 0, sizeof(*res));
	if ((ret = analyse(s, 1)) < 0)
		return ret;
	if ((ret = pick(s, s->nframes)) < 0)
		return ret;
	if ((ret = flush_pending(s, 1)) < 0)
		return ret;
	if ((ret = flush_repeats(s, INT64_MAX)) < 0)
		return ret;
	retro_decide(s);
	if ((ret = sort_events(s)) < 0)
		return ret;
	postprocess(s);
	res->events = s->ev;
	res->n_events = s->nev;
	for (i = 0; i < s->nev; i++) {
		if (s->ev[i].cls == TG_SHOT_GUNSHOT)
			res->n_shots++;
		if (s->ev[i].cls == TG_SHOT_CRACK)
			res->n_cracks++;
		if (s->ev[i].burst > res->n_bursts)
			res->n_bursts = s->ev[i].burst;
	}
	res->duration_s = (double)s->total / s->rate;
	s->ev = NULL;
	s->nev = s->cap = 0;
	return 0;
}
