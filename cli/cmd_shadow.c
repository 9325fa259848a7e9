/*
 * cmd_shadow.c - `testigo shadow`: when, on a given day, could the sun cast
 * the shadow seen in a frame; or, with --time, which shadow it cast then.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/timeargs.h"
#include "report/output.h"
#include "sun/shadow.h"
#include "sun/spa.h"
#include "util/error.h"
#include "util/isotime.h"

const char cmd_shadow_help[] =
"usage: testigo shadow --lat LAT --lon LON --date YYYY-MM-DD [--utc-offset H]\n"
"                      (--azimuth DEG | --length-ratio R | both) [--tolerance DEG]\n"
"                      [--step S] [--elevation M] [--json | --csv]\n"
"       testigo shadow --lat LAT --lon LON --time ISO8601 [--utc-offset H] [--json]\n"
"\n"
"Shadows as a clock.  A vertical object on level ground casts its shadow away\n"
"from the sun (shadow azimuth = sun azimuth + 180, degrees from north\n"
"eastward) with length / height = 1 / tan(sun elevation).  Given what a frame\n"
"shows, list the intervals of that local day when the sun could cast such a\n"
"shadow within the tolerance, each with its best time and how many minutes\n"
"one degree of measurement error is worth there.  Length alone gives two\n"
"intervals, one each side of noon; a direction picks one.  With --time, print\n"
"the shadow expected at that instant, to draw on a frame.\n"
"\n"
"  --azimuth DEG      the shadow's direction, from north, eastward\n"
"  --length-ratio R   shadow length divided by the object's height\n"
"  --tolerance DEG    on the azimuth and on the elevation implied by R\n"
"                     (default 1)\n"
"  --utc-offset H     local offset of the day in hours (default 0 = UTC)\n"
"  --step S           sampling step in seconds (default 20)\n";

enum { OPT_LAT = 256, OPT_LON, OPT_DATE, OPT_TIME, OPT_OFFSET, OPT_AZ, OPT_RATIO,
       OPT_TOL, OPT_STEP, OPT_ELEV };

/* Minutes one degree of error is worth at a rate in degrees per minute. */
static void out_sensitivity(struct tg_out *o, const char *key, double rate)
{
	if (fabs(rate) < 1e-6)
		tg_out_null(o, key);
	else
		tg_out_num(o, key, 1.0 / fabs(rate), 2);
}

static void out_offset(struct tg_out *o, int offset_min)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%c%02d:%02d", offset_min < 0 ? '-' : '+',
		 abs(offset_min) / 60, abs(offset_min) % 60);
	tg_out_str(o, "utc_offset", buf);
}

static int inverse(const struct tg_spa_params *p, const char *time_s, int have_offset,
		   int offset_min, enum tg_out_format fmt)
{
	struct tg_isotime when;
	struct tg_out *o;
	double az, ratio, el;
	int ret;

	if (tg_isotime_parse(time_s, &when) < 0 || !when.has_time)
		return tg_cli_usage(cmd_shadow_help, "shadow: --time: not an ISO 8601 date and "
				    "time: '%s'", time_s);
	if (!when.has_offset && !have_offset)
		return tg_cli_usage(cmd_shadow_help, "shadow: --time '%s' has no UTC offset; add "
				    "Z or +HH:MM, or give --utc-offset", time_s);
	if (!when.has_offset)
		when.unix_s -= offset_min * 60.0;
	else if (!have_offset)
		offset_min = when.offset_min;
	ret = tg_shadow_at(p, when.unix_s, &az, &ratio, &el);
	if (ret < 0)
		return tg_cli_fail(ret);
	o = tg_out_new(fmt);
	tg_cli_out_time(o, "time", when.unix_s, offset_min);
	out_offset(o, offset_min);
	tg_out_num(o, "latitude", p->latitude, 6);
	tg_out_num(o, "longitude", p->longitude, 6);
	tg_out_bool(o, "shadow", ret == 0);
	tg_out_num(o, "sun_elevation_deg", el, 4);
	tg_out_num(o, "sun_azimuth_deg", fmod(az + 180.0, 360.0), 4);
	if (ret == 0) {
		tg_out_num(o, "shadow_azimuth_deg", az, 4);
		tg_out_num(o, "length_ratio", ratio, 4);
	} else {
		tg_out_null(o, "shadow_azimuth_deg");
		tg_out_null(o, "length_ratio");
	}
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

int cmd_shadow(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lat", required_argument, NULL, OPT_LAT },
		{ "lon", required_argument, NULL, OPT_LON },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "utc-offset", required_argument, NULL, OPT_OFFSET },
		{ "azimuth", required_argument, NULL, OPT_AZ },
		{ "length-ratio", required_argument, NULL, OPT_RATIO },
		{ "tolerance", required_argument, NULL, OPT_TOL },
		{ "step", required_argument, NULL, OPT_STEP },
		{ "elevation", required_argument, NULL, OPT_ELEV },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct tg_spa_params p;
	struct tg_shadow_query q = { NAN, NAN, 1.0, 0 };
	struct tg_shadow_solution sol[TG_SHADOW_MAX];
	struct tg_isotime day;
	const char *date_s = NULL, *time_s = NULL;
	int have_lat = 0, have_lon = 0, have_offset = 0, offset_min = 0, c, ret, n, i;
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_out *o;
	double v = 0;

	tg_spa_params_init(&p);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *name = c >= OPT_LAT && c <= OPT_ELEV ? opts[c - OPT_LAT].name : NULL;

		if (tg_output_option(c, &fmt))
			continue;
		if (c == '?' || c == ':')
			return tg_cli_usage(cmd_shadow_help, "shadow: unknown option or missing "
					    "value: %s", argv[optind - 1]);
		if (name && c != OPT_DATE && c != OPT_TIME && c != OPT_OFFSET &&
		    tg_cli_parse_num(optarg, &v))
			return tg_cli_usage(cmd_shadow_help, "shadow: --%s: not a number: '%s'",
					    name, optarg);
		switch (c) {
		case OPT_LAT: p.latitude = v; have_lat = 1; break;
		case OPT_LON: p.longitude = v; have_lon = 1; break;
		case OPT_DATE: date_s = optarg; break;
		case OPT_TIME: time_s = optarg; break;
		case OPT_OFFSET:
			if (tg_cli_parse_offset(optarg, &offset_min))
				return tg_cli_usage(cmd_shadow_help, "shadow: --utc-offset: expected "
						    "hours such as -5, +5.5 or +05:45 within 18 h, "
						    "got '%s'", optarg);
			have_offset = 1;
			break;
		case OPT_AZ: q.azimuth = v; break;
		case OPT_RATIO: q.length_ratio = v; break;
		case OPT_TOL: q.tolerance = v; break;
		case OPT_STEP: q.step = v; break;
		case OPT_ELEV: p.elevation = v; break;
		}
	}
	if (optind < argc)
		return tg_cli_usage(cmd_shadow_help, "shadow: unexpected argument '%s'",
				    argv[optind]);
	if (!have_lat || !have_lon)
		return tg_cli_usage(cmd_shadow_help, "shadow: --lat and --lon are required");
	if (tg_spa_params_check(&p) < 0)
		return tg_cli_usage(cmd_shadow_help, "shadow: %s", tg_errmsg());
	if (time_s) {
		if (date_s || !isnan(q.azimuth) || !isnan(q.length_ratio))
			return tg_cli_usage(cmd_shadow_help, "shadow: --time takes no --date, "
					    "--azimuth or --length-ratio");
		return inverse(&p, time_s, have_offset, offset_min, fmt);
	}
	if (!date_s)
		return tg_cli_usage(cmd_shadow_help, "shadow: give --date (or --time)");
	if (isnan(q.azimuth) && isnan(q.length_ratio))
		return tg_cli_usage(cmd_shadow_help, "shadow: give --azimuth, --length-ratio "
				    "or both");
	if (tg_isotime_parse(date_s, &day) < 0 || day.has_time || day.has_offset)
		return tg_cli_usage(cmd_shadow_help, "shadow: --date: expected YYYY-MM-DD, got '%s'",
				    date_s);
	day.unix_s -= offset_min * 60.0;
	ret = tg_shadow_solve(&p, day.unix_s, &q, sol, TG_SHADOW_MAX, &n);
	if (ret == TG_EINVAL)
		return tg_cli_usage(cmd_shadow_help, "shadow: %s", tg_errmsg());
	if (ret < 0)
		return tg_cli_fail(ret);

	o = tg_out_new(fmt);
	if (fmt != TG_OUT_CSV) {
		tg_out_str(o, "date", date_s);
		out_offset(o, offset_min);
		tg_out_num(o, "latitude", p.latitude, 6);
		tg_out_num(o, "longitude", p.longitude, 6);
		if (isnan(q.azimuth))
			tg_out_null(o, "shadow_azimuth_deg");
		else
			tg_out_num(o, "shadow_azimuth_deg", q.azimuth, 4);
		if (isnan(q.length_ratio))
			tg_out_null(o, "length_ratio");
		else
			tg_out_num(o, "length_ratio", q.length_ratio, 4);
		tg_out_num(o, "tolerance_deg", q.tolerance, 4);
	}
	tg_out_begin_list(o, "solutions");
	for (i = 0; i < n; i++) {
		const struct tg_shadow_solution *s = &sol[i];

		tg_out_begin(o, NULL);
		tg_cli_out_time(o, "time", s->best, offset_min);
		tg_cli_out_time(o, "start", s->start, offset_min);
		tg_cli_out_time(o, "end", s->end, offset_min);
		tg_out_num(o, "duration_min", (s->end - s->start) / 60.0, 2);
		tg_out_num(o, "mismatch_deg", s->mismatch, 4);
		tg_out_num(o, "shadow_azimuth_deg", s->azimuth, 4);
		tg_out_num(o, "length_ratio", s->length_ratio, 4);
		tg_out_num(o, "sun_elevation_deg", s->elevation, 4);
		out_sensitivity(o, "min_per_deg_azimuth", s->azimuth_rate);
		out_sensitivity(o, "min_per_deg_elevation", s->elevation_rate);
		tg_out_end(o);
	}
	tg_out_end(o);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
