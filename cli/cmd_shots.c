/*
 * cmd_shots.c - testigo shots FILE|ITEM: gunshots, bursts, crack-bang ranging,
 * and a waveform/spectrogram plot.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/an_shots.h"
#include "case/case.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/mediaarg.h"
#include "cli/options.h"
#include "media/image.h"
#include "report/audioplot.h"
#include "util/error.h"

const char cmd_shots_help[] =
	"usage: testigo shots FILE|ITEM [--json] [--temp C] [--bullet-speed MIN-MAX]\n"
	"                     [--plot FILE.png]\n"
	"\n"
	"Detect gunshots in the sound track: impulsive events (onsets against the\n"
	"recording's own noise floor), each classified as gunshot, other impulse\n"
	"(clap, drum, door, plosive) or echo by features a person can check on\n"
	"the spectrogram (decay, ringing tail, low/high-frequency balance, jump\n"
	"out of the background, periodicity), weighed by a rule score and a\n"
	"model of shallow trees fitted on generated clips (both are in the JSON\n"
	"features); gunshots 60-200 ms apart form a burst.  Times are on the\n"
	"media's presentation timeline, to the ms.\n"
	"Each shot gives its basis: own (its own features), repeat (it repeats\n"
	"its burst's first shot and the chain model, below, does not rule it\n"
	"out; or the first shot of another burst, before it or up to 20 s\n"
	"after: another recording of the weapon, or a weapon heard there),\n"
	"heard (outside a burst, the same recording as a shot heard before it\n"
	"or up to 20 s after, which the model does not all but rule out),\n"
	"chain (inside a burst's reverberation, taken by no\n"
	"template, but the chain model, a second model over its features, its\n"
	"matches and the time since the burst's last shot, says a further shot\n"
	"rather than an echo) or rhythm (a weaker repeat where the burst's\n"
	"rhythm left a gap of about two intervals, judged by the chain model\n"
	"like every repeat of the first shot: the weakest evidence).\n"
	"A recording made through a narrower band (a phone call or a scanner at\n"
	"8 kHz) is judged on the bands it carries; a feature it cannot measure\n"
	"(energy above 4 kHz) is null and left out, and it is less accurate.\n"
	"Two channels are heard as one: their mean, or their difference where\n"
	"the second is the first inverted (a microphone wired in reverse;\n"
	"inverted_channel_s says for how long).  A blast that opens the\n"
	"recording or comes out of digital silence is measured against the\n"
	"background that follows it; what swings less than -78 dBFS (four\n"
	"steps of 16-bit audio) is no event.\n"
	"\n"
	"A supersonic bullet's shock wave is an event of class crack: nearly all\n"
	"its high-frequency energy within a few ms, little below 500 Hz, abrupt.\n"
	"A crack is not counted as a shot (its muzzle blast follows it).\n"
	"Crack-bang ranging: the interval dt from a crack to its muzzle blast\n"
	"gives the distance to the gun d = dt c v / (v - c), for a microphone\n"
	"near the line of fire, over the range of bullet speeds v and +-3 ms for\n"
	"the onset times.  The cracks of a volley are paired with their blasts at\n"
	"one common interval.\n"
	"\n"
	"FILE is any audio or video file; ITEM an item of the case (id or SHA-256\n"
	"prefix), whose result is recorded as a finding (analyser \"shots\") with\n"
	"a custody entry, or read back when already recorded.\n"
	"\n"
	"  --temp C               air temperature for the speed of sound (default 20)\n"
	"  --bullet-speed MIN-MAX bullet speeds in m/s (default 600-1000)\n"
	"  --plot FILE.png        write the waveform and spectrogram with the events\n"
	"                         marked (gunshots red, other impulses orange,\n"
	"                         echoes blue, cracks purple)\n"
	"  --json                 one JSON document (docs/json.md)\n"
	"\n"
	"Accuracy and its limits: docs/audio.md.  The confidence is the model's\n"
	"probability (for what the chain model judged inside a burst, its own;\n"
	"a repeat through another burst, or a shot heard elsewhere: its\n"
	"correlation, calibrated), fitted on generated development clips: on\n"
	"held-out clips shots given 0.9 or more were right at least 9 times in\n"
	"10.  A repeat the chain model doubts is kept with a confidence that\n"
	"can be under 0.5, and a shot heard only looking back (its recording\n"
	"led a burst after it) has about 0.75: 3 in 4 such were right.\n"
	"See docs/audio.md.\n"
	"Exit status: 0; 2 usage; 3 missing file, no audio, or not media; 4 case error.\n";

/* A number of the document: a number when read back from the catalog,
 * raw text when just emitted; 0 when absent. */
static double doc_number(const cJSON *doc, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);

	return cJSON_IsNumber(v) ? v->valuedouble : cJSON_IsRaw(v) ? strtod(v->valuestring, NULL) : 0.0;
}

/* Print the result document; text output gets the summary and a shots table. */
static int print_doc(cJSON *doc, enum tg_out_format fmt, const char *source)
{
	struct tg_out *o = tg_out_new(fmt);
	cJSON *child;
	double unusable;
	int ret;

	if (!o) {
		cJSON_Delete(doc);
		return tg_error(TG_ENOMEM, "out of memory");
	}
	unusable = doc_number(doc, "unusable_samples");
	tg_cli_warn_unusable(source, (long long)unusable);
	if (fmt != TG_OUT_JSON) {
		cJSON *ev = cJSON_GetObjectItemCaseSensitive(doc, "events"), *e;
		int n[4] = { 0, 0, 0, 0 };

		/* said in the text only where they happened */
		if (unusable <= 0)
			cJSON_DeleteItemFromObject(doc, "unusable_samples");
		if (doc_number(doc, "inverted_channel_s") <= 0)
			cJSON_DeleteItemFromObject(doc, "inverted_channel_s");
		cJSON_ArrayForEach(e, ev) {
			const cJSON *cl = cJSON_GetObjectItemCaseSensitive(e, "class");
			const char *s = cJSON_IsString(cl) ? cl->valuestring : "";
			n[strcmp(s, "gunshot") == 0 ? 0 : strcmp(s, "echo") == 0 ? 2 :
			  strcmp(s, "crack") == 0 ? 3 : 1]++;
		}
		cJSON_DeleteItemFromObject(doc, "events");
		cJSON_DeleteItemFromObject(doc, "method");
		cJSON_DeleteItemFromObject(doc, "intervals_s");
		tg_out_str(o, "source", source);
		tg_out_begin(o, "events");
		tg_out_int(o, "gunshot", n[0]);
		tg_out_int(o, "other_impulse", n[1]);
		tg_out_int(o, "echo", n[2]);
		tg_out_int(o, "crack", n[3]);
		tg_out_end(o);
	}
	while ((child = doc->child)) {
		char *key = child->string ? strdup(child->string) : NULL;

		cJSON_DetachItemViaPointer(doc, child);
		tg_out_json(o, key ? key : "", child);
		free(key);
	}
	cJSON_Delete(doc);
	if (fmt != TG_OUT_JSON)
		tg_out_str(o, "note", "ranging holds for a microphone near the line of fire; "
			   "--json lists every event with its features");
	ret = tg_out_print(o, stdout);
	tg_out_free(o);
	return ret;
}

struct find_ctx {
	const char *version, *params;
	char *result;
	int failed;
};

static int find_cb(void *user, const struct tg_finding *f)
{
	struct find_ctx *x = user;

	if (strcmp(f->version, x->version) != 0 || strcmp(f->params, x->params) != 0)
		return 0;
	free(x->result);
	x->result = NULL;
	x->failed = strcmp(f->status, "ok") != 0;
	if (!x->failed && f->result)
		x->result = strdup(f->result);
	return 0;
}

/* Run (or reuse) the recorded "shots" finding of an item. */
static int item_doc(struct tg_case *c, const struct tg_item *item, const char *params,
		    cJSON **doc)
{
	const char *names[1] = { "shots" };
	struct tg_analyse_opts opts = { 0 };
	struct tg_analyse_report rep;
	struct find_ctx x = { tg_an_shots.version, params, NULL, 0 };
	int ret;

	opts.actor = tg_cli_actor();
	opts.params = params;
	memset(&rep, 0, sizeof(rep));
	ret = tg_case_analyse(c, item, names, 1, &opts, &rep);
	if (ret < 0)
		return ret;
	if ((ret = tg_store_findings(c->store, item->id, "shots", find_cb, &x)) < 0)
		return ret;
	if (!x.result) {
		return tg_error(TG_EINPUT, "item %lld: shots analysis failed: %s", item->id,
				rep.failures[0] ? rep.failures : "no result recorded");
	}
	*doc = cJSON_Parse(x.result);
	free(x.result);
	return *doc ? 0 : tg_error(TG_EDB, "item %lld: stored shots result is not JSON", item->id);
}

static int parse_speeds(const char *s, double *lo, double *hi)
{
	char *end;

	*lo = strtod(s, &end);
	if (end == s || *end != '-')
		return -1;
	s = end + 1;
	*hi = strtod(s, &end);
	return end == s || *end ? -1 : 0;
}

int cmd_shots(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "temp", required_argument, NULL, 't' },
		{ "bullet-speed", required_argument, NULL, 'b' },
		{ "plot", required_argument, NULL, 'p' },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct tg_an_shots_params p;
	struct tg_mediaarg m = { 0 };
	struct tg_case *c = NULL;
	struct tg_an_shots_state *st = NULL;
	const char *plot = NULL;
	char params[128], *end;
	cJSON *doc = NULL;
	int opt, ret, code = 0;

	tg_an_shots_params_parse(NULL, &p);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (tg_output_option(opt, &fmt))
			continue;
		switch (opt) {
		case 't':
			p.temp_c = strtod(optarg, &end);
			if (end == optarg || *end)
				return tg_cli_usage(cmd_shots_help, "shots: --temp wants degrees Celsius");
			break;
		case 'b':
			if (parse_speeds(optarg, &p.v_min, &p.v_max) < 0)
				return tg_cli_usage(cmd_shots_help, "shots: --bullet-speed wants MIN-MAX in m/s");
			break;
		case 'p':
			plot = optarg;
			break;
		default:
			return tg_cli_usage(cmd_shots_help, "shots: unknown option");
		}
	}
	if (argc - optind != 1)
		return tg_cli_usage(cmd_shots_help, "shots: name one FILE or ITEM");
	tg_an_shots_params_text(&p, params, sizeof(params));
	if (tg_an_shots_params_parse(params, &p) < 0)
		return tg_cli_usage(cmd_shots_help, "%s", tg_errmsg());
	if ((ret = tg_mediaarg_resolve(argv[optind], &c, &m)) < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	if (m.is_item && (ret = item_doc(c, &m.item, params, &doc)) < 0) {
		code = tg_cli_fail(ret);
		goto out;
	}
	if (!m.is_item || plot) {
		struct tg_analyser pa = { 0 };
		struct tg_analyser *list[1] = { &pa };

		if ((ret = tg_an_shots_new(&st, &p, plot != NULL, &pa)) < 0 ||
		    (ret = tg_media_run(m.path, list, 1, NULL, NULL, NULL, NULL)) < 0) {
			code = tg_cli_fail(ret);
			goto out;
		}
		if (pa.failed) {
			code = tg_cli_fail(tg_error(TG_EINPUT, "%s: %s", m.arg, pa.error));
			goto out;
		}
		if (!doc) {
			struct tg_out *o = tg_out_new(TG_OUT_JSON);
			if (!o || (ret = tg_an_shots_emit(st, o)) < 0) {
				tg_out_free(o);
				code = tg_cli_fail(o ? ret : TG_ENOMEM);
				goto out;
			}
			doc = cJSON_Duplicate(tg_out_tree(o), 1);
			tg_out_free(o);
		}
	}
	if (plot) {
		const struct tg_shots_result *r = tg_an_shots_events(st);
		struct tg_audioplot img;

		ret = tg_audioplot_render(tg_an_shots_spectro(st), r->events, r->n_events, 1600, &img);
		if (ret == 0)
			ret = tg_image_write_png(plot, img.rgb, img.width, img.height, (size_t)img.linesize);
		tg_audioplot_release(&img);
		if (ret < 0) {
			code = tg_cli_fail(ret);
			goto out;
		}
	}
	if (!doc) {
		code = tg_cli_fail(TG_ENOMEM);
		goto out;
	}
	ret = print_doc(doc, fmt, m.arg);
	doc = NULL;
	if (ret < 0)
		code = tg_cli_fail(ret);
out:
	cJSON_Delete(doc);
	tg_an_shots_free(st);
	tg_mediaarg_release(&m);
	if (c)
		tg_case_close(c);
	return code;
}
