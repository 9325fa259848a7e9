#include "case/analyse.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash/sha256.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonmem.h"

#define MAX_RUN 16

struct slot {
	const struct tg_case_analyser *ops;
	void *state;
	struct tg_analyser pa;
	char derived[4200];
	int create_failed;
	char error[256];
};

/* What the live record passes its applier. */
struct apply_ctx {
	struct slot *slot;
	const char *result_text;
	double confidence;
	int ok;
};

static int applies(const struct tg_case_analyser *a, const char *media_type)
{
	const char *p = a->applies_to;
	size_t n = strlen(media_type);

	while (p && *p) {
		if (strncmp(p, media_type, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

struct exists_ctx {
	const char *version, *params;
	int found;
};

static int exists_cb(void *user, const struct tg_finding *f)
{
	struct exists_ctx *x = user;

	if (strcmp(f->version, x->version) == 0 && strcmp(f->params, x->params) == 0 &&
	    strcmp(f->status, "ok") == 0)
		x->found = 1;
	return 0;
}

static int already_done(struct tg_case *c, long long item_id, const struct tg_case_analyser *a,
			const char *params)
{
	struct exists_ctx x = { a->version, params, 0 };

	tg_store_findings(c->store, item_id, a->name, exists_cb, &x);
	return x.found;
}

static int apply_rows(struct tg_case *c, const struct tg_custody_entry *e, long long item_id,
		      struct slot *s, const char *result, double confidence, int ok)
{
	const cJSON *d = e->details;
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(d, "params");
	char *ptext = params ? cJSON_PrintUnformatted(params) : NULL;
	struct tg_finding f = { 0 };
	int ret;

	f.item_id = item_id;
	f.analyser = s->ops->name;
	f.version = s->ops->version;
	f.params = ptext ? ptext : "{}";
	f.created_utc = e->time;
	f.status = ok ? "ok" : "failed";
	f.confidence = confidence;
	f.result = result;
	f.seq = e->seq;
	ret = tg_store_finding_put(c->store, &f);
	if (ret == 0 && ok && s->ops->store)
		ret = s->ops->store(s->state, c->store, item_id);
	cJSON_free(ptext);
	return ret;
}

static int apply_live(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	struct apply_ctx *a = user;
	struct tg_item it;
	int ret = tg_store_item_by_sha(c->store, e->item, &it);

	if (ret < 0)
		return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "analysis of an unknown item") : ret;
	return apply_rows(c, e, it.id, a->slot, a->result_text, a->confidence, a->ok);
}

static int make_slot(struct tg_case *c, const struct tg_item *item, const char *obj,
		     const char *params, struct slot *s)
{
	struct tg_analysis_ctx ctx;
	int ret;

	snprintf(s->derived, sizeof(s->derived), "%s/derived/%s/%s", c->dir, item->sha256, s->ops->name);
	ctx.object_path = obj;
	ctx.derived_dir = s->derived;
	ctx.sha256 = item->sha256;
	ctx.item_id = item->id;
	ctx.params = params;
	ctx.c = c;
	memset(&s->pa, 0, sizeof(s->pa));
	s->pa.name = s->ops->name;
	ret = s->ops->create(&s->state, &s->pa, &ctx);
	if (ret < 0) {
		s->create_failed = 1;
		snprintf(s->error, sizeof(s->error), "%s", tg_errmsg());
	}
	return ret;
}

static void destroy_slot(struct slot *s)
{
	if (s->ops && s->ops->destroy && s->state)
		s->ops->destroy(s->state);
	s->state = NULL;
}

/* Record one analyser's outcome: custody entry, finding, rows. */
static int record(struct tg_case *c, const struct tg_item *item, struct slot *s,
		  const char *params, const char *actor, struct tg_analyse_report *rep)
{
	cJSON *result = NULL, *details = cJSON_CreateObject(), *pj = cJSON_Parse(params);
	double confidence = NAN;
	struct apply_ctx ax = { s, NULL, NAN, 0 };
	char *text = NULL, hash[65];
	const char *err = NULL;
	int ret;

	if (!details) {
		cJSON_Delete(pj);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	if (s->create_failed)
		err = s->error;
	else if (s->pa.failed)
		err = s->pa.error;
	else if (s->ops->result(s->state, &result, &confidence) < 0)
		err = tg_errmsg();
	if (err) {
		cJSON_Delete(result);
		result = cJSON_CreateObject();
		cJSON_AddStringToObject(result, "error", err);
		rep->failed++;
		snprintf(rep->failures + strlen(rep->failures),
			 sizeof(rep->failures) - strlen(rep->failures), "%s%s",
			 rep->failures[0] ? "; " : "", err);
	}
	text = cJSON_PrintUnformatted(result);
	if (!text) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	tg_sha256_buf(text, strlen(text), NULL, hash);
	cJSON_AddStringToObject(details, "analyser", s->ops->name);
	cJSON_AddStringToObject(details, "version", s->ops->version);
	tg_jsonmem_add(details, "params", pj ? pj : cJSON_CreateObject());
	pj = NULL;
	cJSON_AddStringToObject(details, "tool", "testigo " TG_VERSION);
	cJSON_AddStringToObject(details, "status", err ? "failed" : "ok");
	if (err)
		cJSON_AddStringToObject(details, "error", err);
	cJSON_AddStringToObject(details, "result_sha256", hash);
	ax.result_text = text;
	ax.confidence = confidence;
	ax.ok = !err;
	ret = tg_case_record(c, actor, "analyse", item->sha256, details, apply_live, &ax, NULL);
	if (ret == 0)
		rep->ran++;
out:
	cJSON_Delete(pj);
	cJSON_Delete(result);
	cJSON_Delete(details);
	cJSON_free(text);
	return ret;
}

int tg_case_analyse(struct tg_case *c, const struct tg_item *item, const char *const *names,
		    int n, const struct tg_analyse_opts *o, struct tg_analyse_report *rep)
{
	const struct tg_case_analyser *const *all = tg_case_analysers();
	struct slot slots[MAX_RUN];
	struct tg_analyser *list[MAX_RUN];
	const char *params = o->params ? o->params : "{}";
	char *obj = tg_case_object_path(c, item->sha256);
	int ns = 0, nl = 0, ret = 0;

	memset(rep, 0, sizeof(*rep));
	memset(slots, 0, sizeof(slots));
	if (!obj)
		return tg_error(TG_ENOMEM, "out of memory");
	/* choose */
	if (names) {
		for (int i = 0; i < n && ns < MAX_RUN; i++) {
			const struct tg_case_analyser *a = tg_case_analyser_find(names[i]);

			if (!a) {
				ret = tg_error(TG_EINVAL, "no analyser named '%s'", names[i]);
				goto out;
			}
			slots[ns++].ops = a;
		}
	} else {
		for (int i = 0; all[i] && ns < MAX_RUN; i++)
			if (applies(all[i], item->media_type))
				slots[ns++].ops = all[i];
	}
	for (int i = 0; i < ns; i++) {
		if (!o->force && already_done(c, item->id, slots[i].ops, params)) {
			slots[i].ops = NULL;
			rep->skipped++;
			continue;
		}
		if (make_slot(c, item, obj, params, &slots[i]) == 0)
			list[nl++] = &slots[i].pa;
	}
	/* one decode pass for all of them */
	if (nl > 0) {
		ret = tg_media_run(obj, list, nl, o->progress, o->progress_user, NULL, NULL);
		if (ret < 0)
			for (int i = 0; i < nl; i++)
				if (!list[i]->failed) {
					list[i]->failed = 1;
					snprintf(list[i]->error, sizeof(list[i]->error), "%s", tg_errmsg());
				}
		ret = 0;
	}
	for (int i = 0; i < ns && ret == 0; i++) {
		if (!slots[i].ops)
			continue;
		/* asked for by default but the file has no such stream: nothing to record */
		if (!names && slots[i].pa.not_applicable) {
			rep->not_applicable++;
			continue;
		}
		ret = record(c, item, &slots[i], params, o->actor, rep);
	}
out:
	for (int i = 0; i < ns; i++)
		destroy_slot(&slots[i]);
	free(obj);
	return ret;
}

/* A finding whose result travels in the custody entry itself. */
static int apply_embedded(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *d = e->details;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "analyser");
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(d, "version");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(d, "params");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(d, "result");
	const cJSON *conf = cJSON_GetObjectItemCaseSensitive(d, "confidence");
	char *ptext = NULL, *rtext = NULL;
	struct tg_finding f = { 0 };
	struct tg_item it;
	int ret;

	(void)user;
	ret = tg_store_item_by_sha(c->store, e->item, &it);
	if (ret < 0)
		return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "custody entry %lld: finding about an "
						      "unknown item", e->seq) : ret;
	if (!cJSON_IsString(name) || !cJSON_IsString(version) || !result)
		return tg_error(TG_ECASE, "custody entry %lld: incomplete finding", e->seq);
	ptext = params ? cJSON_PrintUnformatted(params) : NULL;
	rtext = cJSON_PrintUnformatted(result);
	if (!rtext) {
		cJSON_free(ptext);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	f.item_id = it.id;
	f.analyser = name->valuestring;
	f.version = version->valuestring;
	f.params = ptext ? ptext : "{}";
	f.created_utc = e->time;
	f.status = "ok";
	f.confidence = cJSON_IsNumber(conf) ? conf->valuedouble : NAN;
	f.result = rtext;
	f.seq = e->seq;
	ret = tg_store_finding_put(c->store, &f);
	cJSON_free(ptext);
	cJSON_free(rtext);
	return ret;
}

int tg_case_record_finding(struct tg_case *c, const struct tg_item *item, const char *analyser,
			   const char *version, const cJSON *params, const cJSON *result,
			   double confidence, const char *actor)
{
	cJSON *d = cJSON_CreateObject();
	char *text = cJSON_PrintUnformatted(result), hash[65];
	int ret, whole;

	if (!d || !text) {
		cJSON_Delete(d);
		cJSON_free(text);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	tg_sha256_buf(text, strlen(text), NULL, hash);
	cJSON_AddStringToObject(d, "analyser", analyser);
	cJSON_AddStringToObject(d, "version", version);
	whole = tg_jsonmem_add(d, "params", params ? cJSON_Duplicate(params, 1)
						   : cJSON_CreateObject()) == 0;
	cJSON_AddStringToObject(d, "tool", "testigo " TG_VERSION);
	cJSON_AddStringToObject(d, "status", "ok");
	if (!isnan(confidence))
		cJSON_AddNumberToObject(d, "confidence", confidence);
	cJSON_AddStringToObject(d, "result_sha256", hash);
	if (tg_jsonmem_add(d, "result", cJSON_Duplicate(result, 1)) < 0 || !whole)
		ret = tg_error(TG_ENOMEM, "out of memory");
	else
		ret = tg_case_record(c, actor, "analyse", item->sha256, d, apply_embedded, NULL,
				     NULL);
	cJSON_Delete(d);
	cJSON_free(text);
	return ret;
}

int tg_case_apply_analyse(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *d = e->details;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(d, "analyser");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(d, "status");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(d, "params");
	const struct tg_case_analyser *ops;
	struct slot s;
	struct tg_item it;
	struct tg_analyser *list[1];
	cJSON *result = NULL;
	double confidence = NAN;
	char *ptext = NULL, *text = NULL, *obj = NULL;
	int ret, ok;

	if (cJSON_GetObjectItemCaseSensitive(d, "result"))
		return apply_embedded(c, e, user);
	ret = tg_store_item_by_sha(c->store, e->item, &it);
	if (ret < 0)
		return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "custody entry %lld: analysis of an "
						      "unknown item", e->seq) : ret;
	if (!cJSON_IsString(name) || !(ops = tg_case_analyser_find(name->valuestring)))
		return 0;	/* an analyser this build does not have: the custody row is enough */
	memset(&s, 0, sizeof(s));
	s.ops = ops;
	ptext = params ? cJSON_PrintUnformatted(params) : NULL;
	obj = tg_case_object_path(c, it.sha256);
	ok = cJSON_IsString(status) && strcmp(status->valuestring, "ok") == 0;
	if (!obj) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	if (ok) {
		int why = make_slot(c, &it, obj, ptext ? ptext : "{}", &s);

		if (why == 0) {
			list[0] = &s.pa;
			why = tg_media_run(obj, list, 1, NULL, NULL, NULL, NULL);
			if (why == 0 && s.pa.failed)
				why = s.pa.code ? s.pa.code : TG_EINPUT;
			if (why == 0)
				why = ops->result(s.state, &result, &confidence);
		}
		/* out of memory says nothing about the entry: stop, so that the
		 * next open recomputes it, rather than record it as failed */
		if (why == TG_ENOMEM) {
			ret = tg_error(TG_ENOMEM, "out of memory while recomputing custody entry %lld",
				       e->seq);
			goto out;
		}
		ok = why == 0;
	}
	if (!result) {
		const cJSON *er = cJSON_GetObjectItemCaseSensitive(d, "error");

		result = cJSON_CreateObject();
		cJSON_AddStringToObject(result, "error", cJSON_IsString(er) ? er->valuestring
						       : "could not be recomputed during recovery");
	}
	text = cJSON_PrintUnformatted(result);
	ret = text ? apply_rows(c, e, it.id, &s, text, confidence, ok)
		   : tg_error(TG_ENOMEM, "out of memory");
out:
	destroy_slot(&s);
	cJSON_Delete(result);
	cJSON_free(text);
	cJSON_free(ptext);
	free(obj);
	return ret;
}
