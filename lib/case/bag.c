#include "case/bag.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/export.h"
#include "hash/sha256.h"
#include "report/bagit.h"
#include "util/dynbuf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonmem.h"

#define MAX_DEPTH 16

static const char *sv(const cJSON *o, const char *k)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));

	return v ? v : "";
}

/* ".mp4" from a file name: letters and digits only, at most 8, lowercase. */
static void extension(const char *name, char *ext, size_t n)
{
	const char *dot = strrchr(name, '.');
	size_t k = 1;

	ext[0] = '\0';
	if (!dot || !dot[1] || strlen(dot + 1) > 8 || n < 10)
		return;
	ext[0] = '.';
	for (const char *p = dot + 1; *p; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch |= 0x20;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			ext[0] = '\0';
			return;
		}
		ext[k++] = ch;
	}
	ext[k] = '\0';
}

static int add_tree(struct tg_bagit *b, const char *src, const char *rel, int depth)
{
	struct dirent **names = NULL;
	int n, ret = 0;

	if (depth > MAX_DEPTH)
		return 0;
	n = scandir(src, &names, NULL, alphasort);
	if (n < 0)
		return 0;	/* no working files */
	for (int i = 0; i < n; i++) {
		char s[4600], r[4600];
		struct stat st;

		if (ret == 0 && strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			snprintf(s, sizeof(s), "%s/%s", src, names[i]->d_name);
			snprintf(r, sizeof(r), "%s/%s", rel, names[i]->d_name);
			if (lstat(s, &st) == 0 && S_ISDIR(st.st_mode))
				ret = add_tree(b, s, r, depth + 1);
			else if (S_ISREG(st.st_mode) && !strchr(names[i]->d_name, '\n') &&
				 !strchr(names[i]->d_name, '\r'))
				ret = tg_bagit_add_file(b, s, r, NULL);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

static int add_json(struct tg_bagit *b, const char *rel, const cJSON *v)
{
	char *text = cJSON_Print(v);
	int ret;

	if (!text)
		return tg_error(TG_ENOMEM, "out of memory");
	ret = tg_bagit_add_bytes(b, rel, text, strlen(text));
	cJSON_free(text);
	return ret;
}

struct head {
	long long entries;
	char hash[65];
};

static int last_entry(void *user, long long line_no, const char *line, size_t len,
		      const struct tg_custody_entry *e, const char *problem)
{
	struct head *h = user;

	(void)line_no;
	(void)line;
	(void)len;
	(void)problem;
	if (e) {
		h->entries++;
		memcpy(h->hash, e->hash, 65);
	}
	return 0;
}

/* "Label: value\n" with newlines in the value flattened. */
static int info_line(struct tg_dynbuf *b, const char *label, const char *value)
{
	int ret = tg_dynbuf_printf(b, "%s: ", label);

	for (const char *p = value; *p && ret == 0; p++)
		ret = tg_dynbuf_add(b, *p == '\n' || *p == '\r' ? " " : p, 1);
	return ret ? ret : tg_dynbuf_addstr(b, "\n");
}

static int add_objects(struct tg_case *c, struct tg_bagit *b, const cJSON *items)
{
	const cJSON *it;
	int ret = 0;

	cJSON_ArrayForEach(it, items) {
		const char *sha = sv(it, "sha256");
		char ext[16], rel[200], *obj, *der;

		if (!tg_sha256_is_hex(sha))
			continue;
		extension(sv(it, "name"), ext, sizeof(ext));
		snprintf(rel, sizeof(rel), "objects/%s%s", sha, ext);
		obj = tg_case_object_path(c, sha);
		der = tg_case_derived_dir(c, sha);
		if (!obj || !der)
			ret = tg_error(TG_ENOMEM, "out of memory");
		if (ret == 0)
			ret = tg_bagit_add_file(b, obj, rel, sha);
		snprintf(rel, sizeof(rel), "derived/%s", sha);
		if (ret == 0)
			ret = add_tree(b, der, rel, 0);
		free(obj);
		free(der);
		if (ret < 0)
			break;
	}
	return ret;
}

int tg_bag_export(struct tg_case *c, const char *dir, const struct tg_bag_opts *o,
		  struct tg_bag_result *res)
{
	struct tg_bagit b;
	struct tg_dynbuf info = TG_DYNBUF_INIT(1 << 20);
	struct head head = { 0, "" };
	struct tg_custody_entry e = { 0 };
	unsigned char sig[TG_ED25519_SIG_LEN];
	cJSON *doc = NULL, *casej = NULL, *d = NULL;
	char *pem = NULL, *abs = NULL, path[4300], num[32];
	size_t pem_len;
	int ret, committed = 0, logged = 0;

	memset(res, 0, sizeof(*res));
	ret = tg_bagit_begin(&b, dir);
	if (ret < 0) {
		tg_bagit_release(&b);
		return ret;
	}
	ret = tg_export_document(c, o->incident, &doc);
	if (ret < 0)
		goto out;
	ret = add_objects(c, &b, cJSON_GetObjectItem(doc, "items"));
	if (ret < 0)
		goto out;
	casej = cJSON_CreateObject();
	if (!casej) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddStringToObject(casej, "tool", sv(doc, "tool"));
	cJSON_AddStringToObject(casej, "generated_utc", sv(doc, "generated_utc"));
	if (tg_jsonmem_add(casej, "case",
			   cJSON_Duplicate(cJSON_GetObjectItem(doc, "case"), 1)) < 0 ||
	    tg_jsonmem_add(casej, "scope",
			   cJSON_Duplicate(cJSON_GetObjectItem(doc, "scope"), 1)) < 0 ||
	    tg_jsonmem_add(casej, "summary",
			   cJSON_Duplicate(cJSON_GetObjectItem(doc, "summary"), 1)) < 0) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	ret = add_json(&b, "catalog/case.json", casej);
	if (ret == 0)
		ret = add_json(&b, "catalog/items.json", cJSON_GetObjectItem(doc, "items"));
	if (ret == 0)
		ret = add_json(&b, "catalog/incidents.json", cJSON_GetObjectItem(doc, "incidents"));
	if (ret == 0)
		ret = add_json(&b, "catalog/timeline.json", cJSON_GetObjectItem(doc, "timeline"));
	if (ret == 0)
		ret = add_json(&b, "catalog/methods.json", cJSON_GetObjectItem(doc, "methods"));
	if (ret < 0)
		goto out;
	/* the log under its lock: whole lines, a consistent head */
	ret = tg_custody_lock(&c->custody);
	if (ret == 0) {
		ret = tg_bagit_add_file(&b, c->custody.path, "custody.log", NULL);
		tg_custody_unlock(&c->custody);
	}
	if (ret < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/data/custody.log", b.dir);
	ret = tg_custody_walk(path, last_entry, &head);
	if (ret < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/keys/case.pub", c->dir);
	ret = tg_fs_read_all(path, 1 << 16, &pem, &pem_len);
	if (ret == 0)
		ret = tg_bagit_add_tag(&b, "case-public-key.pem", pem, pem_len, 1);
	if (ret < 0)
		goto out;
	if (o->organization && o->organization[0])
		ret = info_line(&info, "Source-Organization", o->organization);
	if (ret == 0)
		ret = info_line(&info, "External-Identifier",
				sv(cJSON_GetObjectItem(doc, "case"), "id"));
	if (ret == 0) {
		const cJSON *inc = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "incidents"), 0);
		char desc[600];

		if (o->incident)
			snprintf(desc, sizeof(desc), "testigo evidence package: incident %lld, %s",
				 o->incident, sv(inc, "title"));
		else
			snprintf(desc, sizeof(desc), "testigo evidence package: the whole case");
		ret = info_line(&info, "External-Description", desc);
	}
	if (ret == 0)
		ret = info_line(&info, "Testigo-Case-Id", sv(cJSON_GetObjectItem(doc, "case"), "id"));
	if (ret == 0)
		ret = info_line(&info, "Testigo-Public-Key-Ed25519",
				sv(cJSON_GetObjectItem(doc, "case"), "public_key"));
	if (ret == 0)
		ret = info_line(&info, "Testigo-Custody-Head", head.hash);
	snprintf(num, sizeof(num), "%lld", head.entries);
	if (ret == 0)
		ret = info_line(&info, "Testigo-Custody-Entries", num);
	snprintf(num, sizeof(num), "%d", cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items")));
	if (ret == 0)
		ret = info_line(&info, "Testigo-Items", num);
	snprintf(num, sizeof(num), "%lld", o->incident);
	if (ret == 0 && o->incident)
		ret = info_line(&info, "Testigo-Incident", num);
	if (ret < 0) {
		ret = tg_error(ret, "bag-info too large");
		goto out;
	}
	ret = tg_bagit_close_manifests(&b, info.buf);
	if (ret == 0)
		ret = tg_key_sign(&c->custody.key, b.tagmanifest_text, b.tagmanifest_len, sig);
	if (ret == 0)
		ret = tg_bagit_add_tag(&b, "tagmanifest-sha256.txt.sig", sig, sizeof(sig), 0);
	if (ret < 0)
		goto out;
	tg_sha256_buf(b.tagmanifest_text, b.tagmanifest_len, NULL, res->tagmanifest_sha256);
	memcpy(res->custody_head, head.hash, 65);
	res->files = b.files;
	res->bytes = b.octets;
	res->items = cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items"));
	ret = tg_bagit_commit(&b);
	if (ret < 0)
		goto out;
	committed = 1;
	tg_fs_realpath(dir, &abs);
	d = cJSON_CreateObject();
	if (!d) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto out;
	}
	cJSON_AddStringToObject(d, "format", "bagit");
	cJSON_AddStringToObject(d, "path", abs ? abs : dir);
	if (o->incident)
		cJSON_AddNumberToObject(d, "incident", (double)o->incident);
	else
		cJSON_AddNullToObject(d, "incident");
	cJSON_AddNumberToObject(d, "items", res->items);
	cJSON_AddNumberToObject(d, "files", (double)res->files);
	cJSON_AddNumberToObject(d, "bytes", (double)res->bytes);
	cJSON_AddStringToObject(d, "tagmanifest_sha256", res->tagmanifest_sha256);
	cJSON_AddStringToObject(d, "custody_head", head.hash);
	cJSON_AddNumberToObject(d, "custody_entries", (double)head.entries);
	if (o->organization)
		cJSON_AddStringToObject(d, "organization", o->organization);
	ret = tg_case_record(c, o->actor, "export", NULL, d, NULL, NULL, &e);
	if (ret == 0)
		res->custody_seq = e.seq;
	/* written but not applied: the entry stands (the next open applies it) */
	logged = ret < 0 && c->lagging;
out:
	if (ret < 0 && committed && logged) {
		/* the log names the package: it stays */
		ret = tg_error(ret, "%s (the package %s is complete and its export is in the "
			       "custody log; the catalog will record it when the case is next "
			       "opened)", tg_errmsg(), dir);
	} else if (ret < 0 && committed) {
		/* an export that is not in the log must not exist */
		char msg[600];

		snprintf(msg, sizeof(msg), "%s", tg_errmsg());
		tg_bagit_remove_tree(dir);
		ret = tg_error(ret, "%s (the package %s was removed: every export must be logged)",
			       msg, dir);
	}
	tg_custody_entry_release(&e);
	tg_bagit_release(&b);
	tg_dynbuf_release(&info);
	cJSON_Delete(doc);
	cJSON_Delete(casej);
	cJSON_Delete(d);
	free(pem);
	free(abs);
	return ret;
}
