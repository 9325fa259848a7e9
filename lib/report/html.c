#include "report/html.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/isotime.h"

#define IMG_MAX (4u << 20)
#define IMG_TOTAL (48u << 20)
#define STRIP_MAX 8
#define ROWS_MAX 40
#define COLS_MAX 8

struct w {
	struct tg_dynbuf *b;
	int err;
	const char *base;
	unsigned long long img_bytes;
	int img_skipped;
};

/* ---- primitives ----------------------------------------------------------- */

int tg_html_escape(struct tg_dynbuf *b, const char *s)
{
	int ret = 0;

	if (!s)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && ret == 0; p++) {
		const char *rep = NULL;

		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
				rep = "\xef\xbf\xbd";
		}
		if (rep) {
			ret = tg_dynbuf_addstr(b, rep);
		} else {
			const unsigned char *q = p;

			while (q[1] && q[1] >= 0x20 && q[1] != 0x7f && !strchr("&<>\"'", q[1]))
				q++;
			ret = tg_dynbuf_add(b, p, (size_t)(q - p + 1));
			p = q;
		}
	}
	return ret;
}

static void raw(struct w *w, const char *s)
{
	if (!w->err)
		w->err = tg_dynbuf_addstr(w->b, s);
}

static void rawf(struct w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rawf(struct w *w, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	raw(w, buf);
}

static void esc(struct w *w, const char *s)
{
	if (!w->err)
		w->err = tg_html_escape(w->b, s);
}

/* An element with escaped text: el(w, "td", text). */
static void el(struct w *w, const char *tag, const char *text)
{
	rawf(w, "<%s>", tag);
	if (text && text[0])
		esc(w, text);
	else
		raw(w, "<span class=\"none\">&mdash;</span>");
	rawf(w, "</%s>", strchr(tag, ' ') ? "td" : tag);
}

static const char *sv(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static double nv(const cJSON *o, const char *k)
{
	const cJSON *v = get(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The text of a scalar (or compact JSON of anything), at most max bytes. */
static void value_text(const cJSON *v, char *buf, size_t n, size_t max)
{
	char *s;

	if (!v || cJSON_IsNull(v)) {
		buf[0] = '\0';
		return;
	}
	if (cJSON_IsString(v)) {
		snprintf(buf, n, "%s", v->valuestring);
	} else if (cJSON_IsBool(v)) {
		snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "yes" : "no");
	} else if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(long long)v->valuedouble && fabs(v->valuedouble) < 1e15)
			snprintf(buf, n, "%lld", (long long)v->valuedouble);
		else
			snprintf(buf, n, "%.6g", v->valuedouble);
	} else {
		s = cJSON_PrintUnformatted(v);
		snprintf(buf, n, "%s", s ? s : "");
		cJSON_free(s);
	}
	if (max < n && strlen(buf) > max) {
		/* cut on a UTF-8 boundary */
		size_t k = max;

		while (k > 0 && ((unsigned char)buf[k] & 0xc0) == 0x80)
			k--;
		snprintf(buf + k, n - k, "\xe2\x80\xa6");
	}
}

static void td_value(struct w *w, const cJSON *v, size_t max)
{
	char *buf = malloc(max + 16);

	if (!buf) {
		w->err = TG_ENOMEM;
		return;
	}
	value_text(v, buf, max + 16, max);
	el(w, "td", buf);
	free(buf);
}

static int is_scalar(const cJSON *v)
{
	return v && !cJSON_IsObject(v) && !cJSON_IsArray(v);
}

/* ---- images --------------------------------------------------------------- */

static void base64(struct w *w, const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char out[4 * 1024 + 4];
	size_t o = 0;

	for (size_t i = 0; i < n && !w->err; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
		if (o >= sizeof(out) - 4) {
			w->err = tg_dynbuf_add(w->b, out, o);
			o = 0;
		}
	}
	if (o && !w->err)
		w->err = tg_dynbuf_add(w->b, out, o);
}

/* Embed one image file (relative to base) as <img>; returns 1 when embedded. */
static int image(struct w *w, const char *rel, const char *alt, const char *cls)
{
	char path[4600], *data = NULL;
	const char *mime = NULL;
	size_t len = 0;

	if (!w->base || strstr(rel, "..") || rel[0] == '/')
		return 0;
	snprintf(path, sizeof(path), "%s/%s", w->base, rel);
	if (w->img_bytes >= IMG_TOTAL || tg_fs_read_all(path, IMG_MAX, &data, &len) < 0) {
		tg_error_clear();
		w->img_skipped++;
		free(data);
		return 0;
	}
	if (len > 3 && (unsigned char)data[0] == 0xff && (unsigned char)data[1] == 0xd8)
		mime = "image/jpeg";
	else if (len > 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
		mime = "image/png";
	if (!mime || w->img_bytes + len > IMG_TOTAL) {
		w->img_skipped++;
		free(data);
		return 0;
	}
	w->img_bytes += len;
	rawf(w, "<img class=\"%s\" alt=\"", cls);
	esc(w, alt);
	rawf(w, "\" src=\"data:%s;base64,", mime);
	base64(w, (const unsigned char *)data, len);
	raw(w, "\">");
	free(data);
	return 1;
}

/* ---- generic JSON rendering ------------------------------------------------ */

static void render(struct w *w, const cJSON *v, int depth);

static void render_table(struct w *w, const cJSON *arr)
{
	const char *cols[COLS_MAX];
	int ncols = 0, rows = 0, total = cJSON_GetArraySize(arr);
	const cJSON *row, *c;

	cJSON_ArrayForEach(row, arr)
		cJSON_ArrayForEach(c, row) {
			int i;

			if (!is_scalar(c) || !c->string)
				continue;
			for (i = 0; i < ncols; i++)
				if (strcmp(cols[i], c->string) == 0)
					break;
			if (i == ncols && ncols < COLS_MAX)
				cols[ncols++] = c->string;
		}
	raw(w, "<table class=\"data\"><tr>");
	for (int i = 0; i < ncols; i++)
		el(w, "th", cols[i]);
	raw(w, "</tr>");
	cJSON_ArrayForEach(row, arr) {
		if (rows++ == ROWS_MAX)
			break;
		raw(w, "<tr>");
		for (int i = 0; i < ncols; i++)
			td_value(w, get(row, cols[i]), 120);
		raw(w, "</tr>");
	}
	raw(w, "</table>");
	if (total > ROWS_MAX)
		rawf(w, "<p class=\"more\">&hellip; %d more rows (all in the JSON export)</p>",
		     total - ROWS_MAX);
}

static void render_array(struct w *w, const cJSON *arr, int depth)
{
	const cJSON *v;
	int n = cJSON_GetArraySize(arr), objects = 1, scalars = 1, k = 0;

	if (n == 0) {
		raw(w, "<span class=\"none\">none</span>");
		return;
	}
	cJSON_ArrayForEach(v, arr) {
		objects &= cJSON_IsObject(v);
		scalars &= is_scalar(v);
	}
	if (scalars) {
		char buf[200];

		cJSON_ArrayForEach(v, arr) {
			if (k == 50) {
				rawf(w, " &hellip; (%d more)", n - 50);
				break;
			}
			value_text(v, buf, sizeof(buf), 120);
			if (k++)
				raw(w, ", ");
			esc(w, buf);
		}
	} else if (objects && depth < 3) {
		render_table(w, arr);
	} else {
		char buf[400];

		value_text(arr, buf, sizeof(buf), 300);
		raw(w, "<code>");
		esc(w, buf);
		raw(w, "</code>");
	}
}

static void render(struct w *w, const cJSON *v, int depth)
{
	const cJSON *c;

	if (cJSON_IsArray(v)) {
		render_array(w, v, depth);
		return;
	}
	if (!cJSON_IsObject(v) || depth > 3) {
		char buf[400];

		value_text(v, buf, sizeof(buf), 300);
		if (buf[0])
			esc(w, buf);
		else
			raw(w, "<span class=\"none\">&mdash;</span>");
		return;
	}
	if (!v->child) {
		raw(w, "<span class=\"none\">&mdash;</span>");
		return;
	}
	raw(w, "<table class=\"kv\">");
	cJSON_ArrayForEach(c, v) {
		/* the raw tag dump of the metadata is in the JSON export, not the report */
		if (depth == 0 && c->string && (strcmp(c->string, "tags") == 0 ||
						strcmp(c->string, "observations") == 0))
			continue;
		raw(w, "<tr>");
		el(w, "th", c->string);
		raw(w, "<td>");
		render(w, c, depth + 1);
		raw(w, "</td></tr>");
	}
	raw(w, "</table>");
}

/* ---- sections -------------------------------------------------------------- */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
	"color:#1b1b1b;background:#fff;max-width:1120px;margin:0 auto;padding:24px 28px}"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;padding-bottom:4px;"
	"border-bottom:2px solid #2b4c7e;break-after:avoid}"
	"h3{font-size:16px;margin:0 0 8px}h4{font-size:14px;margin:14px 0 4px;color:#2b4c7e;"
	"break-after:avoid}"
	".sub{color:#555;margin:0 0 16px}"
	"table{border-collapse:collapse;width:100%;margin:4px 0 8px}"
	"th,td{text-align:left;vertical-align:top;padding:3px 6px;border-bottom:1px solid #e2e2e2}"
	"th{font-weight:600;color:#333;white-space:nowrap}"
	"table.kv th{width:28%;white-space:normal}"
	"table.data{font-size:12.5px}table.data th{background:#f2f4f8}"
	"td{overflow-wrap:break-word;min-width:3em}.card,.finding{overflow-x:hidden}"
	"table.kv table{margin:0}"
	".mono,code{font-family:'DejaVu Sans Mono',ui-monospace,Menlo,Consolas,monospace;"
	"font-size:12px;word-break:break-all}"
	".none{color:#999}.more{color:#666;font-size:12px;margin:0}"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}"
	".stat{border:1px solid #d5dbe5;border-radius:6px;padding:8px 12px;min-width:120px}"
	".stat b{display:block;font-size:22px}"
	".card{border:1px solid #c9d0db;border-radius:8px;padding:14px 18px;margin:18px 0}"
	".card h3 .id{color:#2b4c7e}"
	".strip{display:flex;flex-wrap:wrap;gap:4px;margin:6px 0}"
	".strip img{height:96px;border:1px solid #999}"
	"img.plot{max-width:100%;border:1px solid #ccc;margin:4px 0}"
	".pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;"
	"margin:0 4px 2px 0;background:#eef1f6;border:1px solid #cfd6e2}"
	".pill.free{background:#fff;border-style:dashed}"
	".st{font-weight:600;padding:1px 8px;border-radius:4px}"
	".st-unverified{background:#eee}.st-in_review{background:#fff2c6}"
	".st-verified{background:#cdeed4}.st-disputed{background:#ffe0b8}"
	".st-rejected{background:#f6c9c9}"
	".obs-warning{color:#8a4b00}.obs-info{color:#334}"
	".finding{border-left:3px solid #d5dbe5;padding-left:10px;margin:8px 0}"
	".note{border-left:3px solid #b9c7a5;padding:2px 10px;margin:6px 0;white-space:pre-wrap}"
	".note small{color:#666;display:block}"
	"svg{width:100%;height:auto;border:1px solid #e2e2e2;background:#fafbfd}"
	"footer{margin-top:32px;color:#666;font-size:12px;border-top:1px solid #ddd;"
	"padding-top:8px}"
	"@page{size:A4;margin:14mm 12mm}"
	"@media print{body{max-width:none;padding:0;font-size:10.5pt}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	".card,.finding,tr,.stat,svg{break-inside:avoid}"
	"h2{break-before:auto}.card{border-color:#999}}";

static void status_span(struct w *w, const char *st)
{
	char cls[40];

	snprintf(cls, sizeof(cls), "%s", st ? st : "unverified");
	for (char *p = cls; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			*p = '_';
	rawf(w, "<span class=\"st st-%s\">", cls);
	esc(w, st ? st : "unverified");
	raw(w, "</span>");
}

static void kv_row(struct w *w, const char *k, const char *v)
{
	raw(w, "<tr>");
	el(w, "th", k);
	el(w, "td", v);
	raw(w, "</tr>");
}

static void kv_row_num(struct w *w, const char *k, const cJSON *v)
{
	raw(w, "<tr>");
	el(w, "th", k);
	td_value(w, v, 200);
	raw(w, "</tr>");
}

static void section_summary(struct w *w, const cJSON *doc)
{
	const cJSON *s = get(doc, "summary"), *c;

	raw(w, "<h2 id=\"summary\">Summary</h2><div class=\"cards\">");
	rawf(w, "<div class=\"stat\"><b>%d</b>items</div>", (int)nv(s, "items"));
	rawf(w, "<div class=\"stat\"><b>%d</b>findings</div>", (int)nv(s, "findings"));
	rawf(w, "<div class=\"stat\"><b>%d</b>incidents</div>", (int)nv(s, "incidents"));
	cJSON_ArrayForEach(c, get(s, "statuses")) {
		raw(w, "<div class=\"stat\">");
		rawf(w, "<b>%d</b>", (int)c->valuedouble);
		status_span(w, c->string);
		raw(w, "</div>");
	}
	raw(w, "</div>");
	if (nv(s, "items") == 0)
		raw(w, "<p>There are no items in the scope of this report.</p>");
	if (cJSON_GetArraySize(get(s, "counts"))) {
		raw(w, "<h4>Reported counts</h4><table class=\"data\"><tr><th>Incident</th>"
		       "<th>Count</th><th>Number</th><th>Source</th></tr>");
		cJSON_ArrayForEach(c, get(s, "counts")) {
			raw(w, "<tr>");
			td_value(w, get(c, "incident"), 20);
			el(w, "td", sv(c, "kind"));
			td_value(w, get(c, "value"), 20);
			el(w, "td", sv(c, "source"));
			raw(w, "</tr>");
		}
		raw(w, "</table>");
	}
	if (get(s, "tags") && get(s, "tags")->child) {
		raw(w, "<h4>Tags</h4><p>");
		cJSON_ArrayForEach(c, get(s, "tags")) {
			raw(w, "<span class=\"pill\">");
			esc(w, c->string);
			rawf(w, " &times;%d</span>", (int)c->valuedouble);
		}
		raw(w, "</p>");
	}
}

static void notes(struct w *w, const cJSON *arr)
{
	const cJSON *n;

	if (!cJSON_GetArraySize(arr))
		return;
	raw(w, "<h4>Notes</h4>");
	cJSON_ArrayForEach(n, arr) {
		raw(w, "<div class=\"note\"><small>");
		esc(w, sv(n, "time_utc"));
		raw(w, " &middot; ");
		esc(w, sv(n, "actor"));
		rawf(w, " &middot; custody entry %d</small>", (int)nv(n, "seq"));
		esc(w, sv(n, "text"));
		raw(w, "</div>");
	}
}

static void section_incidents(struct w *w, const cJSON *doc)
{
	const cJSON *inc, *c;

	if (!cJSON_GetArraySize(get(doc, "incidents")))
		return;
	raw(w, "<h2 id=\"incidents\">Incidents</h2>");
	cJSON_ArrayForEach(inc, get(doc, "incidents")) {
		char buf[200];

		raw(w, "<div class=\"card\"><h3>");
		rawf(w, "<span class=\"id\">Incident %d</span> &middot; ", (int)nv(inc, "incident"));
		esc(w, sv(inc, "title"));
		raw(w, "</h3><table class=\"kv\">");
		kv_row(w, "Place", sv(inc, "place"));
		if (!isnan(nv(inc, "lat"))) {
			snprintf(buf, sizeof(buf), "%.6f, %.6f", nv(inc, "lat"), nv(inc, "lon"));
			kv_row(w, "Coordinates", buf);
		}
		kv_row(w, "Start (UTC)", sv(inc, "start_utc"));
		kv_row(w, "End (UTC)", sv(inc, "end_utc"));
		kv_row(w, "Description", sv(inc, "description"));
		kv_row_num(w, "Items", get(inc, "items"));
		raw(w, "</table>");
		if (cJSON_GetArraySize(get(inc, "counts"))) {
			raw(w, "<h4>Counts</h4><table class=\"data\"><tr><th>Count</th><th>Number</th>"
			       "<th>Source</th><th>Recorded</th><th>By</th></tr>");
			cJSON_ArrayForEach(c, get(inc, "counts")) {
				raw(w, "<tr>");
				el(w, "td", sv(c, "kind"));
				td_value(w, get(c, "value"), 20);
				el(w, "td", sv(c, "source"));
				el(w, "td", sv(c, "time_utc"));
				el(w, "td", sv(c, "actor"));
				raw(w, "</tr>");
			}
			raw(w, "</table>");
		}
		notes(w, get(inc, "notes"));
		raw(w, "</div>");
	}
}

static const char *item_name(const cJSON *doc, double id)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, get(doc, "items"))
		if (nv(it, "item") == id)
			return sv(it, "name");
	return "";
}

static void timeline_svg(struct w *w, const cJSON *events)
{
	double lo = INFINITY, hi = -INFINITY;
	const cJSON *e;
	int row = 0;

	cJSON_ArrayForEach(e, events) {
		struct tg_isotime t;

		if (tg_isotime_parse(sv(e, "time_utc") ? sv(e, "time_utc") : "", &t) == 0) {
			lo = fmin(lo, t.unix_s);
			hi = fmax(hi, t.unix_s);
		}
	}
	if (!isfinite(lo))
		return;
	if (hi - lo < 1) {
		lo -= 30;
		hi += 30;
	}
	raw(w, "<svg viewBox=\"0 0 1000 150\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
	       "<line x1=\"40\" y1=\"110\" x2=\"960\" y2=\"110\" stroke=\"#555\"/>");
	cJSON_ArrayForEach(e, events) {
		struct tg_isotime t;
		double x;

		if (tg_isotime_parse(sv(e, "time_utc") ? sv(e, "time_utc") : "", &t) < 0)
			continue;
		x = 40 + 920 * (t.unix_s - lo) / (hi - lo);
		if (strcmp(sv(e, "event") ? sv(e, "event") : "", "shot") == 0) {
			rawf(w, "<line x1=\"%.1f\" y1=\"96\" x2=\"%.1f\" y2=\"124\" stroke=\"#c0392b\" "
				"stroke-width=\"2\"/>", x, x);
		} else {
			int y = 30 + (row++ % 3) * 20;

			rawf(w, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"110\" stroke=\"#2b4c7e\" "
				"stroke-dasharray=\"2 2\"/><circle cx=\"%.1f\" cy=\"110\" r=\"5\" "
				"fill=\"#2b4c7e\"/><text x=\"%.1f\" y=\"%d\" font-size=\"13\" "
				"text-anchor=\"middle\" fill=\"#2b4c7e\">item %d</text>",
			     x, y + 4, x, x, x, y, (int)nv(e, "item"));
		}
	}
	{
		char a[40], b[40];

		tg_isotime_utc(lo, 0, a, sizeof(a));
		tg_isotime_utc(hi, 0, b, sizeof(b));
		rawf(w, "<text x=\"40\" y=\"142\" font-size=\"12\" fill=\"#333\">%s</text>"
			"<text x=\"960\" y=\"142\" font-size=\"12\" fill=\"#333\" "
			"text-anchor=\"end\">%s</text>", a, b);
	}
	raw(w, "</svg>");
}

static void section_timeline(struct w *w, const cJSON *doc)
{
	const cJSON *tl = get(doc, "timeline"), *events = get(tl, "events"), *e;
	int shown = 0, n = cJSON_GetArraySize(events);

	raw(w, "<h2 id=\"timeline\">Timeline</h2>");
	if (!n) {
		raw(w, "<p>No item carries a creation time in its metadata; nothing to place on a "
		       "timeline.</p>");
	} else {
		raw(w, "<p class=\"sub\">Items placed by the creation time in their metadata "
		       "(<code>created_utc</code>; the source is named); shots from the "
		       "<code>shots</code> analysis are placed at that time plus their offset in "
		       "the recording.  Device clocks can be wrong: these are claims, not "
		       "verified times.</p>");
		timeline_svg(w, events);
		raw(w, "<table class=\"data\"><tr><th>Time (UTC)</th><th>Item</th><th>Event</th>"
		       "<th>Offset (s)</th><th>Time source</th></tr>");
		cJSON_ArrayForEach(e, events) {
			char buf[64];

			if (shown++ == 200) {
				rawf(w, "<tr><td colspan=\"5\">&hellip; %d more events</td></tr>", n - 200);
				break;
			}
			raw(w, "<tr>");
			el(w, "td", sv(e, "time_utc"));
			snprintf(buf, sizeof(buf), "%d ", (int)nv(e, "item"));
			raw(w, "<td>");
			esc(w, buf);
			esc(w, item_name(doc, nv(e, "item")));
			raw(w, "</td>");
			el(w, "td", sv(e, "event"));
			snprintf(buf, sizeof(buf), "%.3f", nv(e, "offset_s"));
			el(w, "td", buf);
			el(w, "td", sv(e, "source"));
			raw(w, "</tr>");
		}
		raw(w, "</table>");
	}
	if (cJSON_GetArraySize(get(tl, "untimed"))) {
		raw(w, "<p>Items without a creation time: ");
		render_array(w, get(tl, "untimed"), 0);
		raw(w, "</p>");
	}
}

static void strip(struct w *w, const cJSON *frames, const char *name)
{
	int n = cJSON_GetArraySize(frames), shown = 0;

	if (!n)
		return;
	raw(w, "<div class=\"strip\">");
	for (int k = 0; k < STRIP_MAX && k < n; k++) {
		int idx = n <= STRIP_MAX ? k : (int)((long long)k * (n - 1) / (STRIP_MAX - 1));
		const char *rel = cJSON_GetStringValue(cJSON_GetArrayItem(frames, idx));

		if (rel)
			shown += image(w, rel, name, "kf");
	}
	raw(w, "</div>");
	if (n > shown)
		rawf(w, "<p class=\"more\">%d of %d keyframes shown</p>", shown, n);
}

static void metadata_block(struct w *w, const cJSON *meta)
{
	const cJSON *obs = get(meta, "observations"), *o, *gps = get(meta, "gps");
	const cJSON *dev = get(meta, "device");
	char buf[200];

	raw(w, "<table class=\"kv\">");
	kv_row(w, "Created (UTC)", sv(meta, "created_utc"));
	kv_row(w, "Time source", sv(get(meta, "created"), "source"));
	if (cJSON_IsObject(gps)) {
		snprintf(buf, sizeof(buf), "%.6f, %.6f", nv(gps, "lat"), nv(gps, "lon"));
		kv_row(w, "GPS", buf);
		kv_row(w, "GPS source", sv(gps, "source"));
	} else {
		kv_row(w, "GPS", NULL);
	}
	kv_row(w, "Device make", sv(dev, "make"));
	kv_row(w, "Device model", sv(dev, "model"));
	kv_row(w, "Software", sv(dev, "software"));
	kv_row(w, "Format", sv(meta, "format"));
	kv_row_num(w, "Duration (s)", get(meta, "duration_s"));
	raw(w, "</table>");
	if (cJSON_GetArraySize(obs)) {
		raw(w, "<h4>Observations</h4><ul>");
		cJSON_ArrayForEach(o, obs) {
			const char *sev = sv(o, "severity") ? sv(o, "severity") : "info";

			raw(w, strcmp(sev, "warning") == 0 ? "<li class=\"obs-warning\">"
							   : "<li class=\"obs-info\">");
			raw(w, "<b>");
			esc(w, sev);
			raw(w, "</b> <code>");
			esc(w, sv(o, "code"));
			raw(w, "</code> ");
			esc(w, sv(o, "message"));
			raw(w, "</li>");
		}
		raw(w, "</ul>");
	}
}

static void record_block(struct w *w, const cJSON *rec, const cJSON *item)
{
	const cJSON *src = get(rec, "source"), *geo = get(rec, "geolocation");
	const cJSON *chr = get(rec, "chronolocation"), *cor = get(rec, "corroboration"), *t;
	char buf[200];

	raw(w, "<h4>Verification record</h4><table class=\"kv\"><tr><th>Status</th><td>");
	status_span(w, sv(rec, "status"));
	raw(w, "</td></tr>");
	kv_row(w, "Confidence", sv(rec, "confidence"));
	kv_row(w, "Analyst", sv(rec, "analyst"));
	kv_row(w, "Filmed or posted by", sv(src, "who"));
	kv_row(w, "Where it was found", sv(src, "where"));
	kv_row(w, "Earliest known upload", sv(src, "earliest_upload"));
	if (!isnan(nv(geo, "lat"))) {
		snprintf(buf, sizeof(buf), "%.6f, %.6f", nv(geo, "lat"), nv(geo, "lon"));
		kv_row(w, "Geolocation", buf);
	} else {
		kv_row(w, "Geolocation", NULL);
	}
	kv_row(w, "Geolocation method", sv(geo, "method"));
	kv_row(w, "Place", sv(geo, "place"));
	if (sv(chr, "utc") && sv(chr, "end_utc"))
		snprintf(buf, sizeof(buf), "%s to %s", sv(chr, "utc"), sv(chr, "end_utc"));
	else
		snprintf(buf, sizeof(buf), "%s", sv(chr, "utc") ? sv(chr, "utc") : "");
	kv_row(w, "Chronolocation (UTC)", buf);
	kv_row(w, "Chronolocation method", sv(chr, "method"));
	kv_row(w, "Corroboration", sv(cor, "text"));
	raw(w, "<tr><th>Corroborating items</th><td>");
	render_array(w, get(cor, "items"), 0);
	raw(w, "</td></tr>");
	if (cJSON_IsObject(get(rec, "last_change"))) {
		snprintf(buf, sizeof(buf), "%s by ", sv(get(rec, "last_change"), "time_utc"));
		raw(w, "<tr><th>Last change</th><td>");
		esc(w, buf);
		esc(w, sv(get(rec, "last_change"), "actor"));
		raw(w, "</td></tr>");
	}
	raw(w, "</table>");
	if (cJSON_GetArraySize(get(item, "tags"))) {
		raw(w, "<h4>Tags</h4><p>");
		cJSON_ArrayForEach(t, get(item, "tags")) {
			raw(w, cJSON_IsTrue(get(t, "controlled")) ? "<span class=\"pill\">"
								  : "<span class=\"pill free\">");
			esc(w, sv(t, "tag"));
			raw(w, "</span>");
		}
		raw(w, "</p>");
	}
}

static void item_card(struct w *w, const cJSON *it)
{
	const cJSON *f, *plots = get(get(it, "derived"), "plots"), *p;
	const cJSON *rec = get(it, "record");
	char buf[200];

	raw(w, "<div class=\"card\">");
	rawf(w, "<h3 id=\"item-%d\"><span class=\"id\">Item %d</span> &middot; ", (int)nv(it, "item"),
	     (int)nv(it, "item"));
	esc(w, sv(it, "name"));
	raw(w, " ");
	status_span(w, sv(rec, "status"));
	raw(w, "</h3>");
	strip(w, get(get(it, "derived"), "keyframes"), sv(it, "name"));
	raw(w, "<table class=\"kv\"><tr><th>SHA-256</th><td class=\"mono\">");
	esc(w, sv(it, "sha256"));
	raw(w, "</td></tr>");
	snprintf(buf, sizeof(buf), "%.0f bytes", nv(it, "size"));
	kv_row(w, "Size", buf);
	kv_row(w, "Media type", sv(it, "media_type"));
	kv_row(w, "Added to the case (UTC)", sv(it, "added_utc"));
	raw(w, "<tr><th>Acquisitions</th><td>");
	render_array(w, get(it, "acquisitions"), 1);
	raw(w, "</td></tr></table>");
	cJSON_ArrayForEach(f, get(it, "findings")) {
		const char *an = sv(f, "analyser") ? sv(f, "analyser") : "";
		char *params = cJSON_PrintUnformatted(get(f, "params"));

		raw(w, "<div class=\"finding\"><h4>");
		esc(w, an);
		raw(w, " <small>version ");
		esc(w, sv(f, "version"));
		raw(w, ", params <code>");
		esc(w, params ? params : "");
		raw(w, "</code>, ");
		esc(w, sv(f, "status"));
		if (!isnan(nv(f, "confidence"))) {
			snprintf(buf, sizeof(buf), ", confidence %.2f", nv(f, "confidence"));
			esc(w, buf);
		}
		raw(w, ", ");
		esc(w, sv(f, "created_utc"));
		raw(w, "</small></h4>");
		cJSON_free(params);
		if (strcmp(an, "metadata") == 0)
			metadata_block(w, get(f, "result"));
		else
			render(w, get(f, "result"), 0);
		raw(w, "</div>");
	}
	if (cJSON_GetArraySize(plots)) {
		raw(w, "<h4>Plots</h4>");
		cJSON_ArrayForEach(p, plots)
			if (cJSON_IsString(p))
				image(w, p->valuestring, p->valuestring, "plot");
	}
	record_block(w, rec, it);
	notes(w, get(it, "notes"));
	raw(w, "</div>");
}

static void section_custody(struct w *w, const cJSON *doc)
{
	const cJSON *e;

	raw(w, "<h2 id=\"custody\">Chain of custody</h2><p class=\"sub\">The entries of the "
	       "case's custody log about the items and incidents in this report.  Each entry is "
	       "hash-chained to the previous one and signed with the case's Ed25519 key; the "
	       "full log is in the archival export.</p>");
	if (!cJSON_GetArraySize(get(doc, "custody"))) {
		raw(w, "<p>No entries.</p>");
		return;
	}
	raw(w, "<table class=\"data\"><tr><th>#</th><th>Time (UTC)</th><th>Actor</th>"
	       "<th>Action</th><th>Item</th><th>Details</th><th>Hash</th></tr>");
	cJSON_ArrayForEach(e, get(doc, "custody")) {
		char item[16] = "", hash[20] = "";

		snprintf(item, sizeof(item), "%.12s", sv(e, "item") ? sv(e, "item") : "");
		snprintf(hash, sizeof(hash), "%.16s", sv(e, "hash") ? sv(e, "hash") : "");
		raw(w, "<tr>");
		td_value(w, get(e, "seq"), 20);
		el(w, "td", sv(e, "time"));
		el(w, "td", sv(e, "actor"));
		el(w, "td", sv(e, "action"));
		el(w, "td class=\"mono\"", item);
		raw(w, "<td><code>");
		{
			char buf[300];

			value_text(get(e, "details"), buf, sizeof(buf), 220);
			esc(w, buf);
		}
		raw(w, "</code></td>");
		el(w, "td class=\"mono\"", hash);
		raw(w, "</tr>");
	}
	raw(w, "</table>");
}

static void section_methods(struct w *w, const cJSON *doc)
{
	const cJSON *m, *cs = get(doc, "case");

	raw(w, "<h2 id=\"methodology\">Methodology</h2>"
	       "<p>Every file was preserved as an evidentiary copy named by its SHA-256, made "
	       "read-only and never modified; analyses read that copy and store their results "
	       "as findings that name the analyser, its version and its parameters.  Every "
	       "acquisition, analysis, change of a verification record, tag, note and export "
	       "is an entry in an append-only custody log, hash-chained and signed with the "
	       "case's Ed25519 key, which anyone can check with the public key below.  "
	       "Findings are measurements, not verdicts: each says what was measured and "
	       "how.</p>");
	if (!cJSON_GetArraySize(get(doc, "methods"))) {
		raw(w, "<p>No analyses in the scope of this report.</p>");
	} else {
		raw(w, "<table class=\"data\"><tr><th>Analyser</th><th>Version</th>"
		       "<th>Parameters</th><th>Items</th><th>Method</th></tr>");
		cJSON_ArrayForEach(m, get(doc, "methods")) {
			raw(w, "<tr>");
			el(w, "td", sv(m, "analyser"));
			el(w, "td", sv(m, "version"));
			td_value(w, get(m, "params"), 300);
			td_value(w, get(m, "items"), 20);
			el(w, "td", sv(m, "description"));
			raw(w, "</tr>");
		}
		raw(w, "</table>");
	}
	raw(w, "<table class=\"kv\">");
	kv_row(w, "Tool", sv(doc, "tool"));
	kv_row(w, "Case", sv(cs, "id"));
	raw(w, "<tr><th>Case public key (Ed25519)</th><td class=\"mono\">");
	esc(w, sv(cs, "public_key"));
	raw(w, "</td></tr><tr><th>Custody log head</th><td class=\"mono\">");
	esc(w, sv(cs, "custody_head"));
	raw(w, "</td></tr>");
	kv_row_num(w, "Custody entries", get(cs, "entries"));
	kv_row(w, "Report generated (UTC)", sv(doc, "generated_utc"));
	raw(w, "</table>");
}

int tg_html_report(const cJSON *doc, const struct tg_html_opts *o, struct tg_dynbuf *b)
{
	struct w w = { b, 0, o ? o->base_dir : NULL, 0, 0 };
	const cJSON *scope = get(doc, "scope"), *it, *inc;
	char title[600];

	if (o && o->title) {
		snprintf(title, sizeof(title), "%s", o->title);
	} else if (cJSON_IsNumber(get(scope, "incident")) &&
		   (inc = cJSON_GetArrayItem(get(doc, "incidents"), 0))) {
		snprintf(title, sizeof(title), "Incident %d: %s", (int)nv(inc, "incident"),
			 sv(inc, "title") ? sv(inc, "title") : "");
	} else {
		snprintf(title, sizeof(title), "Case %s", sv(get(doc, "case"), "id") ?
			 sv(get(doc, "case"), "id") : "");
	}
	raw(&w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"img-src data:; style-src 'unsafe-inline'\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<meta name=\"generator\" content=\"");
	esc(&w, sv(doc, "tool"));
	raw(&w, "\"><title>Verification report &ndash; ");
	esc(&w, title);
	raw(&w, "</title><style>");
	raw(&w, css);
	raw(&w, "</style></head><body>\n<h1>Verification report &ndash; ");
	esc(&w, title);
	raw(&w, "</h1><p class=\"sub\">Generated ");
	esc(&w, sv(doc, "generated_utc"));
	raw(&w, " by ");
	esc(&w, sv(doc, "tool"));
	raw(&w, " &middot; case key <span class=\"mono\">");
	{
		char k[20];

		snprintf(k, sizeof(k), "%.16s", sv(get(doc, "case"), "public_key") ?
			 sv(get(doc, "case"), "public_key") : "");
		esc(&w, k);
	}
	raw(&w, "&hellip;</span></p>\n");
	section_summary(&w, doc);
	section_incidents(&w, doc);
	section_timeline(&w, doc);
	raw(&w, "<h2 id=\"items\">Items</h2>");
	if (!cJSON_GetArraySize(get(doc, "items")))
		raw(&w, "<p>No items.</p>");
	cJSON_ArrayForEach(it, get(doc, "items"))
		item_card(&w, it);
	section_custody(&w, doc);
	section_methods(&w, doc);
	if (w.img_skipped)
		rawf(&w, "<p class=\"more\">%d image(s) were not embedded (unreadable, not JPEG/PNG, "
			 "or over the size limits).</p>", w.img_skipped);
	raw(&w, "<footer>This report is self-contained: it loads nothing from the network.  "
		"The archival package (<code>testigo export --bagit</code>) holds the evidentiary "
		"copies, the catalog records and the full custody log.</footer>\n</body></html>\n");
	if (w.err)
		return tg_error(w.err, "the report is too large to build (%s)", tg_strerror(w.err));
	return 0;
}
