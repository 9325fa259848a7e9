/* rfft.c - libavutil's real FFT, set up once; see rfft.h. */
#include "audio/rfft.h"

#include <string.h>

#include <libavutil/tx.h>

#include "util/error.h"

_Static_assert(sizeof(tg_rfft_fn) == sizeof(av_tx_fn), "av_tx_fn is a function pointer");

int tg_rfft_init(struct tg_rfft *f, int n, float inv_scale, const char *who)
{
	float one = 1.0f;

	memset(f, 0, sizeof(*f));
	f->n = n;
	if (av_tx_init(&f->fwd, (av_tx_fn *)&f->ffwd, AV_TX_FLOAT_RDFT, 0, n, &one, 0) < 0 ||
	    (inv_scale > 0.0f &&
	     av_tx_init(&f->inv, (av_tx_fn *)&f->finv, AV_TX_FLOAT_RDFT, 1, n, &inv_scale, 0) < 0)) {
		tg_rfft_release(f);
		return tg_error(TG_ENOMEM, "%s: out of memory", who);
	}
	return 0;
}

void tg_rfft_release(struct tg_rfft *f)
{
	av_tx_uninit(&f->fwd);
	av_tx_uninit(&f->inv);
	f->ffwd = f->finv = NULL;
}

void tg_rfft_forward(const struct tg_rfft *f, float *in, float *out)
{
	f->ffwd(f->fwd, out, in, sizeof(float));
	out[1] = 0.0f;
	out[f->n + 1] = 0.0f;
}

void tg_rfft_inverse(const struct tg_rfft *f, float *in, float *out)
{
	f->finv(f->inv, out, in, sizeof(AVComplexFloat));
}
