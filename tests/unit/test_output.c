/* test_output.c - one emission, three renderings. */
#include <cjson/cJSON.h>

#include "harness.h"
#include "report/output.h"

static char *render(enum tg_out_format fmt)
{
	struct tg_out *o = tg_out_new(fmt);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	tg_out_str(o, "case", "/tmp/c");
	tg_out_num(o, "zenith_deg", 50.1116223, 6);
	tg_out_num(o, "neg_zero", -0.0000001, 3);
	tg_out_begin_list(o, "items");
	for (int i = 1; i <= 2; i++) {
		tg_out_begin(o, NULL);
		tg_out_int(o, "item", i);
		tg_out_str(o, "name", i == 1 ? "a, \"quoted\"" : "=HYPERLINK(\"x\")");
		tg_out_null(o, "gps");
		tg_out_end(o);
	}
	tg_out_end(o);
	tg_out_print(o, f);
	fclose(f);
	tg_out_free(o);
	return buf;
}

static void test_renderings(void)
{
	char *json = render(TG_OUT_JSON), *text = render(TG_OUT_TEXT), *csv = render(TG_OUT_CSV);
	cJSON *d = cJSON_Parse(json);

	CHECK(d != NULL);
	CHECK(strstr(json, "\"zenith_deg\":\t50.111622") != NULL);
	CHECK(strstr(json, "\"neg_zero\":\t0.000") != NULL);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(d, "items")), 2);
	CHECK(strstr(text, "zenith_deg: 50.111622\n") != NULL);
	CHECK(strstr(text, "item  name") != NULL);
	CHECK_STR(csv, "item,name,gps\n1,\"a, \"\"quoted\"\"\",\n2,\"'=HYPERLINK(\"\"x\"\")\",\n");
	cJSON_Delete(d);
	free(json);
	free(text);
	free(csv);
}

int main(void)
{
	RUN(test_renderings);
	return TEST_END();
}
