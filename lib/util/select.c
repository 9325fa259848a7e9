/* select.c - the k-th smallest without a sort; see select.h. */
#include "util/select.h"

static float median3(float x, float y, float z)
{
	if (x > y) {
		float t = x;
		x = y;
		y = t;
	}
	/* now x <= y: the median is y, z or x */
	return z >= y ? y : z >= x ? z : x;
}

float tg_select_float(float *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		/* the pivot is a value of the range, so both scans stop inside it */
		float pivot = median3(a[lo], a[lo + (hi - lo) / 2], a[hi]);
		size_t i = lo, j = hi;

		for (;;) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i >= j)
				break;
			float t = a[i];
			a[i] = a[j];
			a[j] = t;
			i++;
			j--;
		}
		/* a[lo, j] <= pivot <= a[j + 1, hi] (Hoare's partition) */
		if (k <= j)
			hi = j;
		else
			lo = j + 1;
	}
	return a[k];
}
