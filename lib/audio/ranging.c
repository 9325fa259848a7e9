/* ranging.c - crack-bang distance; see ranging.h. */
#include "audio/ranging.h"

#include <math.h>

#include "util/error.h"

#define CRACK_MIN_CENTROID_HZ 2000.0f
#define CRACK_MAX_DECAY_MS 60.0f
#define MIN_DT_S 0.002     /* closer than ~1.5 m the two cannot be told apart */

double tg_ranging_sound_speed(double temp_c)
{
	return 331.3 * sqrt(1.0 + temp_c / 273.15);
}

int tg_ranging_distance(double dt, double temp_c, double v_min, double v_max,
			double *d_min, double *d_max)
{
	double c;

	if (temp_c <= -273.15 || !(dt >= 0.0))
		return tg_error(TG_EINVAL, "ranging: bad interval or temperature");
	c = tg_ranging_sound_speed(temp_c);
	if (!(v_min > c) || !(v_max >= v_min))
		return tg_error(TG_EINVAL, "ranging: bullet speeds %.0f-%.0f m/s must exceed "
				"the speed of sound (%.1f m/s)", v_min, v_max, c);
	*d_min = dt * c * v_max / (v_max - c);
	*d_max = dt * c * v_min / (v_min - c);
	return 0;
}

static int crack_like(const struct tg_shot_event *e)
{
	return e->cls != TG_SHOT_ECHO && e->centroid_hz >= CRACK_MIN_CENTROID_HZ &&
	       e->decay_ms <= CRACK_MAX_DECAY_MS;
}

int tg_ranging_find(const struct tg_shot_event *ev, size_t n, double temp_c,
		    double v_min, double v_max, struct tg_ranging *out, size_t max)
{
	double c, dt_max, lo, hi;
	size_t i, j, k = 0;
	int ret;

	if ((ret = tg_ranging_distance(0.0, temp_c, v_min, v_max, &lo, &hi)) < 0)
		return ret;
	c = tg_ranging_sound_speed(temp_c);
	/* the longest interval: the farthest gun with the fastest bullet
	 * still gives dt = d (v - c) / (c v) at most this */
	dt_max = TG_RANGING_MAX_M * (v_max - c) / (c * v_max);
	for (i = 0; i < n && k < max; i++) {
		if (!crack_like(&ev[i]))
			continue;
		for (j = i + 1; j < n; j++) {
			double dt = ev[j].time_s - ev[i].time_s;
			if (dt > dt_max)
				break;
			if (dt < MIN_DT_S || ev[j].cls != TG_SHOT_GUNSHOT || crack_like(&ev[j]))
				continue;
			out[k].crack = i;
			out[k].bang = j;
			out[k].dt_s = dt;
			out[k].c_ms = c;
			tg_ranging_distance(dt, temp_c, v_min, v_max, &out[k].d_min_m, &out[k].d_max_m);
			k++;
			break;
		}
	}
	return (int)k;
}
