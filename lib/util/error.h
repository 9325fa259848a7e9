/*
 * error.h - error codes and the last error message.
 *
 * Library functions return 0 on success or a negative TG_E* code.  The
 * function that detects a problem records a message naming the file and the
 * problem with tg_error(), which returns the code, so call sites read:
 *
 *     ret = tg_error(TG_EINPUT, "%s: not a media file", path);
 *     goto out;
 *
 * The message lives in thread-local storage until the next tg_error() or
 * tg_error_clear().  A message may wrap the last one:
 * tg_error(ret, "%s: %s", path, tg_errmsg()).  The library never prints: cli/ (and later server/)
 * reads tg_errmsg() and chooses the exit code with tg_exit_code().
 */
#ifndef TG_ERROR_H
#define TG_ERROR_H

enum {
	TG_OK = 0,
	TG_EINVAL = -1,   /* bad argument from the caller (usage) */
	TG_ENOMEM = -2,   /* out of memory */
	TG_EIO = -3,      /* read/write/fsync failed (disk full, I/O error) */
	TG_EINPUT = -4,   /* an input file is missing, unreadable or malformed */
	TG_ECASE = -5,    /* no case, or the case is damaged or locked */
	TG_ENOTFOUND = -6,/* item, incident or entry does not exist */
	TG_EAMBIG = -7,   /* a prefix names more than one item */
	TG_ECHECK = -8,   /* a verification found a problem */
	TG_ECRYPTO = -9,  /* key or signature operation failed */
	TG_EDB = -10,     /* catalog (database) error */
	TG_ELIMIT = -11,  /* a hard size limit on untrusted input was hit */
	TG_EINTR = -12,   /* interrupted by a signal */
	TG_EEXIST = -13,  /* something that must not exist already does */
};

/* Record a printf-style message and return code. */
int tg_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like tg_error(), appending ": strerror(errno)" for the current errno. */
int tg_error_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The last recorded message, or tg_strerror() of nothing ("") if none. */
const char *tg_errmsg(void);
void tg_error_clear(void);

/* A short name for a code: "invalid argument", "input file", ... */
const char *tg_strerror(int code);

/* The CLI exit code for an error code (see docs: 1 check, 2 usage, 3 input, 4 case). */
int tg_exit_code(int code);

/* Map an errno value to a TG_E code (ENOSPC, EIO -> TG_EIO; ENOENT -> TG_EINPUT ...). */
int tg_errno_code(int err);

#endif
