#include "case/note.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "case/incident.h"
#include "store/store_incident.h"
#include "util/error.h"

int tg_note_apply(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(e->details, "text");
	const cJSON *inc = cJSON_GetObjectItemCaseSensitive(e->details, "incident");
	struct tg_note_row n = { .seq = e->seq, .time_utc = e->time, .actor = e->actor };
	struct tg_item it;
	int ret;

	(void)user;
	if (!cJSON_IsString(text) || (!e->item[0] && !cJSON_IsNumber(inc)))
		return tg_error(TG_ECASE, "custody entry %lld: note without text or subject", e->seq);
	n.text = text->valuestring;
	if (e->item[0]) {
		ret = tg_store_item_by_sha(c->store, e->item, &it);
		if (ret < 0)
			return ret == TG_ENOTFOUND ? tg_error(TG_ECASE, "custody entry %lld: note on "
							      "an unknown item", e->seq) : ret;
		n.item_id = it.id;
	}
	if (cJSON_IsNumber(inc))
		n.incident_id = (long long)inc->valuedouble;
	return tg_store_note_add(c->store, &n);
}

int tg_note_add(struct tg_case *c, const char *actor, const struct tg_item *item,
		long long incident, const char *text, long long *seq)
{
	struct tg_custody_entry e = { 0 };
	cJSON *d;
	size_t len = strlen(text);
	int ret;

	*seq = 0;
	if (len == 0 || strspn(text, " \t\n") == len)
		return tg_error(TG_EINVAL, "the note is empty");
	if (len > TG_NOTE_MAX)
		return tg_error(TG_EINVAL, "the note is longer than %d bytes", TG_NOTE_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n' && text[i] != '\t')
			return tg_error(TG_EINVAL, "the note contains a control character");
	if (!item) {
		ret = tg_incident_exists(c, incident);
		if (ret < 0)
			return ret;
	}
	d = cJSON_CreateObject();
	if (!d)
		return tg_error(TG_ENOMEM, "out of memory");
	if (!item)
		cJSON_AddNumberToObject(d, "incident", (double)incident);
	cJSON_AddStringToObject(d, "text", text);
	ret = tg_case_record(c, actor, "note", item ? item->sha256 : NULL, d, tg_note_apply, NULL,
			     &e);
	if (ret == 0)
		*seq = e.seq;
	tg_custody_entry_release(&e);
	cJSON_Delete(d);
	return ret;
}
