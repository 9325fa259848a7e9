/* store_finding.c - analysis results, keyed by item, analyser, version, params. */
#include <math.h>

#include "store/store.h"
#include "store/store_internal.h"
#include "util/error.h"

int tg_store_finding_put(struct tg_store *s, const struct tg_finding *f)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s,
		"INSERT INTO findings(item_id, analyser, version, params, created_utc, status, "
		"confidence, result, seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
		"ON CONFLICT(item_id, analyser, version, params) DO UPDATE SET "
		"created_utc = ?5, status = ?6, confidence = ?7, result = ?8, seq = ?9", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, f->item_id);
	tg_store_bind_text(st, 2, f->analyser);
	tg_store_bind_text(st, 3, f->version);
	tg_store_bind_text(st, 4, f->params ? f->params : "{}");
	tg_store_bind_text(st, 5, f->created_utc);
	tg_store_bind_text(st, 6, f->status ? f->status : "ok");
	if (isnan(f->confidence))
		sqlite3_bind_null(st, 7);
	else
		sqlite3_bind_double(st, 7, f->confidence);
	tg_store_bind_text(st, 8, f->result ? f->result : "{}");
	sqlite3_bind_int64(st, 9, f->seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot record a finding");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_findings(struct tg_store *s, long long item_id, const char *analyser,
		      tg_store_finding_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s,
		"SELECT id, item_id, seq, analyser, version, params, created_utc, status, "
		"confidence, result FROM findings WHERE item_id = ?1 "
		"AND (?2 IS NULL OR analyser = ?2) ORDER BY analyser, seq", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, analyser);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_finding f = {
			.id = sqlite3_column_int64(st, 0),
			.item_id = sqlite3_column_int64(st, 1),
			.seq = sqlite3_column_int64(st, 2),
			.analyser = tg_store_col_text(st, 3),
			.version = tg_store_col_text(st, 4),
			.params = tg_store_col_text(st, 5),
			.created_utc = tg_store_col_text(st, 6),
			.status = tg_store_col_text(st, 7),
			.confidence = sqlite3_column_type(st, 8) == SQLITE_NULL
				? NAN : sqlite3_column_double(st, 8),
			.result = tg_store_col_text(st, 9),
		};
		ret = cb(user, &f);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot list findings");
	sqlite3_finalize(st);
	return ret;
}
