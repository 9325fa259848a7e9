#include "media/nametime.h"

#include <string.h>

#include "util/isotime.h"

static int num(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_sep(char c)
{
	return c == '-' || c == '_' || c == '.' || c == ' ' || c == 'T' || c == ':';
}

/* Date at s: YYYYMMDD or YYYY-MM-DD (any one separator); returns its length or 0. */
static int date_at(const char *s, int *y, int *m, int *d)
{
	if (num(s, 4, y) == 0 && num(s + 4, 2, m) == 0 && num(s + 6, 2, d) == 0)
		goto check8;
	if (num(s, 4, y) == 0 && is_sep(s[4]) && num(s + 5, 2, m) == 0 && s[7] == s[4] &&
	    num(s + 8, 2, d) == 0) {
		if (*y < 1990 || *y > 2100 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
			return 0;
		return 10;
	}
	return 0;
check8:
	if (*y < 1990 || *y > 2100 || *m < 1 || *m > 12 || *d < 1 || *d > 31)
		return 0;
	return 8;
}

static int time_at(const char *s, int *h, int *mi, int *sec)
{
	if (num(s, 2, h) == 0 && num(s + 2, 2, mi) == 0 && num(s + 4, 2, sec) == 0)
		return *h < 24 && *mi < 60 && *sec < 61 ? 6 : 0;
	if (num(s, 2, h) == 0 && is_sep(s[2]) && num(s + 3, 2, mi) == 0 && s[5] == s[2] &&
	    num(s + 6, 2, sec) == 0)
		return *h < 24 && *mi < 60 && *sec < 61 ? 8 : 0;
	return 0;
}

void tg_nametime_parse(const char *name, struct tg_nametime *out)
{
	size_t len = strlen(name);

	memset(out, 0, sizeof(*out));
	out->whatsapp = strstr(name, "-WA") != NULL;
	for (size_t i = 0; i + 8 <= len; i++) {
		int y, m, d, h = 0, mi = 0, sec = 0, n, t = 0;

		if (i > 0 && is_digit(name[i - 1]))
			continue;
		n = date_at(name + i, &y, &m, &d);
		if (!n || (i + (size_t)n < len && is_digit(name[i + (size_t)n]) && n == 10))
			continue;
		if (i + (size_t)n + 1 < len && is_sep(name[i + (size_t)n]))
			t = time_at(name + i + n + 1, &h, &mi, &sec);
		/* macOS screenshots: "2023-01-02 at 10.11.12" */
		if (!t && strncmp(name + i + n, " at ", 4) == 0)
			t = time_at(name + i + n + 4, &h, &mi, &sec);
		if (n == 8 && i + 8 < len && is_digit(name[i + 8]) && !t)
			continue;	/* a longer number, not a date */
		out->found = 1;
		out->has_time = t > 0;
		out->local_s = (double)tg_isotime_days_from_civil(y, m, d) * 86400.0 +
			       h * 3600.0 + mi * 60.0 + sec;
		return;
	}
}
