/*
 * image.h - one still picture in and out: decode an image file (or the
 * first frame of a video) to packed rgb24, and write rgb24 as a JPEG.
 *
 * Decoding goes through libavformat/libavcodec like every other read, so a
 * hostile file meets the same parsers (and fuzzers) as a video does.  YUV
 * sources are converted with accurate rounding and full chroma
 * interpolation, the closest libswscale gets to libjpeg's decoder.
 *
 * max_side mirrors the PDQ reference tool: an image with a side over
 * max_side is first resized to exactly max_side x max_side by nearest
 * neighbour (0: no resize).
 *
 * JPEGs are written with libavcodec's mjpeg encoder (yuvj420p, quality
 * 2..31 in FFmpeg's qscale, lower is better), atomically (temporary file,
 * fsync, rename).
 */
#ifndef TG_MEDIA_IMAGE_H
#define TG_MEDIA_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct tg_image {
	uint8_t *data;		/* rgb24 rows, stride bytes apart */
	int width, height;
	size_t stride;
};

#define TG_IMAGE_INIT { NULL, 0, 0, 0 }

void tg_image_release(struct tg_image *img);

/* Decode path's first picture into img (released first). TG_EINPUT naming path. */
int tg_image_read_rgb(const char *path, int max_side, struct tg_image *img);

/*
 * Write rgb24 pixels as a baseline JPEG file; qscale 2 (best) .. 31.
 * swscale's SIMD may read up to 64 bytes past the last pixel of rgb: the
 * caller's buffer must be that much longer (as libav frames are).
 */
int tg_image_write_jpeg(const char *path, const uint8_t *rgb, int width, int height,
			size_t stride, int qscale);

/*
 * Encode the one picture f (format and size set; libavutil's AVFrame) with
 * the encoder of codec_id (an enum AVCodecID) and write it to path
 * atomically; qscale > 0 asks for that quantiser.  what names the format in
 * messages ("JPEG", "PNG").  The writers below and media/yuv.h use it.
 */
struct AVFrame;
int tg_image_encode_file(const char *path, int codec_id, struct AVFrame *f, int qscale,
			 const char *what);

/*
 * Write rgb24 pixels as a PNG file (libavcodec's PNG encoder, lossless:
 * plots keep their exact colours), atomically.
 */
int tg_image_write_png(const char *path, const uint8_t *rgb, int width, int height,
		       size_t stride);

#endif
