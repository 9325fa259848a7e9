/*
 * test_oom_case.c - the case's own operations out of memory: an error or
 * the whole answer, and a case that still verifies.
 *
 * A small case (a video and a recording, an incident with the video and a
 * count, a tag) is made once.  Each scenario runs one operation on a copy
 * of it, first cleanly, then with one allocation failing: the library's
 * own (oom_inject.h), cJSON's and SQLite's (oom_case.h), every one of the
 * first 300 in turn, then 150 spread over the rest (TG_OOM_FULL=1: every
 * one; TG_OOM_ONLY=NAME: that scenario alone).
 *
 *   export      tg_export_document() of the whole case and of the incident
 *   tag         add two tags (one free) and remove one
 *   count       set two counts of the incident from a new source
 *   record      change two fields of the verification record
 *   status      change its status and confidence
 *   sun         the sun check with a given place and time
 *   keyframes   a forced keyframes analysis (decode, JPEGs, finding)
 *   bag         the BagIt export of the incident
 *
 * A run must fail with TG_ENOMEM or give exactly the clean run's result
 * (export: the same JSON text, so a short document is caught); a forced
 * analysis may instead record the analyser as failed for want of memory,
 * as analyse.h documents.  Then the case is opened again (which replays an
 * entry the catalog missed) and verified: no problem is allowed, and the
 * case must be as it was before the operation or as the clean run left
 * it, nothing in between (compared as its export document without times
 * and hashes, and the package: a bag exists, and verifies, exactly when
 * the log holds its export entry).  A run that wrote nothing leaves the
 * pristine case, which is not opened again.  LeakSanitizer checks leaks in
 * the sanitizer pass.
 *
 * What it found when it was written: a catalog that could not be read for
 * want of memory was reported as "no incident N" (the export of an
 * incident, counts, the bag); an export whose case id could not be read
 * was returned whole with "id": null; a corroborating item that could not
 * be looked up for want of memory was a usage error, and its message
 * repeated its prefix (tg_error() formatted tg_errmsg() into itself); a
 * bag whose export entry was written but not yet applied was removed, so
 * the log named a package that did not exist.  With the export's check of
 * cJSON's failures removed, 67 of its 449 runs return a short document.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <stdarg.h>

#include "case/analyse.h"
#include "case/bag.h"
#include "case/case.h"
#include "case/export.h"
#include "case/incident.h"
#include "case/ingest.h"
#include "case/record.h"
#include "case/suncheck.h"
#include "case/tag.h"
#include "report/bagit.h"
#include "util/jsonmem.h"

#include "audio_util.h"
#include "oom_inject.h"
#include "oom_case.h"

#define SAMPLED_RUNS 150 /* after the first OOM_FULL_RUNS, this many spread over the rest */

static char bagdir[700];
static long long item_id, item2_id, inc_id;

/* --- texts ------------------------------------------------------------------- */

/* A malloc'ed text (NULL when out of memory), made outside the failure count. */
static char *text_of(const char *fmt, ...)
{
	char buf[1024], *t;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	oom_pause();
	t = strdup(buf);
	oom_resume();
	return t;
}

/* doc as JSON text, printed outside the failure count (doc may be NULL). */
static char *json_text(const cJSON *doc)
{
	char *t;

	oom_pause();
	t = doc ? cJSON_PrintUnformatted(doc) : NULL;
	oom_resume();
	return t;
}

/* Remove, at any depth, what differs between two runs that did the same: times and hashes. */
static void strip_volatile(cJSON *o)
{
	static const char *const keys[] = {
		"generated_utc", "time", "time_utc", "created_utc", "added_utc", "hash",
		"custody_head", "tagmanifest_sha256",
	};
	cJSON *child;

	if (cJSON_IsObject(o))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			cJSON_DeleteItemFromObjectCaseSensitive(o, keys[i]);
	cJSON_ArrayForEach(child, o)
		strip_volatile(child);
}

static void bag_problem(void *user, const char *file, const char *problem)
{
	fprintf(stderr, "bag: %s: %s\n", file, problem);
	(*(int *)user)++;
}

/*
 * The case as a later command sees it (the allocations are not armed):
 * its export document without times and hashes, and the package.
 */
static char *describe(struct tg_case *c)
{
	struct tg_bag_summary sum;
	struct stat st;
	cJSON *doc = NULL;
	char *text, *all = NULL, bag[64];
	int problems = 0;

	if (tg_export_document(c, 0, &doc) < 0)
		return NULL;
	strip_volatile(doc);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (stat(bagdir, &st) != 0)
		snprintf(bag, sizeof(bag), "no bag");
	else if (tg_bag_verify(bagdir, NULL, bag_problem, &problems, &sum) < 0)
		snprintf(bag, sizeof(bag), "a bag that cannot be verified");
	else
		snprintf(bag, sizeof(bag), "a bag with %d problems", problems);
	if (text && (all = malloc(strlen(text) + strlen(bag) + 2)))
		snprintf(all, strlen(text) + strlen(bag) + 2, "%s\n%s", text, bag);
	cJSON_free(text);
	return all;
}

/* --- the operations ------------------------------------------------------------ */

/*
 * An operation on the open case c about item it: 0 with *text describing
 * its whole result, or a negative TG_E* code and *text NULL.
 */
typedef int (*op_fn)(struct tg_case *c, const struct tg_item *it, char **text);

/* The whole case's and the incident's documents (without generated_utc), one a line. */
static int op_export(struct tg_case *c, const struct tg_item *it, char **text)
{
	cJSON *whole = NULL, *inc = NULL;
	char *a, *b;
	int ret;

	(void)it;
	ret = tg_export_document(c, 0, &whole);
	if (ret == 0)
		ret = tg_export_document(c, inc_id, &inc);
	if (ret == 0) {
		cJSON_DeleteItemFromObjectCaseSensitive(whole, "generated_utc");
		cJSON_DeleteItemFromObjectCaseSensitive(inc, "generated_utc");
		a = json_text(whole);
		b = json_text(inc);
		oom_pause();
		if (a && b && (*text = malloc(strlen(a) + strlen(b) + 2)))
			snprintf(*text, strlen(a) + strlen(b) + 2, "%s\n%s", a, b);
		cJSON_free(a);
		cJSON_free(b);
		oom_resume();
	}
	cJSON_Delete(whole);
	cJSON_Delete(inc);
	return ret;
}

/* The "changed" count of an update. */
static int changed_text(int ret, int changed, char **text)
{
	if (ret == 0)
		*text = text_of("changed %d", changed);
	return ret;
}

static int op_tag(struct tg_case *c, const struct tg_item *it, char **text)
{
	const char *add[] = { "tear-gas", "blue-van" }, *rm[] = { "old-tag" };
	int changed = 0;

	return changed_text(tg_tag_update(c, "oom", it, add, 2, rm, 1, 1, &changed), changed, text);
}

static int op_count(struct tg_case *c, const struct tg_item *it, char **text)
{
	const char *kinds[] = { "injured", "killed" };
	long long vals[] = { 7, 2 };
	int changed = 0;

	(void)it;
	return changed_text(tg_incident_count(c, "oom", inc_id, kinds, vals, 2, "hospital",
					      &changed), changed, text);
}

static int op_record(struct tg_case *c, const struct tg_item *it, char **text)
{
	char ids[32];
	struct tg_record_change ch[] = {
		{ "source_who", "a protester on the steps" }, { "corroborated_by", ids },
	};
	int changed = 0;

	snprintf(ids, sizeof(ids), "%lld", item2_id);
	return changed_text(tg_record_update(c, "oom", it, ch, 2, &changed), changed, text);
}

static int op_status(struct tg_case *c, const struct tg_item *it, char **text)
{
	int changed = 0;

	return changed_text(tg_record_status(c, "oom", it, "in_review", "high", &changed), changed,
			    text);
}

/* Madrid, 2020-09-13 12:26:40 UTC: daylight, and the test pattern is not dark. */
static int op_sun(struct tg_case *c, const struct tg_item *it, char **text)
{
	struct tg_suncheck_given g = { 1, 1, 1, 1, 40.4, -3.7, 1600000000, 120, 0, 0, NAN };
	cJSON *r = NULL;
	int ret;

	ret = tg_case_sun_check(c, it, &g, "oom", &r);
	if (ret == 0 && !(*text = json_text(r)))
		ret = tg_error(TG_ENOMEM, "out of memory");
	cJSON_Delete(r);
	return ret;
}

static int op_keyframes(struct tg_case *c, const struct tg_item *it, char **text)
{
	const char *names[] = { "keyframes" };
	struct tg_analyse_opts ao = { "oom", NULL, 1, NULL, NULL };
	struct tg_analyse_report rep;
	int ret;

	ret = tg_case_analyse(c, it, names, 1, &ao, &rep);
	if (ret == 0)
		*text = text_of("ran %d, skipped %d, failed %d: %s", rep.ran, rep.skipped, rep.failed,
				rep.failures);
	return ret;
}

static int op_bag(struct tg_case *c, const struct tg_item *it, char **text)
{
	struct tg_bag_opts o = { inc_id, "Testigo test", "oom" };
	struct tg_bag_result r;
	int ret;

	(void)it;
	ret = tg_bag_export(c, bagdir, &o, &r);
	if (ret == 0)
		*text = text_of("%llu files, %llu bytes, %d items, entry %lld", r.files, r.bytes,
				r.items, r.custody_seq);
	return ret;
}

/* --- the runs ------------------------------------------------------------------- */

struct scenario {
	const char *name;
	op_fn op;
	int writes;		/* 0: it only reads, and its runs share one copy */
	/* a run that recorded the operation's failure instead (ret 0): how its text begins */
	const char *recorded_failure;
};

static struct after before;	/* the pristine case, reopened and described */

/* One run of a scenario. */
struct run {
	int ret;		/* the operation's code */
	char error[300];	/* its message when it failed */
	char *text;		/* its result (free() it), NULL when it failed */
	long allocs;		/* the allocations it made */
	int untouched;		/* it wrote nothing: after is the pristine case's */
	struct after after;	/* the case afterwards (free() after.state) */
};

/*
 * Run s on work with allocation fail_at failing (0: none), on a fresh copy
 * of the pristine case when s writes (a read-only run reuses the copy the
 * clean run made).
 */
static void run_op(const struct scenario *s, long fail_at, struct run *r)
{
	struct tg_case *c = NULL;
	struct tg_item it;
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->ret = -100;
	if ((s->writes || fail_at == 0) && fresh_copy(pristine) < 0)
		return;
	if (stat(bagdir, &st) == 0 && tg_bagit_remove_tree(bagdir) < 0)
		return;
	if (tg_case_open(&c, work) < 0 || tg_store_item_get(c->store, item_id, &it) < 0) {
		tg_case_close(c);
		return;
	}
	oom_arm(fail_at);
	r->ret = s->op(c, &it, &r->text);
	r->allocs = oom_disarm();
	tg_case_close(c);
	if (r->ret < 0) {
		snprintf(r->error, sizeof(r->error), "%s", tg_errmsg());
		free(r->text);
		r->text = NULL;
	}
	/* a cJSON failure that the operation reported by other means must
	 * not refuse the next run's first custody entry (jsonmem.h) */
	tg_jsonmem_check();
	/* a run that wrote nothing left the pristine case, which verified:
	 * known without opening it again (most runs fail before writing) */
	if (fail_at > 0 && sync_tree(pristine, work, 1) == 0 && stat(bagdir, &st) != 0) {
		r->after = before;
		r->after.state = strdup(before.state);
		r->untouched = 1;
		return;
	}
	reopen_and_check(&r->after, describe);
}

static int same_text(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Where text got first differs from want, for a message (in buf). */
static const char *difference(const char *got, const char *want, char *buf, size_t n)
{
	size_t i = 0, from;

	if (!got || !want)
		return got ? got : "none";
	while (got[i] && got[i] == want[i])
		i++;
	from = i > 40 ? i - 40 : 0;
	snprintf(buf, n, "differs from byte %zu: ...%.100s (clean: ...%.100s)", i, got + from,
		 want + from);
	return buf;
}

static void check_case_scenario(const struct scenario *s)
{
	struct run clean, r;
	long k, runs = 0, failed = 0, untouched = 0, same = 0, noted = 0, bad = 0;

	run_op(s, 0, &clean);
	if (clean.ret < 0)
		fprintf(stderr, "%s: the clean run failed: %s\n", s->name, clean.error);
	CHECK_INT(clean.ret, 0);
	CHECK(clean.text != NULL);
	CHECK_INT(clean.after.problems, 0);
	CHECK(clean.after.state != NULL);
	/* an operation that writes must change the case, one that reads must not */
	CHECK_INT(same_text(clean.after.state, before.state), !s->writes);
	CHECK(clean.allocs > 0);
	if (clean.ret < 0 || !clean.text || !clean.after.state) {
		free(clean.text);
		free(clean.after.state);
		return;
	}
	for (k = 1; k <= clean.allocs; k = next_fail(k, clean.allocs, SAMPLED_RUNS)) {
		const char *state;
		int as_before, as_clean, kind;

		run_op(s, k, &r);
		state = r.after.state;
		as_before = same_text(state, before.state);
		as_clean = same_text(state, clean.after.state);
		/* failed, leaving the case as it was or as if the operation had
		 * gone through (its entry written, applied by the next open);
		 * did what the clean run did; recorded the failure (a forced
		 * analysis: the analyser failed for want of memory) */
		kind = r.ret == TG_ENOMEM && !r.text && (as_before || as_clean) ? 1
		       : r.ret == 0 && same_text(r.text, clean.text) && as_clean ? 2
		       : r.ret == 0 && s->recorded_failure && r.text &&
			 strncmp(r.text, s->recorded_failure, strlen(s->recorded_failure)) == 0 &&
			 strstr(r.text, "memory") &&
			 r.after.not_ok == clean.after.not_ok + 1 &&
			 r.after.sum.entries == clean.after.sum.entries ? 3 : 0;
		runs++;
		failed += kind == 1;
		untouched += kind == 1 && r.untouched;
		same += kind == 2;
		noted += kind == 3;
		if (kind == 0 || r.after.problems != 0) {
			char d1[400], d2[400];

			bad++;
			fprintf(stderr, "%s: allocation %ld of %ld failed: returned %d (%s), result %s, "
				"the case %s, verify: %d problems\n", s->name, k, clean.allocs, r.ret,
				r.error, same_text(r.text, clean.text) ? "as clean"
				: difference(r.text, clean.text, d1, sizeof(d1)), as_before ? "as before"
				: as_clean ? "as the clean run left it"
				: difference(state, clean.after.state, d2, sizeof(d2)), r.after.problems);
		}
		free(r.text);
		free(r.after.state);
	}
	CHECK_INT(bad, 0);
	CHECK(failed > 0);
	printf("%s out of memory: %ld allocations, %ld of them failed in turn: %ld runs reported "
	       "out of memory (%ld before writing anything), %ld recorded the failure, %ld were "
	       "unaffected, %ld did otherwise\n", s->name, clean.allocs, runs, failed, untouched,
	       noted, same, bad);
	free(clean.text);
	free(clean.after.state);
}

/* --- the case ------------------------------------------------------------------- */

/* The pristine case: two items, an incident with item 1 and a count, a tag. */
static int make_case(void)
{
	struct tg_ingest_opts io = { 0 };
	struct tg_ingest_result r;
	struct tg_incident_spec spec = { "Superior Court", "Lima", "shots fired at protesters",
					 "2020-11-12", NULL, -12.0561, -77.0365 };
	struct tg_case *c = NULL;
	struct tg_item it;
	const char *tags[] = { "old-tag" }, *kinds[] = { "injured" };
	long long vals[] = { 3 };
	char *abs = NULL, vid[600], wav[600], cmd[2000];
	int changed, ret;

	snprintf(vid, sizeof(vid), "%s/v.mp4", tg_test_scratch());
	snprintf(wav, sizeof(wav), "%s/a.wav", tg_test_scratch());
	snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -loglevel error -f lavfi -i "
		 "testsrc=d=3:s=96x64:r=10 -f lavfi -i sine=d=3 -shortest -pix_fmt yuv420p '%s' && "
		 "ffmpeg -nostdin -loglevel error -f lavfi -i anoisesrc=d=2:seed=5 '%s'", vid, wav);
	if (tg_test_sh(cmd) < 0)
		return 1;
	if (tg_case_init(pristine, "oom", &abs) < 0 || tg_case_open(&c, pristine) < 0) {
		free(abs);
		return -1;
	}
	free(abs);
	io.actor = "oom";
	ret = tg_ingest_file(c, vid, &io, &r);
	item_id = r.item_id;
	tg_ingest_result_release(&r);
	if (ret == 0)
		ret = tg_ingest_file(c, wav, &io, &r);
	item2_id = r.item_id;
	tg_ingest_result_release(&r);
	if (ret == 0)
		ret = tg_incident_create(c, "oom", &spec, &inc_id);
	if (ret == 0)
		ret = tg_store_item_get(c->store, item_id, &it);
	if (ret == 0)
		ret = tg_incident_link(c, "oom", inc_id, &it, 1, &changed);
	if (ret == 0)
		ret = tg_tag_update(c, "oom", &it, tags, 1, NULL, 0, 1, &changed);
	if (ret == 0)
		ret = tg_incident_count(c, "oom", inc_id, kinds, vals, 1, "press", &changed);
	tg_case_close(c);
	return ret < 0 ? -1 : 0;
}

static void test_case_out_of_memory(void)
{
	static const struct scenario scenarios[] = {
		{ "export", op_export, 0, NULL },
		{ "tag", op_tag, 1, NULL },
		{ "count", op_count, 1, NULL },
		{ "record", op_record, 1, NULL },
		{ "status", op_status, 1, NULL },
		{ "sun", op_sun, 1, NULL },
		{ "keyframes", op_keyframes, 1, "ran 1, skipped 0, failed 1: " },
		{ "bag", op_bag, 1, NULL },
	};
	int ret;

	snprintf(pristine, sizeof(pristine), "%s/pristine", tg_test_scratch());
	snprintf(work, sizeof(work), "%s/work", tg_test_scratch());
	snprintf(bagdir, sizeof(bagdir), "%s/bag", tg_test_scratch());
	ret = make_case();
	if (ret > 0) {
		SKIP("cannot make the media (ffmpeg missing?)");
		return;
	}
	CHECK_INT(ret, 0);
	CHECK_INT(fresh_copy(pristine), 0);
	reopen_and_check(&before, describe);
	CHECK_INT(before.problems, 0);
	CHECK_INT(before.not_ok, 0);
	CHECK(before.state && strstr(before.state, "\"old-tag\"") &&
	      strstr(before.state, "\"analyser\":\"keyframes\"") && strstr(before.state, "no bag"));
	if (ret < 0 || !before.state)
		return;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!getenv("TG_OOM_ONLY") || strcmp(getenv("TG_OOM_ONLY"), scenarios[i].name) == 0)
			check_case_scenario(&scenarios[i]);
	free(before.state);
}

int main(void)
{
	if (oom_case_setup("test_oom_case") < 0)
		return 1;
	RUN(test_case_out_of_memory);
	return TEST_END();
}
