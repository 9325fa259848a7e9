#include "media/image.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/avlog.h"
#include "media/open.h"
#include "media/yuv.h"
#include "util/error.h"
#include "util/fs.h"

void tg_image_release(struct tg_image *img)
{
	if (!img)
		return;
	free(img->data);
	img->data = NULL;
	img->width = img->height = 0;
	img->stride = 0;
}

static int to_rgb(const AVFrame *f, int max_side, struct tg_image *img, const char *path)
{
	int w = f->width, h = f->height, flags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT;
	struct SwsContext *sws;
	uint8_t *dst[4] = { NULL };
	int dls[4] = { 0 };

	if (max_side > 0 && (w > max_side || h > max_side)) {
		w = h = max_side;
		flags = SWS_POINT | SWS_ACCURATE_RND;
	}
	sws = sws_getContext(f->width, f->height, f->format, w, h, AV_PIX_FMT_RGB24, flags, NULL,
			     NULL, NULL);
	if (!sws)
		return tg_error(TG_EINPUT, "%s: cannot convert its %s pictures", path,
				av_get_pix_fmt_name(f->format));
	img->stride = (size_t)w * 3;
	img->data = malloc(img->stride * (size_t)h);
	if (!img->data) {
		sws_freeContext(sws);
		return tg_error(TG_ENOMEM, "out of memory for a %dx%d image", w, h);
	}
	dst[0] = img->data;
	dls[0] = (int)img->stride;
	sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, dls);
	sws_freeContext(sws);
	img->width = w;
	img->height = h;
	return 0;
}

int tg_image_read_rgb(const char *path, int max_side, struct tg_image *img)
{
	AVFormatContext *fc = NULL;
	AVCodecContext *dec = NULL;
	const AVCodec *codec;
	AVPacket *pkt = av_packet_alloc();
	AVFrame *f = av_frame_alloc();
	int idx, ret = 0, got = 0;

	tg_image_release(img);
	if (!pkt || !f) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	tg_avlog_begin();
	if ((ret = tg_media_open(&fc, path, "an image or video", NULL)) < 0)
		goto out;
	idx = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (idx < 0) {
		ret = tg_error(TG_EINPUT, "%s: has no picture", path);
		goto out;
	}
	codec = avcodec_find_decoder(fc->streams[idx]->codecpar->codec_id);
	dec = codec ? avcodec_alloc_context3(codec) : NULL;
	if (!dec || avcodec_parameters_to_context(dec, fc->streams[idx]->codecpar) < 0 ||
	    avcodec_open2(dec, codec, NULL) < 0) {
		ret = tg_error(TG_EINPUT, "%s: no decoder for its pictures", path);
		goto out;
	}
	while (!got) {
		int rd = av_read_frame(fc, pkt);

		if (rd < 0) {
			avcodec_send_packet(dec, NULL);	/* drain */
		} else if (pkt->stream_index != idx) {
			av_packet_unref(pkt);
			continue;
		} else {
			avcodec_send_packet(dec, pkt);
			av_packet_unref(pkt);
		}
		if (avcodec_receive_frame(dec, f) >= 0)
			got = 1;
		else if (rd < 0)
			break;
	}
	if (!got) {
		ret = tg_error(TG_EINPUT, "%s: no picture could be decoded", path);
		goto out;
	}
	ret = to_rgb(f, max_side, img, path);
out:
	tg_avlog_end();
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&dec);
	avformat_close_input(&fc);
	return ret;
}

int tg_image_write_jpeg(const char *path, const uint8_t *rgb, int width, int height,
			size_t stride, int qscale)
{
	struct SwsContext *sws = NULL;
	AVFrame *f = av_frame_alloc();
	const uint8_t *src[4] = { rgb, NULL, NULL, NULL };
	int sls[4] = { (int)stride, 0, 0, 0 };
	struct tg_yuv420p pic;
	int ret;

	if (!f)
		return tg_error(TG_ENOMEM, "out of memory");
	if (!rgb || width <= 0 || height <= 0) {
		ret = tg_error(TG_EINVAL, "%s: empty image", path);
		goto out;
	}
	/* into JPEG's colour space, then the one JPEG writer (media/yuv.h) */
	f->format = AV_PIX_FMT_YUVJ420P;
	f->width = width;
	f->height = height;
	if (av_frame_get_buffer(f, 0) < 0) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	sws = sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUVJ420P,
			     SWS_BICUBIC | SWS_ACCURATE_RND, NULL, NULL, NULL);
	if (!sws) {
		ret = tg_error(TG_EIO, "%s: cannot convert to JPEG's colour space", path);
		goto out;
	}
	sws_scale(sws, src, sls, 0, height, f->data, f->linesize);
	for (int k = 0; k < 3; k++) {
		pic.planes[k] = f->data[k];
		pic.linesizes[k] = f->linesize[k];
	}
	pic.width = width;
	pic.height = height;
	ret = tg_yuv420p_write_jpeg(path, &pic, qscale);
out:
	sws_freeContext(sws);
	av_frame_free(&f);
	return ret;
}

int tg_image_encode_file(const char *path, int codec_id, struct AVFrame *f, int qscale,
			 const char *what)
{
	const AVCodec *codec = avcodec_find_encoder((enum AVCodecID)codec_id);
	AVCodecContext *enc = codec ? avcodec_alloc_context3(codec) : NULL;
	AVPacket *pkt = av_packet_alloc();
	int ret;

	if (!pkt) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	if (!enc) {
		ret = tg_error(TG_EIO, "%s: no %s encoder in this FFmpeg", path, what);
		goto out;
	}
	enc->width = f->width;
	enc->height = f->height;
	enc->pix_fmt = (enum AVPixelFormat)f->format;
	enc->time_base = (AVRational){ 1, 25 };
	if (qscale > 0) {
		enc->flags |= AV_CODEC_FLAG_QSCALE;
		enc->global_quality = FF_QP2LAMBDA * qscale;
		f->quality = enc->global_quality;
	}
	if (avcodec_open2(enc, codec, NULL) < 0) {
		ret = tg_error(TG_EIO, "%s: cannot open the %s encoder", path, what);
		goto out;
	}
	f->pts = 0;
	if (avcodec_send_frame(enc, f) < 0 || avcodec_send_frame(enc, NULL) < 0 ||
	    avcodec_receive_packet(enc, pkt) < 0) {
		ret = tg_error(TG_EIO, "%s: %s encoding failed", path, what);
		goto out;
	}
	ret = tg_fs_write_atomic(path, pkt->data, (size_t)pkt->size, 0644);
out:
	av_packet_free(&pkt);
	avcodec_free_context(&enc);
	return ret;
}

int tg_image_write_png(const char *path, const uint8_t *rgb, int width, int height,
		       size_t stride)
{
	AVFrame *f = av_frame_alloc();
	int ret;

	if (!f)
		return tg_error(TG_ENOMEM, "out of memory");
	if (!rgb || width <= 0 || height <= 0 || stride < (size_t)width * 3) {
		ret = tg_error(TG_EINVAL, "%s: empty image", path);
		goto out;
	}
	f->format = AV_PIX_FMT_RGB24;
	f->width = width;
	f->height = height;
	if (av_frame_get_buffer(f, 0) < 0) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	for (int y = 0; y < height; y++)
		memcpy(f->data[0] + (size_t)y * (size_t)f->linesize[0], rgb + (size_t)y * stride,
		       (size_t)width * 3);
	ret = tg_image_encode_file(path, AV_CODEC_ID_PNG, f, 0, "PNG");
out:
	av_frame_free(&f);
	return ret;
}
