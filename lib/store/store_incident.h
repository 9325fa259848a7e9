/*
 * store_incident.h - the catalog side of the analyst's work: incidents, the
 * links between incidents and items, per-incident counts, the verification
 * record of each item (Berkeley Protocol fields, status, confidence), tags
 * and append-only notes.
 *
 * Every row here mirrors a custody entry (actions incident, link, count,
 * record, status, tag, note; see lib/case/incident.h and record.h): the
 * case layer writes them inside the transaction of tg_case_apply(), and
 * each row keeps the seq of the entry that last set it, so the custody log
 * holds the history (previous and new value) while the catalog holds the
 * present state.  Notes are never updated or deleted.
 *
 * Tables (a schema part, tg_store_schema_incident, run at catalog creation):
 *   incidents(id, title, place, lat, lon, start_utc, end_utc, description,
 *             created_utc, actor, seq)         id given by the case layer
 *   incident_items(incident_id, item_id, seq, time_utc, actor)
 *   incident_counts(incident_id, kind, value, source, seq, time_utc, actor)
 *   record_fields(item_id, field, value, seq, time_utc, actor)
 *                 one row per field that has a value (status, confidence,
 *                 source_who, geo_lat, ...; the list is in lib/case/record.c)
 *   item_tags(item_id, tag, controlled, seq, time_utc, actor)
 *   notes(id, item_id, incident_id, seq UNIQUE, time_utc, actor, text)
 *
 * Strings handed to callbacks are valid during the callback only.
 */
#ifndef TG_STORE_INCIDENT_H
#define TG_STORE_INCIDENT_H

#include "store/store.h"

struct tg_incident {
	long long id, seq;
	const char *title, *place, *start_utc, *end_utc, *description, *created_utc, *actor;
	double lat, lon;	/* NaN when not given */
	int items;		/* linked items (filled when read) */
};

struct tg_incident_count {
	long long incident_id, seq, value;
	const char *kind, *source, *time_utc, *actor;
};

struct tg_record_field {
	long long item_id, seq;
	const char *field, *value, *time_utc, *actor;
};

struct tg_tag_row {
	long long item_id, seq;
	const char *tag, *time_utc, *actor;
	int controlled;
};

struct tg_note_row {
	long long id, item_id, incident_id, seq;	/* item_id or incident_id 0 when none */
	const char *time_utc, *actor, *text;
};

/* Incidents. */
long long tg_store_incident_next_id(struct tg_store *s);	/* -1 on error */
int tg_store_incident_add(struct tg_store *s, const struct tg_incident *inc);
typedef int (*tg_store_incident_cb)(void *user, const struct tg_incident *inc);
/* TG_ENOTFOUND (with a message) when there is no such incident. */
int tg_store_incident_get(struct tg_store *s, long long id, tg_store_incident_cb cb, void *user);
int tg_store_incidents(struct tg_store *s, tg_store_incident_cb cb, void *user);

/* Links; unlink removes the row (the log keeps that it existed). */
int tg_store_incident_link(struct tg_store *s, long long incident_id, long long item_id,
			   int link, long long seq, const char *time_utc, const char *actor);
/* 1 linked, 0 not, negative on error. */
int tg_store_incident_has_item(struct tg_store *s, long long incident_id, long long item_id);
typedef int (*tg_store_id_cb)(void *user, long long id);
/* The items of an incident (by item id), or the incidents of an item. */
int tg_store_incident_items(struct tg_store *s, long long incident_id, tg_store_id_cb cb,
			    void *user);
int tg_store_item_incidents(struct tg_store *s, long long item_id, tg_store_id_cb cb,
			    void *user);

/* Counts: value < 0 removes the row. */
int tg_store_count_set(struct tg_store *s, const struct tg_incident_count *n);
typedef int (*tg_store_count_cb)(void *user, const struct tg_incident_count *n);
int tg_store_counts(struct tg_store *s, long long incident_id, tg_store_count_cb cb, void *user);

/* Record fields: value NULL or "" removes the field. */
int tg_store_record_set(struct tg_store *s, const struct tg_record_field *f);
/* The value into buf; TG_ENOTFOUND (no message) when the field is unset. */
int tg_store_record_get(struct tg_store *s, long long item_id, const char *field,
			char *buf, size_t n);
typedef int (*tg_store_record_cb)(void *user, const struct tg_record_field *f);
int tg_store_record_fields(struct tg_store *s, long long item_id, tg_store_record_cb cb,
			   void *user);

/* Tags: present 0 removes it. */
int tg_store_tag_set(struct tg_store *s, const struct tg_tag_row *t, int present);
/* 1 present, 0 absent, negative on error. */
int tg_store_tag_has(struct tg_store *s, long long item_id, const char *tag);
typedef int (*tg_store_tag_cb)(void *user, const struct tg_tag_row *t);
int tg_store_tags(struct tg_store *s, long long item_id, tg_store_tag_cb cb, void *user);

/* Notes (append-only). */
int tg_store_note_add(struct tg_store *s, const struct tg_note_row *n);
typedef int (*tg_store_note_cb)(void *user, const struct tg_note_row *n);
/* The notes of an item (incident_id 0) or of an incident (item_id 0), oldest first. */
int tg_store_notes(struct tg_store *s, long long item_id, long long incident_id,
		   tg_store_note_cb cb, void *user);

#endif
