/*
 * bag.h - the archival package of a case or an incident (BagIt 1.0, RFC
 * 8493; the format itself is lib/report/bagit.h), and its independent check.
 *
 * Layout (docs/bagit.md):
 *
 *   data/objects/<sha256>[.ext]      the evidentiary copies, byte for byte
 *   data/derived/<sha256>/...        working files (keyframes, plots, .tmk)
 *   data/catalog/case.json           tool, case id, key, scope, summary
 *   data/catalog/items.json          items: acquisitions, findings, record,
 *                                    tags, notes, incidents
 *   data/catalog/incidents.json      incidents with links, counts, notes
 *   data/catalog/timeline.json, methods.json
 *   data/custody.log                 the whole custody log (a chain verifies
 *                                    only whole), copied under its lock
 *   case-public-key.pem              the case's Ed25519 public key
 *   bag-info.txt                     Source-Organization (when given),
 *                                    Bagging-Date, Payload-Oxum,
 *                                    Bag-Software-Agent, External-Identifier,
 *                                    Testigo-Case-Id, Testigo-Public-Key-Ed25519,
 *                                    Testigo-Custody-Head, Testigo-Custody-Entries,
 *                                    Testigo-Items, Testigo-Incident
 *   manifest-sha256.txt, tagmanifest-sha256.txt, bagit.txt
 *   tagmanifest-sha256.txt.sig       64-byte Ed25519 signature of the tag
 *                                    manifest's bytes (openssl pkeyutl -verify
 *                                    -rawin checks it)
 *
 * Every object is re-hashed while it is copied; an object that no longer
 * matches its name stops the export.  The export is one custody entry
 * (action "export") recorded after the package is in place, with the tag
 * manifest's SHA-256; if it cannot be recorded the package is removed (an
 * entry written but not yet applied to the catalog is recorded: the next
 * open applies it, and the package stays).
 *
 * tg_bag_verify() needs no case: every checksum both ways, Payload-Oxum,
 * the signature (with the key in the bag, or a trusted key given by the
 * caller, and the key must match bag-info's), the custody chain with that
 * key, the log's head against bag-info, and each object's name against its
 * content and against an acquire entry of the log.
 */
#ifndef TG_BAG_H
#define TG_BAG_H

#include "case/case.h"

struct tg_bag_opts {
	long long incident;		/* 0: the whole case */
	const char *organization;	/* Source-Organization, or NULL */
	const char *actor;
};

struct tg_bag_result {
	unsigned long long files, bytes;
	int items;
	char tagmanifest_sha256[65];
	char custody_head[65];
	long long custody_seq;		/* the export entry */
};

int tg_bag_export(struct tg_case *c, const char *dir, const struct tg_bag_opts *o,
		  struct tg_bag_result *res);

typedef void (*tg_bag_report_fn)(void *user, const char *file, const char *problem);

struct tg_bag_summary {
	unsigned long long files, bytes;
	long long custody_entries;
	int objects;
	int signature_ok;
	char public_key[65];
	int problems;
};

/* key_path: a trusted public key PEM, or NULL for the bag's own. */
int tg_bag_verify(const char *dir, const char *key_path, tg_bag_report_fn report, void *user,
		  struct tg_bag_summary *sum);

#endif
