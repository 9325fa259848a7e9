/*
 * progress.h - a progress bar on stderr, only when stderr is a terminal.
 *
 * Redrawn at most ten times a second; cleared by tg_progress_done() so the
 * results printed afterwards start on a clean line.
 */
#ifndef TG_PROGRESS_H
#define TG_PROGRESS_H

struct tg_progress {
	int enabled;
	double last_draw;
	double start;
	char label[64];
	unsigned long long base, grand_total;	/* for several files under one bar */
};

void tg_progress_init(struct tg_progress *p, const char *label, unsigned long long grand_total);
/* done/total of the current piece; the bar shows base + done of grand_total. */
void tg_progress_update(void *p, unsigned long long done, unsigned long long total);
void tg_progress_advance(struct tg_progress *p, unsigned long long bytes);
void tg_progress_done(struct tg_progress *p);

#endif
