/*
 * cmd_vpdq.c - testigo vpdq VIDEO: per-frame PDQ hashes in the vPDQ
 * reference's line format, one frame a second by default.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "case/an_vpdq.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "phash/vpdq.h"
#include "util/error.h"

const char cmd_vpdq_help[] =
	"usage: testigo vpdq VIDEO [--every-frame | --seconds S] [--json]\n"
	"\n"
	"Hash frames of a video with PDQ and print them in the format of Meta's\n"
	"ThreatExchange vPDQ tools, one line a hashed frame:\n"
	"    FRAME,QUALITY,HASH,TIMESTAMP\n"
	"FRAME counts decoded frames from 0, TIMESTAMP is FRAME / frame rate in\n"
	"seconds (3 decimals).  By default one frame a second is hashed (every\n"
	"Nth frame, N = the frame rate rounded, as the reference's\n"
	"seconds-per-hash does).\n"
	"\n"
	"  --every-frame   hash every decoded frame (the reference's default)\n"
	"  --seconds S     one frame every S seconds\n"
	"  --json          {\"file\", \"frame_rate\", \"every_nth_frame\", \"frames\": [{\"frame\",\n"
	"                  \"quality\", \"hash\", \"timestamp\"}]}\n"
	"\n"
	"Exit status: 0; 2 usage; 3 when the file cannot be read or has no video.\n";

int cmd_vpdq(int argc, char **argv)
{
	static const struct option longopts[] = {
		TG_OUTPUT_LONG_OPTIONS,
		{ "every-frame", no_argument, NULL, 'e' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_an_vpdq *v = NULL;
	struct tg_analyser pa = { 0 };
	struct tg_out *o = NULL;
	double seconds = 1.0;
	int opt, ret, code = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (tg_output_option(opt, &fmt))
			continue;
		if (opt == 'e') {
			seconds = 0;
		} else if (opt == 's') {
			seconds = strtod(optarg, &end);
			if (*end || !(seconds >= 0 && seconds <= 3600))
				return tg_cli_usage(cmd_vpdq_help, "vpdq: --seconds wants 0..3600");
		} else {
			return tg_cli_usage(cmd_vpdq_help, "vpdq: unknown option");
		}
	}
	if (argc - optind != 1)
		return tg_cli_usage(cmd_vpdq_help, "vpdq: name one video file");
	v = malloc(sizeof(*v));
	if (!v)
		return tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
	tg_an_vpdq_setup(v, &pa, seconds, 0, 0);
	if ((ret = tg_media_run_one(argv[optind], &pa)) < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	if (fmt == TG_OUT_TEXT) {
		for (size_t i = 0; i < v->full.n; i++) {
			char line[TG_VPDQ_LINE_MAX];

			tg_an_vpdq_format_row(&v->full.r[i], line, sizeof(line));
			printf("%s\n", line);
		}
		goto out;
	}
	o = tg_out_new(fmt);
	tg_out_str(o, "file", argv[optind]);
	tg_out_num(o, "frame_rate", v->rate, 3);
	tg_out_int(o, "every_nth_frame", v->every);
	tg_out_begin_list(o, "frames");
	for (size_t i = 0; i < v->full.n; i++) {
		struct tg_pdq_hash h;
		char hex[TG_PDQ_HEX_LEN + 1];

		tg_an_vpdq_unpack(v->full.r[i].hash, &h);
		tg_pdq_to_hex(&h, hex);
		tg_out_begin(o, NULL);
		tg_out_int(o, "frame", v->full.r[i].frame);
		tg_out_int(o, "quality", v->full.r[i].quality);
		tg_out_str(o, "hash", hex);
		tg_out_num(o, "timestamp", v->full.r[i].pts_s, 3);
		tg_out_end(o);
	}
	tg_out_end(o);
	if (tg_out_print(o, stdout) < 0)
		code = tg_cli_fail(TG_EIO);
out:
	tg_out_free(o);
	tg_an_vpdq_release(v);
	free(v);
	return code;
}
