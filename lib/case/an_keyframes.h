/*
 * an_keyframes.h - the "keyframes" analyser: one sharp frame per shot (and
 * one every 10 s of a long shot, phash/keyframes.h) written as JPEGs named
 * by their time, HH-MM-SS.mmm.jpg, for reverse image search; each listed
 * with its time, shot range and PDQ hash, and stored as frame_hashes kind
 * "keyframe" (so a still or screenshot can match them).
 *
 * Frames are sampled like vPDQ (every Nth decoded frame, N = round(frame
 * rate x sample_s)); with the default sample_s = 1 of `testigo add` they are
 * the very frames vPDQ hashes.  Both read the decoder's own 4:2:0 planes
 * (TG_PIX_YUV420P): cuts and sharpness on the luma, and only the kept
 * keyframes get colour (media/yuv.h: JPEG straight from the planes).
 * Shot boundaries are therefore known to the sampling interval; `testigo
 * keyframes` samples 4 times a second.  params {"sample_s": S, "max_gap_s": G}.
 */
#ifndef TG_AN_KEYFRAMES_H
#define TG_AN_KEYFRAMES_H

#include "case/analyse.h"
#include "phash/keyframes.h"
#include "phash/pdq.h"
#include "store/store.h"

struct tg_fworker;

struct tg_an_kf_item {
	long long frame;
	double t, sharpness;
	int shot;
	int quality;
	struct tg_pdq_hash hash;
	char name[32];			/* HH-MM-SS.mmm.jpg */
};

struct tg_an_keyframes {
	double sample_s;
	long long every;
	double rate, end_t;
	struct tg_kf kf;
	struct tg_pdq_scratch pdq;
	char dir[4200];			/* where JPEGs go; "" for none */
	struct tg_an_kf_item *items;
	size_t n, cap;
	int jpeg_quality;		/* qscale 2..31 */
	struct tg_fworker *worker;
};

/* Set up for a pipeline run; dir may be NULL (no JPEGs). */
int tg_an_keyframes_setup(struct tg_an_keyframes *s, struct tg_analyser *pa, double sample_s,
			  double max_gap_s, const char *dir);
void tg_an_keyframes_release(struct tg_an_keyframes *s);

extern const struct tg_case_analyser tg_an_keyframes;

#endif
