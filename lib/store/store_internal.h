/* store_internal.h - shared by the lib/store files only. */
#ifndef TG_STORE_INTERNAL_H
#define TG_STORE_INTERNAL_H

#include <sqlite3.h>

struct tg_store {
	sqlite3 *db;
	char *path;
};

/* Record a catalog error naming the database file; returns TG_EDB. */
int tg_store_fail(struct tg_store *s, const char *what);

/* Prepare or fail with a message. */
int tg_store_prepare(struct tg_store *s, const char *sql, sqlite3_stmt **st);

/* Bind a string or NULL, without a copy: v must live until the statement is finalized. */
void tg_store_bind_text(sqlite3_stmt *st, int idx, const char *v);

/* Column text, never NULL ("" for NULL). */
const char *tg_store_col_text(sqlite3_stmt *st, int col);

/*
 * Schema parts owned by other store files (store_incident.c, ...), run after
 * the core schema when a catalog is created.  NULL-terminated; the list is
 * in store_schema.c.
 */
extern const char *const tg_store_schema_parts[];
extern const char tg_store_schema_incident[];	/* store_incident.c */

#endif
