/* open.c - open an evidence file for demuxing; see open.h. */
#include "media/open.h"

#include <libavformat/avformat.h>
#include <stdio.h>
#include <sys/stat.h>

#include "util/error.h"

int tg_media_check_file(const char *path, unsigned long long *size)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return tg_error_errno(TG_EINPUT, "%s: cannot read", path);
	if (S_ISDIR(st.st_mode))
		return tg_error(TG_EINPUT, "%s: is a folder, not a file", path);
	if (!S_ISREG(st.st_mode))
		return tg_error(TG_EINPUT, "%s: not a regular file", path);
	if (st.st_size == 0)
		return tg_error(TG_EINPUT, "%s: empty file", path);
	if (size)
		*size = (unsigned long long)st.st_size;
	return 0;
}

int tg_media_open(struct AVFormatContext **fc, const char *path, const char *what,
		  unsigned long long *size)
{
	char url[4200];
	int ret;

	*fc = NULL;
	if ((ret = tg_media_check_file(path, size)) < 0)
		return ret;
	snprintf(url, sizeof(url), "file:%s", path);
	if (avformat_open_input(fc, url, NULL, NULL) < 0 || avformat_find_stream_info(*fc, NULL) < 0) {
		avformat_close_input(fc);
		return tg_error(TG_EINPUT, "%s: not %s that can be decoded", path, what);
	}
	return 0;
}
