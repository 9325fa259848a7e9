#include "phash/bars.h"

#define DARK_MEAN 32
#define DARK_MAX 56
#define STEP 4			/* sample every 4th pixel along a line */

static inline int luma(const uint8_t *p, int bpp)
{
	return bpp == 1 ? p[0] : (299 * p[0] + 587 * p[1] + 114 * p[2]) / 1000;
}

/* Is the line of n pixels starting at p, step bytes apart, a bar? */
static int dark_line(const uint8_t *p, int n, size_t step, int bpp)
{
	int sum = 0, cnt = 0;

	for (int i = 0; i < n; i += STEP) {
		int y = luma(p + (size_t)i * step, bpp);

		if (y > DARK_MAX)
			return 0;
		sum += y;
		cnt++;
	}
	return cnt > 0 && sum <= DARK_MEAN * cnt;
}

/* bpp 3: rgb24; 1: grey */
static int detect(const uint8_t *rgb, int w, int h, size_t stride, int bpp, struct tg_bars_box *box)
{
	int top = 0, bottom = h, left = 0, right = w;
	size_t b = (size_t)bpp;

	if (w < 16 || h < 16)
		return 0;
	while (top < h / 2 && dark_line(rgb + (size_t)top * stride, w, b, bpp))
		top++;
	while (bottom > top + 1 && dark_line(rgb + (size_t)(bottom - 1) * stride, w, b, bpp))
		bottom--;
	while (left < w / 2 && dark_line(rgb + (size_t)top * stride + (size_t)left * b,
					 bottom - top, stride, bpp))
		left++;
	while (right > left + 1 && dark_line(rgb + (size_t)top * stride + (size_t)(right - 1) * b,
					     bottom - top, stride, bpp))
		right--;
	if (bottom - top < h / 3 || right - left < w / 3)
		return 0;
	if ((h - (bottom - top)) * 50 < h && (w - (right - left)) * 50 < w)
		return 0;
	box->x = left;
	box->y = top;
	box->width = right - left;
	box->height = bottom - top;
	return 1;
}

int tg_bars_detect(const uint8_t *rgb, int w, int h, size_t stride, struct tg_bars_box *box)
{
	return detect(rgb, w, h, stride, 3, box);
}

int tg_bars_detect_gray(const uint8_t *y, int w, int h, size_t stride, struct tg_bars_box *box)
{
	return detect(y, w, h, stride, 1, box);
}
