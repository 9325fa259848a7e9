/*
 * match.c - the case's footage matcher (match.h): builds the index from the
 * catalog, looks the query's hashes up, votes on time offsets, classifies.
 */
#include "case/match.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/an_tmk.h"
#include "case/an_vpdq.h"
#include "hash/sha256.h"
#include "phash/mih.h"
#include "util/error.h"

#define NDIH (TG_PDQ_NDIHEDRAL - 1)
#define BIN_S 1.0

/* The signals a pair of hashes can agree through. */
enum signal { SIG_FRAMES = 0, SIG_REGIONS = 1, SIG_MIRROR = 2 /* + dihedral k - 1 */, NSIG = SIG_MIRROR + NDIH };

static const char *const dihedral_names[TG_PDQ_NDIHEDRAL] = {
	"original", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"
};

/* One side of a comparison: its hashes and signature. */
struct subject {
	long long item;
	char sha256[65];
	char media_type[16];
	int is_video;
	double duration, period;	/* seconds; sampling period */
	struct tg_frame_hash_row *full, *crop, *center, *quad, *dense;
	size_t nfull, ncrop, ncenter, nquad, ndense;
	unsigned char (*dih)[NDIH][32];	/* per full row, or NULL */
	unsigned char (*dense_dih)[NDIH][32];	/* per dense row, or NULL */
	struct tg_tmk_sig *tmk;		/* or NULL */
	int owned;			/* the arrays are ours to free */
};

/* Index payload: what a row of the index is. */
struct entry {
	uint32_t item;			/* index into items[] */
	float ts;
	uint8_t stream;			/* 0 whole frame, 1 inside bars or centre, 2 region,
					 * 3 whole 64x64 frame at 15 fps (tmk-pdq) */
	uint8_t region;
	uint8_t quality;
};

struct itemrec {
	struct tg_item it;
	double duration, period;
	int is_video;
	int nfull;
};

struct hit {
	uint32_t item;
	uint16_t sig;
	int32_t qframe;			/* index of the query's full row */
	float qts, its;
	int16_t dist;
	uint8_t dense;			/* the item's side is a tmk-pdq row */
	uint8_t src;			/* 0 whole frames, 1 inside bars / centre, 2 regions */
};

struct index {
	struct itemrec *items;
	size_t nitems, capitems;
	struct tg_pdq_hash *hashes;
	struct entry *entries;
	size_t n, cap;
	struct tg_mih mih;
};

struct hits {
	struct hit *h;
	size_t n, cap;
	/* context for the callback */
	const struct index *ix;
	long long self;
	int sig;
	int32_t qframe;
	float qts;
	int want_region;		/* -1 frames; 0..4 that region */
	int qsrc;			/* the query row's kind, as hit.src */
};

void tg_match_list_release(struct tg_match_list *l)
{
	if (!l)
		return;
	free(l->m);
	l->m = NULL;
	l->n = l->cap = 0;
}

static void subject_release(struct subject *s)
{
	if (s->owned) {
		free(s->full);
		free(s->crop);
		free(s->center);
		free(s->quad);
		free(s->dense);
		free(s->dih);
	}
	free(s->tmk);
	memset(s, 0, sizeof(*s));
}

/* ---- building the index from the catalog ---- */

struct load_ctx {
	struct index *ix;
	struct tg_case *c;
	uint8_t stream;
	int err;
};

static long find_item(struct index *ix, struct tg_case *c, long long id)
{
	struct itemrec *r;

	/* rows come grouped by item, so the last one is almost always it */
	for (size_t i = ix->nitems; i-- > 0;)
		if (ix->items[i].it.id == id)
			return (long)i;
	if (ix->nitems == ix->capitems) {
		size_t cap = ix->capitems ? ix->capitems * 2 : 64;
		void *p = realloc(ix->items, cap * sizeof(*ix->items));

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		ix->items = p;
		ix->capitems = cap;
	}
	r = &ix->items[ix->nitems];
	memset(r, 0, sizeof(*r));
	if (tg_store_item_get(c->store, id, &r->it) < 0)
		return tg_error(TG_ECASE, "frame hashes of an unknown item %lld", id);
	r->is_video = strcmp(r->it.media_type, "video") == 0;
	return (long)ix->nitems++;
}

static int load_row(void *user, const struct tg_frame_hash_row *row)
{
	struct load_ctx *x = user;
	struct index *ix = x->ix;
	struct itemrec *it;
	struct entry *e;
	long k = find_item(ix, x->c, row->item_id);

	if (k < 0) {
		x->err = (int)k;
		return 1;
	}
	it = &ix->items[k];
	if (x->stream == 0) {
		if (row->pts_s > it->duration)
			it->duration = row->pts_s;
		if (row->pts_s > 0 && (it->period == 0 || row->pts_s < it->period) && it->nfull == 1)
			it->period = row->pts_s;
		it->nfull++;
	}
	if (row->quality < TG_MATCH_INDEX_QUALITY_MIN)
		return 0;
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 1024;
		void *a = realloc(ix->hashes, cap * sizeof(*ix->hashes));
		void *b = a ? realloc(ix->entries, cap * sizeof(*ix->entries)) : NULL;

		if (a)
			ix->hashes = a;
		if (!b) {
			x->err = tg_error(TG_ENOMEM, "out of memory for the match index");
			return 1;
		}
		ix->entries = b;
		ix->cap = cap;
	}
	e = &ix->entries[ix->n];
	tg_an_vpdq_unpack(row->hash, &ix->hashes[ix->n]);
	e->item = (uint32_t)k;
	e->ts = (float)(x->stream == 2 ? row->pts_s : row->pts_s);
	e->stream = x->stream;
	e->region = (uint8_t)(x->stream == 2 ? row->frame % TG_AN_VPDQ_REGIONS : 0);
	e->quality = (uint8_t)row->quality;
	ix->n++;
	return 0;
}

static int index_build(struct index *ix, struct tg_case *c)
{
	static const char *const kinds[5] = { "vpdq", "vpdq-crop", "vpdq-center", "vpdq-quad",
					      "tmk-pdq" };
	static const uint8_t streams[5] = { 0, 1, 1, 2, 3 };
	int ret = 0;

	memset(ix, 0, sizeof(*ix));
	tg_mih_init(&ix->mih);
	for (int k = 0; k < 5 && ret == 0; k++) {
		struct load_ctx x = { ix, c, streams[k], 0 };

		ret = tg_store_frame_hashes(c->store, 0, kinds[k], load_row, &x);
		if (x.err < 0)
			ret = x.err;
	}
	for (size_t i = 0; i < ix->nitems; i++) {
		struct itemrec *r = &ix->items[i];

		if (r->period <= 0)
			r->period = 1;
		if (r->is_video)
			r->duration += r->period;
	}
	if (ret == 0)
		ret = tg_mih_build(&ix->mih, ix->hashes, ix->n);
	return ret;
}

static void index_release(struct index *ix)
{
	tg_mih_release(&ix->mih);
	free(ix->items);
	free(ix->hashes);
	free(ix->entries);
	memset(ix, 0, sizeof(*ix));
}

/* ---- lookups ---- */

static int on_hit(void *user, uint32_t row, int d)
{
	struct hits *h = user;
	const struct entry *e = &h->ix->entries[row];
	struct hit *x;

	if (h->ix->items[e->item].it.id == h->self)
		return 0;
	if (h->want_region >= 0 ? (e->stream != 2 || e->region != h->want_region) : e->stream == 2)
		return 0;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		void *p = realloc(h->h, cap * sizeof(*h->h));

		if (!p)
			return 1;	/* keep what we have; reported below */
		h->h = p;
		h->cap = cap;
	}
	x = &h->h[h->n++];
	x->item = e->item;
	x->sig = (uint16_t)h->sig;
	x->qframe = h->qframe;
	x->qts = h->qts;
	x->its = e->ts;
	x->dist = (int16_t)d;
	x->dense = e->stream == 3;
	x->src = (uint8_t)(e->stream == 3 ? 0 : e->stream);
	if (h->qsrc > x->src)
		x->src = (uint8_t)h->qsrc;
	return 0;
}

static int lookup(struct hits *h, const struct tg_frame_hash_row *r, const unsigned char *hash,
		  int sig, int32_t qframe, int region, int qsrc)
{
	struct tg_pdq_hash q;
	long long ret;

	if (r->quality < TG_MATCH_QUALITY_MIN)
		return 0;
	tg_an_vpdq_unpack(hash, &q);
	h->sig = sig;
	h->qframe = qframe;
	h->qts = (float)r->pts_s;
	h->want_region = region;
	h->qsrc = qsrc;
	ret = tg_mih_query(&h->ix->mih, &q, TG_MATCH_RADIUS, on_hit, h);
	return ret < 0 ? (int)ret : 0;
}

/* The query's full row of frame number f (crop and region rows share it). */
static int32_t full_index(const struct subject *q, long long frame)
{
	size_t lo = 0, hi = q->nfull;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (q->full[mid].frame < frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < q->nfull && q->full[lo].frame == frame ? (int32_t)lo : -1;
}

/*
 * Regions vote together with whole frames (an overlay hides a different
 * part in different frames); mirrored variants vote on their own.
 */
static int collect(struct hits *h, const struct subject *q)
{
	int ret = 0;

	for (size_t i = 0; i < q->nfull && ret == 0; i++) {
		ret = lookup(h, &q->full[i], q->full[i].hash, SIG_FRAMES, (int32_t)i, -1, 0);
		for (int k = 0; k < NDIH && q->dih && ret == 0; k++)
			ret = lookup(h, &q->full[i], q->dih[i][k], SIG_MIRROR + k, (int32_t)i, -1, 0);
	}
	for (size_t i = 0; i < q->ncrop && ret == 0; i++)
		ret = lookup(h, &q->crop[i], q->crop[i].hash, SIG_FRAMES,
			     full_index(q, q->crop[i].frame), -1, 1);
	for (size_t i = 0; i < q->ncenter && ret == 0; i++)
		ret = lookup(h, &q->center[i], q->center[i].hash, SIG_FRAMES,
			     full_index(q, q->center[i].frame), -1, 1);
	for (size_t i = 0; i < q->ndense && ret == 0; i++) {
		ret = lookup(h, &q->dense[i], q->dense[i].hash, SIG_FRAMES,
			     (int32_t)(q->nfull + i), -1, 0);
		for (int k = 0; k < NDIH && q->dense_dih && ret == 0; k++)
			ret = lookup(h, &q->dense[i], q->dense_dih[i][k], SIG_MIRROR + k,
				     (int32_t)(q->nfull + i), -1, 0);
	}
	for (size_t i = 0; i < q->nquad && ret == 0; i++)
		ret = lookup(h, &q->quad[i], q->quad[i].hash, SIG_FRAMES,
			     full_index(q, q->quad[i].frame / TG_AN_VPDQ_REGIONS),
			     (int)(q->quad[i].frame % TG_AN_VPDQ_REGIONS), 2);
	return ret;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	if (x->sig != y->sig)
		return x->sig < y->sig ? -1 : 1;
	if (x->qframe != y->qframe)
		return x->qframe < y->qframe ? -1 : 1;
	return x->dist - y->dist;
}

/* ---- deciding ---- */

struct vote {
	int agree;			/* distinct frames near the winning offset ... */
	int in_range;			/* ... of so many, on the side where the share is higher */
	int agree_q, agree_i;		/* distinct query and item frames that agree */
	int agree_all;			/* the same on the item side, with tmk-pdq rows */
	int agree_dense;		/* distinct dense query frames that agree */
	int by_src[3];			/* agreeing pairs by signal (hit.src) */
	double offset;
	double q0, q1, i0, i1;
	int best_distance, all_zero;
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

static long bin_of(const struct hit *h)
{
	return lround((h->its - h->qts) / BIN_S);
}

/*
 * The offset most query frames agree on, among hits [a, b) of one item and
 * signal; then the agreeing frames counted on both sides (the sides may be
 * sampled at different rates: the query file twice a second, items once),
 * and the share taken on the side where it is higher.
 */
static void vote(const struct hit *h, size_t a, size_t b, const struct subject *q,
		 const struct index *ix, uint32_t item, struct vote *v)
{
	long lo = 0, hi = 0, best_bin = 0;
	int best = -1, in_q = 0, in_i = 0, in_d = 0, agree_i = 0, dense_secs = 0;
	long last_sec = LONG_MIN;
	float *its = malloc((b - a) * sizeof(*its)), *all = malloc((b - a) * sizeof(*all));
	float *offs = malloc((b - a) * sizeof(*offs));
	size_t noffs = 0;
	size_t nits = 0, nall = 0;
	int i0_set = 0;

	memset(v, 0, sizeof(*v));
	for (size_t i = a; i < b; i++) {
		long bin = bin_of(&h[i]);

		if (i == a || bin < lo)
			lo = bin;
		if (i == a || bin > hi)
			hi = bin;
	}
	if (hi - lo > 200000)
		hi = lo + 200000;	/* absurd spans: the vote is over the first 55 hours */
	for (long c = lo; c <= hi; c++) {
		int n = 0;
		int32_t last = -2;
		long next = hi + 2;

		for (size_t i = a; i < b; i++) {
			long bin = bin_of(&h[i]);

			if (bin >= c - 1 && bin <= c + 1 && h[i].qframe != last) {
				n++;
				last = h[i].qframe;
			}
			if (bin - 1 > c && bin - 1 < next)
				next = bin - 1;
		}
		if (n > best) {
			best = n;
			best_bin = c;
		}
		if (n == 0)
			c = next - 1;	/* skip the empty stretch */
	}
	v->best_distance = 256;
	v->all_zero = 1;
	{
		int32_t last = -2;
		double sum = 0;
		int ns = 0;

		for (size_t i = a; i < b; i++) {
			long bin = bin_of(&h[i]);

			if (bin < best_bin - 1 || bin > best_bin + 1)
				continue;
			v->by_src[h[i].src]++;
			if (all)
				all[nall++] = h[i].its;
			if (its && !h[i].dense)
				its[nits++] = h[i].its;
			if (h[i].qframe != last) {
				last = h[i].qframe;
				if ((size_t)h[i].qframe >= q->nfull) {
					v->agree_dense++;
					if ((long)floor(h[i].qts) != last_sec) {
						last_sec = (long)floor(h[i].qts);
						dense_secs++;
					}
				} else {
					v->agree++;
				}
				sum += h[i].its - h[i].qts;
				ns++;
				if (offs)
					offs[noffs++] = h[i].its - h[i].qts;
				if (ns == 1 || h[i].qts < v->q0)
					v->q0 = h[i].qts;
				if (ns == 1 || h[i].qts > v->q1)
					v->q1 = h[i].qts;
			}
			if (!i0_set || h[i].its < v->i0)
				v->i0 = h[i].its;
			if (!i0_set || h[i].its > v->i1)
				v->i1 = h[i].its;
			i0_set = 1;
			if (h[i].dist < v->best_distance)
				v->best_distance = h[i].dist;
			if (h[i].dist != 0)
				v->all_zero = 0;
		}
		v->offset = ns ? sum / ns : 0;
		if (offs && noffs) {
			qsort(offs, noffs, sizeof(*offs), cmp_float);
			v->offset = offs[noffs / 2];
		}
		/* the query's range from the pairs at the median offset (to a
		 * sampling interval): static footage also agrees a few seconds off */
		if (ns) {
			int first = 1;

			for (size_t i = a; i < b; i++) {
				double off = h[i].its - h[i].qts;

				if (fabs(off - v->offset) > 0.75)
					continue;
				if (first || h[i].qts < v->q0)
					v->q0 = h[i].qts;
				if (first || h[i].qts > v->q1)
					v->q1 = h[i].qts;
				first = 0;
			}
		}
	}
	free(offs);
	if (its && nits) {
		qsort(its, nits, sizeof(*its), cmp_float);
		for (size_t i = 0; i < nits; i++)
			agree_i += i == 0 || its[i] != its[i - 1];
	}
	free(its);
	if (all && nall) {
		qsort(all, nall, sizeof(*all), cmp_float);
		for (size_t i = 0; i < nall; i++)
			v->agree_all += i == 0 || all[i] != all[i - 1];
	}
	free(all);
	for (size_t i = 0; i < q->nfull; i++)
		if (q->full[i].quality >= TG_MATCH_QUALITY_MIN && q->full[i].pts_s >= v->q0 - 1e-3 &&
		    q->full[i].pts_s <= v->q1 + 1e-3)
			in_q++;
	for (size_t i = 0; i < ix->n; i++)
		if (ix->entries[i].item == item && ix->entries[i].stream == 0 &&
		    ix->entries[i].ts >= v->i0 - 1e-3 && ix->entries[i].ts <= v->i1 + 1e-3)
			in_i++;
	for (size_t i = 0; i < q->ndense; i++)
		if (q->dense[i].quality >= TG_MATCH_QUALITY_MIN && q->dense[i].pts_s >= v->q0 - 1e-3 &&
		    q->dense[i].pts_s <= v->q1 + 1e-3)
			in_d++;
	/* the evidence: distinct agreeing frames on the best-sampled side */
	v->agree_q = v->agree > agree_i ? v->agree : agree_i;
	if (dense_secs > v->agree_q)
		v->agree_q = dense_secs;
	v->agree_i = agree_i;
	/* the share: on the side where it is highest */
	{
		int ag[3] = { v->agree, agree_i, v->agree_dense }, in[3] = { in_q, in_i, in_d };
		double best_share = -1;

		for (int k = 0; k < 3; k++) {
			if (ag[k] == 0)
				continue;
			if (in[k] < ag[k])
				in[k] = ag[k];
			if ((double)ag[k] / in[k] > best_share) {
				best_share = (double)ag[k] / in[k];
				v->agree = ag[k];
				v->in_range = in[k];
			}
		}
	}
}

static int load_tmk(struct tg_case *c, long long item, struct tg_tmk_sig **out)
{
	void *data = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	ret = tg_store_blob_get(c->store, item, "tmk", &data, &len);
	if (ret == TG_ENOTFOUND)
		return 0;
	if (ret < 0)
		return ret;
	*out = malloc(sizeof(**out));
	if (!*out)
		ret = tg_error(TG_ENOMEM, "out of memory");
	else if ((ret = tg_tmk_io_decode(data, len, *out, "stored TMK signature")) < 0) {
		free(*out);
		*out = NULL;
	}
	free(data);
	return ret;
}

static int push_match(struct tg_match_list *l, const struct tg_match *m)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(l->m, cap * sizeof(*l->m));

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		l->m = p;
		l->cap = cap;
	}
	l->m[l->n++] = *m;
	return 0;
}

/*
 * A range of sampled times covers up to the end of its last sample's
 * interval, within the subject's duration.
 */
static void span(double r[2], double t0, double t1, double period, double duration)
{
	r[0] = t0 > 0 ? t0 : 0;
	r[1] = t1 + period;
	if (duration > 0 && r[1] > duration)
		r[1] = duration;
	if (r[1] < r[0])
		r[1] = r[0];
}

/* Decide about one item given its best signal's vote (v may be NULL). */
static int decide(struct tg_case *c, const struct subject *q, const struct itemrec *it,
		  const struct vote *v, int sig, struct tg_match_list *out)
{
	struct tg_match m;
	struct tg_tmk_sig *isig = NULL;
	int need, ret, both_video = q->is_video && it->is_video;
	double cover_q, cover_i, period;

	memset(&m, 0, sizeof(m));
	m.item = it->it.id;
	snprintf(m.sha256, sizeof(m.sha256), "%s", it->it.sha256);
	m.tmk_level1 = m.tmk_level2 = NAN;
	m.is_video = both_video;
	if (both_video && q->tmk) {
		if ((ret = load_tmk(c, it->it.id, &isig)) < 0)
			return ret;
		if (isig) {
			m.tmk_level1 = tg_tmk_score_level1(q->tmk, isig);
			m.tmk_level2 = tg_tmk_score_level2(q->tmk, isig, NULL);
		}
		free(isig);
	}
	if (strcmp(q->sha256, it->it.sha256) == 0) {
		snprintf(m.kind, sizeof(m.kind), "duplicate");
		snprintf(m.via, sizeof(m.via), "sha256");
		m.score = 1;
		if (v) {
			m.query_range_s[1] = q->duration;
			m.item_range_s[1] = it->duration;
		}
		return push_match(out, &m);
	}
	if (v) {
		/* enough agreeing frames: every frame of a short query, else the minimum */
		int nq = 0;

		for (size_t i = 0; i < q->nfull; i++)
			nq += q->full[i].quality >= TG_MATCH_QUALITY_MIN;
		need = nq < TG_MATCH_MIN_FRAMES ? (nq > 0 ? nq : 1) : TG_MATCH_MIN_FRAMES;
		if (!q->is_video || !it->is_video)
			need = 1;
		if (it->nfull < need && it->nfull > 0)
			need = it->nfull;
		if (v->agree_q < need || v->agree_all < need ||
		    (double)v->agree / v->in_range < TG_MATCH_MIN_AGREE)
			v = NULL;
	}
	if (!v) {
		if (!(m.tmk_level1 >= TG_MATCH_TMK_STRONG && m.tmk_level2 >= TG_MATCH_TMK_STRONG))
			return 0;
		snprintf(m.kind, sizeof(m.kind), "near-duplicate");
		snprintf(m.via, sizeof(m.via), "tmk");
		m.score = m.tmk_level2;
		m.query_range_s[1] = q->duration;
		m.item_range_s[1] = it->duration;
		return push_match(out, &m);
	}
	m.frames_agree = v->agree;
	m.frames_in_range = v->in_range;
	m.best_distance = v->best_distance;
	m.offset_s = v->offset;
	m.score = (double)v->agree / v->in_range;
	/* dense rows place the ends to a 15 fps frame, else to the coarser sampling */
	period = v->agree_dense > 0 ? 1.0 / TG_TMK_FPS : q->period > it->period ? q->period :
		 it->period;
	/* the item's range is the query's moved by the median offset: static
	 * footage lets single frames agree at other offsets too */
	span(m.query_range_s, v->q0, v->q1, period, q->duration);
	span(m.item_range_s, v->q0 + v->offset, v->q1 + v->offset, period, it->duration);
	if (!both_video) {
		double t = q->is_video ? v->q0 : v->i0;

		m.query_range_s[0] = m.query_range_s[1] = q->is_video ? t : 0;
		m.item_range_s[0] = m.item_range_s[1] = q->is_video ? 0 : t;
	}
	{
		int top = 0;

		for (int k = 1; k < 3; k++)
			if (v->by_src[k] > v->by_src[top])
				top = k;
		snprintf(m.via, sizeof(m.via), "%s", top == 0 ? "frames" : top == 1 ? "cropped" :
			 "regions");
	}
	if (sig >= SIG_MIRROR)
		snprintf(m.via, sizeof(m.via), "mirror:%s", dihedral_names[sig - SIG_MIRROR + 1]);
	if (sig >= SIG_MIRROR) {
		snprintf(m.kind, sizeof(m.kind), "mirror");
	} else if (!both_video) {
		snprintf(m.kind, sizeof(m.kind), q->is_video || it->is_video ? "frame" : "near-duplicate");
	} else {
		cover_q = q->duration > 0 ? (m.query_range_s[1] - m.query_range_s[0]) / q->duration : 1;
		cover_i = it->duration > 0 ? (m.item_range_s[1] - m.item_range_s[0]) / it->duration : 1;
		if (cover_q >= TG_MATCH_COVER && cover_i >= TG_MATCH_COVER)
			snprintf(m.kind, sizeof(m.kind), v->all_zero && q->nfull == (size_t)it->nfull ?
				 "duplicate" : "near-duplicate");
		else
			snprintf(m.kind, sizeof(m.kind), "subclip");
		if (strcmp(m.kind, "duplicate") == 0)
			snprintf(m.via, sizeof(m.via), "identical-frames");
	}
	return push_match(out, &m);
}

static int cmp_match(const void *a, const void *b)
{
	const struct tg_match *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static int run_match(struct tg_case *c, struct subject *q, struct tg_match_list *out)
{
	struct index ix;
	struct hits h;
	size_t a = 0;
	int ret;
	unsigned char *done = NULL;

	memset(&h, 0, sizeof(h));
	memset(out, 0, sizeof(*out));
	ret = index_build(&ix, c);
	if (ret < 0)
		goto out;
	h.ix = &ix;
	h.self = q->item;
	if ((ret = collect(&h, q)) < 0)
		goto out;
	if (h.n > 1)	/* h.h is NULL when nothing matched */
		qsort(h.h, h.n, sizeof(*h.h), cmp_hit);
	done = calloc(ix.nitems + 1, 1);
	if (!done) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	while (a < h.n && ret == 0) {
		uint32_t item = h.h[a].item;
		struct vote best, v;
		int best_sig = -1;
		size_t b = a;

		/* per signal, the best vote; frames first, then regions, then mirror */
		while (b < h.n && h.h[b].item == item) {
			size_t e = b;

			while (e < h.n && h.h[e].item == item && h.h[e].sig == h.h[b].sig)
				e++;
			vote(h.h, b, e, q, &ix, item, &v);
			if (best_sig < 0 || v.agree_all > best.agree_all ||
			    (v.agree_all == best.agree_all && h.h[b].sig < best_sig)) {
				best = v;
				best_sig = h.h[b].sig;
			}
			b = e;
		}
		done[item] = 1;
		ret = decide(c, q, &ix.items[item], &best, best_sig, out);
		a = b;
	}
	/* items without a frame hit: same SHA-256, or TMK alone */
	for (size_t i = 0; i < ix.nitems && ret == 0; i++)
		if (!done[i] && ix.items[i].it.id != q->item)
			ret = decide(c, q, &ix.items[i], NULL, -1, out);
	if (ret == 0 && out->n > 1)
		qsort(out->m, out->n, sizeof(*out->m), cmp_match);
out:
	if (ret < 0)
		tg_match_list_release(out);
	free(done);
	free(h.h);
	index_release(&ix);
	return ret;
}

/* ---- the query ---- */

static double period_of(const struct tg_frame_hash_row *r, size_t n)
{
	return n > 1 && r[1].pts_s > r[0].pts_s ? r[1].pts_s - r[0].pts_s : 1;
}

/*
 * A file is analysed in one pass by three analysers: vPDQ at its own size
 * every TG_MATCH_QUERY_SAMPLE_S with the extra hashes (bars, centre,
 * regions, dihedral), PDQ of every frame at 64x64 (the same process as the
 * items' tmk-pdq rows, so a sub-clip or still aligns to 1/15 s whatever its
 * phase), and TMK.
 */
int tg_case_match_file(struct tg_case *c, const char *path, struct tg_match_query *mq,
		       struct tg_match_list *out)
{
	struct tg_an_vpdq *v = malloc(sizeof(*v)), *d = malloc(sizeof(*d));
	struct tg_an_tmk *t = malloc(sizeof(*t));
	struct tg_analyser pv = { 0 }, pd = { 0 }, pt = { 0 }, *list[3] = { &pv, &pd, &pt };
	struct tg_media_run_stats stats;
	struct tg_media_info info;
	struct subject q;
	unsigned long long size;
	int ret;

	memset(&q, 0, sizeof(q));
	memset(out, 0, sizeof(*out));
	memset(mq, 0, sizeof(*mq));
	if (!v || !d || !t) {
		free(v);
		free(d);
		free(t);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	/* hash the query as add hashed the items: from the decoded luma */
	tg_an_vpdq_setup(v, &pv, TG_MATCH_QUERY_SAMPLE_S, 1, 1);
	tg_an_vpdq_setup(d, &pd, 0, 0, 0);
	pd.name = "pdq64";
	pd.width = pd.height = TG_TMK_SIDE;
	tg_an_tmk_setup(t, &pt, 1);
	ret = tg_sha256_file(path, q.sha256, &size);
	if (ret == 0)
		ret = tg_media_run(path, list, 3, NULL, NULL, &info, &stats);
	if (ret == 0 && (pv.failed || pd.failed))
		ret = tg_error(TG_EINPUT, "%s: %s", path, pv.failed ? pv.error : pd.error);
	if (ret < 0)
		goto out;
	q.is_video = stats.video_frames > 1;
	snprintf(q.media_type, sizeof(q.media_type), "%s", q.is_video ? "video" : "image");
	q.full = v->full.r;
	q.nfull = v->full.n;
	q.crop = v->crop.r;
	q.ncrop = v->crop.n;
	q.center = v->center.r;
	q.ncenter = v->center.n;
	q.quad = v->quad.r;
	q.nquad = v->quad.n;
	q.dih = v->dih;
	q.dense = d->full.r;
	q.ndense = d->full.n;
	q.dense_dih = d->dih;
	q.period = period_of(q.full, q.nfull);
	q.duration = q.is_video ? (isfinite(info.duration_s) && info.duration_s > 0 ?
				   info.duration_s : (q.nfull ? q.full[q.nfull - 1].pts_s + q.period : 0)) : 0;
	if (q.is_video && t->done) {
		q.tmk = malloc(sizeof(*q.tmk));
		if (q.tmk)
			*q.tmk = t->sig;
	}
	snprintf(mq->sha256, sizeof(mq->sha256), "%s", q.sha256);
	snprintf(mq->media_type, sizeof(mq->media_type), "%s", q.media_type);
	mq->duration_s = q.duration;
	mq->hashes = (long long)q.nfull;
	ret = run_match(c, &q, out);
out:
	subject_release(&q);	/* not owned: only the TMK copy */
	tg_an_vpdq_release(v);
	tg_an_vpdq_release(d);
	tg_an_tmk_release(t);
	free(v);
	free(d);
	free(t);
	return ret;
}

struct rows {
	struct tg_frame_hash_row *r;
	size_t n, cap;
	int err;
};

static int take_row(void *user, const struct tg_frame_hash_row *row)
{
	struct rows *l = user;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *p = realloc(l->r, cap * sizeof(*l->r));

		if (!p) {
			l->err = tg_error(TG_ENOMEM, "out of memory");
			return 1;
		}
		l->r = p;
		l->cap = cap;
	}
	l->r[l->n++] = *row;
	return 0;
}

static int load_rows(struct tg_case *c, long long item, const char *kind,
		     struct tg_frame_hash_row **r, size_t *n)
{
	struct rows l = { NULL, 0, 0, 0 };
	int ret = tg_store_frame_hashes(c->store, item, kind, take_row, &l);

	if (l.err < 0)
		ret = l.err;
	*r = l.r;
	*n = l.n;
	return ret;
}

int tg_case_match_item(struct tg_case *c, const struct tg_item *item, struct tg_match_query *mq,
		       struct tg_match_list *out)
{
	struct subject q;
	void *dih = NULL;
	size_t len = 0;
	int ret;

	memset(&q, 0, sizeof(q));
	memset(out, 0, sizeof(*out));
	memset(mq, 0, sizeof(*mq));
	q.owned = 1;
	q.item = item->id;
	snprintf(q.sha256, sizeof(q.sha256), "%s", item->sha256);
	snprintf(q.media_type, sizeof(q.media_type), "%s", item->media_type);
	q.is_video = strcmp(item->media_type, "video") == 0;
	ret = load_rows(c, item->id, "vpdq", &q.full, &q.nfull);
	if (ret == 0)
		ret = load_rows(c, item->id, "vpdq-crop", &q.crop, &q.ncrop);
	if (ret == 0)
		ret = load_rows(c, item->id, "vpdq-center", &q.center, &q.ncenter);
	if (ret == 0)
		ret = load_rows(c, item->id, "vpdq-quad", &q.quad, &q.nquad);
	if (ret == 0)
		ret = load_rows(c, item->id, "tmk-pdq", &q.dense, &q.ndense);
	if (ret == 0) {
		ret = tg_store_blob_get(c->store, item->id, "vpdq-dihedral", &dih, &len);
		if (ret == 0 && len == q.nfull * sizeof(*q.dih))
			q.dih = dih;
		else
			free(dih);
		if (ret == TG_ENOTFOUND)
			ret = 0;
	}
	if (ret == 0 && q.is_video)
		ret = load_tmk(c, item->id, &q.tmk);
	if (ret < 0)
		goto out;
	q.period = period_of(q.full, q.nfull);
	q.duration = q.is_video && q.nfull ? q.full[q.nfull - 1].pts_s + q.period : 0;
	snprintf(mq->sha256, sizeof(mq->sha256), "%s", q.sha256);
	snprintf(mq->media_type, sizeof(mq->media_type), "%s", q.media_type);
	mq->item = item->id;
	mq->duration_s = q.duration;
	mq->hashes = (long long)q.nfull;
	ret = run_match(c, &q, out);
out:
	subject_release(&q);
	return ret;
}
