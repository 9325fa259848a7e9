/*
 * banned.h - functions that are too easy to misuse, banned at compile time.
 *
 * Included into every translation unit by the Makefile (-include).  Using one
 * of these names is a compile error that points here.  Use snprintf,
 * tg_dynbuf, strtok_r/strsep or explicit bounds instead.  (git banned.h)
 */
#ifndef TG_BANNED_H
#define TG_BANNED_H

#define TG_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) TG_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TG_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TG_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) TG_BANNED(strncat)
#undef sprintf
#define sprintf(...) TG_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TG_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TG_BANNED(strtok)
#undef gets
#define gets(x) TG_BANNED(gets)
#undef gmtime
#define gmtime(t) TG_BANNED(gmtime)
#undef localtime
#define localtime(t) TG_BANNED(localtime)
#undef asctime
#define asctime(t) TG_BANNED(asctime)
#undef ctime
#define ctime(t) TG_BANNED(ctime)

#endif
