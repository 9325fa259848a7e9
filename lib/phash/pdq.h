/*
 * pdq.h - PDQ perceptual image hash (Meta ThreatExchange), bit-exact.
 *
 * PDQ turns an image into 256 bits such that similar-looking images give
 * hashes at a small Hamming distance.  Implemented from the published
 * description ("hashing.pdf" in ThreatExchange), reproducing the reference
 * tool bit for bit on the conformance vectors:
 *
 *   1. luma, float: Y = 0.299 R + 0.587 G + 0.114 B (in that order);
 *   2. a Jarosz tent filter: two passes of (box along rows, box along
 *      columns), box window ceil(side / 128), as running sums; skipped when
 *      the input is exactly 64x64;
 *   3. decimation to 64x64 by picking the pixel at ((i + 0.5) * side / 64);
 *   4. quality: sum of |vertical| and |horizontal| neighbour differences on
 *      the 64x64 buffer, each truncated ((u - v) * 100 / 255), divided by 90,
 *      capped at 100;
 *   5. 16x16 DCT = D A D^T with D[i][j] = sqrt(2/64) cos(pi (i+1)(2j+1) / 128)
 *      (the DC row is skipped), float sums in index order;
 *   6. bit i*16+j is set when DCT[i][j] is strictly above the median (the
 *      128th smallest of the 256 coefficients).
 * Images with a side under 5 pixels hash to zero with quality 0.
 *
 * Bit-exactness depends on the order of float operations, so every kernel
 * keeps the reference's summation order per output value; speed comes from
 * computing many independent outputs at once (vector lanes), never from
 * reassociating a sum.  Build without -ffast-math and with
 * -ffp-contract=off (the default for -std=c17).
 *
 * Hash layout: 16 words of 16 bits; bit k lives in w[k / 16], bit k % 16.
 * Text form: 64 hex digits, w[15] first ("%04x" each), as the reference.
 *
 * Dihedral variants come from the one DCT: mirroring rows negates the
 * coefficients of even row index (frequencies 1, 3, 5...), mirroring columns
 * those of even column index, and transposing the image transposes the DCT.
 * Each variant is thresholded at its own median, as the reference does.
 *
 * Memory: the caller owns a struct tg_pdq_scratch.  The blur streams strips
 * of eight rows through ring buffers, so its work memory is about
 * (40 + window) x width floats whatever the height; it grows (once) to the
 * largest image seen, and hashing a stream of frames of one size allocates
 * nothing after the first frame.
 */
#ifndef TG_PHASH_PDQ_H
#define TG_PHASH_PDQ_H

#include <stddef.h>
#include <stdint.h>

#define TG_PDQ_HEX_LEN 64        /* hex digits, without the NUL */
#define TG_PDQ_MIN_SIDE 5        /* smaller sides hash to zero, quality 0 */

struct tg_pdq_hash {
	uint16_t w[16];
};

/* The order of tg_pdq_dihedral()'s output, named as in the reference. */
enum tg_pdq_dihedral {
	TG_PDQ_ORIGINAL = 0,
	TG_PDQ_ROT90,       /* rotated 90 degrees counter-clockwise */
	TG_PDQ_ROT180,
	TG_PDQ_ROT270,      /* rotated 90 degrees clockwise */
	TG_PDQ_FLIPX,       /* mirrored top <-> bottom */
	TG_PDQ_FLIPY,       /* mirrored left <-> right */
	TG_PDQ_FLIPPLUS1,   /* transposed: out(x, y) = in(y, x) */
	TG_PDQ_FLIPMINUS1,  /* anti-transposed */
	TG_PDQ_NDIHEDRAL
};

struct tg_pdq_scratch {
	float *work;            /* strips and ring buffers, cap floats */
	size_t cap;
	float b64[64 * 64];     /* blurred, decimated luma (row-major) */
	float t16[16 * 64];     /* D * b64 */
	float dct[16 * 16];     /* D * b64 * D^T: the PDQF feature */
};

#define TG_PDQ_SCRATCH_INIT { 0 }

void tg_pdq_scratch_init(struct tg_pdq_scratch *s);
void tg_pdq_scratch_release(struct tg_pdq_scratch *s);
/* Grow the buffers for a w x h image (done by the hash calls too). */
int tg_pdq_scratch_reserve(struct tg_pdq_scratch *s, int w, int h);

/*
 * Hash packed 8-bit RGB (rgb24), rows stride bytes apart.  Fills *hash and
 * *quality (0..100); the 16x16 DCT stays in s->dct for tg_pdq_dihedral().
 */
int tg_pdq_hash_rgb(struct tg_pdq_scratch *s, const uint8_t *rgb, int w, int h,
		    size_t stride, struct tg_pdq_hash *hash, int *quality);

/* The same from a float luma plane (w floats a row, stride floats apart). */
int tg_pdq_hash_luma(struct tg_pdq_scratch *s, const float *luma, int w, int h,
		     size_t stride, struct tg_pdq_hash *hash, int *quality);

/* The same from an 8-bit grey plane (e.g. the Y of a decoded frame). */
int tg_pdq_hash_gray8(struct tg_pdq_scratch *s, const uint8_t *y, int w, int h,
		      size_t stride, struct tg_pdq_hash *hash, int *quality);

/*
 * PDQF: the float 16x16 DCT (row-major, 256 floats) and quality, without
 * thresholding; the per-frame feature of TMK+PDQF.
 */
int tg_pdq_float_rgb(struct tg_pdq_scratch *s, const uint8_t *rgb, int w, int h,
		     size_t stride, float dct[256], int *quality);

/* PDQF of an 8-bit grey picture (pixel values are the luma). */
int tg_pdq_float_gray8(struct tg_pdq_scratch *s, const uint8_t *y, int w, int h,
		       size_t stride, float dct[256], int *quality);

/* Threshold a 16x16 DCT at its median. */
void tg_pdq_from_dct(const float dct[256], struct tg_pdq_hash *hash);

/* The 8 dihedral hashes (enum tg_pdq_dihedral order) from one 16x16 DCT. */
void tg_pdq_dihedral(const float dct[256], struct tg_pdq_hash out[TG_PDQ_NDIHEDRAL]);

/* Number of differing bits, 0..256. */
int tg_pdq_distance(const struct tg_pdq_hash *a, const struct tg_pdq_hash *b);

/* 64 hex digits and a NUL into out[65]. */
void tg_pdq_to_hex(const struct tg_pdq_hash *h, char out[TG_PDQ_HEX_LEN + 1]);
/* Parse exactly 64 hex digits (either case); TG_EINVAL otherwise. */
int tg_pdq_from_hex(const char *hex, struct tg_pdq_hash *h);

#endif
