#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_show_help[] =
	"usage: testigo show ITEM [--json] [--tags]\n"
	"\n"
	"Show one item: its SHA-256, size and type, every acquisition (when, from\n"
	"where, by whom), every finding (the metadata and later analyses, with\n"
	"analyser, version and parameters) and its custody entries.  ITEM is an\n"
	"item id or a SHA-256 prefix of at least 4 digits.\n"
	"  --tags   in text output, include the raw container and EXIF tags\n";

struct show_state {
	struct tg_out *o;
	int text, tags;
};

static int emit_acquisition(void *user, const struct tg_acquisition *a)
{
	struct show_state *s = user;

	tg_out_begin(s->o, NULL);
	tg_out_int(s->o, "seq", a->seq);
	tg_out_str(s->o, "time_utc", a->time_utc);
	tg_out_str(s->o, "name", a->original_name);
	tg_out_str(s->o, "path", a->original_path);
	tg_out_str(s->o, "source", a->source[0] ? a->source : NULL);
	tg_out_str(s->o, "collector", a->collector[0] ? a->collector : NULL);
	tg_out_str(s->o, "note", a->note[0] ? a->note : NULL);
	tg_out_str(s->o, "actor", a->actor);
	tg_out_end(s->o);
	return 0;
}

static int emit_finding(void *user, const struct tg_finding *f)
{
	struct show_state *s = user;
	cJSON *result = cJSON_Parse(f->result);

	if (result && s->text && !s->tags)
		cJSON_DeleteItemFromObject(result, "tags");
	tg_out_begin(s->o, NULL);
	tg_out_str(s->o, "analyser", f->analyser);
	tg_out_str(s->o, "version", f->version);
	tg_out_json_text(s->o, "params", f->params);
	tg_out_str(s->o, "created_utc", f->created_utc);
	tg_out_str(s->o, "status", f->status);
	if (isnan(f->confidence))
		tg_out_null(s->o, "confidence");
	else
		tg_out_num(s->o, "confidence", f->confidence, 3);
	tg_out_int(s->o, "seq", f->seq);
	if (result)
		tg_out_json(s->o, "result", result);
	else
		tg_out_str(s->o, "result", f->result);
	tg_out_end(s->o);
	return 0;
}

static int emit_custody(void *user, const struct tg_custody_row *r)
{
	struct show_state *s = user;

	tg_out_begin(s->o, NULL);
	tg_out_int(s->o, "seq", r->seq);
	tg_out_str(s->o, "time_utc", r->time_utc);
	tg_out_str(s->o, "actor", r->actor);
	tg_out_str(s->o, "action", r->action);
	tg_out_str(s->o, "hash", r->hash);
	tg_out_end(s->o);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tags", no_argument, NULL, 't' }, TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_case *c = tg_cli_case();
	struct show_state s = { NULL, 1, 0 };
	struct tg_item it;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 't')
			s.tags = 1;
		else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV)
			return tg_cli_usage(cmd_show_help, "show: unknown option");
	}
	if (argc - optind != 1)
		return tg_cli_usage(cmd_show_help, "show: name one item");
	ret = tg_store_item_find(c->store, argv[optind], &it);
	if (ret < 0)
		return tg_cli_fail(ret);
	s.text = fmt == TG_OUT_TEXT;
	s.o = tg_out_new(fmt);
	tg_out_int(s.o, "item", it.id);
	tg_out_str(s.o, "sha256", it.sha256);
	tg_out_str(s.o, "name", it.first_name);
	tg_out_int(s.o, "size", (long long)it.size);
	tg_out_str(s.o, "media_type", it.media_type);
	tg_out_str(s.o, "added_utc", it.added_utc);
	{
		char *obj = tg_case_object_path(c, it.sha256);
		tg_out_str(s.o, "object", obj);
		free(obj);
	}
	tg_out_begin_list(s.o, "acquisitions");
	ret = tg_store_acquisitions(c->store, it.id, emit_acquisition, &s);
	tg_out_end(s.o);
	if (ret == 0) {
		tg_out_begin_list(s.o, "findings");
		ret = tg_store_findings(c->store, it.id, NULL, emit_finding, &s);
		tg_out_end(s.o);
	}
	if (ret == 0) {
		tg_out_begin_list(s.o, "custody");
		ret = tg_store_custody(c->store, it.sha256, emit_custody, &s);
		tg_out_end(s.o);
	}
	if (ret == 0)
		ret = tg_out_print(s.o, stdout);
	tg_out_free(s.o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
