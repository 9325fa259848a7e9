/*
 * html.h - the verification report as one self-contained HTML file.
 *
 * Input is the document of lib/case/export.h (the case layer gathers it;
 * this writer never touches the catalog).  Output is one HTML5 page that
 * opens offline in any browser and prints cleanly to PDF:
 *
 *   - inline CSS only, with print rules (A4 margins, cards kept whole where
 *     they fit, colours kept), no scripts, no external references;
 *   - images (keyframes, plots) embedded as data: URIs, after checking
 *     their magic bytes (JPEG or PNG) and size (4 MiB each, 48 MiB in all;
 *     past that the report says what was left out);
 *   - a Content-Security-Policy meta tag (default-src 'none'; images from
 *     data: only) so that even a mistake in escaping could not load or run
 *     anything;
 *   - every string from the case (file names, metadata, notes, custody
 *     details) goes through tg_html_escape(): metadata is hostile input.
 *
 * Sections: summary, incidents, timeline (inline SVG and a table), one card
 * per item (keyframe strip, metadata and observations, SHA-256, every
 * finding rendered generically from its result, plots, verification
 * record, tags, notes), custody log, methodology.
 */
#ifndef TG_HTML_H
#define TG_HTML_H

#include "util/dynbuf.h"

struct cJSON;

struct tg_html_opts {
	const char *base_dir;	/* folder the document's derived/ paths are relative to */
	const char *title;	/* NULL: from the scope */
};

/*
 * Append s to b with & < > " ' escaped and control characters other than
 * tab and newline replaced by U+FFFD.  Returns 0 or the dynbuf's error.
 */
int tg_html_escape(struct tg_dynbuf *b, const char *s);

/* Render the report into b (which should have a generous cap). */
int tg_html_report(const struct cJSON *doc, const struct tg_html_opts *o, struct tg_dynbuf *b);

#endif
