#include "custody/log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash/sha256.h"
#include "util/dynbuf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/isotime.h"
#include "util/jsonmem.h"

#define SUFFIX_LEN 212
static const char zero_hash[] =
	"0000000000000000000000000000000000000000000000000000000000000000";

void tg_custody_entry_release(struct tg_custody_entry *e)
{
	if (!e)
		return;
	cJSON_Delete(e->details);
	e->details = NULL;
}

int tg_custody_create(const char *case_dir)
{
	char *path = tg_fs_join(case_dir, "custody.log");
	int fd, ret = 0;

	if (!path)
		return tg_error(TG_ENOMEM, "out of memory");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		ret = tg_error_errno(TG_ECASE, "%s: cannot create", path);
	else if (fsync(fd) != 0)
		ret = tg_error_errno(TG_EIO, "%s: fsync failed", path);
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

int tg_custody_open(struct tg_custody *c, const char *case_dir)
{
	int ret;

	c->locked = 0;
	c->key.pkey = NULL;
	c->path = tg_fs_join(case_dir, "custody.log");
	if (!c->path)
		return tg_error(TG_ENOMEM, "out of memory");
	c->fd = open(c->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (c->fd < 0) {
		ret = tg_error_errno(TG_ECASE, "%s: cannot open the custody log", c->path);
		goto fail;
	}
	ret = tg_key_load(&c->key, case_dir, 0);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	tg_custody_release(c);
	return ret;
}

void tg_custody_release(struct tg_custody *c)
{
	if (!c)
		return;
	if (c->locked)
		tg_custody_unlock(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	tg_key_release(&c->key);
	free(c->path);
	c->path = NULL;
}

int tg_custody_lock(struct tg_custody *c)
{
	while (flock(c->fd, LOCK_EX) != 0) {
		if (errno != EINTR)
			return tg_error_errno(TG_ECASE, "%s: cannot lock", c->path);
	}
	c->locked = 1;
	return 0;
}

void tg_custody_unlock(struct tg_custody *c)
{
	if (c->locked)
		flock(c->fd, LOCK_UN);
	c->locked = 0;
}

/*
 * Find the last complete line; cut off a torn tail (no '\n') left by a
 * crash during a previous append.  Fills seq and hash of the head.
 */
static int read_head(struct tg_custody *c, long long *seq, char hash[65])
{
	struct stat st;
	off_t end, pos, start;
	char *buf = NULL;
	size_t len;
	int ret = 0;

	*seq = 0;
	memcpy(hash, zero_hash, 65);
	if (fstat(c->fd, &st) != 0)
		return tg_error_errno(TG_EIO, "%s: stat failed", c->path);
	end = st.st_size;
	if (end == 0)
		return 0;
	len = end > TG_CUSTODY_MAX_LINE + 1 ? TG_CUSTODY_MAX_LINE + 1 : (size_t)end;
	start = end - (off_t)len;
	buf = malloc(len + 1);
	if (!buf)
		return tg_error(TG_ENOMEM, "out of memory");
	if (pread(c->fd, buf, len, start) != (ssize_t)len) {
		ret = tg_error_errno(TG_EIO, "%s: read failed", c->path);
		goto out;
	}
	buf[len] = '\0';
	if (buf[len - 1] != '\n') {
		/* torn tail: keep everything up to the last newline */
		pos = (off_t)len - 1;
		while (pos >= 0 && buf[pos] != '\n')
			pos--;
		if (pos < 0 && start > 0) {
			ret = tg_error(TG_ECASE, "%s: last line is too long", c->path);
			goto out;
		}
		if (ftruncate(c->fd, start + pos + 1) != 0 || fsync(c->fd) != 0) {
			ret = tg_error_errno(TG_EIO, "%s: cannot cut a torn last line", c->path);
			goto out;
		}
		len = (size_t)(pos + 1);
		buf[len] = '\0';
		if (len == 0)
			goto out;
	}
	/* the last line is buf[pos+1 .. len-2] */
	pos = (off_t)len - 2;
	while (pos >= 0 && buf[pos] != '\n')
		pos--;
	{
		struct tg_custody_entry e = { 0 };
		char problem[160];
		const char *line = buf + pos + 1;
		size_t ll = len - 1 - (size_t)(pos + 1);

		ret = tg_custody_parse_line(line, ll, &e, problem, sizeof(problem));
		if (ret == TG_ECHECK)
			ret = tg_error(TG_ECASE, "%s: last entry is damaged (%s); run 'testigo verify'",
				       c->path, problem);
		if (ret < 0)
			goto out;
		*seq = e.seq;
		memcpy(hash, e.hash, 65);
		tg_custody_entry_release(&e);
	}
out:
	free(buf);
	return ret;
}

static int add_json_string(struct tg_dynbuf *b, const char *s)
{
	cJSON *str = cJSON_CreateString(s);
	char *txt = str ? cJSON_PrintUnformatted(str) : NULL;
	int ret = txt ? tg_dynbuf_addstr(b, txt) : TG_ENOMEM;

	cJSON_free(txt);
	cJSON_Delete(str);
	return ret;
}

/* A line that could not be built: over the size limit, or out of memory. */
static int too_large_or_no_memory(const struct tg_custody *c, int code)
{
	if (code == TG_ENOMEM)
		return tg_error(TG_ENOMEM, "%s: out of memory while writing a custody entry", c->path);
	return tg_error(code, "%s: custody entry too large", c->path);
}

int tg_custody_append(struct tg_custody *c, const char *actor, const char *action,
		      const char *item, const struct cJSON *details,
		      struct tg_custody_entry *out)
{
	struct tg_dynbuf b = TG_DYNBUF_INIT(TG_CUSTODY_MAX_LINE);
	unsigned char raw[TG_SHA256_LEN], sig[TG_ED25519_SIG_LEN];
	char hash[65], sighex[129], prev[65], now[40], *det = NULL;
	cJSON *dup = NULL;
	long long seq;
	int took_lock = 0, ret;

	/* the details, and whatever this entry records, must be whole */
	if ((ret = tg_jsonmem_check()) < 0)
		return ret;
	if (!c->locked) {
		ret = tg_custody_lock(c);
		if (ret < 0)
			return ret;
		took_lock = 1;
	}
	ret = read_head(c, &seq, prev);
	if (ret < 0)
		goto out;
	seq++;
	tg_isotime_utc(tg_isotime_now(), 1, now, sizeof(now));
	det = details ? cJSON_PrintUnformatted(details) : NULL;
	if (details && !det) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	ret = tg_dynbuf_printf(&b, "{\"seq\":%lld,\"time\":\"%s\",\"actor\":", seq, now);
	if (ret == 0)
		ret = add_json_string(&b, actor ? actor : "unknown");
	if (ret == 0)
		ret = tg_dynbuf_addstr(&b, ",\"action\":");
	if (ret == 0)
		ret = add_json_string(&b, action);
	if (ret == 0)
		ret = item && item[0] ? tg_dynbuf_printf(&b, ",\"item\":\"%s\"", item)
				      : tg_dynbuf_addstr(&b, ",\"item\":null");
	if (ret == 0)
		ret = tg_dynbuf_printf(&b, ",\"details\":%s,\"prev\":\"%s\"", det ? det : "{}", prev);
	if (ret < 0) {
		ret = too_large_or_no_memory(c, ret);
		goto out;
	}
	ret = tg_sha256_buf(b.buf, b.len, raw, hash);
	if (ret == 0)
		ret = tg_key_sign(&c->key, raw, sizeof(raw), sig);
	if (ret < 0)
		goto out;
	tg_hex_encode(sig, sizeof(sig), sighex);
	ret = tg_dynbuf_printf(&b, ",\"hash\":\"%s\",\"sig\":\"%s\"}\n", hash, sighex);
	if (ret < 0) {
		ret = too_large_or_no_memory(c, ret);
		goto out;
	}
	/* the caller's copy of the entry is made before the line is written:
	 * once it is durable, nothing may fail for want of memory */
	if (out && !(dup = details ? cJSON_Duplicate(details, 1) : cJSON_CreateObject())) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	/* One write: O_APPEND makes it land whole at the end. */
	ret = tg_fs_write_full(c->fd, b.buf, b.len, c->path);
	if (ret == 0 && fdatasync(c->fd) != 0)
		ret = tg_error_errno(TG_EIO, "%s: fsync failed", c->path);
	if (ret < 0) {
		/* do not leave a partial line: cut back to the previous end */
		struct stat st;
		if (fstat(c->fd, &st) == 0 && st.st_size >= (off_t)b.len)
			if (ftruncate(c->fd, st.st_size - (off_t)b.len) == 0)
				fsync(c->fd);
		goto out;
	}
	if (out) {
		memset(out, 0, sizeof(*out));
		out->seq = seq;
		snprintf(out->time, sizeof(out->time), "%s", now);
		snprintf(out->actor, sizeof(out->actor), "%s", actor ? actor : "unknown");
		snprintf(out->action, sizeof(out->action), "%s", action);
		snprintf(out->item, sizeof(out->item), "%s", item ? item : "");
		out->details = dup;
		dup = NULL;
		memcpy(out->prev, prev, 65);
		memcpy(out->hash, hash, 65);
		memcpy(out->sig, sighex, 129);
	}
out:
	cJSON_Delete(dup);
	cJSON_free(det);
	tg_dynbuf_release(&b);
	if (took_lock)
		tg_custody_unlock(c);
	return ret;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int copy_string(cJSON *obj, const char *key, char *dst, size_t n, int nullable)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (nullable && cJSON_IsNull(v)) {
		dst[0] = '\0';
		return 0;
	}
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= n)
		return -1;
	memcpy(dst, v->valuestring, strlen(v->valuestring) + 1);
	return 0;
}

int tg_custody_parse_line(const char *line, size_t len, struct tg_custody_entry *e,
			  char *problem, size_t problem_len)
{
	cJSON *obj = NULL, *v;
	const char *bad = NULL;

	memset(e, 0, sizeof(*e));
	if (len == 0) {
		snprintf(problem, problem_len, "empty line");
		return TG_ECHECK;
	}
	if (tg_jsonmem_parse(line, len, &obj) < 0)
		return tg_error(TG_ENOMEM, "out of memory while reading a custody entry");
	if (!cJSON_IsObject(obj)) {
		bad = "not a JSON object";
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, "seq");
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble != (double)(long long)v->valuedouble) {
		bad = "bad or missing \"seq\"";
		goto out;
	}
	e->seq = (long long)v->valuedouble;
	if (copy_string(obj, "time", e->time, sizeof(e->time), 0))
		bad = "bad or missing \"time\"";
	else if (copy_string(obj, "actor", e->actor, sizeof(e->actor), 0))
		bad = "bad or missing \"actor\"";
	else if (copy_string(obj, "action", e->action, sizeof(e->action), 0))
		bad = "bad or missing \"action\"";
	else if (copy_string(obj, "item", e->item, sizeof(e->item), 1) ||
		 (e->item[0] && !tg_sha256_is_hex(e->item)))
		bad = "bad \"item\"";
	else if (copy_string(obj, "prev", e->prev, sizeof(e->prev), 0) || !tg_sha256_is_hex(e->prev))
		bad = "bad or missing \"prev\"";
	else if (copy_string(obj, "hash", e->hash, sizeof(e->hash), 0) || !tg_sha256_is_hex(e->hash))
		bad = "bad or missing \"hash\"";
	else if (copy_string(obj, "sig", e->sig, sizeof(e->sig), 0) || strlen(e->sig) != 128 ||
		 !is_hex(e->sig, 128))
		bad = "bad or missing \"sig\"";
	if (bad)
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(obj, "details");
	if (!cJSON_IsObject(v)) {
		bad = "bad or missing \"details\"";
		goto out;
	}
	e->details = cJSON_DetachItemViaPointer(obj, v);
out:
	cJSON_Delete(obj);
	if (bad) {
		snprintf(problem, problem_len, "%s", bad);
		return TG_ECHECK;
	}
	return 0;
}

int tg_custody_check_line(const char *line, size_t len, const struct tg_custody_entry *e,
			  const struct tg_key *key, char *problem, size_t problem_len)
{
	unsigned char raw[TG_SHA256_LEN], sig[TG_ED25519_SIG_LEN];
	char hash[65], suffix[SUFFIX_LEN + 1];
	int r;

	snprintf(suffix, sizeof(suffix), ",\"hash\":\"%s\",\"sig\":\"%s\"}", e->hash, e->sig);
	if (len <= SUFFIX_LEN || memcmp(line + len - SUFFIX_LEN, suffix, SUFFIX_LEN) != 0) {
		snprintf(problem, problem_len, "the line does not end with its hash and signature");
		return TG_ECHECK;
	}
	if (tg_sha256_buf(line, len - SUFFIX_LEN, raw, hash) < 0)
		return TG_ECRYPTO;
	if (strcmp(hash, e->hash) != 0) {
		snprintf(problem, problem_len, "hash mismatch: the entry was altered");
		return TG_ECHECK;
	}
	if (tg_hex_decode(e->sig, sig, sizeof(sig)) < 0) {
		snprintf(problem, problem_len, "signature is not hex");
		return TG_ECHECK;
	}
	r = tg_key_verify(key, raw, sizeof(raw), sig);
	if (r < 0)
		return r;
	if (r == 0) {
		snprintf(problem, problem_len, "bad signature: not signed by this case's key");
		return TG_ECHECK;
	}
	return 0;
}

int tg_custody_walk(const char *path, tg_custody_cb cb, void *user)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long long line_no = 0;
	int ret = 0;

	if (!f)
		return tg_error_errno(TG_ECASE, "%s: cannot open the custody log", path);
	while ((errno = 0, n = getline(&line, &cap, f)) >= 0) {
		struct tg_custody_entry e;
		char problem[160] = "";
		size_t len = (size_t)n;
		int ok;

		line_no++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		else {
			snprintf(problem, sizeof(problem), "incomplete last line (no newline)");
			ret = cb(user, line_no, line, len, NULL, problem);
			if (ret)
				break;
			continue;
		}
		if (len > TG_CUSTODY_MAX_LINE) {
			snprintf(problem, sizeof(problem), "line longer than %d bytes", TG_CUSTODY_MAX_LINE);
			ok = -1;
		} else {
			ok = tg_custody_parse_line(line, len, &e, problem, sizeof(problem));
			if (ok == TG_ENOMEM) {
				/* not a problem of the log: the check cannot go on */
				ret = ok;
				break;
			}
		}
		ret = cb(user, line_no, line, len, ok == 0 ? &e : NULL, ok == 0 ? NULL : problem);
		if (ok == 0)
			tg_custody_entry_release(&e);
		if (ret)
			break;
	}
	/* getline() also stops for want of memory, without setting the
	 * stream's error: a walk that did not reach the end is not whole */
	if (ret == 0 && (ferror(f) || !feof(f)))
		ret = errno == ENOMEM ? tg_error(TG_ENOMEM, "%s: out of memory while reading", path)
				      : tg_error_errno(TG_EIO, "%s: read failed", path);
	free(line);
	fclose(f);
	return ret;
}

struct verify_state {
	const struct tg_key *key;
	tg_custody_report_cb report;
	void *user;
	long long expect_seq;
	char prev[65];
	int problems;
	long long entries;
};

static int verify_one(void *user, long long line_no, const char *line, size_t len,
		      const struct tg_custody_entry *e, const char *problem)
{
	struct verify_state *s = user;
	char msg[256];

	s->entries++;
	if (!e) {
		s->report(s->user, line_no, 0, problem);
		s->problems++;
		/* the chain cannot be followed through an unreadable line */
		s->prev[0] = '\0';
		s->expect_seq++;
		return 0;
	}
	if (e->seq != s->expect_seq) {
		snprintf(msg, sizeof(msg), "seq %lld where %lld was expected (a line was deleted, "
			 "inserted or moved)", e->seq, s->expect_seq);
		s->report(s->user, line_no, e->seq, msg);
		s->problems++;
	}
	if (s->prev[0] && strcmp(e->prev, s->prev) != 0) {
		snprintf(msg, sizeof(msg), "\"prev\" does not match the previous entry's hash "
			 "(the chain is broken here)");
		s->report(s->user, line_no, e->seq, msg);
		s->problems++;
	}
	if (tg_custody_check_line(line, len, e, s->key, msg, sizeof(msg)) != 0) {
		s->report(s->user, line_no, e->seq, msg);
		s->problems++;
	}
	s->expect_seq = e->seq + 1;
	memcpy(s->prev, e->hash, 65);
	return 0;
}

int tg_custody_verify(const char *path, const struct tg_key *key,
		      tg_custody_report_cb report, void *user, long long *entries,
		      char last_hash[65])
{
	struct verify_state s = { key, report, user, 1, "", 0, 0 };
	int ret;

	memcpy(s.prev, zero_hash, 65);
	ret = tg_custody_walk(path, verify_one, &s);
	if (entries)
		*entries = s.entries;
	if (last_hash)
		memcpy(last_hash, s.prev, 65);
	return ret < 0 ? ret : s.problems;
}
