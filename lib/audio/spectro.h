/*
 * spectro.h - a bounded spectrogram and waveform summary for plots.
 *
 * Audio of any length is reduced to at most TG_SPECTRO_MAXCOLS columns:
 * each column holds the waveform's minimum and maximum and the mean power
 * of TG_SPECTRO_ROWS linear frequency rows (0 to Nyquist) over its time
 * span.  Columns start at one FFT hop each; when the column array is full,
 * neighbouring columns are merged pairwise and every later column covers
 * twice the span, so memory stays fixed (about 1 MB) while the summary
 * always spans the whole input with at least TG_SPECTRO_MAXCOLS / 2
 * columns.  FFT: libavutil av_tx (512-point real, Hann, hop 256 at 24 kHz).
 */
#ifndef TG_AUDIO_SPECTRO_H
#define TG_AUDIO_SPECTRO_H

#include <stddef.h>

#include "audio/rfft.h"

#define TG_SPECTRO_MAXCOLS 2048
#define TG_SPECTRO_ROWS 128

struct AVTXContext;

struct tg_spectro {
	int rate, n, hop;
	double t0_s;		/* time of the first sample */
	int started;
	size_t total;		/* samples seen */
	/* columns: span = hop * hops_per_col samples each */
	int ncols;
	int hops_per_col;
	int filled;		/* hops accumulated in the open column */
	float *power;		/* TG_SPECTRO_MAXCOLS x TG_SPECTRO_ROWS, mean power */
	float *wmin, *wmax;	/* TG_SPECTRO_MAXCOLS */
	/* FFT state */
	float *buf;		/* n samples of history */
	size_t inbuf;
	float *win, *in, *spec;
	struct tg_rfft fft;
};

int tg_spectro_init(struct tg_spectro *s, int rate);
void tg_spectro_release(struct tg_spectro *s);
/* Mono samples; t0 is the time of x[0] (only the first block's is kept). */
void tg_spectro_push(struct tg_spectro *s, const float *x, size_t n, double t0);
/* Seconds covered by one column. */
double tg_spectro_col_s(const struct tg_spectro *s);

#endif
