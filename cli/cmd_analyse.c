#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "case/analyse.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "util/error.h"

const char cmd_analyse_help[] =
	"usage: testigo analyse ITEM... [--analyser NAME]... [--force] [--params JSON]\n"
	"                       [--json]\n"
	"       testigo analyse --list\n"
	"\n"
	"Run analysers on items already in the case, in one decode pass per item,\n"
	"and record each result as a finding with its own custody entry (method,\n"
	"version, parameters).  Without --analyser, every analyser that applies\n"
	"to the item's media type runs.  A result already recorded with the same\n"
	"analyser, version and parameters is not computed again unless --force.\n"
	"  --analyser NAME   run only this one (repeatable); see --list\n"
	"  --params JSON     parameters for the analysers, e.g. '{\"fps\":2}'\n"
	"  --force           recompute even when the same finding exists\n"
	"  ITEM              an item id or SHA-256 prefix; 'all' for every item\n";

struct target_list {
	struct tg_item *items;
	size_t n, alloc;
};

static int add_item(void *user, const struct tg_item *it)
{
	struct target_list *l = user;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		struct tg_item *p = realloc(l->items, na * sizeof(*p));

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		l->items = p;
		l->alloc = na;
	}
	l->items[l->n++] = *it;
	return 0;
}

static int list_analysers(enum tg_out_format fmt)
{
	const struct tg_case_analyser *const *all = tg_case_analysers();
	struct tg_out *o = tg_out_new(fmt);
	int ret;

	tg_out_begin_list(o, "analysers");
	for (int i = 0; all[i]; i++) {
		tg_out_begin(o, NULL);
		tg_out_str(o, "name", all[i]->name);
		tg_out_str(o, "version", all[i]->version);
		tg_out_str(o, "applies_to", all[i]->applies_to);
		tg_out_end(o);
	}
	tg_out_end(o);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

int cmd_analyse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "analyser", required_argument, NULL, 'a' },
		{ "params", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "list", no_argument, NULL, 'l' },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_analyse_opts ao = { 0 };
	struct target_list targets = { 0 };
	const char *names[16];
	struct tg_case *c = tg_cli_case();
	struct tg_progress bar;
	struct tg_out *o;
	int nnames = 0, opt, list = 0, ret = 0, worst = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (nnames == 16)
				return tg_cli_usage(cmd_analyse_help, "analyse: too many --analyser");
			if (!tg_case_analyser_find(optarg))
				return tg_cli_usage(cmd_analyse_help, "analyse: no analyser named '%s' "
						    "(see 'testigo analyse --list')", optarg);
			names[nnames++] = optarg;
			break;
		case 'p': ao.params = optarg; break;
		case 'f': ao.force = 1; break;
		case 'l': list = 1; break;
		default:
			if (!tg_output_option(opt, &fmt))
				return tg_cli_usage(cmd_analyse_help, "analyse: unknown option");
		}
	}
	if (list)
		return list_analysers(fmt);
	if (optind >= argc)
		return tg_cli_usage(cmd_analyse_help, "analyse: name at least one item (or 'all')");
	if (ao.params) {
		/* canonical form: findings are keyed by the parameters' text */
		struct cJSON *pj = cJSON_Parse(ao.params);

		if (!cJSON_IsObject(pj)) {
			cJSON_Delete(pj);
			return tg_cli_usage(cmd_analyse_help, "analyse: --params must be a JSON object");
		}
		cJSON_Delete(pj);
	}
	for (int i = optind; i < argc && ret == 0; i++) {
		struct tg_item it;

		if (strcmp(argv[i], "all") == 0)
			ret = tg_store_items(c->store, add_item, &targets);
		else if ((ret = tg_store_item_find(c->store, argv[i], &it)) == 0)
			ret = add_item(&targets, &it);
	}
	if (ret < 0) {
		free(targets.items);
		return tg_cli_fail(ret);
	}
	ao.actor = tg_cli_actor();
	tg_progress_init(&bar, "analysing", 0);
	ao.progress = tg_progress_update;
	ao.progress_user = &bar;
	o = tg_out_new(fmt);
	tg_out_begin_list(o, "items");
	for (size_t i = 0; i < targets.n; i++) {
		struct tg_analyse_report rep;

		snprintf(bar.label, sizeof(bar.label), "%.60s", targets.items[i].first_name);
		ret = tg_case_analyse(c, &targets.items[i], nnames ? names : NULL, nnames, &ao, &rep);
		tg_progress_done(&bar);
		if (ret < 0) {
			fprintf(stderr, "testigo: %s\n", tg_errmsg());
			worst = tg_exit_code(ret);
			break;
		}
		if (rep.failed)
			fprintf(stderr, "testigo: item %lld (%s): %s\n", targets.items[i].id,
				targets.items[i].first_name, rep.failures);
		tg_out_begin(o, NULL);
		tg_out_int(o, "item", targets.items[i].id);
		tg_out_str(o, "name", targets.items[i].first_name);
		tg_out_int(o, "ran", rep.ran);
		tg_out_int(o, "already_done", rep.skipped);
		tg_out_int(o, "not_applicable", rep.not_applicable);
		tg_out_int(o, "failed", rep.failed);
		tg_out_end(o);
	}
	tg_out_end(o);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	free(targets.items);
	if (ret < 0)
		return tg_cli_fail(ret);
	return worst;
}
