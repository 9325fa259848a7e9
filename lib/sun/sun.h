/*
 * sun.h - everything testigo says about the sun for one place and instant:
 * the position (lib/sun/spa.h), the phase of the day, and the events of the
 * local day that contains the instant (sunrise, transit, sunset, civil,
 * nautical and astronomical twilight).
 *
 * This is the entry point for callers (cli `testigo sun`, and the item check
 * that records a finding): one call, one struct, no allocation.
 *
 * Local day: [local midnight, next local midnight) at a fixed UTC offset in
 * minutes; events are instants (Unix seconds, UTC) inside that day, NAN when
 * the day has none.  Each crossing is found with the SPA procedure on the
 * UTC dates that overlap the local day (rts.h) and then refined by Newton
 * steps on the sun's geocentric altitude, so twilight at high latitude is as
 * exact as sunrise.  Polar day and night are reported in `kind`, never as a
 * made-up time.
 */
#ifndef TG_SUN_SUN_H
#define TG_SUN_SUN_H

#include "sun/spa.h"
#include "sun/rts.h"

enum tg_sun_phase {
	TG_SUN_DAY = 0,			/* centre above the sunrise altitude */
	TG_SUN_CIVIL_TWILIGHT = 1,	/* down to -6 degrees */
	TG_SUN_NAUTICAL_TWILIGHT = 2,	/* down to -12 */
	TG_SUN_ASTRONOMICAL_TWILIGHT = 3,	/* down to -18 */
	TG_SUN_NIGHT = 4,
};

/* The crossings of one altitude h0 during a local day. */
struct tg_sun_crossing {
	double h0;		/* altitude of the sun's centre, degrees */
	int kind;		/* enum tg_rts_kind for this local day */
	double up, down;	/* Unix UTC of the rising/setting crossing, or NAN */
};

struct tg_sun_day {
	double start;		/* Unix UTC of local midnight */
	int offset_min;		/* the local offset, minutes east of UTC */
	double transit;		/* sun on the meridian (solar noon), or NAN */
	double transit_elevation;	/* topocentric, refracted, degrees */
	struct tg_sun_crossing horizon;	/* sunrise (up) and sunset (down) */
	struct tg_sun_crossing civil, nautical, astronomical;	/* dawn, dusk */
};

struct tg_sun_report {
	double time;			/* the instant, Unix UTC */
	struct tg_spa_params params;	/* as used (delta_t resolved) */
	struct tg_spa_result pos;
	int phase;			/* enum tg_sun_phase at that instant */
	struct tg_sun_day day;		/* the local day containing it */
};

/* The events of the local day beginning at Unix time day_start. */
int tg_sun_day(const struct tg_spa_params *p, double day_start, int offset_min,
	       struct tg_sun_day *d);

/* Unix UTC of the local midnight that begins the local day containing t. */
double tg_sun_local_midnight(double t, int offset_min);

/* Position, phase and the local day.  0 or TG_EINVAL with a message. */
int tg_sun_report(const struct tg_spa_params *p, double t, int offset_min,
		  struct tg_sun_report *r);

/* The phase for a geometric (unrefracted) elevation e0 in degrees, given
 * the refraction parameter used for sunrise. */
int tg_sun_phase_of(double e0, double refraction);

/* "day", "civil twilight", "nautical twilight", "astronomical twilight",
 * "night"; and for tg_rts_kind: "normal", "polar day", "polar night" (the
 * latter two mean "always above / below this altitude" for twilight). */
const char *tg_sun_phase_name(int phase);
const char *tg_sun_kind_name(int kind);

#endif
