/*
 * isotime.h - ISO 8601 times: parse what investigators type, print UTC.
 *
 * Times travel as double seconds since the Unix epoch (UTC) plus, where one
 * is known, the UTC offset in minutes that the source gave.  Calendar maths is
 * proleptic Gregorian over any year from -9999 to 9999 (no time_t limits), so
 * historical and far-future dates work for the sun module too.
 */
#ifndef TG_ISOTIME_H
#define TG_ISOTIME_H

#include <stddef.h>

struct tg_isotime {
	double unix_s;     /* the instant, UTC (for a local time: as if it were UTC) */
	int has_offset;    /* an explicit Z or +HH:MM was given */
	int offset_min;    /* that offset, minutes east of UTC */
	int has_time;      /* a time of day was given (not only a date) */
};

/*
 * Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]" (or a space instead of
 * T) with an optional "Z", "+HH", "+HHMM" or "+HH:MM".  Without an offset the
 * result is a local time: has_offset = 0 and unix_s as if it were UTC.
 * Returns 0 or TG_EINVAL (no message recorded: the caller names the field).
 */
int tg_isotime_parse(const char *s, struct tg_isotime *out);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
long long tg_isotime_days_from_civil(int y, int m, int d);
void tg_isotime_civil_from_days(long long days, int *y, int *m, int *d);

/* "2026-11-28T23:59:01Z", or with millis "…:01.123Z".  Returns buf. */
char *tg_isotime_utc(double unix_s, int millis, char *buf, size_t n);

/* The same instant shown at a UTC offset: "2026-11-28T20:59:01-03:00". */
char *tg_isotime_at_offset(double unix_s, int offset_min, int millis, char *buf, size_t n);

/* A local time with no known offset: "2026-11-28T20:59:01" (no zone). */
char *tg_isotime_local(double unix_s, char *buf, size_t n);

/* Now, as Unix seconds with sub-second precision. */
double tg_isotime_now(void);

#endif
