/*
 * mediaarg.h - a FILE|ITEM argument of the audio commands (shots, sync).
 *
 * An argument that names an existing file is that file; otherwise it is an
 * item of the case (id or SHA-256 prefix), found from -C, TESTIGO_CASE or
 * the current directory, and opened on first use.  A file always wins, so a
 * file named "12" is never mistaken for item 12.
 */
#ifndef TG_MEDIAARG_H
#define TG_MEDIAARG_H

#include "store/store.h"

struct tg_case;

struct tg_mediaarg {
	const char *arg;
	int is_item;
	char *path;		/* the file, or the item's evidentiary copy (free()) */
	struct tg_item item;	/* when is_item */
};

/*
 * Resolve arg; *c is the case, opened here when needed (close it with
 * tg_case_close).  Errors: TG_EINPUT when it is neither a file nor an item.
 */
int tg_mediaarg_resolve(const char *arg, struct tg_case **c, struct tg_mediaarg *out);
void tg_mediaarg_release(struct tg_mediaarg *m);

#endif
