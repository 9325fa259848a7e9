/*
 * ingest.h - put a file into the case as evidence (testigo add).
 *
 * One streaming pass reads the source once, hashing (SHA-256) and copying
 * into a staged file in objects/tmp/; the copy is fsynced and made 0444.
 * The acquire entry is then logged, and only then the staged copy is renamed
 * to objects/ab/cdef… and the folder fsynced (see case.h).  The same bytes
 * added twice are stored once; every acquisition (when, from where, by whom,
 * under which name) is logged and catalogued.  Media files are then probed
 * and their normalised metadata stored as the "metadata" finding with its
 * own custody entry (action "probe").
 */
#ifndef TG_INGEST_H
#define TG_INGEST_H

#include "case/case.h"

struct cJSON;

#define TG_METADATA_ANALYSER "metadata"
#define TG_METADATA_VERSION "1"

typedef void (*tg_progress_fn)(void *user, unsigned long long done, unsigned long long total);

struct tg_ingest_opts {
	const char *actor;
	const char *source;      /* URL or description of where it was found */
	const char *collector;   /* who collected it */
	const char *note;
	int no_analysis;         /* skip the analysers (testigo add --no-analyse) */
	tg_progress_fn progress;
	void *progress_user;
};

struct tg_ingest_result {
	long long item_id;
	char sha256[65];
	unsigned long long size;
	char media_type[16];
	int new_item;            /* 0: these bytes were already in the case */
	long long acquire_seq;
	struct cJSON *metadata;  /* the normalised document (owned; NULL when not probed) */
	int analyses_run, analyses_failed;
	char analysis_failures[512];
};

void tg_ingest_result_release(struct tg_ingest_result *r);

int tg_ingest_file(struct tg_case *c, const char *path, const struct tg_ingest_opts *opts,
		   struct tg_ingest_result *out);

/* Appliers for replay.c. */
int tg_ingest_apply_acquire(struct tg_case *c, const struct tg_custody_entry *e, void *user);
int tg_ingest_apply_probe(struct tg_case *c, const struct tg_custody_entry *e, void *user);

/* Probe an object of the case and build its metadata document under its original name. */
int tg_ingest_probe_object(struct tg_case *c, const char *sha256, const char *name,
			   struct cJSON **doc);

#endif
