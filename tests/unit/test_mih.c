/*
 * test_mih.c - the multi-index hash finds exactly what a linear scan finds,
 * at every radius, once each; edge cases.
 */
#include <stdint.h>

#include "harness.h"
#include "phash/mih.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_hash(struct tg_pdq_hash *h)
{
	for (int i = 0; i < 16; i++)
		h->w[i] = (uint16_t)next();
}

struct seen {
	unsigned char *hit;
	long dup, bad;
	const struct tg_pdq_hash *all, *q;
	int radius;
};

static int on_hit(void *user, uint32_t row, int d)
{
	struct seen *s = user;

	if (s->hit[row])
		s->dup++;
	s->hit[row] = 1;
	if (d != tg_pdq_distance(&s->all[row], s->q) || d > s->radius)
		s->bad++;
	return 0;
}

static void test_against_scan(void)
{
	enum { N = 30000, Q = 40 };
	struct tg_pdq_hash *all = malloc(N * sizeof(*all));
	unsigned char *hit = malloc(N);
	struct tg_mih m = TG_MIH_INIT;
	long missing = 0, extra = 0, dup = 0, bad = 0, total = 0;

	for (int i = 0; i < N; i++)
		random_hash(&all[i]);
	/* near-duplicates of the first Q hashes, at distances 0..80 */
	for (int i = 0; i < N / 2; i++) {
		int src = i % Q, flips = (int)(next() % 81);

		all[Q + i] = all[src];
		for (int k = 0; k < flips; k++) {
			int b = (int)(next() % 256);

			all[Q + i].w[b / 16] ^= (uint16_t)(1u << (b % 16));
		}
	}
	CHECK_INT(tg_mih_build(&m, all, N), 0);
	CHECK_INT(m.n, N);
	CHECK(tg_mih_bytes(&m) >= (size_t)N * 96);
	for (int radius = 0; radius <= 80; radius += 7) {
		for (int qi = 0; qi < Q; qi++) {
			struct seen s = { hit, 0, 0, all, &all[qi], radius };
			long long n;

			memset(hit, 0, N);
			n = tg_mih_query(&m, &all[qi], radius, on_hit, &s);
			for (int i = 0; i < N; i++) {
				int want = tg_pdq_distance(&all[i], &all[qi]) <= radius;

				missing += want && !hit[i];
				extra += !want && hit[i];
				total += want;
			}
			dup += s.dup;
			bad += s.bad;
			CHECK(n >= 1);	/* itself */
		}
	}
	CHECK_INT(missing, 0);
	CHECK_INT(extra, 0);
	CHECK_INT(dup, 0);
	CHECK_INT(bad, 0);
	printf("mih: %ld expected hits over 12 radii x %d queries, all found once\n", total, Q);
	tg_mih_release(&m);
	free(all);
	free(hit);
}

static int stop_after_one(void *user, uint32_t row, int d)
{
	(void)row;
	(void)d;
	(*(int *)user)++;
	return 1;
}

static void test_edges(void)
{
	struct tg_mih m = TG_MIH_INIT;
	struct tg_pdq_hash h[3];
	int calls = 0;

	memset(h, 0, sizeof(h));
	CHECK_INT(tg_mih_build(&m, h, 0), 0);
	CHECK_INT(tg_mih_query(&m, &h[0], 31, NULL, NULL), 0);
	h[1].w[3] = 0xffff;	/* 16 bits away */
	h[2].w[0] = 1;
	CHECK_INT(tg_mih_build(&m, h, 3), 0);
	CHECK_INT(tg_mih_query(&m, &h[0], 0, NULL, NULL), 1);
	CHECK_INT(tg_mih_query(&m, &h[0], 1, NULL, NULL), 2);
	CHECK_INT(tg_mih_query(&m, &h[0], 16, NULL, NULL), 3);
	CHECK_INT(tg_mih_query(&m, &h[0], 255, stop_after_one, &calls), 1);
	CHECK_INT(calls, 1);
	CHECK(tg_mih_query(&m, &h[0], 256, NULL, NULL) < 0);
	CHECK(tg_mih_query(&m, &h[0], -1, NULL, NULL) < 0);
	tg_mih_release(&m);
	tg_mih_release(&m);	/* twice is fine */
}

int main(void)
{
	RUN(test_against_scan);
	RUN(test_edges);
	return TEST_END();
}
