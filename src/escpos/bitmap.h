/*
 * escpos/bitmap.h - a 1-bit image at the printer's dots: what a receipt is composed into,
 * what ESC/POS raster commands carry, and what the decoder draws back.
 * Rows of stride bytes, most significant bit = leftmost dot, 1 = black (ink), as GS v 0.
 */
#ifndef ESCPOS_BITMAP_H
#define ESCPOS_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int w, h;      /* dots */
    int stride;    /* bytes per row: (w + 7) / 8 */
    uint8_t *bits; /* h * stride bytes */
} bitmap_t;

/* A white w x h bitmap; false when out of memory or the size is not positive. */
bool bitmap_init(bitmap_t *b, int w, int h);

/* Make room for at least h rows (new rows white); false when out of memory. */
bool bitmap_grow(bitmap_t *b, int h);

void bitmap_free(bitmap_t *b);

bool bitmap_get(const bitmap_t *b, int x, int y);
void bitmap_set(bitmap_t *b, int x, int y, bool black);

/* Fill a rectangle (clipped to the bitmap). */
void bitmap_fill(bitmap_t *b, int x, int y, int w, int h, bool black);

/* True when rows [y, y+n) have no black dot. */
bool bitmap_rows_blank(const bitmap_t *b, int y, int n);

#endif
