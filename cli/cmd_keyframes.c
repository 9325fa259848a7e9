/*
 * cmd_keyframes.c - testigo keyframes FILE [-o DIR]: one sharp frame per
 * shot (and every N seconds of a long shot) as JPEGs for reverse image
 * search, listed with time, shot range and PDQ.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "case/an_keyframes.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_keyframes_help[] =
	"usage: testigo keyframes FILE [-o DIR] [--every S] [--sample S] [--json]\n"
	"\n"
	"Detect the shots of a video and write one representative frame of each, the\n"
	"sharpest (variance of the Laplacian), plus at least one every S seconds in\n"
	"long shots, as JPEGs named by their time (HH-MM-SS.mmm.jpg) for reverse\n"
	"image search.  Lists each with its time, shot number and range, and PDQ\n"
	"hash.  Shot cuts are found on frames sampled every --sample seconds by the\n"
	"change of a luma histogram and thumbnail against an adaptive threshold.\n"
	"The evidence file is only read.  (`testigo add` does the same, sampling once\n"
	"a second, into the case's derived/<sha256>/keyframes/.)\n"
	"\n"
	"  -o, --output DIR   where to write the JPEGs (default: list only)\n"
	"  --every S          at least one keyframe every S seconds of a shot (10)\n"
	"  --sample S         sampling interval for cut detection (0.25; 0: every frame)\n"
	"  --json             {\"file\", \"dir\", \"shots\": [[start, end] ...], \"keyframes\":\n"
	"                     [{\"time_s\", \"frame\", \"shot\", \"shot_range_s\", \"file\", \"pdq\",\n"
	"                     \"quality\", \"sharpness\"}]}\n"
	"\n"
	"Exit status: 0; 2 usage; 3 when the file cannot be read, has no video, or\n"
	"DIR cannot be written.\n";

int cmd_keyframes(int argc, char **argv)
{
	static const struct option longopts[] = {
		TG_OUTPUT_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "every", required_argument, NULL, 'e' },
		{ "sample", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_an_keyframes *k = NULL;
	struct tg_analyser pa = { 0 };
	struct tg_out *o = NULL;
	const char *dir = NULL;
	double every = 10, sample = 0.25;
	int opt, ret, code = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (tg_output_option(opt, &fmt))
			continue;
		if (opt == 'o') {
			dir = optarg;
		} else if (opt == 'e') {
			every = strtod(optarg, &end);
			if (*end || !(every >= 1 && every <= 3600))
				return tg_cli_usage(cmd_keyframes_help, "keyframes: --every wants 1..3600");
		} else if (opt == 's') {
			sample = strtod(optarg, &end);
			if (*end || !(sample >= 0 && sample <= 60))
				return tg_cli_usage(cmd_keyframes_help, "keyframes: --sample wants 0..60");
		} else {
			return tg_cli_usage(cmd_keyframes_help, "keyframes: unknown option");
		}
	}
	if (argc - optind != 1)
		return tg_cli_usage(cmd_keyframes_help, "keyframes: name one video file");
	k = malloc(sizeof(*k));
	if (!k)
		return tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
	tg_an_keyframes_setup(k, &pa, sample, every, dir);
	if ((ret = tg_media_run_one(argv[optind], &pa)) < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	o = tg_out_new(fmt);
	tg_out_str(o, "file", argv[optind]);
	if (dir)
		tg_out_str(o, "dir", dir);
	tg_out_int(o, "shot_count", (long long)k->kf.nshots);
	tg_out_begin_list(o, "keyframes");
	for (size_t i = 0; i < k->n; i++) {
		const struct tg_an_kf_item *it = &k->items[i];
		char hex[TG_PDQ_HEX_LEN + 1];

		tg_pdq_to_hex(&it->hash, hex);
		tg_out_begin(o, NULL);
		tg_out_num(o, "time_s", it->t, 3);
		tg_out_int(o, "frame", it->frame);
		tg_out_int(o, "shot", it->shot);
		if ((size_t)it->shot < k->kf.nshots) {
			tg_out_begin_list(o, "shot_range_s");
			tg_out_num(o, NULL, k->kf.shots[it->shot].start, 3);
			tg_out_num(o, NULL, k->kf.shots[it->shot].end, 3);
			tg_out_end(o);
		}
		tg_out_str(o, "file", dir ? it->name : NULL);
		tg_out_str(o, "pdq", hex);
		tg_out_int(o, "quality", it->quality);
		tg_out_num(o, "sharpness", it->sharpness, 1);
		tg_out_end(o);
	}
	tg_out_end(o);
	if (tg_out_print(o, stdout) < 0)
		code = tg_cli_fail(TG_EIO);
out:
	tg_out_free(o);
	tg_an_keyframes_release(k);
	free(k);
	return code;
}
