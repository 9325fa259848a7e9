#include "util/isotime.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/error.h"

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
long long tg_isotime_days_from_civil(int y, int m, int d)
{
	long long yy = y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void tg_isotime_civil_from_days(long long z, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

int tg_isotime_parse(const char *s, struct tg_isotime *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, sign = 1, y_sign = 1;
	double frac = 0;

	memset(out, 0, sizeof(*out));
	if (!s)
		return TG_EINVAL;
	if (*p == '-' || *p == '+')
		y_sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return TG_EINVAL;
	y *= y_sign;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return TG_EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return TG_EINVAL;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return TG_EINVAL;
			if (*p == '.' || *p == ',') {
				double scale = 0.1;
				p++;
				if (*p < '0' || *p > '9')
					return TG_EINVAL;
				while (*p >= '0' && *p <= '9') {
					frac += (*p++ - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || frac > 0)))
			return TG_EINVAL;
		out->has_time = 1;
	}
	if (*p == 'Z' || *p == 'z') {
		out->has_offset = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om = 0;

		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return TG_EINVAL;
		if (*p == ':')
			p++;
		if (*p && digits(&p, 2, &om))
			return TG_EINVAL;
		if (oh > 18 || om > 59)
			return TG_EINVAL;
		out->has_offset = 1;
		out->offset_min = sign * (oh * 60 + om);
	}
	if (*p)
		return TG_EINVAL;
	out->unix_s = (double)tg_isotime_days_from_civil(y, mo, d) * 86400.0 +
		      h * 3600.0 + mi * 60.0 + sec + frac - out->offset_min * 60.0;
	return 0;
}

static char *format(double unix_s, int millis, const char *zone, char *buf, size_t n)
{
	double whole = floor(unix_s);
	long long ms = llround((unix_s - whole) * 1000.0);
	long long t = (long long)whole, days, rem;
	int y, mo, d;

	if (!millis && ms >= 500) {
		t += 1;
	} else if (ms >= 1000) {
		t += 1;
		ms -= 1000;
	}
	days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	rem = t - days * 86400;
	tg_isotime_civil_from_days(days, &y, &mo, &d);
	if (millis)
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03lld%s", y, mo, d,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), ms, zone);
	else
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d,
			 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), zone);
	return buf;
}

char *tg_isotime_utc(double unix_s, int millis, char *buf, size_t n)
{
	return format(unix_s, millis, "Z", buf, n);
}

char *tg_isotime_at_offset(double unix_s, int offset_min, int millis, char *buf, size_t n)
{
	char zone[8];
	int a = abs(offset_min);

	if (offset_min == 0)
		snprintf(zone, sizeof(zone), "+00:00");
	else
		snprintf(zone, sizeof(zone), "%c%02d:%02d", offset_min < 0 ? '-' : '+',
			 a / 60 % 100, a % 60);
	return format(unix_s + offset_min * 60.0, millis, zone, buf, n);
}

char *tg_isotime_local(double unix_s, char *buf, size_t n)
{
	return format(unix_s, 0, "", buf, n);
}

double tg_isotime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
