/*
 * shotmodel.c - walks the gunshot models' trees (shotmodel.h).
 */
#include <math.h>
#include <string.h>

#include "audio/shotmodel.h"

struct shot_model_node {
	signed char feature;    /* -1: a leaf */
	double threshold;       /* x <= threshold: left */
	unsigned char missing_left;  /* where a NAN goes */
	unsigned short left, right;
	double value;           /* a leaf's share of the log-odds */
};

/* one fitted ensemble, as the generated header lays it out */
struct shot_model {
	const char *features;   /* its feature names, in its order */
	int ntrees;
	double prior;
	const unsigned short *roots;
	const struct shot_model_node *nodes;
};

#include "audio/chainmodel_trees.h"
#include "audio/shotmodel_trees.h"

/* the orders must be the tables' (checked by test_shots) */
#define OWN_FEATURES \
	"score,strength,snr_db,rise_ms,centroid_hz,lf_db,hf_db,vhf_db,width," \
	"decay_ms,tail_db,jump_db,harmonicity,compact,step_jump_db,clipped"
#define CHAIN_FEATURES OWN_FEATURES ",logit,repeat_ncc,repeat_gain_db,bank_ncc,bank_gain_db,gap_ms"
#define OWN_N 16
#define CHAIN_N (OWN_N + 6)
_Static_assert(TG_SHOT_MODEL_NFEATURES == OWN_N, "the event model's table has other features");
_Static_assert(TG_CHAIN_MODEL_NFEATURES == CHAIN_N, "the chain model's table has other features");

static const struct shot_model own_model = {
	TG_SHOT_MODEL_FEATURES, TG_SHOT_MODEL_TREES, shot_model_prior, shot_model_roots,
	shot_model_nodes,
};
static const struct shot_model chain_model = {
	TG_CHAIN_MODEL_FEATURES, TG_CHAIN_MODEL_TREES, chain_model_prior, chain_model_roots,
	chain_model_nodes,
};

static float walk(const struct shot_model *m, const double *x)
{
	double sum = m->prior;
	int t;

	for (t = 0; t < m->ntrees; t++) {
		const struct shot_model_node *nd = &m->nodes[m->roots[t]];

		while (nd->feature >= 0) {
			double v = x[nd->feature];
			int left = isnan(v) ? nd->missing_left : v <= nd->threshold;

			nd = &m->nodes[left ? nd->left : nd->right];
		}
		sum += nd->value;
	}
	return (float)sum;
}

/* the event's own features, in OWN_FEATURES' order, into x; their number */
static int own_features(const struct tg_shot_event *e, double *x)
{
	const double f[OWN_N] = {
		e->score, e->strength, e->snr_db, e->rise_ms, e->centroid_hz,
		e->lf_db, e->hf_db, e->vhf_db, e->width,
		e->decay_ms, e->tail_db, e->jump_db, e->harmonicity, e->compact,
		e->step_jump_db, e->clipped,
	};

	memcpy(x, f, sizeof(f));
	return OWN_N;
}

float tg_shot_model_logit(const struct tg_shot_event *e)
{
	double x[OWN_N];

	own_features(e, x);
	return walk(&own_model, x);
}

float tg_shot_chain_logit(const struct tg_shot_event *e)
{
	double x[CHAIN_N];
	int n = own_features(e, x);

	x[n++] = e->logit;
	x[n++] = e->repeat_ncc;
	x[n++] = e->repeat_gain_db;
	x[n++] = e->bank_ncc;
	x[n++] = e->bank_gain_db;
	x[n++] = e->gap_ms;
	return walk(&chain_model, x);
}

int tg_shot_model_fits_features(void)
{
	return strcmp(OWN_FEATURES, own_model.features) == 0 &&
	       strcmp(CHAIN_FEATURES, chain_model.features) == 0;
}
