/*
 * jsonmem.h - cJSON's allocations, counted, so that a document missing a
 * part is never made durable.
 *
 * cJSON's builders (cJSON_AddNumberToObject() and the rest) return NULL
 * when an allocation fails and leave the document without that part, and
 * code that adds twenty fields seldom checks each one.  A finding or a
 * custody entry without one of its fields would be a wrong record, not a
 * failed one.  So tg_jsonmem_install() routes cJSON's allocations through
 * a hook that counts failures in the calling thread, and
 * tg_jsonmem_check() is called where JSON becomes durable: before a
 * custody entry is written, which every finding and catalog change
 * recorded through tg_case_record() goes through.  It refuses when any
 * cJSON allocation of this thread failed since the last check.  The rule
 * is coarse on purpose: under memory pressure an operation that was
 * whole may be refused, but one that is not is never written.  Applying
 * an entry to the catalog (tg_case_apply()) compares
 * tg_jsonmem_failures() before and after instead, so that what the
 * applier builds is covered too.
 *
 * Without tg_jsonmem_install() (a library user that sets its own cJSON
 * hooks) nothing is counted and the check always passes.
 */
#ifndef TG_UTIL_JSONMEM_H
#define TG_UTIL_JSONMEM_H

#include <stddef.h>

/* Install the counting hooks; call once, before any cJSON use. */
void tg_jsonmem_install(void);

/* 0, or TG_ENOMEM when a cJSON allocation of this thread failed since the last call. */
int tg_jsonmem_check(void);

/* How many cJSON allocations of this thread have failed so far. */
unsigned long tg_jsonmem_failures(void);

struct cJSON;

/*
 * Parse len bytes of JSON: 0 with *out the document, or *out NULL when the
 * text is not JSON; TG_ENOMEM when memory ran out.  cJSON returns NULL for
 * both, and a custody entry must not be called damaged, nor a document
 * stored in the wrong shape, for want of memory.
 */
int tg_jsonmem_parse(const char *text, size_t len, struct cJSON **out);

/*
 * Add a finished item to an object under key (to an array when key is
 * NULL), taking it over: when it cannot be added (the key's copy failed,
 * or the parent is NULL for want of memory) it is freed, where
 * cJSON_AddItemToObject() would leak it.  Only for an item the caller
 * does not touch afterwards.  Returns 0, or -1 when nothing was added
 * (item NULL too).
 */
int tg_jsonmem_add(struct cJSON *parent, const char *key, struct cJSON *item);

#endif
