/*
 * dynbuf.h - a growable byte buffer with a hard cap, for untrusted input.
 *
 * Metadata strings, EXIF blocks and HTTP bodies grow through this one type:
 * every append checks the cap, so a hostile file cannot make us allocate
 * without bound.  The content is always NUL-terminated.  (curl dynbuf.)
 *
 *     struct tg_dynbuf b = TG_DYNBUF_INIT(1 << 20);
 *     if (tg_dynbuf_add(&b, p, n) < 0) ...    -> TG_ELIMIT or TG_ENOMEM
 *     tg_dynbuf_release(&b);
 */
#ifndef TG_DYNBUF_H
#define TG_DYNBUF_H

#include <stddef.h>

struct tg_dynbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap;     /* the most bytes it may ever hold */
};

#define TG_DYNBUF_INIT(max) { NULL, 0, 0, (max) }

void tg_dynbuf_init(struct tg_dynbuf *b, size_t cap);
void tg_dynbuf_release(struct tg_dynbuf *b);
void tg_dynbuf_reset(struct tg_dynbuf *b);
int tg_dynbuf_add(struct tg_dynbuf *b, const void *data, size_t len);
int tg_dynbuf_addstr(struct tg_dynbuf *b, const char *s);
int tg_dynbuf_printf(struct tg_dynbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the buffer to the caller (free() it); the dynbuf is left empty. */
char *tg_dynbuf_detach(struct tg_dynbuf *b, size_t *len);

#endif
