/* escpos/escpos.c - the ESC/POS encoder and status parser. */
#include "escpos/escpos.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ESC 0x1B
#define GS  0x1D
#define DLE 0x10
#define EOT 0x04

void escpos_buf_free(escpos_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void escpos_bytes(escpos_buf_t *b, const void *p, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put(escpos_buf_t *b, int n, ...)
{
    uint8_t tmp[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        tmp[i] = (uint8_t)va_arg(ap, int);
    va_end(ap);
    escpos_bytes(b, tmp, (size_t)n);
}

void escpos_init(escpos_buf_t *b)
{
    put(b, 2, ESC, '@');
}

void escpos_feed_dots(escpos_buf_t *b, int n)
{
    for (; n > 0; n -= 255)
        put(b, 3, ESC, 'J', n > 255 ? 255 : n);
}

/* Bytes per row that a band needs: up to its rightmost black byte. A narrower band prints
 * left-aligned with white to its right, which is what the paper had anyway. */
static int used_width(const bitmap_t *img, int y0, int rows)
{
    int x = 1;
    for (int y = y0; y < y0 + rows; y++) {
        const uint8_t *r = img->bits + (size_t)y * (size_t)img->stride;
        for (int i = img->stride - 1; i >= x; i--)
            if (r[i]) {
                x = i + 1;
                break;
            }
    }
    return x;
}

/* One GS v 0 band: the header says x bytes by y rows, and exactly x * y bytes follow. */
static void band(escpos_buf_t *b, const bitmap_t *img, int y0, int rows)
{
    int x = used_width(img, y0, rows);
    put(b, 8, GS, 'v', '0', 0, x & 0xFF, x >> 8, rows & 0xFF, rows >> 8);
    for (int y = y0; y < y0 + rows; y++)
        escpos_bytes(b, img->bits + (size_t)y * (size_t)img->stride, (size_t)x);
}

void escpos_raster(escpos_buf_t *b, const bitmap_t *img, int band_rows)
{
    /* The header holds rows in two bytes: a taller band would lie about its data. */
    band_rows = band_rows < 1 ? 1 : (band_rows > 65535 ? 65535 : band_rows);
    int y = 0;
    while (y < img->h) {
        /* A blank stretch costs 3 bytes per 255 dots as a feed instead of stride bytes a row. */
        int blank = 0;
        while (y + blank < img->h && bitmap_rows_blank(img, y + blank, 1))
            blank++;
        if (blank > 0) {
            escpos_feed_dots(b, blank);
            y += blank;
            continue;
        }
        int rows = 0;
        while (y + rows < img->h && rows < band_rows && !bitmap_rows_blank(img, y + rows, 1))
            rows++;
        band(b, img, y, rows);
        y += rows;
    }
}

void escpos_qr_native(escpos_buf_t *b, const char *payload, int module, char ec)
{
    static const char levels[] = "LMQH";
    const char *lv = strchr(levels, ec);
    int level = lv && ec ? (int)(lv - levels) : 1;
    module = module < 1 ? 1 : (module > 16 ? 16 : module);
    size_t n = strlen(payload);
    if (n > ESCPOS_QR_MAX_BYTES) {
        b->failed = true; /* cut short it would point somewhere else: refuse instead */
        return;
    }
    size_t k = n + 3;
    put(b, 9, GS, '(', 'k', 4, 0, '1', 'A', '2', 0);      /* model 2 */
    put(b, 8, GS, '(', 'k', 3, 0, '1', 'C', module);      /* module size */
    put(b, 8, GS, '(', 'k', 3, 0, '1', 'E', '0' + level); /* error correction */
    put(b, 8, GS, '(', 'k', (int)(k & 0xFF), (int)(k >> 8), '1', 'P', '0');
    escpos_bytes(b, payload, n);                  /* store */
    put(b, 8, GS, '(', 'k', 3, 0, '1', 'Q', '0'); /* print */
}

void escpos_cut(escpos_buf_t *b, int feed_lines, bool partial)
{
    if (feed_lines > 0)
        put(b, 3, ESC, 'd', feed_lines > 255 ? 255 : feed_lines);
    put(b, 3, GS, 'V', partial ? 1 : 0);
}

void escpos_status_request(escpos_buf_t *b, int n)
{
    put(b, 3, DLE, EOT, n);
}

bool escpos_status_parse(int n, uint8_t r, escpos_status_t *st)
{
    /* Every real-time status byte reads 0xx1xx10: anything else is not an answer (a stray
     * byte of an earlier reply, or a printer that echoes). */
    if ((r & 0x93) != 0x12) {
        st->valid = false;
        return false;
    }
    switch (n) {
    case 1:
        st->online = !(r & 0x08);
        break;
    case 2:
        st->cover_open = r & 0x04;
        if (r & 0x20)
            st->paper_out = true;
        st->error = r & 0x40;
        break;
    case 4:
        st->paper_near_end = (r & 0x0C) != 0;
        if (r & 0x60)
            st->paper_out = true;
        break;
    default:
        break;
    }
    return true;
}
