/* audioplot.c - render the waveform/spectrogram/event plot; see audioplot.h. */
#include "report/audioplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define WAVE_H 160
#define GAP 6
#define SPEC_H (2 * TG_SPECTRO_ROWS)
#define AXIS_H 16
#define TOP 10
#define MARGIN 4
#define RANGE_DB 80.0f

/* 3x5 digits, '.', 's': rows top to bottom, 3 bits each (MSB left). */
static const uint8_t font[12][5] = {
	{ 7, 5, 5, 5, 7 }, { 2, 6, 2, 2, 7 }, { 7, 1, 7, 4, 7 }, { 7, 1, 7, 1, 7 },
	{ 5, 5, 7, 1, 1 }, { 7, 4, 7, 1, 7 }, { 7, 4, 7, 5, 7 }, { 7, 1, 1, 1, 1 },
	{ 7, 5, 7, 5, 7 }, { 7, 5, 7, 1, 7 }, { 0, 0, 0, 0, 2 }, { 0, 3, 6, 3, 6 },
};

static void put(struct tg_audioplot *p, int x, int y, uint8_t r, uint8_t g, uint8_t b)
{
	uint8_t *d;

	if (x < 0 || y < 0 || x >= p->width || y >= p->height)
		return;
	d = p->rgb + (size_t)y * (size_t)p->linesize + (size_t)x * 3;
	d[0] = r;
	d[1] = g;
	d[2] = b;
}

static void text(struct tg_audioplot *p, int x, int y, const char *s)
{
	for (; *s; s++, x += 4) {
		int g = *s >= '0' && *s <= '9' ? *s - '0' : *s == '.' ? 10 : *s == 's' ? 11 : -1;
		if (g < 0)
			continue;
		for (int r = 0; r < 5; r++)
			for (int c = 0; c < 3; c++)
				if (font[g][r] & (4 >> c))
					put(p, x + c, y + r, 0, 0, 0);
	}
}

/* Dark blue - purple - red - yellow - white, v in [0, 1]. */
static void colour(float v, uint8_t *rgb)
{
	static const float stops[5][3] = {
		{ 0, 0, 16 }, { 90, 20, 120 }, { 210, 50, 40 }, { 250, 200, 40 }, { 255, 255, 230 },
	};
	float f;
	int i;

	v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
	f = v * 4.0f;
	i = (int)f;
	if (i > 3)
		i = 3;
	f -= (float)i;
	for (int c = 0; c < 3; c++)
		rgb[c] = (uint8_t)(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]));
}

/* How each class is marked, in drawing order: an echo is a short blue
 * tick, an impulse a dotted orange line, a crack a sparser purple one, a
 * gunshot a solid red line with a triangle above it. */
static const struct mark {
	enum tg_shot_class cls;
	int through;      /* down through the spectrogram, not a tick */
	int step;         /* draw every step-th pixel */
	unsigned char r, g, b;
} marks[] = {
	{ TG_SHOT_ECHO, 0, 1, 90, 160, 230 },
	{ TG_SHOT_IMPULSE, 1, 2, 240, 150, 0 },
	{ TG_SHOT_CRACK, 1, 3, 150, 40, 200 },
	{ TG_SHOT_GUNSHOT, 1, 1, 220, 0, 0 },
};

int tg_audioplot_render(const struct tg_spectro *sp, const struct tg_shot_event *ev, size_t n,
			int width, struct tg_audioplot *out)
{
	const int R = TG_SPECTRO_ROWS;
	int W = width > 100 ? width : 100, H, wave_y = TOP, spec_y, axis_y;
	double dur, col_s = tg_spectro_col_s(sp), step;
	float top_db = -200.0f;

	memset(out, 0, sizeof(*out));
	if (sp->ncols == 0)
		return tg_error(TG_EINPUT, "plot: no audio");
	spec_y = wave_y + WAVE_H + GAP;
	axis_y = spec_y + SPEC_H + 2;
	H = axis_y + AXIS_H;
	out->width = W;
	out->height = H;
	out->linesize = W * 3;
	out->rgb = malloc((size_t)W * (size_t)H * 3);
	if (!out->rgb)
		return tg_error(TG_ENOMEM, "out of memory");
	memset(out->rgb, 255, (size_t)W * (size_t)H * 3);
	dur = (double)sp->total / sp->rate;
	if (dur <= 0.0)
		dur = col_s;
	for (size_t i = 0; i < (size_t)sp->ncols * (size_t)R; i++) {
		float db = 10.0f * log10f(sp->power[i] + 1e-20f);
		if (db > top_db)
			top_db = db;
	}
	for (int x = MARGIN; x < W - MARGIN; x++) {
		double t0 = (double)(x - MARGIN) / (W - 2 * MARGIN) * dur;
		double t1 = (double)(x - MARGIN + 1) / (W - 2 * MARGIN) * dur;
		int c0 = (int)(t0 / col_s), c1 = (int)(t1 / col_s);
		float lo = 0.0f, hi = 0.0f;
		int mid = wave_y + WAVE_H / 2;

		if (c0 >= sp->ncols)
			c0 = sp->ncols - 1;
		if (c1 >= sp->ncols)
			c1 = sp->ncols - 1;
		if (c1 < c0)
			c1 = c0;
		for (int c = c0; c <= c1; c++) {
			lo = fminf(lo, sp->wmin[c]);
			hi = fmaxf(hi, sp->wmax[c]);
		}
		for (int y = mid - (int)(hi * WAVE_H / 2); y <= mid - (int)(lo * WAVE_H / 2); y++)
			put(out, x, y, 70, 70, 90);
		put(out, x, mid, 160, 160, 160);
		for (int r = 0; r < R; r++) {
			float p = 0.0f, db;
			uint8_t rgb[3];
			for (int c = c0; c <= c1; c++)
				p = fmaxf(p, sp->power[(size_t)c * R + r]);
			db = 10.0f * log10f(p + 1e-20f);
			colour((db - (top_db - RANGE_DB)) / RANGE_DB, rgb);
			put(out, x, spec_y + SPEC_H - 1 - 2 * r, rgb[0], rgb[1], rgb[2]);
			put(out, x, spec_y + SPEC_H - 2 - 2 * r, rgb[0], rgb[1], rgb[2]);
		}
	}
	/* time axis: about 10 labelled ticks */
	{
		static const double steps[] = { 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120,
						300, 600, 1200, 1800, 3600, 7200 };
		size_t k = 0;
		while (k + 1 < sizeof(steps) / sizeof(steps[0]) && dur / steps[k] > 12.0)
			k++;
		step = steps[k];
	}
	for (double t = 0.0; t <= dur; t += step) {
		int x = MARGIN + (int)(t / dur * (W - 2 * MARGIN));
		char lab[32];
		for (int y = axis_y; y < axis_y + 4; y++)
			put(out, x, y, 0, 0, 0);
		snprintf(lab, sizeof(lab), step < 1.0 ? "%.2fs" : "%.0fs", sp->t0_s + t);
		if (x + 2 + 4 * (int)strlen(lab) < W)
			text(out, x + 2, axis_y + 6, lab);
	}
	/* events, class by class: echoes first so shots are drawn on top */
	for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
		const struct mark *mk = &marks[m];
		for (size_t i = 0; i < n; i++) {
			const struct tg_shot_event *e = &ev[i];
			int x = MARGIN + (int)((e->time_s - sp->t0_s) / dur * (W - 2 * MARGIN));
			if (e->cls != mk->cls)
				continue;
			for (int y = wave_y; y < (mk->through ? spec_y + SPEC_H : wave_y + 20); y += mk->step)
				put(out, x, y, mk->r, mk->g, mk->b);
			if (e->cls == TG_SHOT_GUNSHOT)
				for (int d = 0; d < 5; d++)
					for (int k = -d; k <= d; k++)
						put(out, x + k, TOP - 6 + d, mk->r, mk->g, mk->b);
		}
	}
	return 0;
}

void tg_audioplot_release(struct tg_audioplot *p)
{
	if (!p)
		return;
	free(p->rgb);
	memset(p, 0, sizeof(*p));
}
