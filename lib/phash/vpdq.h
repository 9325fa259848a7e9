/*
 * vpdq.h - vPDQ: per-frame PDQ hashes of a video, and the reference's
 * video-to-video match percentages (Meta ThreatExchange vPDQ).
 *
 * Hashing is plain PDQ (pdq.h) on each decoded frame, at full resolution or
 * after a resize chosen by the caller.  A frame record prints as the
 * reference's line
 *
 *     FRAME,QUALITY,HASH,TIMESTAMP      e.g.  37,40,8c00...ffc0,1.233
 *
 * FRAME counts decoded frames from 0; TIMESTAMP is the frame's time in
 * seconds with three decimals ("%.3f").
 *
 * Matching (vPDQ's brute-force comparison): frames of quality below the
 * quality threshold (50) are dropped from both sides; a frame matches when
 * some frame of the other video is at Hamming distance strictly below the
 * distance threshold (31).  The query match percentage is the share of the
 * query's kept frames that match, the compared match percentage the share
 * of the compared video's kept frames that match; the two are not
 * symmetric.  The cost is O(n x m) distance tests of 256 bits.
 */
#ifndef TG_PHASH_VPDQ_H
#define TG_PHASH_VPDQ_H

#include <stddef.h>
#include <stdint.h>

#include "phash/pdq.h"

#define TG_VPDQ_QUALITY_MIN 50          /* the reference's defaults */
#define TG_VPDQ_DISTANCE_BELOW 31
#define TG_VPDQ_LINE_MAX 128

struct tg_vpdq_frame {
	int64_t frame;
	int quality;
	struct tg_pdq_hash hash;
	double ts;                      /* seconds */
};

/*
 * The reference's "seconds per hash": every Nth decoded frame, N = the
 * frame rate times seconds, rounded, at least 1 (1 when either is unknown
 * or 0).  Keyframes sample with it too, so that both see the same frames.
 */
long long tg_vpdq_sample_every(double seconds, double frame_rate);

/* Hash one rgb24 frame into *out. */
int tg_vpdq_hash_frame(struct tg_pdq_scratch *s, const uint8_t *rgb, int w, int h,
		       size_t stride, int64_t frame, double ts, struct tg_vpdq_frame *out);

/* The reference line, without a newline; returns its length. */
int tg_vpdq_format(const struct tg_vpdq_frame *f, char *buf, size_t len);

/* Parse one line (a trailing newline is fine); TG_EINPUT when malformed. */
int tg_vpdq_parse(const char *line, struct tg_vpdq_frame *f);

/*
 * Match percentages (0..100) of query q against compared c with the given
 * thresholds (pass TG_VPDQ_QUALITY_MIN and TG_VPDQ_DISTANCE_BELOW for the
 * reference's).  A side with no kept frame gives 0.
 */
void tg_vpdq_match(const struct tg_vpdq_frame *q, size_t nq,
		   const struct tg_vpdq_frame *c, size_t nc,
		   int quality_min, int distance_below,
		   double *query_pct, double *compared_pct);

#endif
