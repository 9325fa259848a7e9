/*
 * test_keyframes.c - shot cuts, one keyframe per shot (the sharpest), one
 * every max_gap_s in long shots, on synthetic frame sequences; and the
 * keyframes analyser on a generated video through the pipeline.
 */
#include <math.h>
#include <stdint.h>

#include "harness.h"
#include "case/an_keyframes.h"
#include "phash/keyframes.h"

#define W 160
#define H 90

static uint8_t frame[W * H * 3];

/* A textured scene (kind 0..2), drifting with t, blurred when blur is set. */
static void scene(int kind, double t, int blur)
{
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			double v;
			int sx = x + (int)(t * 3);

			if (kind == 0)
				v = 128 + 100 * sin(sx * 0.3) * cos(y * 0.2);
			else if (kind == 1)
				v = ((sx / 8 + y / 8) % 2) ? 220 : 30;
			else
				v = 40 + (sx * 7 + y * 13) % 60;
			for (int c = 0; c < 3; c++)
				frame[(y * W + x) * 3 + c] = (uint8_t)(kind == 1 && c == 2 ? 255 - v : v);
		}
	if (blur)	/* a crude horizontal smear */
		for (int y = 0; y < H; y++)
			for (int x = W - 1; x >= 4; x--)
				for (int c = 0; c < 3; c++)
					frame[(y * W + x) * 3 + c] = (uint8_t)((frame[(y * W + x) * 3 + c] +
						frame[(y * W + x - 2) * 3 + c] + frame[(y * W + x - 4) * 3 + c]) / 3);
}

struct got {
	double t[64];
	int shot[64];
	int n;
};

static int emit(void *user, const struct tg_keyframe *k)
{
	struct got *g = user;

	if (g->n < 64) {
		g->t[g->n] = k->t;
		g->shot[g->n] = k->shot;
		g->n++;
	}
	return 0;
}

static void test_shots(void)
{
	struct tg_kf_params p = TG_KF_PARAMS_DEFAULT;
	struct tg_kf k;
	struct got g = { { 0 }, { 0 }, 0 };
	int sharp_t = 7;

	p.max_gap_s = 10;
	tg_kf_init(&k, &p, emit, &g);
	/* shot 0: 0..4 s, shot 1: 5..29 s (long: split every 10 s), shot 2: 30..34 s */
	for (int t = 0; t < 35; t++) {
		int kind = t < 5 ? 0 : t < 30 ? 1 : 2;

		scene(kind, t, kind == 1 && t != sharp_t);
		CHECK_INT(tg_kf_push(&k, frame, W, H, W * 3, t, t), 0);
	}
	CHECK_INT(tg_kf_finish(&k, 35), 0);
	CHECK_INT(k.nshots, 3);
	if (k.nshots == 3) {
		CHECK_NEAR(k.shots[0].start, 0, 1e-9);
		CHECK_NEAR(k.shots[1].start, 5, 1e-9);
		CHECK_NEAR(k.shots[2].start, 30, 1e-9);
		CHECK_NEAR(k.shots[2].end, 35, 1e-9);
	}
	/* shot 0: one; shot 1: 5-14 (the sharp frame at 7), 15-24, 25-29; shot 2: one */
	CHECK_INT(g.n, 5);
	if (g.n == 5) {
		CHECK_INT(g.shot[0], 0);
		CHECK_NEAR(g.t[1], sharp_t, 1e-9);
		CHECK_INT(g.shot[1], 1);
		CHECK_INT(g.shot[3], 1);
		CHECK_INT(g.shot[4], 2);
	}
	tg_kf_release(&k);
}

static void test_sharpness(void)
{
	double a, b;

	scene(0, 0, 0);
	a = tg_kf_sharpness(frame, W, H, W * 3);
	scene(0, 0, 1);
	b = tg_kf_sharpness(frame, W, H, W * 3);
	CHECK(a > b);
	CHECK(tg_kf_sharpness(frame, 2, 2, 6) == 0);
}

/* The analyser on a real encode: testsrc2 then a different source, JPEGs written. */
static void test_analyser(void)
{
	char dir[512], video[512], cmd[2048];
	struct tg_an_keyframes *s = malloc(sizeof(*s));
	struct tg_analyser pa = { 0 }, *list[1] = { &pa };
	int cuts_ok = 0;

	snprintf(video, sizeof(video), "%s/two-shots.mp4", tg_test_scratch());
	snprintf(dir, sizeof(dir), "%s/kf", tg_test_scratch());
	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=s=320x240:r=25:d=4 "
		 "-f lavfi -i mandelbrot=s=320x240:r=25 -filter_complex "
		 "'[1:v]trim=duration=3,setpts=PTS-STARTPTS[b];[0:v][b]concat=n=2:v=1' "
		 "-c:v libx264 -preset veryfast -pix_fmt yuv420p '%s'", video);
	if (system(cmd) != 0) {
		SKIP("ffmpeg could not make the test video");
		free(s);
		return;
	}
	tg_an_keyframes_setup(s, &pa, 0.2, 10, dir);
	CHECK_INT(tg_media_run(video, list, 1, NULL, NULL, NULL, NULL), 0);
	CHECK(!pa.failed);
	CHECK_INT(s->kf.nshots, 2);
	for (size_t i = 0; i < s->kf.nshots; i++)
		if (i == 1 && fabs(s->kf.shots[i].start - 4.0) <= 0.2)
			cuts_ok = 1;
	CHECK(cuts_ok);
	CHECK_INT(s->n, 2);
	for (size_t i = 0; i < s->n; i++) {
		struct stat st;
		char path[1024];

		snprintf(path, sizeof(path), "%s/%s", dir, s->items[i].name);
		CHECK(stat(path, &st) == 0 && st.st_size > 1000);
		CHECK(s->items[i].quality > 0);
	}
	if (s->n >= 1)
		CHECK(strncmp(s->items[0].name, "00-00-0", 7) == 0 &&
		      strstr(s->items[0].name, ".jpg") != NULL);
	tg_an_keyframes_release(s);
	free(s);
}

int main(void)
{
	RUN(test_shots);
	RUN(test_sharpness);
	RUN(test_analyser);
	return TEST_END();
}
