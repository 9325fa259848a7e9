/*
 * thumb.h - small grey thumbnails straight from a decoded frame's luma plane.
 *
 * Why hand-written: TMK wants a 64x64 grey picture of every other decoded
 * frame and brightness one a second.  swscale's area scaler to GRAY8 runs
 * a full horizontal filter over every source row and converts the range on
 * the way; on 1080p that was the largest per-frame cost the pipeline added
 * on the decode thread.  The luma plane of an 8-bit YUV frame already is
 * the grey picture, so a box average of it is all that is needed.
 *
 * Kernel: source rows and columns are split into dw x dh boxes at
 * floor(i * side / out) (each source pixel belongs to exactly one box; box
 * sides differ by at most one pixel), the rows of a box are summed as
 * 16-bit lanes 16 at a time (vectorised), then the columns of each box.
 * The mean is mapped like swscale's GRAY8 output: limited range (luma
 * 16..235) is stretched to 0..255, full range kept, rounded and clamped.
 * Against swscale's SWS_AREA (fractional edge weights) the outputs differ
 * by about one level on average (a few at sharp edges).
 *
 * Only for shrinking by 2 or more in each direction (boxes of >= 2 pixels);
 * the pipeline uses it from 8x.  Memory: the caller's acc of sw uint32_t.
 */
#ifndef TG_MEDIA_THUMB_H
#define TG_MEDIA_THUMB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Box-average the sw x sh 8-bit plane src (rows sstride bytes apart) into
 * dw x dh at dst (rows dstride apart).  limited: the plane is 16..235 luma
 * to be stretched to 0..255.  acc: caller scratch of sw entries.
 */
void tg_thumb_box(const uint8_t *src, size_t sstride, int sw, int sh, uint8_t *dst,
		  size_t dstride, int dw, int dh, int limited, uint32_t *acc);

/*
 * a16[x] = the sum of bytes x of n rows (n <= 257, so no lane overflows),
 * for x < w: the vertical half of a box filter, also used by vpdq's shrink.
 */
void tg_thumb_sum_rows(uint16_t *a16, const uint8_t *p, size_t stride, int n, int w);

#endif
