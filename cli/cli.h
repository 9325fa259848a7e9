/*
 * cli.h - what every subcommand shares: the open case, errors to exit codes,
 * usage messages.  Only cli/ prints to stdout/stderr and chooses exit codes.
 *
 * Exit codes: 0 success, 1 a check failed, 2 usage error, 3 bad input file,
 * 4 case error.
 */
#ifndef TG_CLI_H
#define TG_CLI_H

#include <stdio.h>

struct tg_case;

enum {
	TG_CMD_CASE = 1 << 0,	/* needs an open case (found by -C, TESTIGO_CASE, cwd) */
};

enum {
	TG_EXIT_OK = 0,
	TG_EXIT_CHECK = 1,
	TG_EXIT_USAGE = 2,
	TG_EXIT_INPUT = 3,
	TG_EXIT_CASE = 4,
};

/* The case the command runs in (opened by main for TG_CMD_CASE commands). */
struct tg_case *tg_cli_case(void);

/* The -C argument, or NULL. */
const char *tg_cli_case_dir(void);

/* Print "testigo: <tg_errmsg()>" to stderr; return the exit code for code. */
int tg_cli_fail(int code);

/*
 * Warn that n audio samples of source could not be used (NaN, infinite or
 * absurd: the decoder delivered them as silence, lib/media/pipeline.h).
 */
void tg_cli_warn_unusable(const char *source, long long n);

/* Print "testigo: <message>" and the command's usage line; return 2. */
int tg_cli_usage(const char *help, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Is stderr a terminal (progress bars only then)? */
int tg_cli_interactive(void);

/* The analyst's name for custody entries: TESTIGO_ACTOR, else the login name. */
const char *tg_cli_actor(void);

#endif
