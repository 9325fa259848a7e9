#include "media/probe.h"

#include <cjson/cJSON.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/avlog.h"
#include "media/open.h"
#include "util/error.h"
#include "util/jsonmem.h"

#define MAX_TAGS 256
#define MAX_TAG_LEN 4096
#define MAX_STREAMS 64

void tg_probe_init(struct tg_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->duration_s = NAN;
	tg_exif_init(&p->exif);
}

void tg_probe_release(struct tg_probe *p)
{
	if (!p)
		return;
	tg_exif_release(&p->exif);
	cJSON_Delete(p->streams);
	cJSON_Delete(p->tags);
	p->streams = p->tags = NULL;
}

static void copy_bounded(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* Copy at most MAX_TAGS tags, each cut at MAX_TAG_LEN, into a JSON object. */
static cJSON *tags_json(const AVDictionary *d)
{
	cJSON *obj = cJSON_CreateObject();
	const AVDictionaryEntry *e = NULL;
	int n = 0;

	while (obj && (e = av_dict_get(d, "", e, AV_DICT_IGNORE_SUFFIX)) && n++ < MAX_TAGS) {
		char buf[MAX_TAG_LEN + 1];

		copy_bounded(buf, sizeof(buf), e->value);
		if (!cJSON_GetObjectItemCaseSensitive(obj, e->key))
			cJSON_AddStringToObject(obj, e->key, buf);
	}
	return obj;
}

static const char *tag(const AVDictionary *d, const char *key)
{
	const AVDictionaryEntry *e = av_dict_get(d, key, NULL, 0);

	return e && e->value ? e->value : NULL;
}

static void pick_tags(struct tg_probe *p, const AVDictionary *d)
{
	const char *v;

	if (!p->creation_time[0] && (v = tag(d, "creation_time")))
		copy_bounded(p->creation_time, sizeof(p->creation_time), v);
	if (!p->apple_creationdate[0] && (v = tag(d, "com.apple.quicktime.creationdate")))
		copy_bounded(p->apple_creationdate, sizeof(p->apple_creationdate), v);
	if (!p->location[0] && ((v = tag(d, "location")) ||
				(v = tag(d, "com.apple.quicktime.location.ISO6709"))))
		copy_bounded(p->location, sizeof(p->location), v);
	if (!p->make[0] && ((v = tag(d, "com.apple.quicktime.make")) || (v = tag(d, "make")) ||
			    (v = tag(d, "com.android.manufacturer"))))
		copy_bounded(p->make, sizeof(p->make), v);
	if (!p->model[0] && ((v = tag(d, "com.apple.quicktime.model")) || (v = tag(d, "model")) ||
			     (v = tag(d, "com.android.model"))))
		copy_bounded(p->model, sizeof(p->model), v);
	if (!p->software[0] && ((v = tag(d, "com.apple.quicktime.software")) ||
				(v = tag(d, "software"))))
		copy_bounded(p->software, sizeof(p->software), v);
	if (!p->encoder[0] && ((v = tag(d, "encoder")) || (v = tag(d, "encoded_by"))))
		copy_bounded(p->encoder, sizeof(p->encoder), v);
	if ((v = tag(d, "handler_name")) && strlen(p->handlers) + strlen(v) + 3 < sizeof(p->handlers)) {
		size_t len = strlen(p->handlers);
		snprintf(p->handlers + len, sizeof(p->handlers) - len, "%s%s", len ? ", " : "", v);
	}
}

static int is_image_codec(enum AVCodecID id)
{
	switch (id) {
	case AV_CODEC_ID_MJPEG: case AV_CODEC_ID_PNG: case AV_CODEC_ID_BMP:
	case AV_CODEC_ID_TIFF: case AV_CODEC_ID_WEBP: case AV_CODEC_ID_GIF:
	case AV_CODEC_ID_PPM: case AV_CODEC_ID_PGM: case AV_CODEC_ID_PAM:
	case AV_CODEC_ID_JPEG2000: case AV_CODEC_ID_JPEGLS: case AV_CODEC_ID_QOI:
	case AV_CODEC_ID_PHOTOCD: case AV_CODEC_ID_SGI: case AV_CODEC_ID_XWD:
	case AV_CODEC_ID_TARGA: case AV_CODEC_ID_PCX:
		return 1;
	default:
		return 0;
	}
}

static double rotation_of(const AVStream *st)
{
	const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
	double r;

	if (!m)
		return 0;
	r = -av_display_rotation_get((const int32_t *)m);
	if (!isfinite(r))
		return 0;
	r = fmod(r + 360.0, 360.0);
	return fabs(r) < 1e-6 ? 0 : r;
}

static double frame_rate_of(const AVStream *st)
{
	AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;

	return r.num > 0 && r.den > 0 ? av_q2d(r) : 0;
}

static cJSON *stream_json(const AVStream *st, struct tg_probe *p, int *first_video, int *first_audio)
{
	const AVCodecParameters *par = st->codecpar;
	const char *type = av_get_media_type_string(par->codec_type);
	const char *profile = avcodec_profile_name(par->codec_id, par->profile);
	cJSON *s = cJSON_CreateObject();
	char buf[64];

	if (!s)
		return NULL;
	cJSON_AddNumberToObject(s, "index", st->index);
	cJSON_AddStringToObject(s, "type", type ? type : "unknown");
	cJSON_AddStringToObject(s, "codec", avcodec_get_name(par->codec_id));
	if (profile)
		cJSON_AddStringToObject(s, "profile", profile);
	if (par->bit_rate > 0)
		cJSON_AddNumberToObject(s, "bit_rate", (double)par->bit_rate);
	if (st->duration != AV_NOPTS_VALUE && st->time_base.den > 0)
		cJSON_AddNumberToObject(s, "duration_s",
					round(st->duration * av_q2d(st->time_base) * 1e6) / 1e6);
	if (st->nb_frames > 0)
		cJSON_AddNumberToObject(s, "frames", (double)st->nb_frames);
	if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
		double fr = frame_rate_of(st), rot = rotation_of(st);
		const char *pix = av_get_pix_fmt_name(par->format);

		cJSON_AddNumberToObject(s, "width", par->width);
		cJSON_AddNumberToObject(s, "height", par->height);
		if (fr > 0)
			cJSON_AddNumberToObject(s, "frame_rate", round(fr * 1000) / 1000);
		cJSON_AddNumberToObject(s, "rotation_deg", rot);
		if (pix)
			cJSON_AddStringToObject(s, "pixel_format", pix);
		if (st->disposition & AV_DISPOSITION_ATTACHED_PIC)
			cJSON_AddBoolToObject(s, "attached_picture", 1);
		else if (*first_video) {
			*first_video = 0;
			p->width = par->width;
			p->height = par->height;
			p->rotation_deg = rot;
			p->frame_rate = fr;
			copy_bounded(p->video_codec, sizeof(p->video_codec), avcodec_get_name(par->codec_id));
		}
	} else if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
		cJSON_AddNumberToObject(s, "sample_rate", par->sample_rate);
		cJSON_AddNumberToObject(s, "channels", par->ch_layout.nb_channels);
		if (av_channel_layout_describe(&par->ch_layout, buf, sizeof(buf)) > 0)
			cJSON_AddStringToObject(s, "channel_layout", buf);
		if (*first_audio) {
			*first_audio = 0;
			p->sample_rate = par->sample_rate;
			p->channels = par->ch_layout.nb_channels;
			copy_bounded(p->audio_codec, sizeof(p->audio_codec), avcodec_get_name(par->codec_id));
		}
	}
	tg_jsonmem_add(s, "tags", tags_json(st->metadata));
	return s;
}

static void classify(struct tg_probe *p, const AVFormatContext *fc)
{
	int video = 0, image = 0, audio = 0;
	const char *fmt = fc->iformat->name;
	int still_format = strstr(fmt, "_pipe") || strcmp(fmt, "image2") == 0 ||
			   strcmp(fmt, "webp") == 0;

	for (unsigned i = 0; i < fc->nb_streams && i < MAX_STREAMS; i++) {
		const AVStream *st = fc->streams[i];
		enum AVMediaType t = st->codecpar->codec_type;

		if (t == AVMEDIA_TYPE_VIDEO && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
			if (still_format && is_image_codec(st->codecpar->codec_id))
				image = 1;
			else
				video = 1;
		} else if (t == AVMEDIA_TYPE_AUDIO) {
			audio = 1;
		}
	}
	/* A GIF is a video when it animates; the pipe demuxer cannot tell cheaply. */
	copy_bounded(p->media_type, sizeof(p->media_type),
		     video ? "video" : image ? "image" : audio ? "audio" : "other");
}

/*
 * Where the container's sample index says the data ends.  A file cut short
 * (an interrupted download or upload) keeps an index that points past its
 * end: MP4/MOV phones write the index first, so such a file still opens.
 */
static long long index_end(const AVFormatContext *fc)
{
	long long end = 0;

	for (unsigned i = 0; i < fc->nb_streams && i < MAX_STREAMS; i++) {
		AVStream *st = fc->streams[i];
		int n = avformat_index_get_entries_count(st);
		const AVIndexEntry *e = n > 0 ? avformat_index_get_entry(st, n - 1) : NULL;

		if (e && e->pos >= 0 && e->pos + e->size > end)
			end = e->pos + e->size;
	}
	return end;
}

static void probe_context(struct tg_probe *p, AVFormatContext *fc)
{
	int first_video = 1, first_audio = 1;

	copy_bounded(p->format, sizeof(p->format), fc->iformat->name);
	copy_bounded(p->format_long, sizeof(p->format_long), fc->iformat->long_name);
	if (fc->duration != AV_NOPTS_VALUE && fc->duration > 0)
		p->duration_s = fc->duration / (double)AV_TIME_BASE;
	p->bit_rate = fc->bit_rate > 0 ? fc->bit_rate : 0;
	p->tags = tags_json(fc->metadata);
	pick_tags(p, fc->metadata);
	p->streams = cJSON_CreateArray();
	for (unsigned i = 0; i < fc->nb_streams && i < MAX_STREAMS; i++) {
		cJSON *s = stream_json(fc->streams[i], p, &first_video, &first_audio);

		tg_jsonmem_add(p->streams, NULL, s);
		pick_tags(p, fc->streams[i]->metadata);
	}
	classify(p, fc);
	p->index_end = index_end(fc);
	p->is_media = strcmp(p->media_type, "other") != 0;
	if (!p->is_media)
		copy_bounded(p->av_error, sizeof(p->av_error), "no audio, video or image stream");
}

static void set_av_error(struct tg_probe *p, int err)
{
	char msg[128];

	av_strerror(err, msg, sizeof(msg));
	snprintf(p->av_error, sizeof(p->av_error), "%s", msg);
	copy_bounded(p->media_type, sizeof(p->media_type), "other");
}

static int open_and_probe(struct tg_probe *p, AVFormatContext *fc, const char *url)
{
	int err;

	tg_avlog_begin();
	err = avformat_open_input(&fc, url, NULL, NULL);
	if (err < 0) {
		set_av_error(p, err);
		p->decode_errors = tg_avlog_end();
		return 0;	/* fc is freed by avformat_open_input on failure */
	}
	fc->max_analyze_duration = 5 * AV_TIME_BASE;
	err = avformat_find_stream_info(fc, NULL);
	if (err < 0)
		set_av_error(p, err);
	else
		probe_context(p, fc);
	p->decode_errors = tg_avlog_end();
	avformat_close_input(&fc);
	return 0;
}

static void read_exif_if_photo(struct tg_probe *p, const unsigned char *data, size_t len,
			       const char *path)
{
	int ret;

	if (strcmp(p->media_type, "image") != 0)
		return;
	ret = data ? tg_exif_parse(&p->exif, data, len) : tg_exif_read_file(&p->exif, path);
	p->has_exif = ret == 0;
	tg_error_clear();
}

static void set_name(struct tg_probe *p, const char *path)
{
	const char *slash = strrchr(path, '/');

	copy_bounded(p->name, sizeof(p->name), slash ? slash + 1 : path);
}

int tg_probe_file(struct tg_probe *p, const char *path)
{
	char url[4200];
	int ret;

	set_name(p, path);
	if ((ret = tg_media_check_file(path, &p->size)) < 0)
		return ret;
	/* "file:" keeps names with ':' from being read as protocols */
	snprintf(url, sizeof(url), "file:%s", path);
	open_and_probe(p, avformat_alloc_context(), url);
	read_exif_if_photo(p, NULL, 0, path);
	return 0;
}

struct mem_reader {
	const unsigned char *data;
	size_t len, pos;
};

static int mem_read(void *opaque, uint8_t *buf, int n)
{
	struct mem_reader *r = opaque;
	size_t left = r->len - r->pos;

	if (left == 0)
		return AVERROR_EOF;
	if ((size_t)n > left)
		n = (int)left;
	memcpy(buf, r->data + r->pos, (size_t)n);
	r->pos += (size_t)n;
	return n;
}

static int64_t mem_seek(void *opaque, int64_t off, int whence)
{
	struct mem_reader *r = opaque;
	int64_t base;

	whence &= ~AVSEEK_FORCE;
	if (whence == AVSEEK_SIZE)
		return (int64_t)r->len;
	base = whence == SEEK_CUR ? (int64_t)r->pos : whence == SEEK_END ? (int64_t)r->len : 0;
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return AVERROR(EINVAL);
	if (base + off < 0 || base + off > (int64_t)r->len)
		return AVERROR(EINVAL);
	r->pos = (size_t)(base + off);
	return (int64_t)r->pos;
}

int tg_probe_memory(struct tg_probe *p, const unsigned char *data, size_t len, const char *name)
{
	struct mem_reader r = { data, len, 0 };
	AVFormatContext *fc;
	AVIOContext *io;
	unsigned char *buf;

	set_name(p, name);
	if (len == 0)
		return tg_error(TG_EINPUT, "%s: empty file", name);
	p->size = len;
	buf = av_malloc(32768);
	io = buf ? avio_alloc_context(buf, 32768, 0, &r, mem_read, NULL, mem_seek) : NULL;
	fc = io ? avformat_alloc_context() : NULL;
	if (!fc) {
		if (io)
			av_freep(&io->buffer);
		else
			av_free(buf);
		avio_context_free(&io);
		return tg_error(TG_ENOMEM, "%s: out of memory", name);
	}
	fc->pb = io;
	fc->flags |= AVFMT_FLAG_CUSTOM_IO;
	open_and_probe(p, fc, name);
	av_freep(&io->buffer);
	avio_context_free(&io);
	read_exif_if_photo(p, data, len, name);
	return 0;
}
