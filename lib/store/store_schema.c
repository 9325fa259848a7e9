/* store_schema.c - the schema parts of the store files beyond the core tables. */
#include <stddef.h>

#include "store/store_internal.h"

const char *const tg_store_schema_parts[] = {
	tg_store_schema_incident,
	/* helpers: add schema parts above (each defined in its own store_*.c) */
	NULL
};
