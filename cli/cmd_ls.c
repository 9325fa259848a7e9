#include <getopt.h>
#include <stdio.h>

#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_ls_help[] =
	"usage: testigo ls [--json | --csv]\n"
	"\n"
	"List the items in the case: id, SHA-256, first name, media type, size,\n"
	"when first added and how many times acquired.  In text output the\n"
	"SHA-256 is shortened to 12 digits (enough for 'testigo show').\n";

struct ls_state {
	struct tg_out *o;
	int full_hash;
};

static int emit(void *user, const struct tg_item *it)
{
	struct ls_state *s = user;
	char shortsha[13];

	snprintf(shortsha, sizeof(shortsha), "%.12s", it->sha256);
	tg_out_begin(s->o, NULL);
	tg_out_int(s->o, "item", it->id);
	tg_out_str(s->o, "sha256", s->full_hash ? it->sha256 : shortsha);
	tg_out_str(s->o, "name", it->first_name);
	tg_out_str(s->o, "media_type", it->media_type);
	tg_out_int(s->o, "size", (long long)it->size);
	tg_out_str(s->o, "added_utc", it->added_utc);
	tg_out_int(s->o, "acquisitions", it->acquisitions);
	tg_out_end(s->o);
	return 0;
}

int cmd_ls(int argc, char **argv)
{
	static const struct option longopts[] = { TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct ls_state s;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (!tg_output_option(opt, &fmt))
			return tg_cli_usage(cmd_ls_help, "ls: unknown option");
	if (optind < argc)
		return tg_cli_usage(cmd_ls_help, "ls: takes no arguments");
	s.o = tg_out_new(fmt);
	s.full_hash = fmt != TG_OUT_TEXT;
	tg_out_begin_list(s.o, "items");
	ret = tg_store_items(tg_cli_case()->store, emit, &s);
	tg_out_end(s.o);
	if (ret == 0) {
		if (fmt == TG_OUT_TEXT && tg_store_item_count(tg_cli_case()->store) == 0)
			printf("the case has no items yet: add files with 'testigo add FILE...'\n");
		else
			ret = tg_out_print(s.o, stdout);
	}
	tg_out_free(s.o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
