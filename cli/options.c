#include "cli/options.h"

int tg_output_option(int opt, enum tg_out_format *fmt)
{
	if (opt == 'J')
		*fmt = TG_OUT_JSON;
	else if (opt == 'V')
		*fmt = TG_OUT_CSV;
	else
		return 0;
	return 1;
}
