#include "case/tag.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_incident.h"
#include "util/error.h"
#include "util/jsonmem.h"

#define TAG_MAX 64

static const char *const vocabulary[] = {
	/* weapons and means */
	"firearms", "live-ammunition", "less-lethal-weapons", "rubber-bullets", "pellets",
	"tear-gas", "pepper-spray", "water-cannon", "stun-grenade", "baton", "vehicle",
	/* acts */
	"beating", "excessive-force", "arbitrary-arrest", "detention", "enforced-disappearance",
	"torture", "sexual-violence", "kettling", "property-destruction", "threat",
	/* harm */
	"injury", "death",
	/* people */
	"journalist", "human-rights-defender", "minor", "medical-worker", "lawyer", "bystander",
	/* setting */
	"protest", "police", "military", "plainclothes", "checkpoint", "night",
	NULL
};

const char *const *tg_tag_vocabulary(void)
{
	return vocabulary;
}

int tg_tag_controlled(const char *tag)
{
	for (int i = 0; vocabulary[i]; i++)
		if (strcmp(vocabulary[i], tag) == 0)
			return 1;
	return 0;
}

int tg_tag_normalise(const char *in, char *buf, size_t n)
{
	size_t len = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		unsigned char ch = *p;

		if (ch == ' ' || ch == '_' || ch == '-') {
			if (len && buf[len - 1] != '-' && len + 1 < n)
				buf[len++] = '-';
			continue;
		}
		if (ch >= 'A' && ch <= 'Z')
			ch |= 0x20;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		      ch == ':' || ch >= 0x80))
			return tg_error(TG_EINVAL, "tag '%s': use letters, digits, '-', '.' or ':'", in);
		if (len + 1 >= n || len >= TAG_MAX)
			return tg_error(TG_EINVAL, "tag '%s' is longer than %d bytes", in, TAG_MAX);
		buf[len++] = (char)ch;
	}
	while (len && buf[len - 1] == '-')
		len--;
	buf[len] = '\0';
	if (!len)
		return tg_error(TG_EINVAL, "tag '%s' is empty", in);
	return 0;
}

/* A vocabulary tag that shares a word with tag, for the error message. */
static const char *suggest(const char *tag)
{
	for (int i = 0; vocabulary[i]; i++) {
		size_t k = strlen(vocabulary[i]);

		if (strstr(vocabulary[i], tag) || (k >= 4 && strstr(tag, vocabulary[i])) ||
		    strncmp(vocabulary[i], tag, 4) == 0)
			return vocabulary[i];
	}
	return NULL;
}

int tg_tag_apply(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *added = cJSON_GetObjectItemCaseSensitive(e->details, "added");
	const cJSON *removed = cJSON_GetObjectItemCaseSensitive(e->details, "removed");
	const cJSON *v;
	struct tg_item it;
	int ret;

	(void)user;
	if (!e->item[0] || !cJSON_IsArray(added) || !cJSON_IsArray(removed))
		return tg_error(TG_ECASE, "custody entry %lld: tag without item or lists", e->seq);
	ret = tg_store_item_by_sha(c->store, e->item, &it);
	if (ret < 0)
		return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "custody entry %lld: tag of an "
						      "unknown item", e->seq) : ret;
	cJSON_ArrayForEach(v, removed) {
		struct tg_tag_row t = { .item_id = it.id, .tag = cJSON_GetStringValue(v) };

		if (t.tag && (ret = tg_store_tag_set(c->store, &t, 0)) < 0)
			return ret;
	}
	cJSON_ArrayForEach(v, added) {
		struct tg_tag_row t = {
			.item_id = it.id, .seq = e->seq, .tag = cJSON_GetStringValue(v),
			.time_utc = e->time, .actor = e->actor,
		};

		if (!t.tag)
			continue;
		t.controlled = tg_tag_controlled(t.tag);
		ret = tg_store_tag_set(c->store, &t, 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int list_tag(void *user, const struct tg_tag_row *t)
{
	if (tg_jsonmem_add(user, NULL, cJSON_CreateString(t->tag)) < 0)
		return tg_error(TG_ENOMEM, "out of memory");
	return 0;
}

static int in_array(const cJSON *a, const char *s)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, a)
		if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* new = old - removed + added, sorted */
static cJSON *after(const cJSON *old, const cJSON *added, const cJSON *removed)
{
	int n = cJSON_GetArraySize(old) + cJSON_GetArraySize(added), k = 0;
	const char **v = calloc((size_t)n + 1, sizeof(*v));
	const cJSON *x;
	cJSON *out;

	if (!v)
		return NULL;
	cJSON_ArrayForEach(x, old)
		if (!in_array(removed, x->valuestring))
			v[k++] = x->valuestring;
	cJSON_ArrayForEach(x, added)
		v[k++] = x->valuestring;
	qsort(v, (size_t)k, sizeof(*v), cmp_str);
	out = cJSON_CreateStringArray(v, k);
	free(v);
	return out;
}

int tg_tag_update(struct tg_case *c, const char *actor, const struct tg_item *item,
		  const char *const *add, int nadd, const char *const *remove, int nremove,
		  int allow_free, int *changed)
{
	cJSON *d = cJSON_CreateObject(), *old = cJSON_CreateArray(), *added, *removed, *fr, *nw;
	char tag[TAG_MAX + 8];
	int ret;

	*changed = 0;
	if (!d || !old) {
		cJSON_Delete(d);
		cJSON_Delete(old);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	added = cJSON_AddArrayToObject(d, "added");
	removed = cJSON_AddArrayToObject(d, "removed");
	fr = cJSON_AddArrayToObject(d, "free");
	/* check every tag before taking the lock: all or nothing */
	for (int i = 0; i < nadd + nremove; i++) {
		const char *t = i < nadd ? add[i] : remove[i - nadd];
		const char *s;

		ret = tg_tag_normalise(t, tag, sizeof(tag));
		if (ret < 0)
			goto fail;
		if (i < nadd && !allow_free && !tg_tag_controlled(tag)) {
			s = suggest(tag);
			ret = tg_error(TG_EINVAL, "tag '%s' is not in the controlled vocabulary%s%s%s; "
				       "see 'testigo tag --list', or add it as a free tag with --free",
				       tag, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
			goto fail;
		}
	}
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		goto fail;
	ret = tg_store_tags(c->store, item->id, list_tag, old);
	for (int i = 0; ret == 0 && i < nadd + nremove; i++) {
		int is_add = i < nadd;

		tg_tag_normalise(is_add ? add[i] : remove[i - nadd], tag, sizeof(tag));
		if (in_array(added, tag) || in_array(removed, tag))
			continue;
		if (is_add && !in_array(old, tag)) {
			if (tg_jsonmem_add(added, NULL, cJSON_CreateString(tag)) < 0 ||
			    (!tg_tag_controlled(tag) &&
			     tg_jsonmem_add(fr, NULL, cJSON_CreateString(tag)) < 0))
				ret = tg_error(TG_ENOMEM, "out of memory");
		} else if (!is_add && in_array(old, tag)) {
			if (tg_jsonmem_add(removed, NULL, cJSON_CreateString(tag)) < 0)
				ret = tg_error(TG_ENOMEM, "out of memory");
		}
	}
	*changed = cJSON_GetArraySize(added) + cJSON_GetArraySize(removed);
	if (ret == 0 && *changed) {
		nw = after(old, added, removed);
		ret = tg_jsonmem_add(d, "old", old);
		old = NULL;
		if (tg_jsonmem_add(d, "new", nw) < 0 || ret < 0)
			ret = tg_error(TG_ENOMEM, "out of memory");
		else
			ret = tg_case_record(c, actor, "tag", item->sha256, d, tg_tag_apply, NULL,
					     NULL);
	}
	if (ret < 0)
		*changed = 0;
	tg_custody_unlock(&c->custody);
fail:
	cJSON_Delete(old);
	cJSON_Delete(d);
	return ret;
}
