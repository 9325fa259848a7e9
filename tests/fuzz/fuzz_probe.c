/*
 * fuzz_probe.c - libFuzzer harness for the probe path: container metadata
 * through libavformat (custom I/O on the input bytes), EXIF through libexif,
 * then the normaliser that builds the metadata document.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "media/metadata.h"
#include "media/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_probe p;

	tg_probe_init(&p);
	if (tg_probe_memory(&p, data, size, "fuzz-input.jpg") == 0)
		cJSON_Delete(tg_metadata_document(&p, NULL));
	tg_probe_release(&p);
	return 0;
}
