/*
 * audioplot.h - the gunshot plot: waveform and spectrogram with events marked.
 *
 * Layout (top to bottom), width W pixels, time running left to right over
 * the whole summary (audio/spectro.h):
 *
 *   waveform   min/max envelope per column, grey on white, 0 dBFS at the edges
 *   spectrogram 0 Hz at the bottom to Nyquist at the top (linear), power in
 *              dB over an 80 dB range below the loudest cell, dark to bright
 *   time axis  a tick every 1, 2, 5, 10, ... s with its time in seconds
 *
 * Events are vertical lines across both panels: gunshots red (with a
 * triangle above the waveform and the burst drawn as a bar), other impulses
 * orange, echoes light blue and short.  The image is returned as packed RGB24
 * for media/image.h to encode; the library draws digits with a built-in
 * 3x5 font, so no font library is needed.
 */
#ifndef TG_AUDIOPLOT_H
#define TG_AUDIOPLOT_H

#include <stddef.h>
#include <stdint.h>

#include "audio/shots.h"
#include "audio/spectro.h"

struct tg_audioplot {
	uint8_t *rgb;	/* width * height * 3, malloc'ed */
	int width, height, linesize;
};

int tg_audioplot_render(const struct tg_spectro *sp, const struct tg_shot_event *ev, size_t n,
			int width, struct tg_audioplot *out);
void tg_audioplot_release(struct tg_audioplot *p);

#endif
