#include "phash/mih.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* The 16-bit masks ordered by popcount: probes for a chunk radius s are the
 * first mask_end[s] of them.  Built once (idempotent, so a race is benign). */
static uint16_t masks[TG_MIH_BUCKETS];
static uint32_t mask_end[17];
static int masks_ready;

static void masks_build(void)
{
	uint32_t k = 0;

	if (masks_ready)
		return;
	for (int pc = 0; pc <= 16; pc++) {
		for (uint32_t v = 0; v < TG_MIH_BUCKETS; v++)
			if (__builtin_popcount(v) == pc)
				masks[k++] = (uint16_t)v;
		mask_end[pc] = k;
	}
	masks_ready = 1;
}

void tg_mih_init(struct tg_mih *m)
{
	memset(m, 0, sizeof(*m));
}

void tg_mih_release(struct tg_mih *m)
{
	if (!m)
		return;
	free(m->h);
	free(m->row);
	for (int c = 0; c < TG_MIH_CHUNKS; c++) {
		free(m->pos[c]);
		free(m->off[c]);
	}
	tg_mih_init(m);
}

/* off[v] = start of bucket v, from the counts of chunk c's values. */
static void prefix(uint32_t *off)
{
	uint32_t sum = 0;

	for (uint32_t v = 0; v <= TG_MIH_BUCKETS; v++) {
		uint32_t cnt = off[v];

		off[v] = sum;
		sum += cnt;
	}
}

int tg_mih_build(struct tg_mih *m, const struct tg_pdq_hash *hashes, size_t n)
{
	uint32_t *next = NULL;

	tg_mih_release(m);
	masks_build();
	if (n >= UINT32_MAX)
		return tg_error(TG_EINVAL, "too many hashes for one index (%zu)", n);
	m->h = malloc((n ? n : 1) * sizeof(*m->h));
	m->row = malloc((n ? n : 1) * sizeof(*m->row));
	next = malloc((TG_MIH_BUCKETS + 1) * sizeof(*next));
	if (!m->h || !m->row || !next)
		goto nomem;
	for (int c = 0; c < TG_MIH_CHUNKS; c++) {
		m->off[c] = calloc(TG_MIH_BUCKETS + 1, sizeof(uint32_t));
		if (!m->off[c])
			goto nomem;
		if (c > 0 && !(m->pos[c] = malloc((n ? n : 1) * sizeof(uint32_t))))
			goto nomem;
	}
	/* table 0: the hashes themselves, counting-sorted by chunk 0 */
	for (size_t i = 0; i < n; i++)
		m->off[0][hashes[i].w[0]]++;
	prefix(m->off[0]);
	memcpy(next, m->off[0], (TG_MIH_BUCKETS + 1) * sizeof(*next));
	for (size_t i = 0; i < n; i++) {
		uint32_t p = next[hashes[i].w[0]]++;

		m->h[p] = hashes[i];
		m->row[p] = (uint32_t)i;
	}
	/* tables 1..15: positions into h, by chunk c (ascending within a bucket) */
	for (int c = 1; c < TG_MIH_CHUNKS; c++) {
		for (size_t i = 0; i < n; i++)
			m->off[c][m->h[i].w[c]]++;
		prefix(m->off[c]);
		memcpy(next, m->off[c], (TG_MIH_BUCKETS + 1) * sizeof(*next));
		for (size_t i = 0; i < n; i++)
			m->pos[c][next[m->h[i].w[c]]++] = (uint32_t)i;
	}
	m->n = n;
	free(next);
	return 0;
nomem:
	free(next);
	tg_mih_release(m);
	return tg_error(TG_ENOMEM, "out of memory for an index of %zu hashes", n);
}

static inline int dist(const struct tg_pdq_hash *a, const struct tg_pdq_hash *b)
{
	uint64_t x[4], y[4];
	int d = 0;

	memcpy(x, a->w, sizeof(x));
	memcpy(y, b->w, sizeof(y));
	for (int i = 0; i < 4; i++)
		d += __builtin_popcountll(x[i] ^ y[i]);
	return d;
}

/* Could an earlier table have found h (chunk within s of the query's)? */
static inline int seen_before(const struct tg_pdq_hash *q, const struct tg_pdq_hash *h, int c,
			      int s)
{
	for (int e = 0; e < c; e++)
		if (__builtin_popcount((unsigned)(q->w[e] ^ h->w[e])) <= s)
			return 1;
	return 0;
}

long long tg_mih_query(const struct tg_mih *m, const struct tg_pdq_hash *q, int radius,
		       tg_mih_hit_fn fn, void *user)
{
	long long hits = 0;
	int s;

	if (radius < 0 || radius > 255)
		return tg_error(TG_EINVAL, "radius %d out of range 0..255", radius);
	if (m->n == 0)
		return 0;
	s = radius / TG_MIH_CHUNKS;
	for (int c = 0; c < TG_MIH_CHUNKS; c++) {
		const uint32_t *off = m->off[c], *pos = m->pos[c];

		for (uint32_t k = 0; k < mask_end[s]; k++) {
			uint16_t v = (uint16_t)(q->w[c] ^ masks[k]);
			uint32_t a = off[v], b = off[v + 1];

			for (uint32_t i = a; i < b; i++) {
				uint32_t p = c ? pos[i] : i;
				const struct tg_pdq_hash *h;
				int d;

				/* the next candidates' hashes are far apart in memory */
				if (c && i + 8 < b)
					__builtin_prefetch(&m->h[pos[i + 8]]);
				h = &m->h[p];
				d = dist(q, h);
				if (d > radius || (c && seen_before(q, h, c, s)))
					continue;
				hits++;
				if (fn && fn(user, m->row[p], d))
					return hits;
			}
		}
	}
	return hits;
}

size_t tg_mih_bytes(const struct tg_mih *m)
{
	size_t b = m->n * (sizeof(*m->h) + sizeof(*m->row));

	for (int c = 0; c < TG_MIH_CHUNKS; c++) {
		if (m->off[c])
			b += (TG_MIH_BUCKETS + 1) * sizeof(uint32_t);
		if (m->pos[c])
			b += m->n * sizeof(uint32_t);
	}
	return b;
}
