/* ranging.c - crack-bang distance; see ranging.h. */
#include "audio/ranging.h"

#include <math.h>
#include <stdlib.h>

#include "util/error.h"

#define MIN_DT_S 0.002     /* closer than ~1.5 m the two cannot be told apart */
#define VOLLEY_GAP_S 0.25  /* automatic fire: shots 60-200 ms apart */
#define MAX_VOLLEY 64     /* cracks of one volley considered together */
/* the blasts of one volley follow their cracks at one interval, give or
 * take the spread of the bullets' speeds (+-10 m/s: 7 ms at 500 m) and
 * the onset times */
#define PAIR_TOL_S 0.010

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

/* The gunshot nearest to time t within tol that no crack has taken, or -1. */
static long nearest_blast(const struct tg_shot_event *ev, const size_t *shot, size_t nshot,
			  const unsigned char *used, double t, double tol)
{
	size_t lo = 0, hi = nshot;
	long best = -1;
	double bd = tol;

	while (lo < hi) {          /* first shot at or after t - tol */
		size_t mid = lo + (hi - lo) / 2;
		if (ev[shot[mid]].time_s < t - tol)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nshot && ev[shot[lo]].time_s <= t + tol; lo++)
		if (!used[lo] && fabs(ev[shot[lo]].time_s - t) <= bd) {
			bd = fabs(ev[shot[lo]].time_s - t);
			best = (long)lo;
		}
	return best;
}

/*
 * How many cracks of the volley find an untaken blast dt after them; with
 * take, pair them (into out, from *k on) and mark their blasts taken.
 */
static int volley_pairs(const struct tg_shot_event *ev, const size_t *crack, size_t ncrack,
			const size_t *shot, size_t nshot, unsigned char *used, double dt, int take,
			struct tg_ranging *out, size_t *k, size_t max)
{
	int found = 0;

	for (size_t c = 0; c < ncrack; c++) {
		long b = nearest_blast(ev, shot, nshot, used, ev[crack[c]].time_s + dt, PAIR_TOL_S);
		if (b < 0)
			continue;
		found++;
		if (!take || *k >= max)
			continue;
		used[b] = 1;
		out[*k].crack = crack[c];
		out[*k].bang = shot[b];
		out[*k].dt_s = ev[shot[b]].time_s - ev[crack[c]].time_s;
		(*k)++;
	}
	return found;
}

static int cmp_crack(const void *a, const void *b)
{
	const struct tg_ranging *x = a, *y = b;

	return x->crack < y->crack ? -1 : x->crack > y->crack;
}

/*
 * Pair the cracks of one volley: at the interval at which most of them
 * find an untaken blast (the first crack's of equals, then the earliest),
 * tried at every blast that could follow one of them.
 */
static void pair_volley(const struct tg_shot_event *ev, const size_t *vol, size_t nv,
			const size_t *shot, size_t nshot, unsigned char *used, double dt_max,
			struct tg_ranging *out, size_t *k, size_t max)
{
	double best_dt = -1.0;
	int best = 0;

	for (size_t j = 0; j < nv; j++)
		for (size_t b = 0; b < nshot; b++) {
			double dt = ev[shot[b]].time_s - ev[vol[j]].time_s;
			int m;
			if (dt < MIN_DT_S || used[b])
				continue;
			if (dt > dt_max)
				break;
			m = volley_pairs(ev, vol, nv, shot, nshot, used, dt, 0, NULL, NULL, 0);
			if (m > best) {
				best = m;
				best_dt = dt;
			}
		}
	if (best)
		volley_pairs(ev, vol, nv, shot, nshot, used, best_dt, 1, out, k, max);
}

int tg_ranging_find(const struct tg_shot_event *ev, size_t n, double temp_c,
		    double v_min, double v_max, struct tg_ranging *out, size_t max)
{
	double c, dt_max, lo, hi;
	size_t i, k = 0, nshot = 0, ncrack = 0, *shot, *crack;
	unsigned char *used;
	int ret;

	if ((ret = tg_ranging_distance(0.0, temp_c, v_min, v_max, &lo, &hi)) < 0)
		return ret;
	c = tg_ranging_sound_speed(temp_c);
	/* the longest interval: the farthest gun with the fastest bullet
	 * still gives dt = d (v - c) / (c v) at most this */
	dt_max = TG_RANGING_MAX_M * (v_max - c) / (c * v_max);
	shot = malloc((n ? n : 1) * sizeof(*shot));
	crack = malloc((n ? n : 1) * sizeof(*crack));
	used = calloc(n ? n : 1, 1);
	if (!shot || !crack || !used) {
		free(shot);
		free(crack);
		free(used);
		return tg_error(TG_ENOMEM, "ranging: out of memory");
	}
	for (i = 0; i < n; i++) {
		if (ev[i].cls == TG_SHOT_GUNSHOT)
			shot[nshot++] = i;
		else if (ev[i].cls == TG_SHOT_CRACK)
			crack[ncrack++] = i;
	}
	/* volleys (cracks each at most VOLLEY_GAP_S after the one before),
	 * the latest first: a blast that follows two volleys' cracks is the
	 * nearer one's, and a volley whose blast was not detected must not
	 * take a later volley's */
	for (i = ncrack; i > 0 && k < max;) {
		size_t end = i, start = i - 1;
		while (start > 0 && end - start < MAX_VOLLEY &&
		       ev[crack[start]].time_s - ev[crack[start - 1]].time_s <= VOLLEY_GAP_S)
			start--;
		pair_volley(ev, crack + start, end - start, shot, nshot, used, dt_max, out, &k, max);
		i = start;
	}
	for (i = 0; i < k; i++) {
		out[i].c_ms = c;
		tg_ranging_distance(out[i].dt_s, temp_c, v_min, v_max, &out[i].d_min_m, &out[i].d_max_m);
	}
	qsort(out, k, sizeof(*out), cmp_crack);
	free(shot);
	free(crack);
	free(used);
	return (int)k;
}
