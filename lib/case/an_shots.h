/*
 * an_shots.h - the "shots" analyser: gunshot detection as a case analyser.
 *
 * Adapter between the pipeline (media/pipeline.h: mono float PCM at
 * TG_AN_SHOTS_RATE) and the detector (audio/shots.h), with crack-bang
 * ranging (audio/ranging.h).  Its finding result is exactly the document
 * `testigo shots --json` prints (docs/json.md); every impulsive event
 * is also stored in audio_events (kind "impulse") with its class,
 * confidence, peak level, clipping, burst and features.
 *
 * Params (canonical JSON, "{}" for the defaults):
 *   {"temp_c": 20, "bullet_speed": [600, 1000]}
 * The same functions serve `testigo shots FILE`, which runs outside a case.
 */
#ifndef TG_AN_SHOTS_H
#define TG_AN_SHOTS_H

#include <stddef.h>

#include "audio/shots.h"
#include "audio/spectro.h"
#include "case/analyse.h"
#include "report/output.h"

#define TG_AN_SHOTS_RATE 24000
#define TG_AN_SHOTS_TEMP_C 20.0
#define TG_AN_SHOTS_VMIN 600.0
#define TG_AN_SHOTS_VMAX 1000.0

struct tg_an_shots_params {
	double temp_c;
	double v_min, v_max;	/* bullet speeds, m/s */
};

extern const struct tg_case_analyser tg_an_shots;

/* Parse params JSON (NULL or "{}": defaults); TG_EINPUT on bad values. */
int tg_an_shots_params_parse(const char *json, struct tg_an_shots_params *p);
/* The canonical params text (only the values that differ from the defaults). */
void tg_an_shots_params_text(const struct tg_an_shots_params *p, char *buf, size_t n);

struct tg_an_shots_state;

/*
 * Make a detector state and fill pa (wants, callbacks).  with_plot also
 * keeps the spectrogram summary for tg_an_shots_spectro().
 */
int tg_an_shots_new(struct tg_an_shots_state **out, const struct tg_an_shots_params *p,
		    int with_plot, struct tg_analyser *pa);
void tg_an_shots_free(struct tg_an_shots_state *s);
/* After the pipeline ran: the events (owned by the state) and the summary. */
const struct tg_shots_result *tg_an_shots_events(struct tg_an_shots_state *s);
const struct tg_spectro *tg_an_shots_spectro(struct tg_an_shots_state *s);

/* Emit the result document into o (the same for text and JSON). */
int tg_an_shots_emit(struct tg_an_shots_state *s, struct tg_out *o);

#endif
