#include "media/avlog.h"

#include <libavutil/log.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Thread_local int counting, errors;
static _Thread_local char first[256];

static void callback(void *avcl, int level, const char *fmt, va_list vl)
{
	(void)avcl;
	if (!counting || level > AV_LOG_ERROR)
		return;
	if (errors++ == 0) {
		vsnprintf(first, sizeof(first), fmt, vl);
		first[strcspn(first, "\n")] = '\0';
	}
}

static void install(void)
{
	av_log_set_callback(callback);
}

void tg_avlog_begin(void)
{
	pthread_once(&once, install);
	counting = 1;
	errors = 0;
	first[0] = '\0';
}

int tg_avlog_end(void)
{
	counting = 0;
	return errors;
}

const char *tg_avlog_first(void)
{
	return first;
}
