/*
 * cmd_match.c - testigo match FILE|ITEM: every item of the case that shares
 * footage with the query, with the evidence (lib/case/match.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/case.h"
#include "case/match.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"

const char cmd_match_help[] =
	"usage: testigo match FILE|ITEM [--json]\n"
	"\n"
	"Find every item of the case that shares footage with FILE (analysed on the\n"
	"fly, not added) or with ITEM (an item id or SHA-256 prefix), and say how:\n"
	"  duplicate       the same file (SHA-256), or every frame identical\n"
	"  near-duplicate  the same footage over >= 90% of both (re-encoded, resized,\n"
	"                  letterboxed, overlaid, cropped ...)\n"
	"  subclip         one is a piece of the other, or they share a piece:\n"
	"                  the aligned time ranges in both are given\n"
	"  frame           an image that is a frame of a video (or the reverse)\n"
	"  mirror          a mirrored or rotated copy (through the PDQ dihedral hashes)\n"
	"Evidence: the case's videos are hashed with PDQ once a second (whole frame,\n"
	"inside black bars, the centre, five regions, the mirrored/rotated variants)\n"
	"and at 64x64 for every TMK frame (15 a second); a FILE is hashed five times\n"
	"a second and at 64x64 every frame.  Hashes are looked up at Hamming\n"
	"distance < 31, and matching frames must agree on one time offset.  score is\n"
	"the share of frames in the aligned range that agree; via says which signal\n"
	"(frames, cropped, regions, mirror:flipy, tmk, sha256) found it; TMK+PDQF\n"
	"level-1/level-2 scores are given for video pairs.  See docs/matching.md.\n"
	"\n"
	"  --json   {\"query\": {...}, \"thresholds\": {...}, \"matches\": [{\"item\", \"sha256\",\n"
	"           \"kind\", \"via\", \"score\", \"query_range_s\", \"item_range_s\", ...}]}\n"
	"\n"
	"Exit status: 0 (also when nothing matches); 2 usage; 3 when FILE cannot be\n"
	"read; 4 when there is no case or no such item.\n";

static void range(struct tg_out *o, const char *key, const double r[2])
{
	tg_out_begin_list(o, key);
	tg_out_num(o, NULL, r[0], 3);
	tg_out_num(o, NULL, r[1], 3);
	tg_out_end(o);
}

static void num_or_null(struct tg_out *o, const char *key, double v, int dec)
{
	if (isnan(v))
		tg_out_null(o, key);
	else
		tg_out_num(o, key, v, dec);
}

static void clock_text(double s, char *buf, size_t n)
{
	long t = lround(s);

	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

int cmd_match(int argc, char **argv)
{
	static const struct option longopts[] = {
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_case *c = tg_cli_case();
	struct tg_match_query q;
	struct tg_match_list l = { NULL, 0, 0 };
	struct tg_out *o = NULL;
	struct stat sb;
	const char *spec;
	int opt, ret, code = 0, is_file;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
		if (!tg_output_option(opt, &fmt))
			return tg_cli_usage(cmd_match_help, "match: unknown option");
	if (argc - optind != 1)
		return tg_cli_usage(cmd_match_help, "match: name one file or item");
	spec = argv[optind];
	is_file = stat(spec, &sb) == 0 || strchr(spec, '/');
	if (is_file) {
		ret = tg_case_match_file(c, spec, &q, &l);
	} else {
		struct tg_item it;

		ret = tg_store_item_find(c->store, spec, &it);
		if (ret == TG_ENOTFOUND)
			ret = tg_error(TG_ECASE, "%s: no such file, and no item of the case", spec);
		if (ret == 0)
			ret = tg_case_match_item(c, &it, &q, &l);
	}
	if (ret < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	o = tg_out_new(fmt);
	tg_out_begin(o, "query");
	if (is_file)
		tg_out_str(o, "file", spec);
	else
		tg_out_int(o, "item", q.item);
	tg_out_str(o, "sha256", q.sha256);
	tg_out_str(o, "media_type", q.media_type);
	tg_out_num(o, "duration_s", q.duration_s, 3);
	tg_out_int(o, "frame_hashes", q.hashes);
	tg_out_end(o);
	tg_out_begin(o, "thresholds");
	tg_out_int(o, "distance_max", TG_MATCH_RADIUS);
	tg_out_int(o, "quality_min", TG_MATCH_QUALITY_MIN);
	tg_out_int(o, "min_frames", TG_MATCH_MIN_FRAMES);
	tg_out_num(o, "min_agree", TG_MATCH_MIN_AGREE, 2);
	tg_out_num(o, "cover", TG_MATCH_COVER, 2);
	tg_out_num(o, "tmk", TG_MATCH_TMK, 2);
	tg_out_num(o, "tmk_alone", TG_MATCH_TMK_STRONG, 2);
	tg_out_end(o);
	tg_out_begin_list(o, "matches");
	for (size_t i = 0; i < l.n; i++) {
		const struct tg_match *m = &l.m[i];

		tg_out_begin(o, NULL);
		tg_out_int(o, "item", m->item);
		tg_out_str(o, "sha256", m->sha256);
		tg_out_str(o, "kind", m->kind);
		tg_out_str(o, "via", m->via);
		tg_out_num(o, "score", m->score, 3);
		if (fmt == TG_OUT_TEXT) {
			char a[48], b[48], x[48], y[48], line[320];

			clock_text(m->query_range_s[0], a, sizeof(a));
			clock_text(m->query_range_s[1], b, sizeof(b));
			clock_text(m->item_range_s[0], x, sizeof(x));
			clock_text(m->item_range_s[1], y, sizeof(y));
			if (strcmp(m->via, "sha256") == 0)
				snprintf(line, sizeof(line), "the same file (SHA-256)");
			else if (m->is_video && strcmp(m->via, "tmk") != 0)
				snprintf(line, sizeof(line), "query %s-%s = item %lld at %s-%s, "
					 "%d%% of frames agree (%d/%d)", a, b, m->item, x, y,
					 (int)lround(m->score * 100), m->frames_agree, m->frames_in_range);
			else if (m->frames_agree)
				snprintf(line, sizeof(line), "%s at %s %s, distance %d", m->kind,
					 strcmp(q.media_type, "video") == 0 ? "query" : "item",
					 strcmp(q.media_type, "video") == 0 ? a : x, m->best_distance);
			else
				snprintf(line, sizeof(line), "%s", m->via);
			tg_out_str(o, "evidence", line);
		}
		if (m->is_video) {
			range(o, "query_range_s", m->query_range_s);
			range(o, "item_range_s", m->item_range_s);
		} else if (m->frames_agree && strcmp(q.media_type, "video") == 0) {
			tg_out_num(o, "query_time_s", m->query_range_s[0], 3);
		} else if (m->frames_agree && m->item_range_s[0] > 0) {
			tg_out_num(o, "item_time_s", m->item_range_s[0], 3);
		}
		if (m->frames_agree) {
			tg_out_num(o, "offset_s", m->offset_s, 3);
			tg_out_int(o, "frames_agree", m->frames_agree);
			tg_out_int(o, "frames_in_range", m->frames_in_range);
			tg_out_int(o, "best_distance", m->best_distance);
		}
		num_or_null(o, "tmk_level1", m->tmk_level1, 4);
		num_or_null(o, "tmk_level2", m->tmk_level2, 4);
		tg_out_end(o);
	}
	tg_out_end(o);
	if (tg_out_print(o, stdout) < 0)
		code = tg_cli_fail(TG_EIO);
out:
	tg_out_free(o);
	tg_match_list_release(&l);
	return code;
}
