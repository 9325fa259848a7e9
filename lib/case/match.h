/*
 * match.h - where else in the case does this footage appear?
 *
 * A query (a file analysed on the fly, or an item of the case) is compared
 * with every item through the match index (phash/mih.h) built from the
 * catalog's frame hashes (an_vpdq.h: whole frames, frames inside black
 * bars, four overlapping regions), then confirmed by time:
 *
 *  1. every query hash of quality >= TG_MATCH_QUALITY_MIN is looked up at
 *     Hamming distance <= TG_MATCH_RADIUS; the query's whole-frame and
 *     inside-the-bars hashes against the items' whole-frame and inside-the-
 *     bars hashes ("frames"), its seven dihedral variants against the same
 *     ("mirror": a flipped or rotated copy), its regions against the same
 *     regions of the items ("regions": a logo or text over part of the
 *     picture);
 *  2. per item and signal, the matched pairs vote for a time offset
 *     t_item - t_query (1 s bins, a window of 3 bins); the pairs near the
 *     winning offset are the agreeing frames, and give the aligned ranges
 *     in both and the share of the query's frames in its range that agree;
 *  3. an item is reported when enough frames agree (TG_MATCH_MIN_FRAMES, or
 *     every frame of a query shorter than that; one for an image), and is
 *     classed: duplicate (same SHA-256, or every frame identical),
 *     near-duplicate (the aligned ranges cover >= 80% of both), subclip
 *     (they cover >= 80% of one only, or part of both), frame (an image
 *     and a video), mirror (found through a dihedral variant).  TMK
 *     level-1/level-2 scores are added for video pairs, and a pair with
 *     both >= TG_MATCH_TMK_STRONG is a near-duplicate even when too few
 *     frames agree (e.g. heavy overlays).
 *
 * Memory: the index holds every frame hash of the case (about 100 bytes a
 * hash, mih.h); at one hash a second that is 8.6 MB per 24 hours of video.
 */
#ifndef TG_CASE_MATCH_H
#define TG_CASE_MATCH_H

#include "case/case.h"

#define TG_MATCH_RADIUS 30		/* distance < 31, as vPDQ */
#define TG_MATCH_QUALITY_MIN 50		/* query hashes */
#define TG_MATCH_INDEX_QUALITY_MIN 20	/* the case's: a rich query may find a dim copy */
#define TG_MATCH_MIN_FRAMES 3
#define TG_MATCH_MIN_AGREE 0.30		/* share of query frames in range */
#define TG_MATCH_COVER 0.90
#define TG_MATCH_TMK 0.70		/* the reference's threshold */
#define TG_MATCH_TMK_STRONG 0.90
#define TG_MATCH_QUERY_SAMPLE_S 0.2	/* a FILE query's full-size sampling */

struct tg_match {
	long long item;
	char sha256[65];
	char kind[16];			/* duplicate near-duplicate subclip frame mirror */
	char via[24];			/* sha256 frames bars regions mirror:flipy tmk ... */
	double score;			/* 0..1: share of agreeing frames (TMK level 2 for tmk) */
	int is_video;			/* both sides video: ranges meaningful */
	double query_range_s[2], item_range_s[2];
	double offset_s;		/* t_item - t_query */
	int frames_agree, frames_in_range;
	int best_distance;
	double tmk_level1, tmk_level2;	/* NaN when not both videos */
};

struct tg_match_query {
	char sha256[65];
	long long item;			/* 0 for a file */
	char media_type[16];
	double duration_s;
	long long hashes;		/* whole-frame hashes */
};

struct tg_match_list {
	struct tg_match *m;
	size_t n, cap;
};

void tg_match_list_release(struct tg_match_list *l);

/* Analyse path (not added to the case) and match it. */
int tg_case_match_file(struct tg_case *c, const char *path, struct tg_match_query *q,
		       struct tg_match_list *out);

/* Match an item of the case against the others (e.g. after `add`). */
int tg_case_match_item(struct tg_case *c, const struct tg_item *item, struct tg_match_query *q,
		       struct tg_match_list *out);

#endif
