/*
 * nametime.h - the capture time that a file name claims.
 *
 * Phones and cameras name files after the local time of capture:
 * VID_20191220_170832.mp4, IMG_20200827_231612.jpg, PXL_20230101_120000123,
 * 2004-01-11-22-45-15.jpg, "Screenshot 2023-01-01 at 12.00.00"; WhatsApp
 * keeps only the day the file was received (IMG-20191006-WA0002.jpg).  The
 * name is a claim like any tag, with no time zone: it is compared with the
 * metadata, never trusted.
 */
#ifndef TG_NAMETIME_H
#define TG_NAMETIME_H

struct tg_nametime {
	int found;        /* a date was found */
	int has_time;     /* and a time of day */
	double local_s;   /* as if UTC: seconds since the epoch of that local time */
	int whatsapp;     /* the WhatsApp pattern -WA0000 */
};

void tg_nametime_parse(const char *name, struct tg_nametime *out);

#endif
