/*
 * log.h - the chain-of-custody log: append-only, hash-chained, signed.
 *
 * CASE/custody.log holds one JSON object a line (UTF-8, '\n' terminated):
 *
 *   {"seq":N,"time":T,"actor":A,"action":X,"item":S|null,"details":{...},
 *    "prev":P,"hash":H,"sig":G}
 *
 *   seq     1, 2, 3 ... with no gaps
 *   time    UTC, ISO 8601 with milliseconds ("2026-11-28T23:59:01.123Z")
 *   action  init, acquire, probe, analyse, note, status, export, verify, ...
 *   item    SHA-256 (hex) of the item the entry is about, or null
 *   prev    the previous entry's hash; 64 zeros for seq 1
 *   hash    SHA-256 (hex) of the line's bytes up to, not including, the
 *           final ',"hash":' - i.e. the body '{"seq":...,"prev":"P"'
 *   sig     Ed25519 signature (hex, 128 digits) by the case key over the
 *           32 raw bytes of hash
 *
 * The hash/sig suffix has a fixed length (212 bytes: ',"hash":"' 64 hex
 * '","sig":"' 128 hex '"}'), so a verifier cuts it off without re-encoding
 * any JSON; docs/custody-log.md gives a 20-line checker.
 *
 * Appending is one serialised step under an exclusive flock on the log:
 * read the head (the last complete line), write the new line with a single
 * write(2), fsync.  The caller may hold the lock across the catalog update
 * too (tg_custody_lock), which keeps the catalog in log order.  A line left
 * without its '\n' by a crash was never committed and is cut off by the
 * next append.
 */
#ifndef TG_CUSTODY_LOG_H
#define TG_CUSTODY_LOG_H

#include "custody/key.h"

struct cJSON;

#define TG_CUSTODY_MAX_LINE (1 << 20)

struct tg_custody_entry {
	long long seq;
	char time[40];
	char actor[128];
	char action[32];
	char item[65];		/* "" when the entry is about no item */
	struct cJSON *details;	/* owned */
	char prev[65];
	char hash[65];
	char sig[129];
};

struct tg_custody {
	char *path;
	int fd;
	int locked;
	struct tg_key key;
};

void tg_custody_entry_release(struct tg_custody_entry *e);

/* Create an empty custody.log (mode 0644) in a new case. */
int tg_custody_create(const char *case_dir);
/* Open CASE/custody.log for appending with the case's private key. */
int tg_custody_open(struct tg_custody *c, const char *case_dir);
void tg_custody_release(struct tg_custody *c);

int tg_custody_lock(struct tg_custody *c);
void tg_custody_unlock(struct tg_custody *c);

/*
 * Append one entry (details is borrowed, may be NULL).  Takes the lock when
 * the caller does not hold it.  out (may be NULL) receives the entry as
 * written, with details copied.
 */
int tg_custody_append(struct tg_custody *c, const char *actor, const char *action,
		      const char *item, const struct cJSON *details,
		      struct tg_custody_entry *out);

/*
 * Parse one line into e (without checking hash or signature).  Returns 0 or
 * TG_ECHECK with problem filled in.
 */
int tg_custody_parse_line(const char *line, size_t len, struct tg_custody_entry *e,
			  char *problem, size_t problem_len);

/* Recompute a line's hash and check it and its signature: 0 ok, TG_ECHECK with problem. */
int tg_custody_check_line(const char *line, size_t len, const struct tg_custody_entry *e,
			  const struct tg_key *key, char *problem, size_t problem_len);

/*
 * Walk every line of a log file; cb gets each parsed entry (or NULL and a
 * problem for an unparseable line) with its 1-based line number.  A non-zero
 * return from cb stops the walk and is returned.
 */
typedef int (*tg_custody_cb)(void *user, long long line_no, const char *line, size_t len,
			     const struct tg_custody_entry *e, const char *problem);
int tg_custody_walk(const char *path, tg_custody_cb cb, void *user);

/*
 * Verify the whole chain of a log file: seq order, prev links, hashes and
 * signatures.  report() is called once per problem with the line number.
 * *entries receives the number of lines read.  Returns the number of
 * problems (0 = intact) or a negative error.
 */
typedef void (*tg_custody_report_cb)(void *user, long long line_no, long long seq,
				     const char *problem);
int tg_custody_verify(const char *path, const struct tg_key *key,
		      tg_custody_report_cb report, void *user, long long *entries,
		      char last_hash[65]);

#endif
