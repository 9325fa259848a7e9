/*
 * iso6709.h - ISO 6709 location strings, as QuickTime/MP4 files store them.
 *
 * Phones write "+DD.DDDD+DDD.DDDD[+AAA.AAA][CRSxxx]/" in the udta "©xyz"
 * atom or com.apple.quicktime.location.ISO6709: latitude then longitude in
 * decimal degrees (south/west negative) and an optional altitude in metres.
 * The sexagesimal forms (+DDMM.MM, +DDMMSS.S) are rare in media but legal;
 * they are recognised by the digit count before the point.
 */
#ifndef TG_ISO6709_H
#define TG_ISO6709_H

/* 0, or TG_EINPUT when s is not an ISO 6709 point (or out of range). */
int tg_iso6709_parse(const char *s, double *lat, double *lon, double *alt, int *has_alt);

#endif
