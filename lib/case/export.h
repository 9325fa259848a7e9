/*
 * export.h - gather what a report or an export shows, as one JSON document.
 *
 * The case layer reads the catalog and the custody log; the writers below
 * it (lib/report/html.c, the CSV tables, the BagIt catalog files) only
 * render this document, so every output shows the same data.  Its fields
 * are documented in docs/json-incident.md:
 *
 *   {tool, generated_utc, case:{id, public_key, custody_head, entries},
 *    scope:{incident|null}, summary:{...}, incidents:[...], items:[...],
 *    timeline:{events:[...], untimed:[item ids]}, custody:[...],
 *    methods:[...]}
 *
 * Scope: incident 0 is the whole case; otherwise the incident's items, the
 * incident itself, and the custody entries about them (entries whose item
 * is one of them or whose details name the incident).
 *
 * Item paths of working files (keyframes, plots) are relative to the case
 * folder ("derived/<sha256>/keyframes/0001.jpg").
 */
#ifndef TG_EXPORT_H
#define TG_EXPORT_H

#include "case/case.h"

struct cJSON;

int tg_export_document(struct tg_case *c, long long incident, struct cJSON **doc);

/* A one-line description of an analyser's method, or NULL when unknown. */
const char *tg_export_method_text(const char *analyser);

#endif
