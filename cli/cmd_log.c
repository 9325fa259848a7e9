#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_log_help[] =
	"usage: testigo log [--item ITEM] [--action ACTION] [--json | --csv]\n"
	"\n"
	"Show the chain-of-custody log (custody.log), oldest first: sequence\n"
	"number, UTC time, actor, action, item and details.  The log itself is\n"
	"read, not the catalog's copy of it; 'testigo verify' checks both.\n"
	"  --item ITEM      only the entries about one item (id or SHA-256 prefix)\n"
	"  --action ACTION  only one kind: init, acquire, probe, analyse, note,\n"
	"                   status, export, verify\n"
	"See docs/custody-log.md for the format and how to check it yourself.\n";

struct log_state {
	struct tg_out *o;
	const char *item, *action;
	int text;
};

static int emit(void *user, long long line_no, const char *line, size_t len,
		const struct tg_custody_entry *e, const char *problem)
{
	struct log_state *s = user;
	char *details;

	(void)line;
	(void)len;
	if (!e) {
		fprintf(stderr, "testigo: custody.log line %lld: %s (run 'testigo verify')\n",
			line_no, problem);
		return 0;
	}
	if ((s->item && strcmp(e->item, s->item) != 0) ||
	    (s->action && strcmp(e->action, s->action) != 0))
		return 0;
	tg_out_begin(s->o, NULL);
	tg_out_int(s->o, "seq", e->seq);
	tg_out_str(s->o, "time_utc", e->time);
	tg_out_str(s->o, "actor", e->actor);
	tg_out_str(s->o, "action", e->action);
	if (s->text) {
		char shortsha[13];

		snprintf(shortsha, sizeof(shortsha), "%.12s", e->item);
		tg_out_str(s->o, "item", e->item[0] ? shortsha : NULL);
		details = cJSON_PrintUnformatted(e->details);
		if (details && strlen(details) > 100)
			memcpy(details + 96, "...}", 5);
		tg_out_str(s->o, "details", details ? details : "");
		cJSON_free(details);
	} else {
		tg_out_str(s->o, "item", e->item[0] ? e->item : NULL);
		tg_out_json(s->o, "details", cJSON_Duplicate(e->details, 1));
		tg_out_str(s->o, "prev", e->prev);
		tg_out_str(s->o, "hash", e->hash);
		tg_out_str(s->o, "sig", e->sig);
	}
	tg_out_end(s->o);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "item", required_argument, NULL, 'i' },
		{ "action", required_argument, NULL, 'a' },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_case *c = tg_cli_case();
	struct log_state s = { NULL, NULL, NULL, 1 };
	struct tg_item it;
	const char *item_spec = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'i')
			item_spec = optarg;
		else if (opt == 'a')
			s.action = optarg;
		else if (!tg_output_option(opt, &fmt))
			return tg_cli_usage(cmd_log_help, "log: unknown option");
	}
	if (optind < argc)
		return tg_cli_usage(cmd_log_help, "log: unexpected argument '%s'", argv[optind]);
	if (item_spec) {
		ret = tg_store_item_find(c->store, item_spec, &it);
		if (ret < 0)
			return tg_cli_fail(ret);
		s.item = it.sha256;
	}
	s.text = fmt == TG_OUT_TEXT;
	s.o = tg_out_new(fmt);
	tg_out_begin_list(s.o, "entries");
	ret = tg_custody_walk(c->custody.path, emit, &s);
	tg_out_end(s.o);
	if (ret == 0)
		ret = tg_out_print(s.o, stdout);
	tg_out_free(s.o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
