/*
 * cmd_sun.c - `testigo sun`: the sun's position for a place and instant, and
 * the events of that local day; or a whole day's table with --date.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "case/case.h"
#include "case/suncheck.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/timeargs.h"
#include "report/output.h"
#include "sun/spa.h"
#include "sun/sun.h"
#include "util/error.h"
#include "util/isotime.h"

const char cmd_sun_help[] =
"usage: testigo sun --lat LAT --lon LON (--time ISO8601 | --date YYYY-MM-DD)\n"
"                   [--utc-offset H] [--elevation M] [--pressure MBAR] [--temp C]\n"
"                   [--delta-t S] [--step MIN] [--json | --csv]\n"
"       testigo sun --item ITEM [--lat LAT --lon LON] [--time ISO8601] [--json]\n"
"\n"
"The sun's topocentric position (NREL SPA: zenith, azimuth from north eastward,\n"
"elevation with and without refraction, declination, hour angle, equation of\n"
"time) for a place and an instant, and the events of the local day that\n"
"contains it: sunrise, solar noon (transit), sunset, civil (-6 deg), nautical\n"
"(-12) and astronomical (-18) dawn and dusk, in UTC and at the local offset.\n"
"Polar day and polar night are reported as such, never as a time.\n"
"\n"
"  --lat, --lon     degrees, north and east positive\n"
"  --time ISO8601   e.g. 2020-11-12T21:40-05:00; it must carry its offset\n"
"                   (Z, +HH:MM) unless --utc-offset gives one\n"
"  --date DAY       a whole local day: positions every --step minutes\n"
"                   (default 60) and the day's events\n"
"  --utc-offset H   the local offset in hours (-5, +5.5, +05:45); default:\n"
"                   the offset in --time, else 0 (UTC)\n"
"  --elevation M    observer height above sea level (default 0)\n"
"  --pressure MBAR  mean local pressure (default 1013.25)\n"
"  --temp C         mean local temperature (default 15)\n"
"  --delta-t S      TT - UT1 in seconds (default: estimated from the date)\n"
"  --json, --csv    machine-readable output (fields in docs/json.md)\n"
"\n"
"With --item, check an item of the case: its GPS position and capture time\n"
"(or the ones given, since metadata is often stripped) give the sun's\n"
"elevation and azimuth, the phase of the day and the expected shadow, and\n"
"the footage's brightness is compared with them: daylight footage claimed\n"
"at night, or night footage claimed in full daylight, is flagged with the\n"
"numbers that led there.  The check is recorded as the item's \"sun\"\n"
"finding with a custody entry.\n";

enum { OPT_LAT = 256, OPT_LON, OPT_TIME, OPT_DATE, OPT_OFFSET, OPT_ELEV, OPT_PRES,
       OPT_TEMP, OPT_DT, OPT_STEP, OPT_ITEM };

/* testigo sun --item: the check recorded as a finding. */
static int sun_item(const char *spec, const struct tg_suncheck_given *g, enum tg_out_format fmt)
{
	struct tg_case *c = NULL;
	struct tg_item it;
	struct tg_out *o;
	cJSON *r = NULL, *v;
	char *dir = NULL;
	int ret = tg_case_find(tg_cli_case_dir(), &dir);

	if (ret == 0)
		ret = tg_case_open(&c, dir);
	free(dir);
	if (ret == 0)
		ret = tg_store_item_find(c->store, spec, &it);
	if (ret == 0)
		ret = tg_case_sun_check(c, &it, g, tg_cli_actor(), &r);
	if (ret < 0) {
		tg_case_close(c);
		return tg_cli_fail(ret);
	}
	o = tg_out_new(fmt);
	tg_out_int(o, "item", it.id);
	tg_out_str(o, "sha256", it.sha256);
	while ((v = r->child)) {
		char key[64];

		snprintf(key, sizeof(key), "%s", v->string);
		tg_out_json(o, key, cJSON_DetachItemViaPointer(r, v));
	}
	cJSON_Delete(r);
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	tg_case_close(c);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}

/* "-5", "+5.5", "+05:45", "-03:00" -> minutes east of UTC */
static void out_crossing(struct tg_out *o, const char *up, const char *down,
			 const char *kind_key, const struct tg_sun_crossing *x, int offset_min)
{
	tg_cli_out_time(o, up, x->up, offset_min);
	tg_cli_out_time(o, down, x->down, offset_min);
	tg_out_str(o, kind_key, tg_sun_kind_name(x->kind));
}

static void out_day(struct tg_out *o, const struct tg_sun_day *d)
{
	char buf[64];

	tg_isotime_at_offset(d->start, d->offset_min, 0, buf, sizeof(buf));
	buf[strcspn(buf, "T")] = 0;
	tg_out_str(o, "local_date", buf);
	tg_cli_out_time(o, "sunrise", d->horizon.up, d->offset_min);
	tg_cli_out_time(o, "transit", d->transit, d->offset_min);
	tg_cli_out_time(o, "sunset", d->horizon.down, d->offset_min);
	tg_out_str(o, "day_kind", tg_sun_kind_name(d->horizon.kind));
	if (isnan(d->transit_elevation))
		tg_out_null(o, "transit_elevation_deg");
	else
		tg_out_num(o, "transit_elevation_deg", d->transit_elevation, 4);
	out_crossing(o, "civil_dawn", "civil_dusk", "civil_kind", &d->civil, d->offset_min);
	out_crossing(o, "nautical_dawn", "nautical_dusk", "nautical_kind", &d->nautical,
		     d->offset_min);
	out_crossing(o, "astronomical_dawn", "astronomical_dusk", "astronomical_kind",
		     &d->astronomical, d->offset_min);
}

static void out_position(struct tg_out *o, const struct tg_spa_result *r, int phase)
{
	double ha = r->h > 180 ? r->h - 360 : r->h;

	tg_out_num(o, "zenith_deg", r->zenith, 6);
	tg_out_num(o, "azimuth_deg", r->azimuth, 6);
	tg_out_num(o, "elevation_deg", r->e, 6);
	tg_out_num(o, "elevation_unrefracted_deg", r->e0, 6);
	tg_out_num(o, "declination_deg", r->geo.delta, 6);
	tg_out_num(o, "hour_angle_deg", ha, 6);
	tg_out_num(o, "right_ascension_deg", r->geo.alpha, 6);
	tg_out_num(o, "equation_of_time_min", r->geo.eot, 4);
	tg_out_str(o, "phase", tg_sun_phase_name(phase));
}

static void out_inputs(struct tg_out *o, const struct tg_spa_params *p, int offset_min)
{
	char buf[16];

	tg_out_num(o, "latitude", p->latitude, 6);
	tg_out_num(o, "longitude", p->longitude, 6);
	snprintf(buf, sizeof(buf), "%c%02d:%02d", offset_min < 0 ? '-' : '+',
		 abs(offset_min) / 60, abs(offset_min) % 60);
	tg_out_str(o, "utc_offset", buf);
	tg_out_num(o, "elevation_m", p->elevation, 2);
	tg_out_num(o, "pressure_mbar", p->pressure, 2);
	tg_out_num(o, "temperature_c", p->temperature, 2);
	tg_out_num(o, "delta_t_s", p->delta_t, 2);
}

int cmd_sun(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lat", required_argument, NULL, OPT_LAT },
		{ "lon", required_argument, NULL, OPT_LON },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "date", required_argument, NULL, OPT_DATE },
		{ "utc-offset", required_argument, NULL, OPT_OFFSET },
		{ "elevation", required_argument, NULL, OPT_ELEV },
		{ "pressure", required_argument, NULL, OPT_PRES },
		{ "temp", required_argument, NULL, OPT_TEMP },
		{ "delta-t", required_argument, NULL, OPT_DT },
		{ "step", required_argument, NULL, OPT_STEP },
		{ "item", required_argument, NULL, OPT_ITEM },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct tg_spa_params p;
	struct tg_isotime when;
	const char *time_s = NULL, *date_s = NULL, *item_s = NULL;
	int have_lat = 0, have_lon = 0, have_offset = 0, offset_min = 0, c, ret;
	enum tg_out_format fmt = TG_OUT_TEXT;
	double step_min = 60, v = 0;
	struct tg_out *o = NULL;

	tg_spa_params_init(&p);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *name = c >= OPT_LAT && c <= OPT_STEP ? opts[c - OPT_LAT].name : NULL;

		if (tg_output_option(c, &fmt))
			continue;
		if (c == '?' || c == ':')
			return tg_cli_usage(cmd_sun_help, "sun: unknown option or missing value: %s",
					    argv[optind - 1]);
		if (c == OPT_ITEM) {
			item_s = optarg;
			continue;
		}
		if (name && c != OPT_TIME && c != OPT_DATE && c != OPT_OFFSET &&
		    tg_cli_parse_num(optarg, &v))
			return tg_cli_usage(cmd_sun_help, "sun: --%s: not a number: '%s'", name,
					    optarg);
		switch (c) {
		case OPT_LAT: p.latitude = v; have_lat = 1; break;
		case OPT_LON: p.longitude = v; have_lon = 1; break;
		case OPT_TIME: time_s = optarg; break;
		case OPT_DATE: date_s = optarg; break;
		case OPT_OFFSET:
			if (tg_cli_parse_offset(optarg, &offset_min))
				return tg_cli_usage(cmd_sun_help, "sun: --utc-offset: expected hours "
						    "such as -5, +5.5 or +05:45 within 18 h, got '%s'",
						    optarg);
			have_offset = 1;
			break;
		case OPT_ELEV: p.elevation = v; break;
		case OPT_PRES: p.pressure = v; break;
		case OPT_TEMP: p.temperature = v; break;
		case OPT_DT: p.delta_t = v; break;
		case OPT_STEP: step_min = v; break;
		}
	}
	if (optind < argc)
		return tg_cli_usage(cmd_sun_help, "sun: unexpected argument '%s'", argv[optind]);
	if (item_s) {
		struct tg_suncheck_given g = { 0 };

		if (date_s || have_lat != have_lon)
			return tg_cli_usage(cmd_sun_help, "sun: --item takes --lat and --lon together, "
					    "and --time, not --date");
		g.have_lat = have_lat;
		g.have_lon = have_lon;
		g.lat = p.latitude;
		g.lon = p.longitude;
		g.elevation_m = p.elevation;
		g.pressure_mbar = p.pressure;
		g.temperature_c = p.temperature;
		g.have_offset = have_offset;
		g.offset_min = offset_min;
		if (time_s) {
			if (tg_isotime_parse(time_s, &when) < 0 || !when.has_time ||
			    (!when.has_offset && !have_offset))
				return tg_cli_usage(cmd_sun_help, "sun: --time: expected an ISO 8601 "
						    "time with its UTC offset, got '%s'", time_s);
			g.have_time = 1;
			g.time = when.has_offset ? when.unix_s : when.unix_s - offset_min * 60.0;
			if (when.has_offset && !have_offset) {
				g.have_offset = 1;
				g.offset_min = when.offset_min;
			}
		}
		return sun_item(item_s, &g, fmt);
	}
	if (!have_lat || !have_lon)
		return tg_cli_usage(cmd_sun_help, "sun: --lat and --lon are required");
	if (!time_s == !date_s)
		return tg_cli_usage(cmd_sun_help, "sun: give exactly one of --time and --date");
	if (!(step_min >= 1 && step_min <= 1440))
		return tg_cli_usage(cmd_sun_help, "sun: --step must be 1 to 1440 minutes");
	if (tg_spa_params_check(&p) < 0)
		return tg_cli_usage(cmd_sun_help, "sun: %s", tg_errmsg());

	if (time_s) {
		struct tg_sun_report r;

		if (tg_isotime_parse(time_s, &when) < 0 || !when.has_time)
			return tg_cli_usage(cmd_sun_help, "sun: --time: not an ISO 8601 date and "
					    "time: '%s'", time_s);
		if (!when.has_offset && !have_offset)
			return tg_cli_usage(cmd_sun_help, "sun: --time '%s' has no UTC offset; add "
					    "Z or +HH:MM, or give --utc-offset", time_s);
		if (!when.has_offset)
			when.unix_s -= offset_min * 60.0;	/* a local time at that offset */
		else if (!have_offset)
			offset_min = when.offset_min;
		ret = tg_sun_report(&p, when.unix_s, offset_min, &r);
		if (ret < 0)
			return tg_cli_fail(ret);
		o = tg_out_new(fmt);
		tg_cli_out_time(o, "time", r.time, offset_min);
		out_inputs(o, &r.params, offset_min);
		out_position(o, &r.pos, r.phase);
		out_day(o, &r.day);
	} else {
		struct tg_sun_day d;
		double t;

		if (tg_isotime_parse(date_s, &when) < 0 || when.has_time || when.has_offset)
			return tg_cli_usage(cmd_sun_help, "sun: --date: expected YYYY-MM-DD, got '%s'",
					    date_s);
		when.unix_s -= offset_min * 60.0;
		p.delta_t = tg_spa_delta_t_for(&p, when.unix_s + 43200.0);
		ret = tg_sun_day(&p, when.unix_s, offset_min, &d);
		if (ret < 0)
			return tg_cli_fail(ret);
		o = tg_out_new(fmt);
		if (fmt != TG_OUT_CSV) {
			out_inputs(o, &p, offset_min);
			out_day(o, &d);
		}
		tg_out_begin_list(o, "positions");
		for (t = d.start; t <= d.start + 86400.0 + 1e-6; t += step_min * 60.0) {
			struct tg_spa_result r;

			ret = tg_spa_compute(&p, t, &r);
			if (ret < 0) {
				tg_out_free(o);
				return tg_cli_fail(ret);
			}
			tg_out_begin(o, NULL);
			tg_cli_out_time(o, "time", t, offset_min);
			tg_out_num(o, "zenith_deg", r.zenith, 4);
			tg_out_num(o, "azimuth_deg", r.azimuth, 4);
			tg_out_num(o, "elevation_deg", r.e, 4);
			tg_out_str(o, "phase", tg_sun_phase_name(tg_sun_phase_of(r.e0,
							p.refraction)));
			tg_out_end(o);
		}
		tg_out_end(o);
	}
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret < 0 ? tg_cli_fail(ret) : 0;
}
