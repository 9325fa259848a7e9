/*
 * mih.h - multi-index hashing: find every 256-bit hash within a Hamming
 * radius of a query without scanning them all (Norouzi, Punjani and Fleet,
 * "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012).
 *
 * A hash is cut into 16 chunks of 16 bits (the PDQ words w[0..15]).  If two
 * hashes differ in at most r bits, then by pigeonhole at least one chunk
 * differs in at most s = floor(r / 16) bits.  So the index keeps, for each
 * chunk c, the hashes grouped by the value of chunk c (a bucket per 16-bit
 * value); a query probes, in each of the 16 tables, the buckets whose value
 * is within s bits of the query's chunk (1 + 16 buckets for r = 16..31) and
 * verifies every candidate with a full 256-bit popcount.  A candidate found
 * in table c is reported only if no earlier table c' < c could have found
 * it (its chunk c' is farther than s), so each hit is reported once with no
 * per-query memory.
 *
 * Layout (n hashes, built once, read-only afterwards, so queries may run
 * from several threads):
 *
 *   h[n]        the hashes, sorted by chunk 0        32 bytes a hash
 *   row[n]      the caller's row number of h[i]       4 bytes
 *   pos[c][n]   c = 1..15: positions into h, sorted  60 bytes
 *               by chunk c (table 0 is h itself)
 *   off[c][65537] bucket starts, per table           16 x 256 KiB in all
 *
 * The index structure proper (pos and off) costs 60 bytes a hash plus
 * 4 MiB; with the hash copy and the row map, 96 bytes a hash (plus 4 MiB).
 * Rows are uint32: at most 2^32 - 1 hashes.  Build is two counting-sort
 * passes a table, O(16 n).
 */
#ifndef TG_PHASH_MIH_H
#define TG_PHASH_MIH_H

#include <stddef.h>
#include <stdint.h>

#include "phash/pdq.h"

#define TG_MIH_CHUNKS 16
#define TG_MIH_BUCKETS 65536

struct tg_mih {
	size_t n;
	struct tg_pdq_hash *h;
	uint32_t *row;
	uint32_t *pos[TG_MIH_CHUNKS];		/* pos[0] unused (NULL) */
	uint32_t *off[TG_MIH_CHUNKS];		/* TG_MIH_BUCKETS + 1 each */
};

#define TG_MIH_INIT { 0 }

void tg_mih_init(struct tg_mih *m);
void tg_mih_release(struct tg_mih *m);

/*
 * Build over hashes[0..n): hit rows are indices into that array.  Replaces
 * any previous content.  TG_ENOMEM, or TG_EINVAL when n does not fit.
 */
int tg_mih_build(struct tg_mih *m, const struct tg_pdq_hash *hashes, size_t n);

/* Called once per hash within the radius; a nonzero return stops the query. */
typedef int (*tg_mih_hit_fn)(void *user, uint32_t row, int distance);

/*
 * Every indexed hash at distance <= radius (0..255) from q, in no
 * particular order.  Returns the number of hits reported (also through fn,
 * which may be NULL just to count), or a negative TG_E* code.
 */
long long tg_mih_query(const struct tg_mih *m, const struct tg_pdq_hash *q, int radius,
		       tg_mih_hit_fn fn, void *user);

/* Bytes held by the index (all arrays). */
size_t tg_mih_bytes(const struct tg_mih *m);

#endif
