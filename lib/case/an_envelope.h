/*
 * an_envelope.h - the "envelope" analyser: the sync signature of an item.
 *
 * During `testigo add` (the one decode pass) every item with sound gets its
 * sync signature (audio/syncsig.h: 10 ms levels and 8 kHz sign bits, about
 * 1.2 kB per second) stored as blob "sync-envelope", so `testigo sync ITEM
 * ITEM ...` aligns items without decoding them again.  The finding result is
 * small: {"samples", "rate_hz", "duration_s", "start_s", "bytes"}.
 * `testigo sync FILE` builds the same signature from the file, so files and
 * items are aligned by one method.
 */
#ifndef TG_AN_ENVELOPE_H
#define TG_AN_ENVELOPE_H

#include "audio/syncsig.h"
#include "case/analyse.h"

#define TG_AN_ENVELOPE_BLOB "sync-envelope"

extern const struct tg_case_analyser tg_an_envelope;

/* Decode path once into a signature (release it with tg_syncsig_release). */
int tg_an_envelope_file(const char *path, struct tg_syncsig *sig);

/* The stored signature of an item; TG_ENOTFOUND when it has none. */
int tg_an_envelope_load(struct tg_store *st, long long item_id, struct tg_syncsig *sig);

#endif
