/*
 * test_pipeline.c - one decode pass, several analysers, FFmpeg-like fps
 * resampling; the cheap paths: the decoder's own yuv420p planes, other
 * sources converted to 4:2:0 keeping their range, and grey thumbnails
 * box-averaged from the luma plane within a level of swscale's area scaler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "media/pipeline.h"
#include "util/error.h"

struct counter {
	long long frames, pcm_frames;
	double first_pts, last_pts, t0;
	int w, h, started, finished;
	unsigned long long checksum;
};

static int c_start(void *st, const struct tg_media_info *info)
{
	struct counter *c = st;

	(void)info;
	c->started = 1;
	c->first_pts = -1;
	return 0;
}

static int c_video(void *st, const struct tg_frame *f)
{
	struct counter *c = st;

	if (c->first_pts < 0)
		c->first_pts = f->pts_s;
	c->last_pts = f->pts_s;
	c->frames++;
	c->w = f->width;
	c->h = f->height;
	for (int y = 0; y < f->height; y += 7)
		c->checksum += f->data[y * f->linesize];
	return 0;
}

static int c_audio(void *st, const struct tg_pcm *p)
{
	struct counter *c = st;

	if (c->pcm_frames == 0)
		c->t0 = p->t0_s;
	c->pcm_frames += (long long)p->frames;
	return 0;
}

static int c_finish(void *st)
{
	((struct counter *)st)->finished = 1;
	return 0;
}

static int fail_video(void *st, const struct tg_frame *f)
{
	(void)st;
	(void)f;
	return tg_error(TG_EINPUT, "deliberate failure");
}

static long long ffmpeg_frames(const char *args, const char *path)
{
	char cmd[1024];
	long long n = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ffmpeg -v error -i '%s' %s -f framemd5 - 2>/dev/null | grep -vc '^#'",
		 path, args);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%lld", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static void test_one_pass(void)
{
	char path[512], cmd[1024];
	struct counter all = { 0 }, at15 = { 0 }, small = { 0 }, audio = { 0 }, bad = { 0 };
	struct tg_analyser a_all = { "all", &all, TG_PIX_RGB24, 0, 0, 0, 0, 0, c_start, NULL, c_video, NULL, c_finish, 0, 0, 0, "" };
	struct tg_analyser a_15 = { "fps15", &at15, TG_PIX_RGB24, 64, 64, 15, 0, 0, c_start, NULL, c_video, NULL, c_finish, 0, 0, 0, "" };
	struct tg_analyser a_small = { "gray", &small, TG_PIX_GRAY8, 64, 64, 0, 0, 0, c_start, NULL, c_video, NULL, c_finish, 0, 0, 0, "" };
	struct tg_analyser a_audio = { "audio", &audio, TG_PIX_NONE, 0, 0, 0, 16000, 1, c_start, NULL, NULL, c_audio, c_finish, 0, 0, 0, "" };
	struct tg_analyser a_bad = { "bad", &bad, TG_PIX_RGB24, 0, 0, 0, 0, 0, NULL, NULL, fail_video, NULL, c_finish, 0, 0, 0, "" };
	struct tg_analyser *list[] = { &a_all, &a_15, &a_small, &a_audio, &a_bad };
	struct tg_media_info info;
	struct tg_media_run_stats stats;
	long long want15;

	snprintf(path, sizeof(path), "%s/clip.mp4", tg_test_scratch());
	snprintf(cmd, sizeof(cmd), "ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=30000/1001 "
		 "-f lavfi -i sine=frequency=440:sample_rate=44100 -t 4 -c:v mpeg4 -c:a aac '%s'", path);
	if (system(cmd) != 0) {
		SKIP("ffmpeg cannot make the test clip");
		return;
	}
	CHECK_INT(tg_media_run(path, list, 5, NULL, NULL, &info, &stats), 0);
	CHECK(info.has_video && info.has_audio && info.width == 320);
	CHECK_INT(all.frames, ffmpeg_frames("-map 0:v", path));
	CHECK_INT(stats.video_frames, all.frames);
	want15 = ffmpeg_frames("-map 0:v -vf fps=15", path);
	CHECK_INT(at15.frames, want15);
	CHECK(at15.w == 64 && at15.h == 64 && small.w == 64);
	CHECK_INT(small.frames, all.frames);
	CHECK_NEAR((double)audio.pcm_frames / 16000.0, 4.0, 0.05);
	CHECK(all.finished && at15.finished && audio.finished);
	CHECK(a_bad.failed && strstr(a_bad.error, "deliberate") != NULL);
	CHECK(!bad.finished);
	CHECK(!a_all.failed && !a_15.failed);
}

/* Compares every frame it gets with the raw frames ffmpeg writes to ref. */
struct raw_cmp {
	FILE *ref;
	int plane_bytes;	/* bytes of each reference frame compared (the luma, or all) */
	int frame_bytes;	/* bytes of each reference frame */
	long frames, bad_layout, differ, full;
	double sad;
	long n;
	int maxd;
	unsigned char *buf;
};

static int raw_video(void *st, const struct tg_frame *f)
{
	struct raw_cmp *c = st;

	if (!c->ref || fread(c->buf, 1, (size_t)c->frame_bytes, c->ref) != (size_t)c->frame_bytes)
		return 0;
	c->frames++;
	c->full += f->full_range;
	if (f->planes[0] != f->data || f->linesizes[0] != f->linesize || f->linesize < f->width)
		c->bad_layout++;
	if (f->format == TG_PIX_YUV420P && (!f->planes[1] || !f->planes[2] ||
					    f->linesizes[1] < (f->width + 1) / 2))
		c->bad_layout++;
	for (int y = 0; y < f->height; y++)
		for (int x = 0; x < f->width && y * f->width + x < c->plane_bytes; x++) {
			int d = abs((int)f->data[(size_t)y * f->linesize + x] - c->buf[y * f->width + x]);

			c->sad += d;
			c->n++;
			c->differ += d != 0;
			if (d > c->maxd)
				c->maxd = d;
		}
	return 0;
}

static FILE *raw_ref(const char *path, const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "ffmpeg -v error -noautorotate -i '%s' -map 0:v %s -f rawvideo - "
		 "2>/dev/null", path, args);
	return popen(cmd, "r");
}

/*
 * Make a clip with ffmpeg (lavfi source and encoder arguments), then run
 * two analysers over it in one pass: one taking the decoder's 4:2:0
 * planes, compared with ffmpeg's raw frames in yuv_fmt (frame_bytes a
 * frame, the first plane_bytes of which are the luma), and one taking
 * gw x gh grey thumbnails, compared with swscale's area scaler.  Returns
 * 0, or -1 after SKIP when ffmpeg cannot make the clip.
 */
static int run_yuv_and_grey(const char *name, const char *make_args, const char *yuv_fmt,
			    int frame_bytes, int plane_bytes, int gw, int gh, struct raw_cmp *y,
			    struct raw_cmp *g)
{
	char path[512], cmd[1024], grey[128];
	struct tg_analyser a_yuv = { "yuv", y, TG_PIX_YUV420P, 0, 0, 0, 0, 0, NULL, NULL, raw_video, NULL, NULL, 0, 0, 0, "" };
	struct tg_analyser a_grey = { "grey", g, TG_PIX_GRAY8, gw, gh, 0, 0, 0, NULL, NULL, raw_video, NULL, NULL, 0, 0, 0, "" };
	struct tg_analyser *list[] = { &a_yuv, &a_grey };

	snprintf(path, sizeof(path), "%s/%s", tg_test_scratch(), name);
	snprintf(cmd, sizeof(cmd), "ffmpeg -v error -y -f lavfi -i %s '%s'", make_args, path);
	if (system(cmd) != 0) {
		SKIP("ffmpeg cannot make the test clip");
		return -1;
	}
	memset(y, 0, sizeof(*y));
	memset(g, 0, sizeof(*g));
	y->buf = malloc((size_t)frame_bytes);
	g->buf = malloc((size_t)gw * gh);
	CHECK(y->buf && g->buf);
	if (y->buf && g->buf) {
		y->frame_bytes = frame_bytes;
		y->plane_bytes = plane_bytes;
		y->ref = raw_ref(path, yuv_fmt);
		g->frame_bytes = g->plane_bytes = gw * gh;
		snprintf(grey, sizeof(grey), "-vf scale=%d:%d:flags=area -pix_fmt gray", gw, gh);
		g->ref = raw_ref(path, grey);
		CHECK_INT(tg_media_run(path, list, 2, NULL, NULL, NULL, NULL), 0);
		if (y->ref)
			pclose(y->ref);
		if (g->ref)
			pclose(g->ref);
	}
	free(y->buf);
	free(g->buf);
	y->buf = g->buf = NULL;
	return 0;
}

static void test_yuv_and_thumbs(void)
{
	struct raw_cmp y, g;

	/* the decoder's planes: the luma is ffmpeg's, byte for byte */
	if (run_yuv_and_grey("hd.mp4", "testsrc2=size=1280x720:rate=25 -t 1 -pix_fmt yuv420p "
			     "-c:v mpeg4 -q:v 3", "-pix_fmt yuv420p", 1280 * 720 * 3 / 2,
			     1280 * 720, 64, 64, &y, &g) < 0)
		return;
	CHECK_INT(y.frames, 25);
	CHECK_INT(y.bad_layout, 0);
	CHECK_INT(y.differ, 0);
	CHECK_INT(y.full, 0);
	/* box thumbnails (20 x 11.25 pixels a box) against swscale's area scaler */
	CHECK_INT(g.frames, 25);
	CHECK(g.n > 0 && g.sad / (double)g.n < 1.0);
	CHECK(g.maxd <= 24);
	printf("  box 64x64 vs swscale area: mean |d| %.3f, max %d\n", g.n ? g.sad / (double)g.n : 0,
	       g.maxd);
}

/* A full-range 4:2:2 source: converted once to 4:2:0, keeping the range and the luma. */
static void test_yuv_converted(void)
{
	struct raw_cmp y, g;

	/* full range: the box mean is the grey value, no stretch */
	if (run_yuv_and_grey("j422.avi", "testsrc2=size=320x240:rate=10 -t 1 -pix_fmt yuvj422p "
			     "-c:v mjpeg -q:v 3", "-pix_fmt yuvj422p", 320 * 240 * 2, 320 * 240,
			     32, 24, &y, &g) < 0)
		return;
	CHECK_INT(y.frames, 10);
	CHECK_INT(y.bad_layout, 0);
	CHECK_INT(y.differ, 0);
	CHECK_INT(y.full, 10);
	CHECK_INT(g.frames, 10);
	CHECK(g.n > 0 && g.sad / (double)g.n < 1.0);
	printf("  yuvj422p: luma kept; box 32x24 vs swscale area: mean |d| %.3f, max %d\n",
	       g.n ? g.sad / (double)g.n : 0, g.maxd);
}

static void test_bad_input(void)
{
	struct counter c = { 0 };
	struct tg_analyser a = { "all", &c, TG_PIX_RGB24, 0, 0, 0, 0, 0, NULL, NULL, c_video, NULL, NULL, 0, 0, 0, "" };
	struct tg_analyser *list[] = { &a };
	char path[512];
	FILE *f;

	CHECK_INT(tg_media_run("/nonexistent.mp4", list, 1, NULL, NULL, NULL, NULL), TG_EINPUT);
	CHECK(strstr(tg_errmsg(), "/nonexistent.mp4") != NULL);
	snprintf(path, sizeof(path), "%s/text.mp4", tg_test_scratch());
	f = fopen(path, "w");
	fputs("not a video", f);
	fclose(f);
	CHECK_INT(tg_media_run(path, list, 1, NULL, NULL, NULL, NULL), TG_EINPUT);
	CHECK(strstr(tg_errmsg(), "text.mp4") != NULL);
}

int main(void)
{
	RUN(test_one_pass);
	RUN(test_yuv_and_thumbs);
	RUN(test_yuv_converted);
	RUN(test_bad_input);
	return TEST_END();
}
