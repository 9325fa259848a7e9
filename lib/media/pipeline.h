/*
 * pipeline.h - decode a file once and feed every analyser (DESIGN.md).
 *
 * tg_media_run() demuxes and decodes each wanted stream once.  Video frames
 * go to every analyser in the pixel format and size it asked for, converted
 * once per distinct (format, width, height), not once per analyser; an
 * analyser that asked for a frame rate gets frames resampled to that rate
 * the way FFmpeg's fps filter does it (each output slot t = k/fps takes the
 * last decoded frame whose timestamp rounds to k, repeating a frame to fill
 * gaps).  Audio goes as float PCM at the rate and channel count each
 * analyser asked for, converted once per distinct (rate, channels).
 *
 * Memory is bounded for any input length: one decoded frame per resampler
 * is held (a reference, not a copy) and converted only when emitted.
 *
 * Cheap paths (issue 3: analysis within 10% of bare decoding):
 *   - TG_PIX_YUV420P hands over the decoder's own planes when it decodes to
 *     8-bit 4:2:0 (no conversion, no copy); other sources are converted
 *     once with swscale, keeping their range;
 *   - GRAY8 thumbnails 8x smaller or more are box averages of the luma
 *     plane (media/thumb.h) instead of a swscale pass, with swscale's
 *     GRAY8 range (limited luma stretched to 0..255).
 *
 * An analyser whose callback fails is marked failed with its message and
 * gets nothing more; the others go on.  Only demux/decoder errors on the
 * file itself fail the run (decode errors in a damaged stream are counted
 * and skipped, as ffmpeg does).
 */
#ifndef TG_PIPELINE_H
#define TG_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

enum tg_pix {
	TG_PIX_NONE = 0,	/* no video wanted */
	TG_PIX_RGB24,
	TG_PIX_GRAY8,
	TG_PIX_YUV420P,		/* planar 8-bit 4:2:0 at the native size (width, height 0) */
};

struct tg_media_info {
	double duration_s;	/* NaN unknown */
	double start_s;		/* presentation time of the first packet */
	int has_video, has_audio;
	int width, height;	/* coded size of the video stream */
	double frame_rate;	/* 0 unknown */
	double rotation_deg;	/* display matrix, not applied to frames */
	int sample_rate, channels;
};

struct tg_frame {
	const uint8_t *data;	/* packed rows */
	int linesize;
	int width, height;
	enum tg_pix format;
	double pts_s;		/* presentation time of the source frame */
	long long index;	/* 0, 1, 2 ... in this analyser's sequence */
	long long decoded_index;/* index of the source frame in decode order of output */
	/*
	 * All formats: planes[0] == data, linesizes[0] == linesize.  YUV420P:
	 * planes[1], [2] are U and V at ((width + 1) / 2) x ((height + 1) / 2);
	 * full_range 1 when luma spans 0..255 (JPEG range), 0 for 16..235.
	 * Other formats: planes[1], [2] NULL, full_range 1.
	 */
	const uint8_t *planes[3];
	int linesizes[3];
	int full_range;
};

/* 1e9 x full scale (+180 dB): no sound, and far from where float sums overflow */
#define TG_PCM_MAX 1e9f

struct tg_pcm {
	const float *samples;	/* interleaved when channels > 1 */
	size_t frames;		/* samples per channel */
	int channels, rate;
	double t0_s;		/* presentation time of the first sample */
	size_t unusable;	/* samples of the file (all channels, its own rate)
				 * that were NaN, infinite or beyond TG_PCM_MAX
				 * (damaged or hostile float audio), decoded since
				 * the last block and delivered as 0 */
	int inverted;		/* one channel mixed from two whose second is the
				 * first inverted: mixed as their difference
				 * (media/downmix.h), which the mean would cancel */
};

struct tg_analyser {
	const char *name;
	void *state;
	/* what it wants */
	enum tg_pix video_format;
	int width, height;	/* 0, 0: the native size */
	double fps;		/* 0: every decoded frame */
	int audio_rate;		/* 0: no audio */
	int audio_channels;	/* 1: a mono mix */
	/* callbacks; any may be NULL */
	int (*start)(void *state, const struct tg_media_info *info);
	/* every-frame analysers: may a frame be skipped before it is converted? */
	int (*keep)(void *state, long long decoded_index, double pts_s);
	int (*video)(void *state, const struct tg_frame *frame);
	int (*audio)(void *state, const struct tg_pcm *pcm);
	int (*finish)(void *state);
	/* set by the pipeline */
	int failed;
	int code;		/* the failure's TG_E* code (TG_ENOMEM: out of memory) */
	int not_applicable;	/* the file lacks the stream it wants (failed is set too) */
	char error[256];
};

typedef void (*tg_media_progress_fn)(void *user, unsigned long long done, unsigned long long total);

struct tg_media_run_stats {
	long long video_frames;	/* decoded */
	double audio_seconds;	/* decoded */
	int decode_errors;	/* damaged packets skipped */
};

/*
 * Decode path once and drive the analysers.  Returns 0 (check each
 * analyser's failed flag), or TG_EINPUT when the file cannot be opened or
 * has none of the wanted streams, with a message naming it.
 */
int tg_media_run(const char *path, struct tg_analyser *const *list, int n,
		 tg_media_progress_fn progress, void *user, struct tg_media_info *info,
		 struct tg_media_run_stats *stats);

/*
 * One analyser over a file, for a command that needs only it: an analyser
 * that failed (or whose stream the file lacks) fails the run, with its
 * message after the file's name.
 */
int tg_media_run_one(const char *path, struct tg_analyser *a);

#endif
