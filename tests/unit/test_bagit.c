/* test_bagit.c - the BagIt writer and checker, HTML escaping. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "report/bagit.h"
#include "report/html.h"
#include "util/dynbuf.h"
#include "util/error.h"

struct seen {
	int n;
	char last[800];
};

static void collect(void *user, const char *file, const char *problem)
{
	struct seen *s = user;

	s->n++;
	snprintf(s->last, sizeof(s->last), "%s: %s", file, problem);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int make_bag(const char *dir, const char *src)
{
	struct tg_bagit b;
	int ret = tg_bagit_begin(&b, dir);

	if (ret == 0)
		ret = tg_bagit_add_file(&b, src, "objects/a%b c.txt", NULL);
	if (ret == 0)
		ret = tg_bagit_add_bytes(&b, "catalog/x.json", "{}", 2);
	if (ret == 0)
		ret = tg_bagit_add_tag(&b, "extra-tag.txt", "t\n", 2, 1);
	if (ret == 0)
		ret = tg_bagit_close_manifests(&b, "Source-Organization: Test\n");
	if (ret == 0)
		ret = tg_bagit_add_tag(&b, "sig", "x", 1, 0);
	if (ret == 0)
		ret = tg_bagit_commit(&b);
	tg_bagit_release(&b);
	return ret;
}

static int check(const char *dir, struct seen *s)
{
	static const char *const unlisted[] = { "sig", NULL };
	struct tg_bagit_summary sum;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = tg_bagit_check(dir, unlisted, collect, NULL, s, &sum);
	cJSON_Delete(sum.info);
	return ret < 0 ? ret : sum.problems;
}

static void test_roundtrip(void)
{
	char dir[512], src[512], path[700];
	struct seen s;
	struct stat st;

	snprintf(src, sizeof(src), "%s/src.txt", tg_test_scratch());
	write_file(src, "hello evidence\n");
	snprintf(dir, sizeof(dir), "%s/bag", tg_test_scratch());
	CHECK_INT(make_bag(dir, src), 0);
	CHECK_INT(check(dir, &s), 0);
	snprintf(path, sizeof(path), "%s/manifest-sha256.txt", dir);
	{
		char *text = NULL;
		FILE *f = fopen(path, "rb");
		char buf[4096] = "";
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		buf[n] = '\0';
		if (f)
			fclose(f);
		CHECK(strstr(buf, "data/objects/a%25b c.txt") != NULL);
		free(text);
	}
	/* into a non-empty folder: refused, nothing left behind */
	CHECK_INT(make_bag(dir, src), TG_EEXIST);
	snprintf(path, sizeof(path), "%s/bag/data", tg_test_scratch());
	CHECK(stat(path, &st) == 0);

	/* an extra payload file */
	snprintf(path, sizeof(path), "%s/data/planted", dir);
	write_file(path, "x");
	CHECK_INT(check(dir, &s), 2);	/* extra + Payload-Oxum */
	unlink(path);
	/* an altered file */
	snprintf(path, sizeof(path), "%s/data/catalog/x.json", dir);
	write_file(path, "{\"a\":1}");
	CHECK(check(dir, &s) >= 1);
	CHECK(strstr(s.last, "x.json") || strstr(s.last, "Payload-Oxum"));
	write_file(path, "{}");
	CHECK_INT(check(dir, &s), 0);
	/* a missing file */
	unlink(path);
	CHECK_INT(check(dir, &s), 2);	/* missing + Payload-Oxum */
	write_file(path, "{}");
	/* an unlisted tag file */
	snprintf(path, sizeof(path), "%s/planted-tag.txt", dir);
	write_file(path, "x");
	CHECK_INT(check(dir, &s), 1);
	CHECK(strstr(s.last, "planted-tag.txt: extra") != NULL);
	unlink(path);
	/* an altered tag file */
	snprintf(path, sizeof(path), "%s/extra-tag.txt", dir);
	write_file(path, "u\n");
	CHECK_INT(check(dir, &s), 1);
	CHECK(strstr(s.last, "extra-tag.txt: altered") != NULL);
	/* not a bag at all */
	CHECK_INT(check("/nonexistent/bag", &s), TG_EINPUT);
	CHECK_INT(tg_bagit_remove_tree(dir), 0);
	CHECK(stat(dir, &st) != 0);
}

static void test_bad_manifest_paths(void)
{
	char dir[512], path[700];
	struct seen s;

	snprintf(dir, sizeof(dir), "%s/evil", tg_test_scratch());
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/data", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bagit.txt", dir);
	write_file(path, "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	snprintf(path, sizeof(path), "%s/bag-info.txt", dir);
	write_file(path, "Payload-Oxum: 0.0\n");
	snprintf(path, sizeof(path), "%s/manifest-sha256.txt", dir);
	write_file(path, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  "
		   "data/../../etc/passwd\nnot a line\n");
	CHECK(check(dir, &s) >= 2);
}

static void test_escape(void)
{
	struct tg_dynbuf b = TG_DYNBUF_INIT(1 << 16);

	CHECK_INT(tg_html_escape(&b, "<script>alert('x')</script> & \"q\""), 0);
	CHECK_STR(b.buf, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	tg_dynbuf_reset(&b);
	CHECK_INT(tg_html_escape(&b, "a\x01" "b\tc\nd\x7f" "é"), 0);
	CHECK_STR(b.buf, "a\xef\xbf\xbd" "b\tc\nd\xef\xbf\xbd" "é");
	tg_dynbuf_reset(&b);
	CHECK_INT(tg_html_escape(&b, ""), 0);
	CHECK_INT((long long)b.len, 0);
	tg_dynbuf_release(&b);
}

static void test_report_hostile(void)
{
	struct tg_dynbuf b = TG_DYNBUF_INIT(1 << 24);
	const char *json =
		"{\"tool\":\"testigo x\",\"generated_utc\":\"2020-01-01T00:00:00Z\","
		"\"case\":{\"id\":\"<b>id</b>\",\"public_key\":\"k\"},\"scope\":{\"incident\":null},"
		"\"summary\":{\"items\":1,\"statuses\":{\"unverified\":1}},\"incidents\":[],"
		"\"items\":[{\"item\":1,\"sha256\":\"00\",\"name\":\"<img src=x onerror=alert(1)>\","
		"\"findings\":[{\"analyser\":\"metadata\",\"version\":\"1\",\"params\":{},"
		"\"result\":{\"device\":{\"make\":\"</td><script>x</script>\"},"
		"\"observations\":[{\"code\":\"c\",\"severity\":\"warning\",\"message\":\"<i>\"}]}},"
		"{\"analyser\":\"other\",\"version\":\"1\",\"params\":{},\"result\":"
		"{\"list\":[{\"a\":\"<u>\"}]}}],"
		"\"record\":{\"status\":\"\\\"><script>\"},\"tags\":[{\"tag\":\"<t>\"}],"
		"\"notes\":[{\"text\":\"<note>\"}]}],"
		"\"timeline\":{\"events\":[],\"untimed\":[1]},\"custody\":[{\"seq\":1,"
		"\"details\":{\"x\":\"<d>\"}}],\"methods\":[]}";
	cJSON *doc = cJSON_Parse(json);
	struct tg_html_opts o = { NULL, NULL };

	CHECK(doc != NULL);
	CHECK_INT(tg_html_report(doc, &o, &b), 0);
	CHECK(b.buf && strstr(b.buf, "<script") == NULL);
	CHECK(b.buf && strstr(b.buf, "<img") == NULL);
	CHECK(b.buf && strstr(b.buf, "&lt;img src=x onerror=alert(1)&gt;") != NULL);
	CHECK(b.buf && strstr(b.buf, "<note>") == NULL && strstr(b.buf, "<u>") == NULL &&
	      strstr(b.buf, "<d>") == NULL && strstr(b.buf, "<t>") == NULL &&
	      strstr(b.buf, "<i>") == NULL && strstr(b.buf, "<b>id") == NULL);
	CHECK(b.buf && strstr(b.buf, "Content-Security-Policy") != NULL);
	cJSON_Delete(doc);
	tg_dynbuf_release(&b);
}

int main(void)
{
	RUN(test_roundtrip);
	RUN(test_bad_manifest_paths);
	RUN(test_escape);
	RUN(test_report_hostile);
	return TEST_END();
}
