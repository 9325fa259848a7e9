#include "case/replay.h"

#include <stdio.h>
#include <string.h>

#include "case/analyse.h"
#include "case/incident.h"
#include "case/ingest.h"
#include "case/note.h"
#include "case/record.h"
#include "case/stage.h"
#include "case/tag.h"
#include "util/error.h"

static const struct {
	const char *action;
	tg_case_apply_fn apply;
} appliers[] = {
	{ "acquire", tg_ingest_apply_acquire },
	{ "probe", tg_ingest_apply_probe },
	{ "analyse", tg_case_apply_analyse },
	{ "incident", tg_incident_apply_new },
	{ "link", tg_incident_apply_link },
	{ "count", tg_incident_apply_count },
	{ "record", tg_record_apply },
	{ "status", tg_record_apply },
	{ "tag", tg_tag_apply },
	{ "note", tg_note_apply },
};

tg_case_apply_fn tg_case_applier(const char *action)
{
	for (size_t i = 0; i < sizeof(appliers) / sizeof(appliers[0]); i++)
		if (strcmp(appliers[i].action, action) == 0)
			return appliers[i].apply;
	return NULL;
}

struct replay {
	struct tg_case *c;
	long long after;	/* the catalog's last seq */
	char prev[65];		/* its hash */
	int replayed;
	int ret;
};

static int find_prev(void *user, const struct tg_custody_row *r)
{
	struct replay *rp = user;

	if (r->seq == rp->after)
		snprintf(rp->prev, sizeof(rp->prev), "%s", r->hash);
	return 0;
}

static int replay_one(void *user, long long line_no, const char *line, size_t len,
		      const struct tg_custody_entry *e, const char *problem)
{
	struct replay *rp = user;
	char why[160];

	(void)problem;
	if (!e || e->seq <= rp->after)
		return 0;
	/* Import only a sound continuation of what the catalog holds. */
	if (e->seq != rp->after + 1 || strcmp(e->prev, rp->prev) != 0 ||
	    tg_custody_check_line(line, len, e, &rp->c->custody.key, why, sizeof(why)) != 0)
		return 1;	/* stop: testigo verify reports the damage */
	rp->ret = tg_case_apply(rp->c, e, tg_case_applier(e->action), NULL);
	if (rp->ret < 0) {
		/* want of memory, a full disk or the database stay what they
		 * are; anything else means the entry does not fit the case */
		int code = rp->ret == TG_EDB || rp->ret == TG_ENOMEM || rp->ret == TG_EIO ? rp->ret
											: TG_ECASE;
		char cause[512];

		snprintf(cause, sizeof(cause), "%s", tg_errmsg());
		rp->ret = tg_error(code,
				   "%s: cannot bring the catalog up to custody entry %lld (line %lld): %s",
				   rp->c->dir, e->seq, line_no, cause);
		return 1;
	}
	rp->after = e->seq;
	memcpy(rp->prev, e->hash, 65);
	rp->replayed++;
	return 0;
}

int tg_case_recover(struct tg_case *c)
{
	struct replay rp = { c, 0, "", 0, 0 };
	int ret = tg_custody_lock(&c->custody);

	if (ret < 0)
		return ret;
	rp.after = tg_store_custody_max_seq(c->store);
	if (rp.after < 0) {
		ret = (int)rp.after;	/* the store said why */
		goto out;
	}
	memset(rp.prev, '0', 64);
	rp.prev[64] = '\0';
	/* without the last mirrored entry's hash nothing can be replayed, and
	 * the next append would leave a gap no later open could fill */
	if (rp.after > 0 && (ret = tg_store_custody(c->store, NULL, find_prev, &rp)) < 0)
		goto out;
	ret = tg_custody_walk(c->custody.path, replay_one, &rp);
	if (rp.ret < 0)
		ret = rp.ret;
	else if (ret > 0)
		ret = 0;
	c->recovered = rp.replayed;
	if (ret == 0)
		ret = tg_stage_cleanup(c, &c->staged_removed);
out:
	tg_custody_unlock(&c->custody);
	return ret;
}
