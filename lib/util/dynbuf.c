#include "util/dynbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

void tg_dynbuf_init(struct tg_dynbuf *b, size_t cap)
{
	b->buf = NULL;
	b->len = b->alloc = 0;
	b->cap = cap;
}

void tg_dynbuf_release(struct tg_dynbuf *b)
{
	if (!b)
		return;
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

void tg_dynbuf_reset(struct tg_dynbuf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

static int grow(struct tg_dynbuf *b, size_t extra)
{
	size_t need, alloc;
	char *p;

	if (extra > b->cap || b->len > b->cap - extra)
		return TG_ELIMIT;
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc *= 2;
	if (alloc > b->cap + 1)
		alloc = b->cap + 1;
	p = realloc(b->buf, alloc);
	if (!p)
		return TG_ENOMEM;
	b->buf = p;
	b->alloc = alloc;
	return 0;
}

int tg_dynbuf_add(struct tg_dynbuf *b, const void *data, size_t len)
{
	int ret = grow(b, len);

	if (ret < 0)
		return ret;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int tg_dynbuf_addstr(struct tg_dynbuf *b, const char *s)
{
	return tg_dynbuf_add(b, s, strlen(s));
}

int tg_dynbuf_printf(struct tg_dynbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return TG_EINVAL;
	ret = grow(b, (size_t)n);
	if (ret < 0)
		return ret;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *tg_dynbuf_detach(struct tg_dynbuf *b, size_t *len)
{
	char *p = b->buf;

	if (!p) {
		p = calloc(1, 1);
		if (len)
			*len = 0;
	} else if (len) {
		*len = b->len;
	}
	b->buf = NULL;
	b->len = b->alloc = 0;
	return p;
}
