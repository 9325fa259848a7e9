#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/case.h"
#include "case/ingest.h"
#include "case/match.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "util/error.h"

const char cmd_add_help[] =
	"usage: testigo add PATH... [--source URL] [--collector NAME] [--note TEXT]\n"
	"                   [--recursive] [--json]\n"
	"\n"
	"Add files to the case as evidence.  Each file is read once: hashed\n"
	"(SHA-256) while it is copied into objects/, fsynced and made read-only.\n"
	"The same bytes added twice are stored once, but every acquisition (when,\n"
	"from where, by whom, the original name and path) is recorded in the\n"
	"custody log.  Any file type is accepted; media files are also probed and\n"
	"their metadata stored, then every analyser that applies runs in one\n"
	"decode pass (see 'testigo analyse').  Prints each item's id and SHA-256.\n"
	"\n"
	"  --source URL       where the file was found (URL, channel, person)\n"
	"  --collector NAME   who collected it (default: $TESTIGO_ACTOR or login)\n"
	"  --note TEXT        a note recorded with the acquisition\n"
	"  -r, --recursive    add the files inside folders (sorted by name)\n"
	"  --no-analyse       only preserve and probe; run 'testigo analyse' later\n"
	"  --json             one JSON document (see docs/json.md)\n"
	"\n"
	"Exit status: 0 all added; 3 some file could not be read; 4 case error.\n";

struct file_list {
	char **paths;
	size_t n, alloc;
	unsigned long long bytes;
};

static int list_add(struct file_list *l, const char *path, unsigned long long size)
{
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		char **p = realloc(l->paths, na * sizeof(*p));

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		l->paths = p;
		l->alloc = na;
	}
	l->paths[l->n] = strdup(path);
	if (!l->paths[l->n])
		return tg_error(TG_ENOMEM, "out of memory");
	l->n++;
	l->bytes += size;
	return 0;
}

static void list_release(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
}

static int walk(struct file_list *l, const char *dir, int depth)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), ret = 0;

	if (n < 0)
		return tg_error_errno(TG_EINPUT, "%s: cannot read the folder", dir);
	if (depth > 64)
		ret = tg_error(TG_EINPUT, "%s: folders nested too deep", dir);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		if (ret == 0 && strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			if (lstat(path, &st) != 0)
				ret = tg_error_errno(TG_EINPUT, "%s: cannot read", path);
			else if (S_ISDIR(st.st_mode))
				ret = walk(l, path, depth + 1);
			else if (S_ISREG(st.st_mode))
				ret = list_add(l, path, (unsigned long long)st.st_size);
			/* symlinks, devices, sockets: not followed inside folders */
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

static int collect(struct file_list *l, char **paths, int n, int recursive)
{
	for (int i = 0; i < n; i++) {
		struct stat st;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode) && recursive) {
			int ret = walk(l, paths[i], 0);
			if (ret < 0)
				return ret;
		} else {
			int ret = list_add(l, paths[i], stat(paths[i], &st) == 0
							    ? (unsigned long long)st.st_size : 0);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/*
 * Footage already in the case that the new item shares: one line in text
 * output, a list in JSON.  A failure to match is not a failure to add.
 */
static void emit_matches(struct tg_out *o, struct tg_case *c, const struct tg_ingest_result *r)
{
	struct tg_item it;
	struct tg_match_query q;
	struct tg_match_list ml = { NULL, 0, 0 };
	char line[512] = "";
	size_t used = 0;

	if (strcmp(r->media_type, "video") != 0 && strcmp(r->media_type, "image") != 0)
		return;
	if (tg_store_item_get(c->store, r->item_id, &it) < 0 ||
	    tg_case_match_item(c, &it, &q, &ml) < 0) {
		tg_error_clear();
		return;
	}
	if (tg_out_format(o) == TG_OUT_JSON) {
		tg_out_begin_list(o, "matches");
		for (size_t k = 0; k < ml.n; k++) {
			tg_out_begin(o, NULL);
			tg_out_int(o, "item", ml.m[k].item);
			tg_out_str(o, "sha256", ml.m[k].sha256);
			tg_out_str(o, "kind", ml.m[k].kind);
			tg_out_num(o, "score", ml.m[k].score, 3);
			tg_out_end(o);
		}
		tg_out_end(o);
	} else {
		for (size_t k = 0; k < ml.n && used < sizeof(line) - 64; k++)
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%sitem %lld %s %.2f",
						 k ? ", " : "", ml.m[k].item, ml.m[k].kind,
						 ml.m[k].score);
		tg_out_str(o, "matches", ml.n ? line : "-");
	}
	tg_match_list_release(&ml);
}

static int count_observations(const cJSON *doc, const char *severity)
{
	const cJSON *o, *obs = cJSON_GetObjectItemCaseSensitive(doc, "observations");
	int n = 0;

	cJSON_ArrayForEach(o, obs) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "severity");
		if (!severity || (cJSON_IsString(s) && strcmp(s->valuestring, severity) == 0))
			n++;
	}
	return n;
}

int cmd_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "collector", required_argument, NULL, 'c' },
		{ "note", required_argument, NULL, 'n' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "no-analyse", no_argument, NULL, 'A' },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct tg_ingest_opts io = { 0 };
	struct file_list files = { 0 };
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_progress bar;
	struct tg_out *o;
	int opt, recursive = 0, worst = 0, ret;

	while ((opt = getopt_long(argc, argv, "r", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': io.source = optarg; break;
		case 'c': io.collector = optarg; break;
		case 'n': io.note = optarg; break;
		case 'r': recursive = 1; break;
		case 'A': io.no_analysis = 1; break;
		default:
			if (!tg_output_option(opt, &fmt))
				return tg_cli_usage(cmd_add_help, "add: unknown option");
		}
	}
	if (optind >= argc)
		return tg_cli_usage(cmd_add_help, "add: name at least one file");
	io.actor = tg_cli_actor();
	if (!io.collector)
		io.collector = io.actor;
	ret = collect(&files, argv + optind, argc - optind, recursive);
	if (ret < 0) {
		list_release(&files);
		return tg_cli_fail(ret);
	}
	tg_progress_init(&bar, "adding", files.bytes);
	io.progress = tg_progress_update;
	io.progress_user = &bar;
	o = tg_out_new(fmt);
	tg_out_begin_list(o, "items");
	for (size_t i = 0; i < files.n; i++) {
		struct tg_ingest_result r;
		const char *slash = strrchr(files.paths[i], '/');

		snprintf(bar.label, sizeof(bar.label), "%s", slash ? slash + 1 : files.paths[i]);
		ret = tg_ingest_file(tg_cli_case(), files.paths[i], &io, &r);
		tg_progress_advance(&bar, r.size);
		if (ret < 0) {
			int code = tg_exit_code(ret);

			tg_progress_done(&bar);
			fprintf(stderr, "testigo: %s\n", tg_errmsg());
			if (code > worst)
				worst = code;
			tg_ingest_result_release(&r);
			if (code == TG_EXIT_CASE)
				break;	/* the case itself failed: stop */
			continue;
		}
		tg_out_begin(o, NULL);
		tg_out_int(o, "item", r.item_id);
		tg_out_str(o, "sha256", r.sha256);
		tg_out_str(o, "name", slash ? slash + 1 : files.paths[i]);
		tg_out_int(o, "size", (long long)r.size);
		tg_out_str(o, "media_type", r.media_type);
		tg_out_str(o, "status", r.new_item ? "added" : "already in case: acquisition recorded");
		tg_out_int(o, "warnings", r.metadata ? count_observations(r.metadata, "warning") : 0);
		tg_out_int(o, "analyses", r.analyses_run);
		if (r.new_item && !io.no_analysis)
			emit_matches(o, tg_cli_case(), &r);
		if (r.analyses_failed)
			fprintf(stderr, "testigo: %s: %d analysis(es) failed: %s\n", files.paths[i],
				r.analyses_failed, r.analysis_failures);
		tg_out_end(o);
		tg_ingest_result_release(&r);
	}
	tg_progress_done(&bar);
	tg_out_end(o);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	list_release(&files);
	if (ret < 0)
		return tg_cli_fail(ret);
	return worst;
}
