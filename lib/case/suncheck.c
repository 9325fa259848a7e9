#include "case/suncheck.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "case/analyse.h"
#include "case/ingest.h"
#include "sun/sun.h"
#include "util/error.h"
#include "util/isotime.h"
#include "util/jsonmem.h"

#define SUNCHECK_VERSION "1"

struct latest {
	const char *analyser;
	cJSON *result;
	long long seq;
};

static int latest_cb(void *user, const struct tg_finding *f)
{
	struct latest *l = user;

	if (strcmp(f->status, "ok") != 0 || f->seq < l->seq)
		return 0;
	cJSON_Delete(l->result);
	l->result = NULL;
	l->seq = f->seq;
	return tg_jsonmem_parse(f->result, strlen(f->result), &l->result);
}

/*
 * The item's latest successful finding of analyser, parsed (*out NULL when
 * there is none): a catalog that cannot be read is an error, not "never
 * measured", which would give another verdict or measure again.
 */
static int latest_finding(struct tg_case *c, long long item_id, const char *analyser, cJSON **out)
{
	struct latest l = { analyser, NULL, -1 };
	int ret = tg_store_findings(c->store, item_id, analyser, latest_cb, &l);

	if (ret < 0) {
		cJSON_Delete(l.result);
		l.result = NULL;
	}
	*out = l.result;
	return ret < 0 ? ret : 0;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int parse_offset(const char *s, int *minutes)
{
	int h, m;

	if (!s || sscanf(s, "%3d:%2d", &h, &m) != 2)
		return -1;
	*minutes = h < 0 || s[0] == '-' ? h * 60 - m : h * 60 + m;
	return 0;
}

/* The brightness verdict against the sun's elevation. */
static void judge(cJSON *r, double elevation, const cJSON *b)
{
	double median = num(b, "median_luma"), dark = num(b, "dark_fraction");
	const char *verdict, *why;
	char msg[400];

	if (!b || isnan(median)) {
		cJSON_AddStringToObject(r, "footage", "no brightness measurement (not a video or image)");
		cJSON_AddStringToObject(r, "consistency", "undetermined");
		return;
	}
	cJSON_AddNumberToObject(r, "footage_median_luma", median);
	cJSON_AddNumberToObject(r, "footage_dark_fraction", dark);
	if (elevation > 6 && median < 50 && dark > 0.5) {
		verdict = "inconsistent";
		why = "the footage looks like night (dark) but the sun was well above the horizon";
	} else if (elevation < -12 && median > 110 && dark < 0.1) {
		verdict = "inconsistent";
		why = "the footage looks like daylight (bright) but the sun was more than 12 degrees "
		      "below the horizon";
	} else if (elevation <= 6 && elevation >= -12 && !(median < 50 && dark > 0.5) &&
		   !(median > 110 && dark < 0.1)) {
		verdict = "undetermined";
		why = "twilight: neither clearly bright nor clearly dark footage is expected";
	} else {
		verdict = "consistent";
		why = elevation > 6 ? "daylight and footage that is not dark"
				    : elevation < -12 ? "night and footage that is not bright"
						      : "twilight and footage of matching brightness";
	}
	snprintf(msg, sizeof(msg), "%s (sun elevation %.1f deg; footage median luma %.0f of 255, "
		 "%.0f%% dark pixels). Indoor scenes, floodlights and exposure can mislead this "
		 "test: it flags, a person decides.", why, elevation, median, dark * 100);
	cJSON_AddStringToObject(r, "consistency", verdict);
	cJSON_AddStringToObject(r, "explanation", msg);
}

int tg_case_sun_check(struct tg_case *c, const struct tg_item *it,
		      const struct tg_suncheck_given *g, const char *actor, cJSON **out)
{
	cJSON *meta = NULL, *bright = NULL;
	cJSON *params = NULL, *r = NULL;
	const cJSON *gps, *created;
	struct tg_spa_params p;
	struct tg_sun_report rep;
	const char *pos_src = "given", *time_src = "given", *cu;
	double lat = g->lat, lon = g->lon, t = g->time;
	int offset = g->offset_min, ret;
	char buf[64];

	*out = NULL;
	ret = latest_finding(c, it->id, "metadata", &meta);
	if (ret < 0)
		goto out;
	gps = cJSON_GetObjectItemCaseSensitive(meta, "gps");
	created = cJSON_GetObjectItemCaseSensitive(meta, "created");
	if (!g->have_lat || !g->have_lon) {
		if (!cJSON_IsObject(gps)) {
			ret = tg_error(TG_EINVAL, "item %lld (%s) has no GPS position in its metadata; "
				       "give --lat and --lon", it->id, it->first_name);
			goto out;
		}
		lat = g->have_lat ? lat : num(gps, "lat");
		lon = g->have_lon ? lon : num(gps, "lon");
		pos_src = str(gps, "source") ? str(gps, "source") : "metadata";
	}
	if (!g->have_time) {
		cu = str(meta, "created_utc");
		if (!cu) {
			ret = tg_error(TG_EINVAL, "item %lld (%s) has no capture time with a known UTC "
				       "offset in its metadata; give --time with an offset", it->id,
				       it->first_name);
			goto out;
		}
		{
			struct tg_isotime iso;

			if (tg_isotime_parse(cu, &iso) < 0) {
				ret = tg_error(TG_ECASE, "item %lld: bad created_utc '%s'", it->id, cu);
				goto out;
			}
			t = iso.unix_s;
		}
		time_src = str(created, "source") ? str(created, "source") : "metadata";
		if (!g->have_offset && parse_offset(str(created, "offset"), &offset) < 0)
			offset = 0;
	}
	tg_spa_params_init(&p);
	p.latitude = lat;
	p.longitude = lon;
	if (g->elevation_m != 0)
		p.elevation = g->elevation_m;
	if (g->pressure_mbar > 0)
		p.pressure = g->pressure_mbar;
	if (!isnan(g->temperature_c))
		p.temperature = g->temperature_c;
	ret = tg_spa_params_check(&p);
	if (ret == 0)
		ret = tg_sun_report(&p, t, offset, &rep);
	if (ret < 0)
		goto out;

	/* the footage's brightness, measured now if it never was */
	ret = latest_finding(c, it->id, "brightness", &bright);
	if (ret < 0)
		goto out;
	if (!bright && (strcmp(it->media_type, "video") == 0 || strcmp(it->media_type, "image") == 0)) {
		const char *names[] = { "brightness" };
		struct tg_analyse_opts ao = { actor, NULL, 0, NULL, NULL };
		struct tg_analyse_report ar;

		ret = tg_case_analyse(c, it, names, 1, &ao, &ar);
		if (ret == TG_ENOMEM)
			goto out;   /* out of memory is not "cannot be measured" */
		if (ret == 0)
			ret = latest_finding(c, it->id, "brightness", &bright);
		if (ret == TG_ENOMEM)
			goto out;
		ret = 0;
	}

	params = cJSON_CreateObject();
	r = cJSON_CreateObject();
	if (!params || !r) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddNumberToObject(params, "lat", lat);
	cJSON_AddNumberToObject(params, "lon", lon);
	cJSON_AddStringToObject(params, "position_source", pos_src);
	cJSON_AddStringToObject(params, "time_utc", tg_isotime_utc(t, 0, buf, sizeof(buf)));
	cJSON_AddStringToObject(params, "time_source", time_src);
	cJSON_AddNumberToObject(params, "utc_offset_min", offset);
	cJSON_AddNumberToObject(params, "elevation_m", p.elevation);
	cJSON_AddNumberToObject(params, "pressure_mbar", p.pressure);
	cJSON_AddNumberToObject(params, "temperature_c", p.temperature);
	cJSON_AddNumberToObject(params, "delta_t_s", round(rep.params.delta_t * 100) / 100);

	cJSON_AddStringToObject(r, "time_utc", buf);
	cJSON_AddStringToObject(r, "time_local", tg_isotime_at_offset(t, offset, 0, buf, sizeof(buf)));
	cJSON_AddNumberToObject(r, "elevation_deg", round(rep.pos.e * 1e4) / 1e4);
	cJSON_AddNumberToObject(r, "azimuth_deg", round(rep.pos.azimuth * 1e4) / 1e4);
	cJSON_AddNumberToObject(r, "shadow_azimuth_deg", round(fmod(rep.pos.azimuth + 180, 360) * 1e4) / 1e4);
	if (rep.pos.e > 0)
		cJSON_AddNumberToObject(r, "shadow_length_ratio",
					round(1 / tan(rep.pos.e * M_PI / 180) * 1e4) / 1e4);
	else
		cJSON_AddNullToObject(r, "shadow_length_ratio");
	cJSON_AddStringToObject(r, "phase", tg_sun_phase_name(rep.phase));
	if (!isnan(rep.day.horizon.up))
		cJSON_AddStringToObject(r, "sunrise_utc", tg_isotime_utc(rep.day.horizon.up, 0, buf, sizeof(buf)));
	else
		cJSON_AddNullToObject(r, "sunrise_utc");
	if (!isnan(rep.day.horizon.down))
		cJSON_AddStringToObject(r, "sunset_utc", tg_isotime_utc(rep.day.horizon.down, 0, buf, sizeof(buf)));
	else
		cJSON_AddNullToObject(r, "sunset_utc");
	judge(r, rep.pos.e, bright);
	cJSON_AddStringToObject(r, "method", "NREL SPA (Reda & Andreas) topocentric position with "
				"refraction; footage brightness from the brightness analyser");
	ret = tg_case_record_finding(c, it, "sun", SUNCHECK_VERSION, params, r, NAN, actor);
	if (ret == 0) {
		if (tg_jsonmem_add(r, "params", params) < 0)
			ret = tg_error(TG_ENOMEM, "out of memory (after the finding was recorded)");
		params = NULL;
	}
	if (ret == 0) {
		*out = r;
		r = NULL;
	}
out:
	cJSON_Delete(meta);
	cJSON_Delete(bright);
	cJSON_Delete(params);
	cJSON_Delete(r);
	return ret;
}
