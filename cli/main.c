/*
 * main.c - the testigo command: global options, the command table, help.
 *
 * git's commands[] table is the model: each row names a command, its entry
 * point, its help text and whether it needs an open case.  Adding a command
 * touches this table, commands.h and one new cmd_<name>.c.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "util/error.h"
#include "util/jsonmem.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	unsigned flags;
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, cmd_init_help, 0, "create a case" },
	{ "add", cmd_add, cmd_add_help, TG_CMD_CASE, "add evidence files to the case" },
	{ "probe", cmd_probe, cmd_probe_help, 0, "show a file's metadata without adding it" },
	{ "ls", cmd_ls, cmd_ls_help, TG_CMD_CASE, "list the items in the case" },
	{ "show", cmd_show, cmd_show_help, TG_CMD_CASE, "show one item: metadata, acquisitions, findings" },
	{ "analyse", cmd_analyse, cmd_analyse_help, TG_CMD_CASE, "run analysers on items already in the case" },
	{ "log", cmd_log, cmd_log_help, TG_CMD_CASE, "show the chain-of-custody log" },
	{ "verify", cmd_verify, cmd_verify_help, 0, "check objects, catalog, custody chain and signatures" },
	{ "sun", cmd_sun, cmd_sun_help, 0, "sun position, sunrise/sunset and twilight for a place and time" },
	{ "shadow", cmd_shadow, cmd_shadow_help, 0, "times of day a shadow's direction/length fit, and back" },
	{ "tmk-score", cmd_tmk_score, cmd_tmk_score_help, 0, "compare two TMK+PDQF video signatures (.tmk)" },
	{ "shots", cmd_shots, cmd_shots_help, 0, "detect and count gunshots; crack-bang ranging; plot" },
	{ "sync", cmd_sync, cmd_sync_help, 0, "align recordings of one scene by their sound" },
	{ "incident", cmd_incident, cmd_incident_help, TG_CMD_CASE, "incidents: create, list, show, link items, counts" },
	{ "record", cmd_record, cmd_record_help, TG_CMD_CASE, "show or change an item's verification record and status" },
	{ "tag", cmd_tag, cmd_tag_help, TG_CMD_CASE, "tag items from a controlled vocabulary" },
	{ "note", cmd_note, cmd_note_help, TG_CMD_CASE, "add an append-only note to an item or incident" },
	{ "pdq", cmd_pdq, cmd_pdq_help, 0, "PDQ perceptual hashes of images (hash,quality,file)" },
	{ "vpdq", cmd_vpdq, cmd_vpdq_help, 0, "vPDQ frame hashes of a video (reference line format)" },
	{ "tmk", cmd_tmk, cmd_tmk_help, 0, "TMK+PDQF signature of a video (.tmk file)" },
	{ "report", cmd_report, cmd_report_help, TG_CMD_CASE, "write the HTML report, or JSON/CSV exports" },
	{ "match", cmd_match, cmd_match_help, TG_CMD_CASE, "find the case's items that share footage with a file or item" },
	{ "export", cmd_export, cmd_export_help, TG_CMD_CASE, "write a signed BagIt archival package" },
	{ "keyframes", cmd_keyframes, cmd_keyframes_help, 0, "one sharp JPEG per shot, with times and PDQ, for reverse image search" },
	/* helpers: add commands above */
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *case_dir_opt;
static struct tg_case *open_case;

struct tg_case *tg_cli_case(void)
{
	return open_case;
}

const char *tg_cli_case_dir(void)
{
	return case_dir_opt;
}

int tg_cli_fail(int code)
{
	const char *msg = tg_errmsg();

	fprintf(stderr, "testigo: %s\n", msg[0] ? msg : tg_strerror(code));
	return tg_exit_code(code);
}

void tg_cli_warn_unusable(const char *source, long long n)
{
	if (n > 0)
		fprintf(stderr, "testigo: warning: %s: %lld audio samples were not numbers or "
			"beyond any sound (NaN, infinite, or over 1e9 x full scale) and were "
			"analysed as silence\n", source, n);
}

int tg_cli_usage(const char *help, const char *fmt, ...)
{
	va_list ap;
	const char *nl;

	fputs("testigo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (help) {
		nl = strchr(help, '\n');
		fprintf(stderr, "%.*s\n", nl ? (int)(nl - help) : (int)strlen(help), help);
	}
	return TG_EXIT_USAGE;
}

int tg_cli_interactive(void)
{
	return isatty(STDERR_FILENO) && !getenv("TESTIGO_NO_PROGRESS");
}

const char *tg_cli_actor(void)
{
	static char name[128];
	const char *env = getenv("TESTIGO_ACTOR");
	struct passwd *pw;

	if (env && env[0])
		return env;
	if (!name[0]) {
		pw = getpwuid(getuid());
		snprintf(name, sizeof(name), "%s", pw && pw->pw_name ? pw->pw_name : "unknown");
	}
	return name;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *f)
{
	fprintf(f, "usage: testigo [-C CASE] COMMAND [ARGS]\n"
		   "       testigo help [COMMAND] | --version\n\n"
		   "testigo verifies and documents audiovisual evidence.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nThe case is found from -C DIR, then $TESTIGO_CASE, then by walking up\n"
		   "from the current directory.  Exit codes: 0 ok, 1 a check failed,\n"
		   "2 usage error, 3 bad input file, 4 case error.\n"
		   "'testigo help COMMAND' describes one command.\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		print_overview(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "testigo: '%s' is not a testigo command; see 'testigo help'\n", argv[1]);
		return TG_EXIT_USAGE;
	}
	fputs(c->help, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1, ret;

	/* A file-size limit must give an error we can report, not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	/* a record missing a part for want of memory is refused, not written */
	tg_jsonmem_install();
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			case_dir_opt = argv[i + 1];
			i += 2;
		} else if (strncmp(argv[i], "-C", 2) == 0 && argv[i][2]) {
			case_dir_opt = argv[i] + 2;
			i++;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("testigo %s\n", TG_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_overview(stdout);
			return 0;
		} else {
			fprintf(stderr, "testigo: unknown option '%s'\n", argv[i]);
			print_overview(stderr);
			return TG_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_overview(stderr);
		return TG_EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return cmd_help(argc - i, argv + i);
	c = find_command(argv[i]);
	if (!c) {
		fprintf(stderr, "testigo: '%s' is not a testigo command; see 'testigo help'\n", argv[i]);
		return TG_EXIT_USAGE;
	}
	if (argc - i >= 2 && (strcmp(argv[i + 1], "--help") == 0 || strcmp(argv[i + 1], "-h") == 0)) {
		fputs(c->help, stdout);
		return 0;
	}
	if (c->flags & TG_CMD_CASE) {
		char *dir = NULL;

		ret = tg_case_find(case_dir_opt, &dir);
		if (ret == 0)
			ret = tg_case_open(&open_case, dir);
		free(dir);
		if (ret < 0)
			return tg_cli_fail(ret);
	}
	ret = c->fn(argc - i, argv + i);
	if (open_case && tg_case_close(open_case) < 0 && ret == 0)
		ret = tg_cli_fail(TG_EDB);
	if (fflush(stdout) != 0 && ret == 0) {
		fprintf(stderr, "testigo: standard output: %s\n", strerror(errno));
		ret = TG_EXIT_CASE;
	}
	return ret;
}
