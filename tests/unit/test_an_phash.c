/*
 * test_an_phash.c - vPDQ and TMK through the one-pass pipeline (the way
 * `testigo add` and `testigo vpdq/tmk` hash) against the reference outputs:
 * TMK level 1 and level 2 >= 0.99 against the reference .tmk files; vPDQ
 * (every frame) frame numbers and timestamps identical and >= 99% of the
 * frames of quality >= 50 within distance 31 of the reference hash, both
 * for the rgb24 stream (`testigo vpdq`) and for the case analyser of
 * `testigo add`, which hashes the decoded luma, box-shrunk to 480-960
 * pixels wide (an_vpdq.c).
 */
#include <dirent.h>
#include <stdint.h>

#include "harness.h"
#include "case/analyse.h"
#include "case/an_tmk.h"
#include "case/an_vpdq.h"
#include "phash/vpdq.h"

struct tally {
	long good, kept, good_luma, dist, dist_luma, n;
};

static void one_video(const char *dir, const char *name, struct tally *ty, double *worst,
		      double *worst_luma)
{
	char path[8192], ref[8192], line[256];
	struct tg_an_vpdq *v = malloc(sizeof(*v));
	struct tg_an_tmk *t = malloc(sizeof(*t));
	struct tg_an_tmk *tl = malloc(sizeof(*tl));
	struct tg_tmk_sig *want = malloc(sizeof(*want));
	struct tg_analyser pv = { 0 }, pt = { 0 }, pl = { 0 }, pc = { 0 };
	struct tg_analyser *list[4] = { &pv, &pt, &pl, &pc };
	const struct tg_case_analyser *ca = tg_case_analyser_find("vpdq");
	struct tg_analysis_ctx ctx = { 0 };
	struct tg_an_vpdq *c = NULL;
	void *cs = NULL;
	size_t i = 0;
	long same = 0, same_luma = 0, nref = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/videos/%s.mp4", dir, name);
	tg_an_vpdq_setup(v, &pv, 0, 0, 0);
	tg_an_tmk_setup(t, &pt, 0);
	tg_an_tmk_setup(tl, &pl, 1);
	/* the case analyser as `testigo add` makes it, hashing every frame */
	ctx.object_path = path;
	ctx.params = "{\"seconds_per_hash\": 0}";
	CHECK(ca != NULL);
	if (!ca) {
		free(v);
		free(t);
		free(tl);
		free(want);
		return;
	}
	CHECK_INT(ca->create(&cs, &pc, &ctx), 0);
	c = cs;
	CHECK(pc.video_format == TG_PIX_YUV420P);
	CHECK_INT(tg_media_run(path, list, 4, NULL, NULL, NULL, NULL), 0);
	CHECK(!pv.failed && !pt.failed && t->done && !pl.failed && tl->done && !pc.failed);
	snprintf(ref, sizeof(ref), "%s/expected/tmk/%s.tmk", dir, name);
	if (t->done && tg_tmk_io_read(ref, want) == 0) {
		double l1 = tg_tmk_score_level1(&t->sig, want), l2 = tg_tmk_score_level2(&t->sig, want, NULL);

		CHECK(l1 >= 0.99 && l2 >= 0.99);
		if (l2 < *worst)
			*worst = l2;
		printf("  %-34s tmk frames %d/%d level1 %.6f level2 %.6f", name, t->sig.nframes,
		       want->nframes, l1, l2);
		/* the luma-only stream of `testigo add` */
		l1 = tg_tmk_score_level1(&tl->sig, want);
		l2 = tg_tmk_score_level2(&tl->sig, want, NULL);
		CHECK(l1 >= 0.99 && l2 >= 0.99);
		if (l2 < *worst_luma)
			*worst_luma = l2;
		if (l1 < *worst_luma)
			*worst_luma = l1;
		printf(" (grey: %.6f %.6f)", l1, l2);
	}
	snprintf(ref, sizeof(ref), "%s/expected/vpdq/%s.txt", dir, name);
	f = fopen(ref, "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		struct tg_vpdq_frame r;
		struct tg_pdq_hash h;
		char a[32], b[32];

		if (tg_vpdq_parse(line, &r) < 0 || i >= v->full.n)
			continue;
		nref++;
		tg_an_vpdq_unpack(v->full.r[i].hash, &h);
		snprintf(a, sizeof(a), "%.3f", v->full.r[i].pts_s);
		snprintf(b, sizeof(b), "%.3f", r.ts);
		same += v->full.r[i].frame == r.frame && strcmp(a, b) == 0;
		if (r.quality >= TG_VPDQ_QUALITY_MIN) {
			int d = tg_pdq_distance(&h, &r.hash);

			ty->kept++;
			ty->good += d < TG_VPDQ_DISTANCE_BELOW;
			ty->dist += d;
		}
		if (i < c->full.n) {
			snprintf(a, sizeof(a), "%.3f", c->full.r[i].pts_s);
			same_luma += c->full.r[i].frame == r.frame && strcmp(a, b) == 0;
			if (r.quality >= TG_VPDQ_QUALITY_MIN) {
				int d;

				tg_an_vpdq_unpack(c->full.r[i].hash, &h);
				d = tg_pdq_distance(&h, &r.hash);
				ty->good_luma += d < TG_VPDQ_DISTANCE_BELOW;
				ty->dist_luma += d;
			}
		}
		i++;
	}
	if (f)
		fclose(f);
	CHECK_INT(v->full.n, nref);
	CHECK_INT(same, nref);
	CHECK_INT(c->full.n, nref);
	CHECK_INT(same_luma, nref);
	printf("  vpdq %zu frames, numbers+times identical %ld (luma %ld)\n", v->full.n, same,
	       same_luma);
	ca->destroy(cs);
	tg_an_vpdq_release(v);
	tg_an_tmk_release(t);
	tg_an_tmk_release(tl);
	free(v);
	free(t);
	free(tl);
	free(want);
}

static void test_conformance(void)
{
	const char *dir = tg_test_conformance("video");
	char vdir[4200];
	struct tally ty = { 0 };
	double worst = 1, worst_luma = 1;
	int n = 0;
	DIR *d;
	struct dirent *e;

	if (!dir)
		return;
	snprintf(vdir, sizeof(vdir), "%s/videos", dir);
	d = opendir(vdir);
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		char name[256];
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".mp4") != 0 || len - 4 >= sizeof(name))
			continue;
		memcpy(name, e->d_name, len - 4);
		name[len - 4] = '\0';
		one_video(dir, name, &ty, &worst, &worst_luma);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n >= 14);
	CHECK(ty.kept > 0 && ty.good * 100 >= ty.kept * 99);
	CHECK(ty.kept > 0 && ty.good_luma * 100 >= ty.kept * 99);
	printf("pipeline: %d videos; tmk worst level2 %.6f (grey stream: worst score %.6f); vpdq "
	       "q>=50 within distance < 31: %ld/%ld, mean distance %.2f; case analyser (luma): "
	       "%ld/%ld, mean distance %.2f\n", n, worst, worst_luma, ty.good, ty.kept,
	       ty.kept ? (double)ty.dist / ty.kept : 0, ty.good_luma, ty.kept,
	       ty.kept ? (double)ty.dist_luma / ty.kept : 0);
}

/* Packing is the hex order; the dihedral blob follows the rows. */
static void test_pack(void)
{
	struct tg_pdq_hash h, back;
	unsigned char b[32];
	char hex[65];

	for (int i = 0; i < 16; i++)
		h.w[i] = (uint16_t)(0x1000 * i + 7);
	tg_an_vpdq_pack(&h, b);
	tg_an_vpdq_unpack(b, &back);
	CHECK(memcmp(&h, &back, sizeof(h)) == 0);
	tg_pdq_to_hex(&h, hex);
	CHECK(b[0] == 0xf0 && b[1] == 0x07);	/* w[15] = 0xf007 */
	CHECK(strncmp(hex, "f007", 4) == 0);
}

int main(void)
{
	RUN(test_pack);
	RUN(test_conformance);
	return TEST_END();
}
