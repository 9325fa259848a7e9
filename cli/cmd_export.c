#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "case/bag.h"
#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_export_help[] =
	"usage: testigo export --bagit DIR [--incident N] [--organization NAME] [--json]\n"
	"\n"
	"Write an archival package (BagIt 1.0, RFC 8493) that a court, a newsroom\n"
	"or another investigator can check without testigo's case: the\n"
	"evidentiary copies (data/objects/), the working copies (data/derived/),\n"
	"the catalog records as JSON (data/catalog/), the whole custody log,\n"
	"SHA-256 manifests of every file, bag-info.txt with Payload-Oxum and the\n"
	"case's public key, and an Ed25519 signature of the tag manifest\n"
	"(tagmanifest-sha256.txt.sig, with case-public-key.pem).  See docs/bagit.md.\n"
	"\n"
	"The package is built in a temporary folder next to DIR and renamed into\n"
	"place only when complete; DIR must not exist or be an empty folder.\n"
	"Every evidentiary copy is re-hashed on the way: a copy that no longer\n"
	"matches stops the export.  The export is recorded in the custody log.\n"
	"Check a package with 'testigo verify --bag DIR'.\n"
	"\n"
	"  --bagit DIR           the package folder to create\n"
	"  --incident N          only incident N and its linked items\n"
	"  --organization NAME   Source-Organization in bag-info.txt\n"
	"\n"
	"For JSON and CSV exports of the catalog see 'testigo report --json/--csv'.\n"
	"Exit status: 0 ok; 1 an evidentiary copy was altered; 2 bad arguments or\n"
	"unknown incident; 4 DIR not empty, or a case or disk error.\n";

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bagit", required_argument, NULL, 'b' },
		{ "incident", required_argument, NULL, 'i' },
		{ "organization", required_argument, NULL, 'g' },
		{ "organisation", required_argument, NULL, 'g' },
		TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_bag_opts bo = { 0, NULL, tg_cli_actor() };
	struct tg_bag_result res;
	const char *dir = NULL;
	struct tg_out *o;
	char oxum[64];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'b') {
			dir = optarg;
		} else if (opt == 'g') {
			bo.organization = optarg;
		} else if (opt == 'i') {
			char *end;

			errno = 0;
			bo.incident = strtoll(optarg, &end, 10);
			if (end == optarg || *end || errno || bo.incident < 1)
				return tg_cli_usage(cmd_export_help, "export: --incident: '%s' is not "
						    "an incident number", optarg);
		} else if (!tg_output_option(opt, &fmt) || fmt == TG_OUT_CSV) {
			return tg_cli_usage(cmd_export_help, "export: unknown option");
		}
	}
	if (optind < argc)
		return tg_cli_usage(cmd_export_help, "export: unexpected argument '%s'", argv[optind]);
	if (!dir || !dir[0])
		return tg_cli_usage(cmd_export_help, "export: name the package folder with --bagit DIR");
	ret = tg_bag_export(tg_cli_case(), dir, &bo, &res);
	if (ret < 0)
		return tg_cli_fail(ret);
	o = tg_out_new(fmt);
	tg_out_str(o, "bag", dir);
	if (bo.incident)
		tg_out_int(o, "incident", bo.incident);
	else
		tg_out_null(o, "incident");
	tg_out_int(o, "items", res.items);
	tg_out_int(o, "files", (long long)res.files);
	tg_out_int(o, "bytes", (long long)res.bytes);
	snprintf(oxum, sizeof(oxum), "%llu.%llu", res.bytes, res.files);
	tg_out_str(o, "payload_oxum", oxum);
	tg_out_str(o, "tagmanifest_sha256", res.tagmanifest_sha256);
	tg_out_str(o, "custody_head", res.custody_head);
	tg_out_int(o, "custody_seq", res.custody_seq);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
