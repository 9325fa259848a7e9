/*
 * yuv.h - colour for a few decoded 4:2:0 pictures, when an analyser works on
 * the decoder's planes (TG_PIX_YUV420P, media/pipeline.h) and only some
 * frames need more: keyframe JPEGs and their PDQ hashes.
 *
 * Why not rgb24 and tg_image_write_jpeg(): that goes yuv -> rgb24 -> yuv
 * (JPEG's colour space) through two swscale passes per picture, the
 * largest cost of the keyframes analyser; a 4:2:0 picture only needs its
 * range stretched to JPEG's full range (luma 16..235 and chroma 16..240
 * to 0..255, rounded, clamped), and the luma of that is the PDQ luma of
 * its rgb24 conversion up to rounding.
 *
 * Pictures: planes Y, U, V with rows linesizes[i] bytes apart, chroma at
 * ((width + 1) / 2) x ((height + 1) / 2).
 */
#ifndef TG_MEDIA_YUV_H
#define TG_MEDIA_YUV_H

#include <stddef.h>
#include <stdint.h>

/* A full-range (yuvj420p) copy in caller memory: tg_yuv420p_full_size() bytes. */
struct tg_yuv420p {
	uint8_t *planes[3];
	int linesizes[3];
	int width, height;
};

size_t tg_yuv420p_full_size(int width, int height);
/* Stretch (or copy, when full_range) src into buf, describing it in out. */
void tg_yuv420p_to_full(const uint8_t *const planes[3], const int linesizes[3], int width,
			int height, int full_range, uint8_t *buf, struct tg_yuv420p *out);
/*
 * Write a full-range picture as a baseline JPEG (libavcodec's mjpeg,
 * qscale 2 (best) .. 31, as tg_image_write_jpeg), atomically.
 */
int tg_yuv420p_write_jpeg(const char *path, const struct tg_yuv420p *pic, int qscale);

#endif
