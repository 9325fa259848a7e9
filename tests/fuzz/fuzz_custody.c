/*
 * fuzz_custody.c - libFuzzer harness for the custody-log line parser and
 * checker: a log arrives from elsewhere in every BagIt package, so each line
 * is untrusted input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "custody/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_custody_entry e;
	struct tg_key no_key = { NULL, 0 };
	char why[160];

	if (tg_custody_parse_line((const char *)data, size, &e, why, sizeof(why)) == 0) {
		/* the check must fail cleanly on a forged line, with no key at all */
		if (size > 212 && memchr(data, '\n', size) == NULL)
			tg_custody_check_line((const char *)data, size, &e, &no_key, why, sizeof(why));
		tg_custody_entry_release(&e);
	}
	return 0;
}
