/*
 * exif.h - EXIF of photos: the fields an investigator needs, plus every tag.
 *
 * Input is untrusted.  tg_exif_parse() accepts the bytes of a JPEG file, a
 * raw EXIF block ("Exif\0\0" then a TIFF header, as in a JPEG APP1 segment),
 * a bare TIFF header block ("II*\0" / "MM\0*", as in HEIF/MP4 Exif items and
 * TIFF-based raw files) or a PNG file (its eXIf chunk).  The JPEG segment
 * walk is our own, so a truncated APP1 still yields what it holds; the IFDs
 * are decoded by libexif with two options turned off on purpose:
 *
 *   EXIF_DATA_OPTION_FOLLOW_SPECIFICATION  would *add* missing mandatory
 *       tags with default values (evidence must show what is stored);
 *   EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS   would drop tags libexif does not
 *       know, or that sit in an IFD the standard does not put them in.
 *
 * The named fields are read from the raw entries, not from libexif's
 * printable values: every entry's format, component count and size are
 * checked before a byte is read, rationals with a zero denominator are
 * refused, GPS coordinates need their N/S/E/W reference (as exiftool's
 * composite tags do: without one the hemisphere is unknown, so has_gps = 0).
 * Whatever is odd or could not be read sets malformed = 1 and is described
 * in problem (several problems are joined with "; ", cut to fit).
 *
 * Invariants of a parsed struct tg_exif:
 *   - every char array is NUL-terminated valid UTF-8 (invalid bytes become
 *     U+FFFD), empty when the tag is absent; a string stops at the first NUL
 *     or at the tag's component count and is cut to fit the array;
 *   - strings are as stored: trailing blanks kept ("PENTAX Corporation ");
 *   - dates are as stored ("YYYY:MM:DD HH:MM:SS"), never converted: use
 *     tg_exif_datetime_to_iso() with the matching offset_* to get ISO 8601;
 *   - gps_lat/gps_lon are decimal degrees, S and W negative, |lat| <= 90,
 *     |lon| <= 180; gps_alt is metres, below the reference negative;
 *   - raw is NULL or a cJSON object {"IFD0": {...}, "EXIF": {...},
 *     "GPS": {...}, "IFD1": {...}, "Interop": {...}, "MakerNote": {...}}
 *     with libexif's tag names and libexif's printable values (strings);
 *     a tag libexif cannot name is keyed "0xNNNN".
 *
 * Non-standard forms that are read (and flagged in problem): GPS values
 * written as ASCII "52,00000,50,00000,34,01180" (some HTC phones: three
 * numbers with decimal commas) or "52.0,50.0,34.0118".
 *
 * Lifecycle: tg_exif_init() (no allocation) before first use;
 * tg_exif_parse()/tg_exif_read_file() release what the struct held before;
 * tg_exif_release() frees raw and leaves an initialised struct.
 * Thread-safe: no global state (each parse has its own libexif log).
 */
#ifndef TG_EXIF_H
#define TG_EXIF_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* At most this much of a file is read by tg_exif_read_file(). */
#define TG_EXIF_READ_CAP (256 * 1024)

struct tg_exif {
	char make[128], model[128], lens_make[128], lens_model[128];
	char software[128], artist[128];
	char datetime[24];            /* IFD0 DateTime (last change), as stored */
	char datetime_original[24];   /* EXIF DateTimeOriginal (capture) */
	char datetime_digitized[24];  /* EXIF DateTimeDigitized */
	char offset_time[8];          /* OffsetTime "+02:00", for datetime */
	char offset_original[8];      /* OffsetTimeOriginal */
	char offset_digitized[8];     /* OffsetTimeDigitized */
	char subsec_original[16];     /* SubSecTimeOriginal digits, as stored */

	int has_gps;                  /* lat and lon and both refs valid */
	double gps_lat, gps_lon;
	int has_gps_alt;
	double gps_alt;
	char gps_date[16];            /* GPSDateStamp "YYYY:MM:DD", as stored */
	int has_gps_time;
	double gps_time_s;            /* GPSTimeStamp: seconds of the UTC day */
	char gps_method[32];          /* GPSProcessingMethod: "GPS", "CELLID", "NETWORK"... */

	int orientation;              /* 1..8, 0 unknown */
	int width, height;            /* PixelX/YDimension, 0 unknown */
	int has_thumbnail;            /* IFD1 JPEG thumbnail present */
	size_t thumbnail_size;

	int malformed;                /* something could not be read or is odd */
	char problem[160];

	cJSON *raw;
};

void tg_exif_init(struct tg_exif *ex);
void tg_exif_release(struct tg_exif *ex);

/*
 * Parse EXIF from data (see the top comment for accepted inputs).
 * Returns 0 when an EXIF block was found, even if partly unreadable (then
 * malformed = 1); TG_ENOTFOUND when the file has none: a JPEG or PNG
 * without EXIF, or an EXIF block whose IFD0 is empty (what some editors
 * leave after stripping; the message says "empty IFD0"); with
 * TG_ENOTFOUND, malformed/problem may still describe a broken JPEG marker
 * structure that stopped the search.  TG_EINPUT when data is empty or none
 * of the accepted forms; TG_ENOMEM.  Messages are recorded with tg_error().
 */
int tg_exif_parse(struct tg_exif *out, const unsigned char *data, size_t len);

/*
 * Read at most TG_EXIF_READ_CAP bytes of path and parse them.  Same returns
 * as tg_exif_parse(), plus TG_EINPUT for an unreadable file; messages name
 * the path.
 */
int tg_exif_read_file(struct tg_exif *out, const char *path);

/*
 * EXIF date "YYYY:MM:DD HH:MM:SS" (dashes accepted in the date) plus an
 * optional offset "+HH:MM" / "-HH:MM" / "Z" (NULL or empty or blank: none)
 * into ISO 8601: "2019-12-20T17:08:32+01:00", or "2019-12-20T17:08:32" for a
 * local time of unknown offset (never silently UTC).  Trailing blanks and a
 * fraction after the seconds are ignored.  Returns 0; TG_ENOTFOUND for an
 * empty, blank or all-zero date (how cameras write "unknown"); TG_EINPUT for
 * anything else that is not a valid date and time, or an invalid offset;
 * TG_ELIMIT when out is too small (26 bytes always suffice).
 */
int tg_exif_datetime_to_iso(const char *exif_dt, const char *offset, char *out, size_t n);

#endif
