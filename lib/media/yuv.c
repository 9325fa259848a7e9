#include "media/yuv.h"

#include <libavcodec/avcodec.h>
#include <string.h>

#include "media/image.h"
#include "util/error.h"

/* rows padded to 32 bytes, + 64 at the end: libav's SIMD reads past the last pixel */
static size_t row32(int w)
{
	return ((size_t)w + 31) & ~(size_t)31;
}

size_t tg_yuv420p_full_size(int width, int height)
{
	int cw = (width + 1) / 2, ch = (height + 1) / 2;

	return row32(width) * (size_t)height + 2 * row32(cw) * (size_t)ch + 64;
}

static void plane(const uint8_t *src, int sls, int w, int h, const uint8_t *lut, uint8_t *dst,
		  size_t dls)
{
	for (int y = 0; y < h; y++) {
		const uint8_t *s = src + (size_t)y * (size_t)sls;
		uint8_t *d = dst + (size_t)y * dls;

		if (!lut) {
			memcpy(d, s, (size_t)w);
			continue;
		}
		for (int x = 0; x < w; x++)
			d[x] = lut[s[x]];
	}
}

void tg_yuv420p_to_full(const uint8_t *const planes[3], const int linesizes[3], int width,
			int height, int full_range, uint8_t *buf, struct tg_yuv420p *out)
{
	int cw = (width + 1) / 2, ch = (height + 1) / 2;
	uint8_t ly[256], lc[256];

	for (int v = 0; v < 256; v++) {
		int y = v < 16 ? 16 : v > 235 ? 235 : v, c = v < 16 ? 16 : v > 240 ? 240 : v;
		int cc = 128 + ((c - 128) * 255 + (c >= 128 ? 112 : -112)) / 224;

		ly[v] = (uint8_t)(((y - 16) * 255 + 109) / 219);
		lc[v] = (uint8_t)(cc < 0 ? 0 : cc > 255 ? 255 : cc);
	}
	out->width = width;
	out->height = height;
	out->planes[0] = buf;
	out->linesizes[0] = (int)row32(width);
	out->planes[1] = buf + row32(width) * (size_t)height;
	out->planes[2] = out->planes[1] + row32(cw) * (size_t)ch;
	out->linesizes[1] = out->linesizes[2] = (int)row32(cw);
	plane(planes[0], linesizes[0], width, height, full_range ? NULL : ly, out->planes[0],
	      row32(width));
	for (int i = 1; i < 3; i++)
		plane(planes[i], linesizes[i], cw, ch, full_range ? NULL : lc, out->planes[i], row32(cw));
}

int tg_yuv420p_write_jpeg(const char *path, const struct tg_yuv420p *pic, int qscale)
{
	AVFrame *f = av_frame_alloc();
	int ret;

	if (!f)
		return tg_error(TG_ENOMEM, "out of memory");
	if (pic->width <= 0 || pic->height <= 0) {
		ret = tg_error(TG_EINVAL, "%s: empty image", path);
		goto out;
	}
	/* the caller's planes, not refcounted: the encoder is done with them on return */
	f->format = AV_PIX_FMT_YUVJ420P;
	f->width = pic->width;
	f->height = pic->height;
	for (int i = 0; i < 3; i++) {
		f->data[i] = pic->planes[i];
		f->linesize[i] = pic->linesizes[i];
	}
	qscale = qscale < 2 ? 2 : qscale > 31 ? 31 : qscale;
	ret = tg_image_encode_file(path, AV_CODEC_ID_MJPEG, f, qscale, "JPEG");
out:
	av_frame_free(&f);
	return ret;
}
