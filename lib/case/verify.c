#include "case/verify.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hash/sha256.h"
#include "util/error.h"

const char *tg_verify_kind_name(enum tg_verify_kind k)
{
	switch (k) {
	case TG_VERIFY_LOG: return "log";
	case TG_VERIFY_CATALOG: return "catalog";
	case TG_VERIFY_OBJECT: return "object";
	case TG_VERIFY_FINDING: return "finding";
	}
	return "?";
}

/* What the log says, indexed by seq, for the cross-checks. */
struct log_entry {
	char hash[65];
	char item[65];
	char action[32];
	char result_sha256[65];
	long long line;
};

struct state {
	struct tg_case *c;
	tg_verify_cb report;
	void *user;
	struct tg_verify_summary *sum;
	struct log_entry *log;	/* index seq-1 */
	long long nlog, alloc;
	tg_verify_progress_cb progress;
	void *puser;
	unsigned long long done, total;
	long long snapshot_seq;	/* rows newer than the log we read are not judged */
};

static void problem(struct state *s, enum tg_verify_kind kind, long long line, long long seq,
		    const char *item, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void problem(struct state *s, enum tg_verify_kind kind, long long line, long long seq,
		    const char *item, const char *fmt, ...)
{
	struct tg_verify_problem p = { kind, line, seq, item && item[0] ? item : NULL, NULL };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p.message = msg;
	s->sum->problems++;
	s->report(s->user, &p);
}

static void chain_problem(void *user, long long line_no, long long seq, const char *msg)
{
	problem(user, TG_VERIFY_LOG, line_no, seq, NULL, "%s", msg);
}

static int index_line(void *user, long long line_no, const char *line, size_t len,
		      const struct tg_custody_entry *e, const char *why)
{
	struct state *s = user;
	struct log_entry *le;
	const cJSON *r;

	(void)line;
	(void)len;
	(void)why;
	if (!e || e->seq < 1 || e->seq > 100000000)
		return 0;
	if (e->seq > s->alloc) {
		long long na = s->alloc ? s->alloc : 1024;
		struct log_entry *p;

		while (na < e->seq)
			na *= 2;
		p = realloc(s->log, (size_t)na * sizeof(*p));
		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		memset(p + s->alloc, 0, (size_t)(na - s->alloc) * sizeof(*p));
		s->log = p;
		s->alloc = na;
	}
	le = &s->log[e->seq - 1];
	if (le->line)
		return 0;	/* a duplicate seq is already a chain problem */
	memcpy(le->hash, e->hash, 65);
	memcpy(le->item, e->item, 65);
	snprintf(le->action, sizeof(le->action), "%s", e->action);
	r = cJSON_GetObjectItemCaseSensitive(e->details, "result_sha256");
	if (cJSON_IsString(r))
		snprintf(le->result_sha256, sizeof(le->result_sha256), "%s", r->valuestring);
	le->line = line_no;
	if (e->seq > s->nlog)
		s->nlog = e->seq;
	return 0;
}

static const struct log_entry *log_at(struct state *s, long long seq)
{
	if (seq < 1 || seq > s->nlog || !s->log[seq - 1].line)
		return NULL;
	return &s->log[seq - 1];
}

/* Catalog custody rows: each must be the log's entry of that seq. */
static int check_row(void *user, const struct tg_custody_row *r)
{
	struct state *s = user;
	const struct log_entry *le = log_at(s, r->seq);

	if (r->seq > s->snapshot_seq)
		return 0;
	if (!le)
		problem(s, TG_VERIFY_CATALOG, 0, r->seq, r->item_sha256,
			"the catalog records custody entry %lld (%s), which is missing from the log "
			"(the log was truncated or lines deleted)", r->seq, r->action);
	else if (strcmp(le->hash, r->hash) != 0)
		problem(s, TG_VERIFY_CATALOG, le->line, r->seq, r->item_sha256,
			"custody entry %lld in the log differs from the one the catalog recorded",
			r->seq);
	else
		s->log[r->seq - 1].line = -s->log[r->seq - 1].line;	/* mark seen */
	return 0;
}

static int count_bytes(void *user, const struct tg_item *it)
{
	struct state *s = user;

	s->total += it->size;
	return 0;
}

static int is_acquire(void *user, const struct tg_custody_row *r)
{
	if (strcmp(r->action, "acquire") == 0)
		*(int *)user = 1;
	return 0;
}

static int check_item(void *user, const struct tg_item *it)
{
	struct state *s = user;
	char *path = tg_case_object_path(s->c, it->sha256), hex[65];
	unsigned long long size = 0;
	struct stat st;
	int acquired = 0;

	if (!path)
		return tg_error(TG_ENOMEM, "out of memory");
	if (it->added_seq > s->snapshot_seq) {
		free(path);
		return 0;
	}
	s->sum->items++;
	/* the catalog's custody rows were matched against the log above */
	tg_store_custody(s->c->store, it->sha256, is_acquire, &acquired);
	if (!acquired)
		problem(s, TG_VERIFY_CATALOG, 0, 0, it->sha256,
			"item %lld (%s) has no acquire entry in the custody log", it->id, it->first_name);
	if (lstat(path, &st) != 0)
		problem(s, TG_VERIFY_OBJECT, 0, 0, it->sha256,
			"item %lld (%s): the evidentiary copy objects/%.2s/%s is missing", it->id,
			it->first_name, it->sha256, it->sha256 + 2);
	else if (!S_ISREG(st.st_mode))
		problem(s, TG_VERIFY_OBJECT, 0, 0, it->sha256,
			"item %lld (%s): objects/%.2s/%s is not a regular file", it->id,
			it->first_name, it->sha256, it->sha256 + 2);
	else if (tg_sha256_file(path, hex, &size) < 0)
		problem(s, TG_VERIFY_OBJECT, 0, 0, it->sha256, "item %lld (%s): %s", it->id,
			it->first_name, tg_errmsg());
	else if (size != it->size)
		problem(s, TG_VERIFY_OBJECT, 0, 0, it->sha256,
			"item %lld (%s): the copy has %llu bytes, %llu were acquired", it->id,
			it->first_name, size, it->size);
	else if (strcmp(hex, it->sha256) != 0)
		problem(s, TG_VERIFY_OBJECT, 0, 0, it->sha256,
			"item %lld (%s): the copy's SHA-256 is now %s: its content was altered",
			it->id, it->first_name, hex);
	else if (st.st_mode & 0222)
		problem(s, TG_VERIFY_OBJECT, 0, 0, it->sha256,
			"item %lld (%s): the copy is writable (mode %o); evidentiary copies are "
			"read-only", it->id, it->first_name, st.st_mode & 0777);
	s->sum->objects_bytes += (long long)size;
	s->done += it->size;
	if (s->progress)
		s->progress(s->puser, s->done, s->total);
	free(path);
	return 0;
}

static int check_finding(void *user, const struct tg_finding *f)
{
	struct state *s = user;
	const struct log_entry *le = log_at(s, f->seq);
	char hex[65];

	if (f->seq > s->snapshot_seq)
		return 0;
	s->sum->findings++;
	if (!le) {
		problem(s, TG_VERIFY_FINDING, 0, f->seq, NULL,
			"finding %s of item %lld refers to custody entry %lld, not in the log",
			f->analyser, f->item_id, f->seq);
		return 0;
	}
	if (!le->result_sha256[0])
		return 0;
	tg_sha256_buf(f->result, strlen(f->result), NULL, hex);
	if (strcmp(hex, le->result_sha256) != 0)
		problem(s, TG_VERIFY_FINDING, llabs(le->line), f->seq, le->item,
			"the stored %s result of item %lld does not match the hash its custody entry "
			"recorded: the catalog was edited", f->analyser, f->item_id);
	return 0;
}

static int findings_of_item(void *user, const struct tg_item *it)
{
	struct state *s = user;

	return tg_store_findings(s->c->store, it->id, NULL, check_finding, s);
}

static void check_stray_objects(struct state *s)
{
	char dir[4200], sha[65];
	DIR *top, *sub;
	struct dirent *a, *b;
	struct tg_item it;

	snprintf(dir, sizeof(dir), "%s/objects", s->c->dir);
	top = opendir(dir);
	if (!top) {
		problem(s, TG_VERIFY_OBJECT, 0, 0, NULL, "%s: the objects folder is missing", dir);
		return;
	}
	while ((a = readdir(top))) {
		if (strlen(a->d_name) != 2 || !strchr("0123456789abcdef", a->d_name[0]) ||
		    !strchr("0123456789abcdef", a->d_name[1]))
			continue;
		snprintf(dir, sizeof(dir), "%s/objects/%s", s->c->dir, a->d_name);
		sub = opendir(dir);
		if (!sub)
			continue;
		while ((b = readdir(sub))) {
			if (b->d_name[0] == '.')
				continue;
			snprintf(sha, sizeof(sha), "%s%.62s", a->d_name, b->d_name);
			if (strlen(b->d_name) != 62 || !tg_sha256_is_hex(sha) ||
			    tg_store_item_by_sha(s->c->store, sha, &it) != 0)
				problem(s, TG_VERIFY_OBJECT, 0, 0, NULL,
					"objects/%s/%s is not a catalogued item (a stray or renamed file)",
					a->d_name, b->d_name);
		}
		closedir(sub);
	}
	closedir(top);
}

int tg_case_verify(struct tg_case *c, tg_verify_cb report, void *user,
		   tg_verify_progress_cb progress, void *puser, struct tg_verify_summary *sum)
{
	struct state s = { c, report, user, sum, NULL, 0, 0, progress, puser, 0, 0, 0 };
	struct tg_key pub = { NULL, 0 };
	int ret, n;

	memset(sum, 0, sizeof(*sum));
	ret = tg_key_load(&pub, c->dir, 1);
	if (ret < 0)
		return ret;
	/*
	 * Read the log and the catalog's custody rows as one snapshot (adds wait
	 * for these few milliseconds); rows added while the objects are re-hashed
	 * afterwards are newer than the snapshot and left for the next check.
	 */
	ret = tg_custody_lock(&c->custody);
	if (ret < 0) {
		tg_key_release(&pub);
		return ret;
	}
	s.snapshot_seq = tg_store_custody_max_seq(c->store);
	if (s.snapshot_seq < 0) {
		tg_custody_unlock(&c->custody);
		tg_key_release(&pub);
		return (int)s.snapshot_seq;
	}
	n = tg_custody_verify(c->custody.path, &pub, chain_problem, &s, &sum->entries,
			      sum->last_hash);
	tg_key_release(&pub);
	ret = n < 0 ? n : tg_custody_walk(c->custody.path, index_line, &s);
	if (ret == 0)
		ret = tg_store_custody(c->store, NULL, check_row, &s);
	tg_custody_unlock(&c->custody);
	if (ret < 0)
		goto out;
	for (long long q = 1; q <= s.nlog; q++) {
		if (s.log[q - 1].line > 0)
			problem(&s, TG_VERIFY_CATALOG, s.log[q - 1].line, q, s.log[q - 1].item,
				"custody entry %lld (%s) is in the log but not in the catalog", q,
				s.log[q - 1].action);
		s.log[q - 1].line = llabs(s.log[q - 1].line);
	}
	ret = tg_store_items(c->store, count_bytes, &s);
	if (ret == 0)
		ret = tg_store_items(c->store, check_item, &s);
	if (ret == 0)
		ret = tg_store_items(c->store, findings_of_item, &s);
	if (ret == 0)
		check_stray_objects(&s);
out:
	free(s.log);
	return ret;
}
