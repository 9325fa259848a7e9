#include "report/output.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/jsonmem.h"

#define MAX_DEPTH 32

struct tg_out {
	enum tg_out_format format;
	cJSON *root;
	cJSON *stack[MAX_DEPTH];
	int depth;
	int oom;
};

struct tg_out *tg_out_new(enum tg_out_format format)
{
	struct tg_out *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->format = format;
	o->root = cJSON_CreateObject();
	if (!o->root) {
		free(o);
		return NULL;
	}
	o->stack[0] = o->root;
	return o;
}

void tg_out_free(struct tg_out *o)
{
	if (!o)
		return;
	cJSON_Delete(o->root);
	free(o);
}

enum tg_out_format tg_out_format(const struct tg_out *o)
{
	return o->format;
}

struct cJSON *tg_out_tree(struct tg_out *o)
{
	return o->oom ? NULL : o->root;
}

/* Add item under the open object or list; 0, or -1 (item freed, o->oom set). */
static int attach(struct tg_out *o, const char *key, cJSON *item)
{
	cJSON *parent = o->stack[o->depth];

	/* adding to an object copies the key, which can fail too (and a
	 * parent that could not be made is NULL) */
	if (tg_jsonmem_add(parent, cJSON_IsArray(parent) ? NULL : key ? key : "", item) < 0) {
		o->oom = 1;
		return -1;
	}
	return 0;
}

/*
 * Open an object or list.  One that could not be made stays on the stack
 * as NULL, so that what goes into it is dropped (the document is already
 * marked incomplete) and tg_out_end() still closes the right level.
 */
static void push(struct tg_out *o, const char *key, cJSON *item)
{
	int ok = attach(o, key, item) == 0;

	if (o->depth + 1 < MAX_DEPTH)
		o->stack[++o->depth] = ok ? item : NULL;
}

void tg_out_begin(struct tg_out *o, const char *key)
{
	push(o, key, cJSON_CreateObject());
}

void tg_out_begin_list(struct tg_out *o, const char *key)
{
	push(o, key, cJSON_CreateArray());
}

void tg_out_end(struct tg_out *o)
{
	if (o->depth > 0)
		o->depth--;
}

void tg_out_str(struct tg_out *o, const char *key, const char *value)
{
	attach(o, key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

void tg_out_int(struct tg_out *o, const char *key, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	attach(o, key, cJSON_CreateRaw(buf));
}

void tg_out_num(struct tg_out *o, const char *key, double value, int decimals)
{
	char buf[64];

	if (!isfinite(value)) {
		attach(o, key, cJSON_CreateNull());
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", decimals, value);
	if (strcmp(buf, "-0") == 0 || (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)))
		memmove(buf, buf + 1, strlen(buf));
	attach(o, key, cJSON_CreateRaw(buf));
}

void tg_out_bool(struct tg_out *o, const char *key, int value)
{
	attach(o, key, cJSON_CreateBool(value));
}

void tg_out_null(struct tg_out *o, const char *key)
{
	attach(o, key, cJSON_CreateNull());
}

void tg_out_json(struct tg_out *o, const char *key, struct cJSON *value)
{
	attach(o, key, value);
}

void tg_out_json_text(struct tg_out *o, const char *key, const char *json)
{
	cJSON *v = NULL;

	if (json && tg_jsonmem_parse(json, strlen(json), &v) < 0) {
		o->oom = 1;	/* not "invalid text": it must not become a string */
		return;
	}
	attach(o, key, v ? v : cJSON_CreateString(json ? json : ""));
}

/* --- text rendering --------------------------------------------------- */

static int is_scalar(const cJSON *v)
{
	return !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

static int is_flat_object(const cJSON *v)
{
	const cJSON *c;

	if (!cJSON_IsObject(v))
		return 0;
	cJSON_ArrayForEach(c, v)
		if (!is_scalar(c) && !(cJSON_IsArray(c) && cJSON_GetArraySize(c) <= 4 &&
				       (!c->child || is_scalar(c->child))))
			return 0;
	return 1;
}

static int is_table(const cJSON *v)
{
	const cJSON *c;

	if (!cJSON_IsArray(v) || !v->child)
		return 0;
	cJSON_ArrayForEach(c, v)
		if (!is_flat_object(c))
			return 0;
	return 1;
}

/* Scalar (or short scalar list) as text, into a buffer. */
static void scalar_text(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsString(v))
		snprintf(buf, n, "%s", v->valuestring);
	else if (cJSON_IsRaw(v))
		snprintf(buf, n, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(buf, n, "%.15g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "yes" : "no");
	else if (cJSON_IsNull(v))
		snprintf(buf, n, "-");
	else if (cJSON_IsArray(v)) {
		const cJSON *c;
		size_t used = 0;

		buf[0] = '\0';
		cJSON_ArrayForEach(c, v) {
			char one[256];

			scalar_text(c, one, sizeof(one));
			used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
						 c == v->child ? "" : (is_scalar(c) ? "–" : ", "), one);
			if (used >= n)
				break;
		}
		if (!v->child)
			snprintf(buf, n, "-");
	} else
		snprintf(buf, n, "...");
}

/* Scalar arrays as ranges read better as "a–b"; longer ones as a list. */
static void value_text(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsArray(v) && cJSON_GetArraySize(v) != 2) {
		const cJSON *c;
		size_t used = 0;

		buf[0] = '\0';
		cJSON_ArrayForEach(c, v) {
			char one[512];

			scalar_text(c, one, sizeof(one));
			used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
						 c == v->child ? "" : ", ", one);
			if (used >= n)
				break;
		}
		if (!v->child)
			snprintf(buf, n, "-");
		return;
	}
	scalar_text(v, buf, n);
}

static void print_table(FILE *f, const cJSON *arr, int indent)
{
	const char *cols[64];
	size_t width[64];
	int ncols = 0;
	const cJSON *row, *c;
	char cell[1024];

	cJSON_ArrayForEach(row, arr)
		cJSON_ArrayForEach(c, row) {
			int i;

			for (i = 0; i < ncols; i++)
				if (strcmp(cols[i], c->string) == 0)
					break;
			if (i == ncols && ncols < 64) {
				cols[ncols] = c->string;
				width[ncols++] = strlen(c->string);
			}
		}
	cJSON_ArrayForEach(row, arr)
		for (int i = 0; i < ncols; i++) {
			c = cJSON_GetObjectItemCaseSensitive(row, cols[i]);
			value_text(c ? c : NULL, cell, sizeof(cell));
			if (!c)
				snprintf(cell, sizeof(cell), "-");
			if (strlen(cell) > width[i])
				width[i] = strlen(cell) > 60 ? 60 : strlen(cell);
		}
	fprintf(f, "%*s", indent, "");
	for (int i = 0; i < ncols; i++)
		fprintf(f, "%-*s%s", i + 1 < ncols ? (int)width[i] : 0, cols[i],
			i + 1 < ncols ? "  " : "\n");
	cJSON_ArrayForEach(row, arr) {
		fprintf(f, "%*s", indent, "");
		for (int i = 0; i < ncols; i++) {
			c = cJSON_GetObjectItemCaseSensitive(row, cols[i]);
			if (c)
				value_text(c, cell, sizeof(cell));
			else
				snprintf(cell, sizeof(cell), "-");
			fprintf(f, "%-*s%s", i + 1 < ncols ? (int)width[i] : 0, cell,
				i + 1 < ncols ? "  " : "\n");
		}
	}
}

static void print_text(FILE *f, const cJSON *obj, int indent)
{
	const cJSON *c;
	char buf[4096];

	cJSON_ArrayForEach(c, obj) {
		const char *key = c->string ? c->string : "";

		if (is_scalar(c) || (cJSON_IsArray(c) && (!c->child || is_scalar(c->child)))) {
			value_text(c, buf, sizeof(buf));
			fprintf(f, "%*s%s: %s\n", indent, "", key, buf);
		} else if (is_table(c)) {
			fprintf(f, "%*s%s:\n", indent, "", key);
			print_table(f, c, indent + 2);
		} else if (cJSON_IsArray(c)) {
			const cJSON *e;
			int i = 0;

			fprintf(f, "%*s%s:%s\n", indent, "", key, c->child ? "" : " -");
			cJSON_ArrayForEach(e, c) {
				fprintf(f, "%*s[%d]\n", indent + 2, "", ++i);
				if (cJSON_IsObject(e))
					print_text(f, e, indent + 4);
				else {
					value_text(e, buf, sizeof(buf));
					fprintf(f, "%*s%s\n", indent + 4, "", buf);
				}
			}
		} else {
			fprintf(f, "%*s%s:%s\n", indent, "", key, c->child ? "" : " -");
			print_text(f, c, indent + 2);
		}
	}
}

/* --- CSV rendering ---------------------------------------------------- */

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static const cJSON *find_table(const cJSON *v)
{
	const cJSON *c;

	if (is_table(v))
		return v;
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		cJSON_ArrayForEach(c, v) {
			const cJSON *t = find_table(c);
			if (t)
				return t;
		}
	return NULL;
}

static void print_csv(FILE *f, const cJSON *root)
{
	const cJSON *table = find_table(root), *row, *c;
	const char *cols[64];
	int ncols = 0;
	char cell[4096];

	if (!table) {
		/* Not a list: one row of the top-level scalars. */
		int first = 1;
		cJSON_ArrayForEach(c, root)
			if (is_scalar(c)) {
				fputs(first ? "" : ",", f);
				csv_field(f, c->string);
				first = 0;
			}
		fputc('\n', f);
		first = 1;
		cJSON_ArrayForEach(c, root)
			if (is_scalar(c)) {
				value_text(c, cell, sizeof(cell));
				fputs(first ? "" : ",", f);
				csv_field(f, cJSON_IsNull(c) ? "" : cell);
				first = 0;
			}
		fputc('\n', f);
		return;
	}
	cJSON_ArrayForEach(row, table)
		cJSON_ArrayForEach(c, row) {
			int i;
			for (i = 0; i < ncols; i++)
				if (strcmp(cols[i], c->string) == 0)
					break;
			if (i == ncols && ncols < 64)
				cols[ncols++] = c->string;
		}
	for (int i = 0; i < ncols; i++) {
		fputs(i ? "," : "", f);
		csv_field(f, cols[i]);
	}
	fputc('\n', f);
	cJSON_ArrayForEach(row, table) {
		for (int i = 0; i < ncols; i++) {
			c = cJSON_GetObjectItemCaseSensitive(row, cols[i]);
			if (c && !cJSON_IsNull(c))
				value_text(c, cell, sizeof(cell));
			else
				cell[0] = '\0';
			fputs(i ? "," : "", f);
			/* text from evidence must not become a spreadsheet formula */
			if (cJSON_IsString(c) && cell[0] && strchr("=+-@\t\r", cell[0])) {
				memmove(cell + 1, cell, strnlen(cell, sizeof(cell) - 2) + 1);
				cell[0] = '\'';
				cell[sizeof(cell) - 1] = '\0';
			}
			csv_field(f, cell);
		}
		fputc('\n', f);
	}
}

int tg_out_print(struct tg_out *o, FILE *f)
{
	if (o->oom)
		return tg_error(TG_ENOMEM, "out of memory while formatting output");
	if (o->format == TG_OUT_JSON) {
		char *s = cJSON_Print(o->root);

		if (!s)
			return tg_error(TG_ENOMEM, "out of memory while formatting JSON");
		fputs(s, f);
		fputc('\n', f);
		cJSON_free(s);
	} else if (o->format == TG_OUT_CSV) {
		print_csv(f, o->root);
	} else {
		print_text(f, o->root, 0);
	}
	if (fflush(f) != 0 || ferror(f))
		return tg_error_errno(TG_EIO, "standard output");
	return 0;
}
