#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"
#include "util/error.h"

#define SCHEMA_VERSION 1

static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE items("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  size INTEGER NOT NULL,"
	"  media_type TEXT NOT NULL,"
	"  first_name TEXT NOT NULL,"
	"  added_utc TEXT NOT NULL,"
	"  added_seq INTEGER NOT NULL);"
	"CREATE TABLE acquisitions("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  seq INTEGER NOT NULL UNIQUE,"
	"  time_utc TEXT NOT NULL,"
	"  original_name TEXT, original_path TEXT, source TEXT, collector TEXT,"
	"  note TEXT, actor TEXT);"
	"CREATE INDEX acquisitions_item ON acquisitions(item_id);"
	"CREATE TABLE findings("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES items(id),"
	"  analyser TEXT NOT NULL, version TEXT NOT NULL, params TEXT NOT NULL,"
	"  created_utc TEXT NOT NULL, status TEXT NOT NULL, confidence REAL,"
	"  result TEXT NOT NULL, seq INTEGER NOT NULL,"
	"  UNIQUE(item_id, analyser, version, params));"
	"CREATE TABLE custody("
	"  seq INTEGER PRIMARY KEY, time_utc TEXT NOT NULL, actor TEXT NOT NULL,"
	"  action TEXT NOT NULL, item_sha256 TEXT, hash TEXT NOT NULL, prev TEXT NOT NULL);"
	"CREATE INDEX custody_item ON custody(item_sha256);"
	"CREATE TABLE frame_hashes("
	"  item_id INTEGER NOT NULL REFERENCES items(id), kind TEXT NOT NULL,"
	"  frame INTEGER NOT NULL, pts_s REAL NOT NULL, quality INTEGER NOT NULL,"
	"  hash BLOB NOT NULL, PRIMARY KEY(item_id, kind, frame)) WITHOUT ROWID;"
	"CREATE TABLE audio_events("
	"  item_id INTEGER NOT NULL REFERENCES items(id), kind TEXT NOT NULL,"
	"  time_s REAL NOT NULL, class TEXT NOT NULL, confidence REAL, peak_dbfs REAL,"
	"  clipped INTEGER NOT NULL DEFAULT 0, burst INTEGER, details TEXT);"
	"CREATE INDEX audio_events_item ON audio_events(item_id, kind);"
	"CREATE TABLE blobs("
	"  item_id INTEGER NOT NULL REFERENCES items(id), name TEXT NOT NULL,"
	"  data BLOB NOT NULL, PRIMARY KEY(item_id, name)) WITHOUT ROWID;";

/* SQLite out of memory is out of memory, not a damaged catalog. */
static int db_code(int rc)
{
	return (rc & 0xff) == SQLITE_NOMEM ? TG_ENOMEM : TG_EDB;
}

int tg_store_fail(struct tg_store *s, const char *what)
{
	return tg_error(db_code(sqlite3_errcode(s->db)), "%s: %s: %s", s->path, what,
			sqlite3_errmsg(s->db));
}

int tg_store_prepare(struct tg_store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return tg_store_fail(s, "cannot prepare a query");
	return 0;
}

/*
 * Bound without a copy (SQLITE_STATIC): a copy can fail for want of
 * memory, and a failed bind leaves NULL in the statement, which callers
 * would not see (a row written without its value, a lookup that matches
 * everything).  Every caller binds strings that live until the statement
 * is stepped and finalized.
 */
void tg_store_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
	if (v)
		sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, idx);
}

const char *tg_store_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

static int exec(struct tg_store *s, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK) {
		int ret = tg_error(db_code(rc), "%s: %s", s->path, err ? err : "query failed");
		sqlite3_free(err);
		return ret;
	}
	return 0;
}

static int user_version(struct tg_store *s, int *v)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "PRAGMA user_version", &st);

	if (ret < 0)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	else
		ret = tg_store_fail(s, "cannot read the schema version");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_open(struct tg_store **out, const char *path, int create)
{
	struct tg_store *s = calloc(1, sizeof(*s));
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	int ret, rc, v = 0;

	*out = NULL;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_FULLMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ret = tg_error(db_code(rc) == TG_ENOMEM ? TG_ENOMEM : TG_ECASE,
			       "%s: cannot open the catalog: %s", path,
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	ret = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
	if (ret < 0)
		goto fail;
	ret = user_version(s, &v);
	if (ret < 0)
		goto fail;
	if (v == 0 && create) {
		ret = exec(s, "BEGIN IMMEDIATE");
		if (ret == 0)
			ret = exec(s, schema_v1);
		for (int i = 0; ret == 0 && tg_store_schema_parts[i]; i++)
			ret = exec(s, tg_store_schema_parts[i]);
		if (ret == 0)
			ret = exec(s, "PRAGMA user_version=1; COMMIT");
		if (ret < 0) {
			exec(s, "ROLLBACK");
			goto fail;
		}
	} else if (v != SCHEMA_VERSION) {
		ret = tg_error(TG_ECASE, "%s: catalog schema version %d, this testigo reads %d",
			       path, v, SCHEMA_VERSION);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	tg_store_close(s);
	return ret;
}

int tg_store_close(struct tg_store *s)
{
	int ret = 0;

	if (!s)
		return 0;
	if (s->db && sqlite3_close(s->db) != SQLITE_OK)
		ret = tg_error(TG_EDB, "%s: cannot close the catalog", s->path);
	free(s->path);
	free(s);
	return ret;
}

int tg_store_begin(struct tg_store *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

int tg_store_commit(struct tg_store *s)
{
	return exec(s, "COMMIT");
}

void tg_store_rollback(struct tg_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int tg_store_meta_set(struct tg_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
				      "ON CONFLICT(key) DO UPDATE SET value = ?2", &st);

	if (ret < 0)
		return ret;
	tg_store_bind_text(st, 1, key);
	tg_store_bind_text(st, 2, value);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = tg_store_fail(s, "cannot write meta");
	sqlite3_finalize(st);
	return ret;
}

int tg_store_meta_get(struct tg_store *s, const char *key, char *buf, size_t n)
{
	sqlite3_stmt *st;
	int ret = tg_store_prepare(s, "SELECT value FROM meta WHERE key = ?1", &st);

	if (ret < 0)
		return ret;
	tg_store_bind_text(st, 1, key);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		snprintf(buf, n, "%s", tg_store_col_text(st, 0));
		break;
	case SQLITE_DONE:
		ret = TG_ENOTFOUND;
		break;
	default:	/* not read is not absent */
		ret = tg_store_fail(s, "cannot read meta");
	}
	sqlite3_finalize(st);
	return ret;
}
