/* store_custody.c - the catalog's mirror of the custody log. */
#include "store/store.h"
#include "store/store_internal.h"
#include "util/error.h"

int tg_store_custody_add(struct tg_store *s, const struct tg_custody_row *r)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "INSERT INTO custody(seq, time_utc, actor, action, "
				      "item_sha256, hash, prev) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, r->seq);
	tg_store_bind_text(st, 2, r->time_utc);
	tg_store_bind_text(st, 3, r->actor);
	tg_store_bind_text(st, 4, r->action);
	tg_store_bind_text(st, 5, r->item_sha256 && r->item_sha256[0] ? r->item_sha256 : NULL);
	tg_store_bind_text(st, 6, r->hash);
	tg_store_bind_text(st, 7, r->prev);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot record a custody entry");
	sqlite3_finalize(st);
	return ret;
}

long long tg_store_custody_max_seq(struct tg_store *s)
{
	sqlite3_stmt *st;
	long long n;
	int ret = tg_store_prepare(s, "SELECT coalesce(max(seq), 0) FROM custody", &st);

	if (ret < 0)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		n = tg_store_fail(s, "cannot read the custody mirror");
	sqlite3_finalize(st);
	return n;
}

int tg_store_custody(struct tg_store *s, const char *item_sha256,
		     tg_store_custody_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT seq, time_utc, actor, action, item_sha256, "
					  "hash, prev FROM custody WHERE ?1 IS NULL OR item_sha256 = ?1 "
					  "ORDER BY seq", &st);

	if (ret < 0)
		return ret;
	tg_store_bind_text(st, 1, item_sha256);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_custody_row r = {
			.seq = sqlite3_column_int64(st, 0),
			.time_utc = tg_store_col_text(st, 1),
			.actor = tg_store_col_text(st, 2),
			.action = tg_store_col_text(st, 3),
			.item_sha256 = tg_store_col_text(st, 4),
			.hash = tg_store_col_text(st, 5),
			.prev = tg_store_col_text(st, 6),
		};
		ret = cb(user, &r);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot list custody entries");
	sqlite3_finalize(st);
	return ret;
}
