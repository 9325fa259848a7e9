/*
 * shotfeat.h - what one impulsive event is measured as: its onset to the
 * sample, the features a person can check on a spectrogram, and the
 * gunshot score built from them (internal to shots.c; the features and the
 * score's terms are listed in shots.h and docs/audio.md).
 *
 * A window is the event's samples [w0, w1) (absolute sample indices: 100 ms
 * of history before the candidate frame and up to 500 ms after it) and the
 * ring of analysed STFT frames it lies in.
 */
#ifndef TG_AUDIO_SHOTFEAT_H
#define TG_AUDIO_SHOTFEAT_H

#include <stddef.h>
#include <stdint.h>

#include "audio/onset.h"
#include "audio/shots.h"

#define TG_SHOT_POST_MS 500.0  /* lookahead after an onset before it is measured */

struct tg_shot_window {
	int rate;
	const float *x;                        /* samples [w0, w1) */
	float *dx;                             /* scratch of w1 - w0 floats */
	int64_t w0, w1;
	const struct tg_onset *on;             /* band layout and hop */
	const struct tg_onset_frame *frames;   /* frame k is frames[k & fmask] */
	size_t fmask;
	int64_t last_frame;                    /* newest analysed frame */
};

/*
 * The onset of the event whose peak lies in [from, to) (absolute; samples
 * before lo are history): the later of two backward walks from the peak,
 * on the samples and on their first difference, or, inside a chain
 * (in_chain), where the power steps up most over the candidate's frames.
 * Uses w->dx as scratch.
 */
int64_t tg_shot_onset(struct tg_shot_window *w, int64_t lo, int64_t from, int64_t to,
		      int in_chain);

/*
 * Every feature of the event starting at onset, found at candidate frame k:
 * peak, clipping, rise, jump, the spectral features at the frame where the
 * added power peaks, decay and tail.  Not the time, class, score,
 * harmonicity or repeat fields.
 */
void tg_shot_measure(const struct tg_shot_window *w, int64_t onset, int64_t k,
		     struct tg_shot_event *e);

/* Periodicity of the 20-120 ms after onset (0..1; a voice or a note is high). */
float tg_shot_periodicity(const struct tg_shot_window *w, int64_t onset);

/*
 * A supersonic bullet's crack: nearly all its high-frequency energy within
 * 3.5 ms (compactness), far more above 2 kHz than below 500 Hz, abrupt
 * (at 70 % of its peak within 4 ms) and its steps (first difference)
 * standing far out of those before it, even inside a ringing blast.
 * Thresholds and what else passes them: docs/audio.md.
 */
int tg_shot_is_crack(const struct tg_shot_event *e);

/* The gunshot score in points (> 0: gunshot-like). */
float tg_shot_score(const struct tg_shot_event *e);

#endif
