/*
 * store.h - the case catalog (SQLite, WAL mode): the only module that
 * includes sqlite3.h.  Every SQL statement lives behind this interface so a
 * PostgreSQL backend can later implement the same functions.
 *
 * The catalog is an index: the custody log is the authority on what happened.
 * Each catalog change that mirrors a custody entry is made in the same
 * transaction as the custody row (table custody), so after a crash the case
 * layer replays log entries whose seq is above tg_store_custody_max_seq().
 *
 * Tables (schema version 1):
 *   items(id, sha256 UNIQUE, size, media_type, first_name, added_utc, added_seq)
 *   acquisitions(id, item_id, seq UNIQUE, time_utc, original_name, original_path,
 *                source, collector, note, actor)
 *   findings(id, item_id, analyser, version, params, created_utc, status,
 *            confidence, result, seq, UNIQUE(item_id, analyser, version, params))
 *   custody(seq PRIMARY KEY, time_utc, actor, action, item_sha256, hash, prev)
 *   meta(key PRIMARY KEY, value)
 *   frame_hashes(item_id, kind, frame, pts_s, quality, hash BLOB(32))
 *   audio_events(item_id, kind, time_s, class, confidence, peak_dbfs, clipped,
 *                burst, details JSON)
 *   blobs(item_id, name, data): compact per-item data (TMK signature, audio
 *         envelope for sync) that analyses read back
 */
#ifndef TG_STORE_H
#define TG_STORE_H

#include <stddef.h>

struct tg_store;

struct tg_item {
	long long id;
	char sha256[65];
	unsigned long long size;
	char media_type[16];	/* video, image, audio, other */
	char first_name[512];
	char added_utc[40];
	long long added_seq;
	int acquisitions;
};

struct tg_acquisition {
	long long id, item_id, seq;
	const char *time_utc, *original_name, *original_path, *source, *collector,
		*note, *actor;
};

struct tg_finding {
	long long id, item_id, seq;
	const char *analyser, *version, *params, *created_utc, *status, *result;
	double confidence;	/* NaN when not applicable */
};

struct tg_custody_row {
	long long seq;
	const char *time_utc, *actor, *action, *item_sha256, *hash, *prev;
};

int tg_store_open(struct tg_store **out, const char *path, int create);
int tg_store_close(struct tg_store *s);

int tg_store_begin(struct tg_store *s);
int tg_store_commit(struct tg_store *s);
void tg_store_rollback(struct tg_store *s);

int tg_store_meta_set(struct tg_store *s, const char *key, const char *value);
/* value written into buf; TG_ENOTFOUND when absent */
int tg_store_meta_get(struct tg_store *s, const char *key, char *buf, size_t n);

/* Items. */
int tg_store_item_add(struct tg_store *s, const char *sha256, unsigned long long size,
		      const char *media_type, const char *name, const char *time_utc,
		      long long seq, long long *id, int *created);
int tg_store_item_get(struct tg_store *s, long long id, struct tg_item *item);
/* By id ("17"), full SHA-256 or unique SHA-256 prefix (at least 4 digits). */
int tg_store_item_find(struct tg_store *s, const char *spec, struct tg_item *item);
int tg_store_item_by_sha(struct tg_store *s, const char *sha256, struct tg_item *item);
typedef int (*tg_store_item_cb)(void *user, const struct tg_item *item);
int tg_store_items(struct tg_store *s, tg_store_item_cb cb, void *user);
long long tg_store_item_count(struct tg_store *s);

/* Acquisitions. */
int tg_store_acquisition_add(struct tg_store *s, const struct tg_acquisition *a);
typedef int (*tg_store_acquisition_cb)(void *user, const struct tg_acquisition *a);
int tg_store_acquisitions(struct tg_store *s, long long item_id,
			  tg_store_acquisition_cb cb, void *user);

/* Findings: one per (item, analyser, version, params); a newer result replaces it. */
int tg_store_finding_put(struct tg_store *s, const struct tg_finding *f);
typedef int (*tg_store_finding_cb)(void *user, const struct tg_finding *f);
/* analyser may be NULL for all. */
int tg_store_findings(struct tg_store *s, long long item_id, const char *analyser,
		      tg_store_finding_cb cb, void *user);

/* Custody mirror. */
int tg_store_custody_add(struct tg_store *s, const struct tg_custody_row *r);
/* The highest seq mirrored (0: none), or a negative TG_E* code. */
long long tg_store_custody_max_seq(struct tg_store *s);
typedef int (*tg_store_custody_cb)(void *user, const struct tg_custody_row *r);
/* item_sha256 may be NULL for every entry. */
int tg_store_custody(struct tg_store *s, const char *item_sha256,
		     tg_store_custody_cb cb, void *user);

/* Per-frame perceptual hashes (kind: "vpdq", "keyframe", ...). */
struct tg_frame_hash_row {
	long long item_id;
	long long frame;
	double pts_s;
	int quality;
	unsigned char hash[32];
};
/* Replace every row of (item, kind) with these. */
int tg_store_frame_hashes_put(struct tg_store *s, long long item_id, const char *kind,
			      const struct tg_frame_hash_row *rows, size_t n);
typedef int (*tg_store_frame_hash_cb)(void *user, const struct tg_frame_hash_row *r);
/* item_id 0: every item. */
int tg_store_frame_hashes(struct tg_store *s, long long item_id, const char *kind,
			  tg_store_frame_hash_cb cb, void *user);

/* Audio events (kind: "impulse" for every detected event). */
struct tg_audio_event_row {
	long long item_id;
	double time_s;
	const char *cls;	/* gunshot, clap, echo, ... */
	double confidence, peak_dbfs;
	int clipped;
	int burst;		/* burst number, 0 none */
	const char *details;	/* JSON or NULL */
};
int tg_store_audio_events_put(struct tg_store *s, long long item_id, const char *kind,
			      const struct tg_audio_event_row *rows, size_t n);
typedef int (*tg_store_audio_event_cb)(void *user, const struct tg_audio_event_row *r);
int tg_store_audio_events(struct tg_store *s, long long item_id, const char *kind,
			  tg_store_audio_event_cb cb, void *user);

/* Blobs: *data is malloc'ed (free it); TG_ENOTFOUND when absent. */
int tg_store_blob_put(struct tg_store *s, long long item_id, const char *name,
		      const void *data, size_t len);
int tg_store_blob_get(struct tg_store *s, long long item_id, const char *name,
		      void **data, size_t *len);

#endif
