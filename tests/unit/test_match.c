/*
 * test_match.c - the matcher's decisions on synthetic frame-hash sequences
 * written straight into a case's catalog: a sub-clip with its offset and
 * ranges, a near-duplicate, a mirrored copy (dihedral blob), a still that
 * is a frame, an unrelated item and a flat (low quality) item that must not
 * match, the same SHA-256.
 */
#include <stdint.h>

#include "harness.h"
#include "case/an_vpdq.h"
#include "case/case.h"
#include "case/match.h"

#define N 60

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct tg_pdq_hash base[N], other[N];

static void random_hash(struct tg_pdq_hash *h)
{
	for (int i = 0; i < 16; i++)
		h->w[i] = (uint16_t)next();
}

static struct tg_pdq_hash noisy(const struct tg_pdq_hash *h, int flips)
{
	struct tg_pdq_hash o = *h;

	for (int k = 0; k < flips; k++) {
		int b = (int)(next() % 256);

		o.w[b / 16] ^= (uint16_t)(1u << (b % 16));
	}
	return o;
}

static long long add_item(struct tg_case *c, const char *sha, const char *type)
{
	long long id = 0;
	int created = 0;

	CHECK_INT(tg_store_item_add(c->store, sha, 1000, type, sha, "2026-01-01T00:00:00Z", 0, &id,
				    &created), 0);
	return id;
}

/* Rows from hashes h[0..n) at times t0 + i (1 fps); quality q. */
static void put(struct tg_case *c, long long id, const char *kind, const struct tg_pdq_hash *h,
		int n, double t0, int q)
{
	struct tg_frame_hash_row r[N];

	for (int i = 0; i < n; i++) {
		r[i].item_id = id;
		r[i].frame = i * 30;
		r[i].pts_s = t0 + i;
		r[i].quality = q;
		tg_an_vpdq_pack(&h[i], r[i].hash);
	}
	CHECK_INT(tg_store_frame_hashes_put(c->store, id, kind, r, (size_t)n), 0);
}

static const struct tg_match *find(const struct tg_match_list *l, long long item)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->m[i].item == item)
			return &l->m[i];
	return NULL;
}

static char sha[8][65];

static void test_decisions(void)
{
	char dir[512], *abs = NULL;
	struct tg_case *c = NULL;
	struct tg_pdq_hash h[N];
	struct tg_match_query q;
	struct tg_match_list l;
	struct tg_item it;
	const struct tg_match *m;
	long long a, sub, near, mir, still, unrel, flat;
	unsigned char (*dih)[TG_PDQ_NDIHEDRAL - 1][32];

	for (int i = 0; i < 8; i++) {
		memset(sha[i], 'a' + i, 64);
		sha[i][64] = '\0';
	}
	snprintf(dir, sizeof(dir), "%s/case", tg_test_scratch());
	CHECK_INT(tg_case_init(dir, "tester", &abs), 0);
	CHECK_INT(tg_case_open(&c, dir), 0);
	free(abs);
	if (!c)
		return;
	for (int i = 0; i < N; i++) {
		random_hash(&base[i]);
		random_hash(&other[i]);
	}
	a = add_item(c, sha[0], "video");
	put(c, a, "vpdq", base, N, 0, 100);
	/* frames 20..39 of a, re-encoded (up to 12 bits), starting at 0 */
	sub = add_item(c, sha[1], "video");
	for (int i = 0; i < 20; i++)
		h[i] = noisy(&base[20 + i], (int)(next() % 13));
	put(c, sub, "vpdq", h, 20, 0, 90);
	/* all of a, noisier (20 bits), and 5 frames lost */
	near = add_item(c, sha[2], "video");
	for (int i = 0; i < N; i++)
		h[i] = noisy(&base[i], 20);
	for (int i = 0; i < 5; i++)
		random_hash(&h[i * 11]);
	put(c, near, "vpdq", h, N, 0, 100);
	/* a mirror: its own hashes are unrelated, its flipy variants are a's */
	mir = add_item(c, sha[3], "video");
	put(c, mir, "vpdq", other, 30, 0, 100);
	dih = calloc(30, sizeof(*dih));
	for (int i = 0; i < 30; i++) {
		struct tg_pdq_hash f = noisy(&base[i + 10], 6);

		for (int k = 0; k < TG_PDQ_NDIHEDRAL - 1; k++) {
			struct tg_pdq_hash r;

			random_hash(&r);
			tg_an_vpdq_pack(k == TG_PDQ_FLIPY - 1 ? &f : &r, dih[i][k]);
		}
	}
	CHECK_INT(tg_store_blob_put(c->store, mir, "vpdq-dihedral", dih, 30 * sizeof(*dih)), 0);
	free(dih);
	/* a still: frame 45 of a */
	still = add_item(c, sha[4], "image");
	h[0] = noisy(&base[45], 8);
	put(c, still, "vpdq", h, 1, 0, 100);
	/* unrelated, and flat: quality 10, hashes equal to a's (must not count) */
	unrel = add_item(c, sha[5], "video");
	put(c, unrel, "vpdq", other + 30, 30, 0, 100);
	flat = add_item(c, sha[6], "video");
	put(c, flat, "vpdq", base, 10, 0, 10);

	/* the sub-clip, queried: a at 20..40 */
	CHECK_INT(tg_store_item_get(c->store, sub, &it), 0);
	CHECK_INT(tg_case_match_item(c, &it, &q, &l), 0);
	m = find(&l, a);
	CHECK(m != NULL);
	if (m) {
		CHECK_STR(m->kind, "subclip");
		CHECK_NEAR(m->offset_s, 20, 1e-6);
		CHECK_NEAR(m->query_range_s[0], 0, 1e-6);
		CHECK_NEAR(m->query_range_s[1], 20, 1e-6);
		CHECK_NEAR(m->item_range_s[0], 20, 1e-6);
		CHECK_NEAR(m->item_range_s[1], 40, 1e-6);
		CHECK(m->score > 0.99);
	}
	CHECK(find(&l, near) != NULL);		/* the near-duplicate contains it too */
	CHECK(find(&l, unrel) == NULL);
	CHECK(find(&l, flat) == NULL);
	tg_match_list_release(&l);

	/* a, queried */
	CHECK_INT(tg_store_item_get(c->store, a, &it), 0);
	CHECK_INT(tg_case_match_item(c, &it, &q, &l), 0);
	m = find(&l, near);
	CHECK(m && strcmp(m->kind, "near-duplicate") == 0 && m->score > 0.85 && m->score < 0.95);
	m = find(&l, sub);
	CHECK(m && strcmp(m->kind, "subclip") == 0);
	m = find(&l, still);
	CHECK(m && strcmp(m->kind, "frame") == 0);
	if (m)
		CHECK_NEAR(m->query_range_s[0], 45, 1e-6);
	CHECK(find(&l, unrel) == NULL);
	CHECK(find(&l, flat) == NULL);
	CHECK(find(&l, mir) == NULL);		/* a has no dihedral blob: it cannot see the mirror */
	tg_match_list_release(&l);

	/* the mirror, queried: through its dihedral variants */
	CHECK_INT(tg_store_item_get(c->store, mir, &it), 0);
	CHECK_INT(tg_case_match_item(c, &it, &q, &l), 0);
	m = find(&l, a);
	CHECK(m != NULL);
	if (m) {
		CHECK_STR(m->kind, "mirror");
		CHECK_STR(m->via, "mirror:flipy");
		CHECK_NEAR(m->offset_s, 10, 1e-6);
	}
	CHECK(find(&l, unrel) == NULL);
	tg_match_list_release(&l);

	/* the same file twice */
	CHECK_INT(tg_store_item_get(c->store, still, &it), 0);
	memcpy(it.sha256, sha[0], 65);
	it.id = 0;
	CHECK_INT(tg_case_match_item(c, &it, &q, &l), 0);
	m = find(&l, a);
	CHECK(m && strcmp(m->kind, "duplicate") == 0 && strcmp(m->via, "sha256") == 0);
	tg_match_list_release(&l);
	tg_case_close(c);
}

int main(void)
{
	RUN(test_decisions);
	return TEST_END();
}
