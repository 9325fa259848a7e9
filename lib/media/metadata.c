#include "media/metadata.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "media/iso6709.h"
#include "media/nametime.h"
#include "util/isotime.h"
#include "util/jsonmem.h"

/* Two claims of the same instant agree within this (clocks, write delays). */
#define AGREE_S 120.0

/* One claim about when the file was made. */
struct claim {
	const char *source;	/* "exif:DateTimeOriginal", "container:creation_time", ... */
	char text[256];		/* as stored */
	double t;		/* seconds: UTC when absolute, else local-as-if-UTC */
	int absolute;		/* UTC known */
	int offset_min;		/* when absolute and the source gave an offset */
	int has_offset;
};

#define MAX_CLAIMS 8

struct claims {
	struct claim c[MAX_CLAIMS];
	int n;
};

static struct claim *add_claim(struct claims *cs, const char *source, const char *text)
{
	struct claim *c;

	if (cs->n >= MAX_CLAIMS)
		return NULL;
	c = &cs->c[cs->n++];
	memset(c, 0, sizeof(*c));
	c->source = source;
	snprintf(c->text, sizeof(c->text), "%s", text);
	return c;
}

static void claim_iso(struct claims *cs, const char *source, const char *iso, int force_utc)
{
	struct tg_isotime t;
	struct claim *c;

	if (!iso[0] || tg_isotime_parse(iso, &t) != 0 || !t.has_time)
		return;
	if (t.unix_s < 86400.0 * 366)	/* 1970-01-01: "unset" in many files */
		return;
	c = add_claim(cs, source, iso);
	if (!c)
		return;
	c->t = t.unix_s;
	c->absolute = t.has_offset || force_utc;
	c->has_offset = t.has_offset && !force_utc;
	c->offset_min = t.offset_min;
}

/* QuickTime dates: "2019-12-20T20:08:34.000000Z"; Apple: "2019-12-20T17:08:32-0300". */
static void claim_container(struct claims *cs, const struct tg_probe *p)
{
	claim_iso(cs, "container:creation_time", p->creation_time, 1);
	claim_iso(cs, "container:com.apple.quicktime.creationdate", p->apple_creationdate, 0);
}

static void claim_exif(struct claims *cs, const struct tg_exif *ex)
{
	static const struct { const char *source; size_t dt, off; } fields[] = {
		{ "exif:DateTimeOriginal", offsetof(struct tg_exif, datetime_original),
		  offsetof(struct tg_exif, offset_original) },
		{ "exif:DateTimeDigitized", offsetof(struct tg_exif, datetime_digitized),
		  offsetof(struct tg_exif, offset_digitized) },
		{ "exif:DateTime", offsetof(struct tg_exif, datetime),
		  offsetof(struct tg_exif, offset_time) },
	};
	char iso[40];

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *dt = (const char *)ex + fields[i].dt;
		const char *off = (const char *)ex + fields[i].off;

		if (tg_exif_datetime_to_iso(dt, off, iso, sizeof(iso)) == 0)
			claim_iso(cs, fields[i].source, iso, 0);
	}
	if (ex->has_gps_time && ex->gps_date[0]) {
		int y, m, d;

		if (sscanf(ex->gps_date, "%4d:%2d:%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 &&
		    d >= 1 && d <= 31 && y > 1970) {
			struct claim *c = add_claim(cs, "exif:GPSDateStamp+GPSTimeStamp", ex->gps_date);

			if (c) {
				c->t = (double)tg_isotime_days_from_civil(y, m, d) * 86400.0 +
				       ex->gps_time_s;
				c->absolute = 1;
				tg_isotime_utc(c->t, 0, c->text, sizeof(c->text));
			}
		}
	}
}

static void claim_name(struct claims *cs, const char *name)
{
	struct tg_nametime nt;
	struct claim *c;

	tg_nametime_parse(name, &nt);
	if (!nt.found || !nt.has_time)
		return;
	c = add_claim(cs, "file name", name);
	if (c)
		c->t = nt.local_s;
}

static const struct claim *find_claim(const struct claims *cs, const char *source)
{
	for (int i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].source, source) == 0)
			return &cs->c[i];
	return NULL;
}

/* --- observations ------------------------------------------------------ */

static void observe(cJSON *obs, const char *code, const char *severity, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void observe(cJSON *obs, const char *code, const char *severity, const char *fmt, ...)
{
	cJSON *o = cJSON_CreateObject();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(o, "code", code);
	cJSON_AddStringToObject(o, "severity", severity);
	cJSON_AddStringToObject(o, "message", msg);
	tg_jsonmem_add(obs, NULL, o);
}

/* Names of editing and re-encoding software seen in Software/encoder tags. */
static const char *editor_in(const char *s)
{
	static const char *const editors[] = {
		"Photoshop", "Lightroom", "GIMP", "Snapseed", "PicsArt", "Pixelmator",
		"Affinity", "Paint.NET", "Picasa", "Windows Photo Editor", "Photos",
		"iMovie", "Final Cut", "Premiere", "After Effects", "DaVinci", "Resolve",
		"CapCut", "InShot", "KineMaster", "VN ", "Kdenlive", "Shotcut", "OpenShot",
		"HandBrake", "Lavf", "Lavc", "FFmpeg", "VideoLAN", "VLC", "Movavi", "Filmora",
		"Canva", "VSCO", "Instagram", "Adobe", "Corel", "Luminar", "Darktable",
		"RawTherapee", "ImageMagick", "GraphicsMagick", "Facetune", "Meitu",
		NULL
	};

	if (!s || !s[0])
		return NULL;
	for (int i = 0; editors[i]; i++)
		if (strcasestr(s, editors[i]))
			return editors[i];
	return NULL;
}

static void fmt_offset(int minutes, char *buf, size_t n)
{
	int a = minutes < 0 ? -minutes : minutes;

	snprintf(buf, n, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

/*
 * A local time and a UTC time of the same moment differ by the local UTC
 * offset: a whole number of quarter hours within ±14 h.  Returns 1 and the
 * offset when diff (local - utc) is such a value within AGREE_S.
 */
static int implied_offset(double diff, int *minutes)
{
	double q = round(diff / 900.0);

	if (fabs(diff) > 14 * 3600.0 + AGREE_S)
		return 0;
	if (fabs(diff - q * 900.0) > AGREE_S)
		return 0;
	*minutes = (int)q * 15;
	return 1;
}

/* Is claim i the same reading as an earlier claim (same kind, same instant)? */
static int repeats_earlier(const struct claims *cs, int i)
{
	for (int k = 0; k < i; k++)
		if (cs->c[k].absolute == cs->c[i].absolute &&
		    fabs(cs->c[k].t - cs->c[i].t) <= AGREE_S)
			return 1;
	return 0;
}

/*
 * Compare the distinct claims pairwise: equal kinds must agree; a local and
 * a UTC claim must differ by a plausible UTC offset, which is reported.
 */
static void compare_claims(const struct claims *cs, cJSON *obs)
{
	for (int i = 0; i < cs->n; i++) {
		if (repeats_earlier(cs, i))
			continue;
		for (int j = i + 1; j < cs->n; j++) {
			const struct claim *a = &cs->c[i], *b = &cs->c[j];
			const struct claim *local = a->absolute ? b : a, *utc = a->absolute ? a : b;
			char off[16];
			int minutes;

			if (repeats_earlier(cs, j))
				continue;
			if (a->absolute == b->absolute) {
				if (fabs(a->t - b->t) > AGREE_S)
					observe(obs, "timestamps_disagree", "warning",
						"%s (%s) and %s (%s) differ by %.0f s",
						a->source, a->text, b->source, b->text, fabs(a->t - b->t));
			} else if (implied_offset(local->t - utc->t, &minutes)) {
				fmt_offset(minutes, off, sizeof(off));
				observe(obs, "local_offset_implied", "info",
					"%s (local %s) against %s (UTC %s) implies local time UTC%s",
					local->source, local->text, utc->source, utc->text, off);
			} else {
				observe(obs, "timestamps_disagree", "warning",
					"%s (%s) and %s (%s) differ by %.0f s, more than a time-zone offset",
					a->source, a->text, b->source, b->text, fabs(a->t - b->t));
			}
		}
	}
}

/* A local claim that places the absolute claim best in local time, if any. */
static const struct claim *local_for(const struct claims *cs, const struct claim *best, int *minutes)
{
	for (int i = 0; i < cs->n; i++)
		if (!cs->c[i].absolute && implied_offset(cs->c[i].t - best->t, minutes))
			return &cs->c[i];
	return NULL;
}

/* --- the document -------------------------------------------------------- */

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v && v[0])
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void trim_copy(char *dst, size_t n, const char *src)
{
	size_t len;

	snprintf(dst, n, "%s", src ? src : "");
	len = strlen(dst);
	while (len > 0 && (dst[len - 1] == ' ' || dst[len - 1] == '\t'))
		dst[--len] = '\0';
}

/* Pick created_utc: the most direct claim whose UTC instant is known. */
static void created(cJSON *doc, const struct claims *cs, cJSON *obs)
{
	static const char *const order[] = {
		"exif:DateTimeOriginal", "container:com.apple.quicktime.creationdate",
		"exif:DateTimeDigitized", "container:creation_time",
		"exif:GPSDateStamp+GPSTimeStamp", "exif:DateTime", "file name", NULL
	};
	const struct claim *best = NULL, *local = NULL, *gps;
	cJSON *c = cJSON_CreateObject();
	char buf[64], source[160];
	int minutes;

	for (int i = 0; order[i] && !best; i++) {
		const struct claim *k = find_claim(cs, order[i]);

		if (k && k->absolute)
			best = k;
		else if (k && !local)
			local = k;
	}
	gps = find_claim(cs, "exif:GPSDateStamp+GPSTimeStamp");
	/* A local capture time with GPS time: the offset follows (to a quarter hour). */
	if (local && gps && (!best || best == gps) &&
	    implied_offset(local->t - gps->t, &minutes)) {
		double utc = local->t - minutes * 60.0;

		fmt_offset(minutes, buf, sizeof(buf));
		cJSON_AddStringToObject(doc, "created_utc", tg_isotime_utc(utc, 0, buf, sizeof(buf)));
		cJSON_AddStringToObject(c, "utc", buf);
		cJSON_AddStringToObject(c, "local", tg_isotime_local(local->t, buf, sizeof(buf)));
		fmt_offset(minutes, buf, sizeof(buf));
		cJSON_AddStringToObject(c, "offset", buf);
		snprintf(source, sizeof(source), "%s, UTC offset implied by GPS time", local->source);
		cJSON_AddStringToObject(c, "source", source);
	} else if (best) {
		cJSON_AddStringToObject(doc, "created_utc", tg_isotime_utc(best->t, 0, buf, sizeof(buf)));
		cJSON_AddStringToObject(c, "utc", buf);
		if (best->has_offset) {
			cJSON_AddStringToObject(c, "local", tg_isotime_local(best->t + best->offset_min * 60.0,
									     buf, sizeof(buf)));
			fmt_offset(best->offset_min, buf, sizeof(buf));
			cJSON_AddStringToObject(c, "offset", buf);
			cJSON_AddStringToObject(c, "source", best->source);
		} else if ((local = local_for(cs, best, &minutes))) {
			cJSON_AddStringToObject(c, "local", tg_isotime_local(best->t + minutes * 60.0,
									     buf, sizeof(buf)));
			fmt_offset(minutes, buf, sizeof(buf));
			cJSON_AddStringToObject(c, "offset", buf);
			snprintf(source, sizeof(source), "%s; local offset implied by %s", best->source,
				 local->source);
			cJSON_AddStringToObject(c, "source", source);
		} else {
			cJSON_AddNullToObject(c, "local");
			cJSON_AddNullToObject(c, "offset");
			cJSON_AddStringToObject(c, "source", best->source);
		}
	} else if (local) {
		cJSON_AddNullToObject(doc, "created_utc");
		cJSON_AddNullToObject(c, "utc");
		cJSON_AddStringToObject(c, "local", tg_isotime_local(local->t, buf, sizeof(buf)));
		cJSON_AddNullToObject(c, "offset");
		cJSON_AddStringToObject(c, "source", local->source);
		observe(obs, "local_time_only", "info",
			"the capture time %s (%s) has no time zone: it is a local time, not UTC",
			buf, local->source);
	} else {
		cJSON_AddNullToObject(doc, "created_utc");
		cJSON_Delete(c);
		cJSON_AddNullToObject(doc, "created");
		return;
	}
	tg_jsonmem_add(doc, "created", c);
}

static void gps(cJSON *doc, const struct tg_probe *p, cJSON *obs)
{
	double lat, lon, alt;
	int has_alt;
	cJSON *g;

	if (p->has_exif && p->exif.has_gps) {
		lat = p->exif.gps_lat;
		lon = p->exif.gps_lon;
		has_alt = p->exif.has_gps_alt;
		alt = p->exif.gps_alt;
		g = cJSON_AddObjectToObject(doc, "gps");
		cJSON_AddStringToObject(g, "source", "exif");
		if (p->exif.gps_method[0])
			cJSON_AddStringToObject(g, "method", p->exif.gps_method);
	} else if (p->location[0] && tg_iso6709_parse(p->location, &lat, &lon, &alt, &has_alt) == 0) {
		g = cJSON_AddObjectToObject(doc, "gps");
		cJSON_AddStringToObject(g, "source", "container:location (ISO 6709)");
	} else {
		if (p->location[0])
			observe(obs, "bad_location_tag", "warning",
				"the container location tag \"%s\" is not a valid ISO 6709 point",
				p->location);
		cJSON_AddNullToObject(doc, "gps");
		return;
	}
	if (lat == 0 && lon == 0)
		observe(obs, "gps_no_fix", "warning",
			"the GPS position is exactly 0,0: what some phones write when they have no fix");
	if (p->has_exif && p->exif.has_gps && (strcasestr(p->exif.gps_method, "CELL") ||
					       strcasestr(p->exif.gps_method, "NETWORK") ||
					       strcasestr(p->exif.gps_method, "WLAN")))
		observe(obs, "gps_imprecise", "notice",
			"the position came from %s, not satellites: expect hundreds of metres to "
			"kilometres of error, and it may be stale", p->exif.gps_method);
	cJSON_AddNumberToObject(g, "lat", round(lat * 1e7) / 1e7);
	cJSON_AddNumberToObject(g, "lon", round(lon * 1e7) / 1e7);
	if (has_alt)
		cJSON_AddNumberToObject(g, "alt", round(alt * 1e3) / 1e3);
	else
		cJSON_AddNullToObject(g, "alt");
}

static void device(cJSON *doc, const struct tg_probe *p)
{
	cJSON *d = cJSON_AddObjectToObject(doc, "device");
	char make[128], model[128], software[160];

	trim_copy(make, sizeof(make), p->has_exif && p->exif.make[0] ? p->exif.make : p->make);
	trim_copy(model, sizeof(model), p->has_exif && p->exif.model[0] ? p->exif.model : p->model);
	if (p->has_exif && p->exif.software[0])
		trim_copy(software, sizeof(software), p->exif.software);
	else if (p->software[0])
		trim_copy(software, sizeof(software), p->software);
	else {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(p->tags, "com.android.version");

		if (cJSON_IsString(v))
			snprintf(software, sizeof(software), "Android %.60s", v->valuestring);
		else
			software[0] = '\0';
	}
	add_str_or_null(d, "make", make);
	add_str_or_null(d, "model", model);
	add_str_or_null(d, "software", software);
}

static void other_observations(const struct tg_probe *p, const struct claims *cs, cJSON *obs)
{
	double now = tg_isotime_now();

	const char *ed;
	struct tg_nametime nt;
	int is_photo = strcmp(p->media_type, "image") == 0;
	int is_video = strcmp(p->media_type, "video") == 0;

	tg_nametime_parse(p->name, &nt);
	if (!p->is_media)
		observe(obs, "not_media", "info", "not a recognised media file (%s)",
			p->av_error[0] ? p->av_error : "unknown format");
	if (p->index_end > 0 && (unsigned long long)p->index_end > p->size)
		observe(obs, "truncated", "warning",
			"the file is cut short: its index points to data up to byte %lld but it has "
			"only %llu bytes (%.1f%% missing)", p->index_end, p->size,
			100.0 * (double)((unsigned long long)p->index_end - p->size) / (double)p->index_end);
	if (p->decode_errors)
		observe(obs, "container_errors", "warning",
			"the demuxer reported %d error(s) while reading the file: it may be "
			"truncated or damaged", p->decode_errors);
	if (is_photo && !p->has_exif)
		observe(obs, "metadata_stripped", "notice",
			"no EXIF metadata: typical of messaging-app or social-media re-encodes%s",
			nt.whatsapp ? " (the name follows WhatsApp's IMG-date-WA pattern)" : "");
	if (is_video && !p->creation_time[0] && !p->make[0] && !p->location[0] &&
	    !p->apple_creationdate[0])
		observe(obs, "metadata_stripped", "notice",
			"no creation time, device or location tags: typical of messaging-app or "
			"social-media re-encodes");
	if (p->has_exif && p->exif.malformed)
		observe(obs, "exif_malformed", "warning", "EXIF is partly unreadable: %s",
			p->exif.problem);
	if (p->has_exif && (ed = editor_in(p->exif.software)))
		observe(obs, "editing_software", "warning",
			"EXIF Software names an editing application: \"%s\"", p->exif.software);
	if ((ed = editor_in(p->encoder)))
		observe(obs, "editing_software", "notice",
			"the encoder tag \"%s\" names %s: the file was written (re-encoded or "
			"re-muxed) by that software, not by a camera", p->encoder, ed);
	else if ((ed = editor_in(p->software)))
		observe(obs, "editing_software", "notice",
			"the software tag \"%s\" names an editing application", p->software);
	if (is_photo && p->has_exif && p->exif.width > 0 && p->exif.height > 0 && p->width > 0 &&
	    !((p->exif.width == p->width && p->exif.height == p->height) ||
	      (p->exif.width == p->height && p->exif.height == p->width)))
		observe(obs, "dimensions_changed", "notice",
			"EXIF says %dx%d but the image is %dx%d: resized or cropped after capture",
			p->exif.width, p->exif.height, p->width, p->height);
	if (p->has_exif && p->exif.has_thumbnail)
		observe(obs, "embedded_thumbnail", "info",
			"an embedded EXIF thumbnail (%zu bytes) is present: compare it with the "
			"image, an edit often leaves the old thumbnail", p->exif.thumbnail_size);
	if (is_video && p->rotation_deg != 0)
		observe(obs, "rotation", "info", "displayed rotated by %.0f degrees (display matrix)",
			p->rotation_deg);
	if ((is_photo || is_video) && !(p->has_exif && p->exif.has_gps) && !p->location[0])
		observe(obs, "no_location", "info", "no GPS position in the metadata");
	if (nt.found && !nt.has_time && nt.whatsapp && cs->n == 0)
		observe(obs, "name_date_only", "info",
			"the name carries only a date (WhatsApp names files by the day they were received)");
	for (int i = 0; i < cs->n; i++)
		if (cs->c[i].t > now + 14 * 3600.0)
			observe(obs, "time_in_future", "warning",
				"%s (%s) is in the future: the device clock was wrong or the value "
				"was edited", cs->c[i].source, cs->c[i].text);
	compare_claims(cs, obs);
}

static void times(cJSON *doc, const struct claims *cs)
{
	cJSON *arr = cJSON_AddArrayToObject(doc, "times");
	char buf[64];

	for (int i = 0; i < cs->n; i++) {
		cJSON *t = cJSON_CreateObject();

		cJSON_AddStringToObject(t, "source", cs->c[i].source);
		cJSON_AddStringToObject(t, "value", cs->c[i].text);
		if (cs->c[i].absolute)
			cJSON_AddStringToObject(t, "utc", tg_isotime_utc(cs->c[i].t, 0, buf, sizeof(buf)));
		else
			cJSON_AddNullToObject(t, "utc");
		tg_jsonmem_add(arr, NULL, t);
	}
}

cJSON *tg_metadata_document(const struct tg_probe *p, const char *sha256)
{
	cJSON *doc = cJSON_CreateObject(), *obs, *tags;
	struct claims cs = { .n = 0 };

	if (!doc)
		return NULL;
	cJSON_AddStringToObject(doc, "name", p->name);
	add_str_or_null(doc, "sha256", sha256);
	cJSON_AddNumberToObject(doc, "size", (double)p->size);
	cJSON_AddStringToObject(doc, "media_type", p->media_type);
	add_str_or_null(doc, "format", p->format);
	/* a still image has no duration; the demuxer's 1/25 s is a convention */
	if (isfinite(p->duration_s) && strcmp(p->media_type, "image") != 0)
		cJSON_AddNumberToObject(doc, "duration_s", round(p->duration_s * 1e6) / 1e6);
	else
		cJSON_AddNullToObject(doc, "duration_s");
	if (p->bit_rate > 0 && strcmp(p->media_type, "image") != 0)
		cJSON_AddNumberToObject(doc, "bit_rate", (double)p->bit_rate);
	else
		cJSON_AddNullToObject(doc, "bit_rate");
	tg_jsonmem_add(doc, "streams", p->streams ? cJSON_Duplicate(p->streams, 1)
						  : cJSON_CreateArray());
	claim_container(&cs, p);
	if (p->has_exif)
		claim_exif(&cs, &p->exif);
	claim_name(&cs, p->name);

	obs = cJSON_CreateArray();
	created(doc, &cs, obs);
	gps(doc, p, obs);
	device(doc, p);
	times(doc, &cs);
	other_observations(p, &cs, obs);
	tg_jsonmem_add(doc, "observations", obs);

	tags = cJSON_AddObjectToObject(doc, "tags");
	tg_jsonmem_add(tags, "container", p->tags ? cJSON_Duplicate(p->tags, 1)
						  : cJSON_CreateObject());
	if (p->has_exif && p->exif.raw)
		tg_jsonmem_add(tags, "exif", cJSON_Duplicate(p->exif.raw, 1));
	else
		cJSON_AddNullToObject(tags, "exif");
	return doc;
}
