/*
 * shotmodel.h - the gunshot model: log-odds that an event is a gunshot,
 * from its own features (shots.h), the rule score (tg_shot_score()) among
 * them.
 *
 * A gradient-boosted ensemble of shallow trees, fitted by
 * scripts/train-shot-model (scikit-learn) on the development half of the
 * generated clips and written out as a table (shotmodel_trees.h); this
 * file only walks it.  Why a fitted model over the hand-set score alone:
 * the score adds its terms, so it cannot say "a long tail means a blast
 * unless the event also rises slowly and sits in the voice band", and on
 * events of recordings it was never fitted on (negatives and backgrounds
 * held out, other weapons) the trees separate shots from the rest with
 * AUC 0.98-0.99 against the score's 0.94-0.96 (docs/audio.md, twelfth
 * round).  The score stays: it explains a decision term by term, and it
 * is the model's strongest input.
 */
#ifndef TG_AUDIO_SHOTMODEL_H
#define TG_AUDIO_SHOTMODEL_H

#include "audio/shots.h"

/* Log-odds that e is a gunshot, by its own features (> 0: a gunshot).
 * A band feature the recording does not carry (NAN) is missing: each
 * split sends it where most of the fit's events went (the development
 * clips carry every band, so no split has learnt from a missing one). */
float tg_shot_model_logit(const struct tg_shot_event *e);

/* 1 when the table was fitted on the features in the order this build
 * fills them in (a table regenerated from a dump with other columns is
 * not: test_shots checks it). */
int tg_shot_model_fits_features(void);

#endif
