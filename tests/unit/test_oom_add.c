/*
 * test_oom_add.c - `testigo add` out of memory: the case still verifies.
 *
 * Adds a short recording (a burst of recorded gunshots in a rumble) to a
 * fresh copy of a case, with one allocation failing: the library's own
 * (oom_inject.h), cJSON's and SQLite's (its allocator is wrapped in
 * oom_case.h, with the copying, reopening and sampling this test shares).
 * Every allocation of the first few hundred fails in turn, then a spread
 * sample of the rest (TG_OOM_FULL=1: every one, a few minutes).  After
 * each run the case is opened again (which replays what the catalog
 * missed) and verified: no problem is allowed.
 * The run itself must succeed as the clean one did, or fail with "out of
 * memory", or add the item with an analysis recorded as failed for want
 * of memory (an honest finding that `testigo analyse --force` can redo).
 *
 * What it and its exhaustive run found: an acquisition whose entry was
 * written but could not be applied (the caller's copy of the entry, the
 * transaction, the object's path) deleted its staged file while the log
 * said it was acquired (verify: "the evidentiary copy is missing"); a
 * text bind that could not copy its value left NULL in a row or made a
 * lookup match everything (an analysis skipped as "already done", an add
 * taken for a second acquisition without its metadata); recovery that
 * could not read the last mirrored entry carried on and let the next
 * append leave a gap; SQLite out of memory was reported as a damaged
 * catalog.
 */
#include "harness.h"

#include <cjson/cJSON.h>

#include "case/case.h"
#include "case/ingest.h"
#include "custody/log.h"
#include "util/jsonmem.h"

#include "audio_util.h"
#include "oom_inject.h"
#include "oom_case.h"

#define RATE 24000
#define SECONDS 3
#define SAMPLED_RUNS 200 /* after the first OOM_FULL_RUNS, this many spread over the rest */

/* --- the recording ----------------------------------------------------------- */

/* 16-bit mono PCM WAV (the header's fields copied as they lie in memory: a little-endian host) */
static int write_wav16(const char *path, const float *x, size_t n, int rate)
{
	FILE *f = fopen(path, "wb");
	unsigned char h[44];
	uint32_t data = (uint32_t)(n * 2), v;
	size_t i;
	int ok;

	if (!f)
		return -1;
	memcpy(h, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\x02\0\x10\0data", 40);
	v = data + 36;
	memcpy(h + 4, &v, 4);
	v = (uint32_t)rate;
	memcpy(h + 24, &v, 4);
	v = (uint32_t)rate * 2;
	memcpy(h + 28, &v, 4);
	memcpy(h + 40, &data, 4);
	ok = fwrite(h, 1, 44, f) == 44;
	for (i = 0; ok && i < n; i++) {
		float c = x[i] > 1.0f ? 1.0f : x[i] < -1.0f ? -1.0f : x[i];
		int16_t s = (int16_t)lrintf(c * 32767.0f);
		ok = fwrite(&s, 2, 1, f) == 1;
	}
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* 3 s: a rumble and a burst of three recorded blasts 110 ms apart. */
static int make_recording(const char *path)
{
	struct tg_test_snd blast = { TG_TEST_BLAST, NULL, 0, 0, 0.0f };
	size_t n = (size_t)SECONDS * RATE, i;
	float *x = calloc(n, sizeof(float));
	uint64_t s = 11;
	double y = 0.0;
	int ret = -1;

	if (x && tg_test_load_snd(&blast, 1, RATE) == 0) {
		for (i = 0; i < n; i++)
			x[i] = (float)(y = 0.99 * y + 0.004 * tg_test_gauss(&s));
		for (int k = 0; k < 3; k++)
			tg_test_mix(x, n, blast.x, blast.n, (long)((1.0 + 0.11 * k) * RATE),
				    0.3f / blast.peak);
		ret = write_wav16(path, x, n, RATE);
	}
	tg_test_free_snd(&blast, 1);
	free(x);
	return ret;
}

/* --- one run ------------------------------------------------------------------ */

static char wav[600];

/*
 * Add the recording to a fresh copy of the pristine case with allocation
 * fail_at failing (0: none).  Returns the add's code; *r tells how the
 * analyses went, *a how the case is afterwards.
 */
static int run_add(long fail_at, long *allocs, struct tg_ingest_result *r, struct after *a)
{
	struct tg_ingest_opts io = { 0 };
	struct tg_case *c = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	if (fresh_copy(pristine) < 0)
		return -100;
	io.actor = "oom";
	oom_arm(fail_at);
	ret = tg_case_open(&c, work);
	if (ret == 0) {
		ret = tg_ingest_file(c, wav, &io, r);
		tg_case_close(c);
	}
	*allocs = oom_disarm();
	if (ret < 0)
		snprintf(r->analysis_failures, sizeof(r->analysis_failures), "%s", tg_errmsg());
	tg_ingest_result_release(r);	/* the counts and texts stay */
	reopen_and_check(a, NULL);
	return ret;
}

static void test_add_out_of_memory(void)
{
	long total, k, runs = 0, failed = 0, same = 0, noted = 0, bad = 0;
	struct tg_ingest_result r;
	struct after clean, after;
	char *abs = NULL;

	snprintf(pristine, sizeof(pristine), "%s/pristine", tg_test_scratch());
	snprintf(work, sizeof(work), "%s/work", tg_test_scratch());
	snprintf(wav, sizeof(wav), "%s/burst.wav", tg_test_scratch());
	if (make_recording(wav) < 0) {
		SKIP("cannot make the recording (hedgewars-data missing?)");
		return;
	}
	CHECK_INT(tg_case_init(pristine, "oom", &abs), 0);
	free(abs);

	/* clean: learn the allocations; the analysers must all succeed */
	CHECK_INT(run_add(0, &total, &r, &clean), 0);
	CHECK_INT(r.analyses_failed, 0);
	CHECK_INT(r.new_item, 1);
	CHECK_INT(clean.problems, 0);
	CHECK(total > OOM_FULL_RUNS);
	for (k = 1; k <= total; k = next_fail(k, total, SAMPLED_RUNS)) {
		long n;
		int ret = run_add(k, &n, &r, &after);
		/* failed; did what the clean add did; recorded an analysis as
		 * failed for want of memory; anything else is wrong */
		int kind = ret == TG_ENOMEM ? 1
			   : ret == 0 && !r.analyses_failed && r.new_item &&
			     after.sum.entries == clean.sum.entries &&
			     after.sum.items == clean.sum.items &&
			     after.sum.findings == clean.sum.findings ? 2
			   : ret == 0 && strstr(r.analysis_failures, "out of memory") ? 3 : 0;

		runs++;
		failed += kind == 1;
		same += kind == 2;
		noted += kind == 3;
		if (kind == 0 || after.problems != 0) {
			bad++;
			fprintf(stderr, "add: allocation %ld of %ld failed: returned %d (%s), %d "
				"analyses failed, new item %d, %lld findings (clean %lld), verify: %d "
				"problems\n", k, total, ret, r.analysis_failures, r.analyses_failed,
				r.new_item, after.sum.findings, clean.sum.findings, after.problems);
		}
	}
	CHECK_INT(bad, 0);
	CHECK(failed > 0);
	printf("add out of memory: %ld allocations, %ld of them failed in turn: %ld adds reported "
	       "out of memory, %ld recorded an analysis as failed for want of memory, %ld were "
	       "unaffected, %ld did otherwise or left a case that does not verify\n", total, runs,
	       failed, noted, same, bad);
}

/*
 * Recovery out of memory: a case whose catalog lags its log by one entry
 * (a process died between the two) is opened, which replays the entry,
 * and a new entry is recorded, with one allocation failing.  Reopened and
 * verified afterwards it must hold every entry, and each finding as the
 * clean run has it: a replay that gave up quietly would let the new entry
 * through and leave a gap no later open could fill, and one that stored
 * an analysis it could not recompute for want of memory as "failed" would
 * contradict its log.  Two lagging entries: a custody row only (verify),
 * and the shots analysis, which the replay recomputes from the object.
 */
static int run_recover(const char *from, long fail_at, long *allocs, struct after *a)
{
	struct tg_case *c = NULL;
	cJSON *d = cJSON_CreateObject();
	int ret;

	if (!d || fresh_copy(from) < 0) {
		cJSON_Delete(d);
		return -100;
	}
	oom_arm(fail_at);
	ret = tg_case_open(&c, work);
	if (ret == 0) {
		ret = tg_case_record(c, "oom", "verify", NULL, d, NULL, NULL, NULL);
		tg_case_close(c);
	}
	*allocs = oom_disarm();
	cJSON_Delete(d);
	reopen_and_check(a, NULL);
	return ret;
}

/* Fail each allocation of a recovery from `from` in turn (see run_recover). */
static void check_recovery(const char *name, const char *from)
{
	struct after clean, after;
	long total, k, runs = 0, failed = 0, same = 0, bad = 0;

	CHECK_INT(run_recover(from, 0, &total, &clean), 0);
	CHECK_INT(clean.problems, 0);
	CHECK(total > 100);
	for (k = 1; k <= total; k = next_fail(k, total, SAMPLED_RUNS)) {
		long n;
		int ret = run_recover(from, k, &n, &after);

		runs++;
		failed += ret == TG_ENOMEM;
		same += ret == 0;
		/* the findings as the clean run has them (a finding recomputed
		 * at the final open when the armed one ran out of memory) */
		if ((ret != 0 && ret != TG_ENOMEM) || after.problems != 0 ||
		    after.sum.findings != clean.sum.findings || after.not_ok != clean.not_ok) {
			bad++;
			fprintf(stderr, "%s: allocation %ld of %ld failed: returned %d (%s), %lld "
				"findings (clean %lld), %d not ok (clean %d), verify: %d problems\n",
				name, k, total, ret, ret < 0 ? tg_errmsg() : "", after.sum.findings,
				clean.sum.findings, after.not_ok, clean.not_ok, after.problems);
		}
	}
	CHECK_INT(bad, 0);
	CHECK(failed > 0);
	printf("%s out of memory: %ld allocations, %ld of them failed in turn: %ld opens or "
	       "records reported out of memory, %ld went through, %ld did otherwise\n", name,
	       total, runs, failed, same, bad);
}

/* The last entry of a log with this action and analyser (details copied). */
struct find_entry {
	const char *action, *analyser;
	cJSON *details;
	char item[65];
};

static int find_entry_cb(void *user, long long line_no, const char *line, size_t len,
			 const struct tg_custody_entry *e, const char *problem)
{
	struct find_entry *f = user;
	const cJSON *a = e ? cJSON_GetObjectItemCaseSensitive(e->details, "analyser") : NULL;

	(void)line_no;
	(void)line;
	(void)len;
	(void)problem;
	if (e && strcmp(e->action, f->action) == 0 &&
	    (!f->analyser || (cJSON_IsString(a) && strcmp(a->valuestring, f->analyser) == 0))) {
		cJSON_Delete(f->details);
		f->details = cJSON_Duplicate(e->details, 1);
		snprintf(f->item, sizeof(f->item), "%s", e->item);
	}
	return 0;
}

static void test_recover_out_of_memory(void)
{
	struct tg_ingest_opts io = { 0 };
	struct tg_ingest_result r;
	struct find_entry shots = { "analyse", "shots", NULL, "" };
	struct tg_case *c = NULL;
	cJSON *d = cJSON_CreateObject();
	char cmd[2000], lagging[600], path[700];

	io.actor = "oom";
	/* a custody row only: the pristine case and one entry its catalog lacks */
	snprintf(lagging, sizeof(lagging), "%s/lagging-verify", tg_test_scratch());
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", pristine, lagging);
	CHECK_INT(tg_test_sh(cmd), 0);
	CHECK_INT(tg_case_open(&c, lagging), 0);
	if (!c || !d) {
		cJSON_Delete(d);
		return;
	}
	CHECK_INT(tg_custody_append(&c->custody, "oom", "verify", NULL, d, NULL), 0);
	tg_case_close(c);
	cJSON_Delete(d);
	check_recovery("recovery of a custody row", lagging);

	/* an analysis: the shots entry of a clean add, appended unapplied to
	 * a case that holds the item without its analyses */
	snprintf(lagging, sizeof(lagging), "%s/lagging-analysis", tg_test_scratch());
	CHECK_INT(fresh_copy(pristine), 0);
	CHECK_INT(tg_case_open(&c, work), 0);
	CHECK_INT(tg_ingest_file(c, wav, &io, &r), 0);
	tg_ingest_result_release(&r);
	tg_case_close(c);
	snprintf(path, sizeof(path), "%s/custody.log", work);
	CHECK_INT(tg_custody_walk(path, find_entry_cb, &shots), 0);
	CHECK(shots.details != NULL);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", pristine, lagging);
	CHECK_INT(tg_test_sh(cmd), 0);
	io.no_analysis = 1;
	c = NULL;
	CHECK_INT(tg_case_open(&c, lagging), 0);
	if (c && shots.details) {
		CHECK_INT(tg_ingest_file(c, wav, &io, &r), 0);
		tg_ingest_result_release(&r);
		CHECK_INT(tg_custody_append(&c->custody, "oom", "analyse", shots.item, shots.details,
					    NULL), 0);
	}
	if (c)
		tg_case_close(c);
	cJSON_Delete(shots.details);
	check_recovery("recovery of an analysis", lagging);
}

int main(void)
{
	if (oom_case_setup("test_oom_add") < 0)
		return 1;
	RUN(test_add_out_of_memory);
	RUN(test_recover_out_of_memory);
	return TEST_END();
}
