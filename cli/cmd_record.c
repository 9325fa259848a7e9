#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "case/record.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "store/store_incident.h"
#include "util/error.h"

const char cmd_record_help[] =
	"usage: testigo record ITEM [--status S] [--confidence C] [FIELD OPTIONS] [--json]\n"
	"\n"
	"Show or change the verification record of an item, after the Berkeley\n"
	"Protocol on Digital Open Source Investigations.  Without options it\n"
	"shows the record, the technical analysis (every finding with its\n"
	"analyser, version and parameters), the tags and the notes.  Every\n"
	"change is a custody-log entry with the previous and the new value.\n"
	"\n"
	"Status and confidence:\n"
	"  --status S            unverified -> in_review -> verified | disputed |\n"
	"                        rejected (a final status only from in_review;\n"
	"                        'in review' and 'in-review' are accepted)\n"
	"  --confidence C        low, medium or high\n"
	"Source:\n"
	"  --source-who TEXT     who filmed or posted it\n"
	"  --source-where TEXT   where it was found (URL, channel, group)\n"
	"  --earliest-upload ISO the earliest known upload (with UTC offset)\n"
	"Content analysis:\n"
	"  --geolocation LAT,LON where it was filmed, decimal degrees\n"
	"  --method TEXT         how the place was found (required with\n"
	"                        --geolocation)\n"
	"  --place TEXT          the place's name\n"
	"  --chronolocation ISO[/ISO]  when it was filmed: a time or an interval,\n"
	"                        with UTC offset\n"
	"  --chrono-method TEXT  how the time was found (shadows, sun, events)\n"
	"  --corroboration TEXT  what corroborates it\n"
	"  --corroborated-by ITEM[,ITEM...]  the items that corroborate it\n"
	"  --analyst NAME        the analyst responsible for the record\n"
	"  --clear FIELD         empty a field: source-who, source-where,\n"
	"                        earliest-upload, geolocation, method, place,\n"
	"                        chronolocation, chrono-method, corroboration,\n"
	"                        corroborated-by, analyst, confidence\n"
	"\n"
	"Exit status: 0 ok; 2 bad arguments, unknown item or a status change that\n"
	"is not allowed; 4 case error.\n";

struct field_opt {
	int id;
	const char *clear_name;
	const char *fields[2];
};

enum {
	O_STATUS = 256, O_CONF, O_WHO, O_WHERE, O_UPLOAD, O_GEO, O_METHOD, O_PLACE, O_CHRONO,
	O_CHRONO_METHOD, O_CORR, O_CORR_BY, O_ANALYST, O_CLEAR
};

static const struct field_opt field_opts[] = {
	{ O_WHO, "source-who", { "source_who", NULL } },
	{ O_WHERE, "source-where", { "source_where", NULL } },
	{ O_UPLOAD, "earliest-upload", { "earliest_upload", NULL } },
	{ O_GEO, "geolocation", { "geo_lat", "geo_lon" } },
	{ O_METHOD, "method", { "geo_method", NULL } },
	{ O_PLACE, "place", { "geo_place", NULL } },
	{ O_CHRONO, "chronolocation", { "chrono_utc", "chrono_end_utc" } },
	{ O_CHRONO_METHOD, "chrono-method", { "chrono_method", NULL } },
	{ O_CORR, "corroboration", { "corroboration", NULL } },
	{ O_CORR_BY, "corroborated-by", { "corroborated_by", NULL } },
	{ O_ANALYST, "analyst", { "analyst", NULL } },
	{ 0, NULL, { NULL, NULL } }
};

#define MAX_CHANGES 32

struct changes {
	struct tg_record_change ch[MAX_CHANGES];
	char *owned[MAX_CHANGES];
	int n, nowned;
};

static int add(struct changes *c, const char *field, const char *value)
{
	if (c->n == MAX_CHANGES)
		return -1;
	c->ch[c->n].field = field;
	c->ch[c->n].value = value;
	c->n++;
	return 0;
}

static char *keep(struct changes *c, const char *s, size_t len)
{
	char *p = strndup(s, len);

	if (p && c->nowned < MAX_CHANGES)
		c->owned[c->nowned++] = p;
	else {
		free(p);
		p = NULL;
	}
	return p;
}

/* "LAT,LON" or "A/B" into two changes. */
static int split_pair(struct changes *c, const struct field_opt *f, const char *arg, char sep,
		      int need_both)
{
	const char *p = strchr(arg, sep);
	char *a, *b;

	if (!p)
		return need_both ? -1 : add(c, f->fields[0], arg) || add(c, f->fields[1], "");
	a = keep(c, arg, (size_t)(p - arg));
	b = keep(c, p + 1, strlen(p + 1));
	if (!a || !b || !a[0] || !b[0])
		return -1;
	return add(c, f->fields[0], a) || add(c, f->fields[1], b);
}

static int emit_finding(void *user, const struct tg_finding *f)
{
	struct tg_out *o = user;

	tg_out_begin(o, NULL);
	tg_out_str(o, "analyser", f->analyser);
	tg_out_str(o, "version", f->version);
	tg_out_json_text(o, "params", f->params);
	tg_out_str(o, "status", f->status);
	if (isnan(f->confidence))
		tg_out_null(o, "confidence");
	else
		tg_out_num(o, "confidence", f->confidence, 3);
	tg_out_str(o, "created_utc", f->created_utc);
	tg_out_int(o, "seq", f->seq);
	tg_out_end(o);
	return 0;
}

static int emit_tag(void *user, const struct tg_tag_row *t)
{
	struct tg_out *o = user;

	tg_out_begin(o, NULL);
	tg_out_str(o, "tag", t->tag);
	tg_out_bool(o, "controlled", t->controlled);
	tg_out_end(o);
	return 0;
}

static int emit_note(void *user, const struct tg_note_row *n)
{
	struct tg_out *o = user;

	tg_out_begin(o, NULL);
	tg_out_str(o, "time_utc", n->time_utc);
	tg_out_str(o, "actor", n->actor);
	tg_out_str(o, "text", n->text);
	tg_out_int(o, "seq", n->seq);
	tg_out_end(o);
	return 0;
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, O_STATUS },
		{ "confidence", required_argument, NULL, O_CONF },
		{ "source-who", required_argument, NULL, O_WHO },
		{ "source-where", required_argument, NULL, O_WHERE },
		{ "earliest-upload", required_argument, NULL, O_UPLOAD },
		{ "geolocation", required_argument, NULL, O_GEO },
		{ "method", required_argument, NULL, O_METHOD },
		{ "geo-method", required_argument, NULL, O_METHOD },
		{ "place", required_argument, NULL, O_PLACE },
		{ "chronolocation", required_argument, NULL, O_CHRONO },
		{ "chrono-method", required_argument, NULL, O_CHRONO_METHOD },
		{ "corroboration", required_argument, NULL, O_CORR },
		{ "corroborated-by", required_argument, NULL, O_CORR_BY },
		{ "analyst", required_argument, NULL, O_ANALYST },
		{ "clear", required_argument, NULL, O_CLEAR },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_case *c = tg_cli_case();
	struct changes chg = { .n = 0 };
	const char *status = NULL, *confidence = NULL;
	int opt, ret = 0, n_record = 0, n_status = 0, code = 0;
	struct tg_out *o = NULL;
	cJSON *rec = NULL;
	struct tg_item it;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		const struct field_opt *f = NULL;

		for (int i = 0; field_opts[i].id; i++)
			if (field_opts[i].id == opt)
				f = &field_opts[i];
		if (opt == O_STATUS) {
			status = optarg;
			if (!tg_record_status_name(status)) {
				code = tg_cli_usage(cmd_record_help, "record: --status: '%s' is not a "
						    "status (unverified, in_review, verified, "
						    "disputed, rejected)", optarg);
				goto out;
			}
		} else if (opt == O_CONF) {
			confidence = optarg;
		} else if (opt == O_GEO) {
			if (split_pair(&chg, f, optarg, ',', 1) != 0) {
				code = tg_cli_usage(cmd_record_help, "record: --geolocation: expected "
						    "LAT,LON in decimal degrees, got '%s'", optarg);
				goto out;
			}
		} else if (opt == O_CHRONO) {
			if (split_pair(&chg, f, optarg, '/', 0) != 0) {
				code = tg_cli_usage(cmd_record_help, "record: --chronolocation: expected "
						    "ISO or ISO/ISO, got '%s'", optarg);
				goto out;
			}
		} else if (f) {
			if (add(&chg, f->fields[0], optarg) != 0) {
				code = tg_cli_usage(cmd_record_help, "record: too many changes at once");
				goto out;
			}
		} else if (opt == O_CLEAR) {
			const struct field_opt *cf = NULL;

			for (int i = 0; field_opts[i].id; i++)
				if (strcmp(field_opts[i].clear_name, optarg) == 0)
					cf = &field_opts[i];
			if (strcmp(optarg, "confidence") == 0) {
				confidence = "";
				continue;
			}
			if (!cf) {
				code = tg_cli_usage(cmd_record_help, "record: --clear: '%s' is not a "
						    "field (see 'testigo help record')", optarg);
				goto out;
			}
			for (int k = 0; k < 2 && cf->fields[k]; k++)
				add(&chg, cf->fields[k], "");
		} else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV) {
			code = tg_cli_usage(cmd_record_help, "record: unknown option");
			goto out;
		}
	}
	if (argc - optind != 1) {
		code = tg_cli_usage(cmd_record_help, "record: name one item");
		goto out;
	}
	ret = tg_store_item_find(c->store, argv[optind], &it);
	if (ret == 0 && chg.n)
		ret = tg_record_update(c, tg_cli_actor(), &it, chg.ch, chg.n, &n_record);
	if (ret == 0 && (status || confidence)) {
		ret = tg_record_status(c, tg_cli_actor(), &it, status, confidence, &n_status);
		if (ret < 0 && n_record) {
			char msg[600];

			snprintf(msg, sizeof(msg), "%s", tg_errmsg());
			ret = tg_error(ret, "%s (the other %d field change(s) were recorded)",
				       msg, n_record);
		}
	}
	if (ret == 0)
		ret = tg_record_read(c, it.id, &rec);
	if (ret < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	o = tg_out_new(fmt);
	tg_out_int(o, "item", it.id);
	tg_out_str(o, "sha256", it.sha256);
	tg_out_str(o, "name", it.first_name);
	tg_out_int(o, "changed", n_record + n_status);
	tg_out_json(o, "record", rec);
	tg_out_begin_list(o, "technical");
	ret = tg_store_findings(c->store, it.id, NULL, emit_finding, o);
	tg_out_end(o);
	tg_out_begin_list(o, "tags");
	if (ret == 0)
		ret = tg_store_tags(c->store, it.id, emit_tag, o);
	tg_out_end(o);
	tg_out_begin_list(o, "notes");
	if (ret == 0)
		ret = tg_store_notes(c->store, it.id, 0, emit_note, o);
	tg_out_end(o);
	if (ret == 0)
		ret = tg_out_print(o, stdout);
	if (ret < 0)
		code = tg_cli_fail(ret);
out:
	tg_out_free(o);
	for (int i = 0; i < chg.nowned; i++)
		free(chg.owned[i]);
	return code;
}
