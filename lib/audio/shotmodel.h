/*
 * shotmodel.h - the gunshot models: log-odds that an event is a gunshot.
 *
 * Two gradient-boosted ensembles of shallow trees, fitted by
 * scripts/train-shot-model (scikit-learn) on the development half of the
 * generated clips and on training clips with nine more weapons and more
 * hard negatives, in full band and in a phone's band, and written out as
 * tables (shotmodel_trees.h, chainmodel_trees.h); this file only walks
 * them.
 *
 * The event model decides an event by its own features, the rule score
 * (tg_shot_score()) among them.  Why a fitted model over the hand-set
 * score alone: the score adds its terms, so it cannot say "a long tail
 * means a blast unless the event also rises slowly and sits in the voice
 * band", and on events of recordings it was never fitted on (negatives
 * and backgrounds held out, other weapons) the trees separate shots from
 * the rest with AUC 0.98-0.99 against the score's 0.94-0.96
 * (docs/audio.md, twelfth round).  The score stays: it explains a
 * decision term by term, and it is the model's strongest input.
 *
 * The chain model decides a candidate inside the reverberation of a shot
 * that the chain's rules would call an echo: the same features, the event
 * model's log-odds, and how the candidate stands against the chain (its
 * match with the chain's first shot and with the bank, their levels, the
 * time since the chain's latest shot).  A burst's later shot that is
 * another recording of the weapon matches no template, and its own
 * features are blurred by the shot before; with what the chain knows it
 * is told from a reflection (docs/audio.md, thirteenth round).  Since
 * version 23 it also judges every repeat the template takes (the bank
 * features then missing), and a repeat it rules out, mostly a
 * reflection or a later part of the shot's own sound matched weakly, is
 * not a shot (eighteenth round; the line since version 26: twenty-second
 * round).
 */
#ifndef TG_AUDIO_SHOTMODEL_H
#define TG_AUDIO_SHOTMODEL_H

#include "audio/shots.h"

/* Log-odds that e is a gunshot, by its own features (> 0: a gunshot).
 * A band feature the recording does not carry (NAN) is missing: each
 * split sends it where the fit learnt to (the training clips in a
 * phone's band lack the top bands). */
float tg_shot_model_logit(const struct tg_shot_event *e);

/* Log-odds that e, a candidate inside a chain, is a further shot of it
 * (a candidate no template took is one above 0, a repeat unless at or
 * below TG_SHOT_REPEAT_MIN_CHAIN_LOGIT): its own features, e->logit and
 * the chain features (gap_ms, repeat_ncc, repeat_gain_db, bank_ncc,
 * bank_gain_db; the bank's NAN for a repeat) filled in. */
float tg_shot_chain_logit(const struct tg_shot_event *e);

/* 1 when both tables were fitted on the features in the order this build
 * fills them in (a table regenerated from a dump with other columns is
 * not: test_shots checks it). */
int tg_shot_model_fits_features(void);

#endif
