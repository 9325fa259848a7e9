/*
 * vpdq.c - vPDQ frame records and matching (see vpdq.h).
 */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phash/vpdq.h"
#include "util/error.h"

long long tg_vpdq_sample_every(double seconds, double frame_rate)
{
	long long n = seconds > 0 && frame_rate > 0 ? llround(seconds * frame_rate) : 1;

	return n < 1 ? 1 : n;
}

int tg_vpdq_hash_frame(struct tg_pdq_scratch *s, const uint8_t *rgb, int w, int h,
		       size_t stride, int64_t frame, double ts, struct tg_vpdq_frame *out)
{
	out->frame = frame;
	out->ts = ts;
	return tg_pdq_hash_rgb(s, rgb, w, h, stride, &out->hash, &out->quality);
}

int tg_vpdq_format(const struct tg_vpdq_frame *f, char *buf, size_t len)
{
	char hex[TG_PDQ_HEX_LEN + 1];

	tg_pdq_to_hex(&f->hash, hex);
	return snprintf(buf, len, "%" PRId64 ",%d,%s,%.3f", f->frame, f->quality, hex, f->ts);
}

int tg_vpdq_parse(const char *line, struct tg_vpdq_frame *f)
{
	char *end;
	long long frame;
	long q;

	errno = 0;
	frame = strtoll(line, &end, 10);
	if (end == line || *end != ',' || frame < 0 || errno)
		goto bad;
	line = end + 1;
	q = strtol(line, &end, 10);
	if (end == line || *end != ',' || q < 0 || q > 100)
		goto bad;
	line = end + 1;
	if (strlen(line) < TG_PDQ_HEX_LEN + 1 || line[TG_PDQ_HEX_LEN] != ',' ||
	    tg_pdq_from_hex(line, &f->hash) < 0)
		goto bad;
	line += TG_PDQ_HEX_LEN + 1;
	f->ts = strtod(line, &end);
	if (end == line || (*end && *end != '\n' && *end != '\r'))
		goto bad;
	f->frame = frame;
	f->quality = (int)q;
	return 0;
bad:
	return tg_error(TG_EINPUT, "vpdq: malformed line (want frame,quality,hash,timestamp)");
}

/* Count the kept frames of a that have a kept frame of b within the threshold. */
static size_t count_matched(const struct tg_vpdq_frame *a, size_t na,
			    const struct tg_vpdq_frame *b, size_t nb,
			    int quality_min, int distance_below, size_t *kept)
{
	size_t matched = 0;

	*kept = 0;
	for (size_t i = 0; i < na; i++) {
		if (a[i].quality < quality_min)
			continue;
		(*kept)++;
		for (size_t j = 0; j < nb; j++) {
			if (b[j].quality < quality_min)
				continue;
			if (tg_pdq_distance(&a[i].hash, &b[j].hash) < distance_below) {
				matched++;
				break;
			}
		}
	}
	return matched;
}

void tg_vpdq_match(const struct tg_vpdq_frame *q, size_t nq,
		   const struct tg_vpdq_frame *c, size_t nc,
		   int quality_min, int distance_below,
		   double *query_pct, double *compared_pct)
{
	size_t kq, kc, mq, mc;

	mq = count_matched(q, nq, c, nc, quality_min, distance_below, &kq);
	mc = count_matched(c, nc, q, nq, quality_min, distance_below, &kc);
	*query_pct = kq && kc ? 100.0 * (double)mq / (double)kq : 0.0;
	*compared_pct = kq && kc ? 100.0 * (double)mc / (double)kc : 0.0;
}
