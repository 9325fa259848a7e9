/* test_util.c - isotime, dynbuf, fs helpers, error codes, selection. */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "util/dynbuf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/isotime.h"
#include "util/select.h"

static void test_isotime_parse(void)
{
	struct tg_isotime t;
	char buf[64];

	CHECK_INT(tg_isotime_parse("2020-11-12T21:30:00-05:00", &t), 0);
	CHECK(t.has_offset && t.offset_min == -300 && t.has_time);
	CHECK_STR(tg_isotime_utc(t.unix_s, 0, buf, sizeof(buf)), "2020-11-13T02:30:00Z");
	CHECK_STR(tg_isotime_at_offset(t.unix_s, -300, 0, buf, sizeof(buf)), "2020-11-12T21:30:00-05:00");
	CHECK_INT(tg_isotime_parse("2020-11-12 21:30", &t), 0);
	CHECK(!t.has_offset);
	CHECK_STR(tg_isotime_local(t.unix_s, buf, sizeof(buf)), "2020-11-12T21:30:00");
	CHECK_INT(tg_isotime_parse("2020-11-12T21:30:00.250Z", &t), 0);
	CHECK_STR(tg_isotime_utc(t.unix_s, 1, buf, sizeof(buf)), "2020-11-12T21:30:00.250Z");
	CHECK_INT(tg_isotime_parse("2020-11-12T21:30:00+0530", &t), 0);
	CHECK_INT(t.offset_min, 330);
	CHECK_INT(tg_isotime_parse("2020-02-29", &t), 0);
	CHECK(!t.has_time);
	CHECK_INT(tg_isotime_parse("2021-02-29", &t), TG_EINVAL);
	CHECK_INT(tg_isotime_parse("2020-13-01", &t), TG_EINVAL);
	CHECK_INT(tg_isotime_parse("2020-11-12T25:00", &t), TG_EINVAL);
	CHECK_INT(tg_isotime_parse("2020-11-12T21:30:00X", &t), TG_EINVAL);
	CHECK_INT(tg_isotime_parse("", &t), TG_EINVAL);
	CHECK_INT(tg_isotime_parse("1910-06-01T00:00:00Z", &t), 0);
	CHECK_STR(tg_isotime_utc(t.unix_s, 0, buf, sizeof(buf)), "1910-06-01T00:00:00Z");
	CHECK_INT(tg_isotime_parse("2210-01-01T23:59:59Z", &t), 0);
	CHECK_STR(tg_isotime_utc(t.unix_s, 0, buf, sizeof(buf)), "2210-01-01T23:59:59Z");
}

static void test_civil_days(void)
{
	int y, m, d;

	CHECK_INT(tg_isotime_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(tg_isotime_days_from_civil(2000, 3, 1), 11017);
	for (long long days = -800000; days < 800000; days += 997) {
		tg_isotime_civil_from_days(days, &y, &m, &d);
		if (tg_isotime_days_from_civil(y, m, d) != days) {
			CHECK_INT(tg_isotime_days_from_civil(y, m, d), days);
			return;
		}
	}
	CHECK(1);
}

static void test_dynbuf(void)
{
	struct tg_dynbuf b = TG_DYNBUF_INIT(16);
	char *s;
	size_t n;

	CHECK_INT(tg_dynbuf_addstr(&b, "0123456789"), 0);
	CHECK_INT(tg_dynbuf_printf(&b, "%s", "abcdef"), 0);
	CHECK_INT((long long)b.len, 16);
	CHECK_INT(tg_dynbuf_add(&b, "x", 1), TG_ELIMIT);
	CHECK_INT(tg_dynbuf_printf(&b, "%d", 1), TG_ELIMIT);
	CHECK_STR(b.buf, "0123456789abcdef");
	s = tg_dynbuf_detach(&b, &n);
	CHECK_INT((long long)n, 16);
	free(s);
	CHECK(b.buf == NULL);
	tg_dynbuf_release(&b);
	tg_dynbuf_release(NULL);
}

static void test_fs(void)
{
	const char *dir = tg_test_scratch();
	char path[512], *data = NULL;
	size_t len = 0;
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	CHECK_INT(tg_fs_mkdirs(path, 0755), 0);
	CHECK_INT(tg_fs_mkdirs(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/a/file", dir);
	CHECK_INT(tg_fs_write_atomic(path, "hello", 5, 0640), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0640);
	CHECK_INT(tg_fs_read_all(path, 100, &data, &len), 0);
	CHECK_STR(data, "hello");
	free(data);
	CHECK_INT(tg_fs_read_all(path, 3, &data, &len), TG_ELIMIT);
	CHECK(strstr(tg_errmsg(), "a/file") != NULL);
	CHECK_INT(tg_fs_read_all("/nonexistent/x", 100, &data, &len), TG_EINPUT);
	CHECK(strstr(tg_errmsg(), "/nonexistent/x") != NULL);
}

static void test_errors(void)
{
	CHECK_INT(tg_error(TG_EINPUT, "%s: bad", "f.mp4"), TG_EINPUT);
	CHECK_STR(tg_errmsg(), "f.mp4: bad");
	CHECK_INT(tg_exit_code(TG_ECHECK), 1);
	CHECK_INT(tg_exit_code(TG_EINVAL), 2);
	CHECK_INT(tg_exit_code(TG_EINPUT), 3);
	CHECK_INT(tg_exit_code(TG_ECASE), 4);
	CHECK_INT(tg_exit_code(TG_EIO), 4);
}

static int cmp_f(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* The k-th smallest is what a sort puts at k, for every k, on arrays of 1 to
 * 300 values: distinct, with many ties, all equal, sorted and reversed
 * (the orders where a poor pivot degrades). */
static void test_select(void)
{
	static float a[300], sorted[300], work[300];
	uint64_t seed = 12345;
	int bad = 0;

	for (int n = 1; n <= 300; n += n < 20 ? 1 : 37) {
		for (int kind = 0; kind < 5; kind++) {
			for (int i = 0; i < n; i++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				float r = (float)(seed >> 40) / (float)(1 << 24);
				a[i] = kind == 0 ? r : kind == 1 ? (float)(int)(r * 4.0f) :
				       kind == 2 ? 0.5f : kind == 3 ? (float)i : (float)(n - i);
			}
			memcpy(sorted, a, sizeof(float) * (size_t)n);
			qsort(sorted, (size_t)n, sizeof(float), cmp_f);
			for (int k = 0; k < n; k++) {
				memcpy(work, a, sizeof(float) * (size_t)n);
				bad += tg_select_float(work, (size_t)n, (size_t)k) != sorted[k];
			}
		}
	}
	CHECK_INT(bad, 0);
}

int main(void)
{
	RUN(test_isotime_parse);
	RUN(test_civil_days);
	RUN(test_dynbuf);
	RUN(test_fs);
	RUN(test_errors);
	RUN(test_select);
	return TEST_END();
}
