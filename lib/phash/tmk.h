/*
 * tmk.h - TMK+PDQF whole-video signatures (Meta ThreatExchange), compatible
 * with the reference .tmk files and scores.
 *
 * Written from the published descriptions (the TMK paper, Poullot et al.,
 * "Temporal Matching Kernel with Explicit Feature Maps", and ThreatExchange's
 * TMK README) and checked against the reference outputs in the conformance
 * folder.  The reference hashes ffmpeg's 64x64 rgb24 stream at 15 frames a
 * second (`ffmpeg -i V -s 64:64 -an -f rawvideo -pix_fmt rgb24 -r 15 -`).
 *
 * Per frame t (0, 1, 2 ... of the 15 fps stream):
 *   x_t   = PDQF, the float 16x16 DCT of PDQ (no blur at 64x64): 256 floats;
 *   avg  += x_t;
 *   u_t   = x_t / |x_t|  (L2; a zero frame stays zero);
 *   for each period T_i in {2731, 4391, 9767, 14653} frames and each
 *   j in 0..31:  cos[i][j] += u_t cos(2 pi j t / T_i),
 *                sin[i][j] += u_t sin(2 pi j t / T_i).
 * At the end: avg /= frames; each 256-float block cos[i][j], sin[i][j] is
 * L2-normalised and multiplied by sqrt(a_j), where a_j are the Fourier
 * coefficients of the truncated von Mises kernel with beta = 32:
 *   a_0 = (I_0(beta) - e^-beta) / (2 sinh beta),  a_j = I_j(beta) / sinh beta.
 * Sums are float, in frame order, as the reference.
 *
 * Scores (tmk_score.c):
 *   level 1 = cosine similarity of the two averages (a cheap filter);
 *   level 2 = over the periods, the best over integer frame offsets d in
 *   [0, T) of the kernel  sum_j (P_j cos(2 pi j d / T) + Q_j sin(...)),
 *   P_j = cA.cB + sA.sB, Q_j = sA.cB - cA.sB, divided by the norms; 1.0 for
 *   identical signatures.  The reference's match threshold is 0.7.
 *
 * The .tmk file (tmk_io.c), all little-endian, sizes for the defaults:
 *
 *   offset  size  field
 *   0       4     "TMK1"  project magic
 *   4       4     "FVEC"  file type
 *   8       4     "PDQF"  frame feature algorithm
 *   12      4     int32 frames per second (15)
 *   16      4     int32 number of periods (4)
 *   20      4     int32 number of Fourier coefficients (32)
 *   24      4     int32 frame feature dimension (256)
 *   28      4     int32 frame count
 *   32      16    int32 periods[4]
 *   48      128   float Fourier coefficients[32]
 *   176     1024  float average feature[256]
 *   1200    131072 float cos[4][32][256]
 *   132272  131072 float sin[4][32][256]
 *   263344        end
 *
 * Only the reference's parameters (4 periods, 32 coefficients, 256 dims)
 * are accepted when reading.
 */
#ifndef TG_PHASH_TMK_H
#define TG_PHASH_TMK_H

#include <stddef.h>
#include <stdint.h>

#include "phash/pdq.h"

#define TG_TMK_FPS 15
#define TG_TMK_NPERIODS 4
#define TG_TMK_NCOEFFS 32
#define TG_TMK_DIM 256
#define TG_TMK_SIDE 64                  /* frames are 64x64 rgb24 */
#define TG_TMK_FILE_SIZE 263344

/* A signature: exactly the content of a .tmk file. */
struct tg_tmk_sig {
	int32_t fps;
	int32_t nframes;
	int32_t periods[TG_TMK_NPERIODS];
	float coeffs[TG_TMK_NCOEFFS];
	float average[TG_TMK_DIM];
	float cos[TG_TMK_NPERIODS][TG_TMK_NCOEFFS][TG_TMK_DIM];
	float sin[TG_TMK_NPERIODS][TG_TMK_NCOEFFS][TG_TMK_DIM];
};

/* The streaming hasher (about 270 KB: allocate it, don't put it on a stack). */
struct tg_tmk {
	struct tg_tmk_sig sig;          /* accumulators until finish */
	struct tg_pdq_scratch pdq;
	int64_t next;                   /* next frame index of the 15 fps stream */
	int finished;
};

/* Prepare h (no allocation until the first frame). */
void tg_tmk_init(struct tg_tmk *h);
void tg_tmk_release(struct tg_tmk *h);

/*
 * Add one 64x64 rgb24 frame (stride bytes a row) shown at ts seconds.  The
 * frame fills every 15 fps slot from the next unfilled one up to
 * round(ts * 15), as ffmpeg's -r 15 duplicates and drops frames; a frame
 * whose slot is already filled is skipped.
 */
int tg_tmk_push_frame(struct tg_tmk *h, const uint8_t *rgb, size_t stride, double ts);

/* Add the PDQF feature of the next 15 fps frame directly. */
int tg_tmk_push_feature(struct tg_tmk *h, const float feature[TG_TMK_DIM]);

/* Normalise into *out (may be &h->sig); the hasher is then spent. */
int tg_tmk_finish(struct tg_tmk *h, struct tg_tmk_sig *out);

/* The reference's Fourier coefficients (beta = 32), as stored in files. */
void tg_tmk_coeffs(float out[TG_TMK_NCOEFFS]);

/* ---- tmk_io.c: the .tmk file ---- */

/* Serialise into buf[TG_TMK_FILE_SIZE]. */
void tg_tmk_io_encode(const struct tg_tmk_sig *s, uint8_t *buf);
/* Parse len bytes; TG_EINPUT (naming what) when they are not a .tmk. */
int tg_tmk_io_decode(const uint8_t *buf, size_t len, struct tg_tmk_sig *s, const char *what);
/* Write path atomically. */
int tg_tmk_io_write(const char *path, const struct tg_tmk_sig *s);
int tg_tmk_io_read(const char *path, struct tg_tmk_sig *s);

/* ---- tmk_score.c ---- */

double tg_tmk_score_level1(const struct tg_tmk_sig *a, const struct tg_tmk_sig *b);
/*
 * Level 2; *offset (if not NULL) gets the best offset, in 15 fps frames,
 * modulo the winning period, in (-T/2, T/2].
 */
double tg_tmk_score_level2(const struct tg_tmk_sig *a, const struct tg_tmk_sig *b, int *offset);

#endif
