/*
 * options.h - the output options every result-printing command shares.
 */
#ifndef TG_OPTIONS_H
#define TG_OPTIONS_H

#include "report/output.h"

/* Long options to splice into a getopt_long table. */
#define TG_OUTPUT_LONG_OPTIONS \
	{ "json", no_argument, NULL, 'J' }, \
	{ "csv", no_argument, NULL, 'V' }

/* Handle 'J'/'V' from getopt_long: returns 1 when it was one of them. */
int tg_output_option(int opt, enum tg_out_format *fmt);

#endif
