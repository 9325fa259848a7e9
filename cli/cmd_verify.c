#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "case/case.h"
#include "case/verify.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/verify_bag.h"
#include "util/error.h"

const char cmd_verify_help[] =
	"usage: testigo verify [--json]\n"
	"       testigo verify --bag DIR [--key PUB.pem] [--json]\n"
	"\n"
	"Check that the case is intact: re-hash every evidentiary copy, check\n"
	"every catalog row against the objects and the custody log, follow the\n"
	"hash chain of the log and check every signature with the case's public\n"
	"key.  Each problem is reported with the item and the log line.  The\n"
	"check itself is recorded in the custody log.\n"
	"\n"
	"With --bag, check an archival package made by 'testigo export --bagit'\n"
	"instead, without any case: every checksum both ways, Payload-Oxum, the\n"
	"signature of the tag manifest, the custody chain inside (docs/bagit.md).\n"
	"--key checks against a public key received separately.\n"
	"\n"
	"Exit status: 0 when everything holds; 1 when a problem was found;\n"
	"4 when the case cannot be opened.\n";

struct verify_out {
	struct tg_out *o;
	int text;
	struct tg_progress *bar;
};

static void report(void *user, const struct tg_verify_problem *p)
{
	struct verify_out *v = user;

	tg_out_begin(v->o, NULL);
	tg_out_str(v->o, "kind", tg_verify_kind_name(p->kind));
	if (p->line)
		tg_out_int(v->o, "line", p->line);
	else
		tg_out_null(v->o, "line");
	if (p->seq)
		tg_out_int(v->o, "seq", p->seq);
	else
		tg_out_null(v->o, "seq");
	tg_out_str(v->o, "item", p->item);
	tg_out_str(v->o, "message", p->message);
	tg_out_end(v->o);
	if (v->text) {
		tg_progress_done(v->bar);
		fprintf(stderr, "testigo: %s%s%lld: %s\n", tg_verify_kind_name(p->kind),
			p->line ? " custody.log line " : "", p->line ? p->line : 0LL, p->message);
	}
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bag", required_argument, NULL, 'b' }, { "key", required_argument, NULL, 'k' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	const char *bag = NULL, *key = NULL;
	struct tg_verify_summary sum;
	struct tg_progress bar;
	struct verify_out v;
	struct tg_case *c = NULL;
	cJSON *details;
	char *dir = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'b')
			bag = optarg;
		else if (opt == 'k')
			key = optarg;
		else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV)
			return tg_cli_usage(cmd_verify_help, "verify: unknown option");
	}
	if (optind < argc)
		return tg_cli_usage(cmd_verify_help, "verify: unexpected argument '%s'", argv[optind]);
	if (key && !bag)
		return tg_cli_usage(cmd_verify_help, "verify: --key goes with --bag DIR");
	if (bag)
		return tg_cli_verify_bag(bag, key, fmt);
	ret = tg_case_find(tg_cli_case_dir(), &dir);
	if (ret == 0)
		ret = tg_case_open(&c, dir);
	free(dir);
	if (ret < 0)
		return tg_cli_fail(ret);
	tg_progress_init(&bar, "verifying", 0);
	v.o = tg_out_new(fmt);
	v.text = fmt == TG_OUT_TEXT;
	v.bar = &bar;
	tg_out_str(v.o, "case", c->dir);
	tg_out_begin_list(v.o, "problems");
	ret = tg_case_verify(c, report, &v, tg_progress_update, &bar, &sum);
	tg_progress_done(&bar);
	tg_out_end(v.o);
	if (ret < 0) {
		tg_out_free(v.o);
		tg_case_close(c);
		return tg_cli_fail(ret);
	}
	tg_out_int(v.o, "entries", sum.entries);
	tg_out_int(v.o, "items", sum.items);
	tg_out_int(v.o, "bytes", sum.objects_bytes);
	tg_out_int(v.o, "findings", sum.findings);
	tg_out_int(v.o, "problem_count", sum.problems);
	tg_out_str(v.o, "chain_head", sum.last_hash);
	tg_out_bool(v.o, "ok", sum.problems == 0);
	if (v.text) {
		/* the list went to stderr as it was found; keep stdout a summary */
		cJSON_DeleteItemFromObject(tg_out_tree(v.o), "problems");
	}
	ret = tg_out_print(v.o, stdout);
	tg_out_free(v.o);
	/* Record the check; a log too damaged to append to is already reported. */
	details = cJSON_CreateObject();
	if (details) {
		cJSON_AddBoolToObject(details, "ok", sum.problems == 0);
		cJSON_AddNumberToObject(details, "problems", sum.problems);
		cJSON_AddNumberToObject(details, "entries", (double)sum.entries);
		cJSON_AddNumberToObject(details, "items", (double)sum.items);
		cJSON_AddStringToObject(details, "chain_head", sum.last_hash);
		if (tg_case_record(c, tg_cli_actor(), "verify", NULL, details, NULL, NULL, NULL) < 0)
			fprintf(stderr, "testigo: warning: the check could not be logged: %s\n",
				tg_errmsg());
		cJSON_Delete(details);
	}
	tg_case_close(c);
	if (ret < 0)
		return tg_cli_fail(ret);
	return sum.problems ? TG_EXIT_CHECK : 0;
}
