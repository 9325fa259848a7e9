/*
 * downmix.h - two channels into one that never cancel.
 *
 * The analysers of sound (shots, sync signatures) hear one channel.  The
 * usual mix, the mean of the two, is silence where one channel is the
 * other inverted: a microphone or a cable wired in reverse, a pair whose
 * second channel a device or an editor flipped.  Such a recording looks
 * empty to every analyser (no shot, no alignment) and says nothing of
 * why.  Here the second channel enters with the sign of the two
 * channels' correlation over the last half second: it turns negative
 * only where that correlation is clearly negative (below -0.5), and
 * back as soon as it is positive, so two channels that are unrelated or
 * merely spaced apart (correlation near 0 or above) keep the sum, a
 * moment of anti-correlated sound (a wide effect, a rumble) does not
 * leave the rest of the recording mixed as a difference that would
 * cancel what both channels hear alike, and the sign does not hop.
 * Each block (as the decoder and the resampler deliver it: the same
 * for a file every time) decides its sign from its own samples before
 * it is mixed, so a recording inverted from its first sound is mixed
 * right from it.  A flip in the middle of a recording (an edit that
 * joins an inverted stretch) is a step in the second channel's part of
 * the waveform at the block's start.
 *
 * The mix is the mean of the two, (L +- R) / 2: like channels give the
 * mono recording itself, and one at full scale stays there.  FFmpeg's
 * resampler mixed 0.707 (L + R), which keeps the power of unrelated
 * channels but reads a stereo copy of a mono recording 3 dB high (over
 * full scale near it) and cancels an inverted channel; nothing here is
 * a library's.
 */
#ifndef TG_MEDIA_DOWNMIX_H
#define TG_MEDIA_DOWNMIX_H

#include <stddef.h>

#define TG_DOWNMIX_MEMORY_S 0.5   /* the correlation's memory (a flip in mid-recording cancels for 0.7 s) */
#define TG_DOWNMIX_FLIP 0.5       /* the second channel turns negative under -this, back over 0 */

struct tg_downmix {
	double ll, rr, lr;   /* decaying sums of L*L, R*R, L*R */
	double keep_per_frame;
	int sign;            /* +1: (L + R) / 2; -1: (L - R) / 2 */
	long long flips;     /* how often the sign changed (after the first block with sound) */
	int heard;           /* a block with sound has been mixed */
};

void tg_downmix_init(struct tg_downmix *d, int rate);
/* frames interleaved pairs lr[2k], lr[2k + 1] into out[k] (out may be lr). */
void tg_downmix_run(struct tg_downmix *d, const float *lr, size_t frames, float *out);

#endif
