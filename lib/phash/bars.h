/*
 * bars.h - find black bars (letterbox, pillarbox, windowbox) around a frame.
 *
 * Re-uploads often add bars: a 4:3 clip pillarboxed into 16:9, a portrait
 * phone video padded to landscape, a film letterboxed.  PDQ sees the bars
 * as image content, so a padded copy hashes far from the original.  Bars
 * are found per frame, from the outside in: a row (column) is a bar while
 * its luma is dark and flat (mean <= 32, and no sampled pixel above 56,
 * which tolerates compression ringing at the bar's edge).  The box is
 * kept only when it removes at least 2% of a side and leaves at least a
 * third of each side, so dark scenes are not cropped to nothing.
 */
#ifndef TG_PHASH_BARS_H
#define TG_PHASH_BARS_H

#include <stddef.h>
#include <stdint.h>

struct tg_bars_box {
	int x, y, width, height;	/* the picture inside the bars */
};

/* 1 and *box when there are bars, 0 when the frame has none. */
int tg_bars_detect(const uint8_t *rgb, int width, int height, size_t stride,
		   struct tg_bars_box *box);
/* The same on an 8-bit grey picture (full range luma). */
int tg_bars_detect_gray(const uint8_t *y, int width, int height, size_t stride,
			struct tg_bars_box *box);

#endif
