/*
 * incident.h - incidents: a place and a time span that items are linked to,
 * with per-incident counts (injured, arrested, ...) and their sources.
 *
 * Every change is one custody entry, recorded with tg_case_record() and
 * applied to the catalog (lib/store/store_incident.h) by an applier that
 * replay.c also runs after a crash:
 *
 *   incident  item null   {incident, op:"new", title, place, lat, lon,
 *                          start_utc, end_utc, description}
 *   link      item S      {incident, linked:{old, new}}      (one per item)
 *   count     item null   {incident, source, changes:{KIND:{old, new}}}
 *                          old/new: {value, source} or null
 *
 * An incident's id is chosen under the custody lock (the next free number)
 * and written into its entry, so replay gives it the same id.  The previous
 * values in the details are read under the same lock, so they are the
 * values the change replaced.  A change that changes nothing (linking an
 * item already linked, a count set to the value and source it has) records
 * no entry.
 *
 * Times: a date ("2020-11-12") or a date-time with a UTC offset; stored as
 * "2020-11-12" or "2020-11-13T02:10:00Z".  A time without an offset is
 * refused: a report must not guess the zone.
 */
#ifndef TG_INCIDENT_H
#define TG_INCIDENT_H

#include "case/case.h"

struct tg_incident_spec {
	const char *title, *place, *description;
	const char *start, *end;	/* as typed; checked and normalised */
	double lat, lon;		/* NaN when not given */
};

/* Create an incident; *id receives its number. */
int tg_incident_create(struct tg_case *c, const char *actor, const struct tg_incident_spec *spec,
		       long long *id);

/* TG_ENOTFOUND with a message when there is no such incident. */
int tg_incident_exists(struct tg_case *c, long long id);

/* Link (link 1) or unlink (0) an item; *changed is 0 when it already was so. */
int tg_incident_link(struct tg_case *c, const char *actor, long long incident,
		     const struct tg_item *item, int link, int *changed);

/* The count kinds ("injured", "killed", ...), NULL-terminated. */
const char *const *tg_incident_count_kinds(void);

/*
 * Set counts of an incident from one source: kinds[i] = values[i] (a value
 * of -1 removes the count).  *changed receives how many changed.
 */
int tg_incident_count(struct tg_case *c, const char *actor, long long incident,
		      const char *const *kinds, const long long *values, int n,
		      const char *source, int *changed);

/* Parse an incident/record time as described above into buf ("" when s is NULL). */
int tg_incident_time(const char *what, const char *s, char *buf, size_t n);

/* Appliers (replay.c). */
int tg_incident_apply_new(struct tg_case *c, const struct tg_custody_entry *e, void *user);
int tg_incident_apply_link(struct tg_case *c, const struct tg_custody_entry *e, void *user);
int tg_incident_apply_count(struct tg_case *c, const struct tg_custody_entry *e, void *user);

#endif
