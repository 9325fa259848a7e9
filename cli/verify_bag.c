#include "cli/verify_bag.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#include "case/bag.h"
#include "cli/cli.h"
#include "util/error.h"

struct bag_out {
	struct tg_out *o;
	int text;
};

static void report(void *user, const char *file, const char *problem)
{
	struct bag_out *b = user;

	tg_out_begin(b->o, NULL);
	tg_out_str(b->o, "file", file);
	tg_out_str(b->o, "message", problem);
	tg_out_end(b->o);
	if (b->text)
		fprintf(stderr, "testigo: %s: %s\n", file, problem);
}

int tg_cli_verify_bag(const char *dir, const char *key_path, enum tg_out_format fmt)
{
	struct bag_out b = { tg_out_new(fmt), fmt == TG_OUT_TEXT };
	struct tg_bag_summary sum;
	int ret;

	tg_out_str(b.o, "bag", dir);
	tg_out_begin_list(b.o, "problems");
	ret = tg_bag_verify(dir, key_path, report, &b, &sum);
	tg_out_end(b.o);
	if (ret < 0) {
		tg_out_free(b.o);
		return tg_cli_fail(ret);
	}
	tg_out_int(b.o, "files", (long long)sum.files);
	tg_out_int(b.o, "bytes", (long long)sum.bytes);
	tg_out_int(b.o, "objects", sum.objects);
	tg_out_int(b.o, "custody_entries", sum.custody_entries);
	tg_out_str(b.o, "public_key", sum.public_key[0] ? sum.public_key : NULL);
	tg_out_str(b.o, "key_source", key_path ? "--key" : "the bag's case-public-key.pem");
	tg_out_bool(b.o, "signature_ok", sum.signature_ok);
	tg_out_int(b.o, "problem_count", sum.problems);
	tg_out_bool(b.o, "ok", sum.problems == 0);
	if (b.text)
		cJSON_DeleteItemFromObject(tg_out_tree(b.o), "problems");
	ret = tg_out_print(b.o, stdout);
	tg_out_free(b.o);
	if (ret < 0)
		return tg_cli_fail(ret);
	if (b.text && sum.problems == 0 && !key_path)
		fprintf(stderr, "testigo: note: checked with the key inside the package; compare "
			"its public key with one you received separately, or pass --key FILE\n");
	return sum.problems ? TG_EXIT_CHECK : 0;
}
