/*
 * an_vpdq.h - the "vpdq" analyser: per-frame PDQ hashes of a video (or the
 * one hash of an image), for the match index.
 *
 * Sampling follows the reference's "seconds per hash": every Nth decoded
 * frame, N = max(1, round(frame_rate x seconds)), frame numbers counting
 * decoded frames from 0 and timestamps frame / frame_rate, so the lines
 * written to derived/<sha>/vpdq/<sha>.txt are the reference's format for
 * the same sampling.  params {"seconds_per_hash": S}, default 1, 0 for
 * every frame.
 *
 * Besides the reference hash of the whole frame (frame_hashes kind
 * "vpdq"), each sampled frame gives what matching needs beyond the
 * reference tools:
 *   - kind "vpdq-crop": the hash of the picture inside black bars
 *     (phash/bars.h), for frames that have bars;
 *   - blob "vpdq-dihedral": the 7 other dihedral hashes of each "vpdq"
 *     row, 7 x 32 bytes a row in tg_pdq_dihedral() order 1..7, so that a
 *     stored item can be queried for mirrored and rotated copies.
 *   - kind "vpdq-center": the hash of the central 90% (5% off each side)
 *     of the picture inside the bars, so that a cropped copy matches;
 *   - kind "vpdq-quad": the hashes of five regions, the top, bottom, left
 *     and right halves and a centre band (x 10-90%, y 22-78%), of the
 *     picture inside the bars, frame number f*5+k, so that a copy with a
 *     logo, caption or ticker over part of the picture still matches on a
 *     region it leaves clean.
 * In a case (and for match queries) frames come as the decoder's 4:2:0
 * planes and only the luma is hashed (its range stretched: the PDQ luma of
 * the rgb24 conversion up to rounding), shrunk on the decode thread to at
 * most 960 pixels wide (PDQ blurs to 64x64 anyway: 2-4 bits from the
 * full-size hash on 1080p); the extra hashes use a further halving above
 * 720 wide.  `testigo vpdq` keeps the rgb24 path of the reference tool
 * (tg_an_vpdq_setup()'s luma = 0).
 * Stored hash bytes (tg_an_vpdq_pack): the 32 bytes of the hex text's
 * order, most significant word first.
 *
 * When frames are sampled (N > 1) they are hashed on a worker thread
 * (case/fworker.h) so the decoder is not held up; rows keep frame order.
 */
#ifndef TG_AN_VPDQ_H
#define TG_AN_VPDQ_H

#include "case/analyse.h"
#include "phash/pdq.h"
#include "store/store.h"

struct tg_fworker;

#define TG_AN_VPDQ_REGIONS 5

struct tg_an_vpdq_rows {
	struct tg_frame_hash_row *r;
	size_t n, cap;
};

struct tg_an_vpdq {
	double seconds;			/* seconds per hash, 0: every frame */
	long long every;
	double rate;			/* frame rate used for timestamps */
	int quads;			/* compute the extra hashes (bars, centre, regions) */
	struct tg_pdq_scratch pdq;
	struct tg_an_vpdq_rows full, crop, center, quad;
	uint8_t *small;			/* the shrunk copy */
	struct tg_fworker *worker;	/* hashes frames off the decode thread */
	size_t small_cap;
	unsigned char (*dih)[TG_PDQ_NDIHEDRAL - 1][32];	/* one per full row */
	size_t dih_cap;
	long long bars_frames;
	double quality_sum;
	char derived[4200];
	char sha256[65];
};

/*
 * Set up s and pa for a pipeline run.  luma 0: the pipeline's rgb24 frames,
 * as the reference tool (`testigo vpdq`); 1: the decoder's planes, hashing
 * their luma as `testigo add` does (also match queries, so that they hash
 * like the items they are compared with).
 */
int tg_an_vpdq_setup(struct tg_an_vpdq *s, struct tg_analyser *pa, double seconds, int quads,
		     int luma);
void tg_an_vpdq_release(struct tg_an_vpdq *s);

/* Hash one rgb24 picture (an image, or a frame) as frame number frame at ts. */
int tg_an_vpdq_add_picture(struct tg_an_vpdq *s, const uint8_t *rgb, int w, int h,
			   size_t stride, long long frame, double ts);

void tg_an_vpdq_pack(const struct tg_pdq_hash *h, unsigned char out[32]);
/* A stored "vpdq" row as the reference tool's line (tg_vpdq_format). */
int tg_an_vpdq_format_row(const struct tg_frame_hash_row *r, char *line, size_t n);
void tg_an_vpdq_unpack(const unsigned char in[32], struct tg_pdq_hash *h);

extern const struct tg_case_analyser tg_an_vpdq;

#endif
