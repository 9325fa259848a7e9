/* an_envelope.c - the sync signature as a case analyser; see an_envelope.h. */
#include "case/an_envelope.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>

#include "util/error.h"

static int audio(void *state, const struct tg_pcm *pcm)
{
	struct tg_syncsig *sig = state;

	sig->unusable += (long long)pcm->unusable;
	return tg_syncsig_push(sig, pcm->samples, pcm->frames, pcm->t0_s);
}

static int finish(void *state)
{
	return tg_syncsig_finish(state);
}

static void wants(struct tg_analyser *pa, struct tg_syncsig *sig)
{
	pa->name = "envelope";
	pa->state = sig;
	pa->audio_rate = TG_SYNCSIG_RATE;
	pa->audio_channels = 1;
	pa->audio = audio;
	pa->finish = finish;
}

int tg_an_envelope_file(const char *path, struct tg_syncsig *sig)
{
	struct tg_analyser pa = { 0 };
	int ret;

	tg_syncsig_init(sig);
	wants(&pa, sig);
	ret = tg_media_run_one(path, &pa);
	if (ret == 0 && sig->n < TG_SYNCSIG_RATE / 10)
		ret = tg_error(TG_EINPUT, "%s: has no audio to align", path);
	if (ret < 0)
		tg_syncsig_release(sig);
	return ret;
}

int tg_an_envelope_load(struct tg_store *st, long long item_id, struct tg_syncsig *sig)
{
	void *data = NULL;
	size_t len = 0;
	int ret = tg_store_blob_get(st, item_id, TG_AN_ENVELOPE_BLOB, &data, &len);

	tg_syncsig_init(sig);
	if (ret < 0)
		return ret;
	ret = tg_syncsig_decode(data, len, sig);
	free(data);
	return ret;
}

static int create(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx)
{
	struct tg_syncsig *sig = malloc(sizeof(*sig));

	(void)ctx;
	if (!sig)
		return tg_error(TG_ENOMEM, "out of memory");
	tg_syncsig_init(sig);
	wants(pa, sig);
	*state = sig;
	return 0;
}

static int result(void *state, cJSON **out, double *confidence)
{
	struct tg_syncsig *sig = state;
	cJSON *r;

	*confidence = NAN;
	*out = NULL;
	if (sig->n == 0)
		return tg_error(TG_EINPUT, "envelope: no audio");
	r = cJSON_CreateObject();
	if (!r)
		return tg_error(TG_ENOMEM, "out of memory");
	cJSON_AddNumberToObject(r, "samples", (double)sig->n);
	cJSON_AddNumberToObject(r, "rate_hz", TG_SYNCSIG_RATE);
	cJSON_AddNumberToObject(r, "duration_s", round((double)sig->n / TG_SYNCSIG_RATE * 1000) / 1000);
	cJSON_AddNumberToObject(r, "start_s", round(sig->t0_s * 1e6) / 1e6);
	cJSON_AddNumberToObject(r, "bytes", (double)(32 + 2 * sig->nlevel + (sig->n + 7) / 8));
	cJSON_AddNumberToObject(r, "unusable_samples", (double)sig->unusable);
	cJSON_AddStringToObject(r, "blob", TG_AN_ENVELOPE_BLOB);
	cJSON_AddStringToObject(r, "method", "10 ms levels and 8 kHz sign bits of the "
				"pre-emphasised mono mix (audio/syncsig.h)");
	*out = r;
	return 0;
}

static int store(void *state, struct tg_store *st, long long item_id)
{
	uint8_t *blob = NULL;
	size_t len = 0;
	int ret = tg_syncsig_encode(state, &blob, &len);

	if (ret == 0)
		ret = tg_store_blob_put(st, item_id, TG_AN_ENVELOPE_BLOB, blob, len);
	free(blob);
	return ret;
}

static void destroy(void *state)
{
	tg_syncsig_release(state);
	free(state);
}

const struct tg_case_analyser tg_an_envelope = {
	.name = "envelope",
	.version = "2",	/* 2: two channels mixed to one by media/downmix.c (an inverted second channel no longer cancels the first; a stereo pair of like channels gives its mono signature exactly) */
	.applies_to = "video,audio",
	.create = create,
	.result = result,
	.store = store,
	.destroy = destroy,
};
