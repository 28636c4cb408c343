/* receipt/receipt.c - composing receipts as 1-bit rasters. */
#include "receipt/receipt.h"

#include <SDL.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#define QR_QUIET    4
#define ALPHA_BLACK 128 /* half coverage or more: a black dot */

bool receipt_builder_begin(receipt_builder_t *b, fonts_t *fonts, int width_dots)
{
    memset(b, 0, sizeof *b);
    b->fonts = fonts;
    b->margin = width_dots >= 500 ? 16 : 8;
    if (!bitmap_init(&b->bmp, width_dots, 0))
        return false;
    return true;
}

/* Make sure rows [y, y + h) exist. */
static bool room(receipt_builder_t *b, int h)
{
    if (b->failed || !bitmap_grow(&b->bmp, b->y + h))
        b->failed = true;
    return !b->failed;
}

/* Copy a white-on-transparent surface into the bitmap as black where it is opaque enough. */
static void threshold(receipt_builder_t *b, const SDL_Surface *s, int x0, int y0)
{
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < s->w; x++)
            if ((row[x] >> 24) >= ALPHA_BLACK)
                bitmap_set(&b->bmp, x0 + x, y0 + y, true);
    }
}

static int aligned_x(const receipt_builder_t *b, int w, text_align_t align)
{
    int inner = b->bmp.w - 2 * b->margin;
    if (align == TEXT_ALIGN_CENTER)
        return b->margin + (inner - w) / 2;
    if (align == TEXT_ALIGN_RIGHT)
        return b->bmp.w - b->margin - w;
    return b->margin;
}

/* Lay out and draw text in a column [x, x + w); returns its height. */
static int draw_text(receipt_builder_t *b, const char *text, int size_px, bool bold, int x, int w,
                     text_align_t align, int max_lines)
{
    text_box_t box = {.style = {.size_px = size_px, .bold = bold},
                      .max_w = w,
                      .max_lines = max_lines,
                      .min_size_px = size_px * 4 / 5};
    text_layout_t l;
    text_layout(b->fonts, text, &box, &l);
    if (!room(b, l.h))
        return 0;
    SDL_Surface *s = text_layout_render(b->fonts, text, &l, align);
    if (!s) {
        b->failed = true;
        return 0;
    }
    int dx = align == TEXT_ALIGN_CENTER ? (w - s->w) / 2 : align == TEXT_ALIGN_RIGHT ? w - s->w : 0;
    threshold(b, s, x + dx, b->y);
    SDL_FreeSurface(s);
    return l.h;
}

void receipt_builder_text(receipt_builder_t *b, const char *text, int size_px, bool bold,
                          text_align_t align, int max_lines)
{
    if (!text || !text[0] || b->failed)
        return;
    int w = b->bmp.w - 2 * b->margin;
    b->y +=
        draw_text(b, text, size_px, bold, aligned_x(b, w, TEXT_ALIGN_LEFT), w, align, max_lines);
}

void receipt_builder_pair(receipt_builder_t *b, const char *label, const char *value, int size_px)
{
    if (!value || !value[0] || b->failed)
        return;
    int inner = b->bmp.w - 2 * b->margin;
    text_style_t st = {.size_px = size_px};
    int lw = text_measure(b->fonts, st, label, strlen(label));
    int vw = text_measure(b->fonts, (text_style_t){.size_px = size_px, .bold = true}, value,
                          strlen(value));
    if (lw + vw + size_px <= inner) {
        int h1 = draw_text(b, label, size_px, false, b->margin, lw + 1, TEXT_ALIGN_LEFT, 1);
        int h2 = draw_text(b, value, size_px, true, b->bmp.w - b->margin - vw - 1, vw + 1,
                           TEXT_ALIGN_LEFT, 1);
        b->y += h1 > h2 ? h1 : h2;
        return;
    }
    receipt_builder_text(b, label, size_px, false, TEXT_ALIGN_LEFT, 2);
    receipt_builder_text(b, value, size_px, true, TEXT_ALIGN_RIGHT, 3);
}

void receipt_builder_space(receipt_builder_t *b, int dots)
{
    if (room(b, dots))
        b->y += dots;
}

void receipt_builder_rule(receipt_builder_t *b)
{
    if (!room(b, 12))
        return;
    /* Dashes, not a solid bar: a solid line burns a hot strip and reads as a cut mark. */
    for (int x = b->margin; x < b->bmp.w - b->margin; x += 12)
        bitmap_fill(&b->bmp, x, b->y + 5, 6, 2, true);
    b->y += 12;
}

bool receipt_builder_qr(receipt_builder_t *b, const char *payload, int max_side)
{
    QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        b->failed = true;
        return false;
    }
    int total = q->width + 2 * QR_QUIET;
    int side = max_side < b->bmp.w ? max_side : b->bmp.w;
    int mod = side / total;
    if (mod < 2 || !room(b, mod * total)) { /* under 2 dots a module, phones cannot read it */
        QRcode_free(q);
        b->failed = true;
        return false;
    }
    int x0 = (b->bmp.w - mod * total) / 2 + QR_QUIET * mod, y0 = b->y + QR_QUIET * mod;
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width; x++)
            if (q->data[y * q->width + x] & 1)
                bitmap_fill(&b->bmp, x0 + x * mod, y0 + y * mod, mod, mod, true);
    b->y += mod * total;
    QRcode_free(q);
    return true;
}

bitmap_t receipt_builder_end(receipt_builder_t *b)
{
    bitmap_t out = b->bmp;
    if (out.h > b->y)
        out.h = b->y;
    memset(&b->bmp, 0, sizeof b->bmp);
    return out;
}

void receipt_mask(const char *value, int keep, char *out, size_t cap)
{
    size_t n = strlen(value), o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        out[o++] = i + (size_t)keep < n ? '*' : value[i];
    if (cap)
        out[o] = '\0';
}

/* Sizes in dots at 203 dpi (8 dots a millimetre): body 3 mm, token 12 mm. */
#define SZ_SMALL 20
#define SZ_BODY  24
#define SZ_TITLE 30
#define SZ_TOKEN 96

static void header(receipt_builder_t *b, const receipt_request_t *rq)
{
    receipt_builder_text(b, rq->centre[0], SZ_TITLE, true, TEXT_ALIGN_CENTER, 2);
    receipt_builder_text(b, rq->centre[1], SZ_SMALL, false, TEXT_ALIGN_CENTER, 2);
    receipt_builder_rule(b);
    receipt_builder_text(b, rq->service[0], SZ_TITLE, true, TEXT_ALIGN_CENTER, 3);
    receipt_builder_text(b, rq->service[1], SZ_SMALL, false, TEXT_ALIGN_CENTER, 2);
    receipt_builder_space(b, 8);
    receipt_builder_text(b, rq->token_label, SZ_BODY, false, TEXT_ALIGN_CENTER, 1);
    receipt_builder_text(b, rq->token, SZ_TOKEN, true, TEXT_ALIGN_CENTER, 1);
    receipt_builder_text(b, rq->when, SZ_SMALL, false, TEXT_ALIGN_CENTER, 2);
    if (rq->priority)
        receipt_builder_text(b, rq->priority, SZ_BODY, true, TEXT_ALIGN_CENTER, 2);
    if (rq->ahead)
        receipt_builder_text(b, rq->ahead, SZ_BODY, false, TEXT_ALIGN_CENTER, 2);
    receipt_builder_rule(b);
}

static void details(receipt_builder_t *b, const receipt_request_t *rq)
{
    for (int i = 0; i < rq->fee_count && i < RECEIPT_FEE_LINES; i++)
        receipt_builder_pair(b, rq->fee_labels[i], rq->fees[i], SZ_BODY);
    for (int i = 0; i < rq->item_count && i < RECEIPT_MAX_ITEMS; i++)
        receipt_builder_pair(b, rq->labels[i], rq->values[i], SZ_BODY);
    if (rq->document_count > 0) {
        receipt_builder_space(b, 6);
        receipt_builder_text(b, rq->documents_label, SZ_BODY, true, TEXT_ALIGN_LEFT, 1);
        for (int i = 0; i < rq->document_count && i < RECEIPT_MAX_ITEMS; i++) {
            char line[512];
            snprintf(line, sizeof line, "• %s", rq->documents[i]);
            receipt_builder_text(b, line, SZ_SMALL, false, TEXT_ALIGN_LEFT, 3);
        }
    }
    receipt_builder_rule(b);
}

static void footer(receipt_builder_t *b, const receipt_request_t *rq)
{
    receipt_builder_text(b, rq->tracking_label, SZ_SMALL, false, TEXT_ALIGN_CENTER, 1);
    receipt_builder_text(b, rq->tracking, SZ_SMALL, true, TEXT_ALIGN_CENTER, 2);
    receipt_builder_space(b, 6);
    receipt_builder_text(b, rq->instruction, SZ_BODY, false, TEXT_ALIGN_CENTER, 5);
    receipt_builder_space(b, 16);
}

int receipt_compose_request(fonts_t *fonts, const receipt_request_t *rq, int width_dots,
                            bool native_qr, receipt_t *out)
{
    memset(out, 0, sizeof *out);
    out->native_qr = native_qr;
    receipt_builder_t b;
    if (!receipt_builder_begin(&b, fonts, width_dots))
        return -1;
    header(&b, rq);
    details(&b, rq);
    if (!native_qr)
        receipt_builder_qr(&b, rq->qr_payload, width_dots * 3 / 4);
    bool failed = b.failed;
    out->top = receipt_builder_end(&b);
    if (native_qr && receipt_builder_begin(&b, fonts, width_dots)) {
        footer(&b, rq);
        failed |= b.failed;
        out->bottom = receipt_builder_end(&b);
    } else if (!native_qr) {
        receipt_builder_begin(&b, fonts, width_dots);
        footer(&b, rq);
        failed |= b.failed;
        bitmap_t tail = receipt_builder_end(&b);
        /* One raster: append the footer under the QR code. */
        int y = out->top.h;
        if (bitmap_grow(&out->top, y + tail.h))
            memcpy(out->top.bits + (size_t)y * (size_t)out->top.stride, tail.bits,
                   (size_t)tail.h * (size_t)tail.stride);
        else
            failed = true;
        bitmap_free(&tail);
    }
    if (failed) {
        receipt_free(out);
        return -1;
    }
    return 0;
}

void receipt_free(receipt_t *r)
{
    bitmap_free(&r->top);
    bitmap_free(&r->bottom);
}

/* A ruler across the full width: a tick every millimetre-ish 8 dots, longer every 48 (6 mm),
 * so a technician sees at once whether the whole width prints. */
static void ruler(receipt_builder_t *b)
{
    if (!room(b, 28))
        return;
    bitmap_fill(&b->bmp, 0, b->y, b->bmp.w, 3, true);
    for (int x = 0; x < b->bmp.w; x += 8)
        bitmap_fill(&b->bmp, x, b->y + 3, 2, x % 48 == 0 ? 20 : 8, true);
    bitmap_fill(&b->bmp, b->bmp.w - 2, b->y + 3, 2, 24, true);
    b->y += 28;
}

int receipt_compose_test(fonts_t *fonts, int width_dots, const char *profile_lines, bitmap_t *out)
{
    receipt_builder_t b;
    if (!receipt_builder_begin(&b, fonts, width_dots))
        return -1;
    ruler(&b);
    receipt_builder_text(&b, "সেবা কিয়স্ক · Sheba Kiosk", SZ_TITLE, true, TEXT_ALIGN_CENTER, 2);
    receipt_builder_text(&b, "পরীক্ষামূলক পাতা · Test page", SZ_BODY, false, TEXT_ALIGN_CENTER, 2);
    receipt_builder_rule(&b);
    /* Reph (র্ক), pre-base vowel signs (কি, কে), split vowels (কো), conjuncts (ক্ষ, জ্ঞ, ন্ত্র). */
    receipt_builder_text(&b, "কর্ম কিনে কেন কোথায় ক্ষমা জ্ঞান মন্ত্রী স্বাধীনতা শ্রদ্ধা", SZ_BODY, false,
                         TEXT_ALIGN_LEFT, 4);
    receipt_builder_text(&b, "বাংলাদেশ ৳ ১,২৩,৪৫৬ · ০১২৩৪৫৬৭৮৯", SZ_BODY, true, TEXT_ALIGN_LEFT, 2);
    receipt_builder_text(&b, "The quick brown fox jumps over the lazy dog 0123456789", SZ_BODY,
                         false, TEXT_ALIGN_LEFT, 3);
    receipt_builder_rule(&b);
    receipt_builder_text(&b, profile_lines, SZ_SMALL, false, TEXT_ALIGN_LEFT, 8);
    receipt_builder_space(&b, 8);
    receipt_builder_qr(&b, "https://example.org/sheba-kiosk/test-page", width_dots * 3 / 4);
    ruler(&b);
    receipt_builder_space(&b, 16);
    bool failed = b.failed;
    *out = receipt_builder_end(&b);
    if (failed)
        bitmap_free(out);
    return failed ? -1 : 0;
}
