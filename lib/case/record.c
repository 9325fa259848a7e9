#include "case/record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "case/incident.h"
#include "store/store_incident.h"
#include "util/error.h"
#include "util/jsonmem.h"

#define MAX_VALUE 4000

enum kind { K_TEXT, K_TIME, K_LAT, K_LON, K_ITEMS };

static const struct tg_record_field_info fields[] = {
	{ "source_who", "--source-who", "Filmed or posted by" },
	{ "source_where", "--source-where", "Where it was found" },
	{ "earliest_upload", "--earliest-upload", "Earliest known upload" },
	{ "geo_lat", "--geolocation", "Latitude" },
	{ "geo_lon", "--geolocation", "Longitude" },
	{ "geo_method", "--method", "Geolocation method" },
	{ "geo_place", "--place", "Place" },
	{ "chrono_utc", "--chronolocation", "Time (UTC)" },
	{ "chrono_end_utc", "--chronolocation", "Until (UTC)" },
	{ "chrono_method", "--chrono-method", "Chronolocation method" },
	{ "corroboration", "--corroboration", "Corroboration" },
	{ "corroborated_by", "--corroborated-by", "Corroborating items" },
	{ "analyst", "--analyst", "Analyst" },
	{ NULL, NULL, NULL }
};

static const enum kind kinds[] = {
	K_TEXT, K_TEXT, K_TIME, K_LAT, K_LON, K_TEXT, K_TEXT, K_TIME, K_TIME, K_TEXT, K_TEXT,
	K_ITEMS, K_TEXT,
};

static const char *const statuses[] = {
	"unverified", "in_review", "verified", "disputed", "rejected", NULL
};
static const char *const confidences[] = { "low", "medium", "high", NULL };

const struct tg_record_field_info *tg_record_fields(void)
{
	return fields;
}

static int field_index(const char *name)
{
	for (int i = 0; fields[i].name; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

const char *tg_record_status_name(const char *s)
{
	char norm[32];
	size_t i;

	for (i = 0; s[i] && i < sizeof(norm) - 1; i++)
		norm[i] = s[i] == ' ' || s[i] == '-' ? '_' : (char)(s[i] | (s[i] >= 'A' &&
								s[i] <= 'Z' ? 0x20 : 0));
	norm[i] = '\0';
	if (s[i])
		return NULL;
	if (strcmp(norm, "review") == 0)
		return "in_review";
	for (int k = 0; statuses[k]; k++)
		if (strcmp(statuses[k], norm) == 0)
			return statuses[k];
	return NULL;
}

static int check_text(const char *opt, const char *s)
{
	if (strlen(s) > MAX_VALUE)
		return tg_error(TG_EINVAL, "%s is longer than %d bytes", opt, MAX_VALUE);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\n' && *p != '\t')
			return tg_error(TG_EINVAL, "%s contains a control character", opt);
	return 0;
}

static int parse_coord(const char *opt, const char *s, double lim, char *buf, size_t n)
{
	char *end;
	double v;
	size_t len;

	errno = 0;
	v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s || *end || errno || !isfinite(v))
		return tg_error(TG_EINVAL, "%s: '%s' is not a number in decimal degrees", opt, s);
	if (v < -lim || v > lim)
		return tg_error(TG_EINVAL, "%s: %s is outside -%g..%g", opt, s, lim, lim);
	snprintf(buf, n, "%.7f", v);
	len = strlen(buf);
	while (len > 2 && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* "3, abcd12" -> "3,7": every item must exist and not be the record's own. */
static int parse_items(struct tg_case *c, const struct tg_item *self, const char *s, char *buf,
		       size_t n)
{
	char *copy = strdup(s), *save = NULL, *tok;
	long long ids[64];
	int nid = 0, ret = 0;
	size_t len = 0;

	if (!copy)
		return tg_error(TG_ENOMEM, "out of memory");
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		struct tg_item it;

		ret = tg_store_item_find(c->store, tok, &it);
		if (ret < 0) {
			/* not an item is a usage error; a catalog that could not be
			 * read (out of memory, damaged) keeps its own code */
			ret = tg_error(ret == TG_ENOTFOUND || ret == TG_EAMBIG ? TG_EINVAL : ret,
				       "--corroborated-by: %s", tg_errmsg());
			goto out;
		}
		if (it.id == self->id) {
			ret = tg_error(TG_EINVAL, "--corroborated-by: item %lld cannot corroborate itself",
				       it.id);
			goto out;
		}
		if (nid == (int)(sizeof(ids) / sizeof(ids[0]))) {
			ret = tg_error(TG_EINVAL, "--corroborated-by: at most 64 items");
			goto out;
		}
		ids[nid++] = it.id;
	}
	qsort(ids, (size_t)nid, sizeof(ids[0]), cmp_ll);
	buf[0] = '\0';
	for (int i = 0; i < nid; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%lld", len ? "," : "",
					ids[i]);
	}
out:
	free(copy);
	return ret;
}

/* Check and normalise one value into buf ("" clears). */
static int normalise(struct tg_case *c, const struct tg_item *item, int fi, const char *v,
		     char *buf, size_t n)
{
	const char *opt = fields[fi].option;
	int ret;

	buf[0] = '\0';
	if (!v[0])
		return 0;
	switch (kinds[fi]) {
	case K_TIME:
		return tg_incident_time(opt, v, buf, n);
	case K_LAT:
		return parse_coord("--geolocation latitude", v, 90, buf, n);
	case K_LON:
		return parse_coord("--geolocation longitude", v, 180, buf, n);
	case K_ITEMS:
		return parse_items(c, item, v, buf, n);
	case K_TEXT:
		ret = check_text(opt, v);
		if (ret == 0)
			snprintf(buf, n, "%s", v);
		return ret;
	}
	return 0;
}

int tg_record_apply(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(e->details, "changes"), *ch;
	struct tg_item it;
	int ret;

	(void)user;
	if (!e->item[0] || !cJSON_IsObject(changes))
		return tg_error(TG_ECASE, "custody entry %lld: %s without item or changes", e->seq,
				e->action);
	ret = tg_store_item_by_sha(c->store, e->item, &it);
	if (ret < 0)
		return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "custody entry %lld: %s of an unknown "
						      "item", e->seq, e->action) : ret;
	cJSON_ArrayForEach(ch, changes) {
		const cJSON *nv = cJSON_GetObjectItemCaseSensitive(ch, "new");
		struct tg_record_field f = {
			.item_id = it.id, .seq = e->seq, .field = ch->string,
			.value = cJSON_IsString(nv) ? nv->valuestring : NULL,
			.time_utc = e->time, .actor = e->actor,
		};

		ret = tg_store_record_set(c->store, &f);
		if (ret < 0)
			break;
	}
	return ret;
}

/* Add {old, new} for field unless they are equal; returns 1 when added. */
static int add_change(struct tg_case *c, cJSON *changes, long long item_id, const char *field,
		      const char *nv, int *ret)
{
	char *old = malloc(MAX_VALUE + 64);
	int has, added = 0;
	cJSON *ch;

	if (!old) {
		*ret = tg_error(TG_ENOMEM, "out of memory");
		return 0;
	}
	*ret = tg_store_record_get(c->store, item_id, field, old, MAX_VALUE + 64);
	has = *ret == 0;
	if (*ret == TG_ENOTFOUND)
		*ret = 0;
	if (*ret == 0 && !(has ? strcmp(old, nv) == 0 : !nv[0]) &&
	    !cJSON_GetObjectItemCaseSensitive(changes, field)) {
		ch = cJSON_AddObjectToObject(changes, field);
		if (!ch ||
		    tg_jsonmem_add(ch, "old", has ? cJSON_CreateString(old)
						  : cJSON_CreateNull()) < 0 ||
		    tg_jsonmem_add(ch, "new", nv[0] ? cJSON_CreateString(nv)
						    : cJSON_CreateNull()) < 0)
			*ret = tg_error(TG_ENOMEM, "out of memory");
		else
			added = 1;
	}
	free(old);
	return added;
}

/*
 * Will the field be set after changes (the change, else the stored one)?
 * 1 or 0, or the error of a catalog that could not be read (which is not
 * "not set": that would refuse the change with the wrong reason).
 */
static int final_set(struct tg_case *c, const cJSON *changes, long long item_id,
		     const char *field)
{
	const cJSON *ch = cJSON_GetObjectItemCaseSensitive(changes, field);
	char buf[8];
	int ret;

	if (ch)
		return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ch, "new"));
	ret = tg_store_record_get(c->store, item_id, field, buf, sizeof(buf));
	return ret == 0 ? 1 : ret == TG_ENOTFOUND ? 0 : ret;
}

static int record_changes(struct tg_case *c, const char *actor, const struct tg_item *item,
			  const char *action, cJSON *d, int *changed)
{
	cJSON *changes = cJSON_GetObjectItemCaseSensitive(d, "changes");
	int ret = 0;

	*changed = cJSON_GetArraySize(changes);
	if (*changed)
		ret = tg_case_record(c, actor, action, item->sha256, d, tg_record_apply, NULL, NULL);
	if (ret < 0)
		*changed = 0;
	return ret;
}

int tg_record_update(struct tg_case *c, const char *actor, const struct tg_item *item,
		     const struct tg_record_change *ch, int n, int *changed)
{
	char **vals = calloc((size_t)(n > 0 ? n : 1), sizeof(*vals));
	cJSON *d = NULL, *changes;
	int ret = 0, locked = 0, method_missing;

	*changed = 0;
	if (!vals)
		return tg_error(TG_ENOMEM, "out of memory");
	for (int i = 0; i < n && ret == 0; i++) {
		int fi = field_index(ch[i].field);

		if (fi < 0) {
			ret = tg_error(TG_EINVAL, "'%s' is not a field of the verification record",
				       ch[i].field);
			break;
		}
		vals[i] = malloc(MAX_VALUE + 64);
		if (!vals[i])
			ret = tg_error(TG_ENOMEM, "out of memory");
		else
			ret = normalise(c, item, fi, ch[i].value ? ch[i].value : "", vals[i],
					MAX_VALUE + 64);
	}
	if (ret < 0)
		goto out;
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		goto out;
	locked = 1;
	d = cJSON_CreateObject();
	changes = cJSON_AddObjectToObject(d, "changes");
	if (!d || !changes) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < n && ret == 0; i++)
		add_change(c, changes, item->id, ch[i].field, vals[i], &ret);
	if (ret < 0)
		goto out;
	{
		int lat = final_set(c, changes, item->id, "geo_lat");
		int lon = final_set(c, changes, item->id, "geo_lon");
		int method = final_set(c, changes, item->id, "geo_method");

		ret = lat < 0 ? lat : lon < 0 ? lon : method < 0 ? method : 0;
		if (ret < 0)
			goto out;
		if (lat != lon) {
			ret = tg_error(TG_EINVAL, "--geolocation needs both latitude and longitude "
				       "(LAT,LON)");
			goto out;
		}
		method_missing = lat && !method;
	}
	if (method_missing) {
		ret = tg_error(TG_EINVAL, "--geolocation needs --method TEXT: how the place was "
			       "found (e.g. 'facade and lamp posts matched on satellite imagery')");
		goto out;
	}
	ret = record_changes(c, actor, item, "record", d, changed);
out:
	if (locked)
		tg_custody_unlock(&c->custody);
	cJSON_Delete(d);
	for (int i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
	return ret;
}

static int allowed(const char *from, const char *to)
{
	int final_to = strcmp(to, "verified") == 0 || strcmp(to, "disputed") == 0 ||
		       strcmp(to, "rejected") == 0;

	if (strcmp(from, to) == 0 || strcmp(to, "in_review") == 0)
		return 1;
	if (final_to)
		return strcmp(from, "in_review") == 0;
	/* back to unverified: only from review (a final status is reopened first) */
	return strcmp(from, "in_review") == 0;
}

int tg_record_status(struct tg_case *c, const char *actor, const struct tg_item *item,
		     const char *status, const char *confidence, int *changed)
{
	const char *st = NULL, *conf = NULL;
	char cur[64];
	cJSON *d = NULL, *changes;
	int ret;

	*changed = 0;
	if (status) {
		st = tg_record_status_name(status);
		if (!st)
			return tg_error(TG_EINVAL, "--status: '%s' is not a status (unverified, "
					"in_review, verified, disputed, rejected)", status);
	}
	if (confidence) {
		for (int i = 0; confidences[i]; i++)
			if (strcasecmp(confidences[i], confidence) == 0)
				conf = confidences[i];
		if (!conf && confidence[0])
			return tg_error(TG_EINVAL, "--confidence: '%s' is not a level (low, medium, "
					"high)", confidence);
		if (!conf)
			conf = "";
	}
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		return ret;
	d = cJSON_CreateObject();
	changes = cJSON_AddObjectToObject(d, "changes");
	if (!d || !changes) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	if (st) {
		ret = tg_store_record_get(c->store, item->id, "status", cur, sizeof(cur));
		if (ret == TG_ENOTFOUND) {
			snprintf(cur, sizeof(cur), "unverified");
			ret = 0;
		}
		if (ret < 0)
			goto out;
		if (!allowed(cur, st)) {
			ret = tg_error(TG_EINVAL, "item %lld: status %s -> %s is not allowed; the "
				       "order is unverified -> in_review -> verified | disputed | "
				       "rejected (set --status in_review first)", item->id, cur, st);
			goto out;
		}
		if (strcmp(cur, st) != 0) {
			cJSON *ch = cJSON_AddObjectToObject(changes, "status");

			cJSON_AddStringToObject(ch, "old", cur);
			cJSON_AddStringToObject(ch, "new", st);
		}
	}
	if (conf)
		add_change(c, changes, item->id, "confidence", conf, &ret);
	if (ret == 0)
		ret = record_changes(c, actor, item, "status", d, changed);
out:
	cJSON_Delete(d);
	tg_custody_unlock(&c->custody);
	return ret;
}

/* ---- reading ------------------------------------------------------------ */

struct reader {
	cJSON *all;
	long long last_seq;
	char last_time[40], last_actor[128];
};

static int collect(void *user, const struct tg_record_field *f)
{
	struct reader *r = user;

	cJSON_AddStringToObject(r->all, f->field, f->value);
	if (f->seq > r->last_seq) {
		r->last_seq = f->seq;
		snprintf(r->last_time, sizeof(r->last_time), "%s", f->time_utc);
		snprintf(r->last_actor, sizeof(r->last_actor), "%s", f->actor);
	}
	return 0;
}

static void put(cJSON *dst, const char *key, const cJSON *all, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(all, field);

	if (cJSON_IsString(v))
		cJSON_AddStringToObject(dst, key, v->valuestring);
	else
		cJSON_AddNullToObject(dst, key);
}

static void put_num(cJSON *dst, const char *key, const cJSON *all, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(all, field);

	if (cJSON_IsString(v))
		cJSON_AddNumberToObject(dst, key, strtod(v->valuestring, NULL));
	else
		cJSON_AddNullToObject(dst, key);
}

int tg_record_read(struct tg_case *c, long long item_id, cJSON **out)
{
	struct reader r = { cJSON_CreateObject(), 0, "", "" };
	cJSON *o = cJSON_CreateObject(), *sub, *items;
	const cJSON *v;
	int ret;

	*out = NULL;
	if (!r.all || !o) {
		cJSON_Delete(r.all);
		cJSON_Delete(o);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	ret = tg_store_record_fields(c->store, item_id, collect, &r);
	if (ret < 0)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(r.all, "status");
	cJSON_AddStringToObject(o, "status", cJSON_IsString(v) ? v->valuestring : "unverified");
	put(o, "confidence", r.all, "confidence");
	put(o, "analyst", r.all, "analyst");
	sub = cJSON_AddObjectToObject(o, "source");
	put(sub, "who", r.all, "source_who");
	put(sub, "where", r.all, "source_where");
	put(sub, "earliest_upload", r.all, "earliest_upload");
	sub = cJSON_AddObjectToObject(o, "geolocation");
	put_num(sub, "lat", r.all, "geo_lat");
	put_num(sub, "lon", r.all, "geo_lon");
	put(sub, "method", r.all, "geo_method");
	put(sub, "place", r.all, "geo_place");
	sub = cJSON_AddObjectToObject(o, "chronolocation");
	put(sub, "utc", r.all, "chrono_utc");
	put(sub, "end_utc", r.all, "chrono_end_utc");
	put(sub, "method", r.all, "chrono_method");
	sub = cJSON_AddObjectToObject(o, "corroboration");
	put(sub, "text", r.all, "corroboration");
	items = cJSON_AddArrayToObject(sub, "items");
	v = cJSON_GetObjectItemCaseSensitive(r.all, "corroborated_by");
	if (cJSON_IsString(v)) {
		const char *p = v->valuestring;

		while (*p) {
			char *end;
			long long id = strtoll(p, &end, 10);

			if (end == p)
				break;
			if (tg_jsonmem_add(items, NULL, cJSON_CreateNumber((double)id)) < 0) {
				ret = tg_error(TG_ENOMEM, "out of memory");
				goto out;
			}
			p = *end == ',' ? end + 1 : end;
		}
	}
	if (r.last_seq) {
		sub = cJSON_AddObjectToObject(o, "last_change");
		cJSON_AddNumberToObject(sub, "seq", (double)r.last_seq);
		cJSON_AddStringToObject(sub, "time_utc", r.last_time);
		cJSON_AddStringToObject(sub, "actor", r.last_actor);
	} else {
		cJSON_AddNullToObject(o, "last_change");
	}
out:
	cJSON_Delete(r.all);
	if (ret < 0)
		cJSON_Delete(o);
	else
		*out = o;
	return ret;
}
