/* syncsig.c - sign-and-level signature for sync; see syncsig.h. */
#include "audio/syncsig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define HEADER 32
#define SILENCE INT16_MIN

void tg_syncsig_init(struct tg_syncsig *s)
{
	memset(s, 0, sizeof(*s));
}

void tg_syncsig_release(struct tg_syncsig *s)
{
	if (!s)
		return;
	free(s->level);
	free(s->bits);
	memset(s, 0, sizeof(*s));
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t nc;
	void *np;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 1024;
	while (nc < need)
		nc *= 2;
	np = realloc(*p, nc * size);
	if (!np)
		return tg_error(TG_ENOMEM, "sync signature: out of memory");
	memset((char *)np + *cap * size, 0, (nc - *cap) * size);
	*p = np;
	*cap = nc;
	return 0;
}

static int close_frame(struct tg_syncsig *s)
{
	int ret = grow((void **)&s->level, &s->cap_level, s->nlevel + 1, sizeof(int16_t));
	double rms, db;

	if (ret < 0)
		return ret;
	rms = sqrt(s->energy / (s->infr ? s->infr : 1));
	db = rms > 0.0 ? 20.0 * log10(rms) : -1000.0;
	s->level[s->nlevel++] = db < -300.0 ? SILENCE : (int16_t)lrint(db * 100.0);
	s->energy = 0.0;
	s->infr = 0;
	return 0;
}

int tg_syncsig_push(struct tg_syncsig *s, const float *x, size_t n, double t0)
{
	int ret;

	if (!s->started && n) {
		s->t0_s = t0;
		s->started = 1;
	}
	if ((ret = grow((void **)&s->bits, &s->cap_bits, (size_t)((s->n + n + 7) / 8), 1)) < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		float d = x[i] - 0.95f * s->prev;

		s->prev = x[i];
		if (d > 0.0f)
			s->bits[s->n / 8] |= (uint8_t)(1u << (s->n % 8));
		s->energy += (double)d * d;
		s->n++;
		if (++s->infr == TG_SYNCSIG_FRAME && (ret = close_frame(s)) < 0)
			return ret;
	}
	return 0;
}

int tg_syncsig_finish(struct tg_syncsig *s)
{
	return s->infr ? close_frame(s) : 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

int tg_syncsig_encode(const struct tg_syncsig *s, uint8_t **out, size_t *len)
{
	size_t nb = (size_t)((s->n + 7) / 8), n = HEADER + 2 * s->nlevel + nb;
	uint8_t *p = malloc(n ? n : 1);
	uint64_t t;

	if (!p)
		return tg_error(TG_ENOMEM, "sync signature: out of memory");
	memcpy(p, "TGSYNC1", 8);
	put32(p + 8, TG_SYNCSIG_RATE);
	put32(p + 12, TG_SYNCSIG_FRAME);
	put64(p + 16, s->n);
	memcpy(&t, &s->t0_s, 8);
	put64(p + 24, t);
	for (size_t i = 0; i < s->nlevel; i++) {
		uint16_t v = (uint16_t)s->level[i];
		p[HEADER + 2 * i] = (uint8_t)v;
		p[HEADER + 2 * i + 1] = (uint8_t)(v >> 8);
	}
	if (nb)
		memcpy(p + HEADER + 2 * s->nlevel, s->bits, nb);
	*out = p;
	*len = n;
	return 0;
}

int tg_syncsig_decode(const uint8_t *d, size_t len, struct tg_syncsig *s)
{
	uint64_t n, t;
	size_t nf, nb;

	tg_syncsig_init(s);
	if (len < HEADER || memcmp(d, "TGSYNC1", 8) != 0 || get(d + 8, 4) != TG_SYNCSIG_RATE ||
	    get(d + 12, 4) != TG_SYNCSIG_FRAME)
		return tg_error(TG_EINPUT, "sync signature: not a TGSYNC1 blob");
	n = get(d + 16, 8);
	if (n > (uint64_t)TG_SYNCSIG_RATE * 3600 * 48)
		return tg_error(TG_EINPUT, "sync signature: implausible length");
	nf = (size_t)((n + TG_SYNCSIG_FRAME - 1) / TG_SYNCSIG_FRAME);
	nb = (size_t)((n + 7) / 8);
	if (len != HEADER + 2 * nf + nb)
		return tg_error(TG_EINPUT, "sync signature: truncated blob");
	t = get(d + 24, 8);
	memcpy(&s->t0_s, &t, 8);
	s->started = 1;
	s->n = n;
	s->level = malloc(sizeof(int16_t) * (nf ? nf : 1));
	s->bits = malloc(nb ? nb : 1);
	if (!s->level || !s->bits) {
		tg_syncsig_release(s);
		return tg_error(TG_ENOMEM, "sync signature: out of memory");
	}
	for (size_t i = 0; i < nf; i++)
		s->level[i] = (int16_t)(uint16_t)get(d + HEADER + 2 * i, 2);
	s->nlevel = s->cap_level = nf;
	if (nb)
		memcpy(s->bits, d + HEADER + 2 * nf, nb);
	s->cap_bits = nb;
	return 0;
}

float *tg_syncsig_signal(const struct tg_syncsig *s)
{
	float *x = malloc(sizeof(float) * (size_t)(s->n ? s->n : 1));

	if (!x) {
		tg_error(TG_ENOMEM, "sync signature: out of memory");
		return NULL;
	}
	for (uint64_t i = 0; i < s->n;) {
		size_t f = (size_t)(i / TG_SYNCSIG_FRAME);
		uint64_t end = (uint64_t)(f + 1) * TG_SYNCSIG_FRAME;
		float a = f < s->nlevel && s->level[f] != SILENCE ?
			  powf(10.0f, (float)s->level[f] / 2000.0f) : 0.0f;

		for (; i < end && i < s->n; i++)
			x[i] = s->bits[i / 8] & (1u << (i % 8)) ? a : -a;
	}
	return x;
}
