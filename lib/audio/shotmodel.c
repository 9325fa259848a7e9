/*
 * shotmodel.c - walks the gunshot model's trees (shotmodel.h).
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

#include "audio/shotmodel_trees.h"

/* the order must be TG_SHOT_MODEL_FEATURES' (checked by test_shots) */
static const char feature_names[] =
	"score,strength,snr_db,rise_ms,centroid_hz,lf_db,hf_db,vhf_db,width,"
	"decay_ms,tail_db,jump_db,harmonicity,compact,step_jump_db,clipped";

float tg_shot_model_logit(const struct tg_shot_event *e)
{
	const double x[TG_SHOT_MODEL_NFEATURES] = {
		e->score, e->strength, e->snr_db, e->rise_ms, e->centroid_hz,
		e->lf_db, e->hf_db, e->vhf_db, e->width,
		e->decay_ms, e->tail_db, e->jump_db, e->harmonicity, e->compact,
		e->step_jump_db, e->clipped,
	};
	double sum = shot_model_prior;
	int t;

	for (t = 0; t < TG_SHOT_MODEL_TREES; t++) {
		const struct shot_model_node *nd = &shot_model_nodes[shot_model_roots[t]];

		while (nd->feature >= 0) {
			double v = x[nd->feature];
			int left = isnan(v) ? nd->missing_left : v <= nd->threshold;

			nd = &shot_model_nodes[left ? nd->left : nd->right];
		}
		sum += nd->value;
	}
	return (float)sum;
}

int tg_shot_model_fits_features(void)
{
	return strcmp(feature_names, TG_SHOT_MODEL_FEATURES) == 0;
}
