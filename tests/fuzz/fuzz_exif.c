/*
 * fuzz_exif.c - libFuzzer harness for the EXIF reader (lib/media/exif.c).
 *
 * Each input is what tg_exif_parse() accepts: JPEG, PNG, bare TIFF or a raw
 * "Exif\0\0" block.  Besides crashes (ASan/UBSan), it checks the invariants
 * of exif.h that a caller relies on: terminated strings, coordinates in
 * range, and a return code from the documented set.  Seeds:
 * seeds-fuzz_exif.list (goexif samples and corrupt files, phone photos).
 */
#include "media/exif.h"
#include "util/error.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_exif ex;
	int rc;

	tg_exif_init(&ex);
	rc = tg_exif_parse(&ex, data, size);
	if (rc != 0 && rc != TG_ENOTFOUND && rc != TG_EINPUT)
		abort();
	if (!TERMINATED(ex.make) || !TERMINATED(ex.model) || !TERMINATED(ex.software) ||
	    !TERMINATED(ex.datetime_original) || !TERMINATED(ex.offset_original) ||
	    !TERMINATED(ex.gps_date) || !TERMINATED(ex.problem))
		abort();
	if (ex.has_gps && !(fabs(ex.gps_lat) <= 90 && fabs(ex.gps_lon) <= 180))
		abort();
	if (ex.orientation < 0 || ex.orientation > 8)
		abort();
	if (ex.raw) {
		char *s = cJSON_PrintUnformatted(ex.raw);

		free(s);
	}
	tg_exif_release(&ex);
	return 0;
}
