/* tests/unit/test_text.c - unit tests for the text engine: UTF-8, Unicode, editing, shaping
 * and layout with the bundled fonts. */
#define _DEFAULT_SOURCE /* mkdtemp, symlink */
#include "text/edit.h"
#include "text/layout.h"
#include "text/shape.h"
#include "text/unicode.h"
#include "text/utf8.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpdir.h"

/*
 * Expected values are written out by hand (byte sequences, cluster boundaries counted from the
 * Unicode rules) or derived from the fonts through a different path than the code under test
 * (rendering code points one by one and comparing), never copied from the implementation.
 */

static fonts_t *fonts;

static int setup(void **state)
{
    (void)state;
    char err[256] = "";
    fonts = fonts_open("fonts", err, sizeof err);
    if (!fonts)
        fprintf(stderr, "fonts_open: %s\n", err);
    return fonts ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fonts_close(fonts);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

/* ==== utf8 ==== */

static void expect_decode_fails(const char *s, size_t len)
{
    uint32_t cp = 0x12345;
    if (utf8_decode(s, len, &cp) != -1) {
        char hex[64] = "";
        for (size_t i = 0; i < len; i++)
            snprintf(hex + 3 * i, sizeof hex - 3 * i, "%02X ", (unsigned char)s[i]);
        fail_msg("utf8_decode accepted %s", hex);
    }
}

static void test_utf8_decode_rejects_overlong(void **state)
{
    (void)state;
    expect_decode_fails("\xC0\x80", 2);
    expect_decode_fails("\xC1\xBF", 2);
    expect_decode_fails("\xE0\x80\x80", 3);
    expect_decode_fails("\xE0\x9F\xBF", 3);
    expect_decode_fails("\xF0\x80\x80\x80", 4);
    expect_decode_fails("\xF0\x8F\xBF\xBF", 4);
}

static void test_utf8_decode_rejects_surrogates_and_beyond_max(void **state)
{
    (void)state;
    expect_decode_fails("\xED\xA0\x80", 3);     /* U+D800 */
    expect_decode_fails("\xED\xBF\xBF", 3);     /* U+DFFF */
    expect_decode_fails("\xF4\x90\x80\x80", 4); /* U+110000 */
    expect_decode_fails("\xF5\x80\x80\x80", 4);
    expect_decode_fails("\xFF", 1);
    expect_decode_fails("\xFE", 1);
}

static void test_utf8_decode_rejects_truncated(void **state)
{
    (void)state;
    expect_decode_fails("\xE0\xA6", 2);
    expect_decode_fails("\xE0\xA6\x95", 2); /* complete bytes, but len cuts it */
    expect_decode_fails("\xF0\x9F\x98", 3);
    expect_decode_fails("\xC3", 1);
    expect_decode_fails("\xE0\xA6"
                        "a",
                        3); /* continuation replaced by ASCII */
    expect_decode_fails("\xF0\x9F\x98"
                        "a",
                        4);
    expect_decode_fails("", 0);
}

static void test_utf8_decode_rejects_stray_continuation(void **state)
{
    (void)state;
    expect_decode_fails("\x80", 1);
    expect_decode_fails("\xBF"
                        "a",
                        2);
    expect_decode_fails("\xA6\x95", 2);
}

static void test_utf8_decode_known_sequences(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(utf8_decode("A", 1, &cp), 1);
    assert_int_equal(cp, 0x41);
    assert_int_equal(utf8_decode("\xDF\xBF", 2, &cp), 2);
    assert_int_equal(cp, 0x7FF);
    assert_int_equal(utf8_decode("\xE0\xA6\x95"
                                 "x",
                                 4, &cp),
                     3);
    assert_int_equal(cp, 0x0995);
    assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
    assert_int_equal(cp, 0x10FFFF);
}

static int expected_length(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static void test_utf8_round_trip_every_code_point(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        char buf[4];
        int n = utf8_encode(cp, buf);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            assert_int_equal(n, 0);
            continue;
        }
        uint32_t back = 0xFFFFFFFF;
        if (n != expected_length(cp) || utf8_decode(buf, (size_t)n, &back) != n || back != cp)
            fail_msg("U+%04X: encode %d bytes, decoded U+%04X", (unsigned)cp, n, (unsigned)back);
        assert_true(utf8_valid(buf, (size_t)n, NULL));
    }
    char buf[4];
    assert_int_equal(utf8_encode(0x110000, buf), 0);
    assert_int_equal(utf8_encode(0xFFFFFFFF, buf), 0);
}

static void test_utf8_encode_known_sequences(void **state)
{
    (void)state;
    char buf[4];
    assert_int_equal(utf8_encode(0x0995, buf), 3);
    assert_memory_equal(buf, "\xE0\xA6\x95", 3);
    assert_int_equal(utf8_encode(0x1F600, buf), 4);
    assert_memory_equal(buf, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(utf8_encode(0xE9, buf), 2);
    assert_memory_equal(buf, "\xC3\xA9", 2);
}

static void expect_bad_at(const char *s, size_t len, size_t at)
{
    size_t bad = 9999;
    assert_false(utf8_valid(s, len, &bad));
    assert_int_equal(bad, at);
    assert_false(utf8_valid(s, len, NULL));
}

static void test_utf8_valid_reports_first_bad_offset(void **state)
{
    (void)state;
    expect_bad_at("ab\xC0\x80"
                  "cd",
                  6, 2);
    expect_bad_at("\xE0\xA6\x95\xED\xA0\x80", 6, 3);
    expect_bad_at("\xE0\xA6\x95\xE0\xA6\x96\xE0\xA6", 8, 6);
    expect_bad_at("\x80"
                  "abc",
                  4, 0);
    expect_bad_at("abc\xF4\x90\x80\x80", 7, 3);
    expect_bad_at("\xE0\xA6\x95\xE0\xA6"
                  "a\xFF",
                  7, 3);
    size_t bad = 77;
    assert_true(utf8_valid("a\xE0\xA6\x95\xF0\x9F\x98\x80", 8, &bad));
    assert_true(utf8_valid("", 0, &bad));
}

static void test_utf8_prev_and_count(void **state)
{
    (void)state;
    const char *s = "a\xE0\xA6\x95\xF0\x9F\x98\x80"
                    "b"; /* a ক 😀 b */
    assert_int_equal(utf8_prev(s, 9), 8);
    assert_int_equal(utf8_prev(s, 8), 4);
    assert_int_equal(utf8_prev(s, 4), 1);
    assert_int_equal(utf8_prev(s, 1), 0);
    assert_int_equal(utf8_count(s, 9), 4);
    assert_int_equal(utf8_count(s, 0), 0);
}

/* ==== unicode ==== */

static void expect_nfc(const char *in, const char *expected)
{
    char out[64];
    int n = unicode_nfc(in, strlen(in), out, sizeof out);
    assert_int_equal(n, (int)strlen(expected));
    assert_string_equal(out, expected);
    assert_true(unicode_is_nfc(expected, strlen(expected)));
}

static void test_nfc_nukta_letters_decompose(void **state)
{
    (void)state;
    expect_nfc("\u09af\u09bc", "\u09af\u09bc"); /* য় typed as য + ়  stays */
    expect_nfc("\u09df", "\u09af\u09bc");       /* precomposed য় is a composition exclusion */
    expect_nfc("\u09dc", "\u09a1\u09bc");       /* ড় */
    expect_nfc("\u09dd", "\u09a2\u09bc");       /* ঢ় */
    assert_false(unicode_is_nfc("\u09df", 3));
}

static void test_nfc_two_part_vowel_signs_compose(void **state)
{
    (void)state;
    expect_nfc("\u0995\u09c7\u09be", "\u0995\u09cb"); /* কো */
    expect_nfc("\u0995\u09c7\u09d7", "\u0995\u09cc"); /* কৌ */
    assert_false(unicode_is_nfc("\u0995\u09c7\u09be", 9));
    expect_nfc("e\u0301", "\u00e9");
    expect_nfc("ক্ষি", "ক্ষি");
}

static void test_nfc_rejects_invalid_and_small_buffer(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(unicode_nfc("a\xC0\x80", 3, out, sizeof out), -1);
    assert_int_equal(unicode_nfc("\u09df", 3, out, 6), -1); /* needs 6 + NUL */
    assert_int_equal(unicode_nfc("\u09df", 3, out, 7), 6);
}

static int count_clusters(const char *s)
{
    size_t len = strlen(s), pos = 0;
    int n = 0;
    while (pos < len) {
        size_t next = unicode_cluster_next(s, len, pos);
        assert_true(next > pos && next <= len);
        pos = next;
        n++;
    }
    return n;
}

static void expect_clusters(const char *s, int n)
{
    int got = count_clusters(s);
    if (got != n)
        fail_msg("\"%s\": %d clusters, expected %d", s, got, n);
}

static void test_clusters_keep_conjuncts_whole(void **state)
{
    (void)state;
    expect_clusters("ক্ষি", 1); /* GB9c */
    expect_clusters("কি", 1);
    expect_clusters("ক্ষ্ম", 1);
    expect_clusters("র্ক", 1);
    expect_clusters("ক্\u200dষ", 1); /* ZWJ does not stop the conjunct */
    expect_clusters("স্ত্রী", 1);
}

static void test_clusters_break_where_expected(void **state)
{
    (void)state;
    assert_true(count_clusters("ক\u200cষ") > 1);
    expect_clusters("ক্\u200cষ", 2); /* ZWNJ ends the conjunct */
    expect_clusters("কক", 2);
    expect_clusters("বাংলা", 2);
    expect_clusters("ক্ষ ক", 3);
    expect_clusters("a\u0301b", 2);
    expect_clusters("\U0001F44D\U0001F3FD\U0001F1E7\U0001F1E9", 2); /* 👍🏽 🇧🇩 */
}

static void test_cluster_prev_mirrors_next(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "ক্ষিপ্র গতিতে র্কাজ ক\u200cষ ক্\u200cষ",
        "স্মার্ট কার্ড: ১২ নভেম্বর, Hello e\u0301!",
        "\U0001F44D\U0001F3FD\U0001F1E7\U0001F1E9a\u09af\u09bcো্",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *s = texts[t];
        size_t len = strlen(s), bounds[256];
        int n = 0;
        for (size_t pos = 0; pos < len; pos = unicode_cluster_next(s, len, pos))
            bounds[n++] = pos;
        for (size_t pos = len; pos > 0;) {
            pos = unicode_cluster_prev(s, len, pos);
            assert_true(n > 0);
            assert_int_equal(pos, bounds[--n]);
        }
        assert_int_equal(n, 0);
    }
}

static void test_digit_values(void **state)
{
    (void)state;
    for (uint32_t d = 0; d < 10; d++) {
        assert_int_equal(unicode_digit_value('0' + d), (int)d);
        assert_int_equal(unicode_digit_value(0x09E6 + d), (int)d);
    }
    assert_int_equal(unicode_digit_value('/'), -1);
    assert_int_equal(unicode_digit_value(':'), -1);
    assert_int_equal(unicode_digit_value('a'), -1);
    assert_int_equal(unicode_digit_value(0x0966), -1); /* Devanagari zero */
    assert_int_equal(unicode_digit_value(0x09F4), -1); /* Bengali currency numerator */
    assert_int_equal(unicode_digit_value(0x0995), -1);
}

/* ==== edit ==== */

static void expect_text(const text_edit_t *e, const char *s)
{
    assert_int_equal(e->len, strlen(s));
    assert_memory_equal(e->buf, s, e->len);
    assert_int_equal(e->buf[e->len], '\0');
    assert_true(utf8_valid(e->buf, e->len, NULL));
}

static void test_backspace_removes_one_code_point(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "ক্ষি"));
    static const char *const steps[] = {"ক্ষ", "ক্", "ক", ""};
    for (int i = 0; i < 4; i++) {
        assert_true(text_edit_backspace(&e));
        expect_text(&e, steps[i]);
        assert_int_equal(e.caret, e.len);
    }
    assert_false(text_edit_backspace(&e));
    expect_text(&e, "");
}

static void test_set_caret_only_on_cluster_boundaries(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "ক্ষিমা"));
    const size_t ksi = strlen("ক্ষি");
    for (size_t at = 1; at < ksi; at++) { /* inside ক্ষি: after ক, after ্, after ষ */
        assert_false(text_edit_set_caret(&e, at));
        assert_int_equal(e.caret, e.len); /* unchanged */
    }
    assert_true(text_edit_set_caret(&e, 0));
    assert_int_equal(e.caret, 0);
    assert_true(text_edit_set_caret(&e, ksi));
    assert_int_equal(e.caret, ksi);
    assert_true(text_edit_set_caret(&e, e.len));
    assert_false(text_edit_set_caret(&e, e.len + 1));
    assert_int_equal(e.caret, e.len);
}

static void test_backspace_emoji_keeps_utf8_valid(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "a\U0001F600\U0001F44D\U0001F3FD"));
    static const char *const steps[] = {"a\U0001F600\U0001F44D", "a\U0001F600", "a", ""};
    for (int i = 0; i < 4; i++) {
        assert_true(text_edit_backspace(&e));
        expect_text(&e, steps[i]);
    }
}

static void test_backspace_leaves_no_removed_bytes(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "নাম\U0001F600"));
    size_t old = e.len;
    while (text_edit_backspace(&e))
        for (size_t i = e.len; i < old; i++)
            assert_int_equal(e.buf[i], 0);
}

static void expect_insert_rejected(text_edit_t *e, const char *s)
{
    text_edit_t before = *e;
    assert_false(text_edit_insert(e, s));
    assert_memory_equal(e, &before, sizeof before);
}

static void test_insert_rejects_invalid_utf8(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_insert(&e, "কি"));
    expect_insert_rejected(&e, "\xC0\x80");
    expect_insert_rejected(&e, "\xE0\xA6");
    expect_insert_rejected(&e, "\xED\xA0\x80");
    expect_insert_rejected(&e, "\xF4\x90\x80\x80");
    expect_insert_rejected(&e, "a\x80");
    expect_insert_rejected(&e, "\xE0\xA6\x95\xE0");
    expect_text(&e, "কি");
}

static void test_insert_respects_max_code_points(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 4);
    assert_true(text_edit_insert(&e, "ক্ষ")); /* 3 code points */
    expect_insert_rejected(&e, "িা");        /* would be 5 */
    assert_true(text_edit_insert(&e, "ি"));  /* exactly 4 */
    expect_insert_rejected(&e, "a");
    expect_text(&e, "ক্ষি");
    assert_true(text_edit_backspace(&e));
    assert_true(text_edit_insert(&e, "a"));
    expect_text(&e, "ক্ষa");
}

static void test_insert_stops_at_byte_capacity(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 10000);
    int inserted = 0;
    while (text_edit_insert(&e, "ক"))
        inserted++;
    assert_int_equal(inserted, (TEXT_EDIT_CAP - 1) / 3);
    assert_true(e.len < TEXT_EDIT_CAP);
    assert_int_equal(e.buf[e.len], '\0');
    assert_true(utf8_valid(e.buf, e.len, NULL));
}

static void test_caret_moves_by_cluster(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "ক্ষিতি")); /* clusters ক্ষি (12 bytes), তি (6) */
    assert_int_equal(e.caret, 18);
    assert_true(text_edit_left(&e));
    assert_int_equal(e.caret, 12);
    assert_true(text_edit_left(&e));
    assert_int_equal(e.caret, 0);
    assert_false(text_edit_left(&e));
    assert_true(text_edit_right(&e));
    assert_int_equal(e.caret, 12);
    assert_true(text_edit_right(&e));
    assert_int_equal(e.caret, 18);
    assert_false(text_edit_right(&e));
}

static void test_caret_never_inside_conjunct(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "ক্ষি"));
    assert_true(text_edit_left(&e));
    assert_int_equal(e.caret, 0); /* not 3, between ক and ্ষ */
    assert_true(text_edit_right(&e));
    assert_int_equal(e.caret, 12);
}

static void test_insert_in_the_middle(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "কিছু"));
    assert_true(text_edit_left(&e));
    assert_int_equal(e.caret, 6);
    assert_true(text_edit_insert(&e, "ক্ষ"));
    expect_text(&e, "কিক্ষছু");
    assert_int_equal(e.caret, 15);
    assert_true(text_edit_backspace(&e)); /* removes ষ only */
    expect_text(&e, "কিক্ছু");
    assert_int_equal(e.caret, 12);
    while (text_edit_left(&e))
        ;
    assert_true(text_edit_insert(&e, "A "));
    expect_text(&e, "A কিক্ছু");
}

static void test_set_replaces_text(void **state)
{
    (void)state;
    text_edit_t e;
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "পুরনো"));
    assert_true(text_edit_set(&e, "নতুন"));
    expect_text(&e, "নতুন");
    assert_int_equal(e.caret, e.len);
    assert_false(text_edit_set(&e, "\xC0\x80"));
    assert_true(utf8_valid(e.buf, e.len, NULL));
    assert_int_equal(e.max_cps, 40);
}

static void test_wipe_zeroes_whole_struct(void **state)
{
    (void)state;
    text_edit_t e;
    memset(&e, 0xA5, sizeof e);
    text_edit_init(&e, 40);
    assert_true(text_edit_set(&e, "রহিম উদ্দিন ০১৭১১"));
    assert_true(text_edit_left(&e));
    text_edit_wipe(&e);
    const unsigned char *p = (const unsigned char *)&e;
    for (size_t i = 0; i < sizeof e; i++)
        if (p[i] != 0)
            fail_msg("byte %zu of %zu is %#x after wipe", i, sizeof e, p[i]);
}

/* ==== shaping with the real fonts ==== */

static const text_style_t BODY = {32, false};

static SDL_Surface *render(const char *s)
{
    SDL_Surface *surf = text_render_line(fonts, BODY, s, strlen(s));
    assert_non_null(surf);
    assert_int_equal(surf->format->format, SDL_PIXELFORMAT_ARGB8888);
    return surf;
}

static int alpha_at(const SDL_Surface *s, int x, int y)
{
    if (x < 0 || y < 0 || x >= s->w || y >= s->h)
        return 0;
    const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
    return (int)(row[x] >> 24);
}

static int ink(const SDL_Surface *s)
{
    int n = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            n += alpha_at(s, x, y) > 128;
    return n;
}

/* Pixels where the shaped line differs from the parts drawn one after another. */
static int diff_side_by_side(const SDL_Surface *shaped, SDL_Surface *const *parts, int n)
{
    int total_w = 0, h = shaped->h;
    for (int i = 0; i < n; i++) {
        total_w += parts[i]->w;
        h = parts[i]->h > h ? parts[i]->h : h;
    }
    int w = total_w > shaped->w ? total_w : shaped->w, diff = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int a = 0, off = 0;
            for (int i = 0; i < n; i++) {
                int pa = alpha_at(parts[i], x - off, y);
                a = pa > a ? pa : a;
                off += parts[i]->w;
            }
            int d = alpha_at(shaped, x, y) - a;
            diff += d > 96 || d < -96;
        }
    return diff;
}

typedef struct {
    int whole_w; /* width of the shaped text */
    int parts_w; /* summed widths of the parts, each drawn alone */
    int diff;    /* pixels that differ between the two drawings */
    int ink;     /* inked pixels of the shaped text */
} shape_cmp_t;

/* Draws whole as one shaped line and its parts one by one, side by side. */
static shape_cmp_t compare_shaped(const char *whole, const char *const *parts, int n)
{
    SDL_Surface *shaped = render(whole), *ps[8];
    shape_cmp_t c = {.whole_w = shaped->w, .ink = ink(shaped)};
    assert_in_range(n, 1, 8);
    for (int i = 0; i < n; i++) {
        ps[i] = render(parts[i]);
        c.parts_w += ps[i]->w;
    }
    c.diff = diff_side_by_side(shaped, ps, n);
    SDL_FreeSurface(shaped);
    for (int i = 0; i < n; i++)
        SDL_FreeSurface(ps[i]);
    assert_true(c.ink > 20);
    if (c.diff <= c.ink / 5)
        fail_msg("\"%s\": only %d pixels differ from its parts drawn alone (ink %d)", whole, c.diff,
                 c.ink);
    return c;
}

static void test_shaped_ki_differs_from_glyph_by_glyph(void **state)
{
    (void)state;
    const char *parts[] = {"ক", "ি"};
    shape_cmp_t c = compare_shaped("কি", parts, 2);
    assert_int_not_equal(c.whole_w, c.parts_w);
}

/* ি is typed after ক but drawn before it: where ক alone is drawn, "কি" has other ink (a
 * line drawn in logical order would start with an identical ক). */
static void test_shaped_ki_draws_vowel_sign_first(void **state)
{
    (void)state;
    SDL_Surface *ki = render("কি"), *ka = render("ক");
    assert_true(ki->w > ka->w);
    int diff = 0;
    for (int y = 0; y < ka->h; y++)
        for (int x = 0; x < ka->w; x++) {
            int d = alpha_at(ki, x, y) - alpha_at(ka, x, y);
            diff += d > 96 || d < -96;
        }
    if (diff <= ink(ka) / 2)
        fail_msg("\"কি\" starts like \"ক\": %d pixels differ, ink %d", diff, ink(ka));
    SDL_FreeSurface(ki);
    SDL_FreeSurface(ka);
}

static void test_conjunct_ksha_narrower_than_its_letters(void **state)
{
    (void)state;
    const char *parts[] = {"ক", "্", "ষ"};
    shape_cmp_t c = compare_shaped("ক্ষ", parts, 3);
    assert_true(c.whole_w < c.parts_w);
    /* A real conjunct is narrower than ক and ষ side by side, hasanta or not. */
    assert_true(c.whole_w < text_measure(fonts, BODY, "ক", 3) + text_measure(fonts, BODY, "ষ", 3));
}

static void test_reph_drawn_above_not_beside(void **state)
{
    (void)state;
    const char *parts[] = {"র", "্", "ক"};
    shape_cmp_t c = compare_shaped("র্ক", parts, 3);
    assert_true(c.whole_w < c.parts_w);
    /* The reph sits on top of ক: narrower than র and ক side by side. */
    assert_true(c.whole_w < text_measure(fonts, BODY, "র", 3) + text_measure(fonts, BODY, "ক", 3));
}

static void test_render_width_matches_measure(void **state)
{
    (void)state;
    const char *s = "জন্ম নিবন্ধন: Birth 2024";
    SDL_Surface *surf = render(s);
    assert_int_equal(surf->w, text_measure(fonts, BODY, s, strlen(s)));
    int ascent, line_h;
    text_line_metrics(fonts, BODY, &ascent, &line_h);
    assert_int_equal(surf->h, line_h);
    assert_true(ascent > 0 && ascent < line_h);
    SDL_FreeSurface(surf);
}

/* ==== script runs ==== */

/* Runs cover s exactly, in order, and each run's face draws every code point in it. */
static int split_checked(const char *s, bool bold, text_run_t *runs)
{
    size_t len = strlen(s);
    int n = text_runs_split(fonts, bold, s, len, runs, TEXT_MAX_RUNS);
    assert_in_range(n, 1, TEXT_MAX_RUNS);
    size_t pos = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(runs[i].start, pos);
        assert_true(runs[i].len > 0);
        if (i > 0)
            assert_int_not_equal(runs[i].face, runs[i - 1].face);
        TTF_Font *font = fonts_get(fonts, runs[i].face, 24);
        assert_non_null(font);
        for (size_t p = runs[i].start; p < runs[i].start + runs[i].len;) {
            uint32_t cp;
            int k = utf8_decode(s + p, len - p, &cp);
            assert_true(k > 0);
            if (cp != ' ' && !TTF_GlyphIsProvided32(font, cp))
                fail_msg("\"%s\": face %d has no glyph for U+%04X", s, runs[i].face, (unsigned)cp);
            p += (size_t)k;
        }
        pos += runs[i].len;
    }
    assert_int_equal(pos, len);
    return n;
}

static const text_run_t *run_at(const text_run_t *runs, int n, size_t byte)
{
    for (int i = 0; i < n; i++)
        if (byte >= runs[i].start && byte < runs[i].start + runs[i].len)
            return &runs[i];
    fail_msg("no run at byte %zu", byte);
    return NULL;
}

static void test_runs_split_latin_and_bengali(void **state)
{
    (void)state;
    const char *s = "Hello বাংলা 123";
    text_run_t runs[TEXT_MAX_RUNS];
    int n = split_checked(s, false, runs);
    assert_true(n >= 2);
    const text_run_t *latin = run_at(runs, n, 0);
    assert_int_equal(latin->face, FACE_LATIN);
    assert_true(latin->len >= 5); /* all of "Hello" */
    size_t bn = (size_t)(strstr(s, "বাংলা") - s);
    const text_run_t *bengali = run_at(runs, n, bn);
    assert_int_equal(bengali->face, FACE_BENGALI);
    assert_true(bengali->start + bengali->len >= bn + strlen("বাংলা"));
}

static void test_runs_bold_faces(void **state)
{
    (void)state;
    text_run_t runs[TEXT_MAX_RUNS];
    int n = split_checked("Hello বাংলা", true, runs);
    assert_int_equal(run_at(runs, n, 0)->face, FACE_LATIN_BOLD);
    assert_int_equal(run_at(runs, n, strlen("Hello "))->face, FACE_BENGALI_BOLD);
}

static void test_runs_bangla_date_is_one_run(void **state)
{
    (void)state;
    text_run_t runs[TEXT_MAX_RUNS];
    const char *s = "১২ নভেম্বর";
    assert_int_equal(split_checked(s, false, runs), 1);
    assert_int_equal(runs[0].face, FACE_BENGALI);
    assert_int_equal(runs[0].len, strlen(s));
}

static void test_runs_taka_sign_has_a_face(void **state)
{
    (void)state;
    text_run_t runs[TEXT_MAX_RUNS];
    for (int bold = 0; bold < 2; bold++) {
        int n = split_checked("৳ 50", bold, runs); /* checks ৳ is drawable in its run */
        const text_run_t *taka = run_at(runs, n, 0);
        assert_true(TTF_GlyphIsProvided32(fonts_get(fonts, taka->face, 24), 0x09F3));
    }
    split_checked("মোট: ৳ 1,250.00 (Total)", false, runs);
}

/* ==== layout ==== */

static const char SENTENCE[] =
    "বাংলাদেশের প্রত্যেক নাগরিকের জন্ম নিবন্ধন সনদ প্রয়োজন । স্মার্ট কার্ডের জন্য ক্ষুদ্র "
    "ব্যবসায়ীরাও আবেদন করতে পারেন । শিক্ষার্থীরা বৃত্তির জন্য অনলাইনে আবেদন করবে ।";

static text_box_t box_of(int size, int max_w, int max_lines, int min_size)
{
    return (text_box_t){
        .style = {size, false}, .max_w = max_w, .max_lines = max_lines, .min_size_px = min_size};
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static bool is_cluster_boundary(const char *s, size_t at)
{
    size_t len = strlen(s), pos = 0;
    while (pos < at)
        pos = unicode_cluster_next(s, len, pos);
    return pos == at;
}

/* What every layout must satisfy: breaks at spaces, no leading danda, words never split
 * (a line ends at a word end unless it carries an ellipsis after a cluster boundary), widths
 * within the box, and a rendered surface no wider than the box. */
static void check_layout(const char *s, const text_box_t *box, const text_layout_t *l)
{
    size_t len = strlen(s);
    assert_in_range(l->line_count, 1, box->max_lines);
    for (int i = 0; i < l->line_count; i++) {
        const text_line_t *ln = &l->lines[i];
        const char *t = s + ln->start;
        assert_true(ln->start + ln->len <= len);
        if (ln->start > 0 && s[ln->start - 1] != ' ' && s[ln->start - 1] != '\n')
            fail_msg("line %d starts inside a word: \"%.*s\"", i, (int)ln->len, t);
        if (starts_with(t, ln->len, "।") || starts_with(t, ln->len, " "))
            fail_msg("line %d starts with a danda or space: \"%.*s\"", i, (int)ln->len, t);
        size_t end = ln->start + ln->len;
        if (ln->ellipsis)
            assert_true(is_cluster_boundary(s, end));
        else if (ln->len > 0 && end < len && s[end] != ' ' && s[end] != '\n')
            fail_msg("line %d ends inside a word: \"%.*s\"", i, (int)ln->len, t);
        if (ln->w > box->max_w)
            fail_msg("line %d is %d px wide in a %d px box", i, ln->w, box->max_w);
    }
    SDL_Surface *surf = text_layout_render(fonts, s, l, TEXT_ALIGN_LEFT);
    assert_non_null(surf);
    if (surf->w > box->max_w)
        fail_msg("rendered %d px wide in a %d px box", surf->w, box->max_w);
    assert_int_equal(surf->h, l->line_count * l->line_h);
    SDL_FreeSurface(surf);
}

/* The lines joined with single spaces give back the text (nothing lost, nothing repeated). */
static void check_complete(const char *s, const text_layout_t *l)
{
    char joined[2048] = "";
    size_t n = 0;
    for (int i = 0; i < l->line_count; i++) {
        assert_false(l->lines[i].ellipsis);
        n += (size_t)snprintf(joined + n, sizeof joined - n, "%s%.*s", i ? " " : "",
                              (int)l->lines[i].len, s + l->lines[i].start);
    }
    assert_string_equal(joined, s);
}

static int widest_word(const char *s, text_style_t st)
{
    int widest = 0;
    const char *w = s;
    while (*w) {
        size_t n = strcspn(w, " ");
        int px = text_measure(fonts, st, w, n);
        widest = px > widest ? px : widest;
        w += n + (w[n] == ' ');
    }
    return widest;
}

static void test_wrap_breaks_only_at_spaces(void **state)
{
    (void)state;
    int widest = widest_word(SENTENCE, (text_style_t){24, false});
    int widths[] = {widest, widest + 13, widest * 3 / 2, widest * 2, widest * 3, widest * 5};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        text_box_t box = box_of(24, widths[i], TEXT_MAX_LINES, 0);
        text_layout_t l;
        text_layout(fonts, SENTENCE, &box, &l);
        check_layout(SENTENCE, &box, &l);
        assert_false(l.shrunk);
        assert_true(l.line_count > 1);
    }
}

/* Wide enough for the whole sentence in 12 lines: every word is there, in order. */
static void test_wrap_keeps_every_word(void **state)
{
    (void)state;
    int widest = widest_word(SENTENCE, (text_style_t){24, false});
    int widths[] = {widest * 2, widest * 2 + 29, widest * 3, widest * 5};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        text_box_t box = box_of(24, widths[i], TEXT_MAX_LINES, 0);
        text_layout_t l;
        text_layout(fonts, SENTENCE, &box, &l);
        check_layout(SENTENCE, &box, &l);
        assert_false(l.ellipsized);
        assert_true(l.line_count > 1);
        check_complete(SENTENCE, &l);
    }
}

static void test_wrap_never_starts_line_with_danda(void **state)
{
    (void)state;
    int widest = widest_word(SENTENCE, (text_style_t){24, false});
    for (int w = widest; w < widest * 6; w += 7) {
        text_box_t box = box_of(24, w, TEXT_MAX_LINES, 0);
        text_layout_t l;
        text_layout(fonts, SENTENCE, &box, &l);
        check_layout(SENTENCE, &box, &l);
    }
}

/* A box just wide enough for "... কথা" but not for "... কথা<sp>।": the danda may not start
 * the next line, so কথা goes down with it. */
static void check_danda_kept_with_word(const char *s, const char *before_danda)
{
    text_style_t st = {24, false};
    size_t cut = (size_t)(strstr(s, before_danda) - s) + strlen(before_danda);
    int fits = text_measure(fonts, st, s, cut);
    assert_true(text_measure(fonts, st, s, strlen(s)) > fits);
    text_box_t box = box_of(24, fits, TEXT_MAX_LINES, 0);
    text_layout_t l;
    text_layout(fonts, s, &box, &l);
    check_layout(s, &box, &l);
    assert_true(l.line_count >= 2);
}

static void test_danda_after_space_stays_on_line(void **state)
{
    (void)state;
    check_danda_kept_with_word("আমি বাংলায় কথা । বলি", "কথা");
}

static void test_danda_after_double_space_stays_on_line(void **state)
{
    (void)state;
    check_danda_kept_with_word("আমি বাংলায় কথা  । বলি", "কথা");
}

static void test_long_word_is_ellipsized_not_split(void **state)
{
    (void)state;
    const char *word = "অপ্রতিরোধ্যভাবে";
    int full = text_measure(fonts, (text_style_t){28, false}, word, strlen(word));
    text_box_t box = box_of(28, full / 2, 3, 28);
    text_layout_t l;
    text_layout(fonts, word, &box, &l);
    check_layout(word, &box, &l);
    assert_int_equal(l.line_count, 1);
    assert_true(l.ellipsized);
    assert_true(l.lines[0].ellipsis);
    assert_int_equal(l.lines[0].start, 0);
    assert_true(l.lines[0].len > 0 && l.lines[0].len < strlen(word));
    char with[256];
    snprintf(with, sizeof with, "%.*s…", (int)l.lines[0].len, word);
    assert_true(text_measure(fonts, l.style, with, strlen(with)) <= box.max_w);
}

static void test_long_word_among_others_not_continued(void **state)
{
    (void)state;
    const char *s = "নাম অপ্রতিরোধ্যভাবে ক্ষমতা";
    const char *long_word = "অপ্রতিরোধ্যভাবে";
    int word = text_measure(fonts, (text_style_t){28, false}, long_word, strlen(long_word));
    text_box_t box = box_of(28, word * 2 / 3, 4, 28);
    text_layout_t l;
    text_layout(fonts, s, &box, &l);
    check_layout(s, &box, &l);
    assert_true(l.ellipsized);
    assert_int_equal(l.line_count, 3);
}

static void test_layout_shrinks_before_ellipsizing(void **state)
{
    (void)state;
    const char *s = "জন্ম নিবন্ধন সনদ";
    int full = text_measure(fonts, (text_style_t){30, false}, s, strlen(s));
    text_box_t box = box_of(30, full * 85 / 100, 1, 18);
    text_layout_t l;
    text_layout(fonts, s, &box, &l);
    check_layout(s, &box, &l);
    assert_true(l.shrunk);
    assert_false(l.ellipsized);
    assert_true(l.style.size_px < 30 && l.style.size_px >= 18);
    assert_int_equal(l.line_count, 1);
    assert_int_equal(l.lines[0].len, strlen(s));
}

static void test_layout_ellipsizes_only_at_min_size(void **state)
{
    (void)state;
    const char *s = "জন্ম নিবন্ধন সনদ";
    int full = text_measure(fonts, (text_style_t){30, false}, s, strlen(s));
    text_box_t box = box_of(30, full * 3 / 10, 1, 18);
    text_layout_t l;
    text_layout(fonts, s, &box, &l);
    check_layout(s, &box, &l);
    assert_true(l.shrunk);
    assert_true(l.ellipsized);
    assert_int_equal(l.style.size_px, 18);
}

static void test_layout_too_many_lines_ellipsizes_last(void **state)
{
    (void)state;
    int widest = widest_word(SENTENCE, (text_style_t){24, false});
    text_box_t box = box_of(24, widest * 2, 2, 0);
    text_layout_t l;
    text_layout(fonts, SENTENCE, &box, &l);
    check_layout(SENTENCE, &box, &l);
    assert_int_equal(l.line_count, 2);
    assert_false(l.lines[0].ellipsis);
    assert_true(l.lines[1].ellipsis);
    assert_true(l.ellipsized);
    assert_false(l.shrunk);
}

/* A box narrower than "…" itself: the surface must still fit the box (draw nothing rather
 * than spill over the neighbours): the line is empty, without a dangling ellipsis. */
static void test_box_narrower_than_ellipsis_stays_in_box(void **state)
{
    (void)state;
    int ell = text_measure(fonts, (text_style_t){24, false}, "…", strlen("…"));
    text_box_t box = box_of(24, ell / 2, 1, 0);
    text_layout_t l;
    text_layout(fonts, "অপ্রতিরোধ্যভাবে", &box, &l);
    check_layout("অপ্রতিরোধ্যভাবে", &box, &l);
    assert_int_equal(l.lines[0].len, 0);
    assert_false(l.lines[0].ellipsis);
}

/* A line longer than TEXT_LINE_MAX bytes in a very wide box: the layout's width must be the
 * text's true width (summed word by word), else words past the limit are silently lost. */
static void test_long_line_in_wide_box_keeps_true_width(void **state)
{
    (void)state;
    text_style_t st = {20, false};
    static char s[TEXT_LINE_MAX * 2];
    s[0] = '\0';
    while (strlen(s) + 40 < sizeof s && strlen(s) < TEXT_LINE_MAX * 3 / 2)
        strcat(s, s[0] ? " বাংলাদেশের" : "বাংলাদেশের");
    int words = 0, space = text_measure(fonts, st, " ", 1), sum = -space;
    for (const char *w = s; *w; words++) {
        size_t n = strcspn(w, " ");
        sum += text_measure(fonts, st, w, n) + space;
        w += n + (w[n] == ' ');
    }
    text_box_t box = box_of(20, sum * 2, 1, 0);
    text_layout_t l;
    text_layout(fonts, s, &box, &l);
    check_layout(s, &box, &l);
    check_complete(s, &l);
    /* Shaped as one line, each word's width rounds differently than alone: allow 2 px a
     * word. Before the fix the long line measured a third short. */
    if (l.lines[0].w < sum - 2 * words)
        fail_msg("%zu-byte line measured %d px, its words add up to %d px", strlen(s), l.lines[0].w,
                 sum);
}

/* ==== fonts ==== */

/* A fonts folder made from the bundled one (symbolic links), then spoiled one way. */
static void spoilt_fonts(char *dir, size_t cap, const char *face, const char *how)
{
    static const char *const files[] = {"NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf",
                                        "NotoSans-Regular.ttf",        "NotoSans-Bold.ttf",
                                        "MaterialIcons-Regular.ttf",   "MaterialIcons.codepoints"};
    char tmpl[] = "/tmp/test-fonts-XXXXXX", cwd[512], from[1024], to[1024];
    assert_non_null(mkdtemp(tmpl));
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(dir, cap, "%s", tmpl);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        if (strcmp(files[i], face) == 0) {
            FILE *empty = strcmp(how, "empty") == 0 ? fopen(to, "w") : NULL;
            if (empty)
                fclose(empty);
            else if (strcmp(how, "folder") == 0)
                assert_int_equal(mkdir(to, 0700), 0);
            continue; /* "missing" */
        }
        snprintf(from, sizeof from, "%s/fonts/%s", cwd, files[i]);
        assert_int_equal(symlink(from, to), 0);
    }
}

static void expect_fonts_refused(const char *face, const char *how, const char *why)
{
    char dir[64], err[512] = "", want[600];
    spoilt_fonts(dir, sizeof dir, face, how);
    fonts_t *f = fonts_open(dir, err, sizeof err);
    snprintf(want, sizeof want, "%s/%s: %s", dir, face, why);
    if (f || strcmp(err, want) != 0)
        fail_msg("%s %s: %s, expected \"%s\"", how, face, f ? "opened" : err, want);
    remove_tree(dir);
}

/* Fonts are mapped, not read: a missing, empty or non-file font still names itself and why. */
static void test_fonts_refuse_missing_empty_and_folders(void **state)
{
    (void)state;
    expect_fonts_refused("NotoSans-Bold.ttf", "missing", "cannot open: No such file or directory");
    expect_fonts_refused("NotoSansBengali-Regular.ttf", "empty",
                         "cannot read font: empty or too large");
    expect_fonts_refused("MaterialIcons-Regular.ttf", "folder", "not a regular file");
    char dir[64], err[512] = "";
    spoilt_fonts(dir, sizeof dir, "none", "");
    fonts_t *f = fonts_open(dir, err, sizeof err);
    assert_non_null(f);
    /* The mapping is what FreeType reads: a conjunct is measured from its glyphs. */
    int w = 0, h = 0;
    TTF_Font *bn = fonts_get(f, FACE_BENGALI, 24);
    assert_non_null(bn);
    assert_int_equal(TTF_SizeUTF8(bn, "ক্ষ", &w, &h), 0);
    assert_true(w > 0 && h > 0);
    fonts_close(f);
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fonts_refuse_missing_empty_and_folders),
        cmocka_unit_test(test_utf8_decode_rejects_overlong),
        cmocka_unit_test(test_utf8_decode_rejects_surrogates_and_beyond_max),
        cmocka_unit_test(test_utf8_decode_rejects_truncated),
        cmocka_unit_test(test_utf8_decode_rejects_stray_continuation),
        cmocka_unit_test(test_utf8_decode_known_sequences),
        cmocka_unit_test(test_utf8_round_trip_every_code_point),
        cmocka_unit_test(test_utf8_encode_known_sequences),
        cmocka_unit_test(test_utf8_valid_reports_first_bad_offset),
        cmocka_unit_test(test_utf8_prev_and_count),
        cmocka_unit_test(test_nfc_nukta_letters_decompose),
        cmocka_unit_test(test_nfc_two_part_vowel_signs_compose),
        cmocka_unit_test(test_nfc_rejects_invalid_and_small_buffer),
        cmocka_unit_test(test_clusters_keep_conjuncts_whole),
        cmocka_unit_test(test_clusters_break_where_expected),
        cmocka_unit_test(test_cluster_prev_mirrors_next),
        cmocka_unit_test(test_digit_values),
        cmocka_unit_test(test_backspace_removes_one_code_point),
        cmocka_unit_test(test_set_caret_only_on_cluster_boundaries),
        cmocka_unit_test(test_backspace_emoji_keeps_utf8_valid),
        cmocka_unit_test(test_backspace_leaves_no_removed_bytes),
        cmocka_unit_test(test_insert_rejects_invalid_utf8),
        cmocka_unit_test(test_insert_respects_max_code_points),
        cmocka_unit_test(test_insert_stops_at_byte_capacity),
        cmocka_unit_test(test_caret_moves_by_cluster),
        cmocka_unit_test(test_caret_never_inside_conjunct),
        cmocka_unit_test(test_insert_in_the_middle),
        cmocka_unit_test(test_set_replaces_text),
        cmocka_unit_test(test_wipe_zeroes_whole_struct),
        cmocka_unit_test(test_shaped_ki_differs_from_glyph_by_glyph),
        cmocka_unit_test(test_shaped_ki_draws_vowel_sign_first),
        cmocka_unit_test(test_conjunct_ksha_narrower_than_its_letters),
        cmocka_unit_test(test_reph_drawn_above_not_beside),
        cmocka_unit_test(test_render_width_matches_measure),
        cmocka_unit_test(test_runs_split_latin_and_bengali),
        cmocka_unit_test(test_runs_bold_faces),
        cmocka_unit_test(test_runs_bangla_date_is_one_run),
        cmocka_unit_test(test_runs_taka_sign_has_a_face),
        cmocka_unit_test(test_wrap_breaks_only_at_spaces),
        cmocka_unit_test(test_wrap_keeps_every_word),
        cmocka_unit_test(test_wrap_never_starts_line_with_danda),
        cmocka_unit_test(test_danda_after_space_stays_on_line),
        cmocka_unit_test(test_danda_after_double_space_stays_on_line),
        cmocka_unit_test(test_long_word_is_ellipsized_not_split),
        cmocka_unit_test(test_long_word_among_others_not_continued),
        cmocka_unit_test(test_layout_shrinks_before_ellipsizing),
        cmocka_unit_test(test_layout_ellipsizes_only_at_min_size),
        cmocka_unit_test(test_layout_too_many_lines_ellipsizes_last),
        cmocka_unit_test(test_box_narrower_than_ellipsis_stays_in_box),
        cmocka_unit_test(test_long_line_in_wide_box_keeps_true_width),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
