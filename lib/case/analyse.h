/*
 * analyse.h - run analysers on an item in one decode pass; record findings.
 *
 * An analyser of the case (vpdq, tmk, keyframes, shots, envelope,
 * brightness, ...) is a small table of operations around a pipeline
 * analyser (media/pipeline.h).  tg_case_analyse() creates every requested
 * one, decodes the evidentiary copy once for all of them, then records each
 * result as its own custody entry (action "analyse") and finding:
 *
 *   details {analyser, version, params, status, result_sha256[, error]}
 *
 * Findings are keyed by (item, analyser, version, params): an analysis
 * already recorded with the same key is not run again unless forced, so
 * results are idempotent.  A failing analyser is recorded as a failed
 * finding with its message; the others are kept.  Working files go to
 * derived/<sha256>/<analyser>/, never next to the object.
 *
 * Replay after a crash re-runs the one analyser on the object (every
 * analyser is deterministic for a given version and params).
 */
#ifndef TG_ANALYSE_H
#define TG_ANALYSE_H

#include "case/case.h"
#include "media/pipeline.h"

struct cJSON;

struct tg_analysis_ctx {
	const char *object_path;
	const char *derived_dir;	/* derived/<sha256>/<analyser>, created on demand */
	const char *sha256;
	long long item_id;
	const char *params;		/* canonical JSON text, "{}" for defaults */
	struct tg_case *c;		/* read-only use: e.g. matching against the catalog */
};

struct tg_case_analyser {
	const char *name;
	const char *version;
	/* media types it applies to during add: a list like "video,audio" */
	const char *applies_to;
	/* Make the state and fill pa's wants and callbacks (pa->state = state). */
	int (*create)(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx);
	/* The finding's result document and confidence (NaN when none). */
	int (*result)(void *state, struct cJSON **result, double *confidence);
	/* Extra catalog rows, inside the transaction (may be NULL). */
	int (*store)(void *state, struct tg_store *s, long long item_id);
	void (*destroy)(void *state);
};

/* The analyser named name, or NULL.  The table lives in analysers.c. */
const struct tg_case_analyser *tg_case_analyser_find(const char *name);
/* Every analyser, NULL-terminated. */
const struct tg_case_analyser *const *tg_case_analysers(void);

struct tg_analyse_opts {
	const char *actor;
	const char *params;	/* for every analyser; NULL: "{}" */
	int force;		/* run even when the same finding exists */
	tg_media_progress_fn progress;
	void *progress_user;
};

struct tg_analyse_report {
	int ran, skipped, failed;
	int not_applicable;	/* the file lacks the stream an analyser needs */
	char failures[512];	/* "name: message; ..." */
};

/*
 * Run the named analysers (names NULL: every analyser that applies to the
 * item's media type) on one item.  Returns 0 when the run happened (see the
 * report for failed analysers), or an error when the object cannot be read
 * or the case cannot record.
 */
int tg_case_analyse(struct tg_case *c, const struct tg_item *item, const char *const *names,
		    int n, const struct tg_analyse_opts *opts, struct tg_analyse_report *report);

/*
 * Record a finding computed without decoding (the sun check, an analyst's
 * measurement): the result itself goes into the custody entry's details, so
 * replay restores it exactly.  params and result are borrowed.
 */
int tg_case_record_finding(struct tg_case *c, const struct tg_item *item, const char *analyser,
			   const char *version, const struct cJSON *params,
			   const struct cJSON *result, double confidence, const char *actor);

/* Replay applier for "analyse" entries (replay.c). */
int tg_case_apply_analyse(struct tg_case *c, const struct tg_custody_entry *e, void *user);

#endif
