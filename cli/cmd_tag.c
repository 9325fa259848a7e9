#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "case/tag.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "store/store_incident.h"
#include "util/error.h"

const char cmd_tag_help[] =
	"usage: testigo tag ITEM TAG... [--free] [--json]\n"
	"       testigo tag ITEM --remove TAG... [--json]\n"
	"       testigo tag ITEM | --list [--json]\n"
	"\n"
	"Tag an item from the controlled vocabulary (firearms,\n"
	"less-lethal-weapons, tear-gas, water-cannon, beating, arbitrary-arrest,\n"
	"detention, injury, death, journalist, human-rights-defender, minor,\n"
	"medical-worker, property-destruction, ...; 'testigo tag --list' prints\n"
	"all of them).  Tags are normalised: 'Tear gas' is tear-gas.  A tag\n"
	"outside the vocabulary is refused unless --free is given, so a typo does\n"
	"not become a new tag.  With no TAG, shows the item's tags.  Every change\n"
	"is a custody-log entry with the tags before and after.\n"
	"\n"
	"  --free          accept tags outside the vocabulary (marked free)\n"
	"  -r, --remove    remove the named tags instead\n"
	"  --list          print the controlled vocabulary\n"
	"\n"
	"Exit status: 0 ok; 2 bad tag or unknown item; 4 case error.\n";

static int emit_tag(void *user, const struct tg_tag_row *t)
{
	struct tg_out *o = user;

	tg_out_begin(o, NULL);
	tg_out_str(o, "tag", t->tag);
	tg_out_bool(o, "controlled", t->controlled);
	tg_out_str(o, "time_utc", t->time_utc);
	tg_out_str(o, "actor", t->actor);
	tg_out_end(o);
	return 0;
}

int cmd_tag(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "free", no_argument, NULL, 'f' },
		{ "remove", no_argument, NULL, 'r' },
		{ "list", no_argument, NULL, 'l' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_case *c = tg_cli_case();
	int opt, ret, allow_free = 0, remove = 0, list = 0, changed = 0, n;
	const char *const *tags;
	struct tg_out *o;
	struct tg_item it;

	while ((opt = getopt_long(argc, argv, "r", longopts, NULL)) != -1) {
		if (opt == 'f')
			allow_free = 1;
		else if (opt == 'r')
			remove = 1;
		else if (opt == 'l')
			list = 1;
		else if (!tg_output_option(opt, &fmt))
			return tg_cli_usage(cmd_tag_help, "tag: unknown option");
	}
	if (list) {
		const char *const *v = tg_tag_vocabulary();

		if (optind < argc)
			return tg_cli_usage(cmd_tag_help, "tag: --list takes no arguments");
		o = tg_out_new(fmt);
		tg_out_begin_list(o, "vocabulary");
		for (int i = 0; v[i]; i++) {
			tg_out_begin(o, NULL);
			tg_out_str(o, "tag", v[i]);
			tg_out_end(o);
		}
		tg_out_end(o);
		ret = tg_out_print(o, stdout);
		tg_out_free(o);
		return ret < 0 ? tg_cli_fail(ret) : 0;
	}
	if (optind >= argc)
		return tg_cli_usage(cmd_tag_help, "tag: name an item");
	if (remove && argc - optind < 2)
		return tg_cli_usage(cmd_tag_help, "tag: --remove needs at least one tag");
	ret = tg_store_item_find(c->store, argv[optind], &it);
	if (ret < 0)
		return tg_cli_fail(ret);
	tags = (const char *const *)argv + optind + 1;
	n = argc - optind - 1;
	if (n > 0) {
		ret = tg_tag_update(c, tg_cli_actor(), &it, remove ? NULL : tags, remove ? 0 : n,
				    remove ? tags : NULL, remove ? n : 0, allow_free, &changed);
		if (ret < 0)
			return tg_cli_fail(ret);
	}
	o = tg_out_new(fmt);
	tg_out_int(o, "item", it.id);
	tg_out_str(o, "sha256", it.sha256);
	tg_out_int(o, "changed", changed);
	tg_out_begin_list(o, "tags");
	ret = tg_store_tags(c->store, it.id, emit_tag, o);
	tg_out_end(o);
	if (ret == 0)
		ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
