/*
 * record.h - the verification record of an item, after the Berkeley
 * Protocol on Digital Open Source Investigations (OHCHR / UC Berkeley, 2020):
 *
 *   source        who filmed or posted it, where it was found, the earliest
 *                 known upload
 *   technical     what the analysers measured (metadata, matches, audio, sun):
 *                 not stored here; read from the item's findings, each with
 *                 its analyser, version and parameters
 *   content       geolocation (coordinates and how they were found),
 *                 chronolocation (a time or interval and how), corroboration
 *                 (text and the items that corroborate it)
 *   status        unverified -> in_review -> verified | disputed | rejected
 *                 (a final status is reached only from in_review; a final
 *                 status goes back to in_review to be reopened)
 *   confidence    low | medium | high
 *   analyst       the analyst responsible for the record
 *
 * Each field is a row of record_fields (store_incident.h).  Every change is
 * one custody entry with the previous and the new value of each field it
 * touches, action "record" for the fields and "status" for status and
 * confidence:
 *
 *   details {"changes": {FIELD: {"old": V|null, "new": V|null}, ...}}
 *
 * Values are checked and normalised before they are logged: times as in
 * incident.h, coordinates to 7 decimals, corroborating items to item ids.
 * A field given its current value is not logged again; geolocation
 * coordinates are not accepted without a method.
 */
#ifndef TG_RECORD_H
#define TG_RECORD_H

#include "case/case.h"

struct cJSON;

struct tg_record_change {
	const char *field;	/* a name from tg_record_fields() */
	const char *value;	/* as typed; "" clears the field */
};

struct tg_record_field_info {
	const char *name;	/* catalog field name, e.g. "source_who" */
	const char *option;	/* the command-line option that sets it */
	const char *label;	/* for reports */
};

/* The editable fields (not status/confidence), terminated by a NULL name. */
const struct tg_record_field_info *tg_record_fields(void);

/* Change fields; *changed receives how many changed (0: nothing logged). */
int tg_record_update(struct tg_case *c, const char *actor, const struct tg_item *item,
		     const struct tg_record_change *ch, int n, int *changed);

/* Change status and/or confidence (either may be NULL). */
int tg_record_status(struct tg_case *c, const char *actor, const struct tg_item *item,
		     const char *status, const char *confidence, int *changed);

/* "in review", "in-review" ... -> "in_review"; NULL when not a status. */
const char *tg_record_status_name(const char *s);

/*
 * The record as a JSON object (caller frees):
 *   {status, confidence, analyst, source:{who, where, earliest_upload},
 *    geolocation:{lat, lon, method, place}, chronolocation:{utc, end_utc,
 *    method}, corroboration:{text, items:[ids]}, last_change:{seq, time_utc,
 *    actor} | null}
 */
int tg_record_read(struct tg_case *c, long long item_id, struct cJSON **out);

/* Applier for "record" and "status" entries (replay.c). */
int tg_record_apply(struct tg_case *c, const struct tg_custody_entry *e, void *user);

#endif
