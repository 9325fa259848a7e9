/* store_item.c - items and their acquisitions in the catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash/sha256.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "util/error.h"

#define ITEM_COLUMNS \
	"i.id, i.sha256, i.size, i.media_type, i.first_name, i.added_utc, i.added_seq, " \
	"(SELECT count(*) FROM acquisitions a WHERE a.item_id = i.id)"

static void read_item(sqlite3_stmt *st, struct tg_item *it)
{
	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	snprintf(it->sha256, sizeof(it->sha256), "%s", tg_store_col_text(st, 1));
	it->size = (unsigned long long)sqlite3_column_int64(st, 2);
	snprintf(it->media_type, sizeof(it->media_type), "%s", tg_store_col_text(st, 3));
	snprintf(it->first_name, sizeof(it->first_name), "%s", tg_store_col_text(st, 4));
	snprintf(it->added_utc, sizeof(it->added_utc), "%s", tg_store_col_text(st, 5));
	it->added_seq = sqlite3_column_int64(st, 6);
	it->acquisitions = sqlite3_column_int(st, 7);
}

int tg_store_item_add(struct tg_store *s, const char *sha256, unsigned long long size,
		      const char *media_type, const char *name, const char *time_utc,
		      long long seq, long long *id, int *created)
{
	sqlite3_stmt *st;
	struct tg_item it;
	int ret;

	ret = tg_store_item_by_sha(s, sha256, &it);
	if (ret == 0) {
		*id = it.id;
		if (created)
			*created = 0;
		return 0;
	}
	if (ret != TG_ENOTFOUND)
		return ret;
	ret = tg_store_prepare(s, "INSERT INTO items(sha256, size, media_type, first_name, "
				  "added_utc, added_seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st);
	if (ret < 0)
		return ret;
	tg_store_bind_text(st, 1, sha256);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	tg_store_bind_text(st, 3, media_type);
	tg_store_bind_text(st, 4, name ? name : "");
	tg_store_bind_text(st, 5, time_utc);
	sqlite3_bind_int64(st, 6, seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot add an item");
	else {
		*id = sqlite3_last_insert_rowid(s->db);
		if (created)
			*created = 1;
	}
	sqlite3_finalize(st);
	return ret;
}

static int item_query(struct tg_store *s, const char *where, const char *arg,
		      long long num, struct tg_item *it, int *matches)
{
	char sql[512];
	sqlite3_stmt *st;
	int ret, rc;

	snprintf(sql, sizeof(sql), "SELECT " ITEM_COLUMNS " FROM items i WHERE %s "
		 "ORDER BY i.id LIMIT 2", where);
	ret = tg_store_prepare(s, sql, &st);
	if (ret < 0)
		return ret;
	if (arg)
		tg_store_bind_text(st, 1, arg);
	else
		sqlite3_bind_int64(st, 1, num);
	*matches = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++*matches == 1)
			read_item(st, it);
	}
	if (rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read items");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_item_get(struct tg_store *s, long long id, struct tg_item *it)
{
	int n, ret = item_query(s, "i.id = ?1", NULL, id, it, &n);

	if (ret == 0 && n == 0)
		ret = tg_error(TG_ENOTFOUND, "no item %lld in this case", id);
	return ret;
}

int tg_store_item_by_sha(struct tg_store *s, const char *sha256, struct tg_item *it)
{
	int n, ret = item_query(s, "i.sha256 = ?1", sha256, 0, it, &n);

	if (ret == 0 && n == 0)
		ret = TG_ENOTFOUND;
	return ret;
}

int tg_store_item_find(struct tg_store *s, const char *spec, struct tg_item *it)
{
	char pattern[80];
	size_t len = strlen(spec), i;
	int n, ret, all_digits = len > 0;

	for (i = 0; i < len; i++)
		if (spec[i] < '0' || spec[i] > '9')
			all_digits = 0;
	/* Short all-digit names are ids; longer ones may be hash prefixes. */
	if (all_digits && len < 4)
		return tg_store_item_get(s, strtoll(spec, NULL, 10), it);
	if (len > 64 || len < 4)
		return tg_error(TG_ENOTFOUND, "'%s' is neither an item id nor a SHA-256 prefix "
				"(at least 4 hex digits)", spec);
	for (i = 0; i < len; i++) {
		char c = spec[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return tg_error(TG_ENOTFOUND, "'%s' is neither an item id nor a SHA-256 "
					"prefix", spec);
		pattern[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	pattern[len] = '%';
	pattern[len + 1] = '\0';
	ret = item_query(s, "i.sha256 LIKE ?1", pattern, 0, it, &n);
	if (ret < 0)
		return ret;
	if (n == 0 && all_digits)
		return tg_store_item_get(s, strtoll(spec, NULL, 10), it);
	if (n == 0)
		return tg_error(TG_ENOTFOUND, "no item matches '%s' in this case", spec);
	if (n > 1)
		return tg_error(TG_EAMBIG, "'%s' matches several items; give more digits", spec);
	return 0;
}

int tg_store_items(struct tg_store *s, tg_store_item_cb cb, void *user)
{
	sqlite3_stmt *st;
	struct tg_item it;
	int ret = tg_store_prepare(s, "SELECT " ITEM_COLUMNS " FROM items i ORDER BY i.id", &st);
	int rc;

	if (ret < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_item(st, &it);
		ret = cb(user, &it);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot list items");
	sqlite3_finalize(st);
	return ret;
}

long long tg_store_item_count(struct tg_store *s)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (tg_store_prepare(s, "SELECT count(*) FROM items", &st) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int tg_store_acquisition_add(struct tg_store *s, const struct tg_acquisition *a)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "INSERT INTO acquisitions(item_id, seq, time_utc, "
				      "original_name, original_path, source, collector, note, actor) "
				      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, a->item_id);
	sqlite3_bind_int64(st, 2, a->seq);
	tg_store_bind_text(st, 3, a->time_utc);
	tg_store_bind_text(st, 4, a->original_name);
	tg_store_bind_text(st, 5, a->original_path);
	tg_store_bind_text(st, 6, a->source);
	tg_store_bind_text(st, 7, a->collector);
	tg_store_bind_text(st, 8, a->note);
	tg_store_bind_text(st, 9, a->actor);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot record an acquisition");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_acquisitions(struct tg_store *s, long long item_id,
			  tg_store_acquisition_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT id, item_id, seq, time_utc, original_name, "
					  "original_path, source, collector, note, actor "
					  "FROM acquisitions WHERE item_id = ?1 ORDER BY seq", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_acquisition a = {
			.id = sqlite3_column_int64(st, 0),
			.item_id = sqlite3_column_int64(st, 1),
			.seq = sqlite3_column_int64(st, 2),
			.time_utc = tg_store_col_text(st, 3),
			.original_name = tg_store_col_text(st, 4),
			.original_path = tg_store_col_text(st, 5),
			.source = tg_store_col_text(st, 6),
			.collector = tg_store_col_text(st, 7),
			.note = tg_store_col_text(st, 8),
			.actor = tg_store_col_text(st, 9),
		};
		ret = cb(user, &a);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot list acquisitions");
	sqlite3_finalize(st);
	return ret;
}
