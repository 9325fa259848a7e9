/* test_custody.c - the custody log: chain, signatures, tampering, torn tails. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "custody/key.h"
#include "custody/log.h"
#include "harness.h"
#include "util/error.h"
#include "util/fs.h"

static char dir[512];

static void problem_count(void *user, long long line, long long seq, const char *msg)
{
	(void)line;
	(void)seq;
	(void)msg;
	(*(int *)user)++;
}

static int verify_log(void)
{
	struct tg_key pub;
	char path[600];
	long long n;
	int problems = 0, ret;

	snprintf(path, sizeof(path), "%s/custody.log", dir);
	if (tg_key_load(&pub, dir, 1) < 0)
		return -1;
	ret = tg_custody_verify(path, &pub, problem_count, &problems, &n, NULL);
	tg_key_release(&pub);
	return ret < 0 ? ret : problems;
}

static void test_create_append_verify(void)
{
	struct tg_custody c;
	struct tg_custody_entry e;
	cJSON *d = cJSON_CreateObject();
	char keys[600];

	snprintf(dir, sizeof(dir), "%s/case", tg_test_scratch());
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	CHECK_INT(tg_fs_mkdirs(keys, 0700), 0);
	CHECK_INT(tg_key_generate(dir), 0);
	CHECK_INT(tg_custody_create(dir), 0);
	CHECK_INT(tg_custody_open(&c, dir), 0);
	cJSON_AddStringToObject(d, "note", "line \"one\"\nwith a newline and ünïcode");
	CHECK_INT(tg_custody_append(&c, "ana", "init", NULL, d, &e), 0);
	CHECK_INT(e.seq, 1);
	CHECK_STR(e.prev, "0000000000000000000000000000000000000000000000000000000000000000");
	tg_custody_entry_release(&e);
	for (int i = 0; i < 5; i++) {
		CHECK_INT(tg_custody_append(&c, "ana", "note",
					    "9b0710a436413f75cc3cd1c1048aa3c4d7c28f76f51ef6a25413d0018d22ec99",
					    d, &e), 0);
		tg_custody_entry_release(&e);
	}
	CHECK_INT(e.seq, 6);
	tg_custody_release(&c);
	cJSON_Delete(d);
	CHECK_INT(verify_log(), 0);
}

static void test_torn_tail_is_cut(void)
{
	struct tg_custody c;
	struct tg_custody_entry e;
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/custody.log", dir);
	fd = open(path, O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(write(fd, "{\"seq\":7,\"time\":\"half", 21) == 21);
	close(fd);
	CHECK_INT(verify_log(), 1);	/* an incomplete last line is reported... */
	CHECK_INT(tg_custody_open(&c, dir), 0);
	CHECK_INT(tg_custody_append(&c, "ana", "note", NULL, NULL, &e), 0);
	CHECK_INT(e.seq, 7);		/* ...and cut by the next append */
	tg_custody_entry_release(&e);
	tg_custody_release(&c);
	CHECK_INT(verify_log(), 0);
}

static void test_tampering(void)
{
	char path[600], *data = NULL, *p;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/custody.log", dir);
	CHECK_INT(tg_fs_read_all(path, 1 << 20, &data, &len), 0);
	p = strstr(data, "\"ana\"");
	CHECK(p != NULL);
	p[1] = 'e';	/* "ena": one changed byte in the first entry */
	f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	CHECK(verify_log() >= 1);
	p[1] = 'a';
	f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	CHECK_INT(verify_log(), 0);
	free(data);
}

static void test_parse_rejects_garbage(void)
{
	struct tg_custody_entry e;
	char why[160];

	CHECK_INT(tg_custody_parse_line("not json", 8, &e, why, sizeof(why)), TG_ECHECK);
	CHECK_INT(tg_custody_parse_line("{\"seq\":-1}", 10, &e, why, sizeof(why)), TG_ECHECK);
	CHECK_INT(tg_custody_parse_line("{\"seq\":1,\"time\":3}", 18, &e, why, sizeof(why)), TG_ECHECK);
	CHECK(strstr(why, "time") != NULL);
}

int main(void)
{
	RUN(test_create_append_verify);
	RUN(test_torn_tail_is_cut);
	RUN(test_tampering);
	RUN(test_parse_rejects_garbage);
	return TEST_END();
}
