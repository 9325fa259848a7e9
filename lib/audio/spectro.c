/* spectro.c - fixed-memory spectrogram summary; see spectro.h. */
#include "audio/spectro.h"

#include <math.h>
#include <string.h>

#include <libavutil/mem.h>

#include "util/error.h"

int tg_spectro_init(struct tg_spectro *s, int rate)
{
	int n = 64;

	memset(s, 0, sizeof(*s));
	if (rate < 4000 || rate > 384000)
		return tg_error(TG_EINVAL, "spectrogram: unsupported sample rate %d", rate);
	while (n * 2 <= rate / 40)	/* ~21 ms frames */
		n *= 2;
	if (n < 2 * TG_SPECTRO_ROWS)
		n = 2 * TG_SPECTRO_ROWS;
	s->rate = rate;
	s->n = n;
	s->hop = n / 2;
	s->hops_per_col = 1;
	s->power = av_calloc((size_t)TG_SPECTRO_MAXCOLS * TG_SPECTRO_ROWS, sizeof(float));
	s->wmin = av_calloc(TG_SPECTRO_MAXCOLS, sizeof(float));
	s->wmax = av_calloc(TG_SPECTRO_MAXCOLS, sizeof(float));
	s->buf = av_calloc((size_t)n, sizeof(float));
	s->win = av_malloc(sizeof(float) * (size_t)n);
	s->in = av_malloc(sizeof(float) * (size_t)n);
	s->spec = av_malloc(sizeof(float) * (size_t)(n + 2));
	if (!s->power || !s->wmin || !s->wmax || !s->buf || !s->win || !s->in || !s->spec ||
	    tg_rfft_init(&s->fft, n, 0.0f, "spectrogram") < 0) {
		tg_spectro_release(s);
		return tg_error(TG_ENOMEM, "spectrogram: out of memory");
	}
	for (int k = 0; k < n; k++)
		s->win[k] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * (k + 0.5) / n));
	return 0;
}

void tg_spectro_release(struct tg_spectro *s)
{
	if (!s)
		return;
	tg_rfft_release(&s->fft);
	av_freep(&s->power);
	av_freep(&s->wmin);
	av_freep(&s->wmax);
	av_freep(&s->buf);
	av_freep(&s->win);
	av_freep(&s->in);
	av_freep(&s->spec);
}

double tg_spectro_col_s(const struct tg_spectro *s)
{
	return (double)s->hop * s->hops_per_col / s->rate;
}

/* Merge columns pairwise: the array is full, each column now spans twice as long. */
static void halve(struct tg_spectro *s)
{
	const int R = TG_SPECTRO_ROWS;
	int half = s->ncols / 2;

	for (int c = 0; c < half; c++) {
		float *d = s->power + (size_t)c * R;
		const float *a = s->power + (size_t)(2 * c) * R, *b = a + R;
		for (int r = 0; r < R; r++)
			d[r] = 0.5f * (a[r] + b[r]);
		s->wmin[c] = fminf(s->wmin[2 * c], s->wmin[2 * c + 1]);
		s->wmax[c] = fmaxf(s->wmax[2 * c], s->wmax[2 * c + 1]);
	}
	s->ncols = half;
	s->hops_per_col *= 2;
}

/* One hop of new samples is in buf's last hop: analyse the frame. */
static void frame(struct tg_spectro *s)
{
	const int R = TG_SPECTRO_ROWS, per = (s->n / 2) / R;
	const float norm = 1.0f / ((float)s->n * (float)s->n);
	float *col, lo = 0.0f, hi = 0.0f;
	int k;

	if (s->filled == 0) {
		if (s->ncols == TG_SPECTRO_MAXCOLS)
			halve(s);
		memset(s->power + (size_t)s->ncols * R, 0, sizeof(float) * R);
		s->wmin[s->ncols] = 0.0f;
		s->wmax[s->ncols] = 0.0f;
		s->ncols++;
	}
	col = s->power + (size_t)(s->ncols - 1) * R;
	for (k = 0; k < s->n; k++)
		s->in[k] = s->buf[k] * s->win[k];
	tg_rfft_forward(&s->fft, s->in, s->spec);
	for (int r = 0; r < R; r++) {
		float p = 0.0f;
		for (k = r * per + 1; k <= (r + 1) * per; k++)
			p += s->spec[2 * k] * s->spec[2 * k] + s->spec[2 * k + 1] * s->spec[2 * k + 1];
		col[r] += p * norm / (float)s->hops_per_col;
	}
	for (k = s->n - s->hop; k < s->n; k++) {
		lo = fminf(lo, s->buf[k]);
		hi = fmaxf(hi, s->buf[k]);
	}
	s->wmin[s->ncols - 1] = fminf(s->wmin[s->ncols - 1], lo);
	s->wmax[s->ncols - 1] = fmaxf(s->wmax[s->ncols - 1], hi);
	if (++s->filled >= s->hops_per_col)
		s->filled = 0;
}

void tg_spectro_push(struct tg_spectro *s, const float *x, size_t n, double t0)
{
	if (!s->started && n) {
		s->t0_s = t0;
		s->started = 1;
	}
	for (size_t i = 0; i < n; i++) {
		/* the newest hop is written at the end of buf; frames overlap by half */
		s->buf[(size_t)(s->n - s->hop) + s->inbuf++] = x[i];
		s->total++;
		if (s->inbuf == (size_t)s->hop) {
			frame(s);
			memmove(s->buf, s->buf + s->hop, sizeof(float) * (size_t)(s->n - s->hop));
			s->inbuf = 0;
		}
	}
}
