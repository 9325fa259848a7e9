/*
 * note.h - append-only, timestamped notes on an item or an incident.
 *
 * A note is one custody entry, action "note" (item: the item's SHA-256, or
 * null for an incident note):
 *   details {"text": T} or {"incident": N, "text": T}
 * Its time and author are the entry's.  Notes are never edited or deleted:
 * a correction is a new note.
 */
#ifndef TG_NOTE_H
#define TG_NOTE_H

#include "case/case.h"

#define TG_NOTE_MAX 65536

/* item NULL: a note on incident (which must exist).  *seq receives the entry's seq. */
int tg_note_add(struct tg_case *c, const char *actor, const struct tg_item *item,
		long long incident, const char *text, long long *seq);

/* Applier (replay.c). */
int tg_note_apply(struct tg_case *c, const struct tg_custody_entry *e, void *user);

#endif
