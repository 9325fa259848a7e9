#include "report/bagit.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash/sha256.h"
#include "util/error.h"
#include "util/fs.h"

#define MANIFEST_CAP ((size_t)256 << 20)
#define TAG_CAP ((size_t)1 << 20)
#define MAX_DEPTH 32

/* ---- writing ---------------------------------------------------------------- */

int tg_bagit_encode_path(struct tg_dynbuf *b, const char *path)
{
	int ret = 0;

	for (const char *p = path; *p && ret == 0; p++) {
		if (*p == '%')
			ret = tg_dynbuf_addstr(b, "%25");
		else if (*p == '\n')
			ret = tg_dynbuf_addstr(b, "%0A");
		else if (*p == '\r')
			ret = tg_dynbuf_addstr(b, "%0D");
		else
			ret = tg_dynbuf_add(b, p, 1);
	}
	return ret;
}

static int empty_or_absent(const char *dir, int *exists)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int empty = 1;

	*exists = 0;
	if (lstat(dir, &st) != 0)
		return errno == ENOENT ? 0 : tg_error_errno(TG_EINPUT, "%s: cannot read", dir);
	*exists = 1;
	if (!S_ISDIR(st.st_mode))
		return tg_error(TG_EEXIST, "%s: exists and is not a folder; a package needs a new "
				"or empty folder", dir);
	d = opendir(dir);
	if (!d)
		return tg_error_errno(TG_EINPUT, "%s: cannot read the folder", dir);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty ? 0 : tg_error(TG_EEXIST, "%s: folder is not empty; a package needs a new or "
				    "empty folder (nothing was written)", dir);
}

int tg_bagit_begin(struct tg_bagit *b, const char *final_dir)
{
	char *copy = NULL, *slash, tmpl[4200], data[4300];
	const char *parent, *base;
	size_t len = strlen(final_dir);
	int exists, ret;

	memset(b, 0, sizeof(*b));
	tg_dynbuf_init(&b->manifest, MANIFEST_CAP);
	tg_dynbuf_init(&b->tagmanifest, TAG_CAP);
	while (len > 1 && final_dir[len - 1] == '/')
		len--;
	copy = strndup(final_dir, len);
	if (!copy)
		return tg_error(TG_ENOMEM, "out of memory");
	ret = empty_or_absent(copy, &exists);
	if (ret < 0)
		goto out;
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		parent = slash == copy ? "/" : copy;
		base = slash + 1;
	} else {
		parent = ".";
		base = copy;
	}
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		ret = tg_error(TG_EINVAL, "%s: name a new folder for the package", final_dir);
		goto out;
	}
	if ((size_t)snprintf(tmpl, sizeof(tmpl), "%s/.%s.partial-XXXXXX", parent, base) >= sizeof(tmpl)) {
		ret = tg_error(TG_EINVAL, "%s: path too long", final_dir);
		goto out;
	}
	if (!mkdtemp(tmpl)) {
		ret = tg_error_errno(errno == ENOENT ? TG_EINPUT : TG_EIO,
				     "%s: cannot create a temporary folder next to it", final_dir);
		goto out;
	}
	snprintf(data, sizeof(data), "%s/data", tmpl);
	b->dir = strdup(tmpl);
	b->final_dir = strndup(final_dir, len);
	if (!b->dir || !b->final_dir) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	if (mkdir(data, 0755) != 0)
		ret = tg_error_errno(TG_EIO, "%s: cannot create", data);
out:
	free(copy);
	return ret;
}

static int mkparents(const char *path)
{
	char *dir = strdup(path), *slash;
	int ret = 0;

	if (!dir)
		return tg_error(TG_ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		ret = tg_fs_mkdirs(dir, 0755);
	}
	free(dir);
	return ret;
}

static int safe_rel(const char *rel)
{
	return rel[0] && rel[0] != '/' && !strstr(rel, "..") && !strstr(rel, "//") &&
	       !strchr(rel, '\n') && !strchr(rel, '\r');
}

static int manifest_line(struct tg_dynbuf *m, const char *hex, const char *prefix, const char *rel)
{
	int ret = tg_dynbuf_printf(m, "%s  %s", hex, prefix);

	if (ret == 0)
		ret = tg_bagit_encode_path(m, rel);
	if (ret == 0)
		ret = tg_dynbuf_addstr(m, "\n");
	return ret < 0 ? tg_error(ret, "manifest too large") : 0;
}

static int write_new(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644), ret;

	if (fd < 0)
		return tg_error_errno(TG_EIO, "%s: cannot create", path);
	ret = tg_fs_write_full(fd, data, len, path);
	if (ret == 0 && fsync(fd) != 0)
		ret = tg_error_errno(TG_EIO, "%s: fsync failed", path);
	close(fd);
	return ret;
}

int tg_bagit_add_file(struct tg_bagit *b, const char *src, const char *rel,
		      const char *expect_sha256)
{
	char path[4600], hex[65];
	unsigned char *buf = NULL;
	struct tg_sha256 h;
	unsigned long long size = 0;
	int in = -1, out = -1, ret;
	ssize_t n;

	if (!safe_rel(rel))
		return tg_error(TG_EINVAL, "%s: not a safe path inside a package", rel);
	snprintf(path, sizeof(path), "%s/data/%s", b->dir, rel);
	ret = mkparents(path);
	if (ret < 0)
		return ret;
	ret = tg_sha256_init(&h);
	if (ret < 0)
		return ret;
	buf = malloc(1 << 20);
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (!buf) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	if (in < 0) {
		ret = tg_error_errno(TG_EINPUT, "%s: cannot open", src);
		goto out;
	}
	if (out < 0) {
		ret = tg_error_errno(TG_EIO, "%s: cannot create", path);
		goto out;
	}
	while ((n = read(in, buf, 1 << 20)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = tg_error_errno(TG_EIO, "%s: read failed", src);
			goto out;
		}
		tg_sha256_update(&h, buf, (size_t)n);
		ret = tg_fs_write_full(out, buf, (size_t)n, path);
		if (ret < 0)
			goto out;
		size += (unsigned long long)n;
	}
	if (fsync(out) != 0) {
		ret = tg_error_errno(TG_EIO, "%s: fsync failed", path);
		goto out;
	}
	ret = tg_sha256_final(&h, NULL, hex);
	if (ret < 0)
		goto out;
	if (expect_sha256 && strcmp(hex, expect_sha256) != 0) {
		ret = tg_error(TG_ECHECK, "%s: its SHA-256 is now %s, not %s: the evidentiary copy "
			       "was altered; run 'testigo verify' (nothing was exported)", src, hex,
			       expect_sha256);
		goto out;
	}
	ret = manifest_line(&b->manifest, hex, "data/", rel);
	b->octets += size;
	b->files++;
out:
	tg_sha256_release(&h);
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}

int tg_bagit_add_bytes(struct tg_bagit *b, const char *rel, const void *data, size_t len)
{
	char path[4600], hex[65];
	int ret;

	if (!safe_rel(rel))
		return tg_error(TG_EINVAL, "%s: not a safe path inside a package", rel);
	snprintf(path, sizeof(path), "%s/data/%s", b->dir, rel);
	ret = mkparents(path);
	if (ret == 0)
		ret = write_new(path, data, len);
	if (ret == 0)
		ret = tg_sha256_buf(data, len, NULL, hex);
	if (ret == 0)
		ret = manifest_line(&b->manifest, hex, "data/", rel);
	if (ret == 0) {
		b->octets += len;
		b->files++;
	}
	return ret;
}

int tg_bagit_add_tag(struct tg_bagit *b, const char *name, const void *data, size_t len,
		     int listed)
{
	char path[4600], hex[65];
	int ret;

	if (!safe_rel(name) || strncmp(name, "data/", 5) == 0)
		return tg_error(TG_EINVAL, "%s: not a tag file name", name);
	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	ret = mkparents(path);
	if (ret == 0)
		ret = write_new(path, data, len);
	if (ret == 0 && listed) {
		ret = tg_sha256_buf(data, len, NULL, hex);
		if (ret == 0)
			ret = manifest_line(&b->tagmanifest, hex, "", name);
	}
	return ret;
}

int tg_bagit_close_manifests(struct tg_bagit *b, const char *info)
{
	static const char bagit_txt[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
	struct tg_dynbuf bi = TG_DYNBUF_INIT(TAG_CAP);
	struct tm tm;
	time_t now = time(NULL);
	int ret;

	gmtime_r(&now, &tm);
	ret = tg_bagit_add_tag(b, "bagit.txt", bagit_txt, strlen(bagit_txt), 1);
	if (ret == 0 && info)
		ret = tg_dynbuf_addstr(&bi, info);
	if (ret == 0)
		ret = tg_dynbuf_printf(&bi, "Payload-Oxum: %llu.%llu\nBagging-Date: %04d-%02d-%02d\n"
				       "Bag-Software-Agent: testigo %s\n", b->octets, b->files,
				       tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, TG_VERSION);
	if (ret == 0)
		ret = tg_bagit_add_tag(b, "bag-info.txt", bi.buf, bi.len, 1);
	if (ret == 0)
		ret = tg_bagit_add_tag(b, "manifest-sha256.txt", b->manifest.buf ? b->manifest.buf : "",
				       b->manifest.len, 1);
	if (ret == 0)
		ret = tg_bagit_add_tag(b, "tagmanifest-sha256.txt", b->tagmanifest.buf,
				       b->tagmanifest.len, 0);
	if (ret == 0) {
		b->tagmanifest_len = b->tagmanifest.len;
		b->tagmanifest_text = tg_dynbuf_detach(&b->tagmanifest, NULL);
	}
	tg_dynbuf_release(&bi);
	return ret < 0 && ret != TG_EIO && ret != TG_EINVAL ? tg_error(ret, "bag-info too large") : ret;
}

static int fsync_tree(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (depth > MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d)
		return tg_error_errno(TG_EIO, "%s: cannot read", dir);
	while ((e = readdir(d)) && ret == 0) {
		char sub[4600];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || e->d_type != DT_DIR)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		ret = fsync_tree(sub, depth + 1);
	}
	closedir(d);
	return ret ? ret : tg_fs_fsync_dir(dir);
}

int tg_bagit_commit(struct tg_bagit *b)
{
	int ret = fsync_tree(b->dir, 0);

	if (ret < 0)
		return ret;
	/* mkdtemp made it private; a package is meant to be handed over */
	if (chmod(b->dir, 0755) != 0)
		return tg_error_errno(TG_EIO, "%s: cannot set permissions", b->dir);
	if (rename(b->dir, b->final_dir) != 0)
		return tg_error_errno(errno == ENOTEMPTY || errno == EEXIST ? TG_EEXIST : TG_EIO,
				      "%s: cannot move the finished package into place",
				      b->final_dir);
	free(b->dir);
	b->dir = NULL;
	return tg_fs_fsync_parent(b->final_dir);
}

static int remove_at(int at, const char *name, int depth)
{
	struct stat st;
	int fd, ret = 0;
	DIR *d;
	struct dirent *e;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0);
	if (depth > MAX_DEPTH)
		return -1;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			if (remove_at(dirfd(d), e->d_name, depth + 1) != 0)
				ret = -1;
	closedir(d);
	if (ret == 0)
		ret = unlinkat(at, name, AT_REMOVEDIR);
	return ret;
}

int tg_bagit_remove_tree(const char *dir)
{
	if (remove_at(AT_FDCWD, dir, 0) != 0)
		return tg_error_errno(TG_EIO, "%s: cannot remove", dir);
	return 0;
}

void tg_bagit_release(struct tg_bagit *b)
{
	if (!b)
		return;
	if (b->dir)
		remove_at(AT_FDCWD, b->dir, 0);
	free(b->dir);
	free(b->final_dir);
	free(b->tagmanifest_text);
	tg_dynbuf_release(&b->manifest);
	tg_dynbuf_release(&b->tagmanifest);
	memset(b, 0, sizeof(*b));
}

/* ---- checking --------------------------------------------------------------- */

struct entry {
	char *path;	/* decoded, relative to the bag */
	char hex[65];
	int seen;
};

struct check {
	const char *dir;
	tg_bagit_report_fn report;
	tg_bagit_file_fn file_cb;
	void *user;
	struct tg_bagit_summary *sum;
	const char *const *unlisted;
	int no_extras;		/* the manifest is missing: every file would be "extra" */
};

static void problem(struct check *k, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct check *k, const char *file, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->sum->problems++;
	k->report(k->user, file, msg);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static char *decode_path(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len + 0 && strncasecmp(s + i, "%25", 3) == 0) {
			out[o++] = '%';
			i += 2;
		} else if (s[i] == '%' && i + 2 < len && strncasecmp(s + i, "%0A", 3) == 0) {
			out[o++] = '\n';
			i += 2;
		} else if (s[i] == '%' && i + 2 < len && strncasecmp(s + i, "%0D", 3) == 0) {
			out[o++] = '\r';
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Parse a manifest; entries sorted by path.  Problems with lines are reported. */
static int parse_manifest(struct check *k, const char *name, int payload, struct entry **out,
			  size_t *nout)
{
	char path[4300], *text = NULL, *line, *save = NULL;
	struct entry *v = NULL;
	size_t n = 0, alloc = 0, len;
	long long line_no = 0;
	int ret;

	*out = NULL;
	*nout = 0;
	snprintf(path, sizeof(path), "%s/%s", k->dir, name);
	ret = tg_fs_read_all(path, MANIFEST_CAP, &text, &len);
	if (ret < 0) {
		tg_error_clear();
		problem(k, name, "missing or unreadable: %s", payload ? "the payload cannot be "
			"checked" : "the tag files cannot be checked");
		return 1;
	}
	if (strlen(text) != len)
		problem(k, name, "contains a NUL byte");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(line), sp;
		char *p;

		line_no++;
		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if (!ll)
			continue;
		sp = strspn(line, "0123456789abcdefABCDEF");
		p = line + sp;
		if (sp != 64 || (*p != ' ' && *p != '\t')) {
			problem(k, name, "line %lld: not '<sha256>  <path>'", line_no);
			continue;
		}
		p += strspn(p, " \t");
		if (n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct entry *nvv = realloc(v, na * sizeof(*nvv));

			if (!nvv) {
				ret = tg_error(TG_ENOMEM, "out of memory");
				goto fail;
			}
			v = nvv;
			alloc = na;
		}
		v[n].path = decode_path(p, strlen(p));
		if (!v[n].path) {
			ret = tg_error(TG_ENOMEM, "out of memory");
			goto fail;
		}
		for (int i = 0; i < 64; i++)
			v[n].hex[i] = (char)(line[i] | (line[i] >= 'A' && line[i] <= 'F' ? 0x20 : 0));
		v[n].hex[64] = '\0';
		v[n].seen = 0;
		if (!safe_rel(v[n].path) || strncmp(v[n].path, "./", 2) == 0 ||
		    (payload != (strncmp(v[n].path, "data/", 5) == 0))) {
			problem(k, name, "line %lld: path '%s' is %s", line_no, v[n].path,
				payload ? "not a safe path under data/" : "not a safe tag file path");
			free(v[n].path);
			continue;
		}
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i].path, v[i - 1].path) == 0)
			problem(k, name, "'%s' is listed twice", v[i].path);
	free(text);
	*out = v;
	*nout = n;
	return 0;
fail:
	free(text);
	free_entries(v, n);
	return ret;
}

static struct entry *find(struct entry *v, size_t n, const char *path)
{
	struct entry key = { (char *)path, "", 0 };

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_entry) : NULL;
}

static void check_listed(struct check *k, const char *manifest, struct entry *v, size_t n,
			 int payload)
{
	for (size_t i = 0; i < n; i++) {
		char path[4600], hex[65];
		struct stat st;

		if (i && strcmp(v[i].path, v[i - 1].path) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", k->dir, v[i].path);
		if (lstat(path, &st) != 0) {
			problem(k, v[i].path, "missing: listed in %s but not in the bag", manifest);
			continue;
		}
		v[i].seen = 1;
		if (!S_ISREG(st.st_mode)) {
			problem(k, v[i].path, "not a regular file");
			continue;
		}
		if (tg_sha256_file(path, hex, NULL) < 0) {
			problem(k, v[i].path, "unreadable: %s", tg_errmsg());
			tg_error_clear();
			continue;
		}
		if (strcmp(hex, v[i].hex) != 0)
			problem(k, v[i].path, "altered: its SHA-256 is %s, %s says %s", hex, manifest,
				v[i].hex);
		else if (payload && k->file_cb)
			k->file_cb(k->user, v[i].path, hex);
	}
}

static int is_unlisted_ok(struct check *k, const char *name)
{
	if (strncmp(name, "tagmanifest-", 12) == 0 && strchr(name, '/') == NULL &&
	    strlen(name) > 16 && strcmp(name + strlen(name) - 4, ".txt") == 0)
		return 1;
	for (int i = 0; k->unlisted && k->unlisted[i]; i++)
		if (strcmp(k->unlisted[i], name) == 0)
			return 1;
	return 0;
}

/* Walk rel (a folder of the bag); payload: under data/. */
static void walk(struct check *k, const char *rel, int depth, int payload, struct entry *v,
		 size_t n, const char *manifest)
{
	char path[4600];
	struct dirent **names = NULL;
	int count;

	snprintf(path, sizeof(path), "%s%s%s", k->dir, rel[0] ? "/" : "", rel);
	if (depth > MAX_DEPTH) {
		problem(k, rel, "folders nested too deep");
		return;
	}
	count = scandir(path, &names, NULL, alphasort);
	if (count < 0) {
		problem(k, rel[0] ? rel : ".", "cannot read the folder");
		return;
	}
	for (int i = 0; i < count; i++) {
		char nm[260], sub[4600], full[4700];
		struct stat st;

		snprintf(nm, sizeof(nm), "%s", names[i]->d_name);
		free(names[i]);
		if (!strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", nm);
		snprintf(full, sizeof(full), "%s/%s", k->dir, sub);
		if (lstat(full, &st) != 0)
			continue;
		if (!rel[0] && strcmp(nm, "data") == 0) {
			if (payload)
				walk(k, sub, depth + 1, 1, v, n, manifest);
			continue;
		}
		if (!rel[0] && payload)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(k, sub, depth + 1, payload, v, n, manifest);
			continue;
		}
		if (payload && S_ISREG(st.st_mode)) {
			k->sum->files++;
			k->sum->bytes += (unsigned long long)st.st_size;
		}
		if (!S_ISREG(st.st_mode))
			problem(k, sub, "not a regular file (a link or device in the bag)");
		else if (!k->no_extras && !find(v, n, sub) && (payload || !is_unlisted_ok(k, sub)))
			problem(k, sub, "extra: %s", payload ? "in data/ but not listed in "
				"manifest-sha256.txt" : "a tag file not covered by "
				"tagmanifest-sha256.txt");
	}
	free(names);
}

static void parse_info(struct check *k, cJSON *info)
{
	char path[4300], *text = NULL, *line, *save = NULL, label[256] = "";
	size_t len;

	snprintf(path, sizeof(path), "%s/bag-info.txt", k->dir);
	if (tg_fs_read_all(path, TAG_CAP, &text, &len) < 0) {
		tg_error_clear();
		problem(k, "bag-info.txt", "missing or unreadable (no Payload-Oxum to check)");
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t ll = strlen(line);
		char *colon;

		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if ((line[0] == ' ' || line[0] == '\t') && label[0]) {
			/* continuation of the previous value */
			cJSON *v = cJSON_GetObjectItemCaseSensitive(info, label);
			const char *old = cJSON_GetStringValue(v);
			size_t nl = (old ? strlen(old) : 0) + ll + 2;
			char *joined = malloc(nl);

			if (joined) {
				snprintf(joined, nl, "%s %s", old ? old : "", line + strspn(line, " \t"));
				cJSON_ReplaceItemInObjectCaseSensitive(info, label,
								       cJSON_CreateString(joined));
				free(joined);
			}
			continue;
		}
		colon = strchr(line, ':');
		if (!colon || colon == line) {
			problem(k, "bag-info.txt", "not a 'Label: value' line: '%.60s'", line);
			continue;
		}
		*colon = '\0';
		snprintf(label, sizeof(label), "%s", line);
		cJSON_DeleteItemFromObjectCaseSensitive(info, label);
		cJSON_AddStringToObject(info, label, colon + 1 + strspn(colon + 1, " \t"));
	}
	free(text);
}

int tg_bagit_check(const char *dir, const char *const *unlisted, tg_bagit_report_fn report,
		   tg_bagit_file_fn file_cb, void *user, struct tg_bagit_summary *sum)
{
	struct check k = { dir, report, file_cb, user, sum, unlisted, 0 };
	struct entry *pm = NULL, *tm = NULL;
	size_t npm = 0, ntm = 0;
	char path[4300], *text = NULL, oxum[64];
	const char *declared;
	struct stat st;
	size_t len;
	int ret;

	memset(sum, 0, sizeof(*sum));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return tg_error(TG_EINPUT, "%s: not a folder", dir);
	sum->info = cJSON_CreateObject();
	if (!sum->info)
		return tg_error(TG_ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/bagit.txt", dir);
	if (tg_fs_read_all(path, TAG_CAP, &text, &len) < 0) {
		tg_error_clear();
		problem(&k, "bagit.txt", "missing: this is not a BagIt package, or it was damaged");
	} else {
		if (!strstr(text, "BagIt-Version: 1.0") && !strstr(text, "BagIt-Version: 0.97"))
			problem(&k, "bagit.txt", "no 'BagIt-Version: 1.0' line");
		if (!strstr(text, "Tag-File-Character-Encoding: UTF-8"))
			problem(&k, "bagit.txt", "no 'Tag-File-Character-Encoding: UTF-8' line");
		free(text);
	}
	parse_info(&k, sum->info);
	snprintf(path, sizeof(path), "%s/data", dir);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		problem(&k, "data", "missing: the payload folder is not there");
	ret = parse_manifest(&k, "manifest-sha256.txt", 1, &pm, &npm);
	if (ret < 0)
		goto out;
	check_listed(&k, "manifest-sha256.txt", pm, npm, 1);
	k.no_extras = ret == 1;
	walk(&k, "", 0, 1, pm, npm, "manifest-sha256.txt");
	snprintf(oxum, sizeof(oxum), "%llu.%llu", sum->bytes, sum->files);
	declared = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sum->info, "Payload-Oxum"));
	if (!declared)
		problem(&k, "bag-info.txt", "no Payload-Oxum");
	else if (strcmp(declared, oxum) != 0)
		problem(&k, "bag-info.txt", "Payload-Oxum is %s but the payload has %s "
			"(octets.files)", declared, oxum);
	ret = parse_manifest(&k, "tagmanifest-sha256.txt", 0, &tm, &ntm);
	if (ret < 0)
		goto out;
	check_listed(&k, "tagmanifest-sha256.txt", tm, ntm, 0);
	k.no_extras = ret == 1;
	walk(&k, "", 0, 0, tm, ntm, "tagmanifest-sha256.txt");
	ret = 0;
out:
	free_entries(pm, npm);
	free_entries(tm, ntm);
	return ret;
}
