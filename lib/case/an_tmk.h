/*
 * an_tmk.h - the "tmk" analyser: the TMK+PDQF signature of a video from the
 * pipeline's 64x64 rgb24 stream at 15 frames a second (the reference
 * hasher's input: `ffmpeg -s 64:64 -r 15`; or its grey version, see
 * tg_an_tmk_setup()).  In a case the signature is
 * stored as blob "tmk" (the reference .tmk bytes, tmk.h) and written to
 * derived/<sha>/tmk/<sha>.tmk.
 *
 * The PDQF feature of each 15 fps frame, thresholded at its median, is the
 * PDQ hash of the 64x64 frame; they are kept as frame_hashes kind "tmk-pdq"
 * (frame = 15 fps index): a dense, free stream that lets a still or a
 * fast-moving clip match between the once-a-second vPDQ samples.
 */
#ifndef TG_AN_TMK_H
#define TG_AN_TMK_H

#include "case/analyse.h"
#include "phash/tmk.h"

struct tg_fworker;

struct tg_an_tmk {
	struct tg_tmk h;
	/* ffmpeg's -r 15 (vsync cfr) frame choice, see an_tmk.c */
	double start_s, frame_dur;	/* in 15 fps ticks */
	long long sync_opts;
	int nb, nb0;			/* decision for the frame keep() accepted */
	int have_prev;
	float prev[TG_TMK_DIM];
	struct tg_frame_hash_row *dense;	/* kind "tmk-pdq" */
	size_t ndense, capdense;
	int keep_dense;
	struct tg_fworker *worker;
	int luma_only;
	struct tg_tmk_sig sig;		/* valid once done */
	int done;
	char derived[4200];
	char sha256[65];
};

/*
 * Set up s (allocate it: ~530 KB) and pa for a pipeline run.  luma_only 0:
 * the reference's rgb24 stream (signatures identical to the reference
 * hasher's); 1: the grey 64x64 stream, box averages of the decoder's luma
 * plane (media/thumb.h, no swscale pass), whose signatures score >= 0.997
 * against the reference's; `testigo add` uses it.
 */
void tg_an_tmk_setup(struct tg_an_tmk *s, struct tg_analyser *pa, int luma_only);
void tg_an_tmk_release(struct tg_an_tmk *s);

extern const struct tg_case_analyser tg_an_tmk;

#endif
