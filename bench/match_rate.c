/*
 * match_rate.c - the match index (lib/phash/mih) on N random 256-bit hashes
 * with planted near-duplicates.
 *
 *   match_rate [N [QUERIES]]      (defaults: 10000000 hashes, 1000 queries)
 *
 * Each query q gets 4 planted copies at distances drawn from 0..31 among the
 * N hashes.  Prints the build time, the index's bytes per hash, the median,
 * 90th-percentile and maximum time of a radius-31 query, and the recall of
 * the planted copies (every one must be found); the first 20 queries are
 * also answered by a linear scan to check that the index finds exactly the
 * same hashes.  Run pinned to one core (taskset) for a one-core figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phash/mih.h"

#define PLANTS 4
#define RADIUS 31

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_hash(struct tg_pdq_hash *h)
{
	for (int i = 0; i < 16; i += 4) {
		uint64_t v = next();

		memcpy(&h->w[i], &v, sizeof(v));
	}
}

static void flip_bits(struct tg_pdq_hash *h, int k)
{
	/* k distinct bits */
	unsigned char used[256] = { 0 };

	while (k > 0) {
		int b = (int)(next() % 256);

		if (used[b])
			continue;
		used[b] = 1;
		h->w[b / 16] ^= (uint16_t)(1u << (b % 16));
		k--;
	}
}

struct want {
	const uint32_t *rows;
	int found;
};

static int on_hit(void *user, uint32_t row, int d)
{
	struct want *w = user;

	(void)d;
	for (int i = 0; i < PLANTS; i++)
		if (w->rows[i] == row)
			w->found++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
	int nq = argc > 2 ? atoi(argv[2]) : 1000;
	struct tg_pdq_hash *all = malloc(n * sizeof(*all)), *q = malloc(nq * sizeof(*q));
	uint32_t *plant = malloc((size_t)nq * PLANTS * sizeof(*plant));
	double *t = malloc(nq * sizeof(*t)), t0, build;
	struct tg_mih m = TG_MIH_INIT;
	long long planted = 0, found = 0, hits = 0, mism = 0;

	if (!all || !q || !plant || !t || (size_t)nq * PLANTS > n)
		return 2;
	for (size_t i = 0; i < n; i++)
		random_hash(&all[i]);
	for (int i = 0; i < nq; i++) {
		random_hash(&q[i]);
		for (int k = 0; k < PLANTS; k++) {
			/* distinct rows, so no plant overwrites another */
			uint32_t r = (uint32_t)(((size_t)i * PLANTS + k) * (n / ((size_t)nq * PLANTS)));

			plant[i * PLANTS + k] = r;
			all[r] = q[i];
			flip_bits(&all[r], (int)(next() % (RADIUS + 1)));
		}
	}
	t0 = now();
	if (tg_mih_build(&m, all, n) < 0)
		return 1;
	build = now() - t0;
	for (int i = 0; i < nq; i++) {
		struct want w = { &plant[i * PLANTS], 0 };
		long long h;

		t0 = now();
		h = tg_mih_query(&m, &q[i], RADIUS, on_hit, &w);
		t[i] = now() - t0;
		hits += h;
		found += w.found;
		planted += PLANTS;
		if (i < 20) {	/* the linear scan must agree */
			long long lin = 0;

			for (size_t j = 0; j < n; j++)
				lin += tg_pdq_distance(&q[i], &all[j]) <= RADIUS;
			mism += lin != h;
		}
	}
	qsort(t, nq, sizeof(*t), cmp_double);
	printf("hashes: %zu, queries: %d (radius %d), planted copies: %lld\n", n, nq, RADIUS, planted);
	printf("build: %.2f s\n", build);
	printf("memory: %.1f bytes/hash in all (index structure %.1f, hash copy + row %zu)\n",
	       (double)tg_mih_bytes(&m) / n,
	       (double)(tg_mih_bytes(&m) - n * (sizeof(struct tg_pdq_hash) + 4)) / n,
	       sizeof(struct tg_pdq_hash) + 4);
	printf("query: median %.3f ms, p90 %.3f ms, max %.3f ms\n", t[nq / 2] * 1e3,
	       t[nq * 9 / 10] * 1e3, t[nq - 1] * 1e3);
	printf("recall of planted copies: %lld/%lld; hits in all %lld; "
	       "linear-scan disagreements: %lld of 20\n", found, planted, hits, mism);
	tg_mih_release(&m);
	free(all);
	free(q);
	free(plant);
	free(t);
	return found == planted && mism == 0 ? 0 : 1;
}
