/*
 * onset.h - impulsive-onset detection on mono float PCM (one STFT frame at a time).
 *
 * Representation: a Hann-windowed short-time spectrum (frame about 10.7 ms,
 * hop half a frame, av_tx real FFT) summed into log-spaced bands from 100 Hz
 * up to 16 kHz (or Nyquist), in dB, floored at -100 dB or, in a recording
 * much quieter than usual, 45 dB under its loudest band's floor (so an
 * empty band does not leap at every click, and a quiet copy of a
 * recording is measured as the recording).  Each band keeps two slow
 * trackers that adapt to the recording:
 *
 *   floor_b  the band's running median level (a quantile tracker that moves a
 *            fixed step of dB towards each new value, so a gunshot a few
 *            frames long barely moves it while a change of background is
 *            followed within seconds);
 *   flux_b   the band's typical frame-to-frame rise (an average of positive
 *            rises), high in bands full of speech or traffic, low in quiet
 *            bands.
 *
 * The onset strength of a frame is the mean over bands of
 *
 *     max(0, min(E_b(t) - E_b(t-2), E_b(t) - floor_b) - flux_b)      [dB]
 *
 * i.e. how far, beyond what this band usually does, the band jumped within
 * one frame AND stands above its own background.  Impulses (gunshots,
 * claps, slams) jump in most bands at once and score high; speech rises
 * slowly and only in its own bands, where flux_b is already large.  A frame
 * becomes a candidate when its strength passes TG_ONSET_THRESHOLD_DB and is
 * the local maximum; the caller (shots.c) does the picking because it owns
 * the sample history.
 *
 * A band is carried once it has come within 50 dB of the frame's median
 * band in 8 frames (judged after 2 s of sound; until then every band is).
 * A recording made through a narrower channel than it is stored in (a
 * phone call at 8 kHz inside a 48 kHz video, a codec's low-pass) leaves
 * the bands above its edge empty but for the filter's leakage, 70 dB or
 * more under the bands it carries, which a loud event pushes near for a
 * frame or two; every real band comes near at some sound (a sibilant, a
 * click, a blast), even where the background is band-limited and the
 * events are not.  The median, not the loudest band, is the reference: a
 * hum, a drone or a DC offset raises one or two bands by tens of dB.  Each
 * frame carries the set as it stood then (tg_onset_frame.carried), so
 * what an event is measured against does not depend on how the stream
 * was cut into blocks.  The features of shotfeat.c average over the
 * carried bands only, so a band-limited recording is not judged as if its
 * upper bands had heard nothing.  The strength stays a mean over all
 * bands (over the carried ones it rises for every event of a
 * band-limited recording, shots and speech alike: docs/audio.md, tenth
 * round).
 *
 * tg_onset_refine() turns a candidate into a sample index: the first
 * sample within 20 dB of the event's own peak, searched backwards from the
 * peak while the 1 ms envelope stays above both that level and twice the
 * pre-event noise, so a noisy background does not pull the onset early.
 *
 * Memory: fixed arrays plus the FFT buffers allocated once at init; the
 * per-frame call allocates nothing.
 */
#ifndef TG_AUDIO_ONSET_H
#define TG_AUDIO_ONSET_H

#include <stddef.h>
#include <stdint.h>

#include "audio/rfft.h"

#define TG_ONSET_MAXBANDS 24
#define TG_ONSET_THRESHOLD_DB 2.0f   /* candidate strength, dB above usual rise */

struct AVTXContext;

struct tg_onset {
	int rate;
	int n;        /* frame length (power of two) */
	int hop;      /* n / 2 */
	int nbands;
	int band_lo[TG_ONSET_MAXBANDS], band_hi[TG_ONSET_MAXBANDS]; /* bins [lo,hi) */
	float band_hz[TG_ONSET_MAXBANDS];       /* band centre frequency */
	float floor_db[TG_ONSET_MAXBANDS];
	float flux_db[TG_ONSET_MAXBANDS];
	float prev_db[2][TG_ONSET_MAXBANDS];    /* E(t-1), E(t-2) */
	unsigned char near[TG_ONSET_MAXBANDS];    /* frames in which the band came near the median */
	uint32_t seen;                            /* bands near often enough (bit b: band b) */
	long frames;                              /* frames with sound so far (silence holds the trackers) */
	int seeded;                               /* the floors were set by tg_onset_seed() */
	int silent;                               /* silence came before the first frame with sound */
	int quiet_left;                           /* opening frames still to hear as silence (tg_onset_seed) */
	float *win;   /* n */
	float *in;    /* n */
	float *spec;  /* (n/2+1) complex */
	struct tg_rfft fft;
};

/* One analysed frame. */
struct tg_onset_frame {
	float strength;                         /* onset strength, dB */
	float band_db[TG_ONSET_MAXBANDS];       /* band level, dB */
	float excess_db[TG_ONSET_MAXBANDS];     /* level above the band floor */
	uint32_t carried;                       /* bands the recording carries so far (bit b: band b) */
};

/* How many bands a carried set holds. */
int tg_onset_ncarried(uint32_t carried);

int tg_onset_init(struct tg_onset *o, int rate);
void tg_onset_release(struct tg_onset *o);

/* Analyse the n = o->n samples at frame (the caller steps by o->hop). */
void tg_onset_frame(struct tg_onset *o, const float *frame, struct tg_onset_frame *out);

/*
 * Where the recording starts, the floors have no past to learn from: left
 * to themselves they would start at the first frame with sound, and a
 * recording that begins with a blast (a clip cut at the bang, a shot
 * straight out of digital silence) would measure the blast against
 * itself and find nothing above its floor.  So before its first frame
 * with sound the caller looks ahead: tg_onset_has_sound() tells whether
 * a frame is one (the gate of tg_onset_frame), and tg_onset_seed() sets
 * the trackers from the frames with sound in x[0, nx) (up to
 * TG_ONSET_SEED_FRAMES, stepped by o->hop): each band's floor is the
 * lower of its level in the first of them and its median over them (a
 * blast in the first frame is louder than what follows; a clip that
 * starts in its background has it there; the median, which the floor
 * tracks, is a poorer start where a long blast fills half the second,
 * the first frame where it is the blast).  What came before the first
 * frame is then that floor after silence (a blast straight out of
 * silence rises from it) and where the frame opens 10 dB or more over
 * it in the median band (a clip cut at the bang); otherwise, at the
 * recording's start, the frame is taken to continue what came before
 * (a recording cut in a loud moment of its background does not start
 * with a step).  The floors then settle to the running median as they
 * would have.
 */
#define TG_ONSET_SEED_S 1.0
/* frames in TG_ONSET_SEED_S at any rate: the frame is more than 8 ms (the
 * largest power of two under 16 ms of samples) and the hop half of it,
 * so fewer than 250 frames a second */
#define TG_ONSET_SEED_FRAMES 256
int tg_onset_has_sound(struct tg_onset *o, const float *frame);
void tg_onset_seed(struct tg_onset *o, const float *x, size_t nx);

/*
 * Sample-accurate onset: the peak of |x| in [from, to), then backwards (not
 * below lo) to the first sample within 20 dB of that peak and above twice
 * noise (the pre-event amplitude level; 0 when unknown); a run of more than
 * gap samples below the threshold (about 1 ms) ends the search.  Returns
 * the onset index; the peak index goes to *peak_at.
 */
size_t tg_onset_refine(const float *x, size_t lo, size_t from, size_t to, float noise,
		       size_t gap, size_t *peak_at);

#endif
