/*
 * pdq.c - PDQ hashing kernels.  See pdq.h for the algorithm and why every
 * loop keeps the reference's order of float operations per output value.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "phash/pdq.h"
#include "util/error.h"
#include "util/select.h"

/* 32-byte vectors passed between static functions: no ABI is involved */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

/*
 * The hot loops are compiled twice, for AVX2 and for the baseline ISA, and
 * picked at load time (GCC function multi-versioning).  AVX2 brings no FMA
 * here, and ISO C mode keeps -ffp-contract=off, so both clones round alike.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(TG_PDQ_NO_CLONES)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif
#define INLINE static inline __attribute__((always_inline))

/* set once (under pthread_once) from the CPU's features */
static int use_avx2 __attribute__((unused));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(TG_PDQ_NO_CLONES)
#include <immintrin.h>
#define TG_PDQ_X86 1
#endif

/* D[i][j] = sqrt(2/64) cos(pi/128 (i+1)(2j+1)), and its transpose. */
static float dct_d[16][64];
static float dct_dt[64][16];
static pthread_once_t dct_once = PTHREAD_ONCE_INIT;


static void dct_make(void)
{
	const float scale = (float)sqrt(2.0 / 64.0);

#ifdef TG_PDQ_X86
	use_avx2 = __builtin_cpu_supports("avx2");
#endif

	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 64; j++) {
			float v = (float)(scale * cos((M_PI / 2 / 64) * (i + 1) * (2 * j + 1)));

			dct_d[i][j] = v;
			dct_dt[j][i] = v;
		}
}

void tg_pdq_scratch_init(struct tg_pdq_scratch *s)
{
	memset(s, 0, sizeof(*s));
}

void tg_pdq_scratch_release(struct tg_pdq_scratch *s)
{
	if (!s)
		return;
	free(s->work);
	s->work = NULL;
	s->cap = 0;
}

static int window_size(int old_side, int new_side)
{
	return (old_side + 2 * new_side - 1) / (2 * new_side);
}

/* Ring slots of the streaming column boxes: win + 1 live rows plus a strip. */
static int ring_rows(int win)
{
	return win + 9;
}

/* ---- vectors -------------------------------------------------------------- */

/*
 * GCC/clang vector extensions: eight float lanes, lowered to AVX or to pairs
 * of SSE (or NEON) instructions.  Lane-wise + - * / are the IEEE operations
 * of the scalar code, so results are bit-identical to it.
 */
typedef float v8f __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
typedef unsigned char v32u __attribute__((vector_size(32)));
typedef unsigned char v8u __attribute__((vector_size(8)));

/* Unaligned loads and stores; macros, so that no vector crosses a call. */
#define ld8(p) ({ v8f v_; memcpy(&v_, (p), sizeof(v_)); v_; })
#define st8(p, v) do { v8f w_ = (v); memcpy((p), &w_, sizeof(w_)); } while (0)

INLINE v8f splat(float x)
{
	return (v8f){ x, x, x, x, x, x, x, x };
}

typedef float v4f __attribute__((vector_size(16)));

INLINE v4f ld4(const float *p)
{
	v4f v;

	memcpy(&v, p, sizeof(v));
	return v;
}

INLINE void st4(float *p, v4f v)
{
	memcpy(p, &v, sizeof(v));
}

/*
 * 8x8 transpose of the rows at in[i * istride] into out[j * ostride], as
 * four 4x4 transposes: 4-lane shuffles map to single instructions on SSE,
 * AVX and NEON alike, where GCC lowers 8-lane ones poorly without AVX.
 */
INLINE void transpose8(const float *in, size_t istride, float *out, size_t ostride)
{
	for (int bi = 0; bi < 8; bi += 4)
		for (int bj = 0; bj < 8; bj += 4) {
			const float *p = in + bi * istride + bj;
			float *o = out + bj * ostride + bi;
			v4f a = ld4(p), b = ld4(p + istride), c = ld4(p + 2 * istride);
			v4f d = ld4(p + 3 * istride);
			v4f t0 = __builtin_shufflevector(a, b, 0, 4, 1, 5);
			v4f t1 = __builtin_shufflevector(a, b, 2, 6, 3, 7);
			v4f t2 = __builtin_shufflevector(c, d, 0, 4, 1, 5);
			v4f t3 = __builtin_shufflevector(c, d, 2, 6, 3, 7);

			st4(o, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
			st4(o + ostride, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
			st4(o + 2 * ostride, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
			st4(o + 3 * ostride, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
		}
}

#define UNPACKLO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13)
#define UNPACKHI(a, b) __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15)
#define SHUF44(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13)
#define SHUFEE(a, b) __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15)
#define LO128(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11)
#define HI128(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15)

/*
 * The same with 8-lane shuffles, written out in full (no arrays) so that it
 * stays in registers at -O2: for the AVX2 versions below.
 */
INLINE void transpose8w(const float *in, size_t istride, float *out, size_t ostride)
{
	v8f r0 = ld8(in), r1 = ld8(in + istride), r2 = ld8(in + 2 * istride);
	v8f r3 = ld8(in + 3 * istride), r4 = ld8(in + 4 * istride);
	v8f r5 = ld8(in + 5 * istride), r6 = ld8(in + 6 * istride);
	v8f r7 = ld8(in + 7 * istride);
	v8f t0 = UNPACKLO(r0, r1), t1 = UNPACKHI(r0, r1);
	v8f t2 = UNPACKLO(r2, r3), t3 = UNPACKHI(r2, r3);
	v8f t4 = UNPACKLO(r4, r5), t5 = UNPACKHI(r4, r5);
	v8f t6 = UNPACKLO(r6, r7), t7 = UNPACKHI(r6, r7);
	v8f u0 = SHUF44(t0, t2), u1 = SHUFEE(t0, t2);
	v8f u2 = SHUF44(t1, t3), u3 = SHUFEE(t1, t3);
	v8f u4 = SHUF44(t4, t6), u5 = SHUFEE(t4, t6);
	v8f u6 = SHUF44(t5, t7), u7 = SHUFEE(t5, t7);

	st8(out, LO128(u0, u4));
	st8(out + ostride, LO128(u1, u5));
	st8(out + 2 * ostride, LO128(u2, u6));
	st8(out + 3 * ostride, LO128(u3, u7));
	st8(out + 4 * ostride, HI128(u0, u4));
	st8(out + 5 * ostride, HI128(u1, u5));
	st8(out + 6 * ostride, HI128(u2, u6));
	st8(out + 7 * ostride, HI128(u3, u7));
}

/* 8 rows (row i at rows + i * rstride) of n values -> strip[x * 8 + i]. */
static void rows_to_strip_generic(const float *rows, size_t rstride, int n, float *strip)
{
	int x = 0;

	for (; x + 8 <= n; x += 8)
		transpose8(rows + x, rstride, strip + (size_t)x * 8, 8);
	for (; x < n; x++)
		for (int i = 0; i < 8; i++)
			strip[(size_t)x * 8 + i] = rows[i * rstride + x];
}

/* The inverse: strip[x * 8 + i] -> row i at rows + i * rstride. */
static void strip_to_rows_generic(const float *strip, int n, float *rows, size_t rstride)
{
	int x = 0;

	for (; x + 8 <= n; x += 8)
		transpose8(strip + (size_t)x * 8, 8, rows + x, rstride);
	for (; x < n; x++)
		for (int i = 0; i < 8; i++)
			rows[i * rstride + x] = strip[(size_t)x * 8 + i];
}

#ifdef TG_PDQ_X86
__attribute__((target("avx2")))
static void rows_to_strip_avx2(const float *rows, size_t rstride, int n, float *strip)
{
	int x = 0;

	for (; x + 8 <= n; x += 8)
		transpose8w(rows + x, rstride, strip + (size_t)x * 8, 8);
	for (; x < n; x++)
		for (int i = 0; i < 8; i++)
			strip[(size_t)x * 8 + i] = rows[i * rstride + x];
}

__attribute__((target("avx2")))
static void strip_to_rows_avx2(const float *strip, int n, float *rows, size_t rstride)
{
	int x = 0;

	for (; x + 8 <= n; x += 8)
		transpose8w(strip + (size_t)x * 8, 8, rows + x, rstride);
	for (; x < n; x++)
		for (int i = 0; i < 8; i++)
			rows[i * rstride + x] = strip[(size_t)x * 8 + i];
}
#endif

static void rows_to_strip(const float *rows, size_t rstride, int n, float *strip)
{
#ifdef TG_PDQ_X86
	if (use_avx2) {
		rows_to_strip_avx2(rows, rstride, n, strip);
		return;
	}
#endif
	rows_to_strip_generic(rows, rstride, n, strip);
}

static void strip_to_rows(const float *strip, int n, float *rows, size_t rstride)
{
#ifdef TG_PDQ_X86
	if (use_avx2) {
		strip_to_rows_avx2(strip, n, rows, rstride);
		return;
	}
#endif
	strip_to_rows_generic(strip, n, rows, rstride);
}

/* ---- luma ---------------------------------------------------------------- */

/*
 * Eight pixels at a time: widen the 24 bytes to floats as they lie (r g b r
 * g b ...), multiply by the matching coefficient pattern, then gather the
 * R, G and B products into lanes; each product and the two sums are the
 * scalar ones, (0.299 R + 0.587 G) + 0.114 B.
 */
#define LUMA_COEFFS \
	const float cr = 0.299f, cg = 0.587f, cb = 0.114f; \
	const v8f ka = { cr, cg, cb, cr, cg, cb, cr, cg }; \
	const v8f kb = { cb, cr, cg, cb, cr, cg, cb, cr }; \
	const v8f kc = { cg, cb, cr, cg, cb, cr, cg, cb }

/* fa, fb, fc: the 24 bytes of 8 pixels as floats; returns the 8 lumas */
#define LUMA8(fa, fb, fc) ({ \
	v8f ma_ = (fa) * ka, mb_ = (fb) * kb, mc_ = (fc) * kc; \
	v8f r_ = __builtin_shufflevector(__builtin_shufflevector(ma_, mb_, \
		0, 3, 6, 9, 12, 15, 0, 0), mc_, 0, 1, 2, 3, 4, 5, 10, 13); \
	v8f g_ = __builtin_shufflevector(__builtin_shufflevector(ma_, mb_, \
		1, 4, 7, 10, 13, 0, 0, 0), mc_, 0, 1, 2, 3, 4, 8, 11, 14); \
	v8f b_ = __builtin_shufflevector(__builtin_shufflevector(ma_, mb_, \
		2, 5, 8, 11, 14, 0, 0, 0), mc_, 0, 1, 2, 3, 4, 9, 12, 15); \
	r_ + g_ + b_; })

static void luma_row_generic(const uint8_t *p, float *o, int w)
{
	LUMA_COEFFS;
	int x = 0;

	for (; x + 8 <= w; x += 8, p += 24) {
		v8u ba, bb, bc;

		memcpy(&ba, p, 8);
		memcpy(&bb, p + 8, 8);
		memcpy(&bc, p + 16, 8);
		st8(o + x, LUMA8(__builtin_convertvector(__builtin_convertvector(ba, v8i), v8f),
				 __builtin_convertvector(__builtin_convertvector(bb, v8i), v8f),
				 __builtin_convertvector(__builtin_convertvector(bc, v8i), v8f)));
	}
	for (; x < w; x++, p += 3)
		o[x] = cr * (float)p[0] + cg * (float)p[1] + cb * (float)p[2];
}

#ifdef TG_PDQ_X86
/* The same with AVX2's byte-to-int widening (GCC lowers the generic one poorly). */
__attribute__((target("avx2")))
static void luma_row_avx2(const uint8_t *p, float *o, int w)
{
	LUMA_COEFFS;
	int x = 0;

	for (; x + 8 <= w; x += 8, p += 24) {
		v8f fa = (v8f)_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)p)));
		v8f fb = (v8f)_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)(p + 8))));
		v8f fc = (v8f)_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const void *)(p + 16))));

		st8(o + x, LUMA8(fa, fb, fc));
	}
	for (; x < w; x++, p += 3)
		o[x] = cr * (float)p[0] + cg * (float)p[1] + cb * (float)p[2];
}
#endif

static void luma_row_rgb(const uint8_t *p, float *o, int w)
{
#ifdef TG_PDQ_X86
	if (use_avx2) {
		luma_row_avx2(p, o, w);
		return;
	}
#endif
	luma_row_generic(p, o, w);
}

/* Where the pixels come from: one row of float luma at a time. */
struct source {
	int kind;               /* 0 rgb24, 1 float luma, 2 grey8 */
	const void *base;
	size_t stride;          /* bytes for 0 and 2, floats for 1 */
	int w;
};

static void source_row(const struct source *src, int y, float *o)
{
	if (src->kind == 0) {
		luma_row_rgb((const uint8_t *)src->base + (size_t)y * src->stride, o, src->w);
	} else if (src->kind == 1) {
		memcpy(o, (const float *)src->base + (size_t)y * src->stride,
		       (size_t)src->w * sizeof(float));
	} else {
		const uint8_t *p = (const uint8_t *)src->base + (size_t)y * src->stride;
		int x = 0;

#ifdef TG_PDQ_X86
		/* bytes to floats 16 at a time (exact: every byte is a float) */
		const __m128i z = _mm_setzero_si128();

		for (; x + 16 <= src->w; x += 16) {
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + x));
			__m128i lo = _mm_unpacklo_epi8(b, z), hi = _mm_unpackhi_epi8(b, z);

			_mm_storeu_ps(o + x, _mm_cvtepi32_ps(_mm_unpacklo_epi16(lo, z)));
			_mm_storeu_ps(o + x + 4, _mm_cvtepi32_ps(_mm_unpackhi_epi16(lo, z)));
			_mm_storeu_ps(o + x + 8, _mm_cvtepi32_ps(_mm_unpacklo_epi16(hi, z)));
			_mm_storeu_ps(o + x + 12, _mm_cvtepi32_ps(_mm_unpackhi_epi16(hi, z)));
		}
#endif
		for (; x < src->w; x++)
			o[x] = (float)p[x];
	}
}

/* ---- Jarosz filter -------------------------------------------------------- */

/*
 * The reference's box filter, per output o over n inputs with window win
 * and half = (win + 2) / 2, is a running sum updated in this order: when
 * input r arrives, sum += in[r]; if r >= win, sum -= in[r - win]; if
 * r >= half - 1, out[r - half + 1] = sum / count.  After the last input,
 * each remaining output first subtracts in[o - (win - half + 1)].  Both
 * directions below follow exactly that order, so sums round as there.
 *
 * Along rows, eight image rows run side by side in the lanes of a strip
 * (strip[x * 8 + row]); along columns, each column's sum is a lane of a
 * row vector and rows stream through a ring buffer.  Either way every lane
 * is one independent reference running sum.
 */
INLINE v8f box_div(v8f sum, int cnt, int pow2, v8f inv)
{
	/* dividing by a power of two equals multiplying by its exact inverse */
	if (pow2)
		return sum * inv;
	return sum / splat((float)cnt);
}

/*
 * Box along x of a strip of n columns.  Outputs go to out[x * 8] for every
 * x, or, when sel is given, out[j * 8] for the nsel sorted columns sel[j].
 */
HOT static void box_strip(const float *in, float *out, int n, int win, const int *sel, int nsel)
{
	const int half = (win + 2) / 2, lag = half - 1;
	const int pow2 = (win & (win - 1)) == 0;
	const v8f inv = splat(1.0f / (float)win);
	v8f sum = splat(0.0f);
	int r, o, j = 0, cnt = 0;

	for (r = 0; r < n; r++) {
		sum += ld8(in + (size_t)r * 8);
		if (r >= win)
			sum -= ld8(in + (size_t)(r - win) * 8);
		else
			cnt++;
		if (r < lag)
			continue;
		o = r - lag;
		if (!sel) {
			st8(out + (size_t)o * 8, cnt == win ? box_div(sum, cnt, pow2, inv)
				: sum / splat((float)cnt));
		} else if (j < nsel && sel[j] == o) {
			v8f v = sum / splat((float)cnt);

			while (j < nsel && sel[j] == o)
				st8(out + (size_t)j++ * 8, v);
		}
	}
	for (o = n - lag; o < n; o++) {
		sum -= ld8(in + (size_t)(o - (win - lag)) * 8);
		cnt--;
		if (!sel) {
			st8(out + (size_t)o * 8, sum / splat((float)cnt));
		} else if (j < nsel && sel[j] == o) {
			v8f v = sum / splat((float)cnt);

			while (j < nsel && sel[j] == o)
				st8(out + (size_t)j++ * 8, v);
		}
	}
}

/* A streaming box down the columns of rows w floats wide. */
struct colbox {
	int w, win, lag, nring;
	int rows;               /* rows pushed so far */
	int cnt, drained;
	float *sum;             /* w running sums */
	float *ring;            /* nring rows of w (stride wp) */
	size_t wp;
};

static float *colbox_slot(struct colbox *c, int k)
{
	return c->ring + (size_t)((c->rows + k) % c->nring) * c->wp;
}

/* Add the row already written to colbox_slot(c, 0); returns the output row
 * index now ready (written to out if out), or -1. */
HOT static int colbox_push(struct colbox *c, float *out)
{
	const float *in = colbox_slot(c, 0);
	const float *old = NULL;
	int r = c->rows, x;

	if (r >= c->win)
		old = c->ring + (size_t)((r - c->win) % c->nring) * c->wp;
	else
		c->cnt++;
	c->rows++;
	if (old) {
		for (x = 0; x + 8 <= c->w; x += 8) {
			v8f s = ld8(c->sum + x) + ld8(in + x);

			st8(c->sum + x, s - ld8(old + x));
		}
		for (; x < c->w; x++)
			c->sum[x] = (c->sum[x] + in[x]) - old[x];
	} else {
		for (x = 0; x + 8 <= c->w; x += 8)
			st8(c->sum + x, ld8(c->sum + x) + ld8(in + x));
		for (; x < c->w; x++)
			c->sum[x] += in[x];
	}
	if (r < c->lag)
		return -1;
	if (out) {
		const float d = (float)c->cnt;

		for (x = 0; x + 8 <= c->w; x += 8)
			st8(out + x, ld8(c->sum + x) / splat(d));
		for (; x < c->w; x++)
			out[x] = c->sum[x] / d;
	}
	return r - c->lag;
}

/* After the last row: the next trailing output's index (written to out if
 * out), or -1 when all are out. */
HOT static int colbox_drain(struct colbox *c, float *out)
{
	const float *old;
	int o, x;

	if (c->drained >= c->lag)
		return -1;
	o = c->rows - c->lag + c->drained++;
	old = c->ring + (size_t)((o - (c->win - c->lag)) % c->nring) * c->wp;
	c->cnt--;
	for (x = 0; x + 8 <= c->w; x += 8)
		st8(c->sum + x, ld8(c->sum + x) - ld8(old + x));
	for (; x < c->w; x++)
		c->sum[x] -= old[x];
	if (out) {
		const float d = (float)c->cnt;

		for (x = 0; x + 8 <= c->w; x += 8)
			st8(out + x, ld8(c->sum + x) / splat(d));
		for (; x < c->w; x++)
			out[x] = c->sum[x] / d;
	}
	return o;
}

static void colbox_init(struct colbox *c, int w, int win, float *mem)
{
	c->w = w;
	c->wp = ((size_t)w + 7) & ~(size_t)7;
	c->win = win;
	c->lag = (win + 2) / 2 - 1;
	c->nring = ring_rows(win);
	c->rows = c->cnt = c->drained = 0;
	c->sum = mem;
	c->ring = mem + c->wp;
	memset(c->sum, 0, c->wp * sizeof(float));
}

static size_t colbox_floats(int w, int win)
{
	return (((size_t)w + 7) & ~(size_t)7) * (size_t)(1 + ring_rows(win));
}

/* Floats of work memory for a w x h image (see struct layout in pdq_blur). */
static size_t work_floats(int w, int h)
{
	size_t wp = ((size_t)w + 7) & ~(size_t)7;
	int wc = window_size(h, 64);

	return wp * 8 * 4 + colbox_floats(w, wc) + 64 * 8 * 2 + colbox_floats(64, wc) + 64;
}

int tg_pdq_scratch_reserve(struct tg_pdq_scratch *s, int w, int h)
{
	size_t n;
	float *p;

	if (w <= 0 || h <= 0 || w > (1 << 24) || h > (1 << 24))
		return tg_error(TG_EINVAL, "pdq: bad image size %dx%d", w, h);
	n = work_floats(w, h);
	if (n <= s->cap)
		return 0;
	p = malloc(n * sizeof(float));
	if (!p)
		return tg_error(TG_ENOMEM, "pdq: no memory for a %dx%d image", w, h);
	free(s->work);
	s->work = p;
	s->cap = n;
	return 0;
}

/*
 * Blur (two passes of rows then columns) and decimate s->b64 out of the
 * source, streaming strips of eight rows:
 *
 *   luma rows -> strip -> R1 -> rows -> C1 ring -> rows (groups of 8)
 *     -> strip -> R2 (only the 64 sampled columns) -> rows -> C2 ring
 *     -> the 64 sampled rows.
 *
 * Work memory is O(width x window), independent of the height.
 */
static void pdq_blur(struct tg_pdq_scratch *s, const struct source *src, int w, int h)
{
	const int wr = window_size(w, 64), wc = window_size(h, 64);
	const size_t wp = ((size_t)w + 7) & ~(size_t)7;
	float *rows8 = s->work, *strip = rows8 + 8 * wp, *strip2 = strip + 8 * wp;
	float *group = strip2 + 8 * wp, *c1mem = group + 8 * wp;
	float *r2out = c1mem + colbox_floats(w, wc), *r2rows = r2out + 64 * 8;
	float *c2mem = r2rows + 64 * 8, *c2out = c2mem + colbox_floats(64, wc);
	int xs[64], ys[64], ngroup = 0, yi = 0, o;
	struct colbox c1, c2;

	for (int j = 0; j < 64; j++) {
		xs[j] = (int)(((j + 0.5) * w) / 64);
		ys[j] = (int)(((j + 0.5) * h) / 64);
	}
	colbox_init(&c1, w, wc, c1mem);
	colbox_init(&c2, 64, wc, c2mem);

	/* R2 and C2 on a group of n C1 output rows (n <= 8) */
#define FLUSH_GROUP(n) do { \
		for (int i_ = (n); i_ < 8; i_++) \
			memset(group + i_ * wp, 0, wp * sizeof(float)); \
		rows_to_strip(group, wp, w, strip); \
		box_strip(strip, r2out, w, wr, xs, 64); \
		strip_to_rows(r2out, 64, r2rows, 64); \
		for (int i_ = 0; i_ < (n); i_++) { \
			memcpy(colbox_slot(&c2, 0), r2rows + i_ * 64, 64 * sizeof(float)); \
			o = colbox_push(&c2, yi < 64 && c2.rows - c2.lag == ys[yi] ? c2out : NULL); \
			while (o >= 0 && yi < 64 && ys[yi] == o) \
				memcpy(s->b64 + yi++ * 64, c2out, sizeof(float) * 64); \
		} \
	} while (0)

	for (int y0 = 0; y0 < h; y0 += 8) {
		int n = h - y0 < 8 ? h - y0 : 8;

		for (int i = 0; i < 8; i++) {
			if (i < n)
				source_row(src, y0 + i, rows8 + i * wp);
			else
				memset(rows8 + i * wp, 0, wp * sizeof(float));
		}
		rows_to_strip(rows8, wp, w, strip);
		box_strip(strip, strip2, w, wr, NULL, 0);
		strip_to_rows(strip2, w, rows8, wp);
		for (int i = 0; i < n; i++) {
			memcpy(colbox_slot(&c1, 0), rows8 + i * wp, (size_t)w * sizeof(float));
			o = colbox_push(&c1, group + ngroup * wp);
			if (o >= 0 && ++ngroup == 8) {
				FLUSH_GROUP(8);
				ngroup = 0;
			}
		}
	}
	while ((o = colbox_drain(&c1, group + ngroup * wp)) >= 0)
		if (++ngroup == 8) {
			FLUSH_GROUP(8);
			ngroup = 0;
		}
	if (ngroup)
		FLUSH_GROUP(ngroup);
	while (yi < 64 && (o = colbox_drain(&c2, c2out)) >= 0)
		while (yi < 64 && ys[yi] == o)
			memcpy(s->b64 + yi++ * 64, c2out, sizeof(float) * 64);
#undef FLUSH_GROUP
}

/* ---- quality, DCT, median -------------------------------------------------- */

HOT static int quality_of(const float *b)
{
	int sum = 0, q;

	for (int i = 0; i < 63; i++)
		for (int j = 0; j < 64; j++) {
			int d = (int)(((b[i * 64 + j] - b[(i + 1) * 64 + j]) * 100) / 255);

			sum += abs(d);
		}
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 63; j++) {
			int d = (int)(((b[i * 64 + j] - b[i * 64 + j + 1]) * 100) / 255);

			sum += abs(d);
		}
	q = sum / 90;
	return q > 100 ? 100 : q;
}

/* T = D A (16x64), then B = T D^T (16x16); each sum runs k = 0..63. */
/*
 * Each output is the reference's sum, from 0 in k order; the loops run k
 * outside and the outputs (j) inside, so the j loop is independent lanes
 * (vectorised) instead of one long chain of dependent adds per output.
 */
HOT static void dct16(const float *restrict a, float *restrict t, float *restrict b)
{
	for (int i = 0; i < 16; i++) {
		float *ti = t + i * 64;

		for (int j = 0; j < 64; j++)
			ti[j] = 0.0f;
		for (int k = 0; k < 64; k++) {
			const float d = dct_d[i][k];
			const float *ak = a + k * 64;

			for (int j = 0; j < 64; j++)
				ti[j] += d * ak[j];
		}
	}
	for (int i = 0; i < 16; i++) {
		float *bi = b + i * 16;
		const float *ti = t + i * 64;

		for (int j = 0; j < 16; j++)
			bi[j] = 0.0f;
		for (int k = 0; k < 64; k++) {
			const float v = ti[k];

			for (int j = 0; j < 16; j++)
				bi[j] += v * dct_dt[k][j];
		}
	}
}

/* The 128th smallest of 256 values (what the reference's Torben median returns). */
static float median256(const float *v)
{
	float a[256];

	memcpy(a, v, sizeof(a));
	return tg_select_float(a, 256, 127);
}

void tg_pdq_from_dct(const float dct[256], struct tg_pdq_hash *hash)
{
	float med = median256(dct);

	memset(hash, 0, sizeof(*hash));
	for (int k = 0; k < 256; k++)
		if (dct[k] > med)
			hash->w[k >> 4] |= (uint16_t)(1u << (k & 15));
}

/*
 * Mirroring rows negates the coefficients whose row frequency i+1 is odd
 * (even i); mirroring columns likewise by column index; transposing the
 * image transposes the DCT.
 */
void tg_pdq_dihedral(const float dct[256], struct tg_pdq_hash out[TG_PDQ_NDIHEDRAL])
{
	static const struct { int transpose, fliprows, flipcols; } ops[TG_PDQ_NDIHEDRAL] = {
		[TG_PDQ_ORIGINAL] = { 0, 0, 0 },
		[TG_PDQ_ROT90] = { 1, 1, 0 },
		[TG_PDQ_ROT180] = { 0, 1, 1 },
		[TG_PDQ_ROT270] = { 1, 0, 1 },
		[TG_PDQ_FLIPX] = { 0, 1, 0 },
		[TG_PDQ_FLIPY] = { 0, 0, 1 },
		[TG_PDQ_FLIPPLUS1] = { 1, 0, 0 },
		[TG_PDQ_FLIPMINUS1] = { 1, 1, 1 },
	};
	float m[256];

	for (int d = 0; d < TG_PDQ_NDIHEDRAL; d++) {
		for (int i = 0; i < 16; i++)
			for (int j = 0; j < 16; j++) {
				/* output (i, j) reads input (si, sj) */
				int si = ops[d].transpose ? j : i;
				int sj = ops[d].transpose ? i : j;
				float v = dct[si * 16 + sj];

				if (ops[d].fliprows && (i & 1) == 0)
					v = -v;
				if (ops[d].flipcols && (j & 1) == 0)
					v = -v;
				m[i * 16 + j] = v;
			}
		tg_pdq_from_dct(m, &out[d]);
	}
}

/* ---- the pipeline ------------------------------------------------------------ */

/* Hash the source into s->b64, s->dct and *quality. */
static void pdq_core(struct tg_pdq_scratch *s, const struct source *src, int w, int h,
		     int *quality)
{
	pthread_once(&dct_once, dct_make);
	if (w == 64 && h == 64) {
		/* the reference skips the blur for exactly 64x64 */
		for (int y = 0; y < 64; y++)
			source_row(src, y, s->b64 + y * 64);
	} else {
		pdq_blur(s, src, w, h);
	}
	*quality = quality_of(s->b64);
	dct16(s->b64, s->t16, s->dct);
}

static int run(struct tg_pdq_scratch *s, const struct source *src, int h,
	       size_t min_stride, struct tg_pdq_hash *hash, float *dct, int *quality)
{
	int ret, w = src->w;

	if (w <= 0 || h <= 0 || src->stride < min_stride || !src->base)
		return tg_error(TG_EINVAL, "pdq: bad image geometry %dx%d", w, h);
	if (w < TG_PDQ_MIN_SIDE || h < TG_PDQ_MIN_SIDE) {
		memset(s->dct, 0, sizeof(s->dct));
		*quality = 0;
	} else {
		ret = tg_pdq_scratch_reserve(s, w, h);
		if (ret < 0)
			return ret;
		pdq_core(s, src, w, h, quality);
	}
	if (hash) {
		if (*quality == 0 && (w < TG_PDQ_MIN_SIDE || h < TG_PDQ_MIN_SIDE))
			memset(hash, 0, sizeof(*hash));
		else
			tg_pdq_from_dct(s->dct, hash);
	}
	if (dct && dct != s->dct)
		memcpy(dct, s->dct, sizeof(s->dct));
	return 0;
}

int tg_pdq_float_rgb(struct tg_pdq_scratch *s, const uint8_t *rgb, int w, int h,
		     size_t stride, float dct[256], int *quality)
{
	struct source src = { 0, rgb, stride, w };

	return run(s, &src, h, (size_t)w * 3, NULL, dct, quality);
}

int tg_pdq_hash_rgb(struct tg_pdq_scratch *s, const uint8_t *rgb, int w, int h,
		    size_t stride, struct tg_pdq_hash *hash, int *quality)
{
	struct source src = { 0, rgb, stride, w };

	return run(s, &src, h, (size_t)w * 3, hash, NULL, quality);
}

int tg_pdq_hash_luma(struct tg_pdq_scratch *s, const float *luma, int w, int h,
		     size_t stride, struct tg_pdq_hash *hash, int *quality)
{
	struct source src = { 1, luma, stride, w };

	return run(s, &src, h, (size_t)w, hash, NULL, quality);
}

int tg_pdq_hash_gray8(struct tg_pdq_scratch *s, const uint8_t *y, int w, int h,
		      size_t stride, struct tg_pdq_hash *hash, int *quality)
{
	struct source src = { 2, y, stride, w };

	return run(s, &src, h, (size_t)w, hash, NULL, quality);
}

int tg_pdq_float_gray8(struct tg_pdq_scratch *s, const uint8_t *y, int w, int h,
		       size_t stride, float dct[256], int *quality)
{
	struct source src = { 2, y, stride, w };

	return run(s, &src, h, (size_t)w, NULL, dct, quality);
}


/* ---- hashes ---------------------------------------------------------------- */

int tg_pdq_distance(const struct tg_pdq_hash *a, const struct tg_pdq_hash *b)
{
	const uint64_t *pa = (const uint64_t *)(const void *)a->w;
	const uint64_t *pb = (const uint64_t *)(const void *)b->w;
	int d = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t x, y;

		memcpy(&x, pa + i, 8);
		memcpy(&y, pb + i, 8);
		d += __builtin_popcountll(x ^ y);
	}
	return d;
}

void tg_pdq_to_hex(const struct tg_pdq_hash *h, char out[TG_PDQ_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	char *o = out;

	for (int i = 15; i >= 0; i--)
		for (int sh = 12; sh >= 0; sh -= 4)
			*o++ = digits[(h->w[i] >> sh) & 15];
	*o = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tg_pdq_from_hex(const char *hex, struct tg_pdq_hash *h)
{
	for (int i = 0; i < TG_PDQ_HEX_LEN; i++)
		if (hexval(hex[i]) < 0)
			return tg_error(TG_EINVAL, "pdq: not a 64-digit hex hash");
	if (hex[TG_PDQ_HEX_LEN] != '\0' && hexval(hex[TG_PDQ_HEX_LEN]) >= 0)
		return tg_error(TG_EINVAL, "pdq: not a 64-digit hex hash");
	for (int i = 0; i < 16; i++) {
		uint16_t v = 0;

		for (int k = 0; k < 4; k++)
			v = (uint16_t)(v << 4 | hexval(hex[i * 4 + k]));
		h->w[15 - i] = v;
	}
	return 0;
}
