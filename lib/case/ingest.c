#include "case/ingest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case/analyse.h"
#include "case/stage.h"
#include "hash/sha256.h"
#include "media/metadata.h"
#include "media/probe.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/isotime.h"

void tg_ingest_result_release(struct tg_ingest_result *r)
{
	if (!r)
		return;
	cJSON_Delete(r->metadata);
	r->metadata = NULL;
}

static const char *json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* What the live acquire passes its applier (replay passes NULL). */
struct acquire_ctx {
	const char *staged_path;
	long long item_id;
};

int tg_ingest_apply_acquire(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *d = e->details, *size = cJSON_GetObjectItemCaseSensitive(d, "size");
	struct tg_acquisition a = { 0 };
	struct acquire_ctx *ctx = user;
	long long id;
	const char *media = json_str(d, "media_type");
	int ret;

	if (!e->item[0] || !cJSON_IsNumber(size))
		return tg_error(TG_ECASE, "custody entry %lld: acquire without item or size", e->seq);
	ret = ctx ? tg_stage_commit_path(c, e->item, ctx->staged_path) : tg_stage_commit(c, e->item);
	if (ret < 0)
		return ret;
	ret = tg_store_item_add(c->store, e->item, (unsigned long long)size->valuedouble,
				media ? media : "other", json_str(d, "name"), e->time, e->seq, &id, NULL);
	if (ret < 0)
		return ret;
	a.item_id = id;
	a.seq = e->seq;
	a.time_utc = e->time;
	a.original_name = json_str(d, "name");
	a.original_path = json_str(d, "path");
	a.source = json_str(d, "source");
	a.collector = json_str(d, "collector");
	a.note = json_str(d, "note");
	a.actor = e->actor;
	ret = tg_store_acquisition_add(c->store, &a);
	if (ret == 0 && ctx)
		ctx->item_id = id;
	return ret;
}

int tg_ingest_probe_object(struct tg_case *c, const char *sha256, const char *name, cJSON **doc)
{
	struct tg_probe p;
	char *path = tg_case_object_path(c, sha256);
	int ret;

	*doc = NULL;
	if (!path)
		return tg_error(TG_ENOMEM, "out of memory");
	tg_probe_init(&p);
	ret = tg_probe_file(&p, path);
	if (ret == 0) {
		/* the file name is evidence too (a claimed capture time): use the original */
		snprintf(p.name, sizeof(p.name), "%s", name);
		*doc = tg_metadata_document(&p, sha256);
		if (!*doc)
			ret = tg_error(TG_ENOMEM, "out of memory");
	}
	tg_probe_release(&p);
	free(path);
	return ret;
}

/* user: the metadata document as JSON text, or NULL on replay (probe again). */
int tg_ingest_apply_probe(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	struct tg_finding f = { 0 };
	struct tg_item it;
	char *text = user, *owned = NULL;
	int ret = tg_store_item_by_sha(c->store, e->item, &it);

	if (ret < 0)
		return ret == TG_ENOTFOUND
			       ? tg_error(TG_ECASE, "custody entry %lld: probe of an unknown item", e->seq)
			       : ret;
	if (!text) {
		cJSON *doc;

		ret = tg_ingest_probe_object(c, e->item, it.first_name, &doc);
		if (ret < 0)
			return ret;
		owned = cJSON_PrintUnformatted(doc);
		cJSON_Delete(doc);
		if (!owned)
			return tg_error(TG_ENOMEM, "out of memory");
		text = owned;
	}
	f.item_id = it.id;
	f.analyser = TG_METADATA_ANALYSER;
	f.version = TG_METADATA_VERSION;
	f.params = "{}";
	f.created_utc = e->time;
	f.status = "ok";
	f.confidence = NAN;
	f.result = text;
	f.seq = e->seq;
	ret = tg_store_finding_put(c->store, &f);
	free(owned);
	return ret;
}

static cJSON *acquire_details(const char *path, const struct tg_ingest_opts *o,
			      unsigned long long size, const char *media_type)
{
	cJSON *d = cJSON_CreateObject();
	const char *slash = strrchr(path, '/');
	char *abs = realpath(path, NULL);

	if (!d) {
		free(abs);
		return NULL;
	}
	cJSON_AddStringToObject(d, "name", slash ? slash + 1 : path);
	cJSON_AddStringToObject(d, "path", abs ? abs : path);
	cJSON_AddNumberToObject(d, "size", (double)size);
	cJSON_AddStringToObject(d, "media_type", media_type);
	if (o->source)
		cJSON_AddStringToObject(d, "source", o->source);
	if (o->collector)
		cJSON_AddStringToObject(d, "collector", o->collector);
	if (o->note)
		cJSON_AddStringToObject(d, "note", o->note);
	free(abs);
	return d;
}

static int record_probe(struct tg_case *c, const struct tg_ingest_opts *o, const char *sha,
			const char *name, struct tg_ingest_result *out)
{
	cJSON *doc = NULL, *details = NULL, *obs;
	char *text = NULL, hash[65];
	int ret = tg_ingest_probe_object(c, sha, name, &doc);

	if (ret < 0)
		return ret;
	text = cJSON_PrintUnformatted(doc);
	details = cJSON_CreateObject();
	if (!text || !details) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	tg_sha256_buf(text, strlen(text), NULL, hash);
	cJSON_AddStringToObject(details, "analyser", TG_METADATA_ANALYSER);
	cJSON_AddStringToObject(details, "version", TG_METADATA_VERSION);
	cJSON_AddStringToObject(details, "tool", "testigo " TG_VERSION);
	cJSON_AddStringToObject(details, "result_sha256", hash);
	obs = cJSON_GetObjectItemCaseSensitive(doc, "observations");
	cJSON_AddNumberToObject(details, "observations", cJSON_GetArraySize(obs));
	ret = tg_case_record(c, o->actor, "probe", sha, details, tg_ingest_apply_probe, text, NULL);
	if (ret == 0) {
		out->metadata = doc;
		doc = NULL;
	}
out:
	cJSON_free(text);
	cJSON_Delete(details);
	cJSON_Delete(doc);
	return ret;
}

/* The one decode pass of every analyser that applies (already done ones are skipped). */
static int analyse_new_item(struct tg_case *c, const struct tg_ingest_opts *o,
			    struct tg_ingest_result *out)
{
	struct tg_analyse_opts ao = { o->actor, NULL, 0, o->progress, o->progress_user };
	struct tg_analyse_report rep;
	struct tg_item it;
	int ret = tg_store_item_get(c->store, out->item_id, &it);

	if (ret < 0)
		return ret;
	ret = tg_case_analyse(c, &it, NULL, 0, &ao, &rep);
	out->analyses_run = rep.ran;
	out->analyses_failed = rep.failed;
	snprintf(out->analysis_failures, sizeof(out->analysis_failures), "%s", rep.failures);
	return ret;
}

int tg_ingest_file(struct tg_case *c, const char *path, const struct tg_ingest_opts *o,
		   struct tg_ingest_result *out)
{
	struct tg_stage st;
	struct tg_probe p;
	cJSON *details = NULL;
	struct tg_item existing;
	struct acquire_ctx ctx = { NULL, 0 };
	const char *slash = strrchr(path, '/');
	int ret, had_finding = 0;

	memset(out, 0, sizeof(*out));
	tg_probe_init(&p);
	ret = tg_stage_copy(c, path, &st, o->progress, o->progress_user);
	if (ret < 0)
		return ret;
	memcpy(out->sha256, st.sha256, 65);
	out->size = st.size;
	/* Classify from the staged copy: the bytes that will be evidence. */
	ret = tg_probe_file(&p, st.path);
	if (ret < 0)
		goto out;
	snprintf(out->media_type, sizeof(out->media_type), "%s", p.media_type);
	ret = tg_store_item_by_sha(c->store, st.sha256, &existing);
	if (ret < 0 && ret != TG_ENOTFOUND)
		goto out;	/* not knowing is not "already there" */
	out->new_item = ret == TG_ENOTFOUND;
	had_finding = !out->new_item;
	details = acquire_details(path, o, st.size, p.media_type);
	if (!details) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	ctx.staged_path = st.path;
	ret = tg_case_record(c, o->actor, "acquire", st.sha256, details, tg_ingest_apply_acquire,
			     &ctx, NULL);
	if (ret < 0) {
		char cause[512];

		snprintf(cause, sizeof(cause), "%s", tg_errmsg());
		if (c->lagging) {
			/* logged but not applied: the next open moves the staged
			 * copy into place (it must not be deleted with the add) */
			tg_stage_forget(&st);
			ret = tg_error(ret, "%s: acquired in the custody log, to be completed when "
				       "the case is next opened: %s", path, cause);
		} else {
			ret = tg_error(ret, "%s: %s", path, cause);
		}
		goto out;
	}
	out->item_id = ctx.item_id;
	tg_stage_forget(&st);	/* committed: the staged copy is now the object */
	if (!had_finding)
		ret = record_probe(c, o, out->sha256, slash ? slash + 1 : path, out);
	if (ret == 0 && !o->no_analysis && strcmp(out->media_type, "other") != 0)
		ret = analyse_new_item(c, o, out);
out:
	tg_stage_release(&st);
	tg_probe_release(&p);
	cJSON_Delete(details);
	return ret;
}
