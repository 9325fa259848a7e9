/*
 * sync.h - time offset, drift and overlap between two recordings of one scene.
 *
 * Convention: a sound at time t in A is at t + offset in B.  With clock
 * drift, t_B = offset_s + t_A * (1 + drift_ppm * 1e-6).
 *
 * Method (coarse to fine, so hour-long inputs stay fast):
 *
 *   1. coarse: both signals become an onset envelope at 100 frames/s (the
 *      positive change of log energy per 10 ms frame, which ignores level,
 *      codec and most band-limiting).  The envelopes are cross-correlated
 *      with FFTs (phase-transform weighted, so a loud passage does not
 *      dominate) and the TG_SYNC_CANDIDATES highest distinct peaks become
 *      candidate offsets;
 *   2. fine: for each candidate, up to TG_SYNC_WINDOWS windows of 3 s spread
 *      over the overlap are aligned independently by GCC-PHAT (generalised
 *      cross-correlation with the phase transform, 100 Hz - 3.8 kHz) at the
 *      full rate within +-40 ms of the candidate, with parabolic sub-sample
 *      peak interpolation.  Each window gives an offset and a peak
 *      sharpness z (peak height in standard deviations of the whole
 *      correlation);
 *   3. consistency: a line offset(t) is fitted to the windows by least
 *      squares after rejecting windows more than 4 ms off a robust start
 *      (the median); its slope is the drift, kept only when it exceeds three
 *      standard errors (else 0 and the offset is the inliers' mean).  Windows within 4 ms of the
 *      line are "consistent" (4 ms: two microphones hear each event with its own delay).
 *      When windows are left out and the overlap is long enough for a drift
 *      to matter, the line through the most sharp windows (two at a time,
 *      slope within +-300 ppm) recentres every window's search and the fit
 *      starts from it: drift that moves the offset beyond +-40 ms across the
 *      overlap (20 ppm over an hour) is followed;
 *   4. decision: aligned only when at least 3 windows and at least half of
 *      the windows with sound are consistent, their median z is at least
 *      TG_SYNC_MIN_Z, and no other candidate offset (more than 50 ms away) is
 *      nearly as well supported (periodic sounds: sirens, chants, loops).
 *      One shared impulsive sound can make one window agree by chance;
 *      several independent windows cannot.
 *
 * Confidence = (consistent / windows) * min(1, median z / (2 * TG_SYNC_MIN_Z)),
 * reported with the counts so a reader can see why.
 *
 * Input: two mono float buffers at one common rate (the caller resamples;
 * 8-16 kHz is plenty).  Memory: the inputs plus two envelopes (100 floats a
 * second each) and FFT buffers for one window and for the envelopes.
 */
#ifndef TG_AUDIO_SYNC_H
#define TG_AUDIO_SYNC_H

#include <stddef.h>

#define TG_SYNC_CANDIDATES 5
#define TG_SYNC_WINDOWS 16
#define TG_SYNC_MIN_Z 8.0

struct tg_sync_result {
	int aligned;             /* 1: reliable alignment; 0: none (offset fields unset) */
	double offset_s;         /* offset at t_A = 0 */
	double offset_mid_s;     /* offset at the middle of the overlap */
	double drift_ppm;
	double confidence;       /* 0..1 */
	double overlap_a[2];     /* overlap on A's timeline, seconds */
	double overlap_b[2];     /* the same span on B's timeline */
	int windows;             /* windows with sound in both */
	int consistent;          /* windows that agree with the fitted line */
	double median_z;         /* median peak sharpness of the consistent windows */
	double runner_up;        /* support of the best other candidate / best (0..1) */
	const char *reason;      /* why not aligned ("" when aligned) */
};

/*
 * Align b against a (both mono, rate Hz).  Returns 0 (whether or not an
 * alignment was found: see res->aligned) or a negative TG_E* code.
 */
int tg_sync_compute(const float *a, size_t na, const float *b, size_t nb, int rate,
		    struct tg_sync_result *res);

#endif
