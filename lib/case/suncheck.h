/*
 * suncheck.h - check an item's claimed time and place against the sun.
 *
 * The place and time come from the item's metadata finding (GPS, created)
 * unless the analyst gives them (metadata is often stripped or wrong); each
 * input says where it came from.  The sun's elevation and azimuth at that
 * moment give the phase of the day (day, civil/nautical/astronomical
 * twilight, night).  The footage's brightness (the "brightness" analyser:
 * median luma and share of dark pixels of one frame a second) is compared
 * with it:
 *
 *   sun above  +6 deg and the footage dark (median luma < 50, dark > 50%)
 *       -> inconsistent: night-like footage at a daylight time
 *   sun below -12 deg and the footage bright (median luma > 110, dark < 10%)
 *       -> inconsistent: daylight-like footage at a night time
 *   otherwise consistent; twilight is "undetermined" when the footage is
 *   neither clearly bright nor clearly dark.
 *
 * Indoor scenes, floodlights and exposure can fool the brightness test, so
 * the finding carries the numbers and says so; it is a flag for a human.
 */
#ifndef TG_SUNCHECK_H
#define TG_SUNCHECK_H

#include "case/case.h"

struct cJSON;

struct tg_suncheck_given {
	int have_lat, have_lon, have_time, have_offset;
	double lat, lon;
	double time;		/* Unix UTC */
	int offset_min;
	double elevation_m, pressure_mbar, temperature_c;
};

/* Compute, record (finding "sun" + custody entry) and return the result (caller frees). */
int tg_case_sun_check(struct tg_case *c, const struct tg_item *item,
		      const struct tg_suncheck_given *given, const char *actor,
		      struct cJSON **result);

#endif
