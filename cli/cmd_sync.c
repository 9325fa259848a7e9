/*
 * cmd_sync.c - testigo sync A B [C ...]: put recordings of one scene on one
 * timeline by their sound.
 *
 * Two arguments: the offset, drift, overlap and confidence of the pair.
 * More: every pair is aligned, and the item offsets and clock drifts are
 * solved together by weighted least squares on the pairwise measurements
 * (one connected group of aligned recordings shares a timeline; the first
 * recording of each group is its reference).  A pair whose offset disagrees with the solved
 * timeline by more than INCONSISTENT_S is reported as inconsistent.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio/sync.h"
#include "case/an_envelope.h"
#include "case/case.h"
#include "store/store_incident.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/mediaarg.h"
#include "cli/options.h"
#include "util/error.h"

#define MAX_INPUTS 32
#define INCONSISTENT_S 0.005

const char cmd_sync_help[] =
	"usage: testigo sync A B [--json]\n"
	"       testigo sync A B C... [--json]\n"
	"       testigo sync --incident N [--json]\n"
	"\n"
	"Find the time offset between recordings of the same event from their\n"
	"sound, with the convention that a sound at time t in A is at t + offset_s\n"
	"in B (times on each file's presentation timeline).  Works on files and on\n"
	"items of the case (id or SHA-256 prefix; items use the sync signature\n"
	"stored by 'testigo add', so they are not decoded again).\n"
	"\n"
	"Method: a coarse onset-envelope correlation proposes offsets; up to 16\n"
	"windows of 3 s are aligned by GCC-PHAT with sub-sample interpolation; a\n"
	"line through the agreeing windows gives the offset and the clock drift\n"
	"(ppm).  The result is 'aligned' only when enough independent windows\n"
	"agree with sharp peaks and no other offset is nearly as well supported\n"
	"(periodic sound); otherwise it says \"no reliable alignment\" and why.\n"
	"\n"
	"With three or more recordings every pair is aligned and one common\n"
	"timeline (each recording's offset and clock drift) is solved by least\n"
	"squares; pairs that disagree with it by more than 5 ms are listed as\n"
	"inconsistent.  --incident N takes every\n"
	"item linked to incident N ('testigo incident link').\n"
	"\n"
	"Sound travels about 343 m/s (about 3 ms per metre): a microphone farther\n"
	"from the source hears it later, so aligned sound is not aligned light.\n"
	"\n"
	"  --json   one JSON document (docs/json.md)\n"
	"\n"
	"Exit status: 0 (also when no alignment is found: see \"aligned\"); 2 usage;\n"
	"3 missing file, no audio, or not media; 4 case error.\n";

static const char note_text[] =
	"aligned by sound: sound arrives about 3 ms per metre later at a farther "
	"microphone, so aligned sound is not aligned light";

struct input {
	struct tg_mediaarg m;
	struct tg_syncsig sig;
	float *x;
	int have;
};

/* The items of an incident, as id strings for the same code path as named items. */
struct id_list {
	char *argv[MAX_INPUTS];
	char text[MAX_INPUTS][24];
	int n;
};

static int add_id(void *user, long long id)
{
	struct id_list *l = user;

	if (l->n >= MAX_INPUTS)
		return tg_error(TG_EINVAL, "an incident with more than %d items: name the "
				"recordings to align", MAX_INPUTS);
	snprintf(l->text[l->n], sizeof(l->text[l->n]), "%lld", id);
	l->argv[l->n] = l->text[l->n];
	l->n++;
	return 0;
}

static int incident_items(struct tg_case **c, const char *spec, struct id_list *l)
{
	char *dir = NULL, *end;
	long long id = strtoll(spec, &end, 10);
	int ret;

	if (end == spec || *end || id <= 0)
		return tg_error(TG_EINVAL, "--incident: not an incident number: '%s'", spec);
	ret = tg_case_find(tg_cli_case_dir(), &dir);
	if (ret == 0)
		ret = tg_case_open(c, dir);
	free(dir);
	if (ret == 0)
		ret = tg_store_incident_items((*c)->store, id, add_id, l);
	return ret;
}

static int load_input(struct tg_case **c, const char *arg, struct input *in)
{
	int ret = tg_mediaarg_resolve(arg, c, &in->m);

	if (ret < 0)
		return ret;
	if (in->m.is_item) {
		ret = tg_an_envelope_load((*c)->store, in->m.item.id, &in->sig);
		if (ret == TG_ENOTFOUND) {
			/* added before the analyser existed: record it now */
			const char *names[1] = { "envelope" };
			struct tg_analyse_opts opts = { 0 };
			struct tg_analyse_report rep;

			opts.actor = tg_cli_actor();
			memset(&rep, 0, sizeof(rep));
			ret = tg_case_analyse(*c, &in->m.item, names, 1, &opts, &rep);
			if (ret == 0)
				ret = tg_an_envelope_load((*c)->store, in->m.item.id, &in->sig);
			if (ret == TG_ENOTFOUND)
				ret = tg_error(TG_EINPUT, "item %s: no audio to align%s%s", arg,
					       rep.failures[0] ? ": " : "", rep.failures);
		}
	} else {
		ret = tg_an_envelope_file(in->m.path, &in->sig);
		if (ret == 0)
			tg_cli_warn_unusable(arg, in->sig.unusable);
	}
	if (ret < 0)
		return ret;
	in->x = tg_syncsig_signal(&in->sig);
	if (!in->x)
		return TG_ENOMEM;
	in->have = 1;
	return 0;
}

/* Offsets on the presentation timelines (the signatures start at t0). */
static void to_media_time(struct tg_sync_result *r, double t0a, double t0b)
{
	double k = 1.0 + r->drift_ppm * 1e-6;

	if (!r->aligned)
		return;
	r->offset_s += t0b - t0a * k;
	r->offset_mid_s += t0b - t0a;
	r->overlap_a[0] += t0a;
	r->overlap_a[1] += t0a;
	r->overlap_b[0] += t0b;
	r->overlap_b[1] += t0b;
}

static void emit_pair(struct tg_out *o, const struct tg_sync_result *r)
{
	tg_out_bool(o, "aligned", r->aligned);
	if (r->aligned) {
		tg_out_num(o, "offset_s", r->offset_s, 6);
		tg_out_num(o, "offset_mid_s", r->offset_mid_s, 6);
	} else {
		tg_out_null(o, "offset_s");
		tg_out_null(o, "offset_mid_s");
	}
	tg_out_num(o, "confidence", r->confidence, 2);
	tg_out_num(o, "drift_ppm", r->drift_ppm, 1);
	if (r->aligned) {
		tg_out_begin_list(o, "overlap_a_s");
		tg_out_num(o, NULL, r->overlap_a[0], 3);
		tg_out_num(o, NULL, r->overlap_a[1], 3);
		tg_out_end(o);
		tg_out_begin_list(o, "overlap_b_s");
		tg_out_num(o, NULL, r->overlap_b[0], 3);
		tg_out_num(o, NULL, r->overlap_b[1], 3);
		tg_out_end(o);
	} else {
		tg_out_null(o, "overlap_a_s");
		tg_out_null(o, "overlap_b_s");
	}
	tg_out_int(o, "windows", r->windows);
	tg_out_int(o, "consistent", r->consistent);
	tg_out_num(o, "median_z", r->median_z, 1);
	if (r->aligned) {
		tg_out_null(o, "reason");
	} else {
		char why[256];

		snprintf(why, sizeof(why), "no reliable alignment: %s",
			 r->reason && r->reason[0] ? r->reason : "no sharp, consistent peak");
		tg_out_str(o, "reason", why);
	}
}

/* Recordings aligned together, directly or through others, share a group. */
static void find_groups(int n, const struct tg_sync_result *pr, int *group)
{
	int ng = 0;

	for (int i = 0; i < n; i++)
		group[i] = -1;
	for (int i = 0; i < n; i++) {
		int stack[MAX_INPUTS], sp = 0;
		if (group[i] >= 0)
			continue;
		group[i] = ng;
		stack[sp++] = i;
		while (sp) {
			int u = stack[--sp];
			for (int v = 0; v < n; v++)
				if (group[v] < 0 && pr[u * n + v].aligned) {
					group[v] = ng;
					stack[sp++] = v;
				}
		}
		ng++;
	}
}

static double pair_offset(const struct tg_sync_result *r)
{
	return r->offset_mid_s;
}

static double pair_drift(const struct tg_sync_result *r)
{
	return r->drift_ppm;
}

/*
 * Weighted least squares on a quantity measured per aligned pair as a
 * difference, value(pair i, j) = p[j] - p[i]: the offset (t_i = T + p[i]
 * on the common timeline T) or the clock drift; p[ref] = 0 for the first
 * recording of each group.
 */
static void solve(int n, const struct tg_sync_result *pr, const int *group,
		  double (*value)(const struct tg_sync_result *), double *p)
{
	double A[MAX_INPUTS][MAX_INPUTS], b[MAX_INPUTS];

	memset(A, 0, sizeof(A));
	memset(b, 0, sizeof(b));
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			const struct tg_sync_result *r = &pr[i * n + j];
			double w;
			if (!r->aligned)
				continue;
			w = 0.05 + r->confidence;
			A[i][i] += w;
			A[j][j] += w;
			A[i][j] -= w;
			A[j][i] -= w;
			b[j] += w * value(r);
			b[i] -= w * value(r);
		}
	/* fix each group's first member at 0 */
	for (int i = 0; i < n; i++) {
		int first = 1;
		for (int k = 0; k < i; k++)
			if (group[k] == group[i])
				first = 0;
		if (!first)
			continue;
		for (int k = 0; k < n; k++)
			A[i][k] = A[k][i] = 0.0;
		A[i][i] = 1.0;
		b[i] = 0.0;
	}
	/* Gaussian elimination with partial pivoting (n <= 32) */
	for (int col = 0; col < n; col++) {
		int piv = col;
		for (int r = col + 1; r < n; r++)
			if (fabs(A[r][col]) > fabs(A[piv][col]))
				piv = r;
		if (fabs(A[piv][col]) < 1e-12)
			continue;
		if (piv != col) {
			for (int k = 0; k < n; k++) {
				double t = A[col][k];
				A[col][k] = A[piv][k];
				A[piv][k] = t;
			}
			double t = b[col];
			b[col] = b[piv];
			b[piv] = t;
		}
		for (int r = 0; r < n; r++) {
			double f;
			if (r == col || A[r][col] == 0.0)
				continue;
			f = A[r][col] / A[col][col];
			for (int k = col; k < n; k++)
				A[r][k] -= f * A[col][k];
			b[r] -= f * b[col];
		}
	}
	for (int i = 0; i < n; i++)
		p[i] = fabs(A[i][i]) > 1e-12 ? b[i] / A[i][i] : 0.0;
}

int cmd_sync(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "incident", required_argument, NULL, 'i' },
		TG_OUTPUT_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct id_list ids = { { 0 }, { { 0 } }, 0 };
	const char *incident = NULL;
	char **args;
	enum tg_out_format fmt = TG_OUT_TEXT;
	struct input *in = NULL;
	struct tg_sync_result *pr = NULL;
	struct tg_case *c = NULL;
	struct tg_out *o = NULL;
	int opt, ret, code = 0, n;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'i')
			incident = optarg;
		else if (!tg_output_option(opt, &fmt))
			return tg_cli_usage(cmd_sync_help, "sync: unknown option");
	}
	args = argv + optind;
	n = argc - optind;
	if (incident) {
		if (n > 0)
			return tg_cli_usage(cmd_sync_help, "sync: --incident takes no other recordings");
		ret = incident_items(&c, incident, &ids);
		if (ret < 0)
			return tg_cli_fail(ret);
		args = ids.argv;
		n = ids.n;
		if (n < 2) {
			tg_case_close(c);
			return tg_cli_fail(tg_error(TG_EINVAL, "incident %s has %d linked item(s): "
						    "at least two are needed", incident, n));
		}
	}
	if (n < 2)
		return tg_cli_usage(cmd_sync_help, "sync: name at least two files or items");
	if (n > MAX_INPUTS)
		return tg_cli_usage(cmd_sync_help, "sync: at most %d recordings at once", MAX_INPUTS);
	in = calloc((size_t)n, sizeof(*in));
	pr = calloc((size_t)n * (size_t)n, sizeof(*pr));
	if (!in || !pr) {
		code = tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
		goto out;
	}
	for (int i = 0; i < n; i++)
		if ((ret = load_input(&c, args[i], &in[i])) < 0) {
			code = tg_cli_fail(ret);
			goto out;
		}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			struct tg_sync_result *r = &pr[i * n + j];
			ret = tg_sync_compute(in[i].x, (size_t)in[i].sig.n, in[j].x, (size_t)in[j].sig.n,
					      TG_SYNCSIG_RATE, r);
			if (ret < 0) {
				code = tg_cli_fail(ret);
				goto out;
			}
			to_media_time(r, in[i].sig.t0_s, in[j].sig.t0_s);
		}
	o = tg_out_new(fmt);
	if (!o) {
		code = tg_cli_fail(tg_error(TG_ENOMEM, "out of memory"));
		goto out;
	}
	if (n == 2) {
		tg_out_str(o, "a", in[0].m.arg);
		tg_out_str(o, "b", in[1].m.arg);
		emit_pair(o, &pr[1]);
	} else {
		double p[MAX_INPUTS], q[MAX_INPUTS];
		int group[MAX_INPUTS], bad = 0;

		find_groups(n, pr, group);
		solve(n, pr, group, pair_offset, p);
		solve(n, pr, group, pair_drift, q);
		tg_out_begin_list(o, "recordings");
		for (int i = 0; i < n; i++) {
			int ref = i;
			for (int k = 0; k < i; k++)
				if (group[k] == group[i]) {
					ref = k;
					break;
				}
			tg_out_begin(o, NULL);
			tg_out_str(o, "input", in[i].m.arg);
			tg_out_int(o, "group", group[i] + 1);
			tg_out_str(o, "reference", in[ref].m.arg);
			tg_out_num(o, "offset_s", p[i], 6);
			tg_out_num(o, "drift_ppm", q[i], 1);
			tg_out_num(o, "duration_s", (double)in[i].sig.n / TG_SYNCSIG_RATE, 3);
			tg_out_end(o);
		}
		tg_out_end(o);
		tg_out_begin_list(o, "pairs");
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++) {
				const struct tg_sync_result *r = &pr[i * n + j];
				tg_out_begin(o, NULL);
				tg_out_str(o, "a", in[i].m.arg);
				tg_out_str(o, "b", in[j].m.arg);
				tg_out_bool(o, "aligned", r->aligned);
				if (r->aligned) {
					double res = p[j] - p[i] - r->offset_mid_s;
					tg_out_num(o, "offset_mid_s", r->offset_mid_s, 6);
					tg_out_num(o, "drift_ppm", r->drift_ppm, 1);
					tg_out_num(o, "residual_ms", res * 1000.0, 3);
					tg_out_bool(o, "consistent", fabs(res) <= INCONSISTENT_S);
					bad += fabs(res) > INCONSISTENT_S;
				} else {
					tg_out_null(o, "offset_mid_s");
					tg_out_null(o, "drift_ppm");
					tg_out_null(o, "residual_ms");
					tg_out_null(o, "consistent");
				}
				tg_out_num(o, "confidence", r->confidence, 2);
				if (r->aligned) {
					tg_out_null(o, "reason");
				} else {
					char why[256];

					snprintf(why, sizeof(why), "no reliable alignment: %s",
						 r->reason && r->reason[0] ? r->reason : "no sharp peak");
					tg_out_str(o, "reason", why);
				}
				tg_out_end(o);
			}
		tg_out_end(o);
		tg_out_int(o, "inconsistent_pairs", bad);
		tg_out_str(o, "solution", "weighted least squares on the aligned pairs' offsets and "
			   "drifts (t_recording = t_common + offset_s, its clock drift_ppm fast; "
			   "each group's first recording is 0)");
	}
	tg_out_str(o, "note", note_text);
	if ((ret = tg_out_print(o, stdout)) < 0)
		code = tg_cli_fail(ret);
out:
	tg_out_free(o);
	for (int i = 0; in && i < n; i++) {
		tg_mediaarg_release(&in[i].m);
		tg_syncsig_release(&in[i].sig);
		free(in[i].x);
	}
	free(in);
	free(pr);
	if (c)
		tg_case_close(c);
	return code;
}
