#include "cli/progress.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/isotime.h"

void tg_progress_init(struct tg_progress *p, const char *label, unsigned long long grand_total)
{
	memset(p, 0, sizeof(*p));
	p->enabled = tg_cli_interactive();
	p->start = tg_isotime_now();
	p->grand_total = grand_total;
	snprintf(p->label, sizeof(p->label), "%s", label);
}

static void draw(struct tg_progress *p, unsigned long long done, unsigned long long total)
{
	enum { WIDTH = 30 };
	double frac = total ? (double)done / (double)total : 1.0, secs;
	char bar[WIDTH + 1];
	int fill;

	if (frac > 1)
		frac = 1;
	fill = (int)(frac * WIDTH);
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(WIDTH - fill));
	bar[WIDTH] = '\0';
	secs = tg_isotime_now() - p->start;
	fprintf(stderr, "\r%-20.20s [%s] %3.0f%% %7.1f MiB %6.1f MiB/s", p->label, bar, frac * 100,
		done / 1048576.0, secs > 0 ? done / 1048576.0 / secs : 0.0);
	fflush(stderr);
}

void tg_progress_update(void *user, unsigned long long done, unsigned long long total)
{
	struct tg_progress *p = user;
	double now;

	if (!p->enabled)
		return;
	now = tg_isotime_now();
	/* nothing for quick jobs; then at most ten redraws a second */
	if (now - p->start < 0.5 || now - p->last_draw < 0.1)
		return;
	p->last_draw = now;
	if (p->grand_total)
		draw(p, p->base + done, p->grand_total);
	else
		draw(p, done, total);
}

void tg_progress_advance(struct tg_progress *p, unsigned long long bytes)
{
	p->base += bytes;
}

void tg_progress_done(struct tg_progress *p)
{
	if (p->enabled && p->last_draw > 0) {
		fprintf(stderr, "\r%78s\r", "");
		fflush(stderr);
	}
	p->last_draw = 0;
}
