/* analysers.c - the registry of the case's analysers (see analyse.h). */
#include <string.h>

#include "case/analyse.h"

extern const struct tg_case_analyser tg_an_brightness;

extern const struct tg_case_analyser tg_an_shots;
extern const struct tg_case_analyser tg_an_envelope;

extern const struct tg_case_analyser tg_an_vpdq;
extern const struct tg_case_analyser tg_an_tmk;
extern const struct tg_case_analyser tg_an_keyframes;

static const struct tg_case_analyser *const table[] = {
	&tg_an_brightness,
	&tg_an_shots,
	&tg_an_envelope,
	&tg_an_vpdq,
	&tg_an_tmk,
	&tg_an_keyframes,
	/* helpers: add analysers above */
	NULL
};

const struct tg_case_analyser *const *tg_case_analysers(void)
{
	return table;
}

const struct tg_case_analyser *tg_case_analyser_find(const char *name)
{
	for (int i = 0; table[i]; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}
