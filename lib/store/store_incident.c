/* store_incident.c - incidents, links, counts, verification records, tags, notes. */
#include "store/store_incident.h"

#include <math.h>
#include <stdio.h>

#include "store/store_internal.h"
#include "util/error.h"

const char tg_store_schema_incident[] =
	"CREATE TABLE incidents("
	"  id INTEGER PRIMARY KEY, title TEXT NOT NULL, place TEXT, lat REAL, lon REAL,"
	"  start_utc TEXT, end_utc TEXT, description TEXT, created_utc TEXT NOT NULL,"
	"  actor TEXT, seq INTEGER NOT NULL);"
	"CREATE TABLE incident_items("
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id),"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  seq INTEGER NOT NULL, time_utc TEXT NOT NULL, actor TEXT,"
	"  PRIMARY KEY(incident_id, item_id)) WITHOUT ROWID;"
	"CREATE INDEX incident_items_item ON incident_items(item_id);"
	"CREATE TABLE incident_counts("
	"  incident_id INTEGER NOT NULL REFERENCES incidents(id), kind TEXT NOT NULL,"
	"  value INTEGER NOT NULL, source TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  time_utc TEXT NOT NULL, actor TEXT, PRIMARY KEY(incident_id, kind)) WITHOUT ROWID;"
	"CREATE TABLE record_fields("
	"  item_id INTEGER NOT NULL REFERENCES items(id), field TEXT NOT NULL,"
	"  value TEXT NOT NULL, seq INTEGER NOT NULL, time_utc TEXT NOT NULL, actor TEXT,"
	"  PRIMARY KEY(item_id, field)) WITHOUT ROWID;"
	"CREATE TABLE item_tags("
	"  item_id INTEGER NOT NULL REFERENCES items(id), tag TEXT NOT NULL,"
	"  controlled INTEGER NOT NULL, seq INTEGER NOT NULL, time_utc TEXT NOT NULL, actor TEXT,"
	"  PRIMARY KEY(item_id, tag)) WITHOUT ROWID;"
	"CREATE TABLE notes("
	"  id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES items(id),"
	"  incident_id INTEGER REFERENCES incidents(id), seq INTEGER NOT NULL UNIQUE,"
	"  time_utc TEXT NOT NULL, actor TEXT, text TEXT NOT NULL);"
	"CREATE INDEX notes_item ON notes(item_id);"
	"CREATE INDEX notes_incident ON notes(incident_id);";

static int step_done(struct tg_store *s, sqlite3_stmt *st, const char *what)
{
	int ret = sqlite3_step(st) == SQLITE_DONE ? 0 : tg_store_fail(s, what);

	sqlite3_finalize(st);
	return ret;
}

static void bind_real_or_null(sqlite3_stmt *st, int idx, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, idx);
	else
		sqlite3_bind_double(st, idx, v);
}

static const char *nullable_text(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : tg_store_col_text(st, col);
}

/* ---- incidents ---------------------------------------------------------- */

long long tg_store_incident_next_id(struct tg_store *s)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (tg_store_prepare(s, "SELECT coalesce(max(id), 0) + 1 FROM incidents", &st) < 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		tg_store_fail(s, "cannot read the incidents");
	sqlite3_finalize(st);
	return n;
}

int tg_store_incident_add(struct tg_store *s, const struct tg_incident *inc)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "INSERT INTO incidents(id, title, place, lat, lon, start_utc, "
				      "end_utc, description, created_utc, actor, seq) "
				      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, inc->id);
	tg_store_bind_text(st, 2, inc->title);
	tg_store_bind_text(st, 3, inc->place);
	bind_real_or_null(st, 4, inc->lat);
	bind_real_or_null(st, 5, inc->lon);
	tg_store_bind_text(st, 6, inc->start_utc);
	tg_store_bind_text(st, 7, inc->end_utc);
	tg_store_bind_text(st, 8, inc->description);
	tg_store_bind_text(st, 9, inc->created_utc);
	tg_store_bind_text(st, 10, inc->actor);
	sqlite3_bind_int64(st, 11, inc->seq);
	return step_done(s, st, "cannot record an incident");
}

#define INCIDENT_COLUMNS \
	"id, seq, title, place, start_utc, end_utc, description, created_utc, actor, lat, lon, " \
	"(SELECT count(*) FROM incident_items l WHERE l.incident_id = incidents.id)"

static int incident_rows(struct tg_store *s, sqlite3_stmt *st, tg_store_incident_cb cb,
			 void *user, int *n)
{
	int rc, ret = 0;

	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_incident inc = {
			.id = sqlite3_column_int64(st, 0),
			.seq = sqlite3_column_int64(st, 1),
			.title = tg_store_col_text(st, 2),
			.place = nullable_text(st, 3),
			.start_utc = nullable_text(st, 4),
			.end_utc = nullable_text(st, 5),
			.description = nullable_text(st, 6),
			.created_utc = tg_store_col_text(st, 7),
			.actor = tg_store_col_text(st, 8),
			.lat = sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN
				: sqlite3_column_double(st, 9),
			.lon = sqlite3_column_type(st, 10) == SQLITE_NULL ? NAN
				: sqlite3_column_double(st, 10),
			.items = sqlite3_column_int(st, 11),
		};
		(*n)++;
		ret = cb ? cb(user, &inc) : 0;
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read incidents");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_incident_get(struct tg_store *s, long long id, tg_store_incident_cb cb, void *user)
{
	sqlite3_stmt *st;
	int n, ret = tg_store_prepare(s, "SELECT " INCIDENT_COLUMNS " FROM incidents WHERE id = ?1",
				      &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	ret = incident_rows(s, st, cb, user, &n);
	if (ret == 0 && n == 0)
		ret = tg_error(TG_ENOTFOUND, "no incident %lld in this case (see 'testigo incident ls')",
			       id);
	return ret;
}

int tg_store_incidents(struct tg_store *s, tg_store_incident_cb cb, void *user)
{
	sqlite3_stmt *st;
	int n, ret = tg_store_prepare(s, "SELECT " INCIDENT_COLUMNS " FROM incidents ORDER BY id",
				      &st);

	return ret < 0 ? ret : incident_rows(s, st, cb, user, &n);
}

/* ---- links -------------------------------------------------------------- */

int tg_store_incident_link(struct tg_store *s, long long incident_id, long long item_id,
			   int link, long long seq, const char *time_utc, const char *actor)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, link
		? "INSERT INTO incident_items(incident_id, item_id, seq, time_utc, actor) "
		  "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(incident_id, item_id) DO NOTHING"
		: "DELETE FROM incident_items WHERE incident_id = ?1 AND item_id = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, incident_id);
	sqlite3_bind_int64(st, 2, item_id);
	if (link) {
		sqlite3_bind_int64(st, 3, seq);
		tg_store_bind_text(st, 4, time_utc);
		tg_store_bind_text(st, 5, actor);
	}
	return step_done(s, st, "cannot record an incident link");
}

int tg_store_incident_has_item(struct tg_store *s, long long incident_id, long long item_id)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "SELECT 1 FROM incident_items WHERE incident_id = ?1 "
				      "AND item_id = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, incident_id);
	sqlite3_bind_int64(st, 2, item_id);
	ret = sqlite3_step(st);
	ret = ret == SQLITE_ROW ? 1 : ret == SQLITE_DONE ? 0 : tg_store_fail(s, "cannot read links");
	sqlite3_finalize(st);
	return ret;
}

static int id_rows(struct tg_store *s, const char *sql, long long key, tg_store_id_cb cb,
		   void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, sql, &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = cb(user, sqlite3_column_int64(st, 0));
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read incident links");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_incident_items(struct tg_store *s, long long incident_id, tg_store_id_cb cb,
			    void *user)
{
	return id_rows(s, "SELECT item_id FROM incident_items WHERE incident_id = ?1 "
			  "ORDER BY item_id", incident_id, cb, user);
}

int tg_store_item_incidents(struct tg_store *s, long long item_id, tg_store_id_cb cb,
			    void *user)
{
	return id_rows(s, "SELECT incident_id FROM incident_items WHERE item_id = ?1 "
			  "ORDER BY incident_id", item_id, cb, user);
}

/* ---- counts ------------------------------------------------------------- */

int tg_store_count_set(struct tg_store *s, const struct tg_incident_count *n)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, n->value >= 0
		? "INSERT INTO incident_counts(incident_id, kind, value, source, seq, time_utc, actor) "
		  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(incident_id, kind) DO UPDATE SET "
		  "value = ?3, source = ?4, seq = ?5, time_utc = ?6, actor = ?7"
		: "DELETE FROM incident_counts WHERE incident_id = ?1 AND kind = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, n->incident_id);
	tg_store_bind_text(st, 2, n->kind);
	if (n->value >= 0) {
		sqlite3_bind_int64(st, 3, n->value);
		tg_store_bind_text(st, 4, n->source ? n->source : "");
		sqlite3_bind_int64(st, 5, n->seq);
		tg_store_bind_text(st, 6, n->time_utc);
		tg_store_bind_text(st, 7, n->actor);
	}
	return step_done(s, st, "cannot record an incident count");
}

int tg_store_counts(struct tg_store *s, long long incident_id, tg_store_count_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT incident_id, seq, value, kind, source, time_utc, "
				      "actor FROM incident_counts WHERE incident_id = ?1 ORDER BY kind",
				      &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, incident_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_incident_count n = {
			.incident_id = sqlite3_column_int64(st, 0),
			.seq = sqlite3_column_int64(st, 1),
			.value = sqlite3_column_int64(st, 2),
			.kind = tg_store_col_text(st, 3),
			.source = tg_store_col_text(st, 4),
			.time_utc = tg_store_col_text(st, 5),
			.actor = tg_store_col_text(st, 6),
		};
		ret = cb(user, &n);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read incident counts");
	sqlite3_finalize(st);
	return ret;
}

/* ---- verification record ------------------------------------------------- */

int tg_store_record_set(struct tg_store *s, const struct tg_record_field *f)
{
	sqlite3_stmt *st;
	int set = f->value && f->value[0];
	int ret = tg_store_prepare(s, set
		? "INSERT INTO record_fields(item_id, field, value, seq, time_utc, actor) "
		  "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(item_id, field) DO UPDATE SET "
		  "value = ?3, seq = ?4, time_utc = ?5, actor = ?6"
		: "DELETE FROM record_fields WHERE item_id = ?1 AND field = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, f->item_id);
	tg_store_bind_text(st, 2, f->field);
	if (set) {
		tg_store_bind_text(st, 3, f->value);
		sqlite3_bind_int64(st, 4, f->seq);
		tg_store_bind_text(st, 5, f->time_utc);
		tg_store_bind_text(st, 6, f->actor);
	}
	return step_done(s, st, "cannot record a verification field");
}

int tg_store_record_get(struct tg_store *s, long long item_id, const char *field,
			char *buf, size_t n)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT value FROM record_fields WHERE item_id = ?1 "
				      "AND field = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, field);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, n, "%s", tg_store_col_text(st, 0));
	else if (rc == SQLITE_DONE)
		ret = TG_ENOTFOUND;
	else
		ret = tg_store_fail(s, "cannot read the verification record");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_record_fields(struct tg_store *s, long long item_id, tg_store_record_cb cb,
			   void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT item_id, seq, field, value, time_utc, actor "
				      "FROM record_fields WHERE item_id = ?1 ORDER BY field", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_record_field f = {
			.item_id = sqlite3_column_int64(st, 0),
			.seq = sqlite3_column_int64(st, 1),
			.field = tg_store_col_text(st, 2),
			.value = tg_store_col_text(st, 3),
			.time_utc = tg_store_col_text(st, 4),
			.actor = tg_store_col_text(st, 5),
		};
		ret = cb(user, &f);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read the verification record");
	sqlite3_finalize(st);
	return ret;
}

/* ---- tags --------------------------------------------------------------- */

int tg_store_tag_set(struct tg_store *s, const struct tg_tag_row *t, int present)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, present
		? "INSERT INTO item_tags(item_id, tag, controlled, seq, time_utc, actor) "
		  "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(item_id, tag) DO NOTHING"
		: "DELETE FROM item_tags WHERE item_id = ?1 AND tag = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, t->item_id);
	tg_store_bind_text(st, 2, t->tag);
	if (present) {
		sqlite3_bind_int(st, 3, t->controlled);
		sqlite3_bind_int64(st, 4, t->seq);
		tg_store_bind_text(st, 5, t->time_utc);
		tg_store_bind_text(st, 6, t->actor);
	}
	return step_done(s, st, "cannot record a tag");
}

int tg_store_tag_has(struct tg_store *s, long long item_id, const char *tag)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "SELECT 1 FROM item_tags WHERE item_id = ?1 AND tag = ?2", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	tg_store_bind_text(st, 2, tag);
	ret = sqlite3_step(st);
	ret = ret == SQLITE_ROW ? 1 : ret == SQLITE_DONE ? 0 : tg_store_fail(s, "cannot read tags");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_tags(struct tg_store *s, long long item_id, tg_store_tag_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, "SELECT item_id, seq, tag, time_utc, actor, controlled "
				      "FROM item_tags WHERE item_id = ?1 ORDER BY tag", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_tag_row t = {
			.item_id = sqlite3_column_int64(st, 0),
			.seq = sqlite3_column_int64(st, 1),
			.tag = tg_store_col_text(st, 2),
			.time_utc = tg_store_col_text(st, 3),
			.actor = tg_store_col_text(st, 4),
			.controlled = sqlite3_column_int(st, 5),
		};
		ret = cb(user, &t);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read tags");
	sqlite3_finalize(st);
	return ret;
}

/* ---- notes -------------------------------------------------------------- */

int tg_store_note_add(struct tg_store *s, const struct tg_note_row *n)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "INSERT INTO notes(item_id, incident_id, seq, time_utc, actor, "
				      "text) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &st);

	if (ret < 0)
		return ret;
	if (n->item_id > 0)
		sqlite3_bind_int64(st, 1, n->item_id);
	else
		sqlite3_bind_null(st, 1);
	if (n->incident_id > 0)
		sqlite3_bind_int64(st, 2, n->incident_id);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, n->seq);
	tg_store_bind_text(st, 4, n->time_utc);
	tg_store_bind_text(st, 5, n->actor);
	tg_store_bind_text(st, 6, n->text);
	return step_done(s, st, "cannot record a note");
}

int tg_store_notes(struct tg_store *s, long long item_id, long long incident_id,
		   tg_store_note_cb cb, void *user)
{
	sqlite3_stmt *st;
	int rc, ret = tg_store_prepare(s, item_id > 0
		? "SELECT id, coalesce(item_id, 0), coalesce(incident_id, 0), seq, time_utc, actor, "
		  "text FROM notes WHERE item_id = ?1 ORDER BY seq"
		: "SELECT id, coalesce(item_id, 0), coalesce(incident_id, 0), seq, time_utc, actor, "
		  "text FROM notes WHERE incident_id = ?1 ORDER BY seq", &st);

	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, item_id > 0 ? item_id : incident_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tg_note_row n = {
			.id = sqlite3_column_int64(st, 0),
			.item_id = sqlite3_column_int64(st, 1),
			.incident_id = sqlite3_column_int64(st, 2),
			.seq = sqlite3_column_int64(st, 3),
			.time_utc = tg_store_col_text(st, 4),
			.actor = tg_store_col_text(st, 5),
			.text = tg_store_col_text(st, 6),
		};
		ret = cb(user, &n);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot read notes");
	sqlite3_finalize(st);
	return ret;
}
