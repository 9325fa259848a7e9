#include "cli/timeargs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/isotime.h"

int tg_cli_parse_num(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end != s && *end == 0 && isfinite(*v) ? 0 : -1;
}

int tg_cli_parse_offset(const char *s, int *minutes)
{
	int h, m, sign = 1;
	double v;
	const char *p = s;

	if (strchr(s, ':')) {
		if (*p == '+' || *p == '-')
			sign = *p++ == '-' ? -1 : 1;
		if (sscanf(p, "%2d:%2d", &h, &m) != 2 || m >= 60 || strlen(p) != 5)
			return -1;
		*minutes = sign * (h * 60 + m);
	} else {
		if (tg_cli_parse_num(s, &v))
			return -1;
		*minutes = (int)lround(v * 60.0);
	}
	return *minutes >= -18 * 60 && *minutes <= 18 * 60 ? 0 : -1;
}

void tg_cli_out_time(struct tg_out *o, const char *name, double t, int offset_min)
{
	char key[64], buf[64];

	snprintf(key, sizeof(key), "%s_utc", name);
	if (isnan(t)) {
		tg_out_null(o, key);
		snprintf(key, sizeof(key), "%s_local", name);
		tg_out_null(o, key);
		return;
	}
	tg_out_str(o, key, tg_isotime_utc(t, 0, buf, sizeof(buf)));
	snprintf(key, sizeof(key), "%s_local", name);
	tg_out_str(o, key, tg_isotime_at_offset(t, offset_min, 0, buf, sizeof(buf)));
}
