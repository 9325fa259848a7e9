/*
 * exif.c - EXIF reader over libexif; see exif.h for the contract.
 *
 * Order of work: find the EXIF block ourselves (JPEG markers, PNG chunks,
 * raw block, bare TIFF), hand it to libexif with a private log that collects
 * its corruption reports, then read the named fields from raw entries with
 * every size checked, then dump every tag into cJSON.
 */
#include "media/exif.h"

#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libexif/exif-data.h>
#include <libexif/exif-entry.h>
#include <libexif/exif-ifd.h>
#include <libexif/exif-log.h>
#include <libexif/exif-mnote-data.h>
#include <libexif/exif-tag.h>
#include <libexif/exif-utils.h>

static const unsigned char exif_header[6] = { 'E', 'x', 'i', 'f', 0, 0 };

/* ---- problems ------------------------------------------------------------ */

static void note(struct tg_exif *ex, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record a problem: set malformed and append to problem, cut to fit. */
static void note(struct tg_exif *ex, const char *fmt, ...)
{
	size_t used = strlen(ex->problem);
	va_list ap;
	char msg[160];
	size_t len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ex->malformed = 1;
	if (strstr(ex->problem, msg))
		return; /* libexif repeats itself; one mention is enough */
	if (used) {
		if (used + 2 >= sizeof(ex->problem))
			return;
		memcpy(ex->problem + used, "; ", 2);
		used += 2;
	}
	len = strlen(msg);
	if (len > sizeof(ex->problem) - 1 - used)
		len = sizeof(ex->problem) - 1 - used;
	memcpy(ex->problem + used, msg, len);
	ex->problem[used + len] = '\0';
}

static void exif_log_cb(ExifLog *elog, ExifLogCode code, const char *domain,
			const char *format, va_list args, void *data)
{
	struct tg_exif *ex = data;
	char msg[160];
	size_t n;

	(void)elog;
	(void)domain;
	if (code != EXIF_LOG_CODE_CORRUPT_DATA && code != EXIF_LOG_CODE_NO_MEMORY)
		return;
	vsnprintf(msg, sizeof(msg), format, args);
	n = strlen(msg);
	while (n && (msg[n - 1] == '.' || msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	note(ex, "libexif: %s", msg);
}

/* ---- text ---------------------------------------------------------------- */

/*
 * Copy at most srclen bytes of src, stopping at NUL, into dst as valid
 * UTF-8: an invalid byte becomes U+FFFD; cut at a character boundary.
 */
static void copy_text(char *dst, size_t dstsize, const unsigned char *src, size_t srclen)
{
	size_t i = 0, o = 0;

	if (!dstsize)
		return;
	while (i < srclen && src[i]) {
		unsigned char c = src[i];
		size_t len = 0, k;
		uint32_t cp = 0;

		if (c < 0x80)
			len = 1, cp = c;
		else if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		for (k = 1; len > 1 && k < len; k++) {
			if (i + k >= srclen || (src[i + k] & 0xc0) != 0x80) {
				len = 0;
				break;
			}
			cp = (cp << 6) | (src[i + k] & 0x3f);
		}
		/* overlong, surrogate or past U+10FFFF */
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			len = 0;
		if (len == 0) {
			if (o + 3 >= dstsize)
				break;
			memcpy(dst + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		if (o + len >= dstsize)
			break;
		memcpy(dst + o, src + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
}

/* ---- checked entry access ---------------------------------------------- */

struct reader {
	ExifData *ed;
	ExifByteOrder order;
	struct tg_exif *ex;
};

static const char *ifd_key(ExifIfd ifd)
{
	switch (ifd) {
	case EXIF_IFD_0: return "IFD0";
	case EXIF_IFD_1: return "IFD1";
	case EXIF_IFD_EXIF: return "EXIF";
	case EXIF_IFD_GPS: return "GPS";
	case EXIF_IFD_INTEROPERABILITY: return "Interop";
	default: return "?";
	}
}

static const char *tag_name(ExifTag tag, ExifIfd ifd, char *buf, size_t n)
{
	const char *name = exif_tag_get_name_in_ifd(tag, ifd);

	/* A misplaced tag (Make in the EXIF IFD): IFD0, IFD1 and EXIF share
	 * one tag number space, so its name there is unambiguous.  GPS and
	 * Interop numbers overlap each other and are not looked up. */
	if ((!name || !*name) && (ifd == EXIF_IFD_0 || ifd == EXIF_IFD_1 || ifd == EXIF_IFD_EXIF)) {
		name = exif_tag_get_name_in_ifd(tag, EXIF_IFD_0);
		if (!name)
			name = exif_tag_get_name_in_ifd(tag, EXIF_IFD_EXIF);
		if (!name)
			name = exif_tag_get_name_in_ifd(tag, EXIF_IFD_1);
	}
	if (name && *name)
		return name;
	snprintf(buf, n, "0x%04x", (unsigned)tag);
	return buf;
}

/*
 * The entry for tag in ifd, if it is usable: data present and at least
 * components * format size bytes.  A damaged entry is noted and ignored.
 */
static ExifEntry *entry(struct reader *r, ExifIfd ifd, ExifTag tag)
{
	ExifEntry *e;
	unsigned long need;
	unsigned fsize;
	char nb[16];

	if (!r->ed->ifd[ifd])
		return NULL;
	e = exif_content_get_entry(r->ed->ifd[ifd], tag);
	if (!e)
		return NULL;
	fsize = exif_format_get_size(e->format);
	need = (unsigned long)fsize * e->components;
	if (!e->data || fsize == 0 || e->components == 0 || need > e->size) {
		note(r->ex, "%s %s: unreadable entry (format %u, %lu components, %u bytes)",
		     ifd_key(ifd), tag_name(tag, ifd, nb, sizeof(nb)),
		     (unsigned)e->format, e->components, e->size);
		return NULL;
	}
	return e;
}

/* The entry in ifd, else in the other main IFDs (some writers misplace tags). */
static ExifEntry *entry_any(struct reader *r, ExifIfd ifd, ExifTag tag)
{
	static const ExifIfd order[] = { EXIF_IFD_0, EXIF_IFD_EXIF };
	ExifEntry *e = entry(r, ifd, tag);
	size_t i;

	for (i = 0; !e && i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] != ifd && r->ed->ifd[order[i]] &&
		    exif_content_get_entry(r->ed->ifd[order[i]], tag))
			e = entry(r, order[i], tag);
	return e;
}

/* Copy an ASCII (or UNDEFINED-as-text) entry; other formats are noted. */
static void copy_string(struct reader *r, ExifIfd ifd, ExifEntry *e, char *dst, size_t n)
{
	char nb[16];

	dst[0] = '\0';
	if (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_UNDEFINED &&
	    e->format != EXIF_FORMAT_BYTE) {
		note(r->ex, "%s: not text (format %u)", tag_name(e->tag, ifd, nb, sizeof(nb)),
		     (unsigned)e->format);
		return;
	}
	copy_text(dst, n, e->data, e->components);
}

/*
 * A text tag from its IFD; if absent or empty there, from IFD0 or the EXIF
 * IFD (some writers misplace tags, or leave an empty one where it belongs:
 * an HTC One M8 writes Make "" in IFD0 and "HTC" in the EXIF IFD).
 */
static void get_string(struct reader *r, ExifIfd ifd, ExifTag tag, char *dst, size_t n)
{
	static const ExifIfd others[] = { EXIF_IFD_0, EXIF_IFD_EXIF };
	ExifEntry *e = entry(r, ifd, tag);
	size_t i;
	char nb[16];

	dst[0] = '\0';
	if (e)
		copy_string(r, ifd, e, dst, n);
	if (ifd != EXIF_IFD_0 && ifd != EXIF_IFD_EXIF)
		return; /* GPS tag numbers mean other things elsewhere */
	for (i = 0; !dst[0] && i < sizeof(others) / sizeof(others[0]); i++) {
		if (others[i] == ifd || !r->ed->ifd[others[i]] ||
		    !exif_content_get_entry(r->ed->ifd[others[i]], tag))
			continue;
		e = entry(r, others[i], tag);
		if (e)
			copy_string(r, others[i], e, dst, n);
		if (dst[0])
			note(r->ex, "%s read from the %s IFD, not %s",
			     tag_name(tag, others[i], nb, sizeof(nb)),
			     ifd_key(others[i]), ifd_key(ifd));
	}
}

/* An unsigned integer from component i of a BYTE/SHORT/LONG entry. */
static int get_uint(struct reader *r, ExifEntry *e, unsigned long i, unsigned long *out)
{
	if (i >= e->components)
		return -1;
	switch (e->format) {
	case EXIF_FORMAT_BYTE:
		*out = e->data[i];
		return 0;
	case EXIF_FORMAT_SHORT:
		*out = exif_get_short(e->data + 2 * i, r->order);
		return 0;
	case EXIF_FORMAT_LONG:
		*out = exif_get_long(e->data + 4 * i, r->order);
		return 0;
	default:
		return -1;
	}
}

/* Component i of a RATIONAL/SRATIONAL entry as a double; -1 on a zero denominator. */
static int get_rational(struct reader *r, ExifEntry *e, unsigned long i, double *out)
{
	if (i >= e->components)
		return -1;
	if (e->format == EXIF_FORMAT_RATIONAL) {
		ExifRational q = exif_get_rational(e->data + 8 * i, r->order);

		if (q.denominator == 0)
			return -1;
		*out = (double)q.numerator / (double)q.denominator;
		return 0;
	}
	if (e->format == EXIF_FORMAT_SRATIONAL) {
		ExifSRational q = exif_get_srational(e->data + 8 * i, r->order);

		if (q.denominator == 0)
			return -1;
		*out = (double)q.numerator / (double)q.denominator;
		return 0;
	}
	return -1;
}

/* ---- GPS ----------------------------------------------------------------- */

/* One decimal "123" or "123.456" at *p (no sign, no locale); -1 if none. */
static int parse_decimal(const char **p, double *out)
{
	const char *s = *p;
	double v = 0, scale = 1;
	int digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 40) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9' && digits < 40) {
			scale /= 10;
			v += (*s++ - '0') * scale;
			digits++;
		}
	}
	if (!digits)
		return -1;
	*p = s;
	*out = v;
	return 0;
}

/*
 * Three numbers stored as text instead of three RATIONALs.  Six all-digit
 * comma groups are three numbers with decimal commas (HTC: "52,00000,50,
 * 00000,34,01180" is 52.0, 50.0, 34.0118); otherwise up to three numbers
 * with decimal points separated by commas or blanks.
 */
static int parse_triplet_text(const char *s, double v[3])
{
	char groups[6][24];
	int ng = 0, len = 0, i;
	const char *p;

	for (p = s;; p++) {
		if (*p == ',' || *p == '\0') {
			if (ng >= 6 || len == 0)
				goto points;
			groups[ng++][len] = '\0';
			len = 0;
			if (*p == '\0')
				break;
		} else if (*p >= '0' && *p <= '9' && ng < 6 && len < 23) {
			groups[ng][len++] = *p;
		} else {
			goto points;
		}
	}
	if (ng == 6) {
		for (i = 0; i < 3; i++) {
			const char *q = groups[2 * i], *f = groups[2 * i + 1];
			double scale = 1;

			if (parse_decimal(&q, &v[i]) != 0)
				return -1;
			for (; *f; f++) {
				scale /= 10;
				v[i] += (*f - '0') * scale;
			}
		}
		return 0;
	}
points:
	v[0] = v[1] = v[2] = 0;
	p = s;
	for (i = 0; i < 3; i++) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		if (parse_decimal(&p, &v[i]) != 0)
			return -1;
	}
	while (*p == ' ' || *p == ',')
		p++;
	return (i == 0 || *p) ? -1 : 0;
}

/* Degrees/minutes/seconds (or h/m/s) of a GPS entry into v[3]; notes problems. */
static int get_triplet(struct reader *r, ExifTag tag, const char *what, double v[3])
{
	ExifEntry *e = entry(r, EXIF_IFD_GPS, tag);
	unsigned long i;

	v[0] = v[1] = v[2] = 0;
	if (!e)
		return -1;
	if (e->format == EXIF_FORMAT_ASCII) {
		char text[64];

		copy_text(text, sizeof(text), e->data, e->components);
		if (parse_triplet_text(text, v) != 0) {
			note(r->ex, "%s: unreadable text \"%.40s\"", what, text);
			return -1;
		}
		note(r->ex, "%s stored as text, not RATIONAL (read as %g %g %g)", what,
		     v[0], v[1], v[2]);
		return 0;
	}
	if (e->format != EXIF_FORMAT_RATIONAL && e->format != EXIF_FORMAT_SRATIONAL) {
		note(r->ex, "%s: wrong format %u", what, (unsigned)e->format);
		return -1;
	}
	if (e->components != 3)
		note(r->ex, "%s: %lu components, expected 3", what, e->components);
	for (i = 0; i < 3 && i < e->components; i++) {
		if (get_rational(r, e, i, &v[i]) != 0) {
			note(r->ex, "%s: zero denominator", what);
			return -1;
		}
		if (v[i] < 0 || !isfinite(v[i])) {
			note(r->ex, "%s: negative value", what);
			return -1;
		}
	}
	return 0;
}

/* 'N'/'S' or 'E'/'W' reference: +1, -1, or 0 when missing or invalid. */
static int get_ref(struct reader *r, ExifTag tag, const char *what, char pos, char neg)
{
	ExifEntry *e = entry(r, EXIF_IFD_GPS, tag);
	char c;

	if (!e) {
		note(r->ex, "%s missing", what);
		return 0;
	}
	if (e->format != EXIF_FORMAT_ASCII && e->format != EXIF_FORMAT_BYTE &&
	    e->format != EXIF_FORMAT_UNDEFINED) {
		note(r->ex, "%s: wrong format %u", what, (unsigned)e->format);
		return 0;
	}
	c = (char)e->data[0];
	if (c == pos || c == pos + 32)
		return 1;
	if (c == neg || c == neg + 32)
		return -1;
	note(r->ex, "%s: invalid value 0x%02x", what, (unsigned char)c);
	return 0;
}

static void read_gps(struct reader *r)
{
	struct tg_exif *ex = r->ex;
	double la[3], lo[3], t[3], alt;
	int have_la, have_lo, sla = 0, slo = 0;
	ExifEntry *e;

	if (!r->ed->ifd[EXIF_IFD_GPS] || r->ed->ifd[EXIF_IFD_GPS]->count == 0)
		return;

	have_la = exif_content_get_entry(r->ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_LATITUDE) != NULL;
	have_lo = exif_content_get_entry(r->ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_LONGITUDE) != NULL;
	if (have_la || have_lo) {
		have_la = get_triplet(r, EXIF_TAG_GPS_LATITUDE, "GPSLatitude", la) == 0;
		have_lo = get_triplet(r, EXIF_TAG_GPS_LONGITUDE, "GPSLongitude", lo) == 0;
		if (have_la)
			sla = get_ref(r, EXIF_TAG_GPS_LATITUDE_REF, "GPSLatitudeRef", 'N', 'S');
		if (have_lo)
			slo = get_ref(r, EXIF_TAG_GPS_LONGITUDE_REF, "GPSLongitudeRef", 'E', 'W');
		if (have_la && have_lo && sla && slo) {
			double lat = la[0] + la[1] / 60.0 + la[2] / 3600.0;
			double lon = lo[0] + lo[1] / 60.0 + lo[2] / 3600.0;

			if (lat > 90.0 || lon > 180.0) {
				note(ex, "GPS position out of range (%g, %g)", lat, lon);
			} else {
				ex->has_gps = 1;
				ex->gps_lat = sla * lat;
				ex->gps_lon = slo * lon;
			}
			if (la[1] >= 60 || la[2] >= 60 || lo[1] >= 60 || lo[2] >= 60)
				note(ex, "GPS minutes or seconds of 60 or more");
		} else if (have_la != have_lo) {
			note(ex, "GPS has only one of latitude and longitude");
		}
	}

	e = entry(r, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE);
	if (e) {
		if (get_rational(r, e, 0, &alt) != 0) {
			note(ex, "GPSAltitude: zero denominator or wrong format");
		} else {
			ExifEntry *ref = entry(r, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF);
			unsigned long rv = 0;

			/* Absent ref means above sea level; 2 and 3 are EXIF 3.0's
			 * sea-level-referenced variants of 0 and 1. */
			if (ref && get_uint(r, ref, 0, &rv) != 0) {
				note(ex, "GPSAltitudeRef: wrong format");
				rv = 0;
			}
			if (rv > 3) {
				note(ex, "GPSAltitudeRef: invalid value %lu", rv);
			} else {
				ex->has_gps_alt = 1;
				ex->gps_alt = (rv == 1 || rv == 3) ? -alt : alt;
			}
		}
	}

	if (exif_content_get_entry(r->ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_TIME_STAMP) &&
	    get_triplet(r, EXIF_TAG_GPS_TIME_STAMP, "GPSTimeStamp", t) == 0) {
		if (t[0] >= 24 || t[1] >= 60 || t[2] >= 61)
			note(ex, "GPSTimeStamp out of range (%g:%g:%g)", t[0], t[1], t[2]);
		else {
			ex->has_gps_time = 1;
			ex->gps_time_s = t[0] * 3600 + t[1] * 60 + t[2];
		}
	}

	get_string(r, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP, ex->gps_date, sizeof(ex->gps_date));

	/* UNDEFINED with an 8-byte character-code prefix ("ASCII\0\0\0"). */
	e = entry(r, EXIF_IFD_GPS, EXIF_TAG_GPS_PROCESSING_METHOD);
	if (e && (e->format == EXIF_FORMAT_UNDEFINED || e->format == EXIF_FORMAT_ASCII)) {
		const unsigned char *d = e->data;
		size_t n = e->components;

		if (n >= 8 && (!memcmp(d, "ASCII\0\0\0", 8) || !memcmp(d, "\0\0\0\0\0\0\0\0", 8)))
			d += 8, n -= 8;
		else if (n >= 8 && (!memcmp(d, "UNICODE\0", 8) || !memcmp(d, "JIS\0\0\0\0\0", 8)))
			n = 0; /* not decoded: libexif's value in raw shows it */
		copy_text(ex->gps_method, sizeof(ex->gps_method), d, n);
	}
}

/* ---- the named fields ---------------------------------------------------- */

static void read_fields(struct reader *r)
{
	struct tg_exif *ex = r->ex;
	ExifEntry *e;
	unsigned long v;

	get_string(r, EXIF_IFD_0, EXIF_TAG_MAKE, ex->make, sizeof(ex->make));
	get_string(r, EXIF_IFD_0, EXIF_TAG_MODEL, ex->model, sizeof(ex->model));
	get_string(r, EXIF_IFD_0, EXIF_TAG_SOFTWARE, ex->software, sizeof(ex->software));
	get_string(r, EXIF_IFD_0, EXIF_TAG_ARTIST, ex->artist, sizeof(ex->artist));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_LENS_MAKE, ex->lens_make, sizeof(ex->lens_make));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL, ex->lens_model, sizeof(ex->lens_model));
	get_string(r, EXIF_IFD_0, EXIF_TAG_DATE_TIME, ex->datetime, sizeof(ex->datetime));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, ex->datetime_original,
		   sizeof(ex->datetime_original));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED, ex->datetime_digitized,
		   sizeof(ex->datetime_digitized));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME, ex->offset_time,
		   sizeof(ex->offset_time));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, ex->offset_original,
		   sizeof(ex->offset_original));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_DIGITIZED, ex->offset_digitized,
		   sizeof(ex->offset_digitized));
	get_string(r, EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL, ex->subsec_original,
		   sizeof(ex->subsec_original));

	/* IFD1's Orientation describes the thumbnail, so only IFD0 counts. */
	e = entry(r, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
	if (e) {
		if (get_uint(r, e, 0, &v) != 0)
			note(ex, "Orientation: wrong format %u", (unsigned)e->format);
		else if (v < 1 || v > 8)
			note(ex, "Orientation: invalid value %lu", v);
		else
			ex->orientation = (int)v;
	}
	e = entry_any(r, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION);
	if (e && get_uint(r, e, 0, &v) == 0 && v <= INT32_MAX)
		ex->width = (int)v;
	e = entry_any(r, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION);
	if (e && get_uint(r, e, 0, &v) == 0 && v <= INT32_MAX)
		ex->height = (int)v;

	read_gps(r);

	if (r->ed->data && r->ed->size) {
		ex->has_thumbnail = 1;
		ex->thumbnail_size = r->ed->size;
	}
}

/* ---- every tag as JSON --------------------------------------------------- */

static int add_text(cJSON *obj, const char *key, const char *value)
{
	char clean[1024];

	if (cJSON_GetObjectItemCaseSensitive(obj, key))
		return 0; /* duplicate tag: the first one read wins */
	copy_text(clean, sizeof(clean), (const unsigned char *)value, strlen(value));
	return cJSON_AddStringToObject(obj, key, clean) ? 0 : -1;
}

static cJSON *dump_all(struct reader *r)
{
	cJSON *root = cJSON_CreateObject();
	char value[1024], nb[16];
	ExifMnoteData *md;
	int ifd;

	if (!root)
		return NULL;
	for (ifd = 0; ifd < EXIF_IFD_COUNT; ifd++) {
		ExifContent *c = r->ed->ifd[ifd];
		cJSON *obj;
		unsigned i;

		if (!c || c->count == 0)
			continue;
		obj = cJSON_AddObjectToObject(root, ifd_key((ExifIfd)ifd));
		if (!obj)
			goto nomem;
		for (i = 0; i < c->count; i++) {
			ExifEntry *e = c->entries[i];

			if (!e)
				continue;
			value[0] = '\0';
			if (e->data && e->size)
				exif_entry_get_value(e, value, sizeof(value));
			if (add_text(obj, tag_name(e->tag, (ExifIfd)ifd, nb, sizeof(nb)),
				     value) != 0)
				goto nomem;
		}
	}
	md = exif_data_get_mnote_data(r->ed);
	if (md) {
		unsigned i, n = exif_mnote_data_count(md);
		cJSON *obj = n ? cJSON_AddObjectToObject(root, "MakerNote") : NULL;

		if (n && !obj)
			goto nomem;
		for (i = 0; i < n && i < 4096; i++) {
			const char *name = exif_mnote_data_get_name(md, i);

			if (!name || !*name) {
				snprintf(nb, sizeof(nb), "0x%04x", exif_mnote_data_get_id(md, i));
				name = nb;
			}
			value[0] = '\0';
			if (!exif_mnote_data_get_value(md, i, value, sizeof(value)))
				value[0] = '\0';
			value[sizeof(value) - 1] = '\0';
			if (add_text(obj, name, value) != 0)
				goto nomem;
		}
	}
	return root;
nomem:
	cJSON_Delete(root);
	return NULL;
}

/* ---- locating the block -------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Walk JPEG markers up to the first scan.  The first APP1 "Exif\0\0" is the
 * block; one that runs past the end is taken as far as it goes (noted).
 * Returns 0 with the block and its length set, or TG_ENOTFOUND.
 */
static int find_in_jpeg(struct tg_exif *ex, const unsigned char *d, size_t len,
			const unsigned char **blk, size_t *blen)
{
	size_t i = 2;

	while (i < len) {
		unsigned char m;
		size_t seg;

		if (d[i] != 0xff) {
			note(ex, "JPEG: no marker at byte %zu", i);
			return TG_ENOTFOUND;
		}
		while (i < len && d[i] == 0xff)
			i++;
		if (i >= len)
			break;
		m = d[i++];
		if (m == 0xd8 || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue; /* no length */
		if (m == 0xd9 || m == 0xda)
			return TG_ENOTFOUND; /* EXIF comes before the image data */
		if (i + 2 > len)
			break;
		seg = (size_t)d[i] << 8 | d[i + 1];
		if (seg < 2) {
			note(ex, "JPEG: segment length %zu at byte %zu", seg, i);
			return TG_ENOTFOUND;
		}
		if (m == 0xe1 && seg >= 8 && i + 8 <= len && !memcmp(d + i + 2, exif_header, 6)) {
			*blk = d + i + 2;
			*blen = seg - 2;
			if (i + seg > len) {
				note(ex, "EXIF segment truncated (%zu of %zu bytes)", len - i - 2,
				     seg - 2);
				*blen = len - i - 2;
			}
			return 0;
		}
		i += seg;
	}
	return TG_ENOTFOUND;
}

/* PNG: the eXIf chunk (a bare TIFF block), before IDAT by the spec. */
static int find_in_png(struct tg_exif *ex, const unsigned char *d, size_t len,
		       const unsigned char **blk, size_t *blen)
{
	size_t i = 8;

	while (i + 8 <= len) {
		uint32_t n = be32(d + i);
		const unsigned char *type = d + i + 4;

		if (!memcmp(type, "eXIf", 4)) {
			*blk = d + i + 8;
			*blen = n;
			if (n > len - i - 8) {
				note(ex, "PNG eXIf chunk truncated");
				*blen = len - i - 8;
			}
			return 0;
		}
		if (!memcmp(type, "IEND", 4) || n > len - i - 8)
			break;
		i += 12 + (size_t)n;
	}
	return TG_ENOTFOUND;
}

static int is_tiff(const unsigned char *d, size_t len)
{
	return len >= 8 && ((!memcmp(d, "II", 2) && d[2] == 42 && d[3] == 0) ||
			    (!memcmp(d, "MM", 2) && d[2] == 0 && d[3] == 42));
}

/* A well-formed "Exif\0\0" + TIFF header whose IFD0 has no entries. */
static int empty_ifd0(const unsigned char *b, size_t n)
{
	const unsigned char *t = b + 6;
	size_t tn = n - 6;
	uint32_t off;
	unsigned count;

	if (n < 6 + 8 || !is_tiff(t, tn))
		return 0;
	if (t[0] == 'I') {
		off = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;
		if (off > tn - 2)
			return 0;
		count = t[off] | (unsigned)t[off + 1] << 8;
	} else {
		off = be32(t + 4);
		if (off > tn - 2)
			return 0;
		count = (unsigned)t[off] << 8 | t[off + 1];
	}
	return count == 0;
}

/* ---- public -------------------------------------------------------------- */

void tg_exif_init(struct tg_exif *ex)
{
	memset(ex, 0, sizeof(*ex));
}

void tg_exif_release(struct tg_exif *ex)
{
	if (!ex)
		return;
	cJSON_Delete(ex->raw);
	tg_exif_init(ex);
}

/* libexif reads at most 64 KiB of a block (the APP1 limit) */
#define LIBEXIF_MAX 0xfffe

int tg_exif_parse(struct tg_exif *out, const unsigned char *data, size_t len)
{
	const unsigned char *blk = NULL;
	unsigned char *owned = NULL;
	size_t blen = 0;
	ExifData *ed = NULL;
	ExifLog *elog = NULL;
	struct reader r;
	int ret, ifd, entries = 0;

	tg_exif_release(out);
	if (!data || len == 0)
		return tg_error(TG_EINPUT, "EXIF: empty input");

	if (len >= 6 && !memcmp(data, exif_header, 6)) {
		blk = data;
		blen = len;
	} else if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) {
		ret = find_in_jpeg(out, data, len, &blk, &blen);
		if (ret)
			return tg_error(ret, "no EXIF in this JPEG");
	} else if (len >= 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8)) {
		ret = find_in_png(out, data, len, &blk, &blen);
		if (ret)
			return tg_error(ret, "no EXIF in this PNG");
		if (blen >= 6 && !memcmp(blk, exif_header, 6))
			note(out, "PNG eXIf chunk starts with \"Exif\\0\\0\"");
	} else if (is_tiff(data, len)) {
		blk = data;
		blen = len;
	} else {
		return tg_error(TG_EINPUT, "not a JPEG, PNG, TIFF or EXIF block");
	}

	/* libexif wants the "Exif\0\0" prefix in front of a bare TIFF block,
	 * and reads no further than 64 KiB into a block (the APP1 limit). */
	if (is_tiff(blk, blen)) {
		if (blen > LIBEXIF_MAX - 6) {
			note(out, "EXIF block of %zu bytes: only the first 64 KiB read", blen);
			blen = LIBEXIF_MAX - 6;
		}
		owned = malloc(blen + 6);
		if (!owned)
			return tg_error(TG_ENOMEM, "EXIF: out of memory");
		memcpy(owned, exif_header, 6);
		memcpy(owned + 6, blk, blen);
		blk = owned;
		blen += 6;
	} else if (blen > LIBEXIF_MAX) {
		note(out, "EXIF block of %zu bytes: only the first 64 KiB read", blen);
	}
	if (blen < 14) {
		note(out, "EXIF block too short (%zu bytes)", blen);
		ret = 0;
		goto out;
	}

	ed = exif_data_new();
	elog = exif_log_new();
	if (!ed || !elog) {
		ret = tg_error(TG_ENOMEM, "EXIF: out of memory");
		goto out;
	}
	exif_log_set_func(elog, exif_log_cb, out);
	exif_data_log(ed, elog);
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_unset_option(ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
	exif_data_load_data(ed, blk, (unsigned int)(blen < (1u << 24) ? blen : (1u << 24)));

	for (ifd = 0; ifd < EXIF_IFD_COUNT; ifd++)
		if (ed->ifd[ifd])
			entries += (int)ed->ifd[ifd]->count;
	if (entries == 0 && !(ed->data && ed->size)) {
		if (empty_ifd0(blk, blen) && !out->malformed) {
			/* what editors leave after stripping: a header, no tags */
			ret = tg_error(TG_ENOTFOUND, "EXIF block holds no tags (empty IFD0)");
			goto out;
		}
		note(out, "EXIF block present but no tag could be read");
		ret = 0;
		goto out;
	}

	r.ed = ed;
	r.order = exif_data_get_byte_order(ed);
	r.ex = out;
	read_fields(&r);
	out->raw = dump_all(&r);
	if (!out->raw) {
		ret = tg_error(TG_ENOMEM, "EXIF: out of memory");
		goto out;
	}
	ret = 0;
out:
	if (ed)
		exif_data_unref(ed);
	if (elog)
		exif_log_unref(elog);
	free(owned);
	if (ret < 0)
		tg_exif_release(out);
	return ret;
}

int tg_exif_read_file(struct tg_exif *out, const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	tg_exif_release(out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tg_error_errno(TG_EINPUT, "%s", path);
	buf = malloc(TG_EXIF_READ_CAP);
	if (!buf) {
		ret = tg_error(TG_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (len < TG_EXIF_READ_CAP) {
		ssize_t n = read(fd, buf + len, TG_EXIF_READ_CAP - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = tg_error_errno(TG_EINPUT, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	ret = tg_exif_parse(out, buf, len);
	if (ret < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", len ? tg_errmsg() : "empty file");
		ret = tg_error(ret, "%s: %s%s", path, why,
			       ret == TG_ENOTFOUND && len == TG_EXIF_READ_CAP ?
			       " (only the first 256 KiB are read)" : "");
	}
out:
	free(buf);
	close(fd);
	return ret;
}

/* ---- dates --------------------------------------------------------------- */

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != ':' && *s != '-' && *s != '0')
			return 0;
	return 1;
}

int tg_exif_datetime_to_iso(const char *dt, const char *off, char *out, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, s, oh = 0, om = 0, len, k;
	char sign = 0;

	if (out && n)
		out[0] = '\0';
	if (!dt || blank(dt))
		return TG_ENOTFOUND;
	if (strnlen(dt, 20) < 19 || digits(dt, 4, &y) || digits(dt + 5, 2, &mo) ||
	    digits(dt + 8, 2, &d) || digits(dt + 11, 2, &h) || digits(dt + 14, 2, &mi) ||
	    digits(dt + 17, 2, &s) || (dt[4] != ':' && dt[4] != '-') || dt[7] != dt[4] ||
	    (dt[10] != ' ' && dt[10] != 'T') || dt[13] != ':' || dt[16] != ':')
		return tg_error(TG_EINPUT, "EXIF date \"%.24s\" is not YYYY:MM:DD HH:MM:SS", dt);
	/* allow a fraction, then only blanks */
	k = 19;
	if (dt[k] == '.')
		for (k++; dt[k] >= '0' && dt[k] <= '9'; k++)
			;
	for (; dt[k] == ' '; k++)
		;
	if (dt[k])
		return tg_error(TG_EINPUT, "EXIF date \"%.24s\" has trailing text", dt);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) ||
	    h > 23 || mi > 59 || s > 60)
		return tg_error(TG_EINPUT, "EXIF date \"%.24s\" is out of range", dt);

	if (off && !blank(off)) {
		size_t ol = strlen(off);

		while (ol && off[ol - 1] == ' ')
			ol--;
		if (ol == 1 && (off[0] == 'Z' || off[0] == 'z')) {
			sign = '+';
		} else if (ol == 6 && (off[0] == '+' || off[0] == '-') && off[3] == ':' &&
			   !digits(off + 1, 2, &oh) && !digits(off + 4, 2, &om) &&
			   oh <= 14 && om <= 59) {
			sign = off[0];
		} else {
			return tg_error(TG_EINPUT, "EXIF time offset \"%.8s\" is not +HH:MM", off);
		}
	}
	if (sign)
		len = snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
			       y, mo, d, h, mi, s, sign, oh, om);
	else
		len = snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
	if (len < 0 || (size_t)len >= n) {
		if (out && n)
			out[0] = '\0';
		return tg_error(TG_ELIMIT, "ISO date buffer too small");
	}
	return 0;
}
