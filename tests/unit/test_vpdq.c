/*
 * test_vpdq.c - vPDQ against the reference frame hashes and match scores.
 *
 * Frames come from ffmpeg as rgb24 (every decoded frame, no rate change);
 * the reference decodes with libav and converts with its own swscale call.
 * ffmpeg's "accurate_rnd" YUV->RGB conversion reproduces the reference's
 * pixels for most frames (551 of 564 hashes identical on chair-19, against
 * 270 with the default flags); where pixels still differ a few hash bits
 * may differ, so the test
 * demands identical frame numbers and timestamps, and hashes within the
 * match distance for at least 99% of the frames of quality >= 50.
 */
#include <stdint.h>

#include "harness.h"
#include "phash/vpdq.h"

#define MAXV 32

struct list {
	struct tg_vpdq_frame *f;
	size_t n, cap;
};

struct video {
	char name[128];
	struct list ref, ref128, mine, mine128;
};

static struct video videos[MAXV];
static int nvideos;
static const char *vdir;

static void push(struct list *l, const struct tg_vpdq_frame *f)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct tg_vpdq_frame *p = realloc(l->f, cap * sizeof(*p));

		if (!p)
			abort();
		l->f = p;
		l->cap = cap;
	}
	l->f[l->n++] = *f;
}

static struct video *find(const char *name)
{
	for (int i = 0; i < nvideos; i++)
		if (strcmp(videos[i].name, name) == 0)
			return &videos[i];
	return NULL;
}

/* Read a reference file; every line must print back identically. */
static int load(const char *path, struct list *l)
{
	char line[256], again[TG_VPDQ_LINE_MAX];
	FILE *f = fopen(path, "r");
	int bad = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct tg_vpdq_frame fr;

		line[strcspn(line, "\r\n")] = '\0';
		if (tg_vpdq_parse(line, &fr) < 0) {
			bad++;
			continue;
		}
		tg_vpdq_format(&fr, again, sizeof(again));
		if (strcmp(again, line) != 0)
			bad++;
		push(l, &fr);
	}
	fclose(f);
	return bad;
}

static void test_parse(void)
{
	struct tg_vpdq_frame f;
	char buf[TG_VPDQ_LINE_MAX];
	const char *line = "37,40,8c00186300ffc31edfb0ffe1ffe7c03f003c3fc13fc1011c003cc07ffcc3ffc0,1.233";

	CHECK_INT(tg_vpdq_parse(line, &f), 0);
	CHECK_INT(f.frame, 37);
	CHECK_INT(f.quality, 40);
	tg_vpdq_format(&f, buf, sizeof(buf));
	CHECK_STR(buf, line);
	CHECK(tg_vpdq_parse("37,40,8c00,1.2", &f) < 0);
	CHECK(tg_vpdq_parse("x,40,8c00186300ffc31edfb0ffe1ffe7c03f003c3fc13fc1011c003cc07ffcc3ffc0,1",
			    &f) < 0);
	CHECK(tg_vpdq_parse("1,101,8c00186300ffc31edfb0ffe1ffe7c03f003c3fc13fc1011c003cc07ffcc3ffc0,1",
			    &f) < 0);
}

static void test_reference_files(void)
{
	char path[8192];
	FILE *p;
	int lines = 0;

	vdir = tg_test_conformance("video");
	if (!vdir)
		return;
	snprintf(path, sizeof(path), "ls '%s/videos'", vdir);
	p = popen(path, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	while (nvideos < MAXV && fgets(path, sizeof(path), p)) {
		struct video *v = &videos[nvideos];
		char file[9000];

		path[strcspn(path, "\n")] = '\0';
		if (strlen(path) < 5 || strcmp(path + strlen(path) - 4, ".mp4") != 0)
			continue;
		snprintf(v->name, sizeof(v->name), "%.*s", (int)strlen(path) - 4, path);
		snprintf(file, sizeof(file), "%s/expected/vpdq/%s.txt", vdir, v->name);
		CHECK_INT(load(file, &v->ref), 0);
		snprintf(file, sizeof(file), "%s/expected/vpdq/%s-128x128.txt", vdir, v->name);
		if (load(file, &v->ref128) < 0)
			v->ref128.n = 0;        /* not every video has one */
		CHECK(v->ref.n > 0);
		lines += (int)(v->ref.n + v->ref128.n);
		nvideos++;
	}
	pclose(p);
	CHECK(nvideos >= 14);
	printf("vpdq: %d videos, %d reference lines parsed and printed back identically\n",
	       nvideos, lines);
}

/* Hash every frame of a video (resized to size x size when size > 0). */
static int hash_video(const char *file, int size, struct list *out)
{
	char cmd[9400], buf[128];
	struct tg_pdq_scratch s = TG_PDQ_SCRATCH_INIT;
	int w = 0, h = 0, num = 0, den = 1, ret = 0;
	uint8_t *frame;
	size_t fsize;
	int64_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ffprobe -v error -select_streams v:0 -show_entries "
		 "stream=width,height,r_frame_rate -of csv=p=0 '%s'", file);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(buf, sizeof(buf), p) || sscanf(buf, "%d,%d,%d/%d", &w, &h, &num, &den) != 4)
		ret = -1;
	pclose(p);
	if (ret < 0 || w <= 0 || h <= 0 || num <= 0 || den <= 0)
		return -1;
	if (size > 0)
		w = h = size;
	fsize = (size_t)w * h * 3;
	frame = malloc(fsize);
	if (!frame)
		return -1;
	if (size > 0)
		snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s' -an -fps_mode passthrough "
			 "-vf scale=%d:%d -f rawvideo -pix_fmt rgb24 -", file, size, size);
	else
		snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s' -an -fps_mode passthrough "
			 "-sws_flags bicubic+accurate_rnd -f rawvideo -pix_fmt rgb24 -", file);
	p = popen(cmd, "r");
	if (!p) {
		free(frame);
		return -1;
	}
	while (fread(frame, 1, fsize, p) == fsize) {
		struct tg_vpdq_frame f;

		/* the reference times frames by their index at the stream's frame rate */
		if (tg_vpdq_hash_frame(&s, frame, w, h, (size_t)w * 3, n, (double)n * den / num,
				       &f) < 0)
			ret = -1;
		push(out, &f);
		n++;
	}
	if (pclose(p) != 0)
		ret = -1;
	free(frame);
	tg_pdq_scratch_release(&s);
	return ret;
}

/* Compare one hashed list with its reference; returns the share within distance. */
static void compare(const char *name, const struct list *mine, const struct list *ref,
		    long *good_total, long *kept_total)
{
	long kept = 0, good = 0, exact = 0, same_ts = 0;
	double dsum = 0;
	size_t n = mine->n < ref->n ? mine->n : ref->n;

	CHECK_INT(mine->n, ref->n);
	for (size_t i = 0; i < n; i++) {
		char a[32], b[32];
		int d = tg_pdq_distance(&mine->f[i].hash, &ref->f[i].hash);

		snprintf(a, sizeof(a), "%.3f", mine->f[i].ts);
		snprintf(b, sizeof(b), "%.3f", ref->f[i].ts);
		same_ts += mine->f[i].frame == ref->f[i].frame && strcmp(a, b) == 0;
		exact += d == 0;
		if (ref->f[i].quality < TG_VPDQ_QUALITY_MIN)
			continue;
		kept++;
		good += d < TG_VPDQ_DISTANCE_BELOW;
		dsum += d;
	}
	CHECK_INT(same_ts, (long)ref->n);
	printf("vpdq: %-40s frames %zu/%zu, numbers+times identical %ld, hashes identical %ld, "
	       "q>=50: %ld/%ld within distance < 31 (mean distance %.2f)\n", name, mine->n,
	       ref->n, same_ts, exact, good, kept, kept ? dsum / kept : 0.0);
	*good_total += good;
	*kept_total += kept;
}

static void test_hash_videos(void)
{
	long good = 0, kept = 0, good128 = 0, kept128 = 0;

	if (!vdir)
		return;
	for (int i = 0; i < nvideos; i++) {
		struct video *v = &videos[i];
		char file[9000], label[160];

		if (tg_test_quick() && i % 4)
			continue;	/* decoding every video at full size is the slow part */
		snprintf(file, sizeof(file), "%s/videos/%s.mp4", vdir, v->name);
		CHECK_INT(hash_video(file, 0, &v->mine), 0);
		compare(v->name, &v->mine, &v->ref, &good, &kept);
		if (v->ref128.n) {
			CHECK_INT(hash_video(file, 128, &v->mine128), 0);
			snprintf(label, sizeof(label), "%.127s-128x128", v->name);
			compare(label, &v->mine128, &v->ref128, &good128, &kept128);
		}
	}
	printf("vpdq: full resolution: %ld/%ld (%.2f%%) quality>=50 frames within distance < 31\n",
	       good, kept, kept ? 100.0 * good / kept : 0.0);
	printf("vpdq: 128x128: %ld/%ld (%.2f%%) quality>=50 frames within distance < 31\n",
	       good128, kept128, kept128 ? 100.0 * good128 / kept128 : 0.0);
	CHECK(kept > 0 && good >= 0.99 * kept);
	CHECK(kept128 == 0 || good128 >= 0.99 * kept128);
}

static void test_scores(void)
{
	char path[8192], line[1024];
	double ref_err = 0, own_err = 0;
	int rows = 0;
	FILE *f;

	if (!vdir)
		return;
	snprintf(path, sizeof(path), "%s/scores.csv", vdir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char a[128], b[128];
		double l1, l2, qp, cp, mq, mc;
		struct video *va, *vb;

		if (sscanf(line, "%127[^,],%127[^,],%lf,%lf,%lf,%lf", a, b, &l1, &l2, &qp, &cp) != 6)
			continue;
		va = find(a);
		vb = find(b);
		CHECK(va && vb);
		if (!va || !vb)
			continue;
		rows++;
		tg_vpdq_match(va->ref.f, va->ref.n, vb->ref.f, vb->ref.n, TG_VPDQ_QUALITY_MIN,
			      TG_VPDQ_DISTANCE_BELOW, &mq, &mc);
		CHECK_NEAR(mq, qp, 0.006);
		CHECK_NEAR(mc, cp, 0.006);
		ref_err = fmax(ref_err, fmax(fabs(mq - qp), fabs(mc - cp)));
		if (va->mine.n && vb->mine.n) {
			tg_vpdq_match(va->mine.f, va->mine.n, vb->mine.f, vb->mine.n,
				      TG_VPDQ_QUALITY_MIN, TG_VPDQ_DISTANCE_BELOW, &mq, &mc);
			CHECK_NEAR(mq, qp, 1.0);
			CHECK_NEAR(mc, cp, 1.0);
			own_err = fmax(own_err, fmax(fabs(mq - qp), fabs(mc - cp)));
		}
	}
	fclose(f);
	CHECK(rows > 0);
	printf("vpdq: %d pairs; match percentages from reference hashes: max error %.3f points; "
	       "from own hashes: max error %.3f points\n", rows, ref_err, own_err);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_reference_files);
	RUN(test_hash_videos);
	RUN(test_scores);
	for (int i = 0; i < nvideos; i++) {
		free(videos[i].ref.f);
		free(videos[i].ref128.f);
		free(videos[i].mine.f);
		free(videos[i].mine128.f);
	}
	return TEST_END();
}
