/*
 * rfft.h - libavutil's real FFT (av_tx), set up once for the audio analysers.
 *
 * The onset bands, the spectrogram, sync's GCC-PHAT and the bursts'
 * correlator all take real FFTs of a fixed size.  This is where the
 * contexts are made and freed, and where this libavutil's one quirk is
 * mended: its real forward transform leaves the Nyquist bin's imaginary
 * part unwritten, so a spectrum here always has it (and the DC bin's)
 * at 0, never heap garbage that would make results depend on earlier
 * allocations.
 */
#ifndef TG_AUDIO_RFFT_H
#define TG_AUDIO_RFFT_H

#include <stddef.h>

struct AVTXContext;
/* av_tx_fn's own type, so that libavutil's header stays out of this one */
typedef void (*tg_rfft_fn)(struct AVTXContext *s, void *out, void *in, ptrdiff_t stride);

struct tg_rfft {
	int n;                        /* points */
	struct AVTXContext *fwd, *inv;
	tg_rfft_fn ffwd, finv;
};

/*
 * An n-point real FFT (n even), forward unscaled; inv_scale > 0 also
 * makes the inverse, scaled by it (1.0 / n undoes the forward).
 * TG_ENOMEM (what names the caller: `who`) when libavutil cannot.
 */
int tg_rfft_init(struct tg_rfft *f, int n, float inv_scale, const char *who);
void tg_rfft_release(struct tg_rfft *f);

/* n samples of in (not changed) -> n / 2 + 1 complex bins in out
 * (n + 2 floats, re and im in turn); in and out from av_malloc. */
void tg_rfft_forward(const struct tg_rfft *f, float *in, float *out);

/* n / 2 + 1 complex bins of in (which it may overwrite) -> n samples of out. */
void tg_rfft_inverse(const struct tg_rfft *f, float *in, float *out);

#endif
