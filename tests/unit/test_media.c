/* test_media.c - ISO 6709, file-name times, the metadata normaliser. */
#include <cjson/cJSON.h>

#include "harness.h"
#include "media/iso6709.h"
#include "media/metadata.h"
#include "media/nametime.h"
#include "media/probe.h"
#include "util/error.h"
#include "util/isotime.h"

static void test_iso6709(void)
{
	double lat, lon, alt;
	int has_alt;

	CHECK_INT(tg_iso6709_parse("-15.8355-048.0153/", &lat, &lon, &alt, &has_alt), 0);
	CHECK_NEAR(lat, -15.8355, 1e-9);
	CHECK_NEAR(lon, -48.0153, 1e-9);
	CHECK(!has_alt);
	CHECK_INT(tg_iso6709_parse("+48.8577+002.2950+035.000/", &lat, &lon, &alt, &has_alt), 0);
	CHECK(has_alt);
	CHECK_NEAR(alt, 35.0, 1e-9);
	CHECK_INT(tg_iso6709_parse("+4851.462+00217.700/", &lat, &lon, &alt, &has_alt), 0);
	CHECK_NEAR(lat, 48 + 51.462 / 60, 1e-9);
	CHECK_NEAR(lon, 2 + 17.7 / 60, 1e-9);
	CHECK_INT(tg_iso6709_parse("+485127.7+0021742.0/", &lat, &lon, &alt, &has_alt), 0);
	CHECK_NEAR(lat, 48 + 51 / 60.0 + 27.7 / 3600, 1e-9);
	CHECK_INT(tg_iso6709_parse("+95.0+010.0/", &lat, &lon, &alt, &has_alt), TG_EINPUT);
	CHECK_INT(tg_iso6709_parse("garbage", &lat, &lon, &alt, &has_alt), TG_EINPUT);
	CHECK_INT(tg_iso6709_parse("", &lat, &lon, &alt, &has_alt), TG_EINPUT);
	CHECK_INT(tg_iso6709_parse("+12", &lat, &lon, &alt, &has_alt), TG_EINPUT);
}

static void test_nametime(void)
{
	struct tg_nametime nt;
	char buf[40];

	tg_nametime_parse("VID_20191220_170832.mp4", &nt);
	CHECK(nt.found && nt.has_time);
	CHECK_STR(tg_isotime_local(nt.local_s, buf, sizeof(buf)), "2019-12-20T17:08:32");
	tg_nametime_parse("2004-01-11-22-45-15-sep-2004-01-11-22-45-15a.jpg", &nt);
	CHECK(nt.found && nt.has_time);
	CHECK_STR(tg_isotime_local(nt.local_s, buf, sizeof(buf)), "2004-01-11T22:45:15");
	tg_nametime_parse("IMG-20191006-WA0002.jpg", &nt);
	CHECK(nt.found && !nt.has_time && nt.whatsapp);
	tg_nametime_parse("PXL_20230101_120000123.mp4", &nt);
	CHECK(nt.found && nt.has_time);
	tg_nametime_parse("Screenshot 2023-01-02 at 10.11.12.png", &nt);
	CHECK(nt.found && nt.has_time);
	CHECK_STR(tg_isotime_local(nt.local_s, buf, sizeof(buf)), "2023-01-02T10:11:12");
	tg_nametime_parse("clip123456789012.mp4", &nt);
	CHECK(!nt.found);
	tg_nametime_parse("debian.png", &nt);
	CHECK(!nt.found);
}

static const cJSON *observation(const cJSON *doc, const char *code)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItem(doc, "observations"))
		if (strcmp(cJSON_GetObjectItem(o, "code")->valuestring, code) == 0)
			return o;
	return NULL;
}

static void test_normaliser(void)
{
	struct tg_probe p;
	cJSON *doc;

	/* a phone video: UTC creation time, local time in its name */
	tg_probe_init(&p);
	snprintf(p.name, sizeof(p.name), "VID_20201112_213000.mp4");
	snprintf(p.media_type, sizeof(p.media_type), "video");
	p.is_media = 1;
	snprintf(p.creation_time, sizeof(p.creation_time), "2020-11-13T02:30:01.000000Z");
	snprintf(p.location, sizeof(p.location), "-12.0464-077.0428/");
	doc = tg_metadata_document(&p, NULL);
	CHECK_STR(cJSON_GetObjectItem(doc, "created_utc")->valuestring, "2020-11-13T02:30:01Z");
	CHECK_STR(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "created"), "offset")->valuestring,
		  "-05:00");
	CHECK(observation(doc, "local_offset_implied") != NULL);
	CHECK_NEAR(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "gps"), "lat")->valuedouble,
		   -12.0464, 1e-9);
	cJSON_Delete(doc);

	/* a name that contradicts the metadata by more than a time zone */
	snprintf(p.name, sizeof(p.name), "VID_20191112_213000.mp4");
	doc = tg_metadata_document(&p, NULL);
	CHECK(observation(doc, "timestamps_disagree") != NULL);
	cJSON_Delete(doc);

	/* nothing at all: stripped */
	tg_probe_init(&p);
	snprintf(p.name, sizeof(p.name), "clip.mp4");
	snprintf(p.media_type, sizeof(p.media_type), "video");
	p.is_media = 1;
	snprintf(p.encoder, sizeof(p.encoder), "Lavf59.27.100");
	doc = tg_metadata_document(&p, "ab");
	CHECK(observation(doc, "metadata_stripped") != NULL);
	CHECK(observation(doc, "editing_software") != NULL);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(doc, "created_utc")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(doc, "gps")));
	cJSON_Delete(doc);
	tg_probe_release(&p);
}

static void test_probe_memory_garbage(void)
{
	static const unsigned char junk[] = "\xff\xd8\xff\xe1\x00\x10" "Exif\0\0MM\0*\0\0\0\x08\xff";
	struct tg_probe p;

	tg_probe_init(&p);
	CHECK_INT(tg_probe_memory(&p, junk, sizeof(junk), "junk.jpg"), 0);
	cJSON_Delete(tg_metadata_document(&p, NULL));
	tg_probe_release(&p);
	tg_probe_init(&p);
	CHECK_INT(tg_probe_memory(&p, junk, 0, "empty.jpg"), TG_EINPUT);
	tg_probe_release(&p);
}

int main(void)
{
	RUN(test_iso6709);
	RUN(test_nametime);
	RUN(test_normaliser);
	RUN(test_probe_memory_garbage);
	return TEST_END();
}
