#include "media/thumb.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/*
 * a16[x] = sum of the n rows' bytes x.  Row by row, so the frame (just
 * decoded, often no longer in cache) streams in order; a16 stays in L1.
 */
void tg_thumb_sum_rows(uint16_t *a16, const uint8_t *p, size_t stride, int n, int w)
{
	const __m128i zero = _mm_setzero_si128();
	int w16 = w & ~15;

	memset(a16, 0, (size_t)w * sizeof(*a16));
	for (int r = 0; r < n; r++, p += stride) {
		for (int x = 0; x < w16; x += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + x));
			__m128i *a = (__m128i *)(void *)(a16 + x);

			_mm_storeu_si128(a, _mm_add_epi16(_mm_loadu_si128(a), _mm_unpacklo_epi8(v, zero)));
			_mm_storeu_si128(a + 1, _mm_add_epi16(_mm_loadu_si128(a + 1),
							      _mm_unpackhi_epi8(v, zero)));
		}
		for (int x = w16; x < w; x++)
			a16[x] = (uint16_t)(a16[x] + p[x]);
	}
}

/* a16[x0] + ... + a16[x1 - 1]; every a16 value below 32768 (madd is signed) */
static uint32_t sum_span(const uint16_t *a16, int x0, int x1)
{
	const __m128i ones = _mm_set1_epi16(1);
	__m128i acc = _mm_setzero_si128();
	uint32_t s = 0, lanes[4];
	int x = x0;

	for (; x + 8 <= x1; x += 8)
		acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(const void *)
									 (a16 + x)), ones));
	_mm_storeu_si128((__m128i *)(void *)lanes, acc);
	for (; x < x1; x++)
		s += a16[x];
	return s + lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
#define SPAN_MAX_ROWS 128	/* 128 x 255 < 32768 */
#else
#define SPAN_MAX_ROWS 0

static uint32_t sum_span(const uint16_t *a16, int x0, int x1)
{
	uint32_t s = 0;

	for (int x = x0; x < x1; x++)
		s += a16[x];
	return s;
}

void tg_thumb_sum_rows(uint16_t *a16, const uint8_t *p, size_t stride, int n, int w)
{
	memset(a16, 0, (size_t)w * sizeof(*a16));
	for (int r = 0; r < n; r++, p += stride)
		for (int x = 0; x < w; x++)
			a16[x] = (uint16_t)(a16[x] + p[x]);
}
#endif

static uint8_t level(float v, int limited)
{
	if (limited)
		v = (v - 16.0f) * (255.0f / 219.0f);
	v += 0.5f;
	return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)v;
}

void tg_thumb_box(const uint8_t *src, size_t sstride, int sw, int sh, uint8_t *dst,
		  size_t dstride, int dw, int dh, int limited, uint32_t *acc)
{
	for (int j = 0; j < dh; j++) {
		int y0 = (int)((long long)j * sh / dh), y1 = (int)((long long)(j + 1) * sh / dh);
		const uint8_t *p = src + (size_t)y0 * sstride;
		uint8_t *o = dst + (size_t)j * dstride;

		if (y1 - y0 <= 257) {
			/* 16-bit sums cannot overflow: 257 x 255 < 65536 */
			uint16_t *a16 = (uint16_t *)(void *)acc;
			int nr = y1 - y0;

			tg_thumb_sum_rows(a16, p, sstride, nr, sw);
			for (int i = 0; i < dw; i++) {
				int x0 = (int)((long long)i * sw / dw), x1 = (int)((long long)(i + 1) * sw / dw);
				uint32_t s = 0;

				if (nr <= SPAN_MAX_ROWS) {
					s = sum_span(a16, x0, x1);
				} else {
					for (int x = x0; x < x1; x++)
						s += a16[x];
				}
				o[i] = level((float)s / (float)((x1 - x0) * nr), limited);
			}
		} else {
			memset(acc, 0, (size_t)sw * sizeof(*acc));
			for (int y = y0; y < y1; y++, p += sstride)
				for (int x = 0; x < sw; x++)
					acc[x] += p[x];
			for (int i = 0; i < dw; i++) {
				int x0 = (int)((long long)i * sw / dw), x1 = (int)((long long)(i + 1) * sw / dw);
				uint64_t s = 0;

				for (int x = x0; x < x1; x++)
					s += acc[x];
				o[i] = level((float)((double)s / ((double)(x1 - x0) * (y1 - y0))), limited);
			}
		}
	}
}
