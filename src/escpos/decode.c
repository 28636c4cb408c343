/* escpos/decode.c - the ESC/POS decoder: a byte stream drawn onto a 1-bit page. */
#include "escpos/decode.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#define LF              0x0A
#define CR              0x0D
#define DLE             0x10
#define EOT             0x04
#define ESC             0x1B
#define FS              0x1C
#define GS              0x1D

#define DEFAULT_WIDTH   384 /* 58 mm paper at 203 dpi */
#define DEFAULT_SPACING 30  /* ESC 2: 1/6 inch at 180 dpi, what most firmwares use */
#define QR_QUIET        4   /* modules of white around a QR code, as the standard asks */
#define CUT_DASH        8   /* dots on, dots off, of the cut line */

typedef struct {
    const uint8_t *p; /* the stream */
    size_t len;
    size_t pos;     /* offset of the command being decoded: every message names it */
    bitmap_t *page; /* NULL while measuring the widest raster: nothing is drawn */
    int width;      /* of the paper, in dots */
    int y;          /* the print position: row of the next band */
    int used;       /* rows the paper has moved or been drawn on: the page's final height */
    int spacing;    /* line spacing in dots (ESC 2 / ESC 3) */
    int justify;    /* 0 left, 1 centre, 2 right */
    int widest;     /* widest band seen (drawn width) */
    struct {
        const uint8_t *data; /* points into the stream, which outlives the decode */
        size_t len;
        bool stored;
        int module;     /* dots per module */
        int level;      /* QR_ECLEVEL_L .. QR_ECLEVEL_H */
        QRcode *symbol; /* data at level, once printed: a stream of repeated prints (a fuzzer
                           finds them) would otherwise re-encode a version 40 code each time */
    } qr;
    escpos_decode_info_t *info;
    char *err;
    size_t errcap;
} dec_t;

__attribute__((format(printf, 2, 3))) static int fail(dec_t *d, const char *fmt, ...)
{
    if (!d->err || d->errcap == 0)
        return -1;
    int n = snprintf(d->err, d->errcap, "offset %zu: ", d->pos);
    if (n >= 0 && (size_t)n < d->errcap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err + n, d->errcap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static size_t remain(const dec_t *d)
{
    return d->len - d->pos;
}

/* A command of n bytes must be complete: a truncated one is what a cut-off USB transfer
 * leaves, and the printer would take the next job's bytes as its arguments. */
static int need(dec_t *d, size_t n, const char *cmd)
{
    if (remain(d) >= n)
        return 0;
    return fail(d, "%s: truncated (needs %zu bytes, %zu remain)", cmd, n, remain(d));
}

static uint8_t arg(const dec_t *d, size_t i)
{
    return d->p[d->pos + i];
}

/* The paper has reached row `rows`: check the length limit and make room. Rows are added in
 * doubling steps: bitmap_grow reallocates, and a receipt arrives a band at a time. */
static int reach(dec_t *d, long rows, const char *cmd)
{
    if (rows > ESCPOS_DECODE_MAX_ROWS)
        return fail(d, "%s: page too long (more than %d dots)", cmd, ESCPOS_DECODE_MAX_ROWS);
    if (d->page && rows > d->page->h) {
        long cap = (long)d->page->h * 2;
        cap = cap < rows ? rows : (cap > ESCPOS_DECODE_MAX_ROWS ? ESCPOS_DECODE_MAX_ROWS : cap);
        if (!bitmap_grow(d->page, (int)cap))
            return fail(d, "%s: out of memory for a page of %ld rows", cmd, cap);
    }
    if (rows > d->used)
        d->used = (int)rows;
    return 0;
}

static int feed(dec_t *d, long dots, const char *cmd)
{
    if (reach(d, d->y + dots, cmd) < 0)
        return -1;
    d->y += (int)dots;
    d->info->feeds_dots += (int)dots;
    return 0;
}

/* One black dot of a band, scaled to sx by sy dots. */
static void plot(bitmap_t *pg, int x, int y, int sx, int sy)
{
    for (int j = 0; j < sy; j++)
        for (int i = 0; i < sx; i++)
            bitmap_set(pg, x + i, y + j, true);
}

static void draw_band(dec_t *d, const uint8_t *bits, int x, int y, int sx, int sy)
{
    int w = x * 8 * sx;
    int x0 = d->justify == 1 ? (d->width - w) / 2 : (d->justify == 2 ? d->width - w : 0);
    for (int r = 0; r < y; r++)
        for (int c = 0; c < x; c++) {
            uint8_t b = bits[(size_t)r * (size_t)x + (size_t)c];
            for (int k = 0; b && k < 8; k++)
                if (b & (0x80 >> k))
                    plot(d->page, x0 + (c * 8 + k) * sx, d->y + r * sy, sx, sy);
        }
}

/* GS v 0 m xL xH yL yH d1..dk: k = x * y exactly, x bytes (8x dots) per row, y rows. */
static int raster(dec_t *d, size_t *n)
{
    if (remain(d) < 8)
        return fail(d, "GS v 0: truncated header (needs 8 bytes, %zu remain)", remain(d));
    int m = arg(d, 3);
    int x = arg(d, 4) | arg(d, 5) << 8;
    int y = arg(d, 6) | arg(d, 7) << 8;
    if (m > 3)
        return fail(d, "GS v 0: mode m = %d (must be 0..3)", m);
    if (x == 0 || y == 0)
        return fail(d, "GS v 0: empty raster %dx%d", x, y);
    size_t k = (size_t)x * (size_t)y;
    if (k > remain(d) - 8)
        return fail(d, "GS v 0: header says %dx%d = %zu bytes but only %zu remain", x, y, k,
                    remain(d) - 8);
    int sx = (m & 1) ? 2 : 1, sy = (m & 2) ? 2 : 1;
    int w = x * 8 * sx;
    if (d->page && w > d->width)
        return fail(d, "GS v 0: raster %d dots wide is wider than the paper (%d dots)", w,
                    d->width);
    if (reach(d, d->y + (long)y * sy, "GS v 0") < 0)
        return -1;
    if (d->page)
        draw_band(d, d->p + d->pos + 8, x, y, sx, sy);
    d->y += y * sy;
    d->widest = w > d->widest ? w : d->widest;
    d->info->bands++;
    d->info->max_raster_width = d->widest;
    *n = 8 + k;
    return 0;
}

/* The cut: nothing moves, but the preview shows where the knife went. */
static int cut(dec_t *d, const char *cmd)
{
    if (reach(d, d->y + 1L, cmd) < 0)
        return -1;
    if (d->page)
        for (int x = 0; x < d->width; x++)
            bitmap_set(d->page, x, d->y, (x / CUT_DASH) % 2 == 0);
    d->info->cuts++;
    return 0;
}

/* GS V m, or GS V 65/66 n (feed n dots, then cut). */
static int gs_v(dec_t *d, size_t *n)
{
    if (need(d, 3, "GS V") < 0)
        return -1;
    int m = arg(d, 2);
    if (m == 0 || m == 1 || m == 48 || m == 49) {
        *n = 3;
        return cut(d, "GS V");
    }
    if (m != 65 && m != 66)
        return fail(d, "unknown command GS V %d (1D 56 %02X)", m, (unsigned)m);
    if (need(d, 4, "GS V") < 0 || feed(d, arg(d, 3), "GS V") < 0)
        return -1;
    *n = 4;
    return cut(d, "GS V");
}

static void record_qr(dec_t *d)
{
    escpos_decode_info_t *in = d->info;
    if (in->qr_count < 4) {
        size_t n = d->qr.len < sizeof in->qr_payload[0] ? d->qr.len : sizeof in->qr_payload[0] - 1;
        memcpy(in->qr_payload[in->qr_count], d->qr.data, n);
        in->qr_payload[in->qr_count][n] = '\0';
    }
    in->qr_count++;
}

static int draw_qr(dec_t *d, const QRcode *q)
{
    int s = d->qr.module, side = (q->width + 2 * QR_QUIET) * s;
    if (side > d->width)
        return fail(d, "GS ( k print: QR code %d dots wide is wider than the paper (%d dots)", side,
                    d->width);
    if (reach(d, d->y + (long)side, "GS ( k print") < 0)
        return -1;
    int x0 = (d->width - side) / 2 + QR_QUIET * s, y0 = d->y + QR_QUIET * s;
    for (int j = 0; j < q->width; j++)
        for (int i = 0; i < q->width; i++)
            if (q->data[j * q->width + i] & 1)
                bitmap_fill(d->page, x0 + i * s, y0 + j * s, s, s, true);
    d->y += side;
    return 0;
}

/* fn 81: the stored data drawn as the printer's firmware would, re-encoded by libqrencode.
 * Not drawn while measuring: QR codes do not set the automatic paper width. */
static int qr_print(dec_t *d)
{
    if (!d->qr.stored || d->qr.len == 0)
        return fail(d, "GS ( k print: no QR data stored");
    if (memchr(d->qr.data, 0, d->qr.len))
        return fail(d, "GS ( k print: QR data contains a NUL byte");
    if (!d->page)
        return 0;
    if (!d->qr.symbol) {
        char *s = malloc(d->qr.len + 1);
        if (!s)
            return fail(d, "GS ( k print: out of memory");
        memcpy(s, d->qr.data, d->qr.len);
        s[d->qr.len] = '\0';
        d->qr.symbol = QRcode_encodeString(s, 0, (QRecLevel)d->qr.level, QR_MODE_8, 1);
        free(s);
    }
    if (!d->qr.symbol)
        return fail(d, "GS ( k print: %zu bytes do not fit a QR code at this EC level", d->qr.len);
    if (draw_qr(d, d->qr.symbol) < 0)
        return -1;
    record_qr(d);
    return 0;
}

static void forget_symbol(dec_t *d)
{
    QRcode_free(d->qr.symbol);
    d->qr.symbol = NULL;
}

/* One QR function; a = its parameters after cn fn, k = pL + 256 pH (counting cn and fn). */
static int qr_function(dec_t *d, int fn, const uint8_t *a, size_t k)
{
    size_t want = fn == 65 ? 4 : 3;
    if (fn != 65 && fn != 67 && fn != 69 && fn != 80 && fn != 81)
        return fail(d, "unknown command GS ( k fn %d (1D 28 6B .. .. 31 %02X)", fn, (unsigned)fn);
    if (fn == 80 ? k < want : k != want)
        return fail(d, "GS ( k fn %d: length %zu, expected %s%zu", fn, k, fn == 80 ? ">= " : "",
                    want);
    switch (fn) {
    case 65: /* libqrencode makes model 2 symbols only: drawing another would mislead */
        if (a[0] != 50 || a[1] != 0)
            return fail(d, "GS ( k fn 65: QR model %d %d unsupported (only 50 0, model 2)", a[0],
                        a[1]);
        return 0;
    case 67:
        if (a[0] < 1 || a[0] > 16)
            return fail(d, "GS ( k fn 67: module size %d (must be 1..16)", a[0]);
        d->qr.module = a[0];
        return 0;
    case 69:
        if (a[0] < 48 || a[0] > 51)
            return fail(d, "GS ( k fn 69: error correction %d (must be 48..51)", a[0]);
        d->qr.level = a[0] - 48;
        forget_symbol(d);
        return 0;
    case 80:
        if (a[0] != 48)
            return fail(d, "GS ( k fn 80: m = %d (must be 48)", a[0]);
        d->qr.data = a + 1;
        d->qr.len = k - 3;
        d->qr.stored = true;
        forget_symbol(d);
        return 0;
    default:
        if (a[0] != 48)
            return fail(d, "GS ( k fn 81: m = %d (must be 48)", a[0]);
        return qr_print(d);
    }
}

/* GS ( k pL pH cn fn ...: 2D codes; only QR (cn 49). */
static int gs_paren_k(dec_t *d, size_t *n)
{
    if (need(d, 7, "GS ( k") < 0)
        return -1;
    size_t k = (size_t)arg(d, 3) | (size_t)arg(d, 4) << 8;
    if (k < 2)
        return fail(d, "GS ( k: length %zu, too short for cn and fn", k);
    if (k > remain(d) - 5)
        return fail(d, "GS ( k: length %zu but only %zu bytes remain", k, remain(d) - 5);
    if (arg(d, 5) != 0x31)
        return fail(d, "unknown command GS ( k cn %d (only 49, QR)", arg(d, 5));
    *n = 5 + k;
    return qr_function(d, arg(d, 6), d->p + d->pos + 7, k);
}

static int gs(dec_t *d, size_t *n)
{
    if (need(d, 2, "GS") < 0)
        return -1;
    switch (arg(d, 1)) {
    case 'v':
        if (need(d, 3, "GS v") < 0)
            return -1;
        if (arg(d, 2) != '0')
            break;
        return raster(d, n);
    case '(':
        if (need(d, 3, "GS (") < 0)
            return -1;
        if (arg(d, 2) != 'k')
            break;
        return gs_paren_k(d, n);
    case 'V':
        return gs_v(d, n);
    case '!':
        *n = 3;
        return need(d, 3, "GS !");
    default:
        return fail(d, "unknown command GS %02X (1D %02X)", arg(d, 1), arg(d, 1));
    }
    return fail(d, "unknown command GS %c %02X (1D %02X %02X)", arg(d, 1), arg(d, 2), arg(d, 1),
                arg(d, 2));
}

static int justification(dec_t *d)
{
    int a = arg(d, 2);
    if (a >= 48)
        a -= 48;
    if (a > 2)
        return fail(d, "ESC a: justification %d (must be 0..2 or 48..50)", arg(d, 2));
    d->justify = a;
    return 0;
}

/* ESC c ...: commands of one argument byte, except ESC @ and ESC 2. */
static int esc_arg(dec_t *d, uint8_t c)
{
    switch (c) {
    case 'J':
        return feed(d, arg(d, 2), "ESC J");
    case 'd':
        return feed(d, (long)arg(d, 2) * d->spacing, "ESC d");
    case '3':
        d->spacing = arg(d, 2);
        return 0;
    case 'a':
        return justification(d);
    default: /* ESC ! and ESC E: text modes, and no text is drawn */
        return 0;
    }
}

static int esc(dec_t *d, size_t *n)
{
    if (need(d, 2, "ESC") < 0)
        return -1;
    uint8_t c = arg(d, 1);
    *n = 2;
    switch (c) {
    case '@': /* the state a job starts from; stored QR settings are not part of it */
        d->spacing = DEFAULT_SPACING;
        d->justify = 0;
        return 0;
    case '2':
        d->spacing = DEFAULT_SPACING;
        return 0;
    case 'J':
    case 'd':
    case '3':
    case 'a':
    case '!':
    case 'E': {
        char name[8];
        snprintf(name, sizeof name, "ESC %c", c);
        *n = 3;
        return need(d, 3, name) < 0 ? -1 : esc_arg(d, c);
    }
    default:
        return fail(d, "unknown command ESC %02X (1B %02X)", c, c);
    }
}

/* DLE EOT n: a real-time status request. The printer answers, the paper does not move. */
static int dle(dec_t *d, size_t *n)
{
    if (need(d, 2, "DLE") < 0)
        return -1;
    if (arg(d, 1) != EOT)
        return fail(d, "unknown command DLE %02X (10 %02X)", arg(d, 1), arg(d, 1));
    if (need(d, 3, "DLE EOT") < 0)
        return -1;
    if (arg(d, 2) < 1 || arg(d, 2) > 4)
        return fail(d, "DLE EOT: status %d (must be 1..4)", arg(d, 2));
    d->info->status_requests++;
    *n = 3;
    return 0;
}

/* One command at d->pos; *n = its length (always >= 1 on success). */
static int step(dec_t *d, size_t *n)
{
    uint8_t c = arg(d, 0);
    *n = 1;
    switch (c) {
    case ESC:
        return esc(d, n);
    case GS:
        return gs(d, n);
    case DLE:
        return dle(d, n);
    case LF:
        return feed(d, d->spacing, "LF");
    case CR:
        return 0;
    case FS: /* FS commands (Kanji, NV images): none belongs in our receipts */
        if (need(d, 2, "FS") < 0)
            return -1;
        return fail(d, "unknown command FS %02X (1C %02X)", arg(d, 1), arg(d, 1));
    default:
        break;
    }
    if (c < 0x20 || c == 0x7F)
        return fail(d, "unknown control byte %02X", c);
    d->info->text_bytes++;
    return 0;
}

static int run(dec_t *d)
{
    while (d->pos < d->len) {
        size_t n = 0;
        if (step(d, &n) < 0)
            return -1;
        d->pos += n;
    }
    return 0;
}

static void start(dec_t *d, const uint8_t *data, size_t len, escpos_decode_info_t *info)
{
    memset(d, 0, sizeof *d);
    memset(info, 0, sizeof *info);
    d->p = data;
    d->len = data ? len : 0;
    d->spacing = DEFAULT_SPACING;
    d->qr.module = 3; /* the printers' defaults, as after power-on */
    d->qr.level = QR_ECLEVEL_L;
    d->info = info;
}

/* The automatic paper width: one pass that only measures. Its errors are ignored; the
 * drawing pass meets them again at the same offset. */
static int widest_raster(const uint8_t *data, size_t len)
{
    dec_t d;
    escpos_decode_info_t scratch;
    start(&d, data, len, &scratch);
    run(&d);
    return d.widest;
}

int escpos_decode(const uint8_t *data, size_t len, int width_dots, bitmap_t *page,
                  escpos_decode_info_t *info, char *err, size_t errcap)
{
    escpos_decode_info_t local;
    dec_t d;
    start(&d, data, len, info ? info : &local);
    d.err = err;
    d.errcap = errcap;
    if (err && errcap)
        err[0] = '\0';
    int w = width_dots;
    if (w <= 0) {
        w = widest_raster(d.p, d.len);
        w = w == 0 ? DEFAULT_WIDTH : (w > ESCPOS_DECODE_MAX_WIDTH ? ESCPOS_DECODE_MAX_WIDTH : w);
    }
    if (w > ESCPOS_DECODE_MAX_WIDTH) {
        memset(page, 0, sizeof *page); /* still safe to bitmap_free */
        return fail(&d, "paper width %d dots is out of range (1..%d)", w, ESCPOS_DECODE_MAX_WIDTH);
    }
    if (!bitmap_init(page, w, 0))
        return fail(&d, "out of memory for a page %d dots wide", w);
    d.page = page;
    d.width = w;
    int rc = run(&d);
    forget_symbol(&d);
    page->h = d.used; /* rows beyond were only reserved */
    return rc;
}
