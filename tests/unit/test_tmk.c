/*
 * test_tmk.c - TMK+PDQF against the reference .tmk files and scores.
 *
 * Frames come from ffmpeg exactly as the reference hasher takes them: the
 * 64x64 rgb24 stream at 15 fps with scaling and rate change as output
 * options (`-s 64:64 -r 15`), which gives the reference's frame counts
 * (`-vf fps=15,scale=64:64` selects slightly different frames).
 */
#include <stdint.h>

#include "harness.h"
#include "phash/tmk.h"

#define MAXV 32

struct video {
	char name[128];
	struct tg_tmk_sig *ref, *mine;
};

static struct video videos[MAXV];
static int nvideos;
static const char *vdir;

static struct video *find(const char *name)
{
	for (int i = 0; i < nvideos; i++)
		if (strcmp(videos[i].name, name) == 0)
			return &videos[i];
	return NULL;
}

static size_t read_file(const char *path, uint8_t **out)
{
	FILE *f = fopen(path, "rb");
	size_t n = 0, cap = 1 << 20;
	uint8_t *buf = malloc(cap);

	*out = NULL;
	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return 0;
	}
	n = fread(buf, 1, cap, f);
	fclose(f);
	*out = buf;
	return n;
}

static void test_reference_files(void)
{
	char path[4096];
	float coeffs[TG_TMK_NCOEFFS];
	int same_coeffs = 0;
	FILE *p;

	vdir = tg_test_conformance("video");
	if (!vdir)
		return;
	tg_tmk_coeffs(coeffs);
	snprintf(path, sizeof(path), "ls '%s/expected/tmk'", vdir);
	p = popen(path, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	while (nvideos < MAXV && fgets(path, sizeof(path), p)) {
		struct video *v = &videos[nvideos];
		char file[9000];
		uint8_t *buf, *again;
		size_t n;

		path[strcspn(path, "\n")] = '\0';
		if (strlen(path) < 5 || strcmp(path + strlen(path) - 4, ".tmk") != 0)
			continue;
		snprintf(v->name, sizeof(v->name), "%.*s", (int)strlen(path) - 4, path);
		snprintf(file, sizeof(file), "%s/expected/tmk/%s", vdir, path);
		v->ref = malloc(sizeof(*v->ref));
		CHECK_INT(tg_tmk_io_read(file, v->ref), 0);
		/* encode(decode(file)) gives the file back byte for byte */
		n = read_file(file, &buf);
		again = malloc(TG_TMK_FILE_SIZE);
		CHECK_INT(n, TG_TMK_FILE_SIZE);
		if (buf && again && n == TG_TMK_FILE_SIZE) {
			tg_tmk_io_encode(v->ref, again);
			CHECK(memcmp(buf, again, TG_TMK_FILE_SIZE) == 0);
			/* a truncated or corrupted file is refused */
			CHECK(tg_tmk_io_decode(buf, n - 1, v->ref, "cut") < 0);
			buf[9] ^= 0x20;
			CHECK(tg_tmk_io_decode(buf, n, v->ref, "bad") < 0);
			buf[9] ^= 0x20;
			CHECK_INT(tg_tmk_io_decode(buf, n, v->ref, "good"), 0);
		}
		free(buf);
		free(again);
		CHECK_INT(v->ref->fps, 15);
		same_coeffs += memcmp(coeffs, v->ref->coeffs, sizeof(coeffs)) == 0;
		nvideos++;
	}
	pclose(p);
	CHECK(nvideos >= 14);
	CHECK_INT(same_coeffs, nvideos);
	printf("tmk: %d reference files parsed and re-encoded; Fourier coefficients "
	       "bit-identical in %d\n", nvideos, same_coeffs);
}

static int hash_video(const char *file, struct tg_tmk_sig *out)
{
	static uint8_t frame[64 * 64 * 3];
	struct tg_tmk *h = malloc(sizeof(*h));
	char cmd[9200];
	long n = 0;
	FILE *p;
	int ret;

	if (!h)
		return -1;
	tg_tmk_init(h);
	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -v error -i '%s' -s 64:64 -an "
		 "-f rawvideo -pix_fmt rgb24 -r 15 -", file);
	p = popen(cmd, "r");
	if (!p) {
		free(h);
		return -1;
	}
	while (fread(frame, 1, sizeof(frame), p) == sizeof(frame)) {
		ret = tg_tmk_push_frame(h, frame, 64 * 3, n / 15.0);
		if (ret < 0)
			break;
		n++;
	}
	ret = pclose(p) == 0 ? 0 : -1;
	if (ret == 0)
		ret = tg_tmk_finish(h, out);
	tg_tmk_release(h);
	free(h);
	return ret;
}

static void test_own_hashes(void)
{
	double worst1 = 1, worst2 = 1;

	if (!vdir)
		return;
	for (int i = 0; i < nvideos; i++) {
		struct video *v = &videos[i];
		char file[9000], out[9000];
		struct tg_tmk_sig *back = malloc(sizeof(*back));
		double l1, l2;
		long exact = 0, total = 0;

		snprintf(file, sizeof(file), "%s/videos/%s.mp4", vdir, v->name);
		v->mine = malloc(sizeof(*v->mine));
		CHECK_INT(hash_video(file, v->mine), 0);
		CHECK_INT(v->mine->nframes, v->ref->nframes);
		l1 = tg_tmk_score_level1(v->mine, v->ref);
		l2 = tg_tmk_score_level2(v->mine, v->ref, NULL);
		CHECK(l1 >= 0.99);
		CHECK(l2 >= 0.99);
		if (l1 < worst1)
			worst1 = l1;
		if (l2 < worst2)
			worst2 = l2;
		for (int k = 0; k < TG_TMK_DIM; k++, total++)
			exact += v->mine->average[k] == v->ref->average[k];
		for (int a = 0; a < TG_TMK_NPERIODS; a++)
			for (int j = 0; j < TG_TMK_NCOEFFS; j++)
				for (int k = 0; k < TG_TMK_DIM; k++, total += 2) {
					exact += v->mine->cos[a][j][k] == v->ref->cos[a][j][k];
					exact += v->mine->sin[a][j][k] == v->ref->sin[a][j][k];
				}
		printf("tmk: %-32s frames %d/%d level1 %.6f level2 %.6f, %.1f%% of floats "
		       "bit-identical\n", v->name, v->mine->nframes, v->ref->nframes, l1, l2,
		       100.0 * exact / total);
		/* write and read back */
		snprintf(out, sizeof(out), "%s/%s.tmk", tg_test_scratch(), v->name);
		CHECK_INT(tg_tmk_io_write(out, v->mine), 0);
		CHECK_INT(back ? tg_tmk_io_read(out, back) : -1, 0);
		CHECK(back && memcmp(back, v->mine, sizeof(*back)) == 0);
		remove(out);
		free(back);
	}
	printf("tmk: own vs reference, worst level1 %.6f, worst level2 %.6f\n", worst1, worst2);
}

static void test_scores(void)
{
	char path[4096], line[1024];
	double ref_err1 = 0, ref_err2 = 0, own_err1 = 0, own_err2 = 0;
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
		double l1, l2, s1, s2;
		struct video *va, *vb;

		if (sscanf(line, "%127[^,],%127[^,],%lf,%lf", a, b, &l1, &l2) != 4)
			continue;
		va = find(a);
		vb = find(b);
		CHECK(va && vb);
		if (!va || !vb)
			continue;
		rows++;
		s1 = tg_tmk_score_level1(va->ref, vb->ref);
		s2 = tg_tmk_score_level2(va->ref, vb->ref, NULL);
		CHECK_NEAR(s1, l1, 1e-5);
		CHECK_NEAR(s2, l2, 1e-5);
		ref_err1 = fmax(ref_err1, fabs(s1 - l1));
		ref_err2 = fmax(ref_err2, fabs(s2 - l2));
		if (va->mine && vb->mine) {
			s1 = tg_tmk_score_level1(va->mine, vb->mine);
			s2 = tg_tmk_score_level2(va->mine, vb->mine, NULL);
			CHECK_NEAR(s1, l1, 0.02);
			CHECK_NEAR(s2, l2, 0.02);
			own_err1 = fmax(own_err1, fabs(s1 - l1));
			own_err2 = fmax(own_err2, fabs(s2 - l2));
		}
	}
	fclose(f);
	CHECK(rows > 0);
	printf("tmk: %d pairs; reference files: max |level1 err| %.2g, max |level2 err| %.2g; "
	       "own files: %.2g, %.2g\n", rows, ref_err1, ref_err2, own_err1, own_err2);
}

static void test_synthetic(void)
{
	struct tg_tmk *h = malloc(sizeof(*h));
	struct tg_tmk_sig *s = malloc(sizeof(*s));
	uint8_t frame[64 * 64 * 3];

	if (!h || !s) {
		free(h);
		free(s);
		return;
	}
	/* frames at 30 fps fill each 15 fps slot once; gaps are filled */
	tg_tmk_init(h);
	for (int i = 0; i < 60; i++) {
		for (size_t k = 0; k < sizeof(frame); k++)
			frame[k] = (uint8_t)((k * 7 + (size_t)i * 13) & 0xff);
		CHECK_INT(tg_tmk_push_frame(h, frame, 192, i / 30.0), 0);
	}
	CHECK_INT(h->sig.nframes, 31);
	CHECK_INT(tg_tmk_push_frame(h, frame, 192, 4.0), 0);
	CHECK_INT(h->sig.nframes, 61);
	CHECK(tg_tmk_push_frame(h, frame, 192, -1.0) < 0);
	CHECK_INT(tg_tmk_finish(h, s), 0);
	CHECK_NEAR(tg_tmk_score_level1(s, s), 1.0, 1e-9);
	CHECK_NEAR(tg_tmk_score_level2(s, s, NULL), 1.0, 1e-6);
	tg_tmk_release(h);
	free(h);
	free(s);
}

int main(void)
{
	RUN(test_synthetic);
	RUN(test_reference_files);
	RUN(test_own_hashes);
	RUN(test_scores);
	for (int i = 0; i < nvideos; i++) {
		free(videos[i].ref);
		free(videos[i].mine);
	}
	return TEST_END();
}
