/*
 * case.h - a case on disk: find, create, open, record, recover.
 *
 *   CASE/case.db          SQLite catalog (lib/store), WAL mode
 *   CASE/objects/ab/cd…   evidentiary copies named by SHA-256, mode 0444
 *   CASE/objects/tmp/     copies being written (never evidence yet)
 *   CASE/derived/<sha>/   working files derived from an object
 *   CASE/custody.log      the chain of custody (lib/custody)
 *   CASE/keys/            the case's Ed25519 key pair
 *
 * The custody log is the commit point.  Every change is recorded by
 * tg_case_record(): under the log's lock, append the entry, then apply it
 * to the catalog in one transaction together with its custody row.  When
 * the process dies between the two, tg_case_open() replays the entries the
 * catalog lacks (their hashes and signatures checked first), so the catalog
 * never has a row the log does not justify and never misses one it does.
 *
 * An object enters objects/ab/… only after its acquire entry is in the log;
 * until then it is a staged file in objects/tmp/ ("<sha>-XXXXXX.staged"),
 * held under an flock by its writer.  Recovery moves a staged file into place
 * when the log acquired it and removes it otherwise; it never deletes
 * anything under objects/ab/.
 */
#ifndef TG_CASE_H
#define TG_CASE_H

#include "custody/log.h"
#include "store/store.h"

struct cJSON;

struct tg_case {
	char *dir;			/* absolute */
	struct tg_store *store;
	struct tg_custody custody;
	int recovered;			/* entries replayed at open */
	int staged_removed;		/* abandoned staged copies removed at open */
	int lagging;			/* the last tg_case_record() wrote its entry
					 * but could not apply it (see there) */
};

/* Create a case in dir (created if missing; must be empty or absent). */
int tg_case_init(const char *dir, const char *actor, char **abs_dir);

/* Find the case: explicit dir, else $TESTIGO_CASE, else walk up from cwd. */
int tg_case_find(const char *explicit_dir, char **out_dir);

/* Open (and recover) the case in dir. */
int tg_case_open(struct tg_case **out, const char *dir);
int tg_case_close(struct tg_case *c);

/* The path of an object, a working folder, ... (free() them). */
char *tg_case_object_path(const struct tg_case *c, const char *sha256);
char *tg_case_derived_dir(const struct tg_case *c, const char *sha256);

/*
 * Apply an entry to the catalog: called inside the catalog transaction with
 * the entry as written (also by recovery, with the entry as read).
 */
typedef int (*tg_case_apply_fn)(struct tg_case *c, const struct tg_custody_entry *e, void *user);

/*
 * Append a custody entry and apply it (apply may be NULL: custody row only).
 * out (may be NULL) receives the entry; release it with
 * tg_custody_entry_release().  When the entry was written but applying it
 * failed (out of memory, a full disk), the error is returned and
 * c->lagging is set: the entry stands and the next open replays it, so
 * the caller must keep what it refers to (a staged copy, an exported
 * package) for that replay.
 */
int tg_case_record(struct tg_case *c, const char *actor, const char *action,
		   const char *item_sha256, const struct cJSON *details,
		   tg_case_apply_fn apply, void *user, struct tg_custody_entry *out);

#endif
