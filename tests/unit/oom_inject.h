/*
 * oom_inject.h - fail one allocation of the library at a time (tests only).
 *
 * A test binary that includes this header (once) is linked with the
 * malloc family wrapped (Makefile: OOM_WRAP), so every allocation the
 * library makes, and cJSON's (tg_jsonmem_install()'s hook calls malloc
 * from inside the library), goes through __wrap_*() below.
 * check_scenario() runs a scenario once to learn its result and how many
 * allocations it makes, then with only the 1st failing, only the 2nd, and
 * so on: every run must fail with TG_ENOMEM or give exactly the first
 * run's result.
 *
 * Limits: the counters are not atomic (scenarios run on one thread), and
 * the wrap reaches only the references the library and the test make;
 * allocations inside libc (strdup, getline), OpenSSL, libexif and FFmpeg
 * (its calls to its own av_malloc) are not failed.
 */
#ifndef TG_TEST_OOM_INJECT_H
#define TG_TEST_OOM_INJECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/error.h"

static long oom_count;   /* allocations seen while armed */
static long oom_fail_at; /* the one to fail (1-based); 0: none */
static int oom_armed;

static inline int oom_fail_now(void)
{
	if (!oom_armed)
		return 0;
	return ++oom_count == oom_fail_at;
}

/* __wrap_name(): NULL when this is the allocation to fail, else the real one */
#define OOM_WRAP(name, params, args) \
	void *__real_##name params; \
	void *__wrap_##name params; \
	void *__wrap_##name params { return oom_fail_now() ? NULL : __real_##name args; }

OOM_WRAP(malloc, (size_t n), (n))
OOM_WRAP(calloc, (size_t n, size_t m), (n, m))
OOM_WRAP(realloc, (void *p, size_t n), (p, n))
OOM_WRAP(av_malloc, (size_t n), (n))
OOM_WRAP(av_mallocz, (size_t n), (n))
OOM_WRAP(av_calloc, (size_t n, size_t m), (n, m))

static inline void oom_arm(long fail_at)
{
	oom_count = 0;
	oom_fail_at = fail_at;
	oom_armed = 1;
}

/* Let the test itself allocate inside an armed span. */
static inline void oom_pause(void)
{
	oom_armed = 0;
}

static inline void oom_resume(void)
{
	oom_armed = 1;
}

/* Disarm; returns how many allocations the armed span made. */
static inline long oom_disarm(void)
{
	oom_armed = 0;
	return oom_count;
}

/*
 * A scenario: run() does the work with allocations armed and fills a
 * malloc'ed text describing its whole result (or returns a negative
 * TG_E* code).  check() runs it cleanly, then fails each allocation in
 * turn.
 */
typedef int (*scenario_fn)(const void *input, char **text);

/* Returns how many runs succeeded (the clean one included). */
static inline long check_scenario(const char *name, scenario_fn run, const void *input)
{
	char *want = NULL, *got;
	long total, k, failed = 0, same = 0;
	int ret;

	oom_arm(0);
	ret = run(input, &want);
	total = oom_disarm();
	CHECK_INT(ret, 0);
	CHECK(total > 0);
	if (ret != 0 || !want)
		return ret == 0;
	for (k = 1; k <= total; k++) {
		got = NULL;
		oom_arm(k);
		ret = run(input, &got);
		oom_disarm();
		if (ret == TG_ENOMEM && !got) {
			failed++;
		} else if (ret == 0 && got && strcmp(got, want) == 0) {
			same++;
		} else {
			fprintf(stderr, "%s: allocation %ld of %ld failed: returned %d (%s), %s\n",
				name, k, total, ret, ret < 0 ? tg_errmsg() : "",
				got ? "a different result" : "no result");
		}
		free(got);
	}
	/* one check a scenario: each run either failed with TG_ENOMEM or
	 * (an allocation whose loss only costs speed) gave the same answer */
	CHECK_INT(failed + same, total);
	CHECK(failed > 0);
	printf("%s: %ld allocations, each failed once: %ld runs reported out of memory, "
	       "%ld gave the same result\n", name, total, failed, same);
	free(want);
	return 1 + same;
}

#endif
