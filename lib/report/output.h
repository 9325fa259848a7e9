/*
 * output.h - one interface for everything a command prints.
 *
 * A command emits its results once, as nested sections and key/values; the
 * writer chosen at creation renders them as JSON (one document), text (for
 * people) or CSV (for lists).  The tree is built in memory (it is small: one
 * command's results) and rendered by tg_out_print().  (FFmpeg fftools
 * textformat is the model.)
 *
 * Numbers given with tg_out_num() keep exactly the decimals asked for, so the
 * JSON text is stable across platforms.  Inside a list section, keys are
 * ignored (pass NULL).
 *
 * Text rendering: "key: value" lines, nested sections indented; a list of
 * flat objects becomes an aligned table; a list of scalars is joined by ", ".
 * CSV rendering: the first list of flat objects found, with a header row.
 */
#ifndef TG_OUTPUT_H
#define TG_OUTPUT_H

#include <stdio.h>

struct cJSON;

enum tg_out_format { TG_OUT_TEXT, TG_OUT_JSON, TG_OUT_CSV };

struct tg_out;

struct tg_out *tg_out_new(enum tg_out_format format);
void tg_out_free(struct tg_out *o);
enum tg_out_format tg_out_format(const struct tg_out *o);

void tg_out_begin(struct tg_out *o, const char *key);      /* object */
void tg_out_begin_list(struct tg_out *o, const char *key); /* array */
void tg_out_end(struct tg_out *o);

void tg_out_str(struct tg_out *o, const char *key, const char *value); /* NULL -> null */
void tg_out_int(struct tg_out *o, const char *key, long long value);
void tg_out_num(struct tg_out *o, const char *key, double value, int decimals);
void tg_out_bool(struct tg_out *o, const char *key, int value);
void tg_out_null(struct tg_out *o, const char *key);
/* Attach a cJSON subtree (ownership passes to the writer; a copy is not made). */
void tg_out_json(struct tg_out *o, const char *key, struct cJSON *value);
/* Parse a JSON text and attach it; invalid text is attached as a string. */
void tg_out_json_text(struct tg_out *o, const char *key, const char *json);

/* Render everything; returns 0, or TG_EIO when the stream failed (e.g. EPIPE, ENOSPC). */
int tg_out_print(struct tg_out *o, FILE *f);

/*
 * The tree itself (for callers that store results as JSON), or NULL when a
 * part of it could not be allocated: an incomplete document must never be
 * stored or shown as if it were whole.
 */
struct cJSON *tg_out_tree(struct tg_out *o);

#endif
