#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "custody/key.h"
#include "util/error.h"

const char cmd_init_help[] =
	"usage: testigo init [DIR] [--json]\n"
	"\n"
	"Create a case in DIR (default: the current folder), which must be new or\n"
	"empty: the catalog (case.db), the objects/ and derived/ folders, the\n"
	"custody log and the case's Ed25519 key pair (keys/case.key, mode 0600).\n"
	"The first custody entry records the case id and its public key.\n"
	"Keep a copy of keys/case.pub elsewhere: it lets anyone check the log.\n";

int cmd_init(int argc, char **argv)
{
	static const struct option longopts[] = { TG_OUTPUT_LONG_OPTIONS, { NULL, 0, NULL, 0 } };
	enum tg_out_format fmt = TG_OUT_TEXT;
	const char *dir = ".";
	char *abs = NULL, pub[TG_ED25519_PUB_HEX];
	struct tg_key key = { NULL, 0 };
	struct tg_out *o;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (!tg_output_option(opt, &fmt))
			return tg_cli_usage(cmd_init_help, "init: unknown option");
	if (argc - optind > 1)
		return tg_cli_usage(cmd_init_help, "init: give at most one folder");
	if (optind < argc)
		dir = argv[optind];
	if (tg_cli_case_dir() && optind >= argc)
		dir = tg_cli_case_dir();
	ret = tg_case_init(dir, tg_cli_actor(), &abs);
	if (ret < 0)
		return tg_cli_fail(ret);
	ret = tg_key_load(&key, abs, 1);
	if (ret == 0)
		ret = tg_key_public_hex(&key, pub);
	tg_key_release(&key);
	if (ret < 0) {
		free(abs);
		return tg_cli_fail(ret);
	}
	o = tg_out_new(fmt);
	tg_out_str(o, "case", abs);
	tg_out_str(o, "public_key", pub);
	tg_out_str(o, "key_algorithm", "Ed25519");
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	free(abs);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
