/*
 * verify.h - check that a case is what its log says (testigo verify).
 *
 * Checks, each problem reported precisely (item, log line):
 *   1. the custody chain: seq order, prev links, every hash and signature;
 *   2. the catalog's custody mirror against the log (entries missing on
 *      either side, hashes that differ: a truncated or swapped log);
 *   3. every catalogued item: its object exists, is a regular file of the
 *      catalogued size, re-hashes to its name; it was acquired in the log;
 *   4. every stored finding whose entry records a result_sha256 still
 *      hashes to it (the catalog was not edited);
 *   5. every file under objects/ is catalogued (stray files are reported).
 */
#ifndef TG_VERIFY_H
#define TG_VERIFY_H

#include "case/case.h"

enum tg_verify_kind {
	TG_VERIFY_LOG,		/* the custody log itself */
	TG_VERIFY_CATALOG,	/* catalog vs log */
	TG_VERIFY_OBJECT,	/* an object file */
	TG_VERIFY_FINDING,	/* a stored result */
};

struct tg_verify_problem {
	enum tg_verify_kind kind;
	long long line;		/* log line, 0 when none */
	long long seq;		/* custody seq, 0 when none */
	const char *item;	/* SHA-256 or NULL */
	const char *message;
};

typedef void (*tg_verify_cb)(void *user, const struct tg_verify_problem *p);
typedef void (*tg_verify_progress_cb)(void *user, unsigned long long done, unsigned long long total);

struct tg_verify_summary {
	long long entries, items, objects_bytes, findings;
	int problems;
	char last_hash[65];
};

/* Returns 0 (check the summary's problems) or a negative error. */
int tg_case_verify(struct tg_case *c, tg_verify_cb report, void *user,
		   tg_verify_progress_cb progress, void *puser, struct tg_verify_summary *sum);

const char *tg_verify_kind_name(enum tg_verify_kind k);

#endif
