#include "case/incident.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_incident.h"
#include "util/error.h"
#include "util/isotime.h"
#include "util/jsonmem.h"

#define MAX_TEXT 4000

static const char *const count_kinds[] = {
	"injured", "killed", "arrested", "detained", "missing",
	"journalists_injured", "journalists_arrested", NULL
};

const char *const *tg_incident_count_kinds(void)
{
	return count_kinds;
}

static const char *json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double json_num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static long long json_incident(const cJSON *d)
{
	double v = json_num(d, "incident");

	return isnan(v) || v < 1 ? 0 : (long long)v;
}

int tg_incident_time(const char *what, const char *s, char *buf, size_t n)
{
	struct tg_isotime t;

	buf[0] = '\0';
	if (!s)
		return 0;
	if (tg_isotime_parse(s, &t) < 0)
		return tg_error(TG_EINVAL, "%s: '%s' is not an ISO 8601 date or time "
				"(e.g. 2020-11-12 or 2020-11-12T21:10-05:00)", what, s);
	if (!t.has_time) {
		char tmp[40];

		tg_isotime_utc(t.unix_s, 0, tmp, sizeof(tmp));
		snprintf(buf, n, "%.10s", tmp);
		return 0;
	}
	if (!t.has_offset)
		return tg_error(TG_EINVAL, "%s: '%s' has no UTC offset; add Z or the local offset "
				"(e.g. %s-05:00) so the time is not guessed", what, s, s);
	tg_isotime_utc(t.unix_s, 0, buf, n);
	return 0;
}

static int check_text(const char *what, const char *s, int required)
{
	if (!s || !s[0])
		return required ? tg_error(TG_EINVAL, "%s must not be empty", what) : 0;
	if (strlen(s) > MAX_TEXT)
		return tg_error(TG_EINVAL, "%s is longer than %d bytes", what, MAX_TEXT);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			return tg_error(TG_EINVAL, "%s contains a control character", what);
	return 0;
}

int tg_incident_exists(struct tg_case *c, long long id)
{
	int ret = tg_store_incident_get(c->store, id, NULL, NULL);

	/* a catalog that could not be read (out of memory) is not "no such incident" */
	return ret == TG_ENOTFOUND ? tg_error(TG_ENOTFOUND, "no incident %lld in this case (see "
					      "'testigo incident ls')", id) : ret;
}

/* ---- new ---------------------------------------------------------------- */

int tg_incident_apply_new(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *d = e->details;
	struct tg_incident inc = {
		.id = json_incident(d), .seq = e->seq,
		.title = json_str(d, "title"), .place = json_str(d, "place"),
		.start_utc = json_str(d, "start_utc"), .end_utc = json_str(d, "end_utc"),
		.description = json_str(d, "description"), .created_utc = e->time,
		.actor = e->actor, .lat = json_num(d, "lat"), .lon = json_num(d, "lon"),
	};

	(void)user;
	if (!inc.id || !inc.title)
		return tg_error(TG_ECASE, "custody entry %lld: incident without number or title",
				e->seq);
	return tg_store_incident_add(c->store, &inc);
}

static void add_opt_str(cJSON *d, const char *key, const char *v)
{
	if (v && v[0])
		cJSON_AddStringToObject(d, key, v);
	else
		cJSON_AddNullToObject(d, key);
}

static void add_opt_num(cJSON *d, const char *key, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(d, key);
	else
		cJSON_AddNumberToObject(d, key, round(v * 1e7) / 1e7);
}

int tg_incident_create(struct tg_case *c, const char *actor, const struct tg_incident_spec *spec,
		       long long *id)
{
	char start[40], end[40];
	cJSON *d = NULL;
	long long next;
	int ret;

	*id = 0;
	ret = check_text("--title", spec->title, 1);
	if (ret == 0)
		ret = check_text("--place", spec->place, 0);
	if (ret == 0)
		ret = check_text("--description", spec->description, 0);
	if (ret < 0)
		return ret;
	if (isnan(spec->lat) != isnan(spec->lon))
		return tg_error(TG_EINVAL, "give both --lat and --lon, or neither");
	if (!isnan(spec->lat) && (spec->lat < -90 || spec->lat > 90))
		return tg_error(TG_EINVAL, "--lat %g is outside -90..90", spec->lat);
	if (!isnan(spec->lon) && (spec->lon < -180 || spec->lon > 180))
		return tg_error(TG_EINVAL, "--lon %g is outside -180..180", spec->lon);
	ret = tg_incident_time("--start", spec->start, start, sizeof(start));
	if (ret == 0)
		ret = tg_incident_time("--end", spec->end, end, sizeof(end));
	if (ret < 0)
		return ret;
	/* same-format strings compare in time order; a date against a time does not */
	if (start[0] && end[0] && strlen(start) == strlen(end) && strcmp(end, start) < 0)
		return tg_error(TG_EINVAL, "--end %s is before --start %s", end, start);
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		return ret;
	next = tg_store_incident_next_id(c->store);
	if (next < 1) {
		ret = TG_EDB;
		goto out;
	}
	d = cJSON_CreateObject();
	if (!d) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(d, "incident", (double)next);
	cJSON_AddStringToObject(d, "op", "new");
	cJSON_AddStringToObject(d, "title", spec->title);
	add_opt_str(d, "place", spec->place);
	add_opt_num(d, "lat", spec->lat);
	add_opt_num(d, "lon", spec->lon);
	add_opt_str(d, "start_utc", start);
	add_opt_str(d, "end_utc", end);
	add_opt_str(d, "description", spec->description);
	ret = tg_case_record(c, actor, "incident", NULL, d, tg_incident_apply_new, NULL, NULL);
	if (ret == 0)
		*id = next;
out:
	cJSON_Delete(d);
	tg_custody_unlock(&c->custody);
	return ret;
}

/* ---- link --------------------------------------------------------------- */

int tg_incident_apply_link(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *linked = cJSON_GetObjectItemCaseSensitive(e->details, "linked");
	const cJSON *nv = cJSON_GetObjectItemCaseSensitive(linked, "new");
	long long inc = json_incident(e->details);
	struct tg_item it;
	int ret;

	(void)user;
	if (!inc || !cJSON_IsBool(nv) || !e->item[0])
		return tg_error(TG_ECASE, "custody entry %lld: link without incident, item or value",
				e->seq);
	ret = tg_store_item_by_sha(c->store, e->item, &it);
	if (ret < 0)
		return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "custody entry %lld: link of an "
						      "unknown item", e->seq) : ret;
	return tg_store_incident_link(c->store, inc, it.id, cJSON_IsTrue(nv), e->seq, e->time,
				      e->actor);
}

int tg_incident_link(struct tg_case *c, const char *actor, long long incident,
		     const struct tg_item *item, int link, int *changed)
{
	cJSON *d = NULL, *l;
	int ret, has;

	*changed = 0;
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		return ret;
	ret = tg_incident_exists(c, incident);
	if (ret < 0)
		goto out;
	has = tg_store_incident_has_item(c->store, incident, item->id);
	if (has < 0 || has == !!link) {
		ret = has < 0 ? has : 0;
		goto out;
	}
	d = cJSON_CreateObject();
	l = cJSON_AddObjectToObject(d, "linked");
	if (!d || !l) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(d, "incident", (double)incident);
	cJSON_AddBoolToObject(l, "old", has);
	cJSON_AddBoolToObject(l, "new", !!link);
	ret = tg_case_record(c, actor, "link", item->sha256, d, tg_incident_apply_link, NULL, NULL);
	if (ret == 0)
		*changed = 1;
out:
	cJSON_Delete(d);
	tg_custody_unlock(&c->custody);
	return ret;
}

/* ---- counts ------------------------------------------------------------- */

int tg_incident_apply_count(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(e->details, "changes"), *ch;
	long long inc = json_incident(e->details);
	int ret = 0;

	(void)user;
	if (!inc || !cJSON_IsObject(changes))
		return tg_error(TG_ECASE, "custody entry %lld: count without incident or changes",
				e->seq);
	cJSON_ArrayForEach(ch, changes) {
		const cJSON *nv = cJSON_GetObjectItemCaseSensitive(ch, "new");
		struct tg_incident_count n = {
			.incident_id = inc, .seq = e->seq, .kind = ch->string,
			.value = cJSON_IsObject(nv) ? (long long)json_num(nv, "value") : -1,
			.source = cJSON_IsObject(nv) ? json_str(nv, "source") : NULL,
			.time_utc = e->time, .actor = e->actor,
		};

		ret = tg_store_count_set(c->store, &n);
		if (ret < 0)
			break;
	}
	return ret;
}

struct old_count {
	const char *kind;
	long long value;
	char source[MAX_TEXT + 1];
};

static int find_count(void *user, const struct tg_incident_count *n)
{
	struct old_count *o = user;

	if (strcmp(n->kind, o->kind) == 0) {
		o->value = n->value;
		snprintf(o->source, sizeof(o->source), "%s", n->source);
	}
	return 0;
}

static int known_kind(const char *k)
{
	for (int i = 0; count_kinds[i]; i++)
		if (strcmp(count_kinds[i], k) == 0)
			return 1;
	return 0;
}

static cJSON *count_value(long long value, const char *source)
{
	cJSON *v;

	if (value < 0)
		return cJSON_CreateNull();
	v = cJSON_CreateObject();
	if (v) {
		cJSON_AddNumberToObject(v, "value", (double)value);
		cJSON_AddStringToObject(v, "source", source);
	}
	return v;
}

int tg_incident_count(struct tg_case *c, const char *actor, long long incident,
		      const char *const *kinds, const long long *values, int n,
		      const char *source, int *changed)
{
	cJSON *d = NULL, *changes;
	int ret;

	*changed = 0;
	if (n < 1)
		return tg_error(TG_EINVAL, "give at least one count (e.g. --injured 3)");
	ret = check_text("--source", source, 1);
	if (ret < 0)
		return tg_error(TG_EINVAL, "every count needs --source TEXT: who reported it "
				"(a hospital, a prosecutor, a press release, the analyst's tally)");
	for (int i = 0; i < n; i++) {
		if (!known_kind(kinds[i]))
			return tg_error(TG_EINVAL, "'%s' is not a count kind", kinds[i]);
		if (values[i] < -1 || values[i] > 100000000)
			return tg_error(TG_EINVAL, "count %s: %lld is out of range", kinds[i],
					values[i]);
	}
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		return ret;
	ret = tg_incident_exists(c, incident);
	if (ret < 0)
		goto out;
	d = cJSON_CreateObject();
	changes = cJSON_CreateObject();
	if (!d || !changes) {
		cJSON_Delete(changes);
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(d, "incident", (double)incident);
	cJSON_AddStringToObject(d, "source", source);
	/* filled below: freed when it cannot be added, so stop at once */
	if (tg_jsonmem_add(d, "changes", changes) < 0) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct old_count *o = calloc(1, sizeof(*o));
		cJSON *ch;

		if (!o) {
			ret = tg_error(TG_ENOMEM, "out of memory");
			goto out;
		}
		o->kind = kinds[i];
		o->value = -1;
		ret = tg_store_counts(c->store, incident, find_count, o);
		if (ret == 0 && !(o->value == values[i] && (values[i] < 0 ||
							  strcmp(o->source, source) == 0)) &&
		    !cJSON_GetObjectItemCaseSensitive(changes, kinds[i])) {
			ch = cJSON_AddObjectToObject(changes, kinds[i]);
			if (!ch ||
			    tg_jsonmem_add(ch, "old", count_value(o->value, o->source)) < 0 ||
			    tg_jsonmem_add(ch, "new", count_value(values[i], source)) < 0)
				ret = tg_error(TG_ENOMEM, "out of memory");
		}
		free(o);
		if (ret < 0)
			goto out;
	}
	*changed = cJSON_GetArraySize(changes);
	if (*changed)
		ret = tg_case_record(c, actor, "count", NULL, d, tg_incident_apply_count, NULL,
				     NULL);
	if (ret < 0)
		*changed = 0;
out:
	cJSON_Delete(d);
	tg_custody_unlock(&c->custody);
	return ret;
}
