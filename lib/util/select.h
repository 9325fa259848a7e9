/*
 * select.h - the k-th smallest of an array without sorting it (Hoare's
 * selection, expected linear time).  A median or a MAD needs one order
 * statistic, not the order: a full sort of each burst scan's correlations
 * was 14 % of the gunshot analysis (burst.c); PDQ's median of its 256 DCT
 * coefficients is the same question (pdq.c).
 */
#ifndef TG_SELECT_H
#define TG_SELECT_H

#include <stddef.h>

/* What a[k] would be were a[0, n) sorted ascending (k < n; finite
 * values).  Reorders a. */
float tg_select_float(float *a, size_t n, size_t k);

#endif
