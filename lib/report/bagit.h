/*
 * bagit.h - BagIt 1.0 packages (RFC 8493): write one, check one.
 *
 * A bag is a folder:
 *
 *   bagit.txt               "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8"
 *   bag-info.txt            "Label: value" lines; Payload-Oxum, Bagging-Date,
 *                           Bag-Software-Agent are added by the writer
 *   manifest-sha256.txt     "<sha256 hex>  data/<path>" for every payload file
 *   tagmanifest-sha256.txt  the same for the tag files (everything outside data/
 *                           except tag manifests and files the caller leaves
 *                           unlisted, such as a detached signature of it)
 *   data/...                the payload
 *
 * Paths in manifests use '/' and percent-encode '%', CR and LF (RFC 8493
 * 2.1.3).  Payload-Oxum is "<octets>.<files>" of the payload.
 *
 * Writing: a bag is built in a temporary folder next to the destination
 * (".<name>.partial-XXXXXX") and renamed into place only when complete
 * (tg_bagit_commit), so a crash or an error never leaves something that looks
 * like a finished package.  The destination must not exist or be an empty
 * folder.  Every file is fsynced before the rename and the parent folder
 * after it.
 *
 * Checking (tg_bagit_check) is independent of any case: it reports each
 * problem with the file it concerns - a payload or tag file missing, extra
 * (not in the manifest) or altered (checksum differs), a malformed line, a
 * wrong Payload-Oxum, a path escaping the bag - and keeps going.
 */
#ifndef TG_BAGIT_H
#define TG_BAGIT_H

#include <stddef.h>

#include "util/dynbuf.h"

struct cJSON;

struct tg_bagit {
	char *final_dir, *dir;		/* destination; temporary folder being filled */
	struct tg_dynbuf manifest, tagmanifest;
	unsigned long long octets, files;
	char *tagmanifest_text;		/* after tg_bagit_close_manifests */
	size_t tagmanifest_len;
};

/* Check the destination and make the temporary folder (with data/). */
int tg_bagit_begin(struct tg_bagit *b, const char *final_dir);

/*
 * Copy a file into data/<rel>, hashing as it goes; when expect_sha256 is
 * given, the copy must hash to it (TG_ECHECK otherwise: the source changed).
 */
int tg_bagit_add_file(struct tg_bagit *b, const char *src, const char *rel,
		      const char *expect_sha256);
/* Write bytes as data/<rel>. */
int tg_bagit_add_bytes(struct tg_bagit *b, const char *rel, const void *data, size_t len);

/* A tag file at the bag's top level; listed in the tag manifest when listed != 0. */
int tg_bagit_add_tag(struct tg_bagit *b, const char *name, const void *data, size_t len,
		     int listed);

/*
 * Write bagit.txt, bag-info.txt (info: "Label: value\n" lines from the
 * caller, values without newlines; the writer appends Payload-Oxum,
 * Bagging-Date and Bag-Software-Agent), manifest-sha256.txt and
 * tagmanifest-sha256.txt.  Afterwards b->tagmanifest_text holds the tag
 * manifest's bytes (to sign).  Call after every payload and listed tag file.
 */
int tg_bagit_close_manifests(struct tg_bagit *b, const char *info);

/* fsync and rename the temporary folder to the destination. */
int tg_bagit_commit(struct tg_bagit *b);

/* Remove the temporary folder (if not committed) and free everything. */
void tg_bagit_release(struct tg_bagit *b);

/* Remove a folder tree we wrote (no symlinks followed).  0 or an error. */
int tg_bagit_remove_tree(const char *dir);

/* ---- checking ------------------------------------------------------------ */

typedef void (*tg_bagit_report_fn)(void *user, const char *file, const char *problem);
/* Called for each payload file that exists, with its computed SHA-256. */
typedef void (*tg_bagit_file_fn)(void *user, const char *rel, const char *sha256);

struct tg_bagit_summary {
	unsigned long long files, bytes;	/* payload actually found */
	int problems;
	struct cJSON *info;	/* bag-info labels -> values (a repeated label: the last); free it */
};

/*
 * Check the bag in dir.  unlisted: top-level tag files that may be absent
 * from the tag manifest (NULL-terminated, may be NULL).  Returns 0 when the
 * check ran (see sum->problems), or a negative error when dir is not a
 * folder at all.
 */
int tg_bagit_check(const char *dir, const char *const *unlisted, tg_bagit_report_fn report,
		   tg_bagit_file_fn file_cb, void *user, struct tg_bagit_summary *sum);

/* Percent-encode a manifest path into b (exported for the tests). */
int tg_bagit_encode_path(struct tg_dynbuf *b, const char *path);

#endif
