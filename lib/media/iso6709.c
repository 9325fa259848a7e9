#include "media/iso6709.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/*
 * One signed component.  int_digits is the number of digits before the
 * point for plain degrees (2 for latitude, 3 for longitude); two more mean
 * DDMM, four more DDMMSS.
 */
static int component(const char **p, int int_digits, double *out)
{
	const char *s = *p, *q;
	int sign, n = 0;
	double v;
	char *end;

	if (*s != '+' && *s != '-')
		return -1;
	sign = *s == '-' ? -1 : 1;
	q = ++s;
	while (*q >= '0' && *q <= '9') {
		q++;
		n++;
	}
	v = strtod(s, &end);
	if (end == s || n == 0)
		return -1;
	if (int_digits > 0) {
		if (n == int_digits) {
			/* DD.DDD */
		} else if (n == int_digits + 2) {
			double deg = floor(v / 100), min = v - deg * 100;
			if (min >= 60)
				return -1;
			v = deg + min / 60;
		} else if (n == int_digits + 4) {
			double deg = floor(v / 10000), min = floor((v - deg * 10000) / 100);
			double sec = v - deg * 10000 - min * 100;
			if (min >= 60 || sec >= 60)
				return -1;
			v = deg + min / 60 + sec / 3600;
		} else {
			return -1;
		}
	}
	*out = sign * v;
	*p = end;
	return 0;
}

int tg_iso6709_parse(const char *s, double *lat, double *lon, double *alt, int *has_alt)
{
	const char *p = s;

	*has_alt = 0;
	*alt = 0;
	if (!s)
		return TG_EINPUT;
	while (*p == ' ')
		p++;
	if (component(&p, 2, lat) || component(&p, 3, lon))
		return TG_EINPUT;
	if (*p == '+' || *p == '-') {
		if (component(&p, 0, alt) == 0)
			*has_alt = 1;
	}
	if (fabs(*lat) > 90 || fabs(*lon) > 180 || !isfinite(*lat) || !isfinite(*lon))
		return TG_EINPUT;
	return 0;
}
