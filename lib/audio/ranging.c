/* ranging.c - crack-bang distance; see ranging.h. */
#include "audio/ranging.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define MIN_DT_S 0.002     /* closer than ~1.5 m the two cannot be told apart */
#define MAX_EPISODE 64     /* cracks considered together (bounds the cost) */
/* the blasts of one gun at one place follow their cracks at one interval,
 * give or take the spread of the bullets' speeds (+-10 m/s: 7 ms at
 * 500 m) and the onset times */
#define PAIR_TOL_S 0.010
/* cracks this close are one volley (automatic fire: 60-200 ms apart):
 * one gun's, at one interval, or several guns' firing together */
#define VOLLEY_GAP_S 0.25

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

int tg_ranging_range(double dt, double temp_c, double v_min, double v_max, double *d_min,
		     double *d_max)
{
	double early = dt - TG_RANGING_ONSET_ERR_S, unused;
	int ret = tg_ranging_distance(early > 0.0 ? early : 0.0, temp_c, v_min, v_max, d_min,
				      &unused);

	if (ret == 0)
		ret = tg_ranging_distance(dt + TG_RANGING_ONSET_ERR_S, temp_c, v_min, v_max, &unused,
					  d_max);
	return ret;
}

static int cmp_crack(const void *a, const void *b)
{
	const struct tg_ranging *x = a, *y = b;

	return x->crack < y->crack ? -1 : x->crack > y->crack;
}

struct pairing {
	const struct tg_shot_event *ev;
	const size_t *shot;        /* gunshot event indices, in time order */
	size_t nshot;
	unsigned char *used;       /* per shot[] entry: taken by a crack */
	/* per crack of the episode: its volley (index of the volley's first
	 * crack), and whether it has been paired; per volley (at its first
	 * crack), whether some of its cracks have */
	size_t volley[MAX_EPISODE];
	unsigned char paired[MAX_EPISODE];
	unsigned char started[MAX_EPISODE];
	double dt_max;
};

/* The first of the gunshots (time order) at or after t. */
static size_t first_after(const struct pairing *p, double t)
{
	size_t lo = 0, hi = p->nshot;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->ev[p->shot[mid]].time_s < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The untaken gunshot nearest to crack time tc + dt within PAIR_TOL_S and
 * physically after the crack (MIN_DT_S to dt_max), or -1.
 */
static long nearest_blast(const struct pairing *p, double tc, double dt)
{
	const double t = tc + dt;
	size_t b = first_after(p, t - PAIR_TOL_S);
	long best = -1;
	double bd = PAIR_TOL_S;

	for (; b < p->nshot && p->ev[p->shot[b]].time_s <= t + PAIR_TOL_S; b++) {
		double tb = p->ev[p->shot[b]].time_s;
		if (!p->used[b] && fabs(tb - t) <= bd && tb - tc >= MIN_DT_S && tb - tc <= p->dt_max) {
			bd = fabs(tb - t);
			best = (long)b;
		}
	}
	return best;
}

/*
 * How many unpaired cracks find an untaken blast dt after them, counting
 * a volley's only when at least two of them do, or, before any of its
 * cracks is paired, at least half of them (one gun's burst has one
 * interval: a lone crack of a volley meeting a blast at another gun's
 * interval is chance, while two guns firing together show two cracks or
 * more each); *net: those found less the counted volleys' unpaired
 * cracks that find none.  With out, pair them (from out[*k] on, at most
 * max) and mark cracks, volleys and blasts.
 */
static int pairs_at(struct pairing *p, const size_t *crack, size_t nc, double dt, int *net,
		    struct tg_ranging *out, size_t *k, size_t max)
{
	long blast[MAX_EPISODE];
	int found = 0;

	*net = 0;
	for (size_t v = 0, e; v < nc; v = e) {
		int u = 0, m = 0;
		for (e = v; e < nc && p->volley[e] == v; e++) {
			blast[e] = -1;
			if (p->paired[e])
				continue;
			u++;
			blast[e] = nearest_blast(p, p->ev[crack[e]].time_s, dt);
			/* two cracks under 20 ms apart can reach one blast: the
			 * first one takes it */
			for (size_t c = v; c < e && blast[e] >= 0; c++)
				if (blast[c] == blast[e])
					blast[e] = -1;
			m += blast[e] >= 0;
		}
		if (m == 0 || (m < 2 && (p->started[v] || 2 * m < u)))
			continue;
		found += m;
		*net += 2 * m - u;
		for (size_t c = v; out && c < e; c++) {
			if (blast[c] < 0 || *k >= max)
				continue;
			p->used[blast[c]] = 1;
			p->paired[c] = 1;
			p->started[v] = 1;
			out[*k].crack = crack[c];
			out[*k].bang = p->shot[blast[c]];
			out[*k].dt_s = p->ev[p->shot[blast[c]]].time_s - p->ev[crack[c]].time_s;
			(*k)++;
		}
	}
	return found;
}

/*
 * Pair the cracks of one episode: the interval at which most unpaired
 * cracks find an untaken blast (as pairs_at() counts them), net of their
 * volleys' unpaired cracks that find none (then the most found, then the
 * shortest: a crack whose blast was missed must not take a later
 * crack's), tried at every blast that could follow one of them; again
 * for the cracks left (another gun, at another distance), until none
 * finds its blast.  A volley's lone crack whose blast is not at its
 * volley's interval stays unpaired.
 */
static void pair_episode(struct pairing *p, const size_t *crack, size_t nc,
			 struct tg_ranging *out, size_t *k, size_t max)
{
	memset(p->paired, 0, sizeof(p->paired));
	memset(p->started, 0, sizeof(p->started));
	for (size_t j = 0; j < nc; j++)
		p->volley[j] = j > 0 && p->ev[crack[j]].time_s - p->ev[crack[j - 1]].time_s <=
					VOLLEY_GAP_S ? p->volley[j - 1] : j;
	while (*k < max) {
		double best_dt = -1.0;
		int best = 0, best_net = 0, net;

		for (size_t j = 0; j < nc; j++) {
			if (p->paired[j])
				continue;
			double tc = p->ev[crack[j]].time_s;
			for (size_t b = first_after(p, tc + MIN_DT_S);
			     b < p->nshot; b++) {
				double dt = p->ev[p->shot[b]].time_s - tc;
				int m;
				if (p->used[b])
					continue;
				if (dt > p->dt_max)
					break;
				m = pairs_at(p, crack, nc, dt, &net, NULL, NULL, 0);
				if (m > 0 && (!best || net > best_net ||
					      (net == best_net && (m > best || (m == best && dt < best_dt))))) {
					best = m;
					best_net = net;
					best_dt = dt;
				}
			}
		}
		if (!best)
			break;
		pairs_at(p, crack, nc, best_dt, &net, out, k, max);
	}
}

int tg_ranging_find(const struct tg_shot_event *ev, size_t n, double temp_c,
		    double v_min, double v_max, struct tg_ranging *out, size_t max)
{
	struct pairing p;
	double c, lo, hi;
	size_t i, j, k = 0, nshot = 0, ncrack = 0, *shot, *crack;
	int ret;

	if ((ret = tg_ranging_distance(0.0, temp_c, v_min, v_max, &lo, &hi)) < 0)
		return ret;
	c = tg_ranging_sound_speed(temp_c);
	memset(&p, 0, sizeof(p));
	p.ev = ev;
	/* the longest interval: the farthest gun with the fastest bullet
	 * still gives dt = d (v - c) / (c v) at most this */
	p.dt_max = TG_RANGING_MAX_M * (v_max - c) / (c * v_max);
	shot = malloc((n ? n : 1) * sizeof(*shot));
	crack = malloc((n ? n : 1) * sizeof(*crack));
	p.used = calloc(n ? n : 1, 1);
	if (!shot || !crack || !p.used) {
		ret = tg_error(TG_ENOMEM, "ranging: out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ev[i].cls == TG_SHOT_GUNSHOT)
			shot[nshot++] = i;
		else if (ev[i].cls == TG_SHOT_CRACK)
			crack[ncrack++] = i;
	}
	p.shot = shot;
	p.nshot = nshot;
	/* episodes: cracks each within dt_max of the one before (a blast may
	 * follow several later cracks before its own crack's volley ends), at
	 * most MAX_EPISODE of them, cut between volleys where one can be */
	for (i = 0; i < ncrack && k < max; i = j) {
		for (j = i + 1; j < ncrack && j - i < MAX_EPISODE &&
				ev[crack[j]].time_s - ev[crack[j - 1]].time_s <= p.dt_max; j++)
			;
		if (j - i == MAX_EPISODE && j < ncrack &&
		    ev[crack[j]].time_s - ev[crack[j - 1]].time_s <= VOLLEY_GAP_S) {
			size_t cut = j - 1;
			while (cut > i && ev[crack[cut]].time_s - ev[crack[cut - 1]].time_s <= VOLLEY_GAP_S)
				cut--;
			if (cut > i)
				j = cut;
		}
		pair_episode(&p, crack + i, j - i, out, &k, max);
	}
	for (i = j = 0; i < k; i++) {
		out[i].c_ms = c;
		if (tg_ranging_range(out[i].dt_s, temp_c, v_min, v_max, &out[i].d_min_m,
				     &out[i].d_max_m) == 0)
			out[j++] = out[i];
	}
	k = j;
	qsort(out, k, sizeof(*out), cmp_crack);
	ret = (int)k;
out:
	free(shot);
	free(crack);
	free(p.used);
	return ret;
}
