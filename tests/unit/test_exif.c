/*
 * test_exif.c - lib/media/exif against independent readers and bad input.
 *
 *  - goexif's regression table (regress_expected_test.go, parsed here line
 *    by line) for its sample files: strings, integers, GPS as rationals;
 *  - exiftool -n -j on the phone photos of forensics-samples-files;
 *  - hand-built EXIF blocks that exercise each validation rule;
 *  - truncations and byte flips of every sample: no crash, invariants hold;
 *  - tg_exif_datetime_to_iso().
 * The external data is skipped (with a SKIP line) when its package is absent.
 */
#include "harness.h"

#include "media/exif.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#define GOEXIF "/usr/share/gocode/src/github.com/rwcarlsen/goexif/exif"
#define FSAMPLES "/usr/share/forensics-samples/original-files"

/* ---- small helpers ------------------------------------------------------- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf) {
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0 || (n == 1 && *p < 0xc2))
			return 0;
		p++;
		while (n-- > 0)
			if ((*p++ & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

#define FIELD_OK(f) (memchr((f), '\0', sizeof(f)) != NULL && valid_utf8(f))

/* The invariants of exif.h; returns 1 when all hold. */
static int invariants(const struct tg_exif *ex)
{
	if (!FIELD_OK(ex->make) || !FIELD_OK(ex->model) || !FIELD_OK(ex->lens_make) ||
	    !FIELD_OK(ex->lens_model) || !FIELD_OK(ex->software) || !FIELD_OK(ex->artist) ||
	    !FIELD_OK(ex->datetime) || !FIELD_OK(ex->datetime_original) ||
	    !FIELD_OK(ex->datetime_digitized) || !FIELD_OK(ex->offset_time) ||
	    !FIELD_OK(ex->offset_original) || !FIELD_OK(ex->offset_digitized) ||
	    !FIELD_OK(ex->subsec_original) || !FIELD_OK(ex->gps_date) ||
	    !FIELD_OK(ex->gps_method) || !FIELD_OK(ex->problem))
		return 0;
	if (ex->has_gps && !(fabs(ex->gps_lat) <= 90 && fabs(ex->gps_lon) <= 180))
		return 0;
	if (ex->has_gps_alt && !isfinite(ex->gps_alt))
		return 0;
	if (ex->has_gps_time && !(ex->gps_time_s >= 0 && ex->gps_time_s < 86401))
		return 0;
	if (ex->orientation < 0 || ex->orientation > 8 || ex->width < 0 || ex->height < 0)
		return 0;
	if (ex->malformed != !!ex->problem[0])
		return 0;
	if (ex->raw) {
		char *s = cJSON_PrintUnformatted(ex->raw);
		int ok = s && valid_utf8(s);

		free(s);
		if (!ok)
			return 0;
	}
	return 1;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted file names of dir (free each and the array). */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static void free_list(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

/* ---- goexif regression table -------------------------------------------- */

struct expect {
	char file[96], field[48], value[256];
};

static struct expect *expects;
static size_t n_expects;

/* Read Go's interpreted string literal "..." (the escapes %q produces). */
static int go_unquote(const char *s, char *out, size_t n)
{
	size_t o = 0;

	if (*s++ != '"')
		return -1;
	while (*s && *s != '"') {
		int c = (unsigned char)*s++;

		if (c == '\\') {
			c = (unsigned char)*s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': case '1': case '2': case '3':
				c = (c - '0') * 64 + (s[0] - '0') * 8 + (s[1] - '0');
				s += 2;
				break;
			case 'x': {
				unsigned v;
				if (sscanf(s, "%2x", &v) != 1)
					return -1;
				c = (int)v;
				s += 2;
				break;
			}
			case '"': case '\\': break;
			default: return -1;
			}
		}
		if (o + 1 >= n)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return *s == '"' ? 0 : -1;
}

static int load_expectations(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024], file[96] = "";

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[96], field[48], *tick, *end;

		if (sscanf(line, "\t\"%95[^\"]\": map[FieldName]string{", name) == 1) {
			snprintf(file, sizeof(file), "%s", name);
			continue;
		}
		if (!file[0] || sscanf(line, "\t\t%47[A-Za-z0-9]:", field) != 1)
			continue;
		tick = strchr(line, '`');
		end = tick ? strrchr(line, '`') : NULL;
		if (!tick || end == tick)
			continue;
		*end = '\0';
		expects = realloc(expects, (n_expects + 1) * sizeof(*expects));
		snprintf(expects[n_expects].file, sizeof(expects->file), "%s", file);
		snprintf(expects[n_expects].field, sizeof(expects->field), "%s", field);
		snprintf(expects[n_expects].value, sizeof(expects->value), "%s", tick + 1);
		n_expects++;
	}
	fclose(f);
	return 0;
}

static const char *expected(const char *file, const char *field)
{
	size_t i;

	for (i = 0; i < n_expects; i++)
		if (!strcmp(expects[i].file, file) && !strcmp(expects[i].field, field))
			return expects[i].value;
	return NULL;
}

/*
 * A GPS triple in goexif's notation: ["40/1","46/1","1322/100"] or, when
 * the camera stored text, "52,00000,50,00000,34,01180" (read the way exif.h
 * documents: three numbers with decimal commas).  Returns d + m/60 + s/3600.
 */
static int go_triple(const char *v, double *out)
{
	double x[3] = { 0, 0, 0 };
	unsigned long num, den;
	int i;

	if (v[0] == '[') {
		const char *p = v + 1;

		for (i = 0; i < 3; i++) {
			if (sscanf(p, "\"%lu/%lu\"", &num, &den) != 2 || den == 0)
				return -1;
			x[i] = (double)num / (double)den;
			p = strchr(p + 1, ',');
			if (!p && i < 2)
				return -1;
			p = p ? p + 1 : p;
		}
	} else {
		unsigned long a[6];

		if (sscanf(v, "\"%lu,%lu,%lu,%lu,%lu,%lu\"", &a[0], &a[1], &a[2], &a[3], &a[4],
			   &a[5]) != 6)
			return -1;
		/* the fraction digits are as written: "01180" is .01180 */
		for (i = 0; i < 3; i++) {
			const char *p = v + 1;
			int k, digits = 0;
			double frac;

			for (k = 0; k < 2 * i + 1; k++)
				p = strchr(p, ',') + 1;
			while (p[digits] >= '0' && p[digits] <= '9')
				digits++;
			frac = (double)a[2 * i + 1] / pow(10, digits);
			x[i] = (double)a[2 * i] + frac;
		}
	}
	*out = x[0] + x[1] / 60 + x[2] / 3600;
	return 0;
}

struct tally {
	int compared, agreed, absent_compared, absent_agreed;
};

static void agree(struct tally *t, int present, int ok, const char *file, const char *field,
		  const char *want, const char *got)
{
	if (present) {
		t->compared++;
		t->agreed += ok;
	} else {
		t->absent_compared++;
		t->absent_agreed += ok;
	}
	if (!ok)
		fprintf(stderr, "  disagree: %s %s: expected %s, got \"%s\"\n", file, field,
			want ? want : "(absent)", got);
	CHECK(ok);
}

static void goexif_strings(struct tally *t, const char *file, const struct tg_exif *ex)
{
	static const struct { const char *field; size_t off; } fields[] = {
		{ "Make", offsetof(struct tg_exif, make) },
		{ "Model", offsetof(struct tg_exif, model) },
		{ "Software", offsetof(struct tg_exif, software) },
		{ "Artist", offsetof(struct tg_exif, artist) },
		{ "LensMake", offsetof(struct tg_exif, lens_make) },
		{ "LensModel", offsetof(struct tg_exif, lens_model) },
		{ "DateTime", offsetof(struct tg_exif, datetime) },
		{ "DateTimeOriginal", offsetof(struct tg_exif, datetime_original) },
		{ "DateTimeDigitized", offsetof(struct tg_exif, datetime_digitized) },
		{ "SubSecTimeOriginal", offsetof(struct tg_exif, subsec_original) },
		{ "GPSDateStamp", offsetof(struct tg_exif, gps_date) },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *got = (const char *)ex + fields[i].off;
		const char *want = expected(file, fields[i].field);
		char unq[256];

		if (want && go_unquote(want, unq, sizeof(unq)) != 0) {
			fprintf(stderr, "  cannot read expected %s %s\n", file, want);
			CHECK(0);
			continue;
		}
		agree(t, want != NULL, want ? !strcmp(unq, got) : !got[0], file,
		      fields[i].field, want, got);
	}
}

static void goexif_numbers(struct tally *t, const char *file, const struct tg_exif *ex)
{
	static const char *const names[] = { "Orientation", "PixelXDimension", "PixelYDimension" };
	int got[3], i;
	char buf[32];

	got[0] = ex->orientation;
	got[1] = ex->width;
	got[2] = ex->height;
	for (i = 0; i < 3; i++) {
		const char *want = expected(file, names[i]);

		snprintf(buf, sizeof(buf), "%d", got[i]);
		agree(t, want != NULL, want ? atoi(want) == got[i] : got[i] == 0, file, names[i],
		      want, buf);
	}
}

static void goexif_gps(struct tally *t, const char *file, const struct tg_exif *ex)
{
	const char *la = expected(file, "GPSLatitude"), *lo = expected(file, "GPSLongitude");
	const char *lar = expected(file, "GPSLatitudeRef"), *lor = expected(file, "GPSLongitudeRef");
	const char *alt = expected(file, "GPSAltitude"), *altr = expected(file, "GPSAltitudeRef");
	const char *ts = expected(file, "GPSTimeStamp");
	char buf[64];
	double v;

	snprintf(buf, sizeof(buf), "%d %.9f %.9f", ex->has_gps, ex->gps_lat, ex->gps_lon);
	if (la && lo && lar && lor) {
		double lat, lon;
		int ok = go_triple(la, &lat) == 0 && go_triple(lo, &lon) == 0;

		if (strchr(lar, 'S'))
			lat = -lat;
		if (strchr(lor, 'W'))
			lon = -lon;
		ok = ok && ex->has_gps && fabs(lat - ex->gps_lat) < 1e-9 &&
		     fabs(lon - ex->gps_lon) < 1e-9;
		agree(t, 1, ok, file, "GPSLatitude/GPSLongitude", la, buf);
	} else {
		agree(t, 0, !ex->has_gps, file, "GPSLatitude/GPSLongitude", NULL, buf);
	}

	snprintf(buf, sizeof(buf), "%d %.6f", ex->has_gps_alt, ex->gps_alt);
	if (alt) {
		unsigned long num, den;
		int ok = sscanf(alt, "\"%lu/%lu\"", &num, &den) == 2 && den;

		v = ok ? (double)num / (double)den : 0;
		if (altr && atoi(altr) == 1)
			v = -v;
		agree(t, 1, ok && ex->has_gps_alt && fabs(v - ex->gps_alt) < 1e-9, file,
		      "GPSAltitude", alt, buf);
	} else {
		agree(t, 0, !ex->has_gps_alt, file, "GPSAltitude", NULL, buf);
	}

	snprintf(buf, sizeof(buf), "%d %.3f", ex->has_gps_time, ex->gps_time_s);
	if (ts) {
		/* the same triple notation, in hours: scale back to seconds */
		int ok = go_triple(ts, &v) == 0;

		agree(t, 1, ok && ex->has_gps_time && fabs(v * 3600 - ex->gps_time_s) < 1e-6,
		      file, "GPSTimeStamp", ts, buf);
	} else {
		agree(t, 0, !ex->has_gps_time, file, "GPSTimeStamp", NULL, buf);
	}
}

static void test_goexif_samples(void)
{
	struct tally t = { 0, 0, 0, 0 };
	char path[512];
	char **names;
	size_t n, i, files = 0;

	if (load_expectations(GOEXIF "/regress_expected_test.go") != 0) {
		SKIP("golang-github-rwcarlsen-goexif-dev not installed");
		return;
	}
	names = list_dir(GOEXIF "/samples", &n);
	for (i = 0; i < n; i++) {
		struct tg_exif ex;
		int rc;
		size_t k;

		for (k = 0; k < n_expects && strcmp(expects[k].file, names[i]); k++)
			;
		if (k == n_expects)
			continue; /* raw.exif: not in the table, tested below */
		snprintf(path, sizeof(path), GOEXIF "/samples/%s", names[i]);
		tg_exif_init(&ex);
		rc = tg_exif_read_file(&ex, path);
		CHECK_INT(rc, 0);
		CHECK(invariants(&ex));
		files++;
		goexif_strings(&t, names[i], &ex);
		goexif_numbers(&t, names[i], &ex);
		goexif_gps(&t, names[i], &ex);
		tg_exif_release(&ex);
	}
	free_list(names, n);
	printf("goexif: %zu samples; %d of %d stored values agree; "
	       "%d of %d absent fields also absent here\n",
	       files, t.agreed, t.compared, t.absent_agreed, t.absent_compared);
	CHECK(files >= 56);
	free(expects);
	expects = NULL;
	n_expects = 0;
}

/* goexif's TestDecodeRawEXIF: an "Exif\0\0" block, not a JPEG. */
static void test_goexif_raw_block(void)
{
	struct tg_exif ex;
	int rc, tags = 0;
	cJSON *ifd;

	tg_exif_init(&ex);
	rc = tg_exif_read_file(&ex, GOEXIF "/samples/raw.exif");
	if (rc == TG_EINPUT && access(GOEXIF "/samples/raw.exif", R_OK) != 0) {
		SKIP("goexif samples not installed");
		return;
	}
	CHECK_INT(rc, 0);
	CHECK_STR(ex.datetime, "2018:04:03 07:54:33");
	CHECK_STR(ex.make, "Apple");
	CHECK_STR(ex.model, "iPhone 7");
	CHECK_INT(ex.malformed, 0);
	cJSON_ArrayForEach(ifd, ex.raw)
		if (strcmp(ifd->string, "MakerNote") != 0)
			tags += cJSON_GetArraySize(ifd);
	/* goexif wants at least 42, counting the pointer tags to sub-IFDs,
	 * which libexif follows but does not keep as entries */
	tags += !!cJSON_GetObjectItem(ex.raw, "EXIF") + !!cJSON_GetObjectItem(ex.raw, "GPS") +
		!!cJSON_GetObjectItem(ex.raw, "Interop");
	CHECK(tags >= 42);
	tg_exif_release(&ex);
}

/* ---- exiftool ------------------------------------------------------------ */

static cJSON *exiftool(const char *path)
{
	char cmd[1200], *out = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	cJSON *root, *obj = NULL;

	if (strchr(path, '\''))
		return NULL;
	snprintf(cmd, sizeof(cmd), "exiftool -n -j '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			out = realloc(out, cap);
		}
		size_t n = fread(out + len, 1, 4096, p);
		if (n == 0)
			break;
		len += n;
	}
	pclose(p);
	if (!out)
		return NULL;
	out[len] = '\0';
	root = cJSON_Parse(out);
	free(out);
	if (cJSON_IsArray(root) && cJSON_GetArraySize(root) == 1)
		obj = cJSON_DetachItemFromArray(root, 0);
	cJSON_Delete(root);
	return obj;
}

/* exiftool's value as text ("" when absent); numbers as %.15g. */
static const char *et_text(const cJSON *o, const char *key, char *buf, size_t n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	buf[0] = '\0';
	if (cJSON_IsString(v))
		snprintf(buf, n, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, n, "%.15g", v->valuedouble);
	return buf;
}

static void et_str(struct tally *t, const char *file, const cJSON *o, const char *key,
		   const char *ours)
{
	char want[256], got[256];

	et_text(o, key, want, sizeof(want));
	/* exiftool drops trailing blanks of EXIF strings; exif.h keeps them */
	snprintf(got, sizeof(got), "%s", ours);
	rtrim(got);
	agree(t, want[0] != 0, !strcmp(want, got), file, key, want[0] ? want : NULL, got);
}

static void et_num(struct tally *t, const char *file, const cJSON *o, const char *key,
		   int has, double ours, double tol)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char got[64];

	snprintf(got, sizeof(got), "%d %.9f", has, ours);
	if (cJSON_IsNumber(v)) {
		char want[64];

		snprintf(want, sizeof(want), "%.9f", v->valuedouble);
		agree(t, 1, has && fabs(v->valuedouble - ours) <= tol, file, key, want, got);
	} else {
		agree(t, 0, !has, file, key, NULL, got);
	}
}

static void compare_exiftool(struct tally *t, const char *path, const char *file)
{
	struct tg_exif ex;
	cJSON *o = exiftool(path);
	char buf[64];
	int rc;

	if (!o) {
		fprintf(stderr, "  exiftool gave nothing for %s\n", path);
		CHECK(0);
		return;
	}
	tg_exif_init(&ex);
	rc = tg_exif_read_file(&ex, path);
	CHECK(rc == 0 || rc == TG_ENOTFOUND);
	CHECK(invariants(&ex));
	if (rc == TG_ENOTFOUND && cJSON_GetObjectItemCaseSensitive(o, "ExifByteOrder")) {
		/* exiftool names the byte order of an EXIF block with no tags;
		 * exif.h reports that as no EXIF (what stripping leaves) */
		CHECK(strstr(tg_errmsg(), "empty IFD0") != NULL);
	} else {
		CHECK_INT(rc == 0, cJSON_GetObjectItemCaseSensitive(o, "ExifByteOrder") != NULL);
	}
	et_str(t, file, o, "Make", ex.make);
	et_str(t, file, o, "Model", ex.model);
	et_str(t, file, o, "Software", ex.software);
	et_str(t, file, o, "DateTimeOriginal", ex.datetime_original);
	et_str(t, file, o, "CreateDate", ex.datetime_digitized);
	et_str(t, file, o, "ModifyDate", ex.datetime);
	et_str(t, file, o, "OffsetTimeOriginal", ex.offset_original);
	et_str(t, file, o, "GPSDateStamp", ex.gps_date);
	et_num(t, file, o, "GPSLatitude", ex.has_gps, ex.gps_lat, 1e-6);
	et_num(t, file, o, "GPSLongitude", ex.has_gps, ex.gps_lon, 1e-6);
	et_num(t, file, o, "GPSAltitude", ex.has_gps_alt, ex.gps_alt, 1e-6);
	et_num(t, file, o, "Orientation", ex.orientation != 0, ex.orientation, 0);
	et_num(t, file, o, "ExifImageWidth", ex.width != 0, ex.width, 0);
	et_num(t, file, o, "ExifImageHeight", ex.height != 0, ex.height, 0);
	et_num(t, file, o, "ThumbnailLength", ex.has_thumbnail, (double)ex.thumbnail_size, 0);
	et_text(o, "GPSTimeStamp", buf, sizeof(buf));
	{
		int h, m;
		double s;
		int present = sscanf(buf, "%d:%d:%lf", &h, &m, &s) == 3;
		char got[32];

		snprintf(got, sizeof(got), "%d %.3f", ex.has_gps_time, ex.gps_time_s);
		agree(t, present, present ? ex.has_gps_time &&
			fabs(h * 3600 + m * 60 + s - ex.gps_time_s) < 1e-6 : !ex.has_gps_time,
		      file, "GPSTimeStamp", present ? buf : NULL, got);
	}
	if (rc == 0 && ex.malformed)
		fprintf(stderr, "  note: %s: %s\n", file, ex.problem);
	tg_exif_release(&ex);
	cJSON_Delete(o);
}

static void test_exiftool_photos(void)
{
	static const char *const dirs[] = { FSAMPLES "/pic1", FSAMPLES "/pic2" };
	struct tally t = { 0, 0, 0, 0 };
	size_t d, files = 0;

	if (system("exiftool -ver >/dev/null 2>&1") != 0) {
		SKIP("exiftool (libimage-exiftool-perl) not installed");
		return;
	}
	if (access(FSAMPLES "/pic1", R_OK) != 0) {
		SKIP("forensics-samples-files not installed");
		return;
	}
	for (d = 0; d < 2; d++) {
		size_t n, i;
		char **names = list_dir(dirs[d], &n);

		for (i = 0; i < n; i++) {
			const char *dot = strrchr(names[i], '.');
			char path[512];

			if (!dot || (strcasecmp(dot, ".jpg") && strcasecmp(dot, ".jpeg")))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], names[i]);
			compare_exiftool(&t, path, names[i]);
			files++;
		}
		free_list(names, n);
	}
	printf("exiftool: %zu photos; %d of %d stored values agree; "
	       "%d of %d absent fields also absent here\n",
	       files, t.agreed, t.compared, t.absent_agreed, t.absent_compared);
	CHECK(files >= 9);
}

/* What the photos of forensics-samples-files say, pinned down. */
static void test_forensics_photos(void)
{
	struct tg_exif ex;
	char iso[32];
	int rc;

	if (access(FSAMPLES "/pic1", R_OK) != 0) {
		SKIP("forensics-samples-files not installed");
		return;
	}
	tg_exif_init(&ex);
	/* WhatsApp re-encode: EXIF stripped */
	rc = tg_exif_read_file(&ex, FSAMPLES "/pic1/IMG-20191006-WA0002.jpg");
	CHECK_INT(rc, TG_ENOTFOUND);
	CHECK(strstr(tg_errmsg(), "IMG-20191006-WA0002.jpg") != NULL);

	/* an APP1 EXIF with an empty IFD0 (Photoshop CS6 export): no tags */
	rc = tg_exif_read_file(&ex, FSAMPLES "/pic1/empty.jpg");
	CHECK_INT(rc, TG_ENOTFOUND);

	/* Canon photo re-saved by GIMP */
	rc = tg_exif_read_file(&ex, FSAMPLES "/pic1/IMG_1054.JPG");
	CHECK_INT(rc, 0);
	CHECK_STR(ex.make, "Canon");
	CHECK_STR(ex.model, "Canon PowerShot SX530 HS ");
	CHECK_STR(ex.software, "GIMP 2.10.18");
	CHECK_STR(ex.datetime, "2020:09:12 11:46:40");
	CHECK_STR(ex.datetime_original, "2020:09:12 11:49:38");
	CHECK_INT(ex.has_gps, 0);
	CHECK(ex.raw && cJSON_GetObjectItem(ex.raw, "MakerNote"));

	rc = tg_exif_read_file(&ex, FSAMPLES "/pic2/IMG_20200124_231153.jpg");
	CHECK_INT(rc, 0);
	CHECK_INT(ex.malformed, 0);
	CHECK_STR(ex.make, "Xiaomi");
	CHECK_STR(ex.model, "Mi A3");
	CHECK_INT(ex.has_gps, 1);
	CHECK_NEAR(ex.gps_lat, -15.83567, 1e-9);
	CHECK_NEAR(ex.gps_lon, -48.0155639722222, 1e-9);
	CHECK_NEAR(ex.gps_alt, 1134.113, 1e-9);
	CHECK_STR(ex.gps_date, "2020:01:25");
	CHECK_NEAR(ex.gps_time_s, 2 * 3600 + 11 * 60 + 51, 1e-9);
	CHECK_STR(ex.gps_method, "GPS");
	CHECK_INT(ex.orientation, 3);
	CHECK_STR(ex.subsec_original, "332084");
	CHECK_INT(tg_exif_datetime_to_iso(ex.datetime_original, ex.offset_original, iso,
					  sizeof(iso)), 0);
	CHECK_STR(iso, "2020-01-24T23:11:53"); /* no OffsetTime: local, not UTC */
	tg_exif_release(&ex);
}

/* ---- hand-built EXIF ------------------------------------------------------ */

struct tent {
	uint16_t tag, type;
	uint32_t count;
	const void *data; /* big-endian bytes, already in TIFF form */
	size_t len;
};

#define ENT(tag, type, count, str) { tag, type, count, str, sizeof(str) - 1 }

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8); p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* Write one IFD at *pos with its out-of-line data in *data_pos. */
static void write_ifd(unsigned char *t, size_t *pos, size_t *data_pos, const struct tent *e,
		      int n, int extra_tag, uint32_t extra_off)
{
	int i, total = n + (extra_tag ? 1 : 0);
	unsigned char *p = t + *pos;

	put16(p, (unsigned)total);
	p += 2;
	for (i = 0; i < n; i++, p += 12) {
		put16(p, e[i].tag);
		put16(p + 2, e[i].type);
		put32(p + 4, e[i].count);
		memset(p + 8, 0, 4);
		if (e[i].len <= 4) {
			memcpy(p + 8, e[i].data, e[i].len);
		} else {
			put32(p + 8, (uint32_t)*data_pos);
			memcpy(t + *data_pos, e[i].data, e[i].len);
			*data_pos += e[i].len + (e[i].len & 1);
		}
	}
	if (extra_tag) {
		put16(p, (unsigned)extra_tag);
		put16(p + 2, 4);
		put32(p + 4, 1);
		put32(p + 8, extra_off);
		p += 12;
	}
	put32(p, 0);
	*pos = (size_t)(p + 4 - t);
}

/*
 * "Exif\0\0" + big-endian TIFF: IFD0 (+ pointers), EXIF IFD, GPS IFD.
 * Returns the length written to out (sized 8192).
 */
static size_t build_exif(unsigned char *out, const struct tent *i0, int n0,
			 const struct tent *ie, int ne, const struct tent *ig, int ng)
{
	unsigned char *t = out + 6;
	size_t pos = 8, data = 2048, exif_at, gps_at;

	memset(out, 0, 8192);
	memcpy(out, "Exif\0\0MM\0\x2a\0\0\0\x08", 14);
	/* IFD0 gets at most one pointer entry each; sizes are fixed up front */
	exif_at = 8 + 2 + 12 * (size_t)(n0 + (ne > 0) + (ng > 0)) + 4;
	gps_at = exif_at + (ne ? 2 + 12 * (size_t)ne + 4 : 0);
	if (ne && ng) {
		/* two pointers: write IFD0 by hand with both */
		struct tent *all = calloc((size_t)n0 + 1, sizeof(*all));
		unsigned char ptr[4];

		memcpy(all, i0, sizeof(*all) * (size_t)n0);
		put32(ptr, (uint32_t)exif_at);
		all[n0] = (struct tent){ 0x8769, 4, 1, ptr, 4 };
		write_ifd(t, &pos, &data, all, n0 + 1, 0x8825, (uint32_t)gps_at);
		free(all);
	} else {
		write_ifd(t, &pos, &data, i0, n0, ne ? 0x8769 : ng ? 0x8825 : 0,
			  (uint32_t)(ne ? exif_at : gps_at));
	}
	if (ne)
		write_ifd(t, &pos, &data, ie, ne, 0, 0);
	if (ng)
		write_ifd(t, &pos, &data, ig, ng, 0, 0);
	return 6 + data;
}

#define R3(a, b, c, d, e, f) \
	"\0\0\0" #a "\0\0\0" #b "\0\0\0" #c "\0\0\0" #d "\0\0\0" #e "\0\0\0" #f

static const char lat_ok[] = "\0\0\0\x28\0\0\0\x01" "\0\0\0\x2e\0\0\0\x01" "\0\0\x05\x2a\0\0\0\x64";  /* 40/1 46/1 1322/100 */
static const char lon_ok[] = "\0\0\0\x6f\0\0\0\x01" "\0\0\0\x35\0\0\0\x01" "\0\0\x0b\x18\0\0\0\x64";  /* 111/1 53/1 2840/100 */
static const char lat_zero_den[] = "\0\0\0\x28\0\0\0\x01" "\0\0\0\x2e\0\0\0\x00" "\0\0\x05\x2a\0\0\0\x64";
static const char lat_91[] = "\0\0\0\x5b\0\0\0\x01" "\0\0\0\0\0\0\0\x01" "\0\0\0\0\0\0\0\x01";
static const char alt_1334[] = "\0\0\x05\x36\0\0\0\x01";
static const char alt_zero_den[] = "\0\0\x05\x36\0\0\0\x00";
static const char time_ok[] = "\0\0\0\x04\0\0\0\x01" "\0\0\0\x26\0\0\0\x01" "\0\0\0\x28\0\0\0\x01";  /* 4:38:40 */
static const char time_25h[] = "\0\0\0\x19\0\0\0\x01" "\0\0\0\0\0\0\0\x01" "\0\0\0\0\0\0\0\x01";

static int parse_built(struct tg_exif *ex, const struct tent *i0, int n0, const struct tent *ie,
		       int ne, const struct tent *ig, int ng)
{
	static unsigned char buf[8192];
	size_t len = build_exif(buf, i0, n0, ie, ne, ig, ng);
	int rc = tg_exif_parse(ex, buf, len);

	CHECK(invariants(ex));
	return rc;
}

static void test_built_valid(void)
{
	const struct tent i0[] = {
		ENT(0x010f, 2, 5, "Test\0"),
		ENT(0x0110, 2, 6, "Cam 1\0"),
		ENT(0x0112, 3, 1, "\0\x06"),
		ENT(0x0132, 2, 20, "2019:12:20 17:08:40\0"),
	};
	const struct tent ie[] = {
		ENT(0x9003, 2, 20, "2019:12:20 17:08:32\0"),
		ENT(0x9011, 2, 7, "+01:00\0"),
		ENT(0x9291, 2, 4, "045\0"),
		ENT(0xa002, 4, 1, "\0\0\x0f\xa0"),
		ENT(0xa003, 3, 1, "\x0b\xb8"),
		ENT(0xa434, 2, 9, "Lens 5mm\0"),
	};
	const struct tent ig[] = {
		ENT(0x0001, 2, 2, "N\0"),
		ENT(0x0002, 5, 3, lat_ok),
		ENT(0x0003, 2, 2, "W\0"),
		ENT(0x0004, 5, 3, lon_ok),
		ENT(0x0005, 1, 1, "\x01"),
		ENT(0x0006, 5, 1, alt_1334),
		ENT(0x0007, 5, 3, time_ok),
		ENT(0x001b, 7, 14, "ASCII\0\0\0CELLID"),
		ENT(0x001d, 2, 11, "2012:12:20\0"),
	};
	struct tg_exif ex;
	char iso[32];
	cJSON *gps;

	tg_exif_init(&ex);
	CHECK_INT(parse_built(&ex, i0, 4, ie, 6, ig, 9), 0);
	CHECK_STR(ex.problem, "");
	CHECK_STR(ex.make, "Test");
	CHECK_STR(ex.model, "Cam 1");
	CHECK_STR(ex.lens_model, "Lens 5mm");
	CHECK_INT(ex.orientation, 6);
	CHECK_INT(ex.width, 4000);
	CHECK_INT(ex.height, 3000);
	CHECK_STR(ex.datetime_original, "2019:12:20 17:08:32");
	CHECK_STR(ex.offset_original, "+01:00");
	CHECK_STR(ex.subsec_original, "045");
	CHECK_INT(ex.has_gps, 1);
	CHECK_NEAR(ex.gps_lat, 40 + 46 / 60.0 + 13.22 / 3600, 1e-12);
	CHECK_NEAR(ex.gps_lon, -(111 + 53 / 60.0 + 28.40 / 3600), 1e-12);
	CHECK_INT(ex.has_gps_alt, 1);
	CHECK_NEAR(ex.gps_alt, -1334, 1e-12);
	CHECK_INT(ex.has_gps_time, 1);
	CHECK_NEAR(ex.gps_time_s, 4 * 3600 + 38 * 60 + 40, 1e-12);
	CHECK_STR(ex.gps_date, "2012:12:20");
	CHECK_STR(ex.gps_method, "CELLID");
	CHECK_INT(ex.has_thumbnail, 0);
	CHECK_INT(tg_exif_datetime_to_iso(ex.datetime_original, ex.offset_original, iso,
					  sizeof(iso)), 0);
	CHECK_STR(iso, "2019-12-20T17:08:32+01:00");
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(ex.raw, "IFD0"), "Make") != NULL);
	gps = cJSON_GetObjectItem(ex.raw, "GPS");
	CHECK(cJSON_IsString(cJSON_GetObjectItem(gps, "GPSLatitudeRef")));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(gps, "GPSLatitudeRef")), "N");
	tg_exif_release(&ex);
	CHECK(ex.raw == NULL);
	tg_exif_release(&ex); /* twice is fine */
	tg_exif_release(NULL);
}

static void expect_problem(const struct tg_exif *ex, const char *what)
{
	CHECK_INT(ex->malformed, 1);
	if (!strstr(ex->problem, what)) {
		fprintf(stderr, "  problem \"%s\" lacks \"%s\"\n", ex->problem, what);
		CHECK(0);
	}
}

static void test_built_gps_faults(void)
{
	const struct tent i0[] = { ENT(0x010f, 2, 2, "X\0") };
	struct tg_exif ex;

	tg_exif_init(&ex);
	{	/* zero denominator in the minutes */
		const struct tent g[] = { ENT(1, 2, 2, "N\0"), ENT(2, 5, 3, lat_zero_den),
					  ENT(3, 2, 2, "E\0"), ENT(4, 5, 3, lon_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 4), 0);
		CHECK_INT(ex.has_gps, 0);
		expect_problem(&ex, "GPSLatitude: zero denominator");
		CHECK_STR(ex.make, "X");
	}
	{	/* reference missing: hemisphere unknown */
		const struct tent g[] = { ENT(2, 5, 3, lat_ok), ENT(3, 2, 2, "E\0"),
					  ENT(4, 5, 3, lon_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 3), 0);
		CHECK_INT(ex.has_gps, 0);
		expect_problem(&ex, "GPSLatitudeRef missing");
	}
	{	/* reference invalid */
		const struct tent g[] = { ENT(1, 2, 2, "Q\0"), ENT(2, 5, 3, lat_ok),
					  ENT(3, 2, 2, "e\0"), ENT(4, 5, 3, lon_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 4), 0);
		CHECK_INT(ex.has_gps, 0);
		expect_problem(&ex, "GPSLatitudeRef: invalid value");
	}
	{	/* lower-case refs are read; two components read as d and m */
		const struct tent g[] = { ENT(1, 2, 2, "s\0"), ENT(2, 5, 2, lat_ok),
					  ENT(3, 2, 2, "w\0"), ENT(4, 5, 3, lon_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 4), 0);
		CHECK_INT(ex.has_gps, 1);
		CHECK_NEAR(ex.gps_lat, -(40 + 46 / 60.0), 1e-12);
		CHECK(ex.gps_lon < -111);
		expect_problem(&ex, "GPSLatitude: 2 components");
	}
	{	/* wrong format (LONG instead of RATIONAL) */
		const struct tent g[] = { ENT(1, 2, 2, "N\0"), ENT(2, 4, 3, R3(1, 2, 3, 4, 5, 6)),
					  ENT(3, 2, 2, "E\0"), ENT(4, 5, 3, lon_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 4), 0);
		CHECK_INT(ex.has_gps, 0);
		expect_problem(&ex, "GPSLatitude: wrong format");
	}
	{	/* out of range */
		const struct tent g[] = { ENT(1, 2, 2, "N\0"), ENT(2, 5, 3, lat_91),
					  ENT(3, 2, 2, "E\0"), ENT(4, 5, 3, lon_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 4), 0);
		CHECK_INT(ex.has_gps, 0);
		expect_problem(&ex, "out of range");
	}
	{	/* only a latitude */
		const struct tent g[] = { ENT(1, 2, 2, "N\0"), ENT(2, 5, 3, lat_ok) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 2), 0);
		CHECK_INT(ex.has_gps, 0);
		CHECK_INT(ex.malformed, 1);
	}
	{	/* HTC's text coordinates, altitude without ref, time 25 h */
		const struct tent g[] = {
			ENT(1, 2, 2, "N\0"), ENT(2, 2, 27, "52,00000,50,00000,34,01180\0"),
			ENT(3, 2, 2, "E\0"), ENT(4, 2, 27, "11,00000,10,00000,58,28360\0"),
			ENT(6, 5, 1, alt_1334), ENT(7, 5, 3, time_25h) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 6), 0);
		CHECK_INT(ex.has_gps, 1);
		CHECK_NEAR(ex.gps_lat, 52 + 50 / 60.0 + 34.0118 / 3600, 1e-12);
		CHECK_NEAR(ex.gps_lon, 11 + 10 / 60.0 + 58.2836 / 3600, 1e-12);
		CHECK_INT(ex.has_gps_alt, 1);
		CHECK_NEAR(ex.gps_alt, 1334, 1e-12);
		CHECK_INT(ex.has_gps_time, 0);
		expect_problem(&ex, "stored as text");
	}
	{	/* text that is not numbers; altitude 0 denominator; bad alt ref */
		const struct tent g[] = {
			ENT(1, 2, 2, "N\0"), ENT(2, 2, 8, "north!\0\0"),
			ENT(3, 2, 2, "E\0"), ENT(4, 5, 3, lon_ok),
			ENT(5, 1, 1, "\x07"), ENT(6, 5, 1, alt_zero_den) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 6), 0);
		CHECK_INT(ex.has_gps, 0);
		CHECK_INT(ex.has_gps_alt, 0);
		expect_problem(&ex, "GPSLatitude: unreadable text");
	}
	{	/* altitude ref invalid */
		const struct tent g[] = { ENT(5, 1, 1, "\x07"), ENT(6, 5, 1, alt_1334) };
		CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, g, 2), 0);
		CHECK_INT(ex.has_gps_alt, 0);
		expect_problem(&ex, "GPSAltitudeRef: invalid value 7");
	}
	{	/* declared count larger than the data: libexif drops the entry */
		const struct tent g[] = { ENT(1, 2, 2, "N\0"),
					  { 2, 5, 0x10000000u, lat_ok, sizeof(lat_ok) - 1 },
					  ENT(3, 2, 2, "E\0"), ENT(4, 5, 3, lon_ok) };
		int rc = parse_built(&ex, i0, 1, NULL, 0, g, 4);

		CHECK_INT(rc, 0);
		CHECK_INT(ex.has_gps, 0);
		CHECK_INT(ex.malformed, 1);
	}
	tg_exif_release(&ex);
}

static void test_built_text_faults(void)
{
	char longmake[301];
	struct tent i0[3] = {
		ENT(0x010f, 2, 7, "\xff\xfe" "AB\xc3\xa9\0"),   /* invalid UTF-8, then "ABé" */
		ENT(0x0112, 3, 1, "\0\x09"),                  /* Orientation 9 */
		ENT(0x0131, 3, 1, "\0\x01"),                  /* Software as SHORT */
	};
	struct tg_exif ex;

	tg_exif_init(&ex);
	CHECK_INT(parse_built(&ex, i0, 3, NULL, 0, NULL, 0), 0);
	CHECK_STR(ex.make, "\xef\xbf\xbd\xef\xbf\xbd" "AB\xc3\xa9");
	CHECK_INT(ex.orientation, 0);
	expect_problem(&ex, "Orientation: invalid value 9");
	expect_problem(&ex, "Software: not text");
	CHECK_STR(ex.software, "");

	/* 300 characters into make[128]: cut, terminated */
	memset(longmake, 'M', 300);
	longmake[300] = '\0';
	i0[0] = (struct tent){ 0x010f, 2, 301, longmake, 301 };
	CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, NULL, 0), 0);
	CHECK_INT(strlen(ex.make), sizeof(ex.make) - 1);

	/* no NUL terminator in the data: the count bounds it ("HTC}" count 3) */
	i0[0] = (struct tent){ 0x010f, 2, 3, "HTC}", 4 };
	CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, NULL, 0), 0);
	CHECK_STR(ex.make, "HTC");

	/* a U+FFFD must not overflow a nearly full buffer */
	memset(longmake, 'a', 300);
	longmake[126] = '\xff';
	i0[0] = (struct tent){ 0x010f, 2, 301, longmake, 301 };
	CHECK_INT(parse_built(&ex, i0, 1, NULL, 0, NULL, 0), 0);
	CHECK_INT(strlen(ex.make), 126);
	tg_exif_release(&ex);
}

/* The same EXIF wrapped as JPEG, PNG, bare TIFF; truncated APP1. */
static void test_containers(void)
{
	const struct tent i0[] = { ENT(0x010f, 2, 5, "Wrap\0") };
	static unsigned char blk[8192], buf[9000];
	struct tg_exif ex;
	size_t n = build_exif(blk, i0, 1, NULL, 0, NULL, 0), len;

	tg_exif_init(&ex);
	/* bare TIFF */
	CHECK_INT(tg_exif_parse(&ex, blk + 6, n - 6), 0);
	CHECK_STR(ex.make, "Wrap");

	/* JPEG: SOI, APP0, COM, APP1 (libexif alone gives up at COM) */
	len = 0;
	memcpy(buf, "\xff\xd8", 2), len = 2;
	memcpy(buf + len, "\xff\xe0\x00\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 18), len += 18;
	memcpy(buf + len, "\xff\xfe\x00\x05hi\0", 7), len += 7;
	buf[len++] = 0xff, buf[len++] = 0xe1;
	buf[len++] = (unsigned char)((n + 2) >> 8), buf[len++] = (unsigned char)(n + 2);
	memcpy(buf + len, blk, n), len += n;
	memcpy(buf + len, "\xff\xd9", 2), len += 2;
	CHECK_INT(tg_exif_parse(&ex, buf, len), 0);
	CHECK_STR(ex.make, "Wrap");
	CHECK_INT(ex.malformed, 0);

	/* the APP1 cut short: what is there is read, and flagged */
	CHECK_INT(tg_exif_parse(&ex, buf, 27 + 4 + n - 1), 0);
	CHECK_STR(ex.make, "Wrap");
	expect_problem(&ex, "EXIF segment truncated");

	/* a JPEG without EXIF */
	CHECK_INT(tg_exif_parse(&ex, buf, 27), TG_ENOTFOUND);
	CHECK_INT(tg_exif_parse(&ex, (const unsigned char *)"\xff\xd8\xff\xd9", 4), TG_ENOTFOUND);
	CHECK_INT(tg_exif_parse(&ex, (const unsigned char *)"\xff\xd8\xff\xda\0\x02", 6),
		  TG_ENOTFOUND);

	/* PNG with an eXIf chunk (CRCs are not checked) */
	len = 0;
	memcpy(buf, "\x89PNG\r\n\x1a\n", 8), len = 8;
	memcpy(buf + len, "\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0" "CRC!", 25), len += 25;
	put32(buf + len, (uint32_t)(n - 6));
	memcpy(buf + len + 4, "eXIf", 4), len += 8;
	memcpy(buf + len, blk + 6, n - 6), len += n - 6;
	memcpy(buf + len, "CRC!\0\0\0\0IEND\xae\x42\x60\x82", 16), len += 16;
	CHECK_INT(tg_exif_parse(&ex, buf, len), 0);
	CHECK_STR(ex.make, "Wrap");
	CHECK_INT(tg_exif_parse(&ex, buf, 33), TG_ENOTFOUND);

	/* hopeless input */
	CHECK_INT(tg_exif_parse(&ex, NULL, 0), TG_EINPUT);
	CHECK_INT(tg_exif_parse(&ex, buf, 0), TG_EINPUT);
	CHECK_INT(tg_exif_parse(&ex, (const unsigned char *)"GIF89a", 6), TG_EINPUT);
	/* the header alone: found, but nothing to read */
	CHECK_INT(tg_exif_parse(&ex, (const unsigned char *)"Exif\0\0", 6), 0);
	CHECK_INT(ex.malformed, 1);
	CHECK(invariants(&ex));
	/* a header and an empty IFD0: stripped, reported as no EXIF */
	CHECK_INT(tg_exif_parse(&ex, (const unsigned char *)"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0",
				20), TG_ENOTFOUND);
	/* IFD0 offset past the end */
	CHECK_INT(tg_exif_parse(&ex, (const unsigned char *)"Exif\0\0MM\0\x2a\x7f\0\0\x08\0\0\0\0\0\0",
				20), 0);
	CHECK_INT(ex.malformed, 1);
	tg_exif_release(&ex);
}

static void test_read_file_errors(void)
{
	struct tg_exif ex;
	char path[512];
	FILE *f;
	size_t i;

	tg_exif_init(&ex);
	CHECK_INT(tg_exif_read_file(&ex, "/nonexistent/x.jpg"), TG_EINPUT);
	CHECK(strstr(tg_errmsg(), "/nonexistent/x.jpg") != NULL);
	CHECK(tg_exif_read_file(&ex, "/") < 0);

	snprintf(path, sizeof(path), "%s/empty.jpg", tg_test_scratch());
	f = fopen(path, "wb");
	fclose(f);
	CHECK_INT(tg_exif_read_file(&ex, path), TG_EINPUT);
	CHECK(strstr(tg_errmsg(), "empty.jpg") != NULL);

	/* 300 KiB of APP2 segments before an APP1: not within the read cap */
	snprintf(path, sizeof(path), "%s/big app2.jpg", tg_test_scratch());
	f = fopen(path, "wb");
	fwrite("\xff\xd8", 1, 2, f);
	for (i = 0; i < 5; i++) {
		static unsigned char seg[65537];

		seg[0] = 0xff, seg[1] = 0xe2, seg[2] = 0xff, seg[3] = 0xff;
		fwrite(seg, 1, 65537, f);
	}
	fwrite("\xff\xe1\x00\x10" "Exif\0\0MM\0\x2a\0\0\0\x08", 1, 18, f);
	fclose(f);
	CHECK_INT(tg_exif_read_file(&ex, path), TG_ENOTFOUND);
	CHECK(strstr(tg_errmsg(), "256 KiB") != NULL);
	unlink(path);
	tg_exif_release(&ex);
}

/* ---- robustness: every sample truncated and mutated ------------------- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 11);
}

static int run_one(const unsigned char *d, size_t len)
{
	struct tg_exif ex;
	int rc;

	tg_exif_init(&ex);
	rc = tg_exif_parse(&ex, d, len);
	if (!(rc == 0 || rc == TG_ENOTFOUND || rc == TG_EINPUT) || !invariants(&ex)) {
		tg_exif_release(&ex);
		return 0;
	}
	tg_exif_release(&ex);
	return 1;
}

static void abuse_file(const char *path, int *runs, int *bad)
{
	size_t len, cut, i;
	unsigned char *orig = slurp(path, &len), *copy;
	int k;

	if (!orig || !len) {
		free(orig);
		return;
	}
	/* EXIF sits at the front: cut finely there, coarsely after */
	if (len > 65536 + 4096)
		len = 65536 + 4096;
	for (cut = 0; cut < len; cut += cut < 256 ? 1 : cut < 4096 ? 37 : 997) {
		/* an exact-size copy, so that ASan sees any read past the cut */
		copy = malloc(cut ? cut : 1);
		memcpy(copy, orig, cut);
		*bad += !run_one(copy, cut);
		(*runs)++;
		free(copy);
	}
	copy = malloc(len);
	for (k = 0; k < 150; k++) {
		size_t span = len < 2048 ? len : 2048 + (k % 3 ? 0 : len - 2048);
		int flips = 1 + (int)(rng() % 8);

		memcpy(copy, orig, len);
		for (i = 0; i < (size_t)flips; i++) {
			size_t at = rng() % span;

			switch (rng() % 4) {
			case 0: copy[at] ^= (unsigned char)(1u << (rng() % 8)); break;
			case 1: copy[at] = 0xff; break;
			case 2: copy[at] = 0x00; break;
			default: copy[at] = (unsigned char)rng(); break;
			}
		}
		*bad += !run_one(copy, len);
		(*runs)++;
	}
	free(copy);
	free(orig);
}

static void test_malformed_inputs(void)
{
	static const char *const dirs[] = { GOEXIF "/samples", GOEXIF "/corrupt",
					    FSAMPLES "/pic1", FSAMPLES "/pic2" };
	int runs = 0, bad = 0;
	size_t d;

	CHECK(run_one((const unsigned char *)"", 0));
	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		size_t n, i;
		char **names = list_dir(dirs[d], &n);

		for (i = 0; i < n; i++) {
			char path[512];

			snprintf(path, sizeof(path), "%s/%s", dirs[d], names[i]);
			abuse_file(path, &runs, &bad);
		}
		free_list(names, n);
	}
	printf("malformed: %d truncated/mutated inputs parsed, %d broke an invariant\n",
	       runs, bad);
	CHECK_INT(bad, 0);
	if (runs == 0)
		SKIP("no sample files installed for the truncation tests");
}

/*
 * Hostile structures: IFD loops, offsets that overflow, absurd counts.
 * (Crashes found by tests/fuzz/fuzz_exif.c would be added here as byte
 * arrays; none so far.)
 */
static void test_hostile_structures(void)
{
#define HOSTILE(what, bytes) { what, bytes, sizeof(bytes) - 1 }
	static const struct { const char *what; const char *bytes; size_t len; } cases[] = {
		HOSTILE("EXIF pointer and next-IFD to IFD0 itself",
			"Exif\0\0MM\0\x2a\0\0\0\x08" "\0\x01"
			"\x87\x69\0\x04\0\0\0\x01\0\0\0\x08" "\0\0\0\x08"),
		HOSTILE("GPS pointer near 4 GiB",
			"Exif\0\0MM\0\x2a\0\0\0\x08" "\0\x01"
			"\x88\x25\0\x04\0\0\0\x01\xff\xff\xff\xf0" "\0\0\0\0"),
		HOSTILE("entry count 65535 in a tiny block",
			"Exif\0\0II\x2a\0\x08\0\0\0" "\xff\xff"
			"\x0f\x01\x02\0\xff\xff\xff\xff\0\0\0\0"),
		HOSTILE("Make with count 0xffffffff",
			"Exif\0\0MM\0\x2a\0\0\0\x08" "\0\x01"
			"\x01\x0f\0\x02\xff\xff\xff\xff\0\0\0\x1a" "\0\0\0\0HTC\0"),
		HOSTILE("thumbnail offset and length past the end",
			"Exif\0\0MM\0\x2a\0\0\0\x08" "\0\0" "\0\0\0\x0e" "\0\x02"
			"\x02\x01\0\x04\0\0\0\x01\x7f\xff\xff\xff"
			"\x02\x02\0\x04\0\0\0\x01\xff\xff\xff\xff" "\0\0\0\0"),
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tg_exif ex;
		unsigned char *copy = malloc(cases[i].len);
		int rc;

		memcpy(copy, cases[i].bytes, cases[i].len);
		tg_exif_init(&ex);
		rc = tg_exif_parse(&ex, copy, cases[i].len);
		if (!(rc == 0 || rc == TG_ENOTFOUND) || !invariants(&ex))
			fprintf(stderr, "  hostile case failed: %s (rc %d)\n", cases[i].what, rc);
		CHECK(rc == 0 || rc == TG_ENOTFOUND);
		CHECK(invariants(&ex));
		CHECK(rc != 0 || ex.malformed);
		tg_exif_release(&ex);
		free(copy);
	}
}

/* ---- dates --------------------------------------------------------------- */

static void test_datetime_to_iso(void)
{
	char out[32];

	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "+01:00", out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32+01:00");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "-03:30", out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32-03:30");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", NULL, out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "", out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "   :  ", out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "Z", out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32+00:00");
	CHECK_INT(tg_exif_datetime_to_iso("2019-12-20 17:08:32", NULL, out, sizeof(out)), 0);
	CHECK_STR(out, "2019-12-20T17:08:32");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32.25 ", NULL, out, sizeof(out)), 0);
	CHECK_INT(tg_exif_datetime_to_iso("2020:02:29 00:00:00", NULL, out, sizeof(out)), 0);
	CHECK_INT(tg_exif_datetime_to_iso("2216:11:15 11:46:51", NULL, out, sizeof(out)), 0);
	CHECK_STR(out, "2216-11-15T11:46:51");

	CHECK_INT(tg_exif_datetime_to_iso("", NULL, out, sizeof(out)), TG_ENOTFOUND);
	CHECK_INT(tg_exif_datetime_to_iso(NULL, NULL, out, sizeof(out)), TG_ENOTFOUND);
	CHECK_INT(tg_exif_datetime_to_iso("0000:00:00 00:00:00", NULL, out, sizeof(out)),
		  TG_ENOTFOUND);
	CHECK_INT(tg_exif_datetime_to_iso("    :  :     :  :  ", NULL, out, sizeof(out)),
		  TG_ENOTFOUND);
	CHECK_STR(out, "");

	CHECK_INT(tg_exif_datetime_to_iso("2019:02:29 00:00:00", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2100:02:29 00:00:00", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:13:01 00:00:00", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 24:00:00", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32x", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12-20 17:08:32", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("\xff\xfe", NULL, out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "+1:00", out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "+15:00", out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "+01:60", out, sizeof(out)), TG_EINPUT);
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "+01:00", out, 25), TG_ELIMIT);
	CHECK_STR(out, "");
	CHECK_INT(tg_exif_datetime_to_iso("2019:12:20 17:08:32", "+01:00", out, 26), 0);
}

int main(void)
{
	RUN(test_datetime_to_iso);
	RUN(test_built_valid);
	RUN(test_built_gps_faults);
	RUN(test_built_text_faults);
	RUN(test_containers);
	RUN(test_read_file_errors);
	RUN(test_goexif_samples);
	RUN(test_goexif_raw_block);
	RUN(test_forensics_photos);
	RUN(test_exiftool_photos);
	RUN(test_malformed_inputs);
	RUN(test_hostile_structures);
	return TEST_END();
}
