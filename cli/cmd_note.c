#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "case/note.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/dynbuf.h"
#include "util/error.h"

const char cmd_note_help[] =
	"usage: testigo note ITEM TEXT... [--json]\n"
	"       testigo note --incident N TEXT... [--json]\n"
	"       testigo note ITEM - < file.txt\n"
	"\n"
	"Add a timestamped note to an item (or, with --incident, to an incident).\n"
	"Notes are append-only: they are never edited or deleted, a correction\n"
	"is a new note.  Each note is a custody-log entry with its author and\n"
	"time.  The words of TEXT are joined by spaces; '-' reads the note from\n"
	"standard input.  Notes are shown by 'testigo record ITEM',\n"
	"'testigo incident show N' and in reports.\n"
	"\n"
	"Exit status: 0 ok; 2 empty note, unknown item or incident; 4 case error.\n";

static int read_stdin(struct tg_dynbuf *b)
{
	char buf[4096];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (tg_dynbuf_add(b, buf, n) < 0)
			return tg_error(TG_EINVAL, "the note is longer than %d bytes", TG_NOTE_MAX);
	if (ferror(stdin))
		return tg_error_errno(TG_EINPUT, "standard input: read failed");
	while (b->len && (b->buf[b->len - 1] == '\n' || b->buf[b->len - 1] == '\r'))
		b->buf[--b->len] = '\0';
	return 0;
}

int cmd_note(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "incident", required_argument, NULL, 'i' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_dynbuf text = TG_DYNBUF_INIT(TG_NOTE_MAX + 1);
	struct tg_case *c = tg_cli_case();
	long long incident = 0, seq;
	struct tg_item it, *item = NULL;
	struct tg_out *o;
	int opt, ret, first;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'i') {
			char *end;

			errno = 0;
			incident = strtoll(optarg, &end, 10);
			if (end == optarg || *end || errno || incident < 1)
				return tg_cli_usage(cmd_note_help, "note: --incident: '%s' is not an "
						    "incident number", optarg);
		} else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV) {
			return tg_cli_usage(cmd_note_help, "note: unknown option");
		}
	}
	first = optind + (incident ? 0 : 1);
	if (argc - first < 1)
		return tg_cli_usage(cmd_note_help, incident ? "note: give the note's text"
					  : "note: name an item and give the note's text");
	if (!incident) {
		ret = tg_store_item_find(c->store, argv[optind], &it);
		if (ret < 0)
			return tg_cli_fail(ret);
		item = &it;
	}
	if (argc - first == 1 && strcmp(argv[first], "-") == 0) {
		ret = read_stdin(&text);
	} else {
		ret = 0;
		for (int i = first; i < argc && ret == 0; i++) {
			if (i > first)
				ret = tg_dynbuf_addstr(&text, " ");
			if (ret == 0)
				ret = tg_dynbuf_addstr(&text, argv[i]);
		}
		if (ret < 0)
			ret = tg_error(TG_EINVAL, "the note is longer than %d bytes", TG_NOTE_MAX);
	}
	if (ret == 0)
		ret = tg_note_add(c, tg_cli_actor(), item, incident, text.buf ? text.buf : "", &seq);
	tg_dynbuf_release(&text);
	if (ret < 0)
		return tg_cli_fail(ret);
	o = tg_out_new(fmt);
	if (item) {
		tg_out_int(o, "item", item->id);
		tg_out_str(o, "sha256", item->sha256);
	} else {
		tg_out_int(o, "incident", incident);
	}
	tg_out_int(o, "seq", seq);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
