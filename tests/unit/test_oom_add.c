/*
 * test_oom_add.c - `testigo add` out of memory: the case still verifies.
 *
 * Adds a short recording (a burst of recorded gunshots in a rumble) to a
 * fresh copy of a case, with one allocation failing: the library's own
 * (oom_inject.h), cJSON's and SQLite's (its allocator is wrapped below).
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
#include <sqlite3.h>

#include "case/case.h"
#include "case/ingest.h"
#include "case/verify.h"
#include "custody/log.h"
#include "util/jsonmem.h"

#include "audio_util.h"
#include "oom_inject.h"

#define RATE 24000
#define SECONDS 3
#define FULL_RUNS 300   /* every allocation up to here fails in turn ... */
#define SAMPLED_RUNS 200 /* ... then this many spread over the rest */

/* --- SQLite's allocator, through the same failure counter ----------------- */

static sqlite3_mem_methods sqlite_real;

static void *sqlite_malloc(int n)
{
	return oom_fail_now() ? NULL : sqlite_real.xMalloc(n);
}

static void *sqlite_realloc(void *p, int n)
{
	return oom_fail_now() ? NULL : sqlite_real.xRealloc(p, n);
}

static int hook_sqlite(void)
{
	sqlite3_mem_methods m;

	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_real) != SQLITE_OK)
		return -1;
	m = sqlite_real;
	m.xMalloc = sqlite_malloc;
	m.xRealloc = sqlite_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

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

static char pristine[600], work[600], wav[600];

static void count_problem(void *user, const struct tg_verify_problem *p)
{
	fprintf(stderr, "verify: %s\n", p->message);
	(*(int *)user)++;
}

/*
 * Add the recording to a fresh copy of the pristine case with allocation
 * fail_at failing (0: none).  Returns the add's code; *analyses_failed
 * and *why tell how the analyses went; *problems is what verifying the
 * case found afterwards (-1 when it could not be verified).
 */
static int run_add(long fail_at, long *allocs, int *analyses_failed, char *why, size_t whylen,
		   int *problems, struct tg_verify_summary *after, int *new_item)
{
	struct tg_ingest_opts io = { 0 };
	struct tg_ingest_result r;
	struct tg_case *c = NULL;
	char cmd[2000];
	int ret, found = 0;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -a '%s' '%s'", work, pristine, work);
	if (tg_test_sh(cmd) < 0)
		return -100;
	io.actor = "oom";
	memset(&r, 0, sizeof(r));
	*analyses_failed = 0;
	why[0] = '\0';
	oom_arm(fail_at);
	ret = tg_case_open(&c, work);
	if (ret == 0) {
		ret = tg_ingest_file(c, wav, &io, &r);
		if (ret == 0) {
			*new_item = r.new_item;
			*analyses_failed = r.analyses_failed;
			snprintf(why, whylen, "%s", r.analysis_failures);
		}
		tg_ingest_result_release(&r);
		tg_case_close(c);
	}
	*allocs = oom_disarm();
	if (ret < 0 && ret != TG_ENOMEM)
		snprintf(why, whylen, "%s", tg_errmsg());
	/* the case as the next command finds it */
	*problems = -1;
	c = NULL;
	memset(after, 0, sizeof(*after));
	if (tg_case_open(&c, work) == 0) {
		if (tg_case_verify(c, count_problem, &found, NULL, NULL, after) == 0)
			*problems = found;
		tg_case_close(c);
	}
	return ret;
}

static void test_add_out_of_memory(void)
{
	long total, k, runs = 0, failed = 0, same = 0, noted = 0, bad = 0, unverified = 0;
	int af, problems, new_item = 0, full = getenv("TG_OOM_FULL") != NULL;
	struct tg_verify_summary clean, after;
	char why[512], *abs = NULL;

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
	CHECK_INT(run_add(0, &total, &af, why, sizeof(why), &problems, &clean, &new_item), 0);
	CHECK_INT(af, 0);
	CHECK_INT(problems, 0);
	CHECK_INT(new_item, 1);
	CHECK(total > FULL_RUNS);
	for (k = 1; k <= total;
	     k += full || k < FULL_RUNS ? 1 : (total - FULL_RUNS) / SAMPLED_RUNS + 1) {
		long n;
		int ret;

		new_item = 0;
		ret = run_add(k, &n, &af, why, sizeof(why), &problems, &after, &new_item);
		runs++;
		if (ret == TG_ENOMEM)
			failed++;
		else if (ret == 0 && af == 0 && new_item && after.entries == clean.entries &&
			 after.items == clean.items && after.findings == clean.findings)
			same++;
		else if (ret == 0 && strstr(why, "out of memory"))
			noted++;
		else
			bad++;
		if (problems != 0)
			unverified++;
		if ((ret != 0 && ret != TG_ENOMEM) || (ret == 0 && af && !strstr(why, "out of memory")) ||
		    (ret == 0 && !af && (!new_item || after.findings != clean.findings)) ||
		    problems != 0)
			fprintf(stderr, "add: allocation %ld of %ld failed: returned %d (%s), %d "
				"analyses failed, new item %d, %lld findings (clean %lld), verify: %d "
				"problems\n", k, total, ret, why, af, new_item, after.findings,
				clean.findings, problems);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(unverified, 0);
	CHECK(failed > 0);
	printf("add out of memory: %ld allocations, %ld of them failed in turn: %ld adds reported "
	       "out of memory, %ld recorded an analysis as failed for want of memory, %ld were "
	       "unaffected, %ld did otherwise; the case failed to verify after %ld\n", total, runs,
	       failed, noted, same, bad, unverified);
}

/*
 * Recovery out of memory: a case whose catalog lags its log by one entry
 * (a process died between the two) is opened, which replays the entry,
 * and a new entry is recorded, with one allocation failing.  Reopened and
 * verified afterwards it must hold every entry: a replay that gave up
 * quietly would let the new entry through and leave a gap no later open
 * could fill.
 */
static char lagging[600];

static int run_recover(long fail_at, long *allocs, int *problems)
{
	struct tg_verify_summary sum;
	struct tg_case *c = NULL;
	cJSON *d = cJSON_CreateObject();
	char cmd[2000];
	int ret, found = 0;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && cp -a '%s' '%s'", work, lagging, work);
	if (!d || tg_test_sh(cmd) < 0) {
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
	*problems = -1;
	c = NULL;
	if (tg_case_open(&c, work) == 0) {
		if (tg_case_verify(c, count_problem, &found, NULL, NULL, &sum) == 0)
			*problems = found;
		tg_case_close(c);
	}
	return ret;
}

static void test_recover_out_of_memory(void)
{
	struct tg_case *c = NULL;
	cJSON *d = cJSON_CreateObject();
	long total, k, runs = 0, failed = 0, same = 0, bad = 0;
	int problems, full = getenv("TG_OOM_FULL") != NULL;
	char cmd[2000];

	/* the pristine case, then one entry in the log that the catalog lacks */
	snprintf(lagging, sizeof(lagging), "%s/lagging", tg_test_scratch());
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

	CHECK_INT(run_recover(0, &total, &problems), 0);
	CHECK_INT(problems, 0);
	CHECK(total > 100);
	for (k = 1; k <= total; k += full || k < 300 ? 1 : (total - 300) / 100 + 1) {
		long n;
		int ret = run_recover(k, &n, &problems);

		runs++;
		if (ret == TG_ENOMEM)
			failed++;
		else if (ret == 0)
			same++;
		if ((ret != 0 && ret != TG_ENOMEM) || problems != 0) {
			bad++;
			fprintf(stderr, "recover: allocation %ld of %ld failed: returned %d (%s), "
				"verify: %d problems\n", k, total, ret, ret < 0 ? tg_errmsg() : "",
				problems);
		}
	}
	CHECK_INT(bad, 0);
	CHECK(failed > 0);
	printf("recovery out of memory: %ld allocations, %ld of them failed in turn: %ld opens or "
	       "records reported out of memory, %ld went through, %ld did otherwise\n", total, runs,
	       failed, same, bad);
}

int main(void)
{
	if (hook_sqlite() < 0) {
		fprintf(stderr, "test_oom_add: cannot hook SQLite's allocator\n");
		return 1;
	}
	tg_jsonmem_install();
	RUN(test_add_out_of_memory);
	RUN(test_recover_out_of_memory);
	return TEST_END();
}
