/*
 * replay.h - bring the catalog up to the custody log after a crash.
 *
 * Internal to lib/case.  tg_case_recover() runs at every open, under the
 * log's lock: it removes abandoned staged copies, then replays each log
 * entry newer than the catalog's last custody row, after checking that it
 * links to that row's hash and carries a valid hash and signature (a forged
 * or damaged tail is never imported; testigo verify reports it).  Each
 * action's applier is listed in replay.c.
 */
#ifndef TG_REPLAY_H
#define TG_REPLAY_H

#include "case/case.h"

int tg_case_recover(struct tg_case *c);

/* Catalog transaction around one applier plus the custody row. */
int tg_case_apply(struct tg_case *c, const struct tg_custody_entry *e, tg_case_apply_fn apply,
		  void *user);

/* The applier for an action, or NULL (custody row only). */
tg_case_apply_fn tg_case_applier(const char *action);

#endif
