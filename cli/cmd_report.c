#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/case.h"
#include "case/export.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "hash/sha256.h"
#include "report/html.h"
#include "util/dynbuf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonmem.h"

const char cmd_report_help[] =
	"usage: testigo report [--incident N] -o report.html\n"
	"       testigo report [--incident N] --json [-o FILE]\n"
	"       testigo report [--incident N] --csv -o DIR\n"
	"\n"
	"Write the verification report of the case (or of one incident and its\n"
	"items).\n"
	"\n"
	"HTML (the default): one self-contained file, inline CSS and images, no\n"
	"network, that prints cleanly to PDF: a summary (items, statuses, counts),\n"
	"the incidents, a timeline (items by the creation time in their metadata,\n"
	"shots from the shots analysis), one card per item (keyframes, metadata\n"
	"and observations, SHA-256, every finding with its parameters, plots,\n"
	"verification record, tags, notes), the custody log of the included\n"
	"items and a methodology section (each analyser, version, parameters).\n"
	"\n"
	"  --incident N   only incident N and its linked items\n"
	"  -o, --output   the file to write (written atomically); for --csv, a\n"
	"                 folder that receives items.csv, findings.csv,\n"
	"                 incidents.csv, counts.csv and custody.csv\n"
	"  --json         the same data as one JSON document (docs/json.md),\n"
	"                 to FILE or standard output\n"
	"  --csv          the same data as CSV tables for spreadsheets and other tools\n"
	"  --title TEXT   the report's title (default: the incident or the case)\n"
	"\n"
	"Writing a report to a file is recorded in the custody log (action\n"
	"\"report\", with the SHA-256 of what was written).\n"
	"Exit status: 0 ok; 2 bad arguments or unknown incident; 3 cannot write the\n"
	"output; 4 case error.\n";

/* Add a filled row to its table (taking it over); 1 when it could not be. */
static int add_row(cJSON *table, cJSON *r)
{
	return tg_jsonmem_add(table, NULL, r) < 0;
}

static void copy(cJSON *dst, const char *key, const cJSON *src, const char *skey)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, skey);

	tg_jsonmem_add(dst, key, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
}

static void add_json_text(cJSON *dst, const char *key, const cJSON *v)
{
	char *s = v ? cJSON_PrintUnformatted(v) : NULL;

	cJSON_AddStringToObject(dst, key, s ? s : "");
	cJSON_free(s);
}

/* "a;b;c" from an array of strings or numbers, or of objects' key. */
static void add_joined(cJSON *dst, const char *key, const cJSON *arr, const char *sub)
{
	struct tg_dynbuf b = TG_DYNBUF_INIT(1 << 20);
	const cJSON *v;
	char num[32];

	cJSON_ArrayForEach(v, arr) {
		const cJSON *x = sub ? cJSON_GetObjectItemCaseSensitive(v, sub) : v;
		const char *s = cJSON_GetStringValue(x);

		if (cJSON_IsNumber(x)) {
			snprintf(num, sizeof(num), "%lld", (long long)x->valuedouble);
			s = num;
		}
		if (s && (!b.len || tg_dynbuf_addstr(&b, ";") == 0))
			tg_dynbuf_addstr(&b, s);
	}
	cJSON_AddStringToObject(dst, key, b.buf ? b.buf : "");
	tg_dynbuf_release(&b);
}

static int write_table(const char *dir, const char *name, cJSON *table)
{
	struct tg_out *o = tg_out_new(TG_OUT_CSV);
	char *buf = NULL, *path = tg_fs_join(dir, name);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret, empty;

	if (!f || !path) {
		if (f)
			fclose(f);
		free(buf);
		free(path);
		tg_out_free(o);
		cJSON_Delete(table);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	empty = cJSON_GetArraySize(table) == 0;
	tg_out_json(o, "rows", table);	/* the writer owns (or frees) it now */
	ret = tg_out_print(o, f);
	fclose(f);
	if (ret == 0 && empty)
		len = 0;	/* the writer prints no header for an empty table */
	if (ret == 0)
		ret = tg_fs_write_atomic(path, buf, len, 0644);
	free(buf);
	free(path);
	tg_out_free(o);
	return ret;
}

static int write_csv(const cJSON *doc, const char *dir)
{
	cJSON *items = cJSON_CreateArray(), *findings = cJSON_CreateArray();
	cJSON *incidents = cJSON_CreateArray(), *counts = cJSON_CreateArray();
	cJSON *custody = cJSON_CreateArray();
	const cJSON *it, *f, *inc, *n, *e;
	int ret, lost = 0;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "items")) {
		const cJSON *rec = cJSON_GetObjectItem(it, "record");
		const cJSON *src = cJSON_GetObjectItem(rec, "source");
		const cJSON *geo = cJSON_GetObjectItem(rec, "geolocation");
		const cJSON *chr = cJSON_GetObjectItem(rec, "chronolocation");
		cJSON *r = cJSON_CreateObject();

		copy(r, "item", it, "item");
		copy(r, "sha256", it, "sha256");
		copy(r, "name", it, "name");
		copy(r, "media_type", it, "media_type");
		copy(r, "size", it, "size");
		copy(r, "added_utc", it, "added_utc");
		copy(r, "created_utc", it, "created_utc");
		copy(r, "status", rec, "status");
		copy(r, "confidence", rec, "confidence");
		copy(r, "analyst", rec, "analyst");
		copy(r, "source_who", src, "who");
		copy(r, "source_where", src, "where");
		copy(r, "earliest_upload", src, "earliest_upload");
		copy(r, "geo_lat", geo, "lat");
		copy(r, "geo_lon", geo, "lon");
		copy(r, "geo_method", geo, "method");
		copy(r, "chrono_utc", chr, "utc");
		copy(r, "chrono_end_utc", chr, "end_utc");
		add_joined(r, "tags", cJSON_GetObjectItem(it, "tags"), "tag");
		add_joined(r, "incidents", cJSON_GetObjectItem(it, "incidents"), NULL);
		cJSON_AddNumberToObject(r, "notes", cJSON_GetArraySize(cJSON_GetObjectItem(it, "notes")));
		lost |= add_row(items, r);
		cJSON_ArrayForEach(f, cJSON_GetObjectItem(it, "findings")) {
			cJSON *q = cJSON_CreateObject();

			copy(q, "item", it, "item");
			copy(q, "sha256", it, "sha256");
			copy(q, "analyser", f, "analyser");
			copy(q, "version", f, "version");
			add_json_text(q, "params", cJSON_GetObjectItem(f, "params"));
			copy(q, "status", f, "status");
			copy(q, "confidence", f, "confidence");
			copy(q, "created_utc", f, "created_utc");
			copy(q, "seq", f, "seq");
			lost |= add_row(findings, q);
		}
	}
	cJSON_ArrayForEach(inc, cJSON_GetObjectItem(doc, "incidents")) {
		cJSON *r = cJSON_CreateObject();

		copy(r, "incident", inc, "incident");
		copy(r, "title", inc, "title");
		copy(r, "place", inc, "place");
		copy(r, "lat", inc, "lat");
		copy(r, "lon", inc, "lon");
		copy(r, "start_utc", inc, "start_utc");
		copy(r, "end_utc", inc, "end_utc");
		add_joined(r, "items", cJSON_GetObjectItem(inc, "items"), NULL);
		copy(r, "created_utc", inc, "created_utc");
		lost |= add_row(incidents, r);
		cJSON_ArrayForEach(n, cJSON_GetObjectItem(inc, "counts")) {
			cJSON *q = cJSON_CreateObject();

			copy(q, "incident", inc, "incident");
			copy(q, "kind", n, "kind");
			copy(q, "value", n, "value");
			copy(q, "source", n, "source");
			copy(q, "time_utc", n, "time_utc");
			copy(q, "actor", n, "actor");
			copy(q, "seq", n, "seq");
			lost |= add_row(counts, q);
		}
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "custody")) {
		cJSON *r = cJSON_CreateObject();

		copy(r, "seq", e, "seq");
		copy(r, "time", e, "time");
		copy(r, "actor", e, "actor");
		copy(r, "action", e, "action");
		copy(r, "item", e, "item");
		add_json_text(r, "details", cJSON_GetObjectItem(e, "details"));
		copy(r, "hash", e, "hash");
		lost |= add_row(custody, r);
	}
	ret = lost ? tg_error(TG_ENOMEM, "out of memory") : tg_fs_mkdirs(dir, 0755);
	/* write_table takes ownership of each table */
	ret = ret ? (cJSON_Delete(items), ret) : write_table(dir, "items.csv", items);
	ret = ret ? (cJSON_Delete(findings), ret) : write_table(dir, "findings.csv", findings);
	ret = ret ? (cJSON_Delete(incidents), ret) : write_table(dir, "incidents.csv", incidents);
	ret = ret ? (cJSON_Delete(counts), ret) : write_table(dir, "counts.csv", counts);
	ret = ret ? (cJSON_Delete(custody), ret) : write_table(dir, "custody.csv", custody);
	return ret;
}

static int log_report(struct tg_case *c, const char *format, const char *output, const void *data,
		      size_t len, long long incident, const cJSON *doc)
{
	cJSON *d = cJSON_CreateObject();
	char hex[65];
	int ret;

	if (!d)
		return tg_error(TG_ENOMEM, "out of memory");
	cJSON_AddStringToObject(d, "format", format);
	cJSON_AddStringToObject(d, "output", output);
	if (data) {
		tg_sha256_buf(data, len, NULL, hex);
		cJSON_AddStringToObject(d, "sha256", hex);
		cJSON_AddNumberToObject(d, "size", (double)len);
	}
	if (incident)
		cJSON_AddNumberToObject(d, "incident", (double)incident);
	cJSON_AddNumberToObject(d, "items", cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")));
	ret = tg_case_record(c, tg_cli_actor(), "report", NULL, d, NULL, NULL, NULL);
	cJSON_Delete(d);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "incident", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_case *c = tg_cli_case();
	struct tg_dynbuf b = TG_DYNBUF_INIT((size_t)512 << 20);
	const char *output = NULL, *title = NULL;
	long long incident = 0;
	cJSON *doc = NULL;
	char *text = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (opt == 'i') {
			char *end;

			errno = 0;
			incident = strtoll(optarg, &end, 10);
			if (end == optarg || *end || errno || incident < 1)
				return tg_cli_usage(cmd_report_help, "report: --incident: '%s' is not "
						    "an incident number", optarg);
		} else if (opt == 'o') {
			output = optarg;
		} else if (opt == 't') {
			title = optarg;
		} else if (!tg_output_option(opt, &fmt)) {
			return tg_cli_usage(cmd_report_help, "report: unknown option");
		}
	}
	if (optind < argc)
		return tg_cli_usage(cmd_report_help, "report: unexpected argument '%s'", argv[optind]);
	if (!output && fmt != TG_OUT_JSON)
		return tg_cli_usage(cmd_report_help, fmt == TG_OUT_CSV
				    ? "report: --csv needs -o DIR (the folder for the tables)"
				    : "report: name the output file with -o report.html");
	if (output && fmt != TG_OUT_CSV) {
		char *parent = strdup(output), *slash = parent ? strrchr(parent, '/') : NULL;
		struct stat st;

		if (slash)
			*slash = '\0';
		ret = slash && parent[0] && (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
			      ? tg_error(TG_EINPUT, "%s: the folder %s does not exist", output, parent)
			      : 0;
		free(parent);
		if (ret < 0)
			return tg_cli_fail(ret);
	}
	ret = tg_export_document(c, incident, &doc);
	if (ret < 0)
		return tg_cli_fail(ret);
	if (fmt == TG_OUT_JSON) {
		text = cJSON_Print(doc);
		if (!text) {
			ret = tg_error(TG_ENOMEM, "out of memory");
		} else if (!output) {
			fputs(text, stdout);
			fputc('\n', stdout);
		} else {
			size_t len = strlen(text);

			text[len] = '\n';	/* replace the NUL: the file ends in a newline */
			ret = tg_fs_write_atomic(output, text, len + 1, 0644);
			if (ret == 0)
				ret = log_report(c, "json", output, text, len + 1, incident, doc);
		}
	} else if (fmt == TG_OUT_CSV) {
		struct stat st;

		if (stat(output, &st) == 0 && !S_ISDIR(st.st_mode))
			ret = tg_error(TG_EINVAL, "%s: --csv writes a folder of tables; this is a file",
				       output);
		else
			ret = write_csv(doc, output);
		if (ret == 0)
			ret = log_report(c, "csv", output, NULL, 0, incident, doc);
	} else {
		struct tg_html_opts ho = { c->dir, title };

		ret = tg_html_report(doc, &ho, &b);
		if (ret == 0)
			ret = tg_fs_write_atomic(output, b.buf, b.len, 0644);
		if (ret == 0)
			ret = log_report(c, "html", output, b.buf, b.len, incident, doc);
		if (ret == 0)
			fprintf(stderr, "testigo: wrote %s (%zu bytes, %d items)\n", output, b.len,
				cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")));
	}
	cJSON_free(text);
	cJSON_Delete(doc);
	tg_dynbuf_release(&b);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
