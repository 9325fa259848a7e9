/*
 * keyframes.h - shot boundaries and one sharp representative frame per shot
 * (and at least one every max_gap_s seconds in long shots), from a stream
 * of sampled frames.
 *
 * Frames come as rgb24 or as the luma and chroma planes of a decoded 4:2:0
 * frame (tg_kf_push_picture; luma taken as the rgb24 conversion's, video
 * range stretched to 0..255), which spares converting every sampled frame
 * to rgb24: only the kept keyframes need colour, and the caller converts
 * those (media/yuv.h).
 *
 * Per frame, two small descriptors are taken from a sparse grid of pixels
 * (about 16,000 whatever the frame size): a 64-bin luma histogram and a
 * 16x16 thumbnail of block means.  The change between consecutive samples
 *     d = 0.5 * histogram distance (half L1, 0..1)
 *       + 0.5 * min(1, 4 * mean |thumbnail difference| / 255)
 * is a cut when d >= cut_min and d >= cut_k x the median of the last 8
 * changes inside the current shot (an adaptive threshold: handheld,
 * shaky footage has large ordinary changes, a tripod shot small ones).
 *
 * Sharpness is the variance of a 4-neighbour Laplacian (neighbours 2
 * pixels away) of luma at about 130,000 grid points of the frame.  Within each segment (a shot, or max_gap_s
 * of a long one) the sharpest frame is kept as a copy (the only frame
 * memory: one frame) and handed to the emit callback when the segment
 * ends.  Shot ranges are collected and can be read at the end.
 */
#ifndef TG_PHASH_KEYFRAMES_H
#define TG_PHASH_KEYFRAMES_H

#include <stddef.h>
#include <stdint.h>

#define TG_KF_HIST 64
#define TG_KF_THUMB 16

struct tg_kf_params {
	double max_gap_s;	/* at least one keyframe this often (10) */
	double cut_min;		/* absolute floor of a cut's change (0.30) */
	double cut_k;		/* times the recent median change (3.0) */
};

#define TG_KF_PARAMS_DEFAULT { 10.0, 0.30, 3.0 }

struct tg_keyframe {
	long long frame;	/* caller's frame number */
	double t;		/* seconds */
	int shot;		/* 0, 1, 2 ... */
	double sharpness;
	const uint8_t *rgb;	/* rgb24 pushes (else NULL); valid during the callback */
	int width, height;
	size_t stride;
	/* tg_kf_push_picture of yuv: its 4:2:0 planes (valid during the callback) */
	const uint8_t *planes[3];
	int linesizes[3];
	int full_range;
};

/* One frame in: rgb24 (planes[0] only) or yuv 4:2:0 (chroma at half size rounded up). */
struct tg_kf_picture {
	const uint8_t *planes[3];
	int linesizes[3];
	int width, height;
	int yuv;		/* 0: rgb24 in planes[0] */
	int full_range;		/* yuv: luma 0..255, not 16..235 */
};

struct tg_kf_shot {
	double start, end;
};

typedef int (*tg_kf_emit_fn)(void *user, const struct tg_keyframe *k);

struct tg_kf {
	struct tg_kf_params p;
	tg_kf_emit_fn emit;
	void *user;
	/* previous sample's descriptors */
	float hist[TG_KF_HIST], thumb[TG_KF_THUMB * TG_KF_THUMB];
	int have_prev;
	double recent[8];
	int nrecent;
	/* the current shot and segment */
	int shot;
	double shot_start, seg_start, last_t;
	int seg_has;
	struct tg_keyframe best;
	uint8_t *buf;
	size_t buf_cap;
	struct tg_kf_shot *shots;
	size_t nshots, cap_shots;
	double last_change;
};

void tg_kf_init(struct tg_kf *k, const struct tg_kf_params *p, tg_kf_emit_fn emit, void *user);
void tg_kf_release(struct tg_kf *k);

/* Feed one sampled frame (frames in time order). */
int tg_kf_push(struct tg_kf *k, const uint8_t *rgb, int width, int height, size_t stride,
	       double t, long long frame);
int tg_kf_push_picture(struct tg_kf *k, const struct tg_kf_picture *in, double t,
		       long long frame);

/* End of stream at end_t seconds: emits the last segment, closes the last shot. */
int tg_kf_finish(struct tg_kf *k, double end_t);

/* Sharpness of one frame (exposed for tests). */
double tg_kf_sharpness(const uint8_t *rgb, int width, int height, size_t stride);

#endif
