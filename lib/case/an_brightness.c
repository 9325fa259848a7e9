/*
 * an_brightness.c - how bright the footage is, for the day/night check.
 *
 * One 64x64 grey frame a second (the pipeline scales it): mean luma and the
 * share of dark pixels per sample, then the median, 10th and 90th
 * percentiles over the clip.  testigo sun --item compares these with the sun's
 * elevation at the claimed time: full daylight footage claimed at night, or
 * night footage claimed at noon, is inconsistent.  Luma is the video's,
 * stretched to 0..255 from video range as swscale's grey output is (the
 * pipeline's box-averaged thumbnail, media/thumb.h); dark means below 40.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case/analyse.h"
#include "util/error.h"

#define SIDE 64
#define MAX_SAMPLES 7200	/* two hours at one a second; later seconds are subsampled */
#define DARK 40

struct brightness {
	double mean[MAX_SAMPLES], dark[MAX_SAMPLES], t[MAX_SAMPLES];
	int n;
	long long seen;
};

static int video(void *state, const struct tg_frame *f)
{
	struct brightness *b = state;
	double sum = 0;
	int dark = 0, idx;

	b->seen++;
	if (b->n < MAX_SAMPLES)
		idx = b->n++;
	else
		idx = (int)(b->seen % MAX_SAMPLES);	/* bounded memory for very long clips */
	for (int y = 0; y < f->height; y++) {
		const unsigned char *row = f->data + (size_t)y * (size_t)f->linesize;

		for (int x = 0; x < f->width; x++) {
			sum += row[x];
			dark += row[x] < DARK;
		}
	}
	b->mean[idx] = sum / (f->width * f->height);
	b->dark[idx] = (double)dark / (f->width * f->height);
	b->t[idx] = f->pts_s;
	return 0;
}

static int create(void **state, struct tg_analyser *pa, const struct tg_analysis_ctx *ctx)
{
	struct brightness *b = calloc(1, sizeof(*b));

	(void)ctx;
	if (!b)
		return tg_error(TG_ENOMEM, "out of memory");
	pa->state = b;
	pa->video_format = TG_PIX_GRAY8;
	pa->width = SIDE;
	pa->height = SIDE;
	pa->fps = 1;
	pa->video = video;
	*state = b;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double percentile(const double *sorted, int n, double p)
{
	double pos = p * (n - 1);
	int i = (int)pos;

	return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

static int result(void *state, cJSON **out, double *confidence)
{
	struct brightness *b = state;
	double *sorted, mean = 0, dark = 0;
	cJSON *r;

	if (b->n == 0)
		return tg_error(TG_EINPUT, "brightness: no video frames");
	sorted = malloc(sizeof(double) * (size_t)b->n);
	if (!sorted)
		return tg_error(TG_ENOMEM, "out of memory");
	for (int i = 0; i < b->n; i++) {
		sorted[i] = b->mean[i];
		mean += b->mean[i];
		dark += b->dark[i];
	}
	qsort(sorted, (size_t)b->n, sizeof(double), cmp_double);
	r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "samples", b->n);
	cJSON_AddNumberToObject(r, "mean_luma", round(mean / b->n * 100) / 100);
	cJSON_AddNumberToObject(r, "median_luma", round(percentile(sorted, b->n, 0.5) * 100) / 100);
	cJSON_AddNumberToObject(r, "p10_luma", round(percentile(sorted, b->n, 0.1) * 100) / 100);
	cJSON_AddNumberToObject(r, "p90_luma", round(percentile(sorted, b->n, 0.9) * 100) / 100);
	cJSON_AddNumberToObject(r, "dark_fraction", round(dark / b->n * 1000) / 1000);
	cJSON_AddStringToObject(r, "method", "mean luma of 64x64 grey frames, one a second; "
				"dark = luma below 40 of 255");
	free(sorted);
	*out = r;
	*confidence = NAN;
	return 0;
}

static void destroy(void *state)
{
	free(state);
}

const struct tg_case_analyser tg_an_brightness = {
	.name = "brightness",
	.version = "2",	/* 2: thumbnails box-averaged from the luma plane */
	.applies_to = "video,image",
	.create = create,
	.result = result,
	.store = NULL,
	.destroy = destroy,
};
