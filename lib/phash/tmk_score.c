/*
 * tmk_score.c - TMK level-1 and level-2 scores (definitions in tmk.h).
 *
 * Level 2 evaluates, for each period T, the kernel at every integer frame
 * offset d in [0, T): sum_j P_j cos(j w) + Q_j sin(j w), w = 2 pi d / T.
 * cos(j w) and sin(j w) come from rotating (cos w, sin w) j times, which
 * keeps the work at a few multiplications per term (31 terms, at most
 * 14,653 offsets) and the error far below the printed precision.
 */
#include <math.h>

#include "phash/tmk.h"

static double dot(const float *a, const float *b, int n)
{
	double s = 0.0;

	for (int k = 0; k < n; k++)
		s += (double)a[k] * b[k];
	return s;
}

double tg_tmk_score_level1(const struct tg_tmk_sig *a, const struct tg_tmk_sig *b)
{
	double ab = dot(a->average, b->average, TG_TMK_DIM);
	double aa = dot(a->average, a->average, TG_TMK_DIM);
	double bb = dot(b->average, b->average, TG_TMK_DIM);

	if (aa <= 0.0 || bb <= 0.0)
		return 0.0;
	return ab / sqrt(aa * bb);
}

double tg_tmk_score_level2(const struct tg_tmk_sig *a, const struct tg_tmk_sig *b, int *offset)
{
	double best = -INFINITY;
	int best_d = 0;

	for (int i = 0; i < TG_TMK_NPERIODS; i++) {
		double p[TG_TMK_NCOEFFS], q[TG_TMK_NCOEFFS], na = 0.0, nb = 0.0, norm;
		int per = a->periods[i];

		if (per <= 0 || per != b->periods[i])
			continue;
		for (int j = 0; j < TG_TMK_NCOEFFS; j++) {
			const float *ca = a->cos[i][j], *sa = a->sin[i][j];
			const float *cb = b->cos[i][j], *sb = b->sin[i][j];

			p[j] = dot(ca, cb, TG_TMK_DIM) + dot(sa, sb, TG_TMK_DIM);
			q[j] = dot(sa, cb, TG_TMK_DIM) - dot(ca, sb, TG_TMK_DIM);
			na += dot(ca, ca, TG_TMK_DIM) + dot(sa, sa, TG_TMK_DIM);
			nb += dot(cb, cb, TG_TMK_DIM) + dot(sb, sb, TG_TMK_DIM);
		}
		if (na <= 0.0 || nb <= 0.0)
			continue;
		norm = sqrt(na * nb);
		for (int d = 0; d < per; d++) {
			double w = 2 * M_PI * d / per, cw = cos(w), sw = sin(w);
			double c = 1.0, s = 0.0, v = p[0];

			for (int j = 1; j < TG_TMK_NCOEFFS; j++) {
				double c2 = c * cw - s * sw;

				s = s * cw + c * sw;
				c = c2;
				v += p[j] * c + q[j] * s;
			}
			v /= norm;
			if (v > best) {
				best = v;
				best_d = d > per / 2 ? d - per : d;
			}
		}
	}
	if (offset)
		*offset = best_d;
	return best == -INFINITY ? 0.0 : best;
}
