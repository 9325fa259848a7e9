/*
 * cmd_tmk.c - testigo tmk VIDEO -o FILE.tmk: the TMK+PDQF signature in the
 * reference binary format.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "case/an_tmk.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_tmk_help[] =
	"usage: testigo tmk VIDEO -o FILE.tmk [--json]\n"
	"\n"
	"Compute the TMK+PDQF signature of a video (Meta ThreatExchange's whole-video\n"
	"hash: PDQ features of the 64x64 frames at 15 frames a second, folded with\n"
	"a temporal matching kernel) and write it to FILE.tmk in the reference\n"
	"binary format (263,344 bytes), readable by the reference tools and by\n"
	"`testigo tmk-score`.  Prints the output file and the number of frames.\n"
	"\n"
	"  -o, --output FILE   where to write the signature (required)\n"
	"  --json              {\"file\", \"output\", \"frames\", \"fps\"}\n"
	"\n"
	"Exit status: 0; 2 usage; 3 when the video cannot be read or the output\n"
	"cannot be written.\n";

int cmd_tmk(int argc, char **argv)
{
	static const struct option longopts[] = {
		TG_OUTPUT_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_an_tmk *t = NULL;
	struct tg_analyser pa = { 0 };
	struct tg_out *o = NULL;
	const char *output = NULL;
	int opt, ret, code = 0;

	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (tg_output_option(opt, &fmt))
			continue;
		if (opt == 'o')
			output = optarg;
		else
			return tg_cli_usage(cmd_tmk_help, "tmk: unknown option");
	}
	if (argc - optind != 1)
		return tg_cli_usage(cmd_tmk_help, "tmk: name one video file");
	if (!output)
		return tg_cli_usage(cmd_tmk_help, "tmk: say where to write it with -o FILE.tmk");
	t = malloc(sizeof(*t));
	if (!t)
		return tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
	tg_an_tmk_setup(t, &pa, 0);
	ret = tg_media_run_one(argv[optind], &pa);
	if (ret == 0 && !t->done)
		ret = tg_error(TG_EINPUT, "%s: no video frames were decoded", argv[optind]);
	if (ret == 0 && (ret = tg_tmk_io_write(output, &t->sig)) < 0) {
		char msg[512];

		/* the output file, not the case: an input/output problem of the command */
		snprintf(msg, sizeof(msg), "%s", tg_errmsg());
		ret = tg_error(TG_EINPUT, "%s", msg);
	}
	if (ret < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	o = tg_out_new(fmt);
	tg_out_str(o, "file", argv[optind]);
	tg_out_str(o, "output", output);
	tg_out_int(o, "frames", t->sig.nframes);
	tg_out_int(o, "fps", t->sig.fps);
	if (tg_out_print(o, stdout) < 0)
		code = tg_cli_fail(TG_EIO);
out:
	tg_out_free(o);
	tg_an_tmk_release(t);
	free(t);
	return code;
}
