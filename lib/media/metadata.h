/*
 * metadata.h - the normalised metadata document of one file.
 *
 * Turns the facts of a probe (container tags, EXIF, the file name) into the
 * fields investigators compare across files (documented in docs/json.md):
 *
 *   sha256, size, name, media_type, format, duration_s, bit_rate, streams
 *   created_utc   ISO 8601 UTC or null; created {utc, local, offset, source}
 *                 where a local time with no known offset stays local
 *   gps           {lat, lon, alt, source} or null (decimal degrees, S/W < 0)
 *   device        {make, model, software}
 *   times         every time claim found: {source, value, utc}
 *   observations  [{code, severity, message}]: stripped metadata, editing
 *                 software, disagreeing or offset-shifted timestamps, ...
 *   tags          {container, exif}: the raw tags as stored
 *
 * Every observation is a finding, not a verdict: it says what was measured.
 */
#ifndef TG_METADATA_H
#define TG_METADATA_H

#include "media/probe.h"

struct cJSON;

/* The document (caller frees with cJSON_Delete); sha256 may be NULL. */
struct cJSON *tg_metadata_document(const struct tg_probe *p, const char *sha256);

#endif
