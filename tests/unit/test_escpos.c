/* tests/unit/test_escpos.c - unit tests for escpos/: the encoder's exact bytes (the vectors of
 * the ESC/POS reference, section 1.4, and the header contract), the shape of every GS v 0
 * band, the decoder (bitmap and QR round trips, zbarimg reading the rendered page, one test
 * per error, random and mutated streams), and status byte parsing. Random data comes from a
 * fixed seed, so a failure repeats. */
#define _POSIX_C_SOURCE 200809L

#include "escpos/decode.h"
#include "escpos/escpos.h"
#include "image/image.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------------------ */

/* xorshift64*: small, seedable, and no global state. */
typedef struct {
    uint64_t s;
} rng_t;

static uint32_t rnd(rng_t *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 2685821657736338717ull) >> 32);
}

static int rnd_in(rng_t *r, int lo, int hi)
{
    return lo + (int)(rnd(r) % (uint32_t)(hi - lo + 1));
}

/* A w x h bitmap of runs of ink rows (random dots) and blank rows, the shape of a receipt:
 * text lines separated by white space, sometimes a single blank row between two inked ones. */
static void random_bitmap(bitmap_t *b, int w, int h, rng_t *r)
{
    assert_true(bitmap_init(b, w, h));
    for (int y = 0; y < h;) {
        int run = rnd_in(r, 1, rnd(r) % 4 == 0 ? 1 : 40);
        bool ink = rnd(r) % 3 != 0;
        for (int yy = y; ink && yy < y + run && yy < h; yy++) {
            int density = rnd_in(r, 1, 8);
            for (int x = 0; x < w; x++)
                if (rnd(r) % 16 < (uint32_t)density)
                    bitmap_set(b, x, yy, true);
            bitmap_set(b, rnd_in(r, 0, w - 1), yy, true); /* never blank by chance */
        }
        y += run;
    }
}

static void assert_buf(const escpos_buf_t *b, const uint8_t *want, size_t n)
{
    assert_false(b->failed);
    assert_int_equal(b->len, n);
    assert_memory_equal(b->data, want, n);
}

typedef struct {
    bitmap_t page;
    escpos_decode_info_t info;
    char err[512];
    int rc;
} decoded_t;

static void decode(decoded_t *d, const uint8_t *p, size_t n, int width)
{
    memset(d, 0, sizeof *d);
    d->rc = escpos_decode(p, n, width, &d->page, &d->info, d->err, sizeof d->err);
}

/* The stream must be rejected with a message that starts with want (offset and command). */
static void expect_error(const uint8_t *p, size_t n, int width, const char *want)
{
    decoded_t d;
    decode(&d, p, n, width);
    if (d.rc == 0 || strncmp(d.err, want, strlen(want)) != 0)
        fail_msg("rc %d, message \"%s\", wanted it to start with \"%s\"", d.rc, d.err, want);
    bitmap_free(&d.page);
}

/* ---- encoder: exact bytes ----------------------------------------------------------------- */

static void test_vector_raster_1x1_black(void **state)
{
    (void)state;
    static const uint8_t want[] = {0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x80};
    bitmap_t img;
    escpos_buf_t b = {0};
    assert_true(bitmap_init(&img, 1, 1));
    bitmap_set(&img, 0, 0, true);
    escpos_raster(&b, &img, 24);
    assert_buf(&b, want, sizeof want);
    escpos_buf_free(&b);
    bitmap_free(&img);
}

/* escpos.md's 1x2 vector sends the white row as raster; the header contract says blank rows
 * become ESC J feeds: one black row as a band, then ESC J 1. */
static void test_vector_raster_1x2_black_white(void **state)
{
    (void)state;
    static const uint8_t want[] = {0x1D, 0x76, 0x30, 0x00, 0x01, 0x00,
                                   0x01, 0x00, 0x80, 0x1B, 0x4A, 0x01};
    bitmap_t img;
    escpos_buf_t b = {0};
    assert_true(bitmap_init(&img, 1, 2));
    bitmap_set(&img, 0, 0, true);
    escpos_raster(&b, &img, 24);
    assert_buf(&b, want, sizeof want);
    escpos_buf_free(&b);
    bitmap_free(&img);
    /* python-escpos's black_white.png, the source of that vector, is 2x2 (two black dots on
     * top, "C0"): the same band and feed with C0. */
    static const uint8_t want2[] = {0x1D, 0x76, 0x30, 0x00, 0x01, 0x00,
                                    0x01, 0x00, 0xC0, 0x1B, 0x4A, 0x01};
    assert_true(bitmap_init(&img, 2, 2));
    bitmap_fill(&img, 0, 0, 2, 1, true);
    escpos_raster(&b, &img, 24);
    assert_buf(&b, want2, sizeof want2);
    escpos_buf_free(&b);
    bitmap_free(&img);
}

/* A band is as wide as its rightmost black byte: a dot at x = 0 and one at x = 43 of a
 * 384-dot bitmap give x = 6 bytes; the band of only the first dot, 1 byte. */
static void test_vector_raster_narrow_band(void **state)
{
    (void)state;
    static const uint8_t want[] = {0x1D, 0x76, 0x30, 0x00, 0x06, 0x00, 0x02, 0x00, 0x80, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x1D, 0x76,
                                   0x30, 0x00, 0x01, 0x00, 0x01, 0x00, 0x80, 0x1B, 0x4A, 0x02};
    bitmap_t img;
    escpos_buf_t b = {0};
    assert_true(bitmap_init(&img, 384, 5));
    bitmap_set(&img, 0, 0, true);
    bitmap_set(&img, 43, 1, true);
    bitmap_set(&img, 0, 2, true);
    escpos_raster(&b, &img, 2);
    assert_buf(&b, want, sizeof want);
    escpos_buf_free(&b);
    bitmap_free(&img);
}

static void test_vector_qr_native_1234(void **state)
{
    (void)state;
    static const uint8_t want[] = {
        0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,                /* model 2 */
        0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x03,                      /* module 3 */
        0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x30,                      /* EC L */
        0x1D, 0x28, 0x6B, 0x07, 0x00, 0x31, 0x50, 0x30, '1',  '2', '3', '4', /* store */
        0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,                      /* print */
    };
    escpos_buf_t b = {0};
    escpos_qr_native(&b, "1234", 3, 'L');
    assert_buf(&b, want, sizeof want);
    escpos_buf_free(&b);
}

static void test_vector_init_cut_feed(void **state)
{
    (void)state;
    static const uint8_t init[] = {0x1B, 0x40};
    static const uint8_t cut[] = {0x1B, 0x64, 0x03, 0x1D, 0x56, 0x01};
    static const uint8_t full[] = {0x1D, 0x56, 0x00};
    static const uint8_t feed[] = {0x1B, 0x4A, 0xFF, 0x1B, 0x4A, 0xFF, 0x1B, 0x4A, 0x5A};
    static const uint8_t status[] = {0x10, 0x04, 0x04};
    escpos_buf_t b = {0};
    escpos_init(&b);
    assert_buf(&b, init, sizeof init);
    escpos_buf_free(&b);
    escpos_cut(&b, 3, true);
    assert_buf(&b, cut, sizeof cut);
    escpos_buf_free(&b);
    escpos_cut(&b, 0, false);
    assert_buf(&b, full, sizeof full);
    escpos_buf_free(&b);
    escpos_feed_dots(&b, 600);
    assert_buf(&b, feed, sizeof feed);
    escpos_buf_free(&b);
    escpos_feed_dots(&b, 0);
    assert_int_equal(b.len, 0);
    escpos_status_request(&b, 4);
    assert_buf(&b, status, sizeof status);
    escpos_buf_free(&b);
}

/* ---- encoder: the shape of every band ----------------------------------------------------- */

/* Bytes a band of rows [y, y + rows) needs: up to its rightmost black byte (escpos.h). */
static int ink_bytes(const bitmap_t *img, int y, int rows)
{
    int x = 0;
    for (int r = y; r < y + rows; r++)
        for (int i = x; i < img->stride; i++)
            if (img->bits[(size_t)r * (size_t)img->stride + (size_t)i])
                x = i + 1;
    return x;
}

/* Walk the stream with a parser of its own (not the decoder): only GS v 0 bands and ESC J
 * feeds, each band exactly x * y data bytes long (the next command starts right after),
 * 1 <= y <= band_rows, x = up to the band's rightmost black byte (never wider than the
 * bitmap), its data = the first x bytes of the bitmap's rows, none of them blank; every fed
 * row blank; together they cover the bitmap's height. */
static void check_bands(const escpos_buf_t *b, const bitmap_t *img, int band_rows)
{
    size_t i = 0;
    int y = 0;
    while (i < b->len) {
        const uint8_t *p = b->data + i;
        size_t left = b->len - i;
        if (left >= 3 && p[0] == 0x1B && p[1] == 0x4A) {
            assert_true(p[2] > 0);
            assert_true(bitmap_rows_blank(img, y, p[2]));
            y += p[2];
            i += 3;
            continue;
        }
        assert_true(left >= 8);
        assert_memory_equal(p, "\x1D\x76\x30\x00", 4);
        int x = p[4] | p[5] << 8, rows = p[6] | p[7] << 8;
        assert_in_range(rows, 1, band_rows);
        assert_in_range(y + rows, 1, img->h);
        assert_in_range(x, 1, img->stride);
        assert_int_equal(x, ink_bytes(img, y, rows));
        size_t k = (size_t)x * (size_t)rows;
        assert_true(k <= left - 8);
        for (int r = 0; r < rows; r++) {
            const uint8_t *row = img->bits + (size_t)(y + r) * (size_t)img->stride;
            assert_memory_equal(p + 8 + (size_t)r * (size_t)x, row, (size_t)x);
            assert_false(bitmap_rows_blank(img, y + r, 1));
        }
        y += rows;
        i += 8 + k;
    }
    assert_int_equal(y, img->h);
}

static const int sizes[][2] = {{1, 1},     {1, 2},     {7, 33},   {8, 8},    {13, 100},
                               {200, 301}, {384, 500}, {385, 77}, {576, 64}, {100, 1}};
static const int bands[] = {1, 24, 256};

static void test_raster_bands_match_headers(void **state)
{
    (void)state;
    rng_t r = {0x5EBA2026u};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t k = 0; k < sizeof bands / sizeof bands[0]; k++) {
            bitmap_t img;
            escpos_buf_t b = {0};
            random_bitmap(&img, sizes[s][0], sizes[s][1], &r);
            escpos_raster(&b, &img, bands[k]);
            assert_false(b.failed);
            check_bands(&b, &img, bands[k]);
            escpos_buf_free(&b);
            bitmap_free(&img);
        }
}

/* A wholly white bitmap is all feeds; one taller than a band needs several. */
static void test_raster_blank_and_tall(void **state)
{
    (void)state;
    bitmap_t img;
    escpos_buf_t b = {0};
    assert_true(bitmap_init(&img, 384, 300));
    escpos_raster(&b, &img, 24);
    static const uint8_t feeds[] = {0x1B, 0x4A, 0xFF, 0x1B, 0x4A, 0x2D};
    assert_buf(&b, feeds, sizeof feeds);
    escpos_buf_free(&b);
    bitmap_fill(&img, 0, 0, 384, 300, true);
    escpos_raster(&b, &img, 24);
    check_bands(&b, &img, 24);
    assert_int_equal(b.len, 13 * 8 + (size_t)300 * 48); /* 12 bands of 24 and one of 12 */
    escpos_buf_free(&b);
    bitmap_free(&img);
}

/* ---- decoder: round trips ----------------------------------------------------------------- */

static void test_decode_reproduces_bitmap(void **state)
{
    (void)state;
    rng_t r = {0xB17A9u};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t k = 0; k < sizeof bands / sizeof bands[0]; k++) {
            bitmap_t img;
            escpos_buf_t b = {0};
            random_bitmap(&img, sizes[s][0], sizes[s][1], &r);
            escpos_init(&b);
            escpos_raster(&b, &img, bands[k]);
            decoded_t d;
            /* The paper as wide as the bands (whole bytes): every byte compares directly. */
            decode(&d, b.data, b.len, img.stride * 8);
            assert_int_equal(d.rc, 0);
            assert_int_equal(d.page.w, img.stride * 8);
            assert_int_equal(d.page.h, img.h);
            assert_memory_equal(d.page.bits, img.bits, (size_t)img.h * (size_t)img.stride);
            assert_int_equal(d.info.cuts + d.info.qr_count + (int)d.info.text_bytes, 0);
            bitmap_free(&d.page);
            /* On wider paper, left-justified: the same dots, white to the right. */
            decode(&d, b.data, b.len, 600);
            assert_int_equal(d.rc, 0);
            for (int y = 0; y < img.h; y++)
                for (int x = 0; x < 600; x++)
                    if (bitmap_get(&d.page, x, y) != bitmap_get(&img, x, y))
                        fail_msg("%dx%d band %d: dot %d,%d differs", img.w, img.h, bands[k], x, y);
            bitmap_free(&d.page);
            escpos_buf_free(&b);
            bitmap_free(&img);
        }
}

/* Width 0: the page is as wide as the widest band; 384 when there is none. */
static void test_decode_automatic_width(void **state)
{
    (void)state;
    static const uint8_t band[] = {0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0xFF, 0x01};
    static const uint8_t feed[] = {0x1B, 0x4A, 0x05};
    decoded_t d;
    decode(&d, band, sizeof band, 0);
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.page.w, 16);
    assert_int_equal(d.page.h, 1);
    assert_true(bitmap_get(&d.page, 15, 0));
    assert_false(bitmap_get(&d.page, 14, 0));
    bitmap_free(&d.page);
    decode(&d, feed, sizeof feed, -1);
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.page.w, 384);
    assert_int_equal(d.page.h, 5);
    assert_int_equal(d.info.feeds_dots, 5);
    bitmap_free(&d.page);
}

/* Scaling, justification, line feeds, cuts, status requests and ignored text modes. */
static void test_decode_commands(void **state)
{
    (void)state;
    static const uint8_t s[] = {
        0x1B, 0x40,                                           /* 0: ESC @ */
        0x1B, 0x61, 0x32,                                     /* 2: ESC a 50: right */
        0x1D, 0x76, 0x30, 0x03, 0x01, 0x00, 0x01, 0x00, 0x80, /* 5: one dot, quadrupled */
        0x1B, 0x61, 0x01,                                     /* 14: centre */
        0x1D, 0x76, 0x30, 0x01, 0x01, 0x00, 0x01, 0x00, 0x01, /* 17: double width */
        0x1B, 0x33, 0x14, 0x0A,                               /* 26: spacing 20, LF */
        0x1B, 0x64, 0x02,                                     /* 30: 2 lines */
        0x1B, 0x32, 'H',  'i',  0x0D, 0x0A, 0xE0, 0xA6,       /* 33: ESC 2, text, LF */
        0x1B, 0x21, 0x08, 0x1B, 0x45, 0x01, 0x1D, 0x21, 0x11, /* 41: text modes */
        0x10, 0x04, 0x01, 0x10, 0x04, 0x04,                   /* 50: status */
        0x1D, 0x56, 0x42, 0x07,                               /* 56: feed 7, partial cut */
        0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0xFF, /* 60: left */
        0x1D, 0x56, 0x30,                                                       /* 72: full cut */
    };
    decoded_t d;
    decode(&d, s, sizeof s, 64);
    if (d.rc != 0)
        fail_msg("%s", d.err);
    /* Right-justified 16x2: the dot at 48..49, rows 0..1. */
    assert_true(bitmap_get(&d.page, 48, 0) && bitmap_get(&d.page, 49, 1));
    assert_false(bitmap_get(&d.page, 47, 0) || bitmap_get(&d.page, 50, 0));
    assert_false(bitmap_get(&d.page, 48, 2));
    /* Centred 16x1, last dot of the byte doubled: (64 - 16) / 2 + 14, 15 on row 2. */
    assert_true(bitmap_get(&d.page, 38, 2) && bitmap_get(&d.page, 39, 2));
    assert_false(bitmap_get(&d.page, 37, 2) || bitmap_get(&d.page, 40, 2));
    /* Feeds: 20 + 2 * 20 + 30 + 7 after the 3 rows of bands, and nothing drawn there. */
    int cut1 = 3 + 20 + 40 + 30 + 7;
    assert_int_equal(d.info.feeds_dots, 97);
    assert_true(bitmap_rows_blank(&d.page, 3, cut1 - 3));
    /* The cut line, dashes of 8 dots; cutting does not move the paper, so the next band (left
     * again after ESC @) prints dots 8..15 on the same row, into the gap between dashes. */
    assert_true(bitmap_get(&d.page, 0, cut1) && bitmap_get(&d.page, 7, cut1));
    assert_true(bitmap_get(&d.page, 8, cut1) && bitmap_get(&d.page, 15, cut1));
    assert_true(bitmap_get(&d.page, 16, cut1) && !bitmap_get(&d.page, 24, cut1));
    /* The second cut, one row down, ends the page. */
    assert_true(bitmap_get(&d.page, 0, cut1 + 1) && !bitmap_get(&d.page, 8, cut1 + 1));
    assert_int_equal(d.page.h, cut1 + 2);
    assert_int_equal(d.info.cuts, 2);
    assert_int_equal(d.info.bands, 3);
    assert_int_equal(d.info.max_raster_width, 16);
    assert_int_equal(d.info.text_bytes, 4);
    assert_int_equal(d.info.status_requests, 2);
    bitmap_free(&d.page);
}

/* The page as a PNG in a fresh folder, read back by zbarimg: "" when nothing was found. */
static void zbar_read(const bitmap_t *page, char *out, size_t cap)
{
    char dir[] = "/tmp/test_escpos.XXXXXX", png[64], cmd[160], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(png, sizeof png, "%s/page.png", dir);
    if (image_write_mono(png, page->bits, page->w, page->h, page->stride, err, sizeof err) < 0)
        fail_msg("%s", err);
    snprintf(cmd, sizeof cmd, "zbarimg -q --raw %s 2>/dev/null", png);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    pclose(f);
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0'; /* zbarimg ends each symbol with a newline */
    unlink(png);
    rmdir(dir);
}

static void test_decode_qr_round_trip(void **state)
{
    (void)state;
    static const char url[] = "https://sheba.gov.bd/track?id=DC-2026-000123&lang=bn";
    static const char ecs[] = "LMQH";
    if (system("command -v zbarimg >/dev/null 2>&1") != 0)
        skip(); /* make test-deps installs zbar-tools */
    for (int i = 0; i < 4; i++) {
        escpos_buf_t b = {0};
        escpos_init(&b);
        escpos_qr_native(&b, url, 2 + i, ecs[i]);
        escpos_cut(&b, 3, true);
        decoded_t d;
        decode(&d, b.data, b.len, 384);
        if (d.rc != 0)
            fail_msg("%s", d.err);
        assert_int_equal(d.info.qr_count, 1);
        assert_string_equal(d.info.qr_payload[0], url);
        assert_int_equal(d.info.cuts, 1);
        char got[1024];
        zbar_read(&d.page, got, sizeof got);
        assert_string_equal(got, url);
        bitmap_free(&d.page);
        escpos_buf_free(&b);
    }
}

/* Payloads recorded as sent: UTF-8 as is, the fifth and later only counted, long ones cut. */
static void test_decode_qr_payloads_recorded(void **state)
{
    (void)state;
    char big[1001];
    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    escpos_buf_t b = {0};
    escpos_qr_native(&b, "সেবা ১২৩", 1, 'M');
    escpos_qr_native(&b, big, 1, 'L');
    for (int i = 0; i < 3; i++)
        escpos_qr_native(&b, "x", 1, 'H');
    decoded_t d;
    decode(&d, b.data, b.len, 384);
    if (d.rc != 0)
        fail_msg("%s", d.err);
    assert_int_equal(d.info.qr_count, 5);
    assert_string_equal(d.info.qr_payload[0], "সেবা ১২৩");
    assert_int_equal(strlen(d.info.qr_payload[1]), 511);
    assert_string_equal(d.info.qr_payload[3], "x");
    bitmap_free(&d.page);
    escpos_buf_free(&b);
}

/* ---- decoder: errors ---------------------------------------------------------------------- */

static void test_error_truncated_raster_header(void **state)
{
    (void)state;
    static const uint8_t s[] = {0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 0x01};
    expect_error(s, sizeof s, 384, "offset 2: GS v 0: truncated header");
}

static void test_error_raster_data_short(void **state)
{
    (void)state;
    uint8_t s[2 + 8 + 17] = {0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 48, 0, 200, 0};
    decoded_t d;
    decode(&d, s, sizeof s, 384);
    assert_int_equal(d.rc, -1);
    assert_string_equal(d.err, "offset 2: GS v 0: header says 48x200 = 9600 bytes but only 17 "
                               "remain");
    bitmap_free(&d.page);
}

static void test_error_raster_wider_than_paper(void **state)
{
    (void)state;
    uint8_t s[3 + 8 + 49] = {0x0A, 0x0D, 0x0A, 0x1D, 0x76, 0x30, 0x00, 49, 0, 1, 0};
    expect_error(s, sizeof s, 384,
                 "offset 3: GS v 0: raster 392 dots wide is wider than the paper");
    /* Double width doubles the raster: 25 bytes = 200 dots, 400 drawn. */
    uint8_t t[8 + 25] = {0x1D, 0x76, 0x30, 0x01, 25, 0, 1, 0};
    expect_error(t, sizeof t, 384, "offset 0: GS v 0: raster 400 dots wide");
}

static void test_error_raster_mode(void **state)
{
    (void)state;
    static const uint8_t s[] = {0x1D, 0x76, 0x30, 0x07, 0x01, 0x00, 0x01, 0x00, 0x80};
    expect_error(s, sizeof s, 384, "offset 0: GS v 0: mode m = 7");
    static const uint8_t t[] = {0x1D, 0x76, 0x30, 0x00, 0x00, 0x00, 0x01, 0x00};
    expect_error(t, sizeof t, 384, "offset 0: GS v 0: empty raster 0x1");
    static const uint8_t u[] = {0x1D, 0x76, 0x31, 0x00};
    expect_error(u, sizeof u, 384, "offset 0: unknown command GS v 31");
}

static void test_error_unknown_commands(void **state)
{
    (void)state;
    static const uint8_t esc[] = {0x1B, 0x40, 0x1B, 0x71, 0x00};
    expect_error(esc, sizeof esc, 384, "offset 2: unknown command ESC 71 (1B 71)");
    static const uint8_t gs[] = {'a', 0x1D, 0x4C, 0x00, 0x00};
    expect_error(gs, sizeof gs, 384, "offset 1: unknown command GS 4C (1D 4C)");
    static const uint8_t fs[] = {0x1C, 0x2E};
    expect_error(fs, sizeof fs, 384, "offset 0: unknown command FS 2E (1C 2E)");
    static const uint8_t dle[] = {0x10, 0x05, 0x02};
    expect_error(dle, sizeof dle, 384, "offset 0: unknown command DLE 05 (10 05)");
    static const uint8_t eot[] = {0x10, 0x04, 0x09};
    expect_error(eot, sizeof eot, 384, "offset 0: DLE EOT: status 9");
    static const uint8_t ctl[] = {0x0A, 0x07};
    expect_error(ctl, sizeof ctl, 384, "offset 1: unknown control byte 07");
    static const uint8_t cut[] = {0x1D, 0x56, 0x07};
    expect_error(cut, sizeof cut, 384, "offset 0: unknown command GS V 7 (1D 56 07)");
    static const uint8_t jst[] = {0x1B, 0x61, 0x03};
    expect_error(jst, sizeof jst, 384, "offset 0: ESC a: justification 3");
}

static void test_error_truncated_commands(void **state)
{
    (void)state;
    static const uint8_t esc[] = {0x1B, 0x40, 0x1B};
    expect_error(esc, sizeof esc, 384, "offset 2: ESC: truncated");
    static const uint8_t feed[] = {0x1B, 0x4A};
    expect_error(feed, sizeof feed, 384, "offset 0: ESC J: truncated");
    static const uint8_t cut[] = {0x1D, 0x56, 0x41};
    expect_error(cut, sizeof cut, 384, "offset 0: GS V: truncated");
    static const uint8_t eot[] = {0x10, 0x04};
    expect_error(eot, sizeof eot, 384, "offset 0: DLE EOT: truncated");
    static const uint8_t qr[] = {0x1D, 0x28, 0x6B, 0x03};
    expect_error(qr, sizeof qr, 384, "offset 0: GS ( k: truncated");
}

static void test_error_qr_lengths_and_values(void **state)
{
    (void)state;
    static const uint8_t size4[] = {0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x43, 0x03, 0x00};
    expect_error(size4, sizeof size4, 384, "offset 0: GS ( k fn 67: length 4, expected 3");
    static const uint8_t past[] = {0x1B, 0x40, 0x1D, 0x28, 0x6B, 0xFF, 0x00, 0x31, 0x50, 0x30};
    expect_error(past, sizeof past, 384, "offset 2: GS ( k: length 255 but only 3 bytes remain");
    static const uint8_t one[] = {0x1D, 0x28, 0x6B, 0x01, 0x00, 0x31, 0x51};
    expect_error(one, sizeof one, 384, "offset 0: GS ( k: length 1, too short");
    static const uint8_t store2[] = {0x1D, 0x28, 0x6B, 0x02, 0x00, 0x31, 0x50};
    expect_error(store2, sizeof store2, 384, "offset 0: GS ( k fn 80: length 2, expected >= 3");
    static const uint8_t model1[] = {0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x31, 0x00};
    expect_error(model1, sizeof model1, 384, "offset 0: GS ( k fn 65: QR model 49 0");
    static const uint8_t mod17[] = {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x11};
    expect_error(mod17, sizeof mod17, 384, "offset 0: GS ( k fn 67: module size 17");
    static const uint8_t ec52[] = {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x34};
    expect_error(ec52, sizeof ec52, 384, "offset 0: GS ( k fn 69: error correction 52");
    static const uint8_t pdf[] = {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x30, 0x41, 0x00};
    expect_error(pdf, sizeof pdf, 384, "offset 0: unknown command GS ( k cn 48");
    static const uint8_t fn82[] = {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x52, 0x30};
    expect_error(fn82, sizeof fn82, 384, "offset 0: unknown command GS ( k fn 82");
    static const uint8_t empty[] = {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30};
    expect_error(empty, sizeof empty, 384, "offset 0: GS ( k print: no QR data stored");
    /* 2900 digits at EC H need version 39: 3 * (173 + 8) = 543 dots, too wide for 58 mm paper.
     * The first QR code (42 bytes) prints; the second's print command is at 42 + 25 + 2908. */
    escpos_buf_t b = {0};
    char big[2901]; /* within what the encoder accepts (2953 bytes) */
    memset(big, '7', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    escpos_qr_native(&b, "1", 3, 'L');
    escpos_qr_native(&b, big, 3, 'H');
    expect_error(b.data, b.len, 384, "offset 2975: GS ( k print: QR code 543 dots wide is wider");
    escpos_buf_free(&b);
}

static void test_error_page_too_long(void **state)
{
    (void)state;
    /* 392 feeds of 255 are 99960 dots; the 393rd would pass 100000. */
    uint8_t s[400 * 3];
    for (int i = 0; i < 400; i++)
        memcpy(s + 3 * i, "\x1B\x4A\xFF", 3);
    expect_error(s, sizeof s, 384, "offset 1176: ESC J: page too long (more than 100000 dots)");
    /* A band that alone is too long: 60000 rows, doubled. */
    size_t n = 8 + 60000;
    uint8_t *t = calloc(1, n);
    assert_non_null(t);
    memcpy(t, "\x1D\x76\x30\x02\x01\x00\x60\xEA", 8);
    expect_error(t, n, 384, "offset 0: GS v 0: page too long");
    free(t);
    static const uint8_t lines[] = {0x1B, 0x33, 0xFF, 0x1B, 0x64, 0xFF, 0x1B, 0x64, 0xFF};
    expect_error(lines, sizeof lines, 384, "offset 6: ESC d: page too long");
}

static void test_error_width_out_of_range(void **state)
{
    (void)state;
    decoded_t d;
    decode(&d, (const uint8_t *)"", 0, ESCPOS_DECODE_MAX_WIDTH + 1);
    assert_int_equal(d.rc, -1);
    assert_non_null(strstr(d.err, "paper width 4097 dots is out of range"));
    bitmap_free(&d.page);
}

/* ---- decoder: robustness ------------------------------------------------------------------ */

/* Whatever the input: 0, or -1 with an "offset N: ..." message, and a sane page. */
static void decode_anything(const uint8_t *p, size_t n, int width)
{
    decoded_t d;
    decode(&d, p, n, width);
    assert_true(d.rc == 0 || d.rc == -1);
    if (d.rc < 0 && strncmp(d.err, "offset ", 7) != 0)
        fail_msg("message without an offset: %s", d.err);
    if (d.rc == 0)
        assert_string_equal(d.err, "");
    assert_in_range(d.page.h, 0, ESCPOS_DECODE_MAX_ROWS);
    assert_in_range(d.page.w, 0, ESCPOS_DECODE_MAX_WIDTH);
    bitmap_free(&d.page);
}

/* Half the bytes from the grammar's alphabet, so random strings get deep into commands. */
static uint8_t random_byte(rng_t *r)
{
    static const uint8_t alphabet[] = {0x1B, 0x1D, 0x10, 0x1C, 0x0A, 0x0D, 0x04, '@',  'v',  '0',
                                       '(',  'k',  'J',  'd',  'V',  'a',  '2',  '3',  '!',  'E',
                                       0x31, 'A',  'C',  'E',  'P',  'Q',  0x00, 0x01, 0x02, 0xFF};
    return rnd(r) % 2 ? (uint8_t)rnd(r) : alphabet[rnd(r) % sizeof alphabet];
}

static void test_random_streams(void **state)
{
    (void)state;
    static const int widths[] = {0, 384, 8, 576};
    rng_t r = {0xF022u};
    uint8_t buf[512];
    for (int i = 0; i < 2000; i++) {
        size_t n = rnd(&r) % sizeof buf;
        for (size_t j = 0; j < n; j++)
            buf[j] = random_byte(&r);
        decode_anything(buf, n, widths[i % 4]);
    }
}

/* A valid receipt, then 2000 copies each damaged by 1..4 edits. */
static void test_mutated_streams(void **state)
{
    (void)state;
    rng_t r = {0x3A7u};
    bitmap_t img;
    escpos_buf_t b = {0};
    random_bitmap(&img, 384, 120, &r);
    escpos_init(&b);
    escpos_raster(&b, &img, 24);
    escpos_qr_native(&b, "https://sheba.gov.bd/t/1", 3, 'M');
    escpos_raster(&b, &img, 256);
    escpos_cut(&b, 4, true);
    escpos_status_request(&b, 1);
    assert_false(b.failed);
    decode_anything(b.data, b.len, 384);
    uint8_t *m = malloc(b.len + 64);
    assert_non_null(m);
    for (int i = 0; i < 2000; i++) {
        size_t n = b.len;
        memcpy(m, b.data, n);
        for (int e = rnd_in(&r, 1, 4); e > 0 && n > 0; e--) {
            size_t at = rnd(&r) % n;
            switch (rnd(&r) % 4) {
            case 0: /* replace */
                m[at] = random_byte(&r);
                break;
            case 1: /* insert */
                memmove(m + at + 1, m + at, n - at);
                m[at] = random_byte(&r);
                n++;
                break;
            case 2: /* delete */
                memmove(m + at, m + at + 1, n - at - 1);
                n--;
                break;
            default: /* truncate */
                n = at;
                break;
            }
            if (n >= b.len + 60)
                break;
        }
        decode_anything(m, n, i % 3 == 0 ? 0 : 384);
    }
    free(m);
    escpos_buf_free(&b);
    bitmap_free(&img);
}

/* ---- status ------------------------------------------------------------------------------- */

static void test_status_online(void **state)
{
    (void)state;
    escpos_status_t st = {.valid = true};
    assert_true(escpos_status_parse(1, 0x12, &st));
    assert_true(st.valid && st.online);
    assert_true(escpos_status_parse(2, 0x12, &st));
    assert_true(escpos_status_parse(4, 0x12, &st));
    assert_false(st.cover_open || st.paper_out || st.paper_near_end || st.error);
}

/* The worked example: out of paper reads 1A, 32, 7E. */
static void test_status_out_of_paper(void **state)
{
    (void)state;
    escpos_status_t st = {.valid = true};
    assert_true(escpos_status_parse(1, 0x1A, &st));
    assert_false(st.online);
    assert_true(escpos_status_parse(2, 0x32, &st));
    assert_true(st.paper_out);
    assert_false(st.cover_open || st.error);
    st.paper_out = false; /* EOT 4 must find it on its own */
    assert_true(escpos_status_parse(4, 0x7E, &st));
    assert_true(st.paper_out && st.paper_near_end && st.valid);
}

static void test_status_cover_open_and_near_end(void **state)
{
    (void)state;
    escpos_status_t st = {.valid = true};
    assert_true(escpos_status_parse(2, 0x16, &st));
    assert_true(st.cover_open);
    assert_false(st.paper_out || st.error);
    assert_true(escpos_status_parse(4, 0x1E, &st));
    assert_true(st.paper_near_end);
    assert_false(st.paper_out);
}

static void test_status_rejects_non_status_bytes(void **state)
{
    (void)state;
    static const uint8_t bad[] = {0x00, 0xFF, 0x80, 0x13, 0x10, 0x02, 0x92};
    for (int n = 1; n <= 4; n++)
        for (size_t i = 0; i < sizeof bad; i++) {
            escpos_status_t st = {.valid = true};
            assert_false(escpos_status_parse(n, bad[i], &st));
            assert_false(st.valid);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_raster_1x1_black),
        cmocka_unit_test(test_vector_raster_1x2_black_white),
        cmocka_unit_test(test_vector_raster_narrow_band),
        cmocka_unit_test(test_vector_qr_native_1234),
        cmocka_unit_test(test_vector_init_cut_feed),
        cmocka_unit_test(test_raster_bands_match_headers),
        cmocka_unit_test(test_raster_blank_and_tall),
        cmocka_unit_test(test_decode_reproduces_bitmap),
        cmocka_unit_test(test_decode_automatic_width),
        cmocka_unit_test(test_decode_commands),
        cmocka_unit_test(test_decode_qr_round_trip),
        cmocka_unit_test(test_decode_qr_payloads_recorded),
        cmocka_unit_test(test_error_truncated_raster_header),
        cmocka_unit_test(test_error_raster_data_short),
        cmocka_unit_test(test_error_raster_wider_than_paper),
        cmocka_unit_test(test_error_raster_mode),
        cmocka_unit_test(test_error_unknown_commands),
        cmocka_unit_test(test_error_truncated_commands),
        cmocka_unit_test(test_error_qr_lengths_and_values),
        cmocka_unit_test(test_error_page_too_long),
        cmocka_unit_test(test_error_width_out_of_range),
        cmocka_unit_test(test_random_streams),
        cmocka_unit_test(test_mutated_streams),
        cmocka_unit_test(test_status_online),
        cmocka_unit_test(test_status_out_of_paper),
        cmocka_unit_test(test_status_cover_open_and_near_end),
        cmocka_unit_test(test_status_rejects_non_status_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
