#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "case/incident.h"
#include "case/record.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "store/store_incident.h"
#include "util/error.h"

const char cmd_incident_help[] =
	"usage: testigo incident new --title T [--place P] [--lat DEG --lon DEG]\n"
	"                            [--start ISO] [--end ISO] [--description TEXT]\n"
	"       testigo incident ls [--json | --csv]\n"
	"       testigo incident show N [--json]\n"
	"       testigo incident link N ITEM... [--unlink]\n"
	"       testigo incident count N --injured K ... --source TEXT\n"
	"\n"
	"Incidents are what an investigation is organised around: a place and a\n"
	"time span (\"police fired at protesters near the Superior Court, Lima,\n"
	"12 November 2020, 21:00-23:30\") with the items that show it and the\n"
	"counts reported for it.  Every change is a custody-log entry with the\n"
	"previous and the new value.\n"
	"\n"
	"  new     create an incident; prints its number N.\n"
	"          --start/--end: a date (2020-11-12) or a date-time with its UTC\n"
	"          offset (2020-11-12T21:00-05:00 or ...Z); a time without an\n"
	"          offset is refused rather than guessed.\n"
	"  ls      list incidents with their item counts.\n"
	"  show    one incident: place, time span, items with their status,\n"
	"          counts with their sources, notes.\n"
	"  link    link items (id or SHA-256 prefix) to incident N; --unlink\n"
	"          removes the link (the log keeps that it existed).\n"
	"  count   set counts from one source; every count needs --source (who\n"
	"          reported it).  Kinds: --injured, --killed, --arrested,\n"
	"          --detained, --missing, --journalists-injured,\n"
	"          --journalists-arrested.  A value of - removes the count.\n"
	"\n"
	"Notes on an incident: 'testigo note --incident N TEXT'.\n"
	"Exit status: 0 ok; 2 bad arguments or unknown incident or item; 4 case error.\n";

static int usage(const char *fmt, const char *arg)
{
	return tg_cli_usage(cmd_incident_help, fmt, arg);
}

static int parse_id(const char *s, long long *id)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	return end != s && !*end && !errno && *id > 0 ? 0 : -1;
}

static int parse_deg(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return end != s && !*end && !errno && isfinite(*v) ? 0 : -1;
}

static void out_opt_str(struct tg_out *o, const char *key, const char *v)
{
	tg_out_str(o, key, v && v[0] ? v : NULL);
}

static void out_opt_num(struct tg_out *o, const char *key, double v)
{
	if (isnan(v))
		tg_out_null(o, key);
	else
		tg_out_num(o, key, v, 7);
}

/* ---- new ---------------------------------------------------------------- */

static int incident_new(int argc, char **argv, enum tg_out_format fmt)
{
	static const struct option longopts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "place", required_argument, NULL, 'p' },
		{ "lat", required_argument, NULL, 'a' },
		{ "lon", required_argument, NULL, 'o' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "description", required_argument, NULL, 'd' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	struct tg_incident_spec spec = { NULL, NULL, NULL, NULL, NULL, NAN, NAN };
	struct tg_case *c = tg_cli_case();
	struct tg_out *o;
	long long id;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': spec.title = optarg; break;
		case 'p': spec.place = optarg; break;
		case 's': spec.start = optarg; break;
		case 'e': spec.end = optarg; break;
		case 'd': spec.description = optarg; break;
		case 'a':
			if (parse_deg(optarg, &spec.lat) < 0)
				return usage("incident new: --lat: not a number: '%s'", optarg);
			break;
		case 'o':
			if (parse_deg(optarg, &spec.lon) < 0)
				return usage("incident new: --lon: not a number: '%s'", optarg);
			break;
		default:
			if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV)
				return usage("incident new: unknown option%s", "");
		}
	}
	if (optind < argc)
		return usage("incident new: unexpected argument '%s'", argv[optind]);
	if (!spec.title)
		return usage("incident new: --title is required%s", "");
	ret = tg_incident_create(c, tg_cli_actor(), &spec, &id);
	if (ret < 0)
		return tg_cli_fail(ret);
	o = tg_out_new(fmt);
	tg_out_int(o, "incident", id);
	tg_out_str(o, "title", spec.title);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

/* ---- ls / show ---------------------------------------------------------- */

static int emit_incident(void *user, const struct tg_incident *inc)
{
	struct tg_out *o = user;

	tg_out_begin(o, NULL);
	tg_out_int(o, "incident", inc->id);
	tg_out_str(o, "title", inc->title);
	out_opt_str(o, "place", inc->place);
	out_opt_num(o, "lat", inc->lat);
	out_opt_num(o, "lon", inc->lon);
	out_opt_str(o, "start_utc", inc->start_utc);
	out_opt_str(o, "end_utc", inc->end_utc);
	tg_out_int(o, "items", inc->items);
	tg_out_str(o, "created_utc", inc->created_utc);
	tg_out_end(o);
	return 0;
}

static int incident_ls(int argc, char **argv, enum tg_out_format fmt)
{
	static const struct option longopts[] = { TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
	struct tg_out *o;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (!tg_output_option(opt, &fmt))
			return usage("incident ls: unknown option%s", "");
	if (optind < argc)
		return usage("incident ls: unexpected argument '%s'", argv[optind]);
	o = tg_out_new(fmt);
	tg_out_begin_list(o, "incidents");
	ret = tg_store_incidents(tg_cli_case()->store, emit_incident, o);
	tg_out_end(o);
	if (ret == 0 && fmt == TG_OUT_TEXT && tg_store_incident_next_id(tg_cli_case()->store) == 1)
		printf("no incidents yet: create one with 'testigo incident new --title T'\n");
	else if (ret == 0)
		ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

struct show {
	struct tg_out *o;
	struct tg_case *c;
};

static int emit_show(void *user, const struct tg_incident *inc)
{
	struct tg_out *o = ((struct show *)user)->o;

	tg_out_int(o, "incident", inc->id);
	tg_out_str(o, "title", inc->title);
	out_opt_str(o, "place", inc->place);
	out_opt_num(o, "lat", inc->lat);
	out_opt_num(o, "lon", inc->lon);
	out_opt_str(o, "start_utc", inc->start_utc);
	out_opt_str(o, "end_utc", inc->end_utc);
	out_opt_str(o, "description", inc->description);
	tg_out_str(o, "created_utc", inc->created_utc);
	tg_out_str(o, "created_by", inc->actor);
	return 0;
}

static int emit_item(void *user, long long id)
{
	struct show *s = user;
	struct tg_item it;
	cJSON *rec = NULL;
	int ret = tg_store_item_get(s->c->store, id, &it);

	if (ret == 0)
		ret = tg_record_read(s->c, id, &rec);
	if (ret < 0)
		return ret;
	tg_out_begin(s->o, NULL);
	tg_out_int(s->o, "item", it.id);
	tg_out_str(s->o, "sha256", it.sha256);
	tg_out_str(s->o, "name", it.first_name);
	tg_out_str(s->o, "media_type", it.media_type);
	tg_out_str(s->o, "status", cJSON_GetStringValue(cJSON_GetObjectItem(rec, "status")));
	tg_out_str(s->o, "confidence", cJSON_GetStringValue(cJSON_GetObjectItem(rec, "confidence")));
	tg_out_end(s->o);
	cJSON_Delete(rec);
	return 0;
}

static int emit_count(void *user, const struct tg_incident_count *n)
{
	struct tg_out *o = ((struct show *)user)->o;

	tg_out_begin(o, NULL);
	tg_out_str(o, "kind", n->kind);
	tg_out_int(o, "value", n->value);
	tg_out_str(o, "source", n->source);
	tg_out_str(o, "time_utc", n->time_utc);
	tg_out_str(o, "actor", n->actor);
	tg_out_int(o, "seq", n->seq);
	tg_out_end(o);
	return 0;
}

static int emit_note(void *user, const struct tg_note_row *n)
{
	struct tg_out *o = ((struct show *)user)->o;

	tg_out_begin(o, NULL);
	tg_out_str(o, "time_utc", n->time_utc);
	tg_out_str(o, "actor", n->actor);
	tg_out_str(o, "text", n->text);
	tg_out_int(o, "seq", n->seq);
	tg_out_end(o);
	return 0;
}

static int incident_show(int argc, char **argv, enum tg_out_format fmt)
{
	static const struct option longopts[] = { TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
	struct show s = { NULL, tg_cli_case() };
	long long id;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV)
			return usage("incident show: unknown option%s", "");
	if (argc - optind != 1)
		return usage("incident show: name one incident number%s", "");
	if (parse_id(argv[optind], &id) < 0)
		return usage("incident show: '%s' is not an incident number", argv[optind]);
	s.o = tg_out_new(fmt);
	ret = tg_store_incident_get(s.c->store, id, emit_show, &s);
	if (ret == 0) {
		tg_out_begin_list(s.o, "items");
		ret = tg_store_incident_items(s.c->store, id, emit_item, &s);
		tg_out_end(s.o);
	}
	if (ret == 0) {
		tg_out_begin_list(s.o, "counts");
		ret = tg_store_counts(s.c->store, id, emit_count, &s);
		tg_out_end(s.o);
	}
	if (ret == 0) {
		tg_out_begin_list(s.o, "notes");
		ret = tg_store_notes(s.c->store, 0, id, emit_note, &s);
		tg_out_end(s.o);
	}
	if (ret == 0)
		ret = tg_out_print(s.o, stdout);
	tg_out_free(s.o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

/* ---- link --------------------------------------------------------------- */

static int incident_link(int argc, char **argv, enum tg_out_format fmt)
{
	static const struct option longopts[] = {
		{ "unlink", no_argument, NULL, 'u' }, TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	struct tg_case *c = tg_cli_case();
	struct tg_item *items;
	struct tg_out *o;
	long long id;
	int opt, ret = 0, link = 1, n;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'u')
			link = 0;
		else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV)
			return usage("incident link: unknown option%s", "");
	}
	if (argc - optind < 2)
		return usage("incident link: name an incident number and at least one item%s", "");
	if (parse_id(argv[optind], &id) < 0)
		return usage("incident link: '%s' is not an incident number", argv[optind]);
	ret = tg_incident_exists(c, id);
	if (ret < 0)
		return tg_cli_fail(ret);
	n = argc - optind - 1;
	items = calloc((size_t)n, sizeof(*items));
	if (!items)
		return tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
	/* resolve every item first: a typo links nothing */
	for (int i = 0; i < n; i++) {
		ret = tg_store_item_find(c->store, argv[optind + 1 + i], &items[i]);
		if (ret < 0) {
			free(items);
			return tg_cli_fail(ret);
		}
	}
	o = tg_out_new(fmt);
	tg_out_int(o, "incident", id);
	tg_out_str(o, "op", link ? "link" : "unlink");
	tg_out_begin_list(o, "items");
	for (int i = 0; i < n && ret == 0; i++) {
		int changed;

		ret = tg_incident_link(c, tg_cli_actor(), id, &items[i], link, &changed);
		if (ret < 0)
			break;
		tg_out_begin(o, NULL);
		tg_out_int(o, "item", items[i].id);
		tg_out_str(o, "sha256", items[i].sha256);
		tg_out_str(o, "name", items[i].first_name);
		tg_out_bool(o, "changed", changed);
		tg_out_end(o);
	}
	tg_out_end(o);
	if (ret == 0)
		ret = tg_out_print(o, stdout);
	tg_out_free(o);
	free(items);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

/* ---- count -------------------------------------------------------------- */

static int incident_count(int argc, char **argv, enum tg_out_format fmt)
{
	static const struct option longopts[] = {
		{ "injured", required_argument, NULL, 0 },
		{ "killed", required_argument, NULL, 1 },
		{ "arrested", required_argument, NULL, 2 },
		{ "detained", required_argument, NULL, 3 },
		{ "missing", required_argument, NULL, 4 },
		{ "journalists-injured", required_argument, NULL, 5 },
		{ "journalists-arrested", required_argument, NULL, 6 },
		{ "source", required_argument, NULL, 's' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	const char *const *names = tg_incident_count_kinds();
	const char *kinds[16], *source = NULL;
	long long values[16], id;
	struct tg_out *o;
	int opt, n = 0, ret, changed;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt >= 0 && opt <= 6) {
			char *end;

			if (n == 16)
				return usage("incident count: too many counts%s", "");
			kinds[n] = names[opt];
			if (strcmp(optarg, "-") == 0) {
				values[n++] = -1;
				continue;
			}
			errno = 0;
			values[n] = strtoll(optarg, &end, 10);
			if (end == optarg || *end || errno || values[n] < 0)
				return usage("incident count: not a count (a whole number >= 0, or -): "
					     "'%s'", optarg);
			n++;
		} else if (opt == 's') {
			source = optarg;
		} else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV) {
			return usage("incident count: unknown option%s", "");
		}
	}
	if (argc - optind != 1)
		return usage("incident count: name one incident number%s", "");
	if (parse_id(argv[optind], &id) < 0)
		return usage("incident count: '%s' is not an incident number", argv[optind]);
	if (n == 0)
		return usage("incident count: give at least one count, e.g. --injured 3%s", "");
	if (!source)
		return usage("incident count: --source TEXT is required: who reported the "
			     "numbers%s", "");
	ret = tg_incident_count(tg_cli_case(), tg_cli_actor(), id, kinds, values, n, source,
				&changed);
	if (ret < 0)
		return tg_cli_fail(ret);
	o = tg_out_new(fmt);
	tg_out_int(o, "incident", id);
	tg_out_int(o, "changed", changed);
	{
		struct show s = { o, tg_cli_case() };

		tg_out_begin_list(o, "counts");
		ret = tg_store_counts(tg_cli_case()->store, id, emit_count, &s);
		tg_out_end(o);
	}
	if (ret == 0)
		ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

int cmd_incident(int argc, char **argv)
{
	enum tg_out_format fmt = TG_OUT_TEXT;
	const char *sub;

	if (argc < 2)
		return usage("incident: name a subcommand: new, ls, show, link, count%s", "");
	sub = argv[1];
	argc--;
	argv++;
	optind = 1;
	if (strcmp(sub, "new") == 0)
		return incident_new(argc, argv, fmt);
	if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
		return incident_ls(argc, argv, fmt);
	if (strcmp(sub, "show") == 0)
		return incident_show(argc, argv, fmt);
	if (strcmp(sub, "link") == 0)
		return incident_link(argc, argv, fmt);
	if (strcmp(sub, "unlink") == 0) {
		/* 'incident unlink N ITEM...' reads like 'incident link --unlink' */
		static char unlink_opt[] = "--unlink";
		char **av = calloc((size_t)argc + 2, sizeof(*av));
		int ret;

		if (!av)
			return tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
		av[0] = argv[0];
		av[1] = unlink_opt;
		memcpy(av + 2, argv + 1, (size_t)(argc - 1) * sizeof(*av));
		ret = incident_link(argc + 1, av, fmt);
		free(av);
		return ret;
	}
	if (strcmp(sub, "count") == 0)
		return incident_count(argc, argv, fmt);
	return usage("incident: '%s' is not a subcommand (new, ls, show, link, unlink, count)", sub);
}
