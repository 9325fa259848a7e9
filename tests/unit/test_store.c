/* test_store.c - the catalog: items, lookup by id and prefix, findings. */
#include <math.h>

#include "harness.h"
#include "store/store.h"
#include "util/error.h"

static int count_cb(void *user, const struct tg_finding *f)
{
	(void)f;
	(*(int *)user)++;
	return 0;
}

static void test_items_and_lookup(void)
{
	struct tg_store *s;
	struct tg_item it;
	struct tg_finding f = { 0 };
	char path[512];
	long long id;
	int created, n = 0;
	const char *a = "aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111";
	const char *b = "aaaa2222aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111";

	snprintf(path, sizeof(path), "%s/case.db", tg_test_scratch());
	CHECK_INT(tg_store_open(&s, path, 1), 0);
	CHECK_INT(tg_store_item_add(s, a, 10, "video", "a.mp4", "2026-01-01T00:00:00.000Z", 2, &id,
				    &created), 0);
	CHECK(created && id == 1);
	CHECK_INT(tg_store_item_add(s, a, 10, "video", "again.mp4", "t", 3, &id, &created), 0);
	CHECK(!created && id == 1);
	CHECK_INT(tg_store_item_add(s, b, 20, "image", "b.jpg", "t", 4, &id, &created), 0);
	CHECK_INT(tg_store_item_count(s), 2);
	CHECK_INT(tg_store_item_find(s, "1", &it), 0);
	CHECK_STR(it.first_name, "a.mp4");
	CHECK_INT(tg_store_item_find(s, "aaaa2", &it), 0);
	CHECK_STR(it.first_name, "b.jpg");
	CHECK_INT(tg_store_item_find(s, "AAAA2222", &it), 0);
	CHECK_INT(tg_store_item_find(s, "aaaa", &it), TG_EAMBIG);
	CHECK_INT(tg_store_item_find(s, "bbbb", &it), TG_ENOTFOUND);
	CHECK_INT(tg_store_item_find(s, "99", &it), TG_ENOTFOUND);
	CHECK_INT(tg_store_item_find(s, "xyz!", &it), TG_ENOTFOUND);

	f.item_id = 1;
	f.analyser = "metadata";
	f.version = "1";
	f.params = "{}";
	f.created_utc = "t";
	f.confidence = NAN;
	f.result = "{\"a\":1}";
	f.seq = 5;
	CHECK_INT(tg_store_finding_put(s, &f), 0);
	f.result = "{\"a\":2}";
	f.seq = 6;
	CHECK_INT(tg_store_finding_put(s, &f), 0);	/* same key: superseded */
	f.params = "{\"fps\":1}";
	CHECK_INT(tg_store_finding_put(s, &f), 0);	/* other params: kept apart */
	CHECK_INT(tg_store_findings(s, 1, NULL, count_cb, &n), 0);
	CHECK_INT(n, 2);
	CHECK_INT(tg_store_close(s), 0);
	CHECK_INT(tg_store_open(&s, "/nonexistent/dir/case.db", 0), TG_ECASE);
	CHECK(strstr(tg_errmsg(), "/nonexistent/dir/case.db") != NULL);
}

int main(void)
{
	RUN(test_items_and_lookup);
	return TEST_END();
}
