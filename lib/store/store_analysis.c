/* store_analysis.c - per-frame hashes, audio events and blobs of analyses. */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_internal.h"
#include "util/error.h"

static int delete_rows(struct tg_store *s, const char *sql, long long item_id, const char *kind)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, sql, &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, kind);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot replace analysis rows");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_frame_hashes_put(struct tg_store *s, long long item_id, const char *kind,
			      const struct tg_frame_hash_row *rows, size_t n)
{
	sqlite3_stmt *st;
	int ret = delete_rows(s, "DELETE FROM frame_hashes WHERE item_id = ?1 AND kind = ?2",
			      item_id, kind);

	if (ret < 0)
		return ret;
	ret = tg_store_prepare(s, "INSERT INTO frame_hashes(item_id, kind, frame, pts_s, quality, hash) "
				  "VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n && ret == 0; i++) {
		sqlite3_bind_int64(st, 1, item_id);
		tg_store_bind_text(st, 2, kind);
		sqlite3_bind_int64(st, 3, rows[i].frame);
		sqlite3_bind_double(st, 4, rows[i].pts_s);
		sqlite3_bind_int(st, 5, rows[i].quality);
		sqlite3_bind_blob(st, 6, rows[i].hash, 32, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = tg_store_fail(s, "cannot store frame hashes");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return ret;
}

int tg_store_frame_hashes(struct tg_store *s, long long item_id, const char *kind,
			  tg_store_frame_hash_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT item_id, frame, pts_s, quality, hash FROM frame_hashes "
					  "WHERE (?1 = 0 OR item_id = ?1) AND kind = ?2 "
					  "ORDER BY item_id, frame", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, kind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_frame_hash_row r;
		const void *h = sqlite3_column_blob(st, 4);

		r.item_id = sqlite3_column_int64(st, 0);
		r.frame = sqlite3_column_int64(st, 1);
		r.pts_s = sqlite3_column_double(st, 2);
		r.quality = sqlite3_column_int(st, 3);
		if (!h || sqlite3_column_bytes(st, 4) != 32)
			continue;
		memcpy(r.hash, h, 32);
		ret = cb(user, &r);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read frame hashes");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_audio_events_put(struct tg_store *s, long long item_id, const char *kind,
			      const struct tg_audio_event_row *rows, size_t n)
{
	sqlite3_stmt *st;
	int ret = delete_rows(s, "DELETE FROM audio_events WHERE item_id = ?1 AND kind = ?2",
			      item_id, kind);

	if (ret < 0)
		return ret;
	ret = tg_store_prepare(s, "INSERT INTO audio_events(item_id, kind, time_s, class, confidence, "
				  "peak_dbfs, clipped, burst, details) "
				  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n && ret == 0; i++) {
		sqlite3_bind_int64(st, 1, item_id);
		tg_store_bind_text(st, 2, kind);
		sqlite3_bind_double(st, 3, rows[i].time_s);
		tg_store_bind_text(st, 4, rows[i].cls ? rows[i].cls : "impulse");
		sqlite3_bind_double(st, 5, rows[i].confidence);
		sqlite3_bind_double(st, 6, rows[i].peak_dbfs);
		sqlite3_bind_int(st, 7, rows[i].clipped);
		sqlite3_bind_int(st, 8, rows[i].burst);
		tg_store_bind_text(st, 9, rows[i].details);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = tg_store_fail(s, "cannot store audio events");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return ret;
}

int tg_store_audio_events(struct tg_store *s, long long item_id, const char *kind,
			  tg_store_audio_event_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT item_id, time_s, class, confidence, peak_dbfs, "
					  "clipped, burst, details FROM audio_events "
					  "WHERE (?1 = 0 OR item_id = ?1) AND kind = ?2 "
					  "ORDER BY item_id, time_s", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, kind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_audio_event_row r = {
			.item_id = sqlite3_column_int64(st, 0),
			.time_s = sqlite3_column_double(st, 1),
			.cls = tg_store_col_text(st, 2),
			.confidence = sqlite3_column_double(st, 3),
			.peak_dbfs = sqlite3_column_double(st, 4),
			.clipped = sqlite3_column_int(st, 5),
			.burst = sqlite3_column_int(st, 6),
			.details = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : tg_store_col_text(st, 7),
		};
		ret = cb(user, &r);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read audio events");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_blob_put(struct tg_store *s, long long item_id, const char *name,
		      const void *data, size_t len)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "INSERT INTO blobs(item_id, name, data) VALUES(?1, ?2, ?3) "
				      "ON CONFLICT(item_id, name) DO UPDATE SET data = ?3", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, name);
	sqlite3_bind_blob64(st, 3, data, len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot store analysis data");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_blob_get(struct tg_store *s, long long item_id, const char *name,
		      void **data, size_t *len)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "SELECT data FROM blobs WHERE item_id = ?1 AND name = ?2", &st);

	*data = NULL;
	*len = 0;
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, name);
	if (sqlite3_step(st) == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);

		*data = malloc(n ? n : 1);
		if (!*data)
			ret = tg_error(TG_ENOMEM, "out of memory");
		else {
			if (n)
				memcpy(*data, sqlite3_column_blob(st, 0), n);
			*len = n;
		}
	} else {
		ret = TG_ENOTFOUND;
	}
	sqlite3_finalize(st);
	return ret;
}
