/* escpos/bitmap.c - 1-bit images. */
#include "escpos/bitmap.h"

#include <stdlib.h>
#include <string.h>

bool bitmap_init(bitmap_t *b, int w, int h)
{
    memset(b, 0, sizeof *b);
    if (w <= 0 || h < 0 || w > 65535 || h > 1000000)
        return false;
    b->w = w;
    b->stride = (w + 7) / 8;
    if (!bitmap_grow(b, h > 0 ? h : 1))
        return false;
    b->h = h;
    return true;
}

bool bitmap_grow(bitmap_t *b, int h)
{
    if (h <= b->h)
        return true;
    if (h > 1000000)
        return false;
    uint8_t *p = realloc(b->bits, (size_t)h * (size_t)b->stride);
    if (!p)
        return false;
    memset(p + (size_t)b->h * (size_t)b->stride, 0, (size_t)(h - b->h) * (size_t)b->stride);
    b->bits = p;
    b->h = h;
    return true;
}

void bitmap_free(bitmap_t *b)
{
    free(b->bits);
    memset(b, 0, sizeof *b);
}

bool bitmap_get(const bitmap_t *b, int x, int y)
{
    if (x < 0 || y < 0 || x >= b->w || y >= b->h)
        return false;
    return (b->bits[(size_t)y * (size_t)b->stride + (size_t)(x >> 3)] >> (7 - (x & 7))) & 1;
}

void bitmap_set(bitmap_t *b, int x, int y, bool black)
{
    if (x < 0 || y < 0 || x >= b->w || y >= b->h)
        return;
    uint8_t *p = &b->bits[(size_t)y * (size_t)b->stride + (size_t)(x >> 3)];
    uint8_t m = (uint8_t)(0x80 >> (x & 7));
    *p = black ? (uint8_t)(*p | m) : (uint8_t)(*p & ~m);
}

void bitmap_fill(bitmap_t *b, int x, int y, int w, int h, bool black)
{
    for (int yy = y < 0 ? 0 : y; yy < y + h && yy < b->h; yy++)
        for (int xx = x < 0 ? 0 : x; xx < x + w && xx < b->w; xx++)
            bitmap_set(b, xx, yy, black);
}

bool bitmap_rows_blank(const bitmap_t *b, int y, int n)
{
    for (int yy = y; yy < y + n && yy < b->h; yy++) {
        const uint8_t *r = b->bits + (size_t)yy * (size_t)b->stride;
        for (int i = 0; i < b->stride; i++)
            if (r[i])
                return false;
    }
    return true;
}
