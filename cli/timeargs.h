/*
 * timeargs.h - arguments and output shared by the time-and-place commands
 * (testigo sun, testigo shadow): numbers, UTC offsets, instants shown in UTC
 * and at the local offset.
 */
#ifndef TG_TIMEARGS_H
#define TG_TIMEARGS_H

#include "report/output.h"

/* A finite number, the whole string: 0, else -1. */
int tg_cli_parse_num(const char *s, double *v);

/* "-5", "+5.5", "+05:45" (within 18 h) into minutes east of UTC: 0, else -1. */
int tg_cli_parse_offset(const char *s, int *minutes);

/* NAME_utc and NAME_local for instant t (both null when t is NaN). */
void tg_cli_out_time(struct tg_out *o, const char *name, double t, int offset_min);

#endif
