#include "case/export.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "case/incident.h"
#include "case/record.h"
#include "store/store_incident.h"
#include "util/error.h"
#include "util/isotime.h"
#include "util/jsonmem.h"

#define MAX_DERIVED 200

static const struct {
	const char *name, *text;
} methods[] = {
	{ "metadata", "Container and EXIF metadata read with libavformat and libexif: times, "
		      "GPS, device, software; observations flag stripped, edited or disagreeing "
		      "metadata." },
	{ "brightness", "Median luma and share of dark pixels of one frame a second, used to "
			"compare the footage with the sun's position." },
	{ "shots", "Impulsive sounds detected on a spectral-flux onset function and classified "
		   "as gunshots by physical features (rise time, bandwidth, decay), an "
		   "explainable score and models of shallow trees over both; echoes told "
		   "from a burst's further shots, bursts grouped; supersonic cracks told "
		   "apart (not counted as shots) and paired with their muzzle blasts for "
		   "crack-bang ranging." },
	{ "vpdq", "vPDQ: PDQ perceptual hashes of one frame a second (Meta ThreatExchange "
		  "compatible), to find re-uploads, re-encodes and sub-clips." },
	{ "tmk", "TMK+PDQF temporal signature of the whole video (Meta ThreatExchange "
		 "compatible), to compare videos as a whole." },
	{ "keyframes", "Scene-change keyframes saved as JPEG working copies for review." },
	{ "sun", "Solar position (NREL SPA) at the claimed time and place, compared with the "
		 "footage's brightness and shadows." },
	{ "envelope", "Loudness envelope kept to align recordings of the same scene by their "
		      "sound." },
	{ "sync", "Recordings of the same scene aligned by cross-correlating their sound "
		  "envelopes." },
	{ "match", "Items compared with every other item of the case by perceptual hashes." },
};

const char *tg_export_method_text(const char *analyser)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, analyser) == 0)
			return methods[i].text;
	return NULL;
}

struct gather {
	struct tg_case *c;
	long long incident;
	cJSON *items, *incidents, *custody, *methods;
	char (*shas)[65];	/* included items */
	long long *ids;
	int n, alloc;
	long long entries;
	char head[65];
	int ret;
};

/* A string member or "" (never NULL). */
static const char *sv(const cJSON *o, const char *k)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));

	return v ? v : "";
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v && v[0])
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_num(cJSON *o, const char *k, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, v);
}

static cJSON *parse_or_string(const char *text)
{
	cJSON *v = cJSON_Parse(text);

	return v ? v : cJSON_CreateString(text);
}

static int note_ids(void *user, long long id)
{
	struct gather *g = user;

	if (g->n == g->alloc) {
		int na = g->alloc ? g->alloc * 2 : 32;
		long long *p = realloc(g->ids, (size_t)na * sizeof(*p));

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		g->ids = p;
		g->alloc = na;
	}
	g->ids[g->n++] = id;
	return 0;
}

static int all_items(void *user, const struct tg_item *it)
{
	return note_ids(user, it->id);
}

/* ---- one item ------------------------------------------------------------ */

/* Add a finished row to an array (taking it over); TG_ENOMEM when it could not be. */
static int add_row(cJSON *arr, cJSON *o)
{
	return tg_jsonmem_add(arr, NULL, o) < 0 ? tg_error(TG_ENOMEM, "out of memory") : 0;
}

static int emit_acq(void *user, const struct tg_acquisition *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "seq", (double)a->seq);
	add_str(o, "time_utc", a->time_utc);
	add_str(o, "name", a->original_name);
	add_str(o, "path", a->original_path);
	add_str(o, "source", a->source);
	add_str(o, "collector", a->collector);
	add_str(o, "note", a->note);
	add_str(o, "actor", a->actor);
	return add_row(user, o);
}

static int emit_finding(void *user, const struct tg_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	int whole;

	cJSON_AddStringToObject(o, "analyser", f->analyser);
	cJSON_AddStringToObject(o, "version", f->version);
	whole = tg_jsonmem_add(o, "params", parse_or_string(f->params)) == 0;
	cJSON_AddStringToObject(o, "created_utc", f->created_utc);
	cJSON_AddStringToObject(o, "status", f->status);
	add_num(o, "confidence", f->confidence);
	cJSON_AddNumberToObject(o, "seq", (double)f->seq);
	if (tg_jsonmem_add(o, "result", parse_or_string(f->result)) < 0)
		whole = 0;
	if (tg_jsonmem_add(user, NULL, o) < 0 || !whole)
		return tg_error(TG_ENOMEM, "out of memory");
	return 0;
}

static int emit_tag(void *user, const struct tg_tag_row *t)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "tag", t->tag);
	cJSON_AddBoolToObject(o, "controlled", t->controlled);
	cJSON_AddNumberToObject(o, "seq", (double)t->seq);
	return add_row(user, o);
}

static int emit_note(void *user, const struct tg_note_row *n)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "time_utc", n->time_utc);
	cJSON_AddStringToObject(o, "actor", n->actor);
	cJSON_AddStringToObject(o, "text", n->text);
	cJSON_AddNumberToObject(o, "seq", (double)n->seq);
	return add_row(user, o);
}

static int emit_id(void *user, long long id)
{
	return add_row(user, cJSON_CreateNumber((double)id));
}

static int has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcasecmp(name + n - e, ext) == 0;
}

/* Files of derived/<sha>/<sub>/ ending in ext, sorted, as case-relative paths. */
static void list_files(struct tg_case *c, const char *sha, const char *sub, const char *ext,
		       cJSON *arr)
{
	char dir[4300];
	struct dirent **names = NULL;
	int n;

	snprintf(dir, sizeof(dir), "%s/derived/%s/%s", c->dir, sha, sub);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char rel[600], path[4400];
		struct stat st;
		int r1 = snprintf(rel, sizeof(rel), "derived/%s/%s/%s", sha, sub, names[i]->d_name);
		int r2 = snprintf(path, sizeof(path), "%s/%s", c->dir, rel);

		if (r1 > 0 && (size_t)r1 < sizeof(rel) && r2 > 0 && (size_t)r2 < sizeof(path) &&
		    names[i]->d_name[0] != '.' && has_ext(names[i]->d_name, ext) &&
		    lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    cJSON_GetArraySize(arr) < MAX_DERIVED)
			tg_jsonmem_add(arr, NULL, cJSON_CreateString(rel));
		free(names[i]);
	}
	free(names);
}

static cJSON *derived_of(struct tg_case *c, const char *sha)
{
	cJSON *d = cJSON_CreateObject(), *kf = cJSON_AddArrayToObject(d, "keyframes");
	cJSON *plots = cJSON_AddArrayToObject(d, "plots");
	char dir[4300];
	struct dirent **names = NULL;
	int n;

	list_files(c, sha, "keyframes", ".jpg", kf);
	snprintf(dir, sizeof(dir), "%s/derived/%s", c->dir, sha);
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			list_files(c, sha, names[i]->d_name, ".png", plots);
		free(names[i]);
	}
	free(names);
	return d;
}

static cJSON *item_doc(struct gather *g, const struct tg_item *it)
{
	cJSON *o = cJSON_CreateObject(), *arr, *rec = NULL, *meta = NULL, *f;
	struct tg_store *s = g->c->store;
	int ret;

	cJSON_AddNumberToObject(o, "item", (double)it->id);
	cJSON_AddStringToObject(o, "sha256", it->sha256);
	cJSON_AddStringToObject(o, "name", it->first_name);
	cJSON_AddNumberToObject(o, "size", (double)it->size);
	cJSON_AddStringToObject(o, "media_type", it->media_type);
	cJSON_AddStringToObject(o, "added_utc", it->added_utc);
	arr = cJSON_AddArrayToObject(o, "acquisitions");
	ret = tg_store_acquisitions(s, it->id, emit_acq, arr);
	arr = cJSON_AddArrayToObject(o, "findings");
	if (ret == 0)
		ret = tg_store_findings(s, it->id, NULL, emit_finding, arr);
	cJSON_ArrayForEach(f, arr)
		if (strcmp(sv(f, "analyser"), "metadata") == 0)
			meta = cJSON_GetObjectItem(f, "result");
	add_str(o, "created_utc", cJSON_GetStringValue(cJSON_GetObjectItem(meta, "created_utc")));
	add_str(o, "created_source", cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(meta, "created"), "source")));
	if (ret == 0)
		ret = tg_record_read(g->c, it->id, &rec);
	if (rec && tg_jsonmem_add(o, "record", rec) < 0)
		ret = tg_error(TG_ENOMEM, "out of memory");
	arr = cJSON_AddArrayToObject(o, "tags");
	if (ret == 0)
		ret = tg_store_tags(s, it->id, emit_tag, arr);
	arr = cJSON_AddArrayToObject(o, "notes");
	if (ret == 0)
		ret = tg_store_notes(s, it->id, 0, emit_note, arr);
	arr = cJSON_AddArrayToObject(o, "incidents");
	if (ret == 0)
		ret = tg_store_item_incidents(s, it->id, emit_id, arr);
	if (tg_jsonmem_add(o, "derived", derived_of(g->c, it->sha256)) < 0 && ret == 0)
		ret = tg_error(TG_ENOMEM, "out of memory");
	if (ret < 0) {
		cJSON_Delete(o);
		g->ret = ret;
		return NULL;
	}
	return o;
}

/* ---- incidents ------------------------------------------------------------ */

static int emit_count(void *user, const struct tg_incident_count *n)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "kind", n->kind);
	cJSON_AddNumberToObject(o, "value", (double)n->value);
	cJSON_AddStringToObject(o, "source", n->source);
	cJSON_AddStringToObject(o, "time_utc", n->time_utc);
	cJSON_AddStringToObject(o, "actor", n->actor);
	cJSON_AddNumberToObject(o, "seq", (double)n->seq);
	return add_row(user, o);
}

static int emit_incident(void *user, const struct tg_incident *inc)
{
	struct gather *g = user;
	cJSON *o, *arr;
	int ret;

	if (g->incident && inc->id != g->incident)
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "incident", (double)inc->id);
	cJSON_AddStringToObject(o, "title", inc->title);
	add_str(o, "place", inc->place);
	add_num(o, "lat", inc->lat);
	add_num(o, "lon", inc->lon);
	add_str(o, "start_utc", inc->start_utc);
	add_str(o, "end_utc", inc->end_utc);
	add_str(o, "description", inc->description);
	cJSON_AddStringToObject(o, "created_utc", inc->created_utc);
	cJSON_AddStringToObject(o, "created_by", inc->actor);
	cJSON_AddNumberToObject(o, "seq", (double)inc->seq);
	arr = cJSON_AddArrayToObject(o, "items");
	ret = tg_store_incident_items(g->c->store, inc->id, emit_id, arr);
	arr = cJSON_AddArrayToObject(o, "counts");
	if (ret == 0)
		ret = tg_store_counts(g->c->store, inc->id, emit_count, arr);
	arr = cJSON_AddArrayToObject(o, "notes");
	if (ret == 0)
		ret = tg_store_notes(g->c->store, 0, inc->id, emit_note, arr);
	if (ret < 0) {
		cJSON_Delete(o);
		return ret;
	}
	return add_row(g->incidents, o);
}

/* ---- custody -------------------------------------------------------------- */

static int included_sha(const struct gather *g, const char *sha)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->shas[i], sha) == 0)
			return 1;
	return 0;
}

static int walk_custody(void *user, long long line_no, const char *line, size_t len,
			const struct tg_custody_entry *e, const char *problem)
{
	struct gather *g = user;
	const cJSON *inc;
	cJSON *o;
	int whole;

	(void)line_no;
	(void)line;
	(void)len;
	(void)problem;
	if (!e)
		return 0;
	g->entries++;
	memcpy(g->head, e->hash, 65);
	inc = cJSON_GetObjectItemCaseSensitive(e->details, "incident");
	if (g->incident && !(e->item[0] && included_sha(g, e->item)) &&
	    !(cJSON_IsNumber(inc) && (long long)inc->valuedouble == g->incident))
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "seq", (double)e->seq);
	cJSON_AddStringToObject(o, "time", e->time);
	cJSON_AddStringToObject(o, "actor", e->actor);
	cJSON_AddStringToObject(o, "action", e->action);
	add_str(o, "item", e->item);
	whole = tg_jsonmem_add(o, "details", cJSON_Duplicate(e->details, 1)) == 0;
	cJSON_AddStringToObject(o, "hash", e->hash);
	if (tg_jsonmem_add(g->custody, NULL, o) < 0 || !whole)
		return tg_error(TG_ENOMEM, "out of memory");
	return 0;
}

/* ---- methods, summary, timeline ------------------------------------------ */

static void add_method(cJSON *methods_arr, const cJSON *f)
{
	const char *an = sv(f, "analyser"), *ver = sv(f, "version");
	char *params = cJSON_PrintUnformatted(cJSON_GetObjectItem(f, "params"));
	cJSON *m;

	cJSON_ArrayForEach(m, methods_arr) {
		char *p = cJSON_PrintUnformatted(cJSON_GetObjectItem(m, "params"));
		int same = p && params && strcmp(p, params) == 0 &&
			   strcmp(sv(m, "analyser"), an) == 0 && strcmp(sv(m, "version"), ver) == 0;

		cJSON_free(p);
		if (same) {
			cJSON *n = cJSON_GetObjectItem(m, "items");

			if (n)	/* missing when memory ran out */
				cJSON_SetNumberValue(n, n->valuedouble + 1);
			cJSON_free(params);
			return;
		}
	}
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "analyser", an);
	cJSON_AddStringToObject(m, "version", ver);
	tg_jsonmem_add(m, "params", cJSON_Duplicate(cJSON_GetObjectItem(f, "params"), 1));
	cJSON_AddNumberToObject(m, "items", 1);
	add_str(m, "description", tg_export_method_text(an));
	tg_jsonmem_add(methods_arr, NULL, m);
	cJSON_free(params);
}

static void bump(cJSON *obj, const char *key)
{
	cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (n)
		cJSON_SetNumberValue(n, n->valuedouble + 1);
	else
		cJSON_AddNumberToObject(obj, key, 1);
}

struct tl_event {
	double t;
	cJSON *o;
};

static int cmp_event(const void *a, const void *b)
{
	const struct tl_event *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

static cJSON *timeline(const cJSON *items)
{
	cJSON *tl = cJSON_CreateObject(), *events = cJSON_AddArrayToObject(tl, "events");
	cJSON *untimed = cJSON_AddArrayToObject(tl, "untimed"), *it;
	struct tl_event *ev = NULL;
	size_t n = 0, alloc = 0;

	cJSON_ArrayForEach(it, items) {
		const char *created = cJSON_GetStringValue(cJSON_GetObjectItem(it, "created_utc"));
		double id = cJSON_GetNumberValue(cJSON_GetObjectItem(it, "item"));
		struct tg_isotime t;
		const cJSON *f;

		if (!created || tg_isotime_parse(created, &t) < 0) {
			tg_jsonmem_add(untimed, NULL, cJSON_CreateNumber(id));
			continue;
		}
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(it, "findings")) {
			const cJSON *shots = NULL, *s;
			int is_shots = strcmp(sv(f, "analyser"), "shots") == 0;

			if (is_shots)
				shots = cJSON_GetObjectItem(cJSON_GetObjectItem(f, "result"), "shots");
			cJSON_ArrayForEach(s, shots) {
				double off = cJSON_GetNumberValue(cJSON_GetObjectItem(s, "time_s"));
				char buf[40];
				cJSON *o;

				if (isnan(off) || n >= 100000)
					continue;
				if (n == alloc) {
					size_t na = alloc ? alloc * 2 : 64;
					struct tl_event *p = realloc(ev, na * sizeof(*p));

					if (!p)
						break;
					ev = p;
					alloc = na;
				}
				o = cJSON_CreateObject();
				cJSON_AddStringToObject(o, "time_utc", tg_isotime_utc(t.unix_s + off, 1,
										  buf, sizeof(buf)));
				cJSON_AddNumberToObject(o, "item", id);
				cJSON_AddStringToObject(o, "event", "shot");
				cJSON_AddNumberToObject(o, "offset_s", off);
				ev[n].t = t.unix_s + off;
				ev[n++].o = o;
			}
		}
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct tl_event *p = realloc(ev, na * sizeof(*p));

			if (!p)
				continue;
			ev = p;
			alloc = na;
		}
		{
			cJSON *o = cJSON_CreateObject();
			char buf[40];

			cJSON_AddStringToObject(o, "time_utc", tg_isotime_utc(t.unix_s, 0, buf,
									      sizeof(buf)));
			cJSON_AddNumberToObject(o, "item", id);
			cJSON_AddStringToObject(o, "event", "recorded");
			cJSON_AddNumberToObject(o, "offset_s", 0);
			add_str(o, "source", cJSON_GetStringValue(cJSON_GetObjectItem(it,
									"created_source")));
			ev[n].t = t.unix_s - 1e-6;	/* before its own shots */
			ev[n++].o = o;
		}
	}
	if (n)
		qsort(ev, n, sizeof(*ev), cmp_event);
	for (size_t i = 0; i < n; i++)
		tg_jsonmem_add(events, NULL, ev[i].o);
	free(ev);
	return tl;
}

/* A copy of src's member key, under the same key in dst. */
static void copy_member(cJSON *dst, const cJSON *src, const char *key)
{
	tg_jsonmem_add(dst, key, cJSON_Duplicate(cJSON_GetObjectItem(src, key), 1));
}

static cJSON *summary(const cJSON *items, const cJSON *incidents)
{
	static const char *const statuses[] = {
		"unverified", "in_review", "verified", "disputed", "rejected", NULL
	};
	cJSON *s = cJSON_CreateObject(), *st, *conf, *media, *tags, *counts, *it, *inc;
	int findings = 0;

	cJSON_AddNumberToObject(s, "items", cJSON_GetArraySize(items));
	media = cJSON_AddObjectToObject(s, "media_types");
	st = cJSON_AddObjectToObject(s, "statuses");
	for (int i = 0; statuses[i]; i++)
		cJSON_AddNumberToObject(st, statuses[i], 0);
	conf = cJSON_AddObjectToObject(s, "confidence");
	cJSON_AddNumberToObject(conf, "low", 0);
	cJSON_AddNumberToObject(conf, "medium", 0);
	cJSON_AddNumberToObject(conf, "high", 0);
	cJSON_AddNumberToObject(conf, "none", 0);
	tags = cJSON_AddObjectToObject(s, "tags");
	cJSON_ArrayForEach(it, items) {
		const cJSON *rec = cJSON_GetObjectItem(it, "record"), *t;
		const char *c = cJSON_GetStringValue(cJSON_GetObjectItem(rec, "confidence"));

		bump(media, sv(it, "media_type"));
		bump(st, sv(rec, "status"));
		bump(conf, c ? c : "none");
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(it, "tags"))
			bump(tags, sv(t, "tag"));
		findings += cJSON_GetArraySize(cJSON_GetObjectItem(it, "findings"));
	}
	cJSON_AddNumberToObject(s, "findings", findings);
	cJSON_AddNumberToObject(s, "incidents", cJSON_GetArraySize(incidents));
	counts = cJSON_AddArrayToObject(s, "counts");
	cJSON_ArrayForEach(inc, incidents) {
		const cJSON *n;

		cJSON_ArrayForEach(n, cJSON_GetObjectItem(inc, "counts")) {
			cJSON *o = cJSON_CreateObject();

			copy_member(o, inc, "incident");
			copy_member(o, n, "kind");
			copy_member(o, n, "value");
			copy_member(o, n, "source");
			tg_jsonmem_add(counts, NULL, o);
		}
	}
	return s;
}

int tg_export_document(struct tg_case *c, long long incident, cJSON **out)
{
	struct gather g = { .c = c, .incident = incident };
	cJSON *doc = cJSON_CreateObject(), *cs, *it, *sum, *tl;
	char buf[64], pub[TG_ED25519_PUB_HEX];
	unsigned long failed = tg_jsonmem_failures();
	int ret, whole;

	*out = NULL;
	if (!doc)
		return tg_error(TG_ENOMEM, "out of memory");
	g.items = cJSON_CreateArray();
	g.incidents = cJSON_CreateArray();
	g.custody = cJSON_CreateArray();
	g.methods = cJSON_CreateArray();
	cJSON_AddStringToObject(doc, "tool", "testigo " TG_VERSION);
	cJSON_AddStringToObject(doc, "generated_utc", tg_isotime_utc(tg_isotime_now(), 0, buf,
								      sizeof(buf)));
	if (incident) {
		ret = tg_incident_exists(c, incident);
		if (ret < 0)
			goto out;
		ret = tg_store_incident_items(c->store, incident, note_ids, &g);
	} else {
		ret = tg_store_items(c->store, all_items, &g);
	}
	if (ret < 0)
		goto out;
	g.shas = calloc((size_t)g.n + 1, sizeof(*g.shas));
	if (!g.shas) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < g.n; i++) {
		struct tg_item item;
		cJSON *o, *f;

		ret = tg_store_item_get(c->store, g.ids[i], &item);
		if (ret < 0)
			goto out;
		memcpy(g.shas[i], item.sha256, 65);
		o = item_doc(&g, &item);
		if (!o) {
			ret = g.ret;
			goto out;
		}
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(o, "findings"))
			add_method(g.methods, f);
		ret = add_row(g.items, o);
		if (ret < 0)
			goto out;
	}
	ret = tg_store_incidents(c->store, emit_incident, &g);
	if (ret == 0)
		ret = tg_custody_walk(c->custody.path, walk_custody, &g);
	if (ret < 0)
		goto out;
	cs = cJSON_AddObjectToObject(doc, "case");
	ret = tg_store_meta_get(c->store, "case_id", buf, sizeof(buf));
	if (ret < 0 && ret != TG_ENOTFOUND)
		goto out;	/* not read is not absent */
	add_str(cs, "id", ret == 0 ? buf : NULL);
	ret = tg_key_public_hex(&c->custody.key, pub);
	if (ret < 0)
		goto out;
	cJSON_AddStringToObject(cs, "public_key", pub);
	cJSON_AddStringToObject(cs, "key_algorithm", "Ed25519");
	add_str(cs, "custody_head", g.entries ? g.head : NULL);
	cJSON_AddNumberToObject(cs, "entries", (double)g.entries);
	it = cJSON_AddObjectToObject(doc, "scope");
	if (incident)
		cJSON_AddNumberToObject(it, "incident", (double)incident);
	else
		cJSON_AddNullToObject(it, "incident");
	/* both read the items, which are the document's (or freed) once added */
	sum = summary(g.items, g.incidents);
	tl = timeline(g.items);
	whole = tg_jsonmem_add(doc, "summary", sum) == 0;
	whole &= tg_jsonmem_add(doc, "incidents", g.incidents) == 0;
	whole &= tg_jsonmem_add(doc, "items", g.items) == 0;
	whole &= tg_jsonmem_add(doc, "timeline", tl) == 0;
	whole &= tg_jsonmem_add(doc, "custody", g.custody) == 0;
	whole &= tg_jsonmem_add(doc, "methods", g.methods) == 0;
	g.items = g.incidents = g.custody = g.methods = NULL;
	/* a field that cJSON could not add leaves the document short, not failed:
	 * a report or bag must not be written from it */
	if (!whole || tg_jsonmem_failures() != failed) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	*out = doc;
	doc = NULL;
	ret = 0;
out:
	cJSON_Delete(g.items);
	cJSON_Delete(g.incidents);
	cJSON_Delete(g.custody);
	cJSON_Delete(g.methods);
	cJSON_Delete(doc);
	free(g.ids);
	free(g.shas);
	return ret;
}
