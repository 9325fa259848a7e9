/*
 * oom_case.h - out-of-memory runs on a copy of a case (tests only).
 *
 * Shared by the tests that fail one allocation of a case operation at a
 * time (test_oom_add.c, test_oom_case.c); include it once (it includes
 * oom_inject.h):
 *
 *   oom_case_setup()     SQLite's allocator through oom_inject.h's counter,
 *                        cJSON's counted (jsonmem.h): first thing in main()
 *   pristine, work       the case a scenario starts from, and the copy a
 *                        run works on (the test fills both paths)
 *   fresh_copy(from)     work becomes a copy of from (only what differs
 *                        is written again: sync_tree())
 *   reopen_and_check()   work as the next command finds it: opened
 *                        (replaying what the catalog missed), verified,
 *                        its findings not "ok" counted, and described
 *   next_fail()          which allocation to fail next: each of the first
 *                        OOM_FULL_RUNS, then a sample spread over the rest
 *                        (TG_OOM_FULL=1: every one)
 */
#ifndef TG_TEST_OOM_CASE_H
#define TG_TEST_OOM_CASE_H

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case/case.h"
#include "case/verify.h"
#include "util/jsonmem.h"
#include "oom_inject.h"

#define OOM_FULL_RUNS 300	/* every allocation up to here fails in turn */

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

/* Before SQLite and cJSON are first used; -1 (said on stderr) when SQLite cannot be hooked. */
static int oom_case_setup(const char *test)
{
	if (hook_sqlite() < 0) {
		fprintf(stderr, "%s: cannot hook SQLite's allocator\n", test);
		return -1;
	}
	tg_jsonmem_install();
	return 0;
}

/* --- the case after a run ------------------------------------------------------ */

static char pristine[600], work[600];

static void count_problem(void *user, const struct tg_verify_problem *p)
{
	fprintf(stderr, "verify: %s\n", p->message);
	(*(int *)user)++;
}

/* Findings not "ok", of every item (an analysis the log says succeeded must not be "failed"). */
struct not_ok {
	struct tg_store *store;
	int n;
};

static int count_not_ok(void *user, const struct tg_finding *f)
{
	struct not_ok *x = user;

	x->n += strcmp(f->status, "ok") != 0;
	return 0;
}

static int item_not_ok(void *user, const struct tg_item *it)
{
	struct not_ok *x = user;

	return tg_store_findings(x->store, it->id, NULL, count_not_ok, x);
}

/* A malloc'ed text describing the open case c (NULL when it cannot). */
typedef char *(*describe_fn)(struct tg_case *c);

/* The case in work as the next command finds it: opened (replaying what the catalog lacks), verified. */
struct after {
	int problems;		/* what verify found; -1: it could not verify */
	int not_ok;		/* findings not "ok"; -1: not counted */
	struct tg_verify_summary sum;
	char *state;		/* describe()'s text (free() it), or NULL */
};

/* describe may be NULL. */
static void reopen_and_check(struct after *a, describe_fn describe)
{
	struct not_ok x = { NULL, 0 };
	struct tg_case *c = NULL;
	int found = 0;

	memset(a, 0, sizeof(*a));
	a->problems = a->not_ok = -1;
	if (tg_case_open(&c, work) < 0)
		return;
	if (tg_case_verify(c, count_problem, &found, NULL, NULL, &a->sum) == 0)
		a->problems = found;
	x.store = c->store;
	if (tg_store_items(c->store, item_not_ok, &x) == 0)
		a->not_ok = x.n;
	if (describe)
		a->state = describe(c);
	tg_case_close(c);
}

/* rm -rf path. */
static int remove_cb(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static int remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0;
	return nftw(path, remove_cb, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

static int same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* The bytes of regular file from into to (created or truncated). */
static int copy_bytes(const char *from, const char *to)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY), out, ret = 0;
	ssize_t n;

	/* an evidentiary copy is read-only: replaced, not rewritten */
	if (access(to, W_OK) != 0)
		unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	while (in >= 0 && out >= 0 && ret == 0 && (n = read(in, buf, sizeof(buf))) != 0)
		ret = n > 0 && write(out, buf, (size_t)n) == n ? 0 : -1;
	if (in < 0 || out < 0 || close(out) != 0)
		ret = -1;
	if (in >= 0)
		close(in);
	return ret;
}

/* 1 when files a and b hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	char x[1 << 14], y[1 << 14];
	FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
	size_t n, m;
	int same = f && g;

	while (same && (n = fread(x, 1, sizeof(x), f)) > 0) {
		m = fread(y, 1, n, g);
		same = m == n && memcmp(x, y, n) == 0;
	}
	same = same && !ferror(f) && fgetc(g) == EOF;
	if (f)
		fclose(f);
	if (g)
		fclose(g);
	return same;
}

/*
 * Make to as from is, as cp -a would (folders, files and symbolic links
 * with their modes and times), touching only what differs: a file of the
 * same kind, size, mode and modification time is taken as unchanged (a
 * write sets the time to now; the copy keeps the original's), and what
 * from lacks is removed.  A run changes a few files of a case, and
 * creating and removing thousands of files is what a copy costs.
 * check: change nothing, only tell whether anything differs (times aside:
 * a file written again with the same bytes is the same).  Returns how
 * many places differed (check: 0 or 1), or -1.
 */
static int sync_tree(const char *from, const char *to, int check)
{
	struct timespec times[2];
	struct stat a, b;
	int have, n = 0;

	if (lstat(from, &a) != 0)
		return -1;
	have = lstat(to, &b) == 0;
	if (have && (a.st_mode & S_IFMT) != (b.st_mode & S_IFMT)) {
		if (check)
			return 1;
		if (remove_tree(to) < 0)
			return -1;
		have = 0;
	}
	if (!have && check)
		return 1;
	times[0] = a.st_atim;
	times[1] = a.st_mtim;
	if (S_ISDIR(a.st_mode)) {
		/* from's entries into to, then to's that from lacks out */
		for (int pass = 0; pass < 2 && n >= 0 && !(check && n); pass++) {
			DIR *d;
			struct dirent *e;

			if (pass == 0 && !have && mkdir(to, 0700) != 0)
				return -1;
			if (pass == 0 && !check)
				chmod(to, 0700);
			d = opendir(pass == 0 ? from : to);
			if (!d)
				return -1;
			while (n >= 0 && !(check && n) && (e = readdir(d))) {
				char x[2048], y[2048];
				struct stat st;
				int k = 0;

				if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
					continue;
				snprintf(x, sizeof(x), "%s/%s", from, e->d_name);
				snprintf(y, sizeof(y), "%s/%s", to, e->d_name);
				if (pass == 0)
					k = sync_tree(x, y, check);
				else if (lstat(x, &st) != 0)
					k = check ? 1 : remove_tree(y) < 0 ? -1 : 1;
				n = k < 0 ? -1 : n + k;
			}
			closedir(d);
		}
		if (n < 0 || check)
			return n;
	} else if (S_ISLNK(a.st_mode)) {
		char target[2048], old[2048];
		ssize_t len = readlink(from, target, sizeof(target) - 1), ol = -1;

		if (len < 0)
			return -1;
		target[len] = '\0';
		if (have) {
			ol = readlink(to, old, sizeof(old) - 1);
			if (ol == len && memcmp(old, target, (size_t)len) == 0)
				return 0;
		}
		if (check)
			return 1;
		if (have && unlink(to) != 0)
			return -1;
		return symlink(target, to) == 0 &&
		       utimensat(AT_FDCWD, to, times, AT_SYMLINK_NOFOLLOW) == 0 ? 1 : -1;
	} else if (S_ISREG(a.st_mode)) {
		if (have && a.st_size == b.st_size && a.st_mode == b.st_mode &&
		    same_time(a.st_mtim, b.st_mtim))
			return 0;
		if (check)
			return !(have && a.st_size == b.st_size && a.st_mode == b.st_mode &&
				 same_bytes(from, to));
		if (copy_bytes(from, to) < 0)
			return -1;
		n = 1;
	} else {
		return -1;	/* nothing else belongs in a case */
	}
	if (chmod(to, a.st_mode & 07777) != 0 || utimensat(AT_FDCWD, to, times, 0) != 0)
		return -1;
	return n;
}

/* work becomes a copy of the case in from. */
static int fresh_copy(const char *from)
{
	return sync_tree(from, work, 0) < 0 ? -1 : 0;
}

/* The allocation to fail after k: each of the first OOM_FULL_RUNS, then sampled spread over the rest. */
static long next_fail(long k, long total, long sampled)
{
	if (getenv("TG_OOM_FULL") || k < OOM_FULL_RUNS)
		return k + 1;
	return k + (total - OOM_FULL_RUNS) / sampled + 1;
}

#endif
