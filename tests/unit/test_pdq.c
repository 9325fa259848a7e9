/*
 * test_pdq.c - PDQ against the conformance vectors (bit-exact) and the
 * reference tool's hashes of whole image files.
 *
 * Pixels come from ffmpeg (rawvideo rgb24, no scaling): the conformance PNGs
 * are plain 8-bit RGB, so every correct PNG decoder yields the same bytes.
 */
#include <stdint.h>

#include "harness.h"
#include "phash/pdq.h"

static const char *dihedral_names[TG_PDQ_NDIHEDRAL] = {
	"hash", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"
};

/* Decode an image to rgb24 with ffmpeg; *w and *h must be known. */
static uint8_t *decode_rgb(const char *path, const char *vf, size_t want)
{
	char cmd[8192];
	uint8_t *buf;
	size_t got;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "ffmpeg -nostdin -v error -i '%s' %s%s -f rawvideo -pix_fmt rgb24 -",
		 path, vf ? "-vf " : "", vf ? vf : "");
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	buf = malloc(want + 1);
	got = buf ? fread(buf, 1, want + 1, p) : 0;
	if (pclose(p) != 0 || got != want) {
		fprintf(stderr, "decode %s: got %zu bytes, expected %zu\n", path, got, want);
		free(buf);
		return NULL;
	}
	return buf;
}

/* Print which bits differ (bit k = DCT row k/16, column k%16). */
static void print_diff(const char *file, const char *what, const struct tg_pdq_hash *a,
		       const struct tg_pdq_hash *b)
{
	fprintf(stderr, "  %s %s differs in bits:", file, what);
	for (int k = 0; k < 256; k++)
		if (((a->w[k >> 4] ^ b->w[k >> 4]) >> (k & 15)) & 1)
			fprintf(stderr, " %d(r%d,c%d)", k, k / 16, k % 16);
	fputc('\n', stderr);
}

/* Split a CSV line in place; returns the number of fields. */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *tok;

	line[strcspn(line, "\r\n")] = '\0';
	/* fields are never empty in the columns used, but keep empties anyway */
	for (tok = line; n < max; ) {
		f[n++] = tok;
		tok = strchr(tok, ',');
		if (!tok)
			break;
		*tok++ = '\0';
	}
	return n;
}

static void test_hex_roundtrip(void)
{
	struct tg_pdq_hash h, g;
	char hex[65];
	const char *s = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

	CHECK_INT(tg_pdq_from_hex(s, &h), 0);
	tg_pdq_to_hex(&h, hex);
	CHECK_STR(hex, s);
	CHECK(tg_pdq_from_hex("d8f8", &g) < 0);
	memset(&g, 0, sizeof(g));
	CHECK_INT(tg_pdq_distance(&h, &g), 128);   /* that hash has 128 bits set */
	g = h;
	g.w[0] ^= 0x8001;
	g.w[15] ^= 0x0100;
	CHECK_INT(tg_pdq_distance(&h, &g), 3);
}

static void test_pixels(void)
{
	const char *dir = tg_test_conformance("pdq/pixels");
	char path[4096], line[4096];
	struct tg_pdq_scratch s = TG_PDQ_SCRATCH_INIT;
	int rows = 0, same = 0, dih_rows = 0, dih_same = 0;
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/expected.csv", dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *fld[32];
		int n = split_csv(line, fld, 32), w, h, q, ok;
		struct tg_pdq_hash hash, want, dih[TG_PDQ_NDIHEDRAL];
		uint8_t *rgb;

		if (n < 12)
			continue;
		w = atoi(fld[1]);
		h = atoi(fld[2]);
		snprintf(path, sizeof(path), "%s/%s", dir, fld[0]);
		rgb = decode_rgb(path, NULL, (size_t)w * h * 3);
		CHECK(rgb != NULL);
		if (!rgb)
			continue;
		rows++;
		CHECK_INT(tg_pdq_hash_rgb(&s, rgb, w, h, (size_t)w * 3, &hash, &q), 0);
		CHECK_INT(tg_pdq_from_hex(fld[3], &want), 0);
		ok = tg_pdq_distance(&hash, &want) == 0 && q == atoi(fld[4]);
		CHECK(ok);
		if (!ok) {
			fprintf(stderr, "  %s: quality %d (expected %s), distance %d\n", fld[0],
				q, fld[4], tg_pdq_distance(&hash, &want));
			print_diff(fld[0], "hash", &hash, &want);
		}
		same += ok;
		tg_pdq_dihedral(s.dct, dih);
		CHECK_INT(tg_pdq_distance(&dih[0], &hash), 0);
		for (int d = 1; d < TG_PDQ_NDIHEDRAL; d++) {
			CHECK_INT(tg_pdq_from_hex(fld[4 + d], &want), 0);
			ok = tg_pdq_distance(&dih[d], &want) == 0;
			CHECK(ok);
			if (!ok)
				print_diff(fld[0], dihedral_names[d], &dih[d], &want);
			dih_rows++;
			dih_same += ok;
		}
		free(rgb);
	}
	fclose(f);
	printf("pdq/pixels: %d/%d hashes and qualities identical, %d/%d dihedral hashes identical\n",
	       same, rows, dih_same, dih_rows);
	CHECK(rows >= 48);
	tg_pdq_scratch_release(&s);
}

/*
 * The reference tool decodes with ImageMagick and resizes sides over 512 to
 * 512x512 (nearest neighbour); ffmpeg's JPEG decoder and scaler differ in
 * the last bits of some pixels, so only large distances fail.
 */
static void test_files(void)
{
	const char *dir = tg_test_conformance("pdq/files");
	char path[8192], line[4096], imgdir[4096];
	struct stat st;
	FILE *f;
	int n = 0, sum = 0, worst = 0;

	if (!dir)
		return;
	snprintf(imgdir, sizeof(imgdir), "%s/images", dir);
	if (stat(imgdir, &st) != 0) {
		SKIP("pdq/files/images is not in the conformance folder; whole-file hashes not checked");
		return;
	}
	snprintf(path, sizeof(path), "%s/expected.csv", dir);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		struct tg_pdq_scratch s = TG_PDQ_SCRATCH_INIT;
		char *fld[16], cmd[8400], dims[64];
		struct tg_pdq_hash hash, want;
		int w = 0, h = 0, q, d;
		const char *vf = NULL;
		uint8_t *rgb;
		FILE *p;

		if (split_csv(line, fld, 16) < 3)
			continue;
		snprintf(path, sizeof(path), "%s/%s", imgdir, fld[2]);
		snprintf(cmd, sizeof(cmd), "ffprobe -v error -select_streams v:0 -show_entries "
			 "stream=width,height -of csv=p=0 '%s'", path);
		p = popen(cmd, "r");
		if (!p || !fgets(dims, sizeof(dims), p) || sscanf(dims, "%d,%d", &w, &h) != 2) {
			if (p)
				pclose(p);
			fprintf(stderr, "  cannot probe %s\n", path);
			CHECK(0);
			continue;
		}
		pclose(p);
		if (w > 512 || h > 512) {
			vf = "scale=512:512:flags=neighbor";
			w = h = 512;
		}
		rgb = decode_rgb(path, vf, (size_t)w * h * 3);
		CHECK(rgb != NULL);
		if (!rgb)
			continue;
		CHECK_INT(tg_pdq_hash_rgb(&s, rgb, w, h, (size_t)w * 3, &hash, &q), 0);
		CHECK_INT(tg_pdq_from_hex(fld[0], &want), 0);
		d = tg_pdq_distance(&hash, &want);
		printf("pdq/files: %-48s distance %3d quality %3d (reference %s)\n", fld[2], d, q,
		       fld[1]);
		CHECK(d <= 30);
		n++;
		sum += d;
		if (d > worst)
			worst = d;
		free(rgb);
		tg_pdq_scratch_release(&s);
	}
	fclose(f);
	if (n)
		printf("pdq/files: %d files, mean distance %.2f, worst %d\n", n, (double)sum / n,
		       worst);
}

/* A 64x64 image skips the blur; a 4x4 one hashes to zero. */
static void test_edges(void)
{
	struct tg_pdq_scratch s = TG_PDQ_SCRATCH_INIT;
	uint8_t img[64 * 64 * 3];
	struct tg_pdq_hash h, zero;
	int q = -1;

	memset(&zero, 0, sizeof(zero));
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 2654435761u >> 24);
	CHECK_INT(tg_pdq_hash_rgb(&s, img, 4, 4, 12, &h, &q), 0);
	CHECK_INT(q, 0);
	CHECK_INT(tg_pdq_distance(&h, &zero), 0);
	CHECK_INT(tg_pdq_hash_rgb(&s, img, 64, 64, 192, &h, &q), 0);
	CHECK(q > 0);
	CHECK(tg_pdq_hash_rgb(&s, img, 64, 64, 10, &h, &q) < 0);
	tg_pdq_scratch_release(&s);
}

int main(void)
{
	RUN(test_hex_roundtrip);
	RUN(test_edges);
	RUN(test_pixels);
	RUN(test_files);
	return TEST_END();
}
