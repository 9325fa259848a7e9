/*
 * an_shots.c - the "shots" case analyser and its result document; see an_shots.h.
 */
#include "case/an_shots.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/ranging.h"
#include "util/error.h"

#define MAX_RANGING 256

struct tg_an_shots_state {
	struct tg_an_shots_params p;
	struct tg_shots *det;
	struct tg_shots_result res;
	int finished;
	int with_plot;
	struct tg_spectro sp;
	long long unusable;	/* samples that were NaN, infinite or absurd, analysed as silence */
	double inverted_s;	/* audio whose second channel was the first inverted (media/downmix.h) */
};

int tg_an_shots_params_parse(const char *json, struct tg_an_shots_params *p)
{
	cJSON *root = NULL, *v;
	int ret = 0;

	p->temp_c = TG_AN_SHOTS_TEMP_C;
	p->v_min = TG_AN_SHOTS_VMIN;
	p->v_max = TG_AN_SHOTS_VMAX;
	if (!json || !json[0])
		return 0;
	root = cJSON_Parse(json);
	if (!cJSON_IsObject(root)) {
		ret = tg_error(TG_EINPUT, "shots: params are not a JSON object");
		goto out;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "temp_c"))) {
		if (!cJSON_IsNumber(v)) {
			ret = tg_error(TG_EINPUT, "shots: temp_c must be a number");
			goto out;
		}
		p->temp_c = v->valuedouble;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(root, "bullet_speed"))) {
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
		    !cJSON_IsNumber(cJSON_GetArrayItem(v, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(v, 1))) {
			ret = tg_error(TG_EINPUT, "shots: bullet_speed must be [min, max] in m/s");
			goto out;
		}
		p->v_min = cJSON_GetArrayItem(v, 0)->valuedouble;
		p->v_max = cJSON_GetArrayItem(v, 1)->valuedouble;
	}
	if (!(p->temp_c >= -60.0 && p->temp_c <= 60.0)) {
		ret = tg_error(TG_EINPUT, "shots: temperature %g C is outside -60..60", p->temp_c);
		goto out;
	}
	if (!(p->v_min > tg_ranging_sound_speed(p->temp_c) && p->v_max >= p->v_min && p->v_max <= 2000.0)) {
		ret = tg_error(TG_EINPUT, "shots: bullet speeds %g-%g m/s: need speed of sound "
			       "(%.1f m/s) < min <= max <= 2000", p->v_min, p->v_max,
			       tg_ranging_sound_speed(p->temp_c));
		goto out;
	}
out:
	cJSON_Delete(root);
	return ret;
}

void tg_an_shots_params_text(const struct tg_an_shots_params *p, char *buf, size_t n)
{
	int k = snprintf(buf, n, "{");

	if (p->v_min != TG_AN_SHOTS_VMIN || p->v_max != TG_AN_SHOTS_VMAX)
		k += snprintf(buf + k, n > (size_t)k ? n - (size_t)k : 0, "\"bullet_speed\":[%g,%g]",
			      p->v_min, p->v_max);
	if (p->temp_c != TG_AN_SHOTS_TEMP_C)
		k += snprintf(buf + k, n > (size_t)k ? n - (size_t)k : 0, "%s\"temp_c\":%g",
			      k > 1 ? "," : "", p->temp_c);
	snprintf(buf + k, n > (size_t)k ? n - (size_t)k : 0, "}");
}

static int audio(void *state, const struct tg_pcm *pcm)
{
	struct tg_an_shots_state *s = state;

	s->unusable += (long long)pcm->unusable;
	if (pcm->inverted)
		s->inverted_s += (double)pcm->frames / pcm->rate;
	if (s->with_plot)
		tg_spectro_push(&s->sp, pcm->samples, pcm->frames, pcm->t0_s);
	return tg_shots_push(s->det, pcm->samples, pcm->frames, pcm->t0_s);
}

static int finish(void *state)
{
	struct tg_an_shots_state *s = state;
	int ret = tg_shots_finish(s->det, &s->res);

	if (ret == 0)
		s->finished = 1;
	return ret;
}

int tg_an_shots_new(struct tg_an_shots_state **out, const struct tg_an_shots_params *p,
		    int with_plot, struct tg_analyser *pa)
{
	struct tg_an_shots_state *s = calloc(1, sizeof(*s));
	int ret;

	*out = NULL;
	if (!s)
		return tg_error(TG_ENOMEM, "out of memory");
	s->p = *p;
	s->det = tg_shots_new(TG_AN_SHOTS_RATE);
	if (!s->det) {
		free(s);
		return tg_error(TG_ENOMEM, "shots: cannot create the detector: out of memory");
	}
	if (with_plot) {
		if ((ret = tg_spectro_init(&s->sp, TG_AN_SHOTS_RATE)) < 0) {
			tg_an_shots_free(s);
			return ret;
		}
		s->with_plot = 1;
	}
	pa->name = "shots";
	pa->state = s;
	pa->audio_rate = TG_AN_SHOTS_RATE;
	pa->audio_channels = 1;
	pa->audio = audio;
	pa->finish = finish;
	*out = s;
	return 0;
}

void tg_an_shots_free(struct tg_an_shots_state *s)
{
	if (!s)
		return;
	tg_shots_free(s->det);
	tg_shots_result_release(&s->res);
	if (s->with_plot)
		tg_spectro_release(&s->sp);
	free(s);
}

const struct tg_shots_result *tg_an_shots_events(struct tg_an_shots_state *s)
{
	return s->finished ? &s->res : NULL;
}

const struct tg_spectro *tg_an_shots_spectro(struct tg_an_shots_state *s)
{
	return s->with_plot ? &s->sp : NULL;
}

static void emit_features(struct tg_out *o, const struct tg_shot_event *e)
{
	tg_out_begin(o, "features");
	tg_out_num(o, "model_logit", e->logit, 2);
	tg_out_num(o, "score", e->score, 2);
	tg_out_num(o, "onset_strength_db", e->strength, 1);
	tg_out_num(o, "snr_db", e->snr_db, 1);
	tg_out_num(o, "rise_ms", e->rise_ms, 2);
	tg_out_num(o, "centroid_hz", e->centroid_hz, 0);
	tg_out_num(o, "lf_db", e->lf_db, 1);
	tg_out_num(o, "hf_db", e->hf_db, 1);
	tg_out_num(o, "vhf_db", e->vhf_db, 1);
	tg_out_num(o, "width", e->width, 2);
	tg_out_num(o, "decay_ms", e->decay_ms, 0);
	tg_out_num(o, "tail_db", e->tail_db, 1);
	tg_out_num(o, "jump_db", e->jump_db, 1);
	tg_out_num(o, "compactness", e->compact, 2);
	tg_out_num(o, "step_jump_db", e->step_jump_db, 1);
	tg_out_num(o, "harmonicity", e->harmonicity, 2);
	tg_out_num(o, "repeat_ncc", e->repeat_ncc, 2);
	tg_out_num(o, "chain_gap_ms", e->gap_ms, 1);
	tg_out_num(o, "bank_ncc", e->bank_ncc, 2);
	tg_out_num(o, "chain_logit", e->chain_logit, 2);
	tg_out_end(o);
}

int tg_an_shots_emit(struct tg_an_shots_state *s, struct tg_out *o)
{
	const struct tg_shots_result *r = tg_an_shots_events(s);
	struct tg_ranging *rg = NULL;
	double first = NAN, last = NAN, prev = NAN;
	int nrg = 0;
	size_t i;

	if (!r)
		return tg_error(TG_EINPUT, "shots: no audio was analysed");
	rg = malloc(sizeof(*rg) * MAX_RANGING);
	if (!rg)
		return tg_error(TG_ENOMEM, "out of memory");
	nrg = tg_ranging_find(r->events, r->n_events, s->p.temp_c, s->p.v_min, s->p.v_max, rg,
			      MAX_RANGING);
	if (nrg < 0) {
		free(rg);
		return nrg;
	}
	for (i = 0; i < r->n_events; i++) {
		if (r->events[i].cls != TG_SHOT_GUNSHOT)
			continue;
		if (isnan(first))
			first = r->events[i].time_s;
		last = r->events[i].time_s;
	}
	tg_out_int(o, "count", (long long)r->n_shots);
	tg_out_int(o, "bursts", r->n_bursts);
	tg_out_int(o, "cracks", (long long)r->n_cracks);
	tg_out_num(o, "first_shot_s", first, 3);
	tg_out_num(o, "last_shot_s", last, 3);
	tg_out_num(o, "duration_s", r->duration_s, 3);
	tg_out_int(o, "unusable_samples", s->unusable);
	tg_out_num(o, "inverted_channel_s", s->inverted_s, 3);
	tg_out_begin_list(o, "shots");
	for (i = 0; i < r->n_events; i++) {
		const struct tg_shot_event *e = &r->events[i];
		if (e->cls != TG_SHOT_GUNSHOT)
			continue;
		tg_out_begin(o, NULL);
		tg_out_num(o, "time_s", e->time_s, 3);
		tg_out_num(o, "confidence", e->confidence, 2);
		tg_out_num(o, "peak_dbfs", e->peak_dbfs, 1);
		tg_out_bool(o, "clipped", e->clipped);
		tg_out_int(o, "burst", e->burst);
		tg_out_str(o, "basis", tg_shots_basis_name(e->basis));
		tg_out_num(o, "interval_s", isnan(prev) ? NAN : e->time_s - prev, 3);
		tg_out_end(o);
		prev = e->time_s;
	}
	tg_out_end(o);
	tg_out_begin_list(o, "intervals_s");
	prev = NAN;
	for (i = 0; i < r->n_events; i++) {
		if (r->events[i].cls != TG_SHOT_GUNSHOT)
			continue;
		if (!isnan(prev))
			tg_out_num(o, NULL, r->events[i].time_s - prev, 3);
		prev = r->events[i].time_s;
	}
	tg_out_end(o);
	tg_out_begin_list(o, "events");
	for (i = 0; i < r->n_events; i++) {
		const struct tg_shot_event *e = &r->events[i];
		tg_out_begin(o, NULL);
		tg_out_num(o, "time_s", e->time_s, 3);
		tg_out_str(o, "class", tg_shots_class_name(e->cls));
		tg_out_num(o, "confidence", e->confidence, 2);
		tg_out_num(o, "peak_dbfs", e->peak_dbfs, 1);
		tg_out_bool(o, "clipped", e->clipped);
		tg_out_int(o, "burst", e->burst);
		if (e->cls == TG_SHOT_GUNSHOT)
			tg_out_str(o, "basis", tg_shots_basis_name(e->basis));
		if (e->cls == TG_SHOT_ECHO && e->echo_of >= 0 && (size_t)e->echo_of < r->n_events)
			tg_out_num(o, "echo_of_s", r->events[e->echo_of].time_s, 3);
		emit_features(o, e);
		tg_out_end(o);
	}
	tg_out_end(o);
	tg_out_begin_list(o, "ranging");
	for (int k = 0; k < nrg; k++) {
		tg_out_begin(o, NULL);
		tg_out_num(o, "crack_s", r->events[rg[k].crack].time_s, 3);
		tg_out_num(o, "bang_s", r->events[rg[k].bang].time_s, 3);
		tg_out_num(o, "dt_s", rg[k].dt_s, 4);
		tg_out_num(o, "sound_speed_ms", rg[k].c_ms, 1);
		tg_out_num(o, "distance_min_m", rg[k].d_min_m, 0);
		tg_out_num(o, "distance_max_m", rg[k].d_max_m, 0);
		tg_out_end(o);
	}
	tg_out_end(o);
	tg_out_begin(o, "method");
	tg_out_str(o, "detector", "band onset strength with adaptive floors; explainable "
		   "rule score and models of shallow trees over the features (docs/audio.md)");
	tg_out_int(o, "rate_hz", TG_AN_SHOTS_RATE);
	tg_out_num(o, "temp_c", s->p.temp_c, 1);
	tg_out_num(o, "sound_speed_ms", tg_ranging_sound_speed(s->p.temp_c), 1);
	tg_out_begin_list(o, "bullet_speed_ms");
	tg_out_num(o, NULL, s->p.v_min, 0);
	tg_out_num(o, NULL, s->p.v_max, 0);
	tg_out_end(o);
	tg_out_num(o, "onset_uncertainty_s", TG_RANGING_ONSET_ERR_S, 3);
	tg_out_str(o, "ranging_assumptions", "d = dt c v / (v - c) for a microphone near the "
		   "line of fire, constant bullet speed, still air; the slowest bullet and the "
		   "longest interval (dt + onset_uncertainty_s) give the largest distance");
	tg_out_str(o, "confidence", "the gunshot model's probability (inside a burst the chain "
		   "model's for what it judged: its further shots, the repeats and what it turned "
		   "down; a repeat through the bank or a recording heard before: Platt scaling of "
		   "its correlation), fitted on generated development clips (docs/audio.md)");
	tg_out_end(o);
	free(rg);
	return 0;
}

/* --- the case analyser ---------------------------------------------------- */

static int create(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx)
{
	struct tg_an_shots_params p;
	struct tg_an_shots_state *s;
	int ret = tg_an_shots_params_parse(ctx ? ctx->params : NULL, &p);

	if (ret < 0)
		return ret;
	if ((ret = tg_an_shots_new(&s, &p, 0, pa)) < 0)
		return ret;
	*state = s;
	return 0;
}

static int result(void *state, cJSON **out, double *confidence)
{
	struct tg_an_shots_state *s = state;
	struct tg_out *o = tg_out_new(TG_OUT_JSON);
	int ret;

	*out = NULL;
	*confidence = NAN;
	if (!o)
		return tg_error(TG_ENOMEM, "out of memory");
	ret = tg_an_shots_emit(s, o);
	if (ret == 0) {
		*out = cJSON_Duplicate(tg_out_tree(o), 1);
		if (!*out)
			ret = tg_error(TG_ENOMEM, "out of memory");
	}
	tg_out_free(o);
	return ret;
}

static int store(void *state, struct tg_store *st, long long item_id)
{
	struct tg_an_shots_state *s = state;
	const struct tg_shots_result *r = tg_an_shots_events(s);
	struct tg_audio_event_row *rows;
	char (*details)[512];
	int ret;

	if (!r)
		return tg_error(TG_EINPUT, "shots: no audio was analysed");
	rows = calloc(r->n_events + 1, sizeof(*rows));
	details = calloc(r->n_events + 1, sizeof(*details));
	if (!rows || !details) {
		free(rows);
		free(details);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < r->n_events; i++) {
		const struct tg_shot_event *e = &r->events[i];
		char chain[24];

		/* where the chain model did not judge it says nothing: null, as in the JSON */
		if (isfinite(e->chain_logit))
			snprintf(chain, sizeof(chain), "%.2f", e->chain_logit);
		else
			snprintf(chain, sizeof(chain), "null");
		snprintf(details[i], sizeof(details[i]),
			 "{\"model_logit\":%.2f,\"score\":%.2f,\"onset_strength_db\":%.1f,\"snr_db\":%.1f,"
			 "\"centroid_hz\":%.0f,\"decay_ms\":%.0f,\"tail_db\":%.1f,"
			 "\"jump_db\":%.1f,\"compactness\":%.2f,\"step_jump_db\":%.1f,"
			 "\"harmonicity\":%.2f,\"repeat_ncc\":%.2f,\"chain_logit\":%s}",
			 e->logit, e->score, e->strength, e->snr_db, e->centroid_hz, e->decay_ms,
			 e->tail_db, e->jump_db, e->compact, e->step_jump_db, e->harmonicity,
			 e->repeat_ncc, chain);
		rows[i].item_id = item_id;
		rows[i].time_s = e->time_s;
		rows[i].cls = tg_shots_class_name(e->cls);
		rows[i].confidence = e->confidence;
		rows[i].peak_dbfs = e->peak_dbfs;
		rows[i].clipped = e->clipped;
		rows[i].burst = e->burst;
		rows[i].details = details[i];
	}
	ret = tg_store_audio_events_put(st, item_id, "impulse", rows, r->n_events);
	free(rows);
	free(details);
	return ret;
}

static void destroy(void *state)
{
	tg_an_shots_free(state);
}

const struct tg_case_analyser tg_an_shots = {
	.name = "shots",
	.version = "28",	/* 28: a shot heard looking back has a confidence scaled on its own (Platt, fitted on the development half: 0.73-0.77, where the forward heard shots' scaling gave 0.96); 27: looking back: an in-chain candidate the bank and the chain model turned down (log-odds above -3) and an impulse the heard-before test could take are kept for 20 s, and a recording first heard as a confirmed shot in that time that matches one as the bank's test asks (>= 0.6 at the chain's level, by the first difference) makes it a shot (a repeat, or at >= 0.7 heard); 26: a repeat the chain model rules out at log-odds -1 (odds of 1 to 2.7; was -3) is an echo; 25: both models refitted with a recorder's noise floor (white or pink, 30-8 dB under the background) under four in five of the training clips, full band and phone band (as mixed, the generated backgrounds left the bands above 4 kHz empty but for the events); 24: the band floors start from the background that follows the first sound (not from the first frame, which may be the blast itself: a shot straight out of digital silence), and a recording whose first frame opens 10 dB over them opens with an event (a clip cut at the bang), while one that opens far under them (an AAC priming ramp, a fade-in) hears that ramp as silence, and an event that swings less than four steps of 16-bit audio (-78 dBFS) is none (the rounding of a near-silent recording); two channels are mixed to one by media/downmix.c (an inverted second channel no longer cancels the first: inverted_channel_s); 23: the chain model also judges every repeat its template takes (it was refitted with them) and a repeat it all but rules out (log-odds at or below -3) is an echo; what it judged has its probability as the confidence; 22: both models refitted with four more weapons (Nexuiz's rifle, Warmux's M16, Blob Wars' pistol and machine gun) and an acoustic drum kit's hits among the negatives; 21: both models refitted on a wider training set (the development weapons and five more, 44 hard negatives, full band and phone band; 300 trees of depth 4); 20: a shot heard before has a confidence scaled on its own (Platt, fitted on the development half), and its match may not line up on another event; 19: an event outside a chain starts at a steeper power step more than 8 ms after where the walks from its peak stop (the blast, not a sound just before it); 18: an impulse outside every burst that is a recording already heard as a gunshot (the latest burst's first shot or the bank), and that the model does not all but rule out (log-odds above -3), is a shot (basis "heard"); 17: inside a burst, a candidate its templates do not match is decided by a second fitted model (the chain model) from its features, its matches and the time since the burst's latest shot (basis "chain"); 16: the model refitted with the physical directions of the score's terms as constraints, on the features as the analyser holds them, and what it calls a gunshot is checked for periodicity; 15: a gunshot is decided by a fitted model of its features (trees over the rule score and the rest; shotmodel.h); 14: an event inside a chain starts where the power steps up, not where the walk from its peak stops, and matches the first shots of earlier chains too (the bank); 13: the bands a recording carries (a band-limited one is judged on those), the level floor follows a quiet recording, silence holds the trackers, DC is removed; 12: a gap of about two intervals in a burst is looked at again; 11: a burst's template is also matched whitened by the first shot's spectrum; 10: the distance range covers the onset times too; 9: a volley's cracks share one interval, a crack stands out by its steps; 8: supersonic cracks are a class of their own (7: a slow rise lowers the score) */
	.applies_to = "video,audio",
	.create = create,
	.result = result,
	.store = store,
	.destroy = destroy,
};
