/*
 * syncsig.h - a compact, sync-ready signature of a recording's sound.
 *
 * tg_sync_compute() needs the waveform only through GCC-PHAT (which keeps
 * the phase of each frequency and discards its magnitude) and through the
 * coarse onset envelope (energy per 10 ms).  So a recording is kept as
 *
 *   - the level of each 10 ms frame of the pre-emphasised signal
 *     (y[n] = x[n] - 0.95 x[n-1], the same emphasis as sync's envelope),
 *     in 0.01 dB steps, and
 *   - the sign of every pre-emphasised sample at 8 kHz (one bit),
 *
 * and rebuilt as sign x frame level.  This "polarity" signal preserves
 * every zero crossing, hence the phase that GCC-PHAT uses: on the
 * conformance pairs the offsets agree with the float signal within
 * 0.003 ms, unrelated pairs stay unaligned (docs/audio.md).  It costs
 * 1.2 kB per second (4.3 MB per hour) instead of 32 kB of float, so
 * `testigo sync ITEM ITEM` reads it from the catalog and never decodes.
 *
 * Blob format (all little-endian), stored as blob "sync-envelope":
 *
 *   offset size  field
 *   0      8     magic "TGSYNC1\0"
 *   8      4     rate (Hz, 8000)
 *   12     4     frame length in samples (80)
 *   16     8     number of samples n
 *   24     8     t0_s, IEEE double: time of the first sample
 *   32     2*F   frame levels, int16, 0.01 dB (-32768: digital silence),
 *                F = ceil(n / frame)
 *   32+2F  ceil(n/8)  sign bits, sample i in byte i/8, bit i%8 (1: > 0)
 *
 * The encoder is streaming and keeps one frame; what grows is the output
 * (bounded by the input length, 1.2 kB/s).
 */
#ifndef TG_AUDIO_SYNCSIG_H
#define TG_AUDIO_SYNCSIG_H

#include <stddef.h>
#include <stdint.h>

#define TG_SYNCSIG_RATE 8000
#define TG_SYNCSIG_FRAME 80

struct tg_syncsig {
	double t0_s;
	int started;
	uint64_t n;		/* samples */
	int16_t *level;		/* per frame */
	size_t nlevel, cap_level;
	uint8_t *bits;
	size_t cap_bits;
	/* the open frame */
	float prev;
	double energy;
	int infr;
	long long unusable;	/* samples the decoder delivered as silence (NaN, infinite, absurd) */
};

void tg_syncsig_init(struct tg_syncsig *s);
void tg_syncsig_release(struct tg_syncsig *s);
/* Mono samples at TG_SYNCSIG_RATE; t0 of the first block is kept. */
int tg_syncsig_push(struct tg_syncsig *s, const float *x, size_t n, double t0);
/* Close the last frame. */
int tg_syncsig_finish(struct tg_syncsig *s);

/* Serialise (malloc'ed *out) / parse a blob (TG_EINPUT when malformed). */
int tg_syncsig_encode(const struct tg_syncsig *s, uint8_t **out, size_t *len);
int tg_syncsig_decode(const uint8_t *data, size_t len, struct tg_syncsig *s);

/* The signal to align: sign x frame level (malloc'ed, s->n floats). */
float *tg_syncsig_signal(const struct tg_syncsig *s);

#endif
