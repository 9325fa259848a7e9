/*
 * burst.h - the shots of one weapon again: a chain of gunshots, its
 * template and the repeats a matched filter finds (internal to shots.c).
 *
 * When a gunshot starts a chain, the first TG_BURST_TEMPLATE_MS after its
 * onset becomes the template, seen two ways (views): as a first
 * difference (the blast's impulsive, high-frequency part, which gives
 * sharp correlation peaks and survives clipping and lossy codecs), and
 * whitened by the leader's own spectrum (every band of the shot counts by
 * its waveform, not by its energy, so the low-frequency body of a shot
 * that is weak above a few kHz is matched too).  Behind every shot of the
 * chain the next TG_BURST_SCAN_MS are scanned in each view (normalised
 * correlation at every lag); peaks that stand out of the scan's own
 * chance level and come at nearly the template's level are repeats:
 * further shots of the burst, found even where the onset detector sees
 * nothing (inside a ringing blast).  A repeat in either view is one.
 * Automatic fire keeps its rate: a gap of about two of the chain's
 * intervals is looked at again at its middle, without the scan's chance
 * threshold (that threshold pays for trying every lag).
 * The bank keeps the first shots of earlier chains as templates after
 * their chains end: the weapons heard so far, and the recorded variants of
 * one weapon, which do not match each other (a burst whose first shot is
 * one recording and whose later shots are another).
 * shots.h tells the whole method; this file keeps the state and the
 * arithmetic.
 *
 * All positions are absolute sample indices; `work` holds the samples
 * [w0, w1) of the event window being measured.
 */
#ifndef TG_AUDIO_BURST_H
#define TG_AUDIO_BURST_H

#include <stddef.h>
#include <stdint.h>

#include "audio/xcorr.h"

#define TG_BURST_TEMPLATE_MS 15.0 /* first part of a shot compared with later events */
#define TG_BURST_CHAIN_MS 450.0   /* reverberation and echoes of a shot last this long */
#define TG_BURST_SCAN_MS 450.0    /* a chain is scanned this far past its latest shot */
#define TG_BURST_MIN_MS 55.0      /* automatic fire: shots at least this far apart (60-200 ms) */
#define TG_BURST_GAIN_DB -8.5f    /* a repeat weaker than this is an echo, not a shot */
#define TG_BURST_MAX_REP 32
#define TG_BURST_HIST 16
#define TG_BURST_ORDER 16         /* the whitening view's prediction order */
#define TG_BURST_VIEWS 2          /* first difference, whitened */
#define TG_BURST_BANK 8           /* first shots of earlier chains kept as templates */
#define TG_BURST_BANK_NCC 0.6f    /* a bank template matching this well is that recording again */
#define TG_BURST_SAME_NCC 0.9f    /* a new chain's first shot this like an entry is not kept twice */

/* A view of the samples: a filter (filt[0] = 1) and the template through it. */
struct tg_burst_view {
	float filt[TG_BURST_ORDER + 1];
	int order;
	float *tmpl;
	float *spec;               /* ... its spectrum, for the FFT correlator */
	double tt;                 /* the template's energy */
};

struct tg_burst {
	int rate;
	struct tg_burst_view view[TG_BURST_VIEWS];
	int tmpl_len;
	int64_t last;              /* onset of the chain's latest shot, or INT64_MIN/2 */
	int leader;                /* event index of the chain's first shot */
	int leader_confirmed;      /* ... its recording led a chain as a confirmed shot */
	/* repeats found by scanning ahead, waiting to become events in time order */
	struct tg_burst_rep {
		int64_t at;
		float ncc, gain_db;
		int rhythm;        /* found at a gap of the burst's rhythm */
	} rep[TG_BURST_MAX_REP];
	int nrep;
	int64_t scan_until;        /* the chain has been scanned up to here */
	int64_t hist[TG_BURST_HIST]; /* the chain's latest shots, in time order (its rhythm) */
	unsigned char hist_rhythm[TG_BURST_HIST]; /* ... found at a gap (not its evidence) */
	int nhist;
	/* the bank: entry k's views and when it last led a chain or matched a
	 * shot (the least recently used makes room), the entries kept, and the
	 * entry of the chain in progress (-1: none) */
	struct tg_burst_view bank[TG_BURST_BANK][TG_BURST_VIEWS];
	uint64_t bank_used[TG_BURST_BANK], bank_clock;
	unsigned char bank_confirmed[TG_BURST_BANK]; /* it led a chain as a confirmed shot */
	int nbank, bank_current;
	int fresh;                 /* the entry the latest shot made a confirmed recording
	                            * the bank did not hold as one (-1: none), for looking back */
	struct tg_xcorr xc;        /* the matched filter's correlator */
	float *ncc;                /* one scan's correlation, per lag (and a scratch copy) */
	float *dwork;              /* the scanned window through a view's filter */
	size_t ncc_cap;
};

/* window_cap: the largest event window (samples) that will be passed. */
int tg_burst_init(struct tg_burst *b, int rate, size_t window_cap);
void tg_burst_release(struct tg_burst *b);

/* Is onset within the reverberation of the chain's latest shot? */
int tg_burst_within(const struct tg_burst *b, int64_t onset);

/*
 * Correlate the template with work around onset (+-20 ms, as coarse as a
 * candidate frame): the best normalised correlation, the template's gain
 * there (dB) and the best-aligned onset, from the view where the match is
 * best (one at the template's level before one that is weaker).
 */
float tg_burst_match(const struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
		     int64_t onset, float *gain_db, int64_t *at);

/*
 * The same for the bank's templates other than the chain in progress: the
 * best correlation among the matches at a shot's level (0 if none), its
 * gain, onset and entry (-1 if none).  A later shot of a burst that is
 * another recording of the weapon than the chain's first shot, or of
 * another weapon heard earlier in the recording, matches there.  Looking
 * changes nothing: tg_burst_bank_fired() tells the bank that an entry's
 * recording was fired again (the bank keeps the recordings still being
 * fired).  confirmed_only: only the entries whose recording led a chain
 * as a shot decided by more than a match with a recording already held
 * (the model, a repeat), not one taken only because it was heard before.
 */
float tg_burst_bank_match(const struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
			  int64_t onset, int confirmed_only, float *gain_db, int64_t *at, int *entry);
void tg_burst_bank_fired(struct tg_burst *b, int entry);

/* Bank entry k's match near onset in x[x0, x1) (+-20 ms, by the first
 * difference alone), at a
 * chain's level (chain_tt: the energy of that chain's first shot's first
 * difference; 0: the entry's own level): looking back, an event kept from
 * before entry k was heard, matched against it. */
float tg_burst_entry_match(const struct tg_burst *b, int k, const float *x, int64_t x0, int64_t x1,
			   int64_t onset, double chain_tt, float *gain_db, int64_t *at);

/* The repeat nearest to onset within `near` samples, or -1; and dropping one. */
int tg_burst_nearest(const struct tg_burst *b, int64_t onset, int64_t near);
void tg_burst_drop(struct tg_burst *b, int k);

/*
 * A gunshot at onset (event index ev): it starts a new chain (its start
 * becomes the template, the repeats are forgotten) unless it lies within
 * the latest one, and its template joins the bank unless an entry already
 * matches it; then the chain is scanned ahead of it.  rhythm: it was
 * found only at a gap of the chain's rhythm (its intervals do not count
 * in that rhythm).  confirmed: it is a shot by more than a match with a
 * recording already held (so a chain it starts, and its bank entry, may
 * vouch for a recording heard again; shots.c, decide_heard_before()).
 */
void tg_burst_shot(struct tg_burst *b, const float *work, int64_t w0, int64_t w1,
		   int64_t onset, int ev, int rhythm, int confirmed);

#endif
