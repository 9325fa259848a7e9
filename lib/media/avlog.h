/*
 * avlog.h - keep libav* quiet and count what it complains about.
 *
 * The library never prints, so FFmpeg's log goes to a callback.  Between
 * tg_avlog_begin() and tg_avlog_end() (per thread) the messages at error
 * level are counted: a clean probe or decode logs none, a damaged file
 * does, and the count becomes an observation.
 */
#ifndef TG_AVLOG_H
#define TG_AVLOG_H

void tg_avlog_begin(void);
/* Number of error-level messages since tg_avlog_begin(). */
int tg_avlog_end(void);
/* The first error message seen since tg_avlog_begin() ("" if none). */
const char *tg_avlog_first(void);

#endif
