/* bag_verify.c - check an archival package without its case (see bag.h). */
#include "case/bag.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody/key.h"
#include "custody/log.h"
#include "hash/sha256.h"
#include "report/bagit.h"
#include "util/error.h"
#include "util/fs.h"

struct object {
	char rel[160];
	char sha[65];
};

struct vstate {
	tg_bag_report_fn report;
	void *user;
	struct tg_bag_summary *sum;
	struct object *objs;
	int nobj, alloc;
	char (*acquired)[65];
	long long nacq, aacq;
};

static void problem(struct vstate *v, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct vstate *v, const char *file, const char *fmt, ...)
{
	char msg[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->sum->problems++;
	v->report(v->user, file, msg);
}

static void bag_problem(void *user, const char *file, const char *msg)
{
	problem(user, file, "%s", msg);
}

static void payload_file(void *user, const char *rel, const char *sha)
{
	struct vstate *v = user;

	if (strncmp(rel, "data/objects/", 13) != 0 || strlen(rel) >= sizeof(v->objs[0].rel))
		return;
	if (v->nobj == v->alloc) {
		int na = v->alloc ? v->alloc * 2 : 32;
		struct object *p = realloc(v->objs, (size_t)na * sizeof(*p));

		if (!p)
			return;
		v->objs = p;
		v->alloc = na;
	}
	snprintf(v->objs[v->nobj].rel, sizeof(v->objs[0].rel), "%s", rel);
	memcpy(v->objs[v->nobj].sha, sha, 65);
	v->nobj++;
}

static void chain_problem(void *user, long long line_no, long long seq, const char *msg)
{
	(void)seq;
	problem(user, "data/custody.log", "line %lld: %s", line_no, msg);
}

static int collect_acquire(void *user, long long line_no, const char *line, size_t len,
			   const struct tg_custody_entry *e, const char *why)
{
	struct vstate *v = user;

	(void)line_no;
	(void)line;
	(void)len;
	(void)why;
	if (!e || strcmp(e->action, "acquire") != 0 || !e->item[0])
		return 0;
	if (v->nacq == v->aacq) {
		long long na = v->aacq ? v->aacq * 2 : 64;
		char (*p)[65] = realloc(v->acquired, (size_t)na * sizeof(*p));

		if (!p)
			return tg_error(TG_ENOMEM, "out of memory");
		v->acquired = p;
		v->aacq = na;
	}
	memcpy(v->acquired[v->nacq++], e->item, 65);
	return 0;
}

static int was_acquired(const struct vstate *v, const char *sha)
{
	for (long long i = 0; i < v->nacq; i++)
		if (strcmp(v->acquired[i], sha) == 0)
			return 1;
	return 0;
}

static const char *info(const struct tg_bagit_summary *bs, const char *label)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bs->info, label));
}

static void check_signature(struct vstate *v, const char *dir, const struct tg_key *key)
{
	char path[4300], *tm = NULL, *sig = NULL;
	size_t tm_len, sig_len;
	int r;

	snprintf(path, sizeof(path), "%s/tagmanifest-sha256.txt.sig", dir);
	if (tg_fs_read_all(path, 4096, &sig, &sig_len) < 0) {
		tg_error_clear();
		problem(v, "tagmanifest-sha256.txt.sig", "missing: the package is not signed");
		return;
	}
	snprintf(path, sizeof(path), "%s/tagmanifest-sha256.txt", dir);
	if (sig_len != TG_ED25519_SIG_LEN) {
		problem(v, "tagmanifest-sha256.txt.sig", "%zu bytes; an Ed25519 signature has 64",
			sig_len);
	} else if (tg_fs_read_all(path, (size_t)256 << 20, &tm, &tm_len) == 0) {
		r = tg_key_verify(key, tm, tm_len, (const unsigned char *)sig);
		if (r == 1)
			v->sum->signature_ok = 1;
		else
			problem(v, "tagmanifest-sha256.txt.sig", "bad signature: the tag manifest was "
				"altered after signing, or signed by another key");
	} else {
		tg_error_clear();	/* the missing tag manifest is already reported */
	}
	free(sig);
	free(tm);
}

static void check_catalog(struct vstate *v, const char *dir)
{
	char path[4300], *text = NULL;
	size_t len;
	cJSON *items, *it;

	snprintf(path, sizeof(path), "%s/data/catalog/items.json", dir);
	if (tg_fs_read_all(path, (size_t)1 << 30, &text, &len) < 0) {
		tg_error_clear();
		problem(v, "data/catalog/items.json", "missing or unreadable");
		return;
	}
	items = cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsArray(items)) {
		problem(v, "data/catalog/items.json", "not a JSON array of items");
		cJSON_Delete(items);
		return;
	}
	cJSON_ArrayForEach(it, items) {
		const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(it, "sha256"));
		int found = 0;

		for (int i = 0; sha && i < v->nobj; i++)
			if (strcmp(v->objs[i].sha, sha) == 0)
				found = 1;
		if (!sha || !found)
			problem(v, "data/catalog/items.json", "item %s has no intact evidentiary copy "
				"in data/objects/", sha ? sha : "(without sha256)");
	}
	cJSON_Delete(items);
}

int tg_bag_verify(const char *dir, const char *key_path, tg_bag_report_fn report, void *user,
		  struct tg_bag_summary *sum)
{
	static const char *const unlisted[] = { "tagmanifest-sha256.txt.sig", NULL };
	struct vstate v = { report, user, sum, NULL, 0, 0, NULL, 0, 0 };
	struct tg_bagit_summary bs;
	struct tg_key key = { NULL, 0 }, bagkey = { NULL, 0 };
	char path[4300], hex[TG_ED25519_PUB_HEX] = "", bhex[TG_ED25519_PUB_HEX] = "", head[65];
	const char *declared;
	int ret, have_key = 0, n;

	memset(sum, 0, sizeof(*sum));
	if (key_path) {
		ret = tg_key_load_public_file(&key, key_path);
		if (ret < 0)
			return ret;
	}
	ret = tg_bagit_check(dir, unlisted, bag_problem, payload_file, &v, &bs);
	if (ret < 0)
		goto out;
	sum->files = bs.files;
	sum->bytes = bs.bytes;
	/* the key: a trusted one given by the caller, else the bag's own */
	snprintf(path, sizeof(path), "%s/case-public-key.pem", dir);
	if (tg_key_load_public_file(&bagkey, path) == 0) {
		tg_key_public_hex(&bagkey, bhex);
	} else {
		tg_error_clear();
		problem(&v, "case-public-key.pem", "missing or not an Ed25519 public key");
	}
	if (key_path) {
		tg_key_public_hex(&key, hex);
		have_key = 1;
		if (bhex[0] && strcmp(hex, bhex) != 0)
			problem(&v, "case-public-key.pem", "is %s, not the trusted key %s given with "
				"--key", bhex, hex);
	} else if (bhex[0]) {
		memcpy(hex, bhex, sizeof(hex));
		key = bagkey;
		bagkey.pkey = NULL;
		have_key = 1;
	}
	snprintf(sum->public_key, sizeof(sum->public_key), "%s", hex);
	declared = info(&bs, "Testigo-Public-Key-Ed25519");
	if (!declared)
		problem(&v, "bag-info.txt", "no Testigo-Public-Key-Ed25519");
	else if (hex[0] && strcmp(declared, hex) != 0)
		problem(&v, "bag-info.txt", "Testigo-Public-Key-Ed25519 is %s, the key is %s",
			declared, hex);
	if (have_key)
		check_signature(&v, dir, &key);
	/* the custody chain inside, with the same key */
	snprintf(path, sizeof(path), "%s/data/custody.log", dir);
	if (have_key) {
		n = tg_custody_verify(path, &key, chain_problem, &v, &sum->custody_entries, head);
		if (n < 0) {
			tg_error_clear();
			problem(&v, "data/custody.log", "missing or unreadable");
		} else {
			declared = info(&bs, "Testigo-Custody-Head");
			if (declared && strcmp(declared, head) != 0)
				problem(&v, "data/custody.log", "its last entry's hash is %s, bag-info.txt "
					"says %s (entries added or removed)", head, declared);
			declared = info(&bs, "Testigo-Custody-Entries");
			if (declared && atoll(declared) != sum->custody_entries)
				problem(&v, "data/custody.log", "%lld entries, bag-info.txt says %s",
					sum->custody_entries, declared);
			if (tg_custody_walk(path, collect_acquire, &v) < 0)
				tg_error_clear();
		}
	} else {
		problem(&v, "data/custody.log", "not checked: no public key to check it with");
	}
	/* each evidentiary copy is named by its content and was acquired in the log */
	for (int i = 0; i < v.nobj; i++) {
		const char *name = v.objs[i].rel + 13;

		sum->objects++;
		if (strncmp(name, v.objs[i].sha, 64) != 0 || (name[64] && name[64] != '.'))
			problem(&v, v.objs[i].rel, "its content's SHA-256 is %s, which is not its name",
				v.objs[i].sha);
		else if (have_key && !was_acquired(&v, v.objs[i].sha))
			problem(&v, v.objs[i].rel, "no acquire entry for it in data/custody.log");
	}
	check_catalog(&v, dir);
	ret = 0;
out:
	cJSON_Delete(bs.info);
	tg_key_release(&key);
	tg_key_release(&bagkey);
	free(v.objs);
	free(v.acquired);
	return ret;
}
