/*
 * probe.h - what a file says about itself: container, streams, tags, EXIF.
 *
 * tg_probe_*() read a file's metadata with libavformat (and libexif for
 * photos) without decoding pictures, into struct tg_probe: the facts the
 * normaliser (metadata.h) turns into created/gps/device/observations, and
 * the raw container and stream tags.  A file that is not media at all is
 * not an error here: is_media = 0 and av_error says why; the caller decides
 * (testigo add keeps any file as evidence; testigo probe reports it).
 *
 * Untrusted input: every string copied from a file is bounded; the fuzz
 * harness tests/fuzz/fuzz_probe.c drives tg_probe_memory().
 */
#ifndef TG_PROBE_H
#define TG_PROBE_H

#include <stddef.h>

#include "media/exif.h"

struct cJSON;

struct tg_probe {
	char name[256];            /* base name of the file */
	unsigned long long size;
	int is_media;
	char av_error[160];        /* why libavformat refused it */
	char media_type[16];       /* video, image, audio, other */
	char format[64], format_long[128];
	double duration_s;         /* NaN unknown */
	long long bit_rate;        /* 0 unknown */
	int width, height;         /* first video stream */
	double rotation_deg;       /* display matrix of the first video stream, 0 none */
	double frame_rate;
	char video_codec[32], audio_codec[32];
	int sample_rate, channels;
	int decode_errors;
	long long index_end;       /* byte where the container's sample index ends (0 unknown) */         /* messages libav logged at error level while probing */

	/* container tags that matter (empty when absent) */
	char creation_time[64];    /* "creation_time" (UTC by the MP4 spec) */
	char apple_creationdate[64];   /* com.apple.quicktime.creationdate: local with offset */
	char location[96];         /* ISO 6709 */
	char make[128], model[128], software[128], encoder[128];
	char handlers[256];        /* handler names, comma-separated */

	int has_exif;
	struct tg_exif exif;

	struct cJSON *streams;     /* array of per-stream objects */
	struct cJSON *tags;        /* container tags as stored */
};

void tg_probe_init(struct tg_probe *p);
void tg_probe_release(struct tg_probe *p);

/* Probe a file.  Errors (TG_EINPUT) only when it cannot be read at all or is empty. */
int tg_probe_file(struct tg_probe *p, const char *path);

/* The same on bytes in memory (fuzzing, tests); name is used in messages. */
int tg_probe_memory(struct tg_probe *p, const unsigned char *data, size_t len, const char *name);

#endif
