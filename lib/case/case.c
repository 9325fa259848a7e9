#include "case/case.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case/replay.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonmem.h"

static int is_case_dir(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/case.db", dir);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "%s/custody.log", dir);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int tg_case_find(const char *explicit_dir, char **out_dir)
{
	const char *env = getenv("TESTIGO_CASE");
	char cwd[PATH_MAX];

	*out_dir = NULL;
	if (explicit_dir || (env && env[0])) {
		const char *dir = explicit_dir ? explicit_dir : env;

		if (!is_case_dir(dir))
			return tg_error(TG_ECASE, "%s: not a testigo case (no case.db and custody.log)%s",
					dir, explicit_dir ? "" : " ($TESTIGO_CASE)");
		return tg_fs_realpath(dir, out_dir) < 0
			       ? tg_error(TG_ECASE, "%s: cannot resolve the case folder", dir) : 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return tg_error_errno(TG_ECASE, "cannot read the current folder");
	for (;;) {
		char *slash;

		if (is_case_dir(cwd)) {
			*out_dir = strdup(cwd);
			return *out_dir ? 0 : tg_error(TG_ENOMEM, "out of memory");
		}
		slash = strrchr(cwd, '/');
		if (!slash || slash == cwd) {
			if (strcmp(cwd, "/") != 0 && is_case_dir("/")) {
				*out_dir = strdup("/");
				return 0;
			}
			break;
		}
		*slash = '\0';
	}
	return tg_error(TG_ECASE, "not inside a testigo case (looked in the current folder and "
			"its parents); use -C DIR, set TESTIGO_CASE, or run 'testigo init'");
}

static int empty_or_absent(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT ? 1 : -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

static int apply_init(struct tg_case *c, const struct tg_custody_entry *e, void *user)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e->details, "case_id");

	(void)user;
	return tg_store_meta_set(c->store, "case_id", cJSON_IsString(v) ? v->valuestring : "");
}

int tg_case_init(const char *dir, const char *actor, char **abs_dir)
{
	static const char *const subdirs[] = { "objects", "objects/tmp", "derived", "keys", NULL };
	struct tg_case *c = NULL;
	char path[PATH_MAX], pubhex[TG_ED25519_PUB_HEX], idhex[33];
	unsigned char id[16];
	cJSON *details = NULL;
	struct tg_key pub = { NULL, 0 };
	FILE *rnd;
	int ret, e = empty_or_absent(dir);

	*abs_dir = NULL;
	if (e < 0)
		return tg_error_errno(TG_ECASE, "%s: cannot read the folder", dir);
	if (!e)
		return tg_error(is_case_dir(dir) ? TG_EEXIST : TG_ECASE, is_case_dir(dir)
				? "%s: already a testigo case" : "%s: folder is not empty; "
				"a case needs a new or empty folder", dir);
	ret = tg_fs_mkdirs(dir, 0755);
	if (ret < 0)
		return ret;
	for (int i = 0; subdirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		ret = tg_fs_mkdirs(path, strcmp(subdirs[i], "keys") == 0 ? 0700 : 0755);
		if (ret < 0)
			return ret;
	}
	ret = tg_key_generate(dir);
	if (ret == 0)
		ret = tg_custody_create(dir);
	if (ret == 0) {
		struct tg_store *s;

		snprintf(path, sizeof(path), "%s/case.db", dir);
		ret = tg_store_open(&s, path, 1);
		if (ret == 0)
			ret = tg_store_close(s);
	}
	if (ret < 0)
		return ret;
	ret = tg_case_open(&c, dir);
	if (ret < 0)
		return ret;
	rnd = fopen("/dev/urandom", "rb");
	if (!rnd || fread(id, 1, sizeof(id), rnd) != sizeof(id)) {
		if (rnd)
			fclose(rnd);
		tg_case_close(c);
		return tg_error(TG_EIO, "/dev/urandom: cannot read");
	}
	fclose(rnd);
	for (int i = 0; i < 16; i++)
		snprintf(idhex + 2 * i, 3, "%02x", id[i]);
	ret = tg_key_load(&pub, c->dir, 1);
	if (ret == 0)
		ret = tg_key_public_hex(&pub, pubhex);
	tg_key_release(&pub);
	details = cJSON_CreateObject();
	if (ret == 0 && details) {
		cJSON_AddStringToObject(details, "case_id", idhex);
		cJSON_AddStringToObject(details, "public_key", pubhex);
		cJSON_AddStringToObject(details, "key_algorithm", "Ed25519");
		cJSON_AddStringToObject(details, "tool", "testigo " TG_VERSION);
		ret = tg_case_record(c, actor, "init", NULL, details, apply_init, NULL, NULL);
	} else if (ret == 0) {
		ret = tg_error(TG_ENOMEM, "out of memory");
	}
	cJSON_Delete(details);
	if (ret == 0) {
		*abs_dir = strdup(c->dir);
		if (!*abs_dir)
			ret = tg_error(TG_ENOMEM, "out of memory");
	}
	tg_case_close(c);
	return ret;
}

int tg_case_open(struct tg_case **out, const char *dir)
{
	struct tg_case *c = calloc(1, sizeof(*c));
	char *db = NULL;
	int ret;

	*out = NULL;
	if (!c)
		return tg_error(TG_ENOMEM, "out of memory");
	c->custody.fd = -1;
	ret = tg_fs_realpath(dir, &c->dir);
	if (ret < 0) {
		ret = tg_error(TG_ECASE, "%s: cannot open the case folder", dir);
		goto fail;
	}
	db = tg_fs_join(c->dir, "case.db");
	if (!db) {
		ret = tg_error(TG_ENOMEM, "out of memory");
		goto fail;
	}
	ret = tg_store_open(&c->store, db, 0);
	if (ret < 0)
		goto fail;
	ret = tg_custody_open(&c->custody, c->dir);
	if (ret < 0)
		goto fail;
	ret = tg_case_recover(c);
	if (ret < 0)
		goto fail;
	free(db);
	*out = c;
	return 0;
fail:
	free(db);
	tg_case_close(c);
	return ret;
}

int tg_case_close(struct tg_case *c)
{
	int ret;

	if (!c)
		return 0;
	tg_custody_release(&c->custody);
	ret = tg_store_close(c->store);
	free(c->dir);
	free(c);
	return ret;
}

char *tg_case_object_path(const struct tg_case *c, const char *sha256)
{
	size_t n = strlen(c->dir) + 80;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/objects/%.2s/%s", c->dir, sha256, sha256 + 2);
	return p;
}

char *tg_case_derived_dir(const struct tg_case *c, const char *sha256)
{
	size_t n = strlen(c->dir) + 80;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/derived/%s", c->dir, sha256);
	return p;
}

int tg_case_apply(struct tg_case *c, const struct tg_custody_entry *e, tg_case_apply_fn apply,
		  void *user)
{
	struct tg_custody_row row = {
		.seq = e->seq, .time_utc = e->time, .actor = e->actor, .action = e->action,
		.item_sha256 = e->item, .hash = e->hash, .prev = e->prev,
	};
	unsigned long json_failures = tg_jsonmem_failures();
	int ret = tg_store_begin(c->store);

	if (ret < 0)
		return ret;
	if (apply)
		ret = apply(c, e, user);
	if (ret == 0)
		ret = tg_store_custody_add(c->store, &row);
	/* JSON the applier made (a finding's params, a metadata document)
	 * must be whole, as the entry's own details are (jsonmem.h) */
	if (ret == 0 && tg_jsonmem_failures() != json_failures)
		ret = tg_error(TG_ENOMEM, "out of memory while applying custody entry %lld",
			       e->seq);
	if (ret == 0)
		ret = tg_store_commit(c->store);
	if (ret < 0)
		tg_store_rollback(c->store);
	return ret;
}

int tg_case_record(struct tg_case *c, const char *actor, const char *action,
		   const char *item_sha256, const struct cJSON *details,
		   tg_case_apply_fn apply, void *user, struct tg_custody_entry *out)
{
	struct tg_custody_entry e = { 0 };
	int ret;

	c->lagging = 0;		/* about this call, even when it cannot lock */
	ret = tg_custody_lock(&c->custody);
	if (ret < 0)
		return ret;
	ret = tg_custody_append(&c->custody, actor, action, item_sha256, details, &e);
	if (ret == 0 && (ret = tg_case_apply(c, &e, apply, user)) < 0)
		c->lagging = 1;
	tg_custody_unlock(&c->custody);
	if (out && ret == 0)
		*out = e;
	else
		tg_custody_entry_release(&e);
	return ret;
}
