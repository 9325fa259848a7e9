/*
 * test_oom.c - an allocation that fails in the audio analysis or in a
 * custody append is an error, never a wrong or incomplete answer.
 *
 * Every allocation of each scenario fails in turn (oom_inject.h); each
 * run must fail with TG_ENOMEM or give exactly the clean run's result,
 * and must not leak (the sanitizer pass of `make check` runs
 * LeakSanitizer on this binary).
 *
 * Scenarios: the shots analyser of `testigo add` / `testigo shots`
 * (detector, spectrogram, plot raster, ranging, the result document and
 * the catalog's copy of it), the sync signature (encode, decode, rebuild),
 * tg_sync_compute(), and a custody entry whose details lose a field
 * (refused by tg_jsonmem_check(); the log must then verify and hold
 * exactly the entries reported written).
 *
 * What it found when it was written: a field whose allocation failed was
 * silently missing from the stored shots finding (tg_out_tree() handed
 * out an incomplete tree; a key copy that failed leaked the value), a
 * custody entry could be written without a field of its details, and a
 * custody line that could not be parsed for want of memory was reported
 * as a damaged log.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <libavutil/mem.h>

#include "audio/ranging.h"
#include "audio/sync.h"
#include "audio/syncsig.h"
#include "case/an_shots.h"
#include "case/analyse.h"
#include "custody/key.h"
#include "custody/log.h"
#include "media/pipeline.h"
#include "report/audioplot.h"
#include "report/output.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/jsonmem.h"

#include "audio_util.h"
#include "oom_inject.h"

/* --- the signal ------------------------------------------------------------- */

#define RATE 24000
#define SECONDS 12

/* a recorded blast (Debian's hedgewars-data, as in test_shots) */
static struct tg_test_snd blast = { TG_TEST_BLAST, NULL, 0, 0, 0.0f };

/*
 * 12 s of rumble with a click every 150 ms (more events than the detector's
 * first allocation holds, so its list grows), and three volleys of three
 * shots 110 ms apart, each a supersonic crack and its blast 40 ms later,
 * so that chains, bursts and ranging all run.
 */
static float *make_signal(size_t *n_out)
{
	size_t n = (size_t)SECONDS * RATE, i;
	float *x;
	uint64_t s = 7;
	double t, gain;

	if (tg_test_load_snd(&blast, 1, RATE) < 0 || !(x = calloc(n, sizeof(float))))
		return NULL;
	/* a rumble, strongest at low frequencies like street noise */
	for (i = 0, t = 0.0; i < n; i++)
		x[i] = (float)(t = 0.99 * t + 0.004 * tg_test_gauss(&s));
	for (t = 0.5; t < SECONDS - 0.5; t += 0.15) {
		size_t a = (size_t)(t * RATE);
		for (i = 0; i < (size_t)RATE / 200; i++)
			x[a + i] += (float)(0.05 * tg_test_gauss(&s) * exp(-(double)i / (RATE / 2000.0)));
	}
	gain = 0.3 / blast.peak;
	for (int v = 0; v < 3; v++) {
		for (int k = 0; k < 3; k++) {
			double tc = 2.0 + 3.5 * v + 0.11 * k;

			tg_test_add_crack(x, n, RATE, tc, 250e-6, 0.9, 1e-3, 0.6);
			tg_test_mix(x, n, blast.x, blast.n, (long)((tc + 0.04) * RATE) - (long)blast.onset,
				    (float)gain);
		}
	}
	tg_test_clip(x, n, 1.0f);
	*n_out = n;
	return x;
}

struct signal {
	const float *x;
	size_t n;
};

/* --- scenario: the shots analyser ------------------------------------------- */

/*
 * What `testigo shots --plot` and `testigo add` do, in two parts.  The
 * analysis: feed the analyser in blocks, finish and render the plot
 * raster; its text is every event (time, class, confidence) and a
 * checksum of the raster.  The document: the catalog's copy of the result
 * (tg_an_shots.result: ranging, the summary, every event's features),
 * from a finished analyser.  Split so that the thousands of allocations of
 * the document do not each repeat the analysis.
 */
static int run_shots_analysis(const void *input, char **text)
{
	const struct signal *sig = input;
	struct tg_an_shots_params p;
	struct tg_an_shots_state *s = NULL;
	struct tg_analyser pa;
	struct tg_audioplot plot;
	size_t i, block = 4801, cap = 64;
	int ret;

	*text = NULL;
	memset(&pa, 0, sizeof(pa));
	memset(&plot, 0, sizeof(plot));
	if ((ret = tg_an_shots_params_parse(NULL, &p)) < 0)
		return ret;
	if ((ret = tg_an_shots_new(&s, &p, 1, &pa)) < 0)
		return ret;
	for (i = 0; i < sig->n && ret == 0; i += block) {
		struct tg_pcm pcm = { .samples = sig->x + i,
				      .frames = sig->n - i < block ? sig->n - i : block,
				      .channels = 1, .rate = RATE, .t0_s = (double)i / RATE };
		ret = pa.audio(pa.state, &pcm);
	}
	if (ret == 0)
		ret = pa.finish(pa.state);
	if (ret == 0) {
		const struct tg_shots_result *r = tg_an_shots_events(s);
		ret = tg_audioplot_render(tg_an_shots_spectro(s), r->events, r->n_events, 800, &plot);
	}
	if (ret == 0) {
		const struct tg_shots_result *r = tg_an_shots_events(s);
		unsigned long sum = 0;
		size_t k = 0;

		cap += r->n_events * 32;
		if (!(*text = __real_malloc(cap)))
			ret = tg_error(TG_ENOMEM, "out of memory");
		for (i = 0; *text && i < r->n_events; i++)
			k += (size_t)snprintf(*text + k, cap - k, "%.4f %d %.3f\n", r->events[i].time_s,
					      (int)r->events[i].cls, r->events[i].confidence);
		for (i = 0; *text && i < (size_t)plot.height * (size_t)plot.linesize; i++)
			sum = sum * 31 + plot.rgb[i];
		if (*text)
			snprintf(*text + k, cap - k, "plot %dx%d %lx", plot.width, plot.height, sum);
	}
	tg_audioplot_release(&plot);
	tg_an_shots_free(s);
	return ret;
}

static int run_shots_document(const void *input, char **text)
{
	struct tg_an_shots_state *s = (struct tg_an_shots_state *)input;
	cJSON *doc = NULL;
	double conf;
	int ret;

	*text = NULL;
	ret = tg_an_shots.result(s, &doc, &conf);
	/* cJSON's memory is malloc's (tg_jsonmem_install()): the caller free()s it */
	if (ret == 0 && !(*text = cJSON_PrintUnformatted(doc)))
		ret = tg_error(TG_ENOMEM, "out of memory");
	cJSON_Delete(doc);
	return ret;
}

/* A finished shots analyser on sig (with nothing failing), or NULL. */
static struct tg_an_shots_state *finished_analyser(const struct signal *sig)
{
	struct tg_an_shots_params p;
	struct tg_an_shots_state *s = NULL;
	struct tg_analyser pa;
	struct tg_pcm pcm = { .samples = sig->x, .frames = sig->n, .channels = 1, .rate = RATE };

	memset(&pa, 0, sizeof(pa));
	if (tg_an_shots_params_parse(NULL, &p) < 0 || tg_an_shots_new(&s, &p, 0, &pa) < 0)
		return NULL;
	if (pa.audio(pa.state, &pcm) < 0 || pa.finish(pa.state) < 0) {
		tg_an_shots_free(s);
		return NULL;
	}
	return s;
}

/* The result document must hold what this scenario is meant to exercise. */
static void test_shots_document(struct tg_an_shots_state *s)
{
	char *text = NULL;

	CHECK_INT(run_shots_document(s, &text), 0);
	if (getenv("TG_OOM_DEBUG") && text)
		printf("%s\n", text);
	CHECK(text && strstr(text, "\"ranging\":[{"));
	CHECK(text && strstr(text, "\"burst\":1"));
	CHECK(text && strstr(text, "\"class\":\"impulse\""));
	free(text);
}

/* --- scenario: the sync signature -------------------------------------------- */

static int run_syncsig(const void *input, char **text)
{
	const struct signal *sig = input;
	struct tg_syncsig a, b;
	uint8_t *blob = NULL;
	size_t len = 0, i;
	float *y = NULL;
	double sum = 0.0;
	int ret;

	*text = NULL;
	tg_syncsig_init(&a);
	tg_syncsig_init(&b);
	/* the first 12 s at 24 kHz read as 8 kHz: 36 s of sound */
	for (i = 0, ret = 0; i < sig->n && ret == 0; i += 3001)
		ret = tg_syncsig_push(&a, sig->x + i, sig->n - i < 3001 ? sig->n - i : 3001, 0.0);
	if (ret == 0)
		ret = tg_syncsig_finish(&a);
	if (ret == 0)
		ret = tg_syncsig_encode(&a, &blob, &len);
	if (ret == 0)
		ret = tg_syncsig_decode(blob, len, &b);
	if (ret == 0 && !(y = tg_syncsig_signal(&b)))
		ret = TG_ENOMEM;
	if (ret == 0) {
		for (i = 0; i < b.n; i++)
			sum += (double)y[i] * (double)(i % 97);
		if (!(*text = __real_malloc(128)))
			ret = tg_error(TG_ENOMEM, "out of memory");
		else
			snprintf(*text, 128, "%zu bytes, %llu samples, %.6g", len,
				 (unsigned long long)b.n, sum);
	}
	free(y);
	free(blob);
	tg_syncsig_release(&a);
	tg_syncsig_release(&b);
	return ret;
}

/* --- scenario: sync ---------------------------------------------------------- */

struct pair {
	const float *a, *b;
	size_t na, nb;
};

static int run_sync(const void *input, char **text)
{
	const struct pair *pr = input;
	struct tg_sync_result r;
	int ret;

	*text = NULL;
	ret = tg_sync_compute(pr->a, pr->na, pr->b, pr->nb, 8000, &r);
	if (ret < 0)
		return ret;
	if (!(*text = __real_malloc(256)))
		return tg_error(TG_ENOMEM, "out of memory");
	snprintf(*text, 256, "aligned %d offset %.6f drift %.3f conf %.4f windows %d/%d %s",
		 r.aligned, r.offset_s, r.drift_ppm, r.confidence, r.consistent, r.windows,
		 r.reason);
	return 0;
}

/* --- scenario: a custody entry ----------------------------------------------- */

static char case_dir[512];

/*
 * What every recorded operation does: build the entry's details with
 * cJSON, not checking each field (as most callers do), and append.  A
 * failed allocation in the details must refuse the entry
 * (tg_jsonmem_check()), never write it without the field.
 */
static int run_custody(const void *input, char **text)
{
	struct tg_custody c;
	struct tg_custody_entry e;
	cJSON *d = cJSON_CreateObject();
	int ret;

	(void)input;
	*text = NULL;
	cJSON_AddStringToObject(d, "analyser", "shots");
	cJSON_AddStringToObject(d, "version", "10");
	cJSON_AddObjectToObject(d, "params");
	cJSON_AddNumberToObject(d, "count", 12);
	cJSON_AddStringToObject(d, "result_sha256",
				"9b0710a436413f75cc3cd1c1048aa3c4d7c28f76f51ef6a25413d0018d22ec99");
	if ((ret = tg_custody_open(&c, case_dir)) < 0) {
		cJSON_Delete(d);
		return ret;
	}
	ret = tg_custody_append(&c, "oom", "analyse", NULL, d, &e);
	tg_custody_release(&c);
	cJSON_Delete(d);
	if (ret < 0)
		return ret;
	oom_pause();
	*text = e.details ? cJSON_PrintUnformatted(e.details) : NULL;
	oom_resume();
	tg_custody_entry_release(&e);
	return *text ? 0 : tg_error(TG_ENOMEM, "out of memory");
}

static void nothing_reported(void *user, long long line, long long seq, const char *problem)
{
	(void)line;
	(void)seq;
	fprintf(stderr, "custody log: entry %lld: %s\n", seq, problem);
	(*(int *)user)++;
}

/* The log holds exactly the entries that were reported written, and verifies. */
static void check_custody_log(long want)
{
	struct tg_key pub;
	char path[600];
	long long entries = -1;
	int problems = 0;

	snprintf(path, sizeof(path), "%s/custody.log", case_dir);
	CHECK_INT(tg_key_load(&pub, case_dir, 1), 0);
	CHECK_INT(tg_custody_verify(path, &pub, nothing_reported, &problems, &entries, NULL), 0);
	CHECK_INT(problems, 0);
	CHECK_INT(entries, want);
	tg_key_release(&pub);
}

/* The shots analyser, the sync signature and sync, each allocation failing in turn. */
static void test_audio(void)
{
	struct signal sig;
	struct pair pr;
	float *x, *b;
	size_t n, i, shift = 1234;
	struct tg_an_shots_state *an;
	char *text = NULL;

	x = make_signal(&n);
	if (!x) {
		SKIP("cannot make the signal (hedgewars-data missing?)");
		return;
	}
	sig.x = x;
	sig.n = n;
	check_scenario("shots analysis", run_shots_analysis, &sig);
	an = finished_analyser(&sig);
	CHECK(an != NULL);
	if (an) {
		test_shots_document(an);
		check_scenario("shots document", run_shots_document, an);
	}
	tg_an_shots_free(an);
	check_scenario("sync signature", run_syncsig, &sig);

	/* B: a part of A, later by shift samples, at its own level */
	b = malloc(sizeof(float) * n);
	if (b) {
		for (i = 0; i < n; i++)
			b[i] = i + shift < n ? 0.7f * x[i + shift] : 0.0f;
		pr.a = x;
		pr.na = n;
		pr.b = b;
		pr.nb = n;
		CHECK_INT(run_sync(&pr, &text), 0);
		CHECK(text && strncmp(text, "aligned 1 ", 10) == 0);
		free(text);
		check_scenario("sync", run_sync, &pr);
	}
	free(b);
	free(x);
	tg_test_free_snd(&blast, 1);
}

/* Every allocation of an entry failed in turn: only whole entries are written. */
static void test_custody(void)
{
	snprintf(case_dir, sizeof(case_dir), "%s/case/keys", tg_test_scratch());
	CHECK_INT(tg_fs_mkdirs(case_dir, 0700), 0);
	snprintf(case_dir, sizeof(case_dir), "%s/case", tg_test_scratch());
	CHECK_INT(tg_key_generate(case_dir), 0);
	CHECK_INT(tg_custody_create(case_dir), 0);
	tg_jsonmem_check();	/* earlier scenarios failed allocations on purpose */
	check_custody_log(check_scenario("custody entry", run_custody, NULL));
}

int main(void)
{
	tg_jsonmem_install();
	RUN(test_audio);
	RUN(test_custody);
	return TEST_END();
}
