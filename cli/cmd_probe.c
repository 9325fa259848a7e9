#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "hash/sha256.h"
#include "media/metadata.h"
#include "media/probe.h"
#include "util/error.h"

const char cmd_probe_help[] =
	"usage: testigo probe FILE... [--json] [--tags]\n"
	"\n"
	"Show what a file says about itself, without adding it to a case:\n"
	"format, duration, streams (codec, profile, resolution, frame rate,\n"
	"rotation, audio rate and channels), the capture time (created_utc, and\n"
	"where it came from; a local time of unknown offset is shown as local),\n"
	"GPS position, device, and observations: stripped metadata, editing\n"
	"software, timestamps that disagree, the UTC offset GPS time implies.\n"
	"\n"
	"  --json   the normalised document (docs/json.md); several files give\n"
	"           {\"files\": [...]}\n"
	"  --tags   in text output, also list the raw container and EXIF tags\n"
	"\n"
	"Exit status: 0; 3 when a file is missing, empty or not media.\n";

static int probe_one(const char *path, cJSON **doc)
{
	struct tg_probe p;
	char sha[65];
	int ret;

	*doc = NULL;
	tg_probe_init(&p);
	ret = tg_probe_file(&p, path);
	if (ret == 0)
		ret = tg_sha256_file(path, sha, NULL);
	if (ret == 0) {
		*doc = tg_metadata_document(&p, sha);
		if (!*doc)
			ret = tg_error(TG_ENOMEM, "out of memory");
		else if (!p.is_media)
			ret = tg_error(TG_EINPUT, "%s: not a media file: %s", path,
				       p.av_error[0] ? p.av_error : "unknown format");
	}
	tg_probe_release(&p);
	return ret;
}

int cmd_probe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tags", no_argument, NULL, 't' },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	int opt, show_tags = 0, worst = 0, nfiles;
	struct tg_out *o;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 't')
			show_tags = 1;
		else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV)
			return tg_cli_usage(cmd_probe_help, "probe: unknown option");
	}
	nfiles = argc - optind;
	if (nfiles < 1)
		return tg_cli_usage(cmd_probe_help, "probe: name a file");
	o = tg_out_new(fmt);
	if (nfiles > 1)
		tg_out_begin_list(o, "files");
	for (int i = optind; i < argc; i++) {
		cJSON *doc = NULL, *c;
		int ret = probe_one(argv[i], &doc);

		if (ret < 0) {
			fprintf(stderr, "testigo: %s\n", tg_errmsg());
			if (tg_exit_code(ret) > worst)
				worst = tg_exit_code(ret);
		}
		if (!doc)
			continue;
		if (fmt == TG_OUT_TEXT && !show_tags)
			cJSON_DeleteItemFromObject(doc, "tags");
		if (nfiles > 1)
			tg_out_begin(o, NULL);
		/* move the document's fields into the output, in order */
		while ((c = doc->child)) {
			char key[128];

			snprintf(key, sizeof(key), "%s", c->string);
			tg_out_json(o, key, cJSON_DetachItemViaPointer(doc, c));
		}
		if (nfiles > 1)
			tg_out_end(o);
		cJSON_Delete(doc);
	}
	if (nfiles > 1)
		tg_out_end(o);
	if (tg_out_print(o, stdout) < 0) {
		tg_out_free(o);
		return tg_cli_fail(TG_EIO);
	}
	tg_out_free(o);
	return worst;
}
