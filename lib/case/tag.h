/*
 * tag.h - tags on items: a controlled vocabulary for this work plus free tags.
 *
 * The vocabulary (tag.c) names what investigators of protest and policing
 * footage search for: weapons (firearms, less-lethal-weapons, tear-gas,
 * water-cannon, ...), acts (beating, arbitrary-arrest, detention, ...),
 * harm (injury, death) and protected people (journalist,
 * human-rights-defender, minor, medical-worker).  Tags are normalised to
 * lowercase with '-' between words ("Tear gas" -> "tear-gas").  A tag
 * outside the vocabulary is refused unless free tags are allowed (a typo
 * must not silently become a new tag); free tags are marked as such.
 *
 * Every change is one custody entry, action "tag":
 *   details {"added": [..], "removed": [..], "free": [added free tags],
 *            "old": [tags before], "new": [tags after]}
 * Adding a tag the item has, or removing one it lacks, changes nothing and
 * records nothing.
 */
#ifndef TG_TAG_H
#define TG_TAG_H

#include <stddef.h>

#include "case/case.h"

/* The controlled vocabulary, NULL-terminated. */
const char *const *tg_tag_vocabulary(void);

/* Normalise a tag into buf; TG_EINVAL (with a message) when it cannot be a tag. */
int tg_tag_normalise(const char *in, char *buf, size_t n);

/* 1 when tag (normalised) is in the vocabulary. */
int tg_tag_controlled(const char *tag);

int tg_tag_update(struct tg_case *c, const char *actor, const struct tg_item *item,
		  const char *const *add, int nadd, const char *const *remove, int nremove,
		  int allow_free, int *changed);

/* Applier (replay.c). */
int tg_tag_apply(struct tg_case *c, const struct tg_custody_entry *e, void *user);

#endif
