/*
 * audio_rate.c - speed of the audio analyses on one core, decode timed apart.
 *
 *   audio_rate shots FILE      decode through lib/media's pipeline (mono
 *                              24 kHz float into memory), then gunshot analysis
 *   audio_rate sync A B        decode each through the pipeline into its sync
 *                              signature (audio/syncsig.h), then sync
 *
 * The decode is the same single pass `testigo add` runs (media/pipeline.h);
 * its time is printed separately so it can be compared with `ffmpeg -f null`
 * (bench/audio).  Shots are fed in 1 s blocks as the pipeline would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audio/shots.h"
#include "audio/sync.h"
#include "audio/syncsig.h"
#include "case/an_envelope.h"
#include "media/pipeline.h"
#include "util/error.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct buf {
	float *x;
	size_t n, cap;
};

static int collect(void *state, const struct tg_pcm *pcm)
{
	struct buf *b = state;

	if (b->n + pcm->frames > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 1 << 20;
		float *nx;
		while (nc < b->n + pcm->frames)
			nc *= 2;
		nx = realloc(b->x, nc * sizeof(float));
		if (!nx)
			return tg_error(TG_ENOMEM, "out of memory");
		b->x = nx;
		b->cap = nc;
	}
	memcpy(b->x + b->n, pcm->samples, pcm->frames * sizeof(float));
	b->n += pcm->frames;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "shots")) {
		const int rate = 24000;
		struct buf b = { 0 };
		struct tg_analyser pa = { 0 };
		struct tg_analyser *list[1] = { &pa };
		struct tg_shots *s = tg_shots_new(rate);
		struct tg_shots_result r;
		double t0, td;
		size_t i;

		pa.name = "collect";
		pa.state = &b;
		pa.audio_rate = rate;
		pa.audio_channels = 1;
		pa.audio = collect;
		t0 = now();
		if (!s || tg_media_run(argv[2], list, 1, NULL, NULL, NULL, NULL) < 0 || pa.failed) {
			fprintf(stderr, "audio_rate: %s\n", tg_errmsg());
			return 1;
		}
		td = now() - t0;
		t0 = now();
		for (i = 0; i < b.n; i += (size_t)rate)
			if (tg_shots_push(s, b.x + i, b.n - i < (size_t)rate ? b.n - i : (size_t)rate,
					  (double)i / rate) < 0)
				return 1;
		if (tg_shots_finish(s, &r) < 0)
			return 1;
		t0 = now() - t0;
		printf("decode (pipeline, mono f32 %d Hz): %.2f s\n", rate, td);
		printf("shots: %.1f s of audio at %d Hz in %.2f s (%.0fx real time); "
		       "%zu events, %zu gunshots\n", (double)b.n / rate, rate, t0,
		       (double)b.n / rate / t0, r.n_events, r.n_shots);
		tg_shots_result_release(&r);
		tg_shots_free(s);
		free(b.x);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "sync")) {
		struct tg_syncsig sa, sb;
		struct tg_sync_result r;
		float *a, *b;
		double t0, tda, tdb;

		t0 = now();
		if (tg_an_envelope_file(argv[2], &sa) < 0) {
			fprintf(stderr, "audio_rate: %s\n", tg_errmsg());
			return 1;
		}
		tda = now() - t0;
		t0 = now();
		if (tg_an_envelope_file(argv[3], &sb) < 0) {
			fprintf(stderr, "audio_rate: %s\n", tg_errmsg());
			return 1;
		}
		tdb = now() - t0;
		printf("decode (pipeline, into sync signatures at 8 kHz): A %.2f s, B %.2f s\n", tda, tdb);
		t0 = now();
		a = tg_syncsig_signal(&sa);
		b = tg_syncsig_signal(&sb);
		if (!a || !b || tg_sync_compute(a, (size_t)sa.n, b, (size_t)sb.n, TG_SYNCSIG_RATE, &r) < 0)
			return 1;
		t0 = now() - t0;
		printf("sync: %.1f s vs %.1f s at %d Hz in %.2f s; aligned %d offset %.5f s "
		       "drift %.1f ppm conf %.2f (%d/%d windows)\n", (double)sa.n / TG_SYNCSIG_RATE,
		       (double)sb.n / TG_SYNCSIG_RATE, TG_SYNCSIG_RATE, t0, r.aligned, r.offset_mid_s,
		       r.drift_ppm, r.confidence, r.consistent, r.windows);
		free(a);
		free(b);
		tg_syncsig_release(&sa);
		tg_syncsig_release(&sb);
		return 0;
	}
	fprintf(stderr, "usage: audio_rate shots FILE | sync A B\n");
	return 2;
}
