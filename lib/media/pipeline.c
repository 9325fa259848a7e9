#include "media/pipeline.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/avlog.h"
#include "media/downmix.h"
#include "media/open.h"
#include "media/thumb.h"
#include "util/error.h"

#define MAX_ANALYSERS 16

/* One destination picture format, shared by the analysers that want it. */
struct converter {
	enum tg_pix format;
	int width, height;		/* 0: native */
	struct SwsContext *sws;
	uint8_t *data[4];
	int linesize[4];
	int out_w, out_h;
	int alloc_w, alloc_h;		/* data[]'s size */
	long long converted_serial;	/* which decoded frame data[] holds */
	/* what the analysers get: data[] or, for native YUV420P, the decoder's planes */
	const uint8_t *planes[3];
	int linesizes[3];
	int full_range;
	uint32_t *acc;			/* tg_thumb_box scratch */
	size_t acc_cap;
};

/* Per-analyser video state: frame-rate resampling like FFmpeg's fps filter. */
struct vstate {
	struct converter *conv;
	AVFrame *held;
	long long held_serial;
	long long next_slot;
	int started;
	long long emitted;
};

/* One audio output format, shared. */
struct resampler {
	int rate, channels;	/* what the analysers get */
	int out_channels;	/* what the resampler makes: 2 where it mixes to one itself */
	struct tg_downmix mix;	/* ... with this (downmix.h) */
	SwrContext *swr;
	float *buf;
	int buf_frames;
	long long produced;		/* frames out so far */
	size_t unusable;		/* unusable input samples not yet reported */
};

struct run {
	const char *path;
	struct tg_analyser *const *list;
	int n;
	struct vstate vs[MAX_ANALYSERS];
	int aconv[MAX_ANALYSERS];	/* index into resamplers, -1 none */
	struct converter conv[MAX_ANALYSERS];
	int nconv;
	struct resampler res[MAX_ANALYSERS];
	int nres;
	AVFormatContext *fc;
	AVCodecContext *vdec, *adec;
	int vidx, aidx;
	AVRational vtb, atb;
	long long serial;		/* decoded video frames */
	double video_end;		/* end time of the last decoded frame */
	double audio_t0;
	int audio_started;
	struct tg_media_run_stats *stats;
};

static void fail_analyser(struct tg_analyser *a, int code, const char *what)
{
	if (a->failed)
		return;
	a->failed = 1;
	a->code = code;
	snprintf(a->error, sizeof(a->error), "%s: %s", a->name, what[0] ? what : "failed");
}

static void call_result(struct tg_analyser *a, int ret)
{
	if (ret < 0)
		fail_analyser(a, ret, tg_errmsg());
}

static enum AVPixelFormat av_pix(enum tg_pix p)
{
	return p == TG_PIX_GRAY8 ? AV_PIX_FMT_GRAY8 : p == TG_PIX_YUV420P ? AV_PIX_FMT_YUV420P :
	       AV_PIX_FMT_RGB24;
}

/*
 * Is the frame's luma full range?  swscale decides by the format alone
 * (yuvj*, and grey, which it takes as full); a stream flagged full range
 * in a plain yuv format is full range too.
 */
static int full_range(const AVFrame *f)
{
	switch (f->format) {
	case AV_PIX_FMT_YUVJ420P:
	case AV_PIX_FMT_YUVJ422P:
	case AV_PIX_FMT_YUVJ444P:
	case AV_PIX_FMT_YUVJ440P:
	case AV_PIX_FMT_YUVJ411P:
	case AV_PIX_FMT_GRAY8:
		return 1;
	default:
		return f->color_range == AVCOL_RANGE_JPEG;
	}
}

/* Plane 0 holds 8-bit luma, one byte a pixel (planar and semi-planar YUV, grey). */
static int luma_plane(const AVFrame *f)
{
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);

	return d && !(d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_HWACCEL |
				  AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_FLOAT)) &&
	       d->comp[0].plane == 0 && d->comp[0].depth == 8 && d->comp[0].step == 1 &&
	       d->comp[0].offset == 0 && d->comp[0].shift == 0;
}

static int alloc_out(struct run *r, struct converter *c, int w, int h)
{
	if (!c->data[0] || c->alloc_w != w || c->alloc_h != h) {
		av_freep(&c->data[0]);
		if (av_image_alloc(c->data, c->linesize, w, h, av_pix(c->format), 32) < 0)
			return tg_error(TG_ENOMEM, "%s: out of memory for %dx%d frames", r->path, w, h);
		c->alloc_w = w;
		c->alloc_h = h;
	}
	c->out_w = w;
	c->out_h = h;
	for (int i = 0; i < 3; i++) {
		c->planes[i] = c->format == TG_PIX_YUV420P || i == 0 ? c->data[i] : NULL;
		c->linesizes[i] = c->format == TG_PIX_YUV420P || i == 0 ? c->linesize[i] : 0;
	}
	return 0;
}

static struct converter *converter_for(struct run *r, const struct tg_analyser *a)
{
	for (int i = 0; i < r->nconv; i++)
		if (r->conv[i].format == a->video_format && r->conv[i].width == a->width &&
		    r->conv[i].height == a->height)
			return &r->conv[i];
	r->conv[r->nconv].format = a->video_format;
	r->conv[r->nconv].width = a->width;
	r->conv[r->nconv].height = a->height;
	r->conv[r->nconv].converted_serial = -1;
	return &r->conv[r->nconv++];
}

/* Convert a decoded frame into c's format (once per frame, however many ask). */
static int convert(struct run *r, struct converter *c, const AVFrame *f, long long serial)
{
	int w = c->width ? c->width : f->width, h = c->height ? c->height : f->height;
	enum AVPixelFormat dst = av_pix(c->format);
	int ret;

	if (c->converted_serial == serial)
		return 0;
	c->full_range = 1;
	if (c->format == TG_PIX_YUV420P) {
		w = f->width;
		h = f->height;
		c->full_range = full_range(f);
		if (f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_YUVJ420P) {
			/* the decoder's planes as they are: valid while the frame is */
			for (int i = 0; i < 3; i++) {
				c->planes[i] = f->data[i];
				c->linesizes[i] = f->linesize[i];
			}
			c->out_w = w;
			c->out_h = h;
			c->converted_serial = serial;
			return 0;
		}
		if (c->full_range)
			dst = AV_PIX_FMT_YUVJ420P;	/* keep the range */
	}
	if ((ret = alloc_out(r, c, w, h)) < 0)
		return ret;
	if (c->format == TG_PIX_GRAY8 && w * 8 <= f->width && h * 8 <= f->height && luma_plane(f)) {
		/* the luma plane is the grey picture: box-average it (media/thumb.h) */
		if ((size_t)f->width > c->acc_cap) {
			uint32_t *p = realloc(c->acc, (size_t)f->width * sizeof(*p));

			if (!p)
				return tg_error(TG_ENOMEM, "%s: out of memory", r->path);
			c->acc = p;
			c->acc_cap = (size_t)f->width;
		}
		tg_thumb_box(f->data[0], (size_t)f->linesize[0], f->width, f->height, c->data[0],
			     (size_t)c->linesize[0], w, h, !full_range(f), c->acc);
		c->converted_serial = serial;
		return 0;
	}
	/* bicubic, as ffmpeg's scale filter does by default: references are made that way;
	 * grey thumbnails (8x smaller or more) of sources without an 8-bit luma plane
	 * by area averaging, a third of the cost */
	c->sws = sws_getCachedContext(c->sws, f->width, f->height, f->format, w, h, dst,
				      c->format == TG_PIX_GRAY8 && w * 8 <= f->width && h * 8 <= f->height ?
				      SWS_AREA : SWS_BICUBIC, NULL, NULL, NULL);
	if (!c->sws)
		return tg_error(TG_EINPUT, "%s: cannot convert %dx%d %s frames", r->path, f->width,
				f->height, av_get_pix_fmt_name(f->format));
	sws_scale(c->sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, c->data,
		  c->linesize);
	c->converted_serial = serial;
	return 0;
}

static double frame_time(struct run *r, const AVFrame *f)
{
	int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;

	if (ts == AV_NOPTS_VALUE)
		return NAN;
	return ts * av_q2d(r->vtb);
}

static void emit(struct run *r, int i, const AVFrame *f, long long serial, double pts)
{
	struct tg_analyser *a = r->list[i];
	struct vstate *v = &r->vs[i];
	struct tg_frame out;
	int ret = convert(r, v->conv, f, serial);

	if (ret < 0) {
		fail_analyser(a, ret, tg_errmsg());
		return;
	}
	out.data = v->conv->planes[0];
	out.linesize = v->conv->linesizes[0];
	for (int k = 0; k < 3; k++) {
		out.planes[k] = v->conv->planes[k];
		out.linesizes[k] = v->conv->linesizes[k];
	}
	out.full_range = v->conv->full_range;
	out.width = v->conv->out_w;
	out.height = v->conv->out_h;
	out.format = v->conv->format;
	out.pts_s = pts;
	out.index = v->emitted++;
	out.decoded_index = serial;
	call_result(a, a->video(a->state, &out));
}

static void video_frame(struct run *r, AVFrame *f, long long serial)
{
	double pts = frame_time(r, f);

	double dur = f->pkt_duration > 0 ? f->pkt_duration * av_q2d(r->vtb) : 0;

	if (isnan(pts))
		pts = r->vdec->framerate.num > 0 ? serial / av_q2d(r->vdec->framerate) : serial / 25.0;
	if (dur <= 0)
		dur = r->vdec->framerate.num > 0 ? 1 / av_q2d(r->vdec->framerate) : 1 / 25.0;
	r->video_end = pts + dur;
	for (int i = 0; i < r->n; i++) {
		struct tg_analyser *a = r->list[i];
		struct vstate *v = &r->vs[i];
		long long slot;

		if (a->failed || a->video_format == TG_PIX_NONE || !a->video)
			continue;
		if (a->fps <= 0) {
			if (!a->keep || a->keep(a->state, serial, pts))
				emit(r, i, f, serial, pts);
			continue;
		}
		slot = llround(pts * a->fps);
		if (!v->started) {
			v->started = 1;
			v->next_slot = slot;
		}
		if (v->held && slot > v->next_slot) {
			/* the held frame is the last one at or before next_slot: it fills
			 * every slot up to the new frame's */
			while (v->next_slot < slot && !a->failed) {
				emit(r, i, v->held, v->held_serial, v->next_slot / a->fps);
				v->next_slot++;
			}
		}
		if (!v->held)
			v->held = av_frame_alloc();
		else
			av_frame_unref(v->held);
		if (!v->held || av_frame_ref(v->held, f) < 0) {
			fail_analyser(a, TG_ENOMEM, "out of memory");
			continue;
		}
		v->held_serial = serial;
	}
}

/* At the end, the last frame fills the slots up to the stream's end time (fps filter, eof_action=round). */
static void video_flush(struct run *r)
{
	for (int i = 0; i < r->n; i++) {
		struct vstate *v = &r->vs[i];
		struct tg_analyser *a = r->list[i];
		long long end;

		if (!v->held || a->failed)
			continue;
		end = llround(r->video_end * a->fps);
		/* a still image or a clip shorter than half a slot still gives its frame */
		if (v->emitted == 0 && end <= v->next_slot)
			end = v->next_slot + 1;
		while (v->next_slot < end && !a->failed) {
			emit(r, i, v->held, v->held_serial, v->next_slot / a->fps);
			v->next_slot++;
		}
	}
}

static int resampler_for(struct run *r, const struct tg_analyser *a)
{
	int ch = a->audio_channels > 0 ? a->audio_channels : 1;

	for (int i = 0; i < r->nres; i++)
		if (r->res[i].rate == a->audio_rate && r->res[i].channels == ch)
			return i;
	r->res[r->nres].rate = a->audio_rate;
	r->res[r->nres].channels = ch;
	return r->nres++;
}

static int open_resamplers(struct run *r)
{
	for (int i = 0; i < r->nres; i++) {
		struct resampler *s = &r->res[i];
		AVChannelLayout out;
		int ret;

		/* one channel from two or more: the resampler makes two and
		 * they are mixed here, never cancelling (downmix.h) */
		s->out_channels = s->channels == 1 && r->adec->ch_layout.nb_channels >= 2 ? 2 : s->channels;
		tg_downmix_init(&s->mix, s->rate);
		av_channel_layout_default(&out, s->out_channels);
		ret = swr_alloc_set_opts2(&s->swr, &out, AV_SAMPLE_FMT_FLT, s->rate,
					  &r->adec->ch_layout, r->adec->sample_fmt,
					  r->adec->sample_rate, 0, NULL);
		av_channel_layout_uninit(&out);
		if (ret < 0 || swr_init(s->swr) < 0)
			return tg_error(TG_EINPUT, "%s: cannot resample its audio (%d Hz, %d channels)",
					r->path, r->adec->sample_rate, r->adec->ch_layout.nb_channels);
	}
	return 0;
}

/*
 * Float audio (WAV, FLAC-float, a damaged stream) can carry NaN, infinite
 * or absurdly large samples; no analyser can do arithmetic with them (one
 * NaN poisons every running floor after it, 1e30 overflows a power sum),
 * so they are delivered as silence and counted (each analyser may say so).
 * They are counted in the decoded frame, so the count is the file's at
 * every output rate; the resampler spreads each over its filter, and what
 * it spreads is cleared from its output too.
 */
static size_t count_unusable(const AVFrame *f)
{
	const int planar = av_sample_fmt_is_planar(f->format);
	const int planes = planar ? f->ch_layout.nb_channels : 1;
	const size_t n = (size_t)f->nb_samples * (size_t)(planar ? 1 : f->ch_layout.nb_channels);
	const enum AVSampleFormat packed = av_get_packed_sample_fmt(f->format);
	size_t bad = 0;

	if (packed != AV_SAMPLE_FMT_FLT && packed != AV_SAMPLE_FMT_DBL)
		return 0;	/* integer samples are numbers within full scale */
	/* each test is false for NaN too */
	for (int p = 0; p < planes; p++) {
		const float *xf = (const float *)f->extended_data[p];
		const double *xd = (const double *)f->extended_data[p];

		for (size_t i = 0; i < n; i++)
			bad += packed == AV_SAMPLE_FMT_FLT ? !(fabsf(xf[i]) <= TG_PCM_MAX) :
							     !(fabs(xd[i]) <= TG_PCM_MAX);
	}
	return bad;
}

/* What the resampler made of them (it spreads each over its filter). */
static void clear_unusable(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(fabsf(x[i]) <= TG_PCM_MAX))
			x[i] = 0.0f;
}

static void deliver_audio(struct run *r, struct resampler *s, int got)
{
	clear_unusable(s->buf, (size_t)got * (size_t)s->out_channels);
	if (s->out_channels != s->channels)
		tg_downmix_run(&s->mix, s->buf, (size_t)got, s->buf);

	for (int i = 0; i < r->n; i++) {
		struct tg_analyser *a = r->list[i];
		struct tg_pcm pcm;

		if (a->failed || r->aconv[i] != s - r->res || !a->audio)
			continue;
		pcm.samples = s->buf;
		pcm.frames = (size_t)got;
		pcm.channels = s->channels;
		pcm.rate = s->rate;
		pcm.t0_s = r->audio_t0 + (double)s->produced / s->rate;
		pcm.unusable = s->unusable;
		pcm.inverted = s->out_channels != s->channels && s->mix.sign < 0;
		call_result(a, a->audio(a->state, &pcm));
	}
	s->unusable = 0;
	s->produced += got;
}

/* Convert one decoded audio frame (or flush with f = NULL) for every format. */
static int audio_frame(struct run *r, const AVFrame *f)
{
	size_t bad;

	if (f && !r->audio_started) {
		int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;

		r->audio_t0 = ts != AV_NOPTS_VALUE ? ts * av_q2d(r->atb) : 0;
		r->audio_started = 1;
	}
	if (f)
		r->stats->audio_seconds += (double)f->nb_samples / f->sample_rate;
	bad = f ? count_unusable(f) : 0;
	for (int i = 0; i < r->nres; i++) {
		struct resampler *s = &r->res[i];
		int want = f ? swr_get_out_samples(s->swr, f->nb_samples) : swr_get_out_samples(s->swr, 0);
		int got;

		s->unusable += bad;
		if (want <= 0)
			continue;
		if (want > s->buf_frames) {
			float *p = realloc(s->buf, (size_t)want * (size_t)s->out_channels * sizeof(float));

			if (!p)
				return tg_error(TG_ENOMEM, "%s: out of memory", r->path);
			s->buf = p;
			s->buf_frames = want;
		}
		got = swr_convert(s->swr, (uint8_t **)&s->buf, want,
				  f ? (const uint8_t **)f->extended_data : NULL, f ? f->nb_samples : 0);
		if (got < 0)
			return tg_error(TG_EINPUT, "%s: audio conversion failed", r->path);
		if (got > 0)
			deliver_audio(r, s, got);
	}
	return 0;
}

static int open_decoder(struct run *r, int idx, AVCodecContext **out)
{
	const AVStream *st = r->fc->streams[idx];
	const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
	AVCodecContext *c;

	if (!codec)
		return tg_error(TG_EINPUT, "%s: no decoder for %s", r->path,
				avcodec_get_name(st->codecpar->codec_id));
	c = avcodec_alloc_context3(codec);
	if (!c)
		return tg_error(TG_ENOMEM, "out of memory");
	if (avcodec_parameters_to_context(c, st->codecpar) < 0) {
		avcodec_free_context(&c);
		return tg_error(TG_EINPUT, "%s: bad codec parameters", r->path);
	}
	c->thread_count = 0;	/* as many as the machine has, like ffmpeg */
	c->pkt_timebase = st->time_base;
	if (avcodec_open2(c, codec, NULL) < 0) {
		avcodec_free_context(&c);
		return tg_error(TG_EINPUT, "%s: cannot open the %s decoder", r->path, codec->name);
	}
	*out = c;
	return 0;
}

static int drain(struct run *r, AVCodecContext *dec, AVFrame *f)
{
	int ret;

	while ((ret = avcodec_receive_frame(dec, f)) >= 0) {
		if (dec == r->vdec) {
			video_frame(r, f, r->serial++);
			r->stats->video_frames++;
		} else {
			ret = audio_frame(r, f);
			if (ret < 0) {
				av_frame_unref(f);
				return ret;
			}
		}
		av_frame_unref(f);
	}
	return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : 0;
}

static int send(struct run *r, AVCodecContext *dec, const AVPacket *pkt, AVFrame *f)
{
	int ret = avcodec_send_packet(dec, pkt);

	if (ret == AVERROR(EAGAIN)) {
		drain(r, dec, f);
		ret = avcodec_send_packet(dec, pkt);
	}
	if (ret < 0 && ret != AVERROR_EOF)
		r->stats->decode_errors++;	/* a damaged packet: skip it, as ffmpeg does */
	return drain(r, dec, f);
}

static void fill_info(struct run *r, struct tg_media_info *info)
{
	memset(info, 0, sizeof(*info));
	info->duration_s = r->fc->duration != AV_NOPTS_VALUE ? r->fc->duration / (double)AV_TIME_BASE : NAN;
	info->start_s = r->fc->start_time != AV_NOPTS_VALUE ? r->fc->start_time / (double)AV_TIME_BASE : 0;
	if (r->vidx >= 0) {
		const AVStream *st = r->fc->streams[r->vidx];
		const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
		AVRational fr = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;

		info->has_video = 1;
		info->width = st->codecpar->width;
		info->height = st->codecpar->height;
		info->frame_rate = fr.num > 0 && fr.den > 0 ? av_q2d(fr) : 0;
		info->rotation_deg = m ? fmod(360.0 - av_display_rotation_get((const int32_t *)m), 360.0) : 0;
	}
	if (r->aidx >= 0) {
		info->has_audio = 1;
		info->sample_rate = r->fc->streams[r->aidx]->codecpar->sample_rate;
		info->channels = r->fc->streams[r->aidx]->codecpar->ch_layout.nb_channels;
	}
}

int tg_media_run(const char *path, struct tg_analyser *const *list, int n,
		 tg_media_progress_fn progress, void *user, struct tg_media_info *info_out,
		 struct tg_media_run_stats *stats_out)
{
	struct run *r = calloc(1, sizeof(*r));
	struct tg_media_run_stats stats = { 0, 0, 0 };
	struct tg_media_info info;
	AVPacket *pkt = NULL;
	AVFrame *f = NULL;
	unsigned long long size = 0;
	int want_video = 0, want_audio = 0, ret = 0;

	if (!r)
		return tg_error(TG_ENOMEM, "out of memory");
	if (n > MAX_ANALYSERS) {
		free(r);
		return tg_error(TG_EINVAL, "too many analysers (%d)", n);
	}
	r->path = path;
	r->list = list;
	r->n = n;
	r->vidx = r->aidx = -1;
	r->stats = &stats;
	tg_avlog_begin();
	if ((ret = tg_media_open(&r->fc, path, "a media file", &size)) < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		list[i]->failed = 0;
		list[i]->code = 0;
		list[i]->not_applicable = 0;
		list[i]->error[0] = '\0';
		r->aconv[i] = -1;
		if (list[i]->video_format != TG_PIX_NONE)
			want_video = 1;
		if (list[i]->audio_rate > 0)
			want_audio = 1;
	}
	if (want_video) {
		r->vidx = av_find_best_stream(r->fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
		if (r->vidx >= 0 && (r->fc->streams[r->vidx]->disposition & AV_DISPOSITION_ATTACHED_PIC))
			r->vidx = -1;
	}
	if (want_audio)
		r->aidx = av_find_best_stream(r->fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
	if (r->vidx < 0 && r->aidx < 0) {
		ret = tg_error(TG_EINPUT, "%s: has no %s stream", path,
			       want_video && want_audio ? "audio or video" : want_video ? "video" : "audio");
		goto out;
	}
	if (r->vidx >= 0) {
		ret = open_decoder(r, r->vidx, &r->vdec);
		if (ret < 0)
			goto out;
		r->vtb = r->fc->streams[r->vidx]->time_base;
	}
	if (r->aidx >= 0) {
		ret = open_decoder(r, r->aidx, &r->adec);
		if (ret < 0)
			goto out;
		r->atb = r->fc->streams[r->aidx]->time_base;
	}
	fill_info(r, &info);
	for (int i = 0; i < n; i++) {
		struct tg_analyser *a = list[i];

		if (a->video_format != TG_PIX_NONE && r->vidx >= 0)
			r->vs[i].conv = converter_for(r, a);
		if (a->audio_rate > 0 && r->aidx >= 0)
			r->aconv[i] = resampler_for(r, a);
		if ((a->video_format != TG_PIX_NONE && r->vidx < 0 && !(a->audio_rate > 0 && r->aidx >= 0)) ||
		    (a->audio_rate > 0 && r->aidx < 0 && !(a->video_format != TG_PIX_NONE && r->vidx >= 0))) {
			fail_analyser(a, TG_EINPUT, a->audio_rate > 0 ? "the file has no audio"
							       : "the file has no video");
			a->not_applicable = 1;
		} else if (a->start) {
			call_result(a, a->start(a->state, &info));
		}
	}
	if (r->adec) {
		ret = open_resamplers(r);
		if (ret < 0)
			goto out;
	}
	pkt = av_packet_alloc();
	f = av_frame_alloc();
	if (!pkt || !f) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		int rd = av_read_frame(r->fc, pkt);

		if (rd == AVERROR_EOF)
			break;
		if (rd < 0) {
			/* a damaged container: decode what was read, say it */
			stats.decode_errors++;
			break;
		}
		if (pkt->stream_index == r->vidx)
			ret = send(r, r->vdec, pkt, f);
		else if (pkt->stream_index == r->aidx)
			ret = send(r, r->adec, pkt, f);
		av_packet_unref(pkt);
		if (ret < 0)
			goto out;
		if (progress && r->fc->pb)
			progress(user, (unsigned long long)avio_tell(r->fc->pb), size);
	}
	if (r->vdec)
		send(r, r->vdec, NULL, f);
	if (r->adec) {
		send(r, r->adec, NULL, f);
		audio_frame(r, NULL);
	}
	video_flush(r);
	for (int i = 0; i < n; i++)
		if (!list[i]->failed && list[i]->finish)
			call_result(list[i], list[i]->finish(list[i]->state));
	if (info_out)
		*info_out = info;
out:
	stats.decode_errors += tg_avlog_end();
	if (stats_out)
		*stats_out = stats;
	for (int i = 0; i < MAX_ANALYSERS; i++)
		av_frame_free(&r->vs[i].held);
	for (int i = 0; i < r->nconv; i++) {
		sws_freeContext(r->conv[i].sws);
		av_freep(&r->conv[i].data[0]);
		free(r->conv[i].acc);
	}
	for (int i = 0; i < r->nres; i++) {
		swr_free(&r->res[i].swr);
		free(r->res[i].buf);
	}
	av_packet_free(&pkt);
	av_frame_free(&f);
	avcodec_free_context(&r->vdec);
	avcodec_free_context(&r->adec);
	avformat_close_input(&r->fc);
	free(r);
	return ret;
}

int tg_media_run_one(const char *path, struct tg_analyser *a)
{
	struct tg_analyser *list[1] = { a };
	int ret = tg_media_run(path, list, 1, NULL, NULL, NULL, NULL);

	if (ret == 0 && a->failed)
		ret = tg_error(TG_EINPUT, "%s: %s", path, a->error);
	return ret;
}
