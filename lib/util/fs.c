#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

int tg_fs_write_full(int fd, const void *buf, size_t len, const char *path)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return tg_error_errno(TG_EIO, "%s: write failed", path);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tg_fs_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return tg_error_errno(TG_EIO, "%s: cannot open folder", dir);
	if (fsync(fd) != 0 && errno != EINVAL)
		ret = tg_error_errno(TG_EIO, "%s: fsync failed", dir);
	close(fd);
	return ret;
}

int tg_fs_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash)
		return tg_fs_fsync_dir(".");
	if (slash == path)
		return tg_fs_fsync_dir("/");
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return tg_fs_fsync_dir(dir);
}

int tg_fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= sizeof(tmp))
		return tg_error(TG_EINVAL, "%s: path too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return tg_error_errno(tg_errno_code(errno) == TG_EINPUT ? TG_ECASE : TG_EIO,
				      "%s: cannot create", tmp);
	ret = tg_fs_write_full(fd, data, len, path);
	if (ret == 0 && fchmod(fd, mode) != 0)
		ret = tg_error_errno(TG_EIO, "%s: chmod failed", path);
	if (ret == 0 && fsync(fd) != 0)
		ret = tg_error_errno(TG_EIO, "%s: fsync failed", path);
	if (close(fd) != 0 && ret == 0)
		ret = tg_error_errno(TG_EIO, "%s: close failed", path);
	if (ret == 0 && rename(tmp, path) != 0)
		ret = tg_error_errno(TG_EIO, "%s: rename failed", path);
	if (ret < 0) {
		unlink(tmp);
		return ret;
	}
	return tg_fs_fsync_parent(path);
}

int tg_fs_mkdirs(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return tg_error(TG_EINVAL, "%s: bad folder name", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return tg_error_errno(TG_EIO, "%s: cannot create folder", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return tg_error_errno(TG_EIO, "%s: cannot create folder", buf);
	return 0;
}

int tg_fs_read_all(const char *path, size_t cap, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t used = 0, alloc = 0;
	int ret = 0;

	*out = NULL;
	if (!f)
		return tg_error_errno(TG_EINPUT, "%s: cannot open", path);
	for (;;) {
		size_t n;

		if (alloc - used < 4097) {
			size_t na = alloc ? alloc * 2 : 8192;
			char *p;

			if (na > cap + 4097)
				na = cap + 4097;
			if (na <= alloc) {
				ret = tg_error(TG_ELIMIT, "%s: larger than %zu bytes", path, cap);
				goto out;
			}
			p = realloc(buf, na);
			if (!p) {
				ret = tg_error(TG_ENOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = p;
			alloc = na;
		}
		n = fread(buf + used, 1, alloc - used - 1, f);
		used += n;
		if (used > cap) {
			ret = tg_error(TG_ELIMIT, "%s: larger than %zu bytes", path, cap);
			goto out;
		}
		if (n == 0) {
			if (ferror(f))
				ret = tg_error_errno(TG_EINPUT, "%s: read failed", path);
			break;
		}
	}
out:
	fclose(f);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return tg_error(TG_ENOMEM, "%s: out of memory", path);
	}
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return 0;
}

char *tg_fs_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

int tg_fs_realpath(const char *path, char **out)
{
	*out = realpath(path, NULL);
	if (!*out)
		return tg_error_errno(tg_errno_code(errno), "%s", path);
	return 0;
}
