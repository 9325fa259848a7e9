/*
 * harness.h - the unit-test harness: checks that count, and one closing line.
 *
 * A test file defines static void test_x(void) functions and a main() that
 * calls RUN(test_x) for each and returns TEST_END().  Checks never abort the
 * whole file: a failed check prints where and why and the test continues.
 * Tests run from the project root, so paths such as "../shared/conformance"
 * are relative to it.
 */
#ifndef TG_TEST_HARNESS_H
#define TG_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int tg_test_passed, tg_test_failed, tg_test_skipped;
static const char *tg_test_current;

#define CHECK(cond) do { \
	if (cond) tg_test_passed++; \
	else { tg_test_failed++; \
		fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, \
			tg_test_current, #cond); } \
} while (0)

#define CHECK_INT(a, b) do { \
	long long va_ = (long long)(a), vb_ = (long long)(b); \
	if (va_ == vb_) tg_test_passed++; \
	else { tg_test_failed++; \
		fprintf(stderr, "%s:%d: %s: %s == %lld, expected %lld\n", __FILE__, \
			__LINE__, tg_test_current, #a, va_, vb_); } \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *sa_ = (a), *sb_ = (b); \
	if (sa_ && sb_ && strcmp(sa_, sb_) == 0) tg_test_passed++; \
	else { tg_test_failed++; \
		fprintf(stderr, "%s:%d: %s: %s == \"%s\", expected \"%s\"\n", \
			__FILE__, __LINE__, tg_test_current, #a, sa_ ? sa_ : "(null)", \
			sb_ ? sb_ : "(null)"); } \
} while (0)

#define CHECK_NEAR(a, b, tol) do { \
	double da_ = (a), db_ = (b); \
	if (fabs(da_ - db_) <= (tol)) tg_test_passed++; \
	else { tg_test_failed++; \
		fprintf(stderr, "%s:%d: %s: %s == %.9g, expected %.9g (tol %g)\n", \
			__FILE__, __LINE__, tg_test_current, #a, da_, db_, (double)(tol)); } \
} while (0)

#define SKIP(why) do { tg_test_skipped++; \
	fprintf(stderr, "SKIP %s: %s\n", tg_test_current, why); } while (0)

#define RUN(fn) do { tg_test_current = #fn; fn(); } while (0)

#define TEST_END() (printf("%s: %d passed, %d failed, %d skipped\n", \
	__FILE__, tg_test_passed, tg_test_failed, tg_test_skipped), \
	tg_test_failed ? 1 : 0)

/* The conformance folder, or NULL (with a SKIP line) when it is absent. */
static inline const char *tg_test_conformance(const char *sub)
{
	static char path[4096];
	const char *root = getenv("TG_CONFORMANCE");
	struct stat st;

	if (!root)
		root = "../shared/conformance";
	snprintf(path, sizeof(path), "%s/%s", root, sub);
	if (stat(path, &st) != 0) {
		SKIP("conformance data not found (../shared/conformance); skipped");
		return NULL;
	}
	return path;
}

/*
 * TG_TEST_QUICK (set by the sanitizer pass of make check): the slowest
 * conformance tests check a sample instead of every file; the normal build
 * checks everything.
 */
static inline int tg_test_quick(void)
{
	const char *q = getenv("TG_TEST_QUICK");

	return q && q[0] && q[0] != '0';
}

/* A fresh scratch directory for this test process. */
static inline const char *tg_test_scratch(void)
{
	static char dir[256];

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/tg-unit-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return dir;
}

/*
 * A new empty file in the scratch directory, named stem and six random
 * characters (mkstemp's template), its path into path[size]: 0, or -1
 * with a message naming it.
 */
static inline int tg_test_scratch_file(char *path, size_t size, const char *stem)
{
	int fd;

	if ((size_t)snprintf(path, size, "%s/%s-XXXXXX", tg_test_scratch(), stem) >= size ||
	    (fd = mkstemp(path)) < 0) {
		fprintf(stderr, "%s: cannot create a scratch file\n", path);
		return -1;
	}
	close(fd);
	return 0;
}

#endif
