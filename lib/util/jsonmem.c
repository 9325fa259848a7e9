/* jsonmem.c - cJSON's allocations, counted; see jsonmem.h. */
#include "util/jsonmem.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "util/error.h"

static _Thread_local unsigned long failures, checked;

static void *counting_malloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		failures++;
	return p;
}

void tg_jsonmem_install(void)
{
	cJSON_Hooks hooks = { counting_malloc, free };

	cJSON_InitHooks(&hooks);
}

int tg_jsonmem_check(void)
{
	if (failures == checked)
		return 0;
	checked = failures;
	return tg_error(TG_ENOMEM, "out of memory while building a record (a part of it is missing)");
}

unsigned long tg_jsonmem_failures(void)
{
	return failures;
}

int tg_jsonmem_parse(const char *text, size_t len, cJSON **out)
{
	unsigned long before = failures;

	*out = cJSON_ParseWithLengthOpts(text, len, NULL, 0);
	if (!*out && failures != before)
		return tg_error(TG_ENOMEM, "out of memory while reading JSON");
	return 0;
}

int tg_jsonmem_add(cJSON *parent, const char *key, cJSON *item)
{
	if (!item)
		return -1;
	if (!parent || !(key ? cJSON_AddItemToObject(parent, key, item)
			     : cJSON_AddItemToArray(parent, item))) {
		cJSON_Delete(item);
		return -1;
	}
	return 0;
}
