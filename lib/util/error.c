#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];

/* Formatted apart first: an argument may be tg_errmsg() itself (wrapping the last message). */
static int record(int code, int with_errno, const char *fmt, va_list ap)
{
	char msg[sizeof(last_message)] = "";
	int saved = errno;
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (with_errno && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s", strerror(saved));
	memcpy(last_message, msg, strlen(msg) + 1);
	errno = saved;
	return code;
}

int tg_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int tg_error_errno(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(code, 1, fmt, ap);
	va_end(ap);
	return code;
}

const char *tg_errmsg(void)
{
	return last_message;
}

void tg_error_clear(void)
{
	last_message[0] = '\0';
}

const char *tg_strerror(int code)
{
	switch (code) {
	case TG_OK: return "success";
	case TG_EINVAL: return "invalid argument";
	case TG_ENOMEM: return "out of memory";
	case TG_EIO: return "input/output error";
	case TG_EINPUT: return "bad input file";
	case TG_ECASE: return "case error";
	case TG_ENOTFOUND: return "not found";
	case TG_EAMBIG: return "ambiguous name";
	case TG_ECHECK: return "check failed";
	case TG_ECRYPTO: return "cryptographic error";
	case TG_EDB: return "catalog error";
	case TG_ELIMIT: return "size limit exceeded";
	case TG_EINTR: return "interrupted";
	case TG_EEXIST: return "already exists";
	}
	return "unknown error";
}

int tg_exit_code(int code)
{
	switch (code) {
	case TG_OK: return 0;
	case TG_ECHECK: return 1;
	case TG_EINVAL: case TG_EAMBIG: case TG_ENOTFOUND: return 2;
	case TG_EINPUT: case TG_ELIMIT: return 3;
	default: return 4;
	}
}

int tg_errno_code(int err)
{
	switch (err) {
	case ENOMEM: return TG_ENOMEM;
	case ENOENT: case ENOTDIR: case EISDIR: case EACCES: case ELOOP:
	case ENAMETOOLONG:
		return TG_EINPUT;
	case EINTR: return TG_EINTR;
	case EEXIST: return TG_EEXIST;
	default: return TG_EIO;
	}
}
