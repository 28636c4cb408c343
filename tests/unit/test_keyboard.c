/* tests/unit/test_keyboard.c - unit tests for ui/keyboard: coverage of Bangla, ids, sizes. */
#include "ui/keyboard.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/fonts.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "ui/textcache.h"

/*
 * Which letters must be reachable comes from Unicode (utf8proc's tables say which code points
 * of U+0995..U+09B9 are assigned) and from the Bangla alphabet written out by hand here, never
 * from the layout tables under test.
 */

#define DPI 132

typedef struct {
    fonts_t *fonts;
    textcache_t *cache;
    ui_t *ui;
} fixture_t;

static int setup(void **state)
{
    static fixture_t fx;
    char err[256] = "";
    fx.fonts = fonts_open("fonts", err, sizeof err);
    if (!fx.fonts) {
        fprintf(stderr, "fonts_open: %s\n", err);
        return -1;
    }
    fx.cache = textcache_new(fx.fonts);
    fx.ui = calloc(1, sizeof *fx.ui);
    if (!fx.cache || !fx.ui)
        return -1;
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    textcache_free(fx->cache);
    free(fx->ui);
    fonts_close(fx->fonts);
    return 0;
}

/* ---- walking the layout data ---- */

typedef void (*key_fn)(const kb_key_t *k, void *ctx);

static void each_key(const kb_page_t *p, key_fn fn, void *ctx)
{
    assert_in_range(p->row_count, 1, KB_MAX_ROWS);
    for (int r = 0; r < p->row_count; r++) {
        int i = 0;
        for (; i < KB_MAX_KEYS && p->rows[r][i].span > 0; i++)
            fn(&p->rows[r][i], ctx);
        assert_true(i < KB_MAX_KEYS); /* every row is terminated */
    }
}

typedef struct {
    const char *text;
    bool found;
} find_t;

static void find_key(const kb_key_t *k, void *ctx)
{
    find_t *f = ctx;
    if (k->kind == KEY_CHAR && k->text && strcmp(k->text, f->text) == 0)
        f->found = true;
}

static bool page_has(const kb_page_t *p, const char *text)
{
    find_t f = {text, false};
    each_key(p, find_key, &f);
    return f.found;
}

static bool layout_has(kb_layout_t layout, lang_t lang, const char *text)
{
    for (int pg = 0; pg < keyboard_page_count(layout); pg++)
        if (page_has(keyboard_page(layout, pg, lang), text))
            return true;
    return false;
}

static void expect_bangla_keys(const char *const *texts, int n, bool primary_only)
{
    for (int i = 0; i < n; i++) {
        bool ok = primary_only ? page_has(keyboard_page(KB_BANGLA, 0, LANG_BN), texts[i])
                               : layout_has(KB_BANGLA, LANG_BN, texts[i]);
        if (!ok)
            fail_msg("\"%s\" is not on %s of the Bangla keyboard", texts[i],
                     primary_only ? "page 0" : "any page");
    }
}

/* ---- Bangla coverage ---- */

static void test_bangla_every_assigned_consonant_reachable(void **state)
{
    (void)state;
    int assigned = 0;
    for (uint32_t cp = 0x0995; cp <= 0x09B9; cp++) {
        if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_CN)
            continue;
        char s[5] = {0};
        assert_true(utf8_encode(cp, s) == 3);
        if (!layout_has(KB_BANGLA, LANG_BN, s))
            fail_msg("consonant U+%04X (%s) is not on the Bangla keyboard", (unsigned)cp, s);
        assigned++;
    }
    assert_int_equal(assigned, 32); /* ক..হ: the 32 consonants of the alphabet */
}

static void test_bangla_consonants_match_alphabet(void **state)
{
    (void)state;
    static const char *const alphabet[] = {"ক", "খ", "গ", "ঘ", "ঙ", "চ", "ছ", "জ", "ঝ", "ঞ", "ট",
                                           "ঠ", "ড", "ঢ", "ণ", "ত", "থ", "দ", "ধ", "ন", "প", "ফ",
                                           "ব", "ভ", "ম", "য", "র", "ল", "শ", "ষ", "স", "হ"};
    expect_bangla_keys(alphabet, 32, false);
}

static void test_bangla_nukta_letters_and_khanda_ta_reachable(void **state)
{
    (void)state;
    static const char *const letters[] = {"\u09a1\u09bc", "\u09a2\u09bc", "\u09af\u09bc", "\u09ce"};
    expect_bangla_keys(letters, 4, false);
    /* The precomposed forms are not NFC and must not be typed. */
    assert_false(layout_has(KB_BANGLA, LANG_BN, "\u09dc"));
    assert_false(layout_has(KB_BANGLA, LANG_BN, "\u09dd"));
    assert_false(layout_has(KB_BANGLA, LANG_BN, "\u09df"));
}

static void test_bangla_vowel_signs_and_hasanta_on_primary_page(void **state)
{
    (void)state;
    static const char *const signs[] = {"া", "ি", "ী", "ু", "ূ", "ৃ", "ে", "ৈ", "ো", "ৌ", "্"};
    expect_bangla_keys(signs, 11, true);
}

static void test_bangla_independent_vowels_reachable(void **state)
{
    (void)state;
    static const char *const vowels[] = {"অ", "আ", "ই", "ঈ", "উ", "ঊ", "ঋ", "এ", "ঐ", "ও", "ঔ"};
    expect_bangla_keys(vowels, 11, false);
}

static void test_bangla_marks_zwnj_and_danda_reachable(void **state)
{
    (void)state;
    static const char *const marks[] = {"্", "ং", "ঃ", "ঁ", "\u200c", "।"};
    expect_bangla_keys(marks, 6, false);
}

/* ---- every layout: valid text, unique ids ---- */

static void check_text_valid_nfc(const kb_key_t *k, void *ctx)
{
    (void)ctx;
    if (k->kind != KEY_CHAR)
        return;
    assert_non_null(k->text);
    size_t n = strlen(k->text);
    assert_true(n > 0);
    if (!utf8_valid(k->text, n, NULL) || !unicode_is_nfc(k->text, n))
        fail_msg("key text \"%s\" is not valid NFC UTF-8", k->text);
}

static void test_every_key_text_is_valid_nfc(void **state)
{
    (void)state;
    for (int lay = 0; lay < KB_LAYOUT_COUNT; lay++)
        for (int l = 0; l < LANG_COUNT; l++)
            for (int pg = 0; pg < keyboard_page_count((kb_layout_t)lay); pg++)
                each_key(keyboard_page((kb_layout_t)lay, pg, (lang_t)l), check_text_valid_nfc,
                         NULL);
}

typedef struct {
    char ids[KB_MAX_ROWS * KB_MAX_KEYS][UI_ID_MAX];
    int count;
} id_set_t;

static void collect_id(const kb_key_t *k, void *ctx)
{
    id_set_t *set = ctx;
    if (k->kind == KEY_BLANK)
        return;
    char id[UI_ID_MAX];
    keyboard_key_id(k, id, sizeof id);
    assert_true(id[0] != '\0');
    for (int i = 0; i < set->count; i++)
        if (strcmp(set->ids[i], id) == 0)
            fail_msg("id %s appears twice on one page", id);
    snprintf(set->ids[set->count++], UI_ID_MAX, "%s", id);
}

static void test_key_ids_unique_per_page(void **state)
{
    (void)state;
    for (int lay = 0; lay < KB_LAYOUT_COUNT; lay++)
        for (int l = 0; l < LANG_COUNT; l++)
            for (int pg = 0; pg < keyboard_page_count((kb_layout_t)lay); pg++) {
                id_set_t set = {.count = 0};
                each_key(keyboard_page((kb_layout_t)lay, pg, (lang_t)l), collect_id, &set);
                assert_true(set.count > 0);
            }
}

/* ---- Latin and the pads ---- */

static void test_latin_lowercase_on_page0_uppercase_on_page1(void **state)
{
    (void)state;
    assert_int_equal(keyboard_page_count(KB_LATIN), 2);
    for (char c = 'a'; c <= 'z'; c++) {
        char lower[2] = {c, 0}, upper[2] = {(char)(c - 'a' + 'A'), 0};
        if (!page_has(keyboard_page(KB_LATIN, 0, LANG_EN), lower))
            fail_msg("'%s' missing on Latin page 0", lower);
        if (!page_has(keyboard_page(KB_LATIN, 1, LANG_EN), upper))
            fail_msg("'%s' missing on Latin page 1", upper);
    }
}

static void expect_digits(kb_layout_t layout, lang_t lang, const char *const digits[10],
                          const char *const absent[10])
{
    const kb_page_t *p = keyboard_page(layout, 0, lang);
    for (int d = 0; d < 10; d++) {
        if (!page_has(p, digits[d]))
            fail_msg("layout %d lang %d lacks digit %s", layout, lang, digits[d]);
        if (page_has(p, absent[d]))
            fail_msg("layout %d lang %d shows digit %s", layout, lang, absent[d]);
    }
}

static void test_digit_pads_follow_language(void **state)
{
    (void)state;
    static const char *const bn[10] = {"০", "১", "২", "৩", "৪", "৫", "৬", "৭", "৮", "৯"};
    static const char *const en[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    expect_digits(KB_DIGITS, LANG_BN, bn, en);
    expect_digits(KB_DIGITS, LANG_EN, en, bn);
    expect_digits(KB_DATE, LANG_BN, bn, en);
    expect_digits(KB_DATE, LANG_EN, en, bn);
}

static void test_date_pad_has_slash_digit_pad_does_not(void **state)
{
    (void)state;
    for (int l = 0; l < LANG_COUNT; l++) {
        assert_true(layout_has(KB_DATE, (lang_t)l, "/"));
        assert_false(layout_has(KB_DIGITS, (lang_t)l, "/"));
    }
}

static void test_key_id_names(void **state)
{
    (void)state;
    char id[UI_ID_MAX];
    kb_key_t ch = {KEY_CHAR, "ক", 2};
    keyboard_key_id(&ch, id, sizeof id);
    assert_string_equal(id, "key:ক");
    kb_key_t nukta = {KEY_CHAR, "\u09af\u09bc", 2};
    keyboard_key_id(&nukta, id, sizeof id);
    assert_string_equal(id, "key:\u09af\u09bc");
    static const struct {
        key_kind_t kind;
        const char *id;
    } named[] = {{KEY_BACKSPACE, "key:backspace"},
                 {KEY_SPACE, "key:space"},
                 {KEY_SHIFT, "key:shift"},
                 {KEY_DONE, "key:done"}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        kb_key_t k = {named[i].kind, NULL, 2};
        keyboard_key_id(&k, id, sizeof id);
        assert_string_equal(id, named[i].id);
    }
}

/* ---- touch targets on real screens ---- */

static void count_key(const kb_key_t *k, void *ctx)
{
    if (k->kind != KEY_BLANK)
        ++*(int *)ctx;
}

static bool overlap(ui_rect_t a, ui_rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static bool inside(ui_rect_t r, ui_rect_t area)
{
    return r.x >= area.x && r.y >= area.y && r.x + r.w <= area.x + area.w &&
           r.y + r.h <= area.y + area.h;
}

static void check_targets(const ui_t *ui, ui_rect_t area, int expected_keys, const char *what)
{
    float min = ui->px_per_mm * 9.0f - 0.5f;
    ui_rect_t screen = {0, 0, ui->w, ui->h};
    int active = 0;
    assert_false(ui->overflow);
    for (int i = 0; i < ui->hit_count; i++) {
        const ui_hit_t *h = &ui->hits[i];
        if (!h->active)
            continue;
        active++;
        if ((float)h->r.w < min || (float)h->r.h < min)
            fail_msg("%s: %s is %dx%d px, under 9 mm (%.1f px)", what, h->id, h->r.w, h->r.h,
                     (double)(min + 0.5f));
        if (!inside(h->r, screen) || !inside(h->r, area))
            fail_msg("%s: %s at %d,%d %dx%d is outside", what, h->id, h->r.x, h->r.y, h->r.w,
                     h->r.h);
        for (int j = 0; j < i; j++)
            if (ui->hits[j].active && overlap(h->r, ui->hits[j].r))
                fail_msg("%s: %s overlaps %s", what, h->id, ui->hits[j].id);
    }
    assert_int_equal(active, expected_keys);
}

static void check_screen(ui_t *ui, fixture_t *fx, int w, int h)
{
    ui_init(ui, w, h, DPI, fx->fonts, fx->cache);
    for (int lay = 0; lay < KB_LAYOUT_COUNT; lay++) {
        int kh = keyboard_height(ui, (kb_layout_t)lay, w, h);
        assert_in_range(kh, 1, h);
        ui_rect_t area = {0, h - kh, w, kh};
        for (int l = 0; l < LANG_COUNT; l++)
            for (int pg = 0; pg < keyboard_page_count((kb_layout_t)lay); pg++) {
                char what[64];
                snprintf(what, sizeof what, "%dx%d layout %d page %d lang %d", w, h, lay, pg, l);
                int keys = 0;
                each_key(keyboard_page((kb_layout_t)lay, pg, (lang_t)l), count_key, &keys);
                ui_begin(ui);
                keyboard_build(ui, area, (kb_layout_t)lay, pg, (lang_t)l);
                check_targets(ui, area, keys, what);
            }
    }
}

static void test_targets_800x480(void **state)
{
    fixture_t *fx = *state;
    check_screen(fx->ui, fx, 800, 480);
}

static void test_targets_1280x800(void **state)
{
    fixture_t *fx = *state;
    check_screen(fx->ui, fx, 1280, 800);
}

static void test_targets_480x800(void **state)
{
    fixture_t *fx = *state;
    check_screen(fx->ui, fx, 480, 800);
}

static void test_targets_1920x1080(void **state)
{
    fixture_t *fx = *state;
    check_screen(fx->ui, fx, 1920, 1080);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bangla_every_assigned_consonant_reachable),
        cmocka_unit_test(test_bangla_consonants_match_alphabet),
        cmocka_unit_test(test_bangla_nukta_letters_and_khanda_ta_reachable),
        cmocka_unit_test(test_bangla_vowel_signs_and_hasanta_on_primary_page),
        cmocka_unit_test(test_bangla_independent_vowels_reachable),
        cmocka_unit_test(test_bangla_marks_zwnj_and_danda_reachable),
        cmocka_unit_test(test_every_key_text_is_valid_nfc),
        cmocka_unit_test(test_key_ids_unique_per_page),
        cmocka_unit_test(test_latin_lowercase_on_page0_uppercase_on_page1),
        cmocka_unit_test(test_digit_pads_follow_language),
        cmocka_unit_test(test_date_pad_has_slash_digit_pad_does_not),
        cmocka_unit_test(test_key_id_names),
        cmocka_unit_test(test_targets_800x480),
        cmocka_unit_test(test_targets_1280x800),
        cmocka_unit_test(test_targets_480x800),
        cmocka_unit_test(test_targets_1920x1080),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
