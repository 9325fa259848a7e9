/*
 * analyse_run.c - the video analysis of `testigo add`, alone: every case
 * analyser that applies to video (lib/case/analysers.c) created as add
 * creates it, one tg_media_run() over the file, then each result.
 *
 *   analyse_run FILE DERIVED_DIR
 *
 * TG_BENCH_ONLY="vpdq,tmk" runs only the analysers named (to see what each
 * costs).
 * Prints "analyse: N analysers (names), T s" and exits non-zero when an
 * analyser failed.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "case/analyse.h"
#include "util/error.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int applies(const char *list, const char *type)
{
	size_t n = strlen(type);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, type, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const struct tg_case_analyser *const *all = tg_case_analysers();
	const struct tg_case_analyser *ops[16];
	struct tg_analyser pa[16], *list[16];
	void *state[16];
	char dirs[16][4200], names[512] = "";
	int n = 0, bad = 0;
	double t0;

	if (argc != 3) {
		fprintf(stderr, "usage: analyse_run FILE DERIVED_DIR\n");
		return 2;
	}
	for (int i = 0; all[i] && n < 16; i++) {
		struct tg_analysis_ctx ctx;

		if (!applies(all[i]->applies_to, "video"))
			continue;
		if (getenv("TG_BENCH_ONLY") && !applies(getenv("TG_BENCH_ONLY"), all[i]->name))
			continue;
		snprintf(dirs[n], sizeof(dirs[n]), "%s/%s", argv[2], all[i]->name);
		memset(&ctx, 0, sizeof(ctx));
		ctx.object_path = argv[1];
		ctx.derived_dir = dirs[n];
		ctx.sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
		ctx.params = "{}";
		memset(&pa[n], 0, sizeof(pa[n]));
		pa[n].name = all[i]->name;
		if (all[i]->create(&state[n], &pa[n], &ctx) < 0) {
			fprintf(stderr, "analyse_run: %s: %s\n", all[i]->name, tg_errmsg());
			return 1;
		}
		ops[n] = all[i];
		list[n] = &pa[n];
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", n ? " " : "",
			 all[i]->name);
		n++;
	}
	t0 = now();
	if (tg_media_run(argv[1], list, n, NULL, NULL, NULL, NULL) < 0) {
		fprintf(stderr, "analyse_run: %s\n", tg_errmsg());
		return 1;
	}
	for (int i = 0; i < n; i++) {
		cJSON *r = NULL;
		double conf;

		if (pa[i].failed || ops[i]->result(state[i], &r, &conf) < 0) {
			fprintf(stderr, "analyse_run: %s failed: %s\n", ops[i]->name,
				pa[i].failed ? pa[i].error : tg_errmsg());
			bad = 1;
		}
		cJSON_Delete(r);
		ops[i]->destroy(state[i]);
	}
	printf("analyse: %d analysers (%s), %.3f s\n", n, names, now() - t0);
	return bad;
}
