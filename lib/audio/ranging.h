/*
 * ranging.h - crack-bang ranging of a supersonic shot.
 *
 * A supersonic bullet drags a shock wave (the "crack") that reaches a
 * microphone near the line of fire before the muzzle blast (the "bang").
 * For a microphone close to the line of fire, at distance d from the gun,
 *
 *     dt = d / c - d / v      so      d = dt * c * v / (v - c)
 *
 * with c the speed of sound, c = 331.3 * sqrt(1 + T / 273.15) m/s (T in
 * degrees Celsius), and v the bullet's speed (> c).  v is unknown, so a
 * range of speeds gives a range of distances: the slowest bullet gives the
 * largest distance.  The formula ignores the bullet's deceleration and the
 * geometry off the line of fire; the report says so.
 *
 * A pair is only reported when a crack (an event of class TG_SHOT_CRACK:
 * short, bright, abrupt; see shotfeat.h) is followed by a gunshot-class
 * blast 2 ms to dt_max later, dt_max being what the speeds and a maximum
 * range of TG_RANGING_MAX_M imply.  One gun at one place fires its
 * bullets at one interval ahead of its blasts, and a far gun's blasts
 * arrive after later cracks, so cracks each within dt_max of the one
 * before form an episode (at most 64, cut between volleys when it can
 * be), and cracks within 250 ms of each other a volley (a burst: one gun,
 * or several firing together).  The interval at which the most cracks
 * find a blast within 10 ms wins, counting a volley's only when at least
 * two of them do or, before any of its cracks is paired, at least half,
 * net of those volleys' unpaired cracks that find none (then the most
 * found, then the shortest); those are paired, and the rest again the
 * same way (another gun at another distance).  A blast is taken once; a
 * volley's lone crack whose blast is not at an interval of its volley
 * stays unpaired, and so does a volley of three or more of which only
 * one crack finds a blast.
 */
#ifndef TG_AUDIO_RANGING_H
#define TG_AUDIO_RANGING_H

#include <stddef.h>

#include "audio/shots.h"

#define TG_RANGING_MAX_M 2000.0

/*
 * The onset times' share of a pair's error: the reported distance range
 * is that of the intervals dt -+ this, so it covers the timing as well as
 * the bullet speed.  On the synthesised scenes of test_ranging (which
 * prints these figures) 95 % of the right pairs' intervals are within
 * 2.2 ms of the truth with one gun, 2.1 ms with a gun for each volley and
 * 4.0 ms with two guns firing together; the error is the blast's onset
 * (a crack's is sharp).
 */
#define TG_RANGING_ONSET_ERR_S 0.003

struct tg_ranging {
	size_t crack;          /* event index of the crack */
	size_t bang;           /* event index of the muzzle blast */
	double dt_s;           /* bang time - crack time */
	double c_ms;           /* speed of sound used, m/s */
	double d_min_m;        /* distance for the fastest bullet, dt - TG_RANGING_ONSET_ERR_S */
	double d_max_m;        /* distance for the slowest bullet, dt + TG_RANGING_ONSET_ERR_S */
};

/* Speed of sound in dry air at temp_c degrees Celsius, m/s. */
double tg_ranging_sound_speed(double temp_c);

/*
 * Distance range for an interval dt (s) and bullet speeds [v_min, v_max]
 * (m/s, both above c).  Returns 0, or TG_EINVAL for impossible inputs.
 */
int tg_ranging_distance(double dt, double temp_c, double v_min, double v_max,
			double *d_min, double *d_max);

/*
 * The distance range reported for a measured interval dt: the fastest
 * bullet with dt - TG_RANGING_ONSET_ERR_S (not below 0) to the slowest
 * with dt + TG_RANGING_ONSET_ERR_S.  Returns 0, or TG_EINVAL.
 */
int tg_ranging_range(double dt, double temp_c, double v_min, double v_max, double *d_min,
		     double *d_max);

/*
 * Find crack-bang pairs among events (time order).  Writes up to max pairs
 * to out in the cracks' order (the earliest episodes first when there are
 * more) and returns how many, or a negative TG_E* code (TG_ENOMEM,
 * TG_EINVAL for impossible speeds).
 */
int tg_ranging_find(const struct tg_shot_event *ev, size_t n, double temp_c,
		    double v_min, double v_max, struct tg_ranging *out, size_t max);

#endif
