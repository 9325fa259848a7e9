/*
 * cmd_pdq.c - testigo pdq FILE...: PDQ hash and quality of images (or the
 * first frame of a video), one "hash,quality,filename" line a file as the
 * reference tool prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "media/image.h"
#include "phash/pdq.h"
#include "util/error.h"

const char cmd_pdq_help[] =
	"usage: testigo pdq FILE... [--dihedral] [--no-resize] [--json]\n"
	"\n"
	"Print the PDQ perceptual hash of each image, one line a file in the format\n"
	"of Meta's ThreatExchange pdq tool:\n"
	"    HASH,QUALITY,FILENAME\n"
	"HASH is 64 hex digits (256 bits); QUALITY 0..100 (below 50 the hash is\n"
	"unreliable: flat or blurred pictures).  For a video the first frame is\n"
	"hashed.  Like the reference tool, a picture with a side over 512 pixels is\n"
	"first resized to 512x512 (nearest neighbour).\n"
	"\n"
	"  --dihedral    also the hashes of the 7 rotated/mirrored versions\n"
	"                (rot90 rot180 rot270 flipx flipy flipplus1 flipminus1)\n"
	"  --no-resize   hash the picture at its own size\n"
	"  --json        {\"files\": [{\"file\", \"hash\", \"quality\", \"width\", \"height\"\n"
	"                [, \"dihedral\": {...}]} or {\"file\", \"error\"}]}\n"
	"\n"
	"Exit status: 0; 2 usage; 3 when a file cannot be read or decoded (the\n"
	"others are still hashed).\n";

static const char *const dihedral_names[TG_PDQ_NDIHEDRAL] = {
	"original", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"
};

int cmd_pdq(int argc, char **argv)
{
	static const struct option longopts[] = {
		TG_OUTPUT_LONG_OPTIONS,
		{ "dihedral", no_argument, NULL, 'd' },
		{ "no-resize", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_pdq_scratch s = TG_PDQ_SCRATCH_INIT;
	struct tg_image img = TG_IMAGE_INIT;
	struct tg_out *o = NULL;
	int opt, dihedral = 0, max_side = 512, code = 0;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (tg_output_option(opt, &fmt))
			continue;
		if (opt == 'd')
			dihedral = 1;
		else if (opt == 'n')
			max_side = 0;
		else
			return tg_cli_usage(cmd_pdq_help, "pdq: unknown option");
	}
	if (optind >= argc)
		return tg_cli_usage(cmd_pdq_help, "pdq: name at least one image file");
	if (fmt != TG_OUT_TEXT) {
		o = tg_out_new(fmt);
		tg_out_begin_list(o, "files");
	}
	for (int i = optind; i < argc; i++) {
		struct tg_pdq_hash h, dih[TG_PDQ_NDIHEDRAL];
		char hex[TG_PDQ_HEX_LEN + 1];
		int q, ret = tg_image_read_rgb(argv[i], max_side, &img);

		if (ret == 0)
			ret = tg_pdq_hash_rgb(&s, img.data, img.width, img.height, img.stride, &h, &q);
		if (ret < 0) {
			fprintf(stderr, "testigo: %s\n", tg_errmsg());
			code = tg_exit_code(ret);
			if (o) {
				tg_out_begin(o, NULL);
				tg_out_str(o, "file", argv[i]);
				tg_out_str(o, "error", tg_errmsg());
				tg_out_end(o);
			}
			continue;
		}
		tg_pdq_dihedral(s.dct, dih);
		tg_pdq_to_hex(&h, hex);
		if (!o) {
			printf("%s,%d,%s\n", hex, q, argv[i]);
			for (int k = 1; dihedral && k < TG_PDQ_NDIHEDRAL; k++) {
				tg_pdq_to_hex(&dih[k], hex);
				printf("  %-10s %s\n", dihedral_names[k], hex);
			}
			continue;
		}
		tg_out_begin(o, NULL);
		tg_out_str(o, "file", argv[i]);
		tg_out_str(o, "hash", hex);
		tg_out_int(o, "quality", q);
		tg_out_int(o, "width", img.width);
		tg_out_int(o, "height", img.height);
		if (dihedral) {
			tg_out_begin(o, "dihedral");
			for (int k = 1; k < TG_PDQ_NDIHEDRAL; k++) {
				tg_pdq_to_hex(&dih[k], hex);
				tg_out_str(o, dihedral_names[k], hex);
			}
			tg_out_end(o);
		}
		tg_out_end(o);
	}
	if (o) {
		tg_out_end(o);
		if (tg_out_print(o, stdout) < 0)
			code = tg_cli_fail(TG_EIO);
	}
	tg_out_free(o);
	tg_image_release(&img);
	tg_pdq_scratch_release(&s);
	return code;
}
