/* tests/unit/test_app.c - the app context: flow, idle wipe, language, touch targets. */
#define _GNU_SOURCE /* memmem, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "screens/screens.h"
#include "store/journal.h"
#include "text/fonts.h"
#include "text/shape.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

typedef struct {
    config_t cfg;
    fonts_t *fonts;
    catalog_t *cat;
    i18n_t *i18n;
    journal_t *journal;
    textcache_t *cache;
    ui_t *ui;
    app_t app;
    view_t view;
    char dir[64];
} fx_t;

static bool icon_ok(const char *name, void *ctx)
{
    return fonts_icon_codepoint(ctx, name) != 0;
}

/* Rebuild the display list if anything changed; true when it did. */
static bool build(fx_t *f)
{
    return screens_build(&f->view, &f->app);
}

static void input(fx_t *f, event_kind_t kind, int x, int y)
{
    event_t in = {.kind = kind, .x = x, .y = y};
    screens_input(&f->view, &f->app, &in);
}

static fx_t *fx_new(int w, int h)
{
    fx_t *f = calloc(1, sizeof *f);
    char err[512];
    config_defaults(&f->cfg);
    f->fonts = fonts_open("fonts", err, sizeof err);
    assert_non_null(f->fonts);
    f->cat = catalog_load("assets/catalog.json", icon_ok, f->fonts, err, sizeof err);
    assert_non_null(f->cat);
    f->i18n = i18n_load("assets/i18n", err, sizeof err);
    assert_non_null(f->i18n);
    snprintf(f->dir, sizeof f->dir, "/tmp/kiosk-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->journal = journal_open(f->dir, err, sizeof err);
    assert_non_null(f->journal);
    f->cache = textcache_new(f->fonts);
    f->ui = calloc(1, sizeof *f->ui);
    ui_init(f->ui, w, h, f->cfg.dpi, f->fonts, f->cache);
    app_init(&f->app, &f->cfg, f->cat, f->i18n, f->fonts, f->journal, 1796000000);
    screens_init(&f->view, f->ui);
    build(f);
    return f;
}

static void fx_free(fx_t *f)
{
    char cmd[128];
    journal_close(f->journal);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    textcache_free(f->cache);
    free(f->ui);
    i18n_free(f->i18n);
    catalog_free(f->cat);
    fonts_close(f->fonts);
    free(f);
}

/* The pressable widget with that id on the current screen, failing when there is none. */
static const ui_hit_t *pressable(fx_t *f, const char *id)
{
    build(f);
    const ui_hit_t *h = ui_find(f->ui, id);
    if (!h || !h->active)
        fail_msg("no pressable \"%s\" on %s", id, app_screen_id(f->app.screen));
    return h;
}

/* A finger down and up at x, y. */
static void tap(fx_t *f, int x, int y)
{
    input(f, EVENT_TOUCH_DOWN, x, y);
    input(f, EVENT_TOUCH_UP, x, y);
    build(f);
}

/* Press a visible widget by id, as a tap on its centre would. */
static void press(fx_t *f, const char *id)
{
    const ui_hit_t *h = pressable(f, id);
    tap(f, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
}

static void to_form(fx_t *f, const char *cat, const char *svc)
{
    char id[64];
    press(f, "lang:bn");
    snprintf(id, sizeof id, "cat:%s", cat);
    press(f, id);
    snprintf(id, sizeof id, "svc:%s", svc);
    press(f, id);
    press(f, "next");
    assert_int_equal(f->app.screen, SCREEN_FORM);
}

static void advance(fx_t *f, uint64_t ms)
{
    uint64_t target = f->app.now_ms + ms;
    for (uint64_t d = app_next_deadline(&f->app); d <= target; d = app_next_deadline(&f->app))
        app_advance(&f->app, d);
    app_advance(&f->app, target);
    build(f);
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static void test_idle_reset_wipes_everything_typed(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "civil_registration", "birth_reg_new");
    press(f, "key:ক");
    press(f, "key:ি");
    assert_string_equal(f->app.s.input[0].buf, "কি");
    advance(f, 60000);
    assert_int_equal(f->app.dialog, DIALOG_IDLE);
    assert_int_equal(f->app.s.input[0].len, strlen("কি")); /* still kept while asking */
    advance(f, 20000);
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    assert_int_equal(f->app.dialog, DIALOG_NONE);
    for (int i = 0; i < CATALOG_MAX_FIELDS; i++) {
        assert_true(all_zero(&f->app.s.input[i], sizeof f->app.s.input[i]));
        assert_true(all_zero(f->app.s.value[i], sizeof f->app.s.value[i]));
    }
    /* Nothing of it is left in the display list's strings either. */
    assert_null(memmem(f->ui->arena, sizeof f->ui->arena, "কি", strlen("কি")));
    assert_int_equal(f->app.lang, f->cfg.language);
    fx_free(f);
}

static void test_touch_during_idle_question_keeps_data(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "civil_registration", "birth_reg_new");
    press(f, "key:ক");
    advance(f, 61000);
    assert_int_equal(f->app.dialog, DIALOG_IDLE);
    input(f, EVENT_TOUCH_DOWN, 10, 400);
    assert_int_equal(f->app.dialog, DIALOG_NONE);
    assert_string_equal(f->app.s.input[0].buf, "ক");
    /* The clock starts again from that touch. */
    advance(f, 59000);
    assert_int_equal(f->app.dialog, DIALOG_NONE);
    fx_free(f);
}

static void test_language_switch_keeps_typed_text(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "civil_registration", "birth_reg_new");
    press(f, "key:র");
    press(f, "lang:en");
    assert_int_equal(f->app.lang, LANG_EN);
    assert_int_equal(f->app.screen, SCREEN_FORM);
    assert_string_equal(f->app.s.input[0].buf, "র");
    assert_non_null(ui_find(f->ui, "key:a")); /* English keyboard now */
    press(f, "key:a");
    assert_string_equal(f->app.s.input[0].buf, "রa");
    fx_free(f);
}

/* A finger down and up at x, on the focused field's middle line. */
static void tap_field(fx_t *f, int x)
{
    const ui_hit_t *h = pressable(f, "field:name");
    tap(f, x, h->r.y + h->r.h / 2);
}

/* Where the boundary after the first `bytes` of the field's text is on screen. */
static int field_x(fx_t *f, size_t bytes)
{
    text_style_t st = {.size_px = f->view.field_text_px};
    return f->view.field_text_x + text_measure(f->fonts, st, f->app.s.input[0].buf, bytes);
}

static void test_tap_in_field_places_caret_on_a_cluster(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "civil_registration", "birth_reg_new");
    press(f, "key:ক");
    press(f, "key:ম");
    press(f, "key:ল");
    const size_t ka = strlen("ক");
    /* Just right of ক: a vowel sign typed there joins it (কমল -> কিমল), the rest stays. */
    tap_field(f, field_x(f, ka) + 1);
    assert_int_equal(f->app.s.input[0].caret, ka);
    press(f, "key:ি");
    assert_string_equal(f->app.s.input[0].buf, "কিমল");
    assert_int_equal(f->app.s.input[0].caret, strlen("কি"));
    /* In the padding left of the text, and far right of it: the start and the end. */
    tap_field(f, ui_find(f->ui, "field:name")->r.x + 2);
    assert_int_equal(f->app.s.input[0].caret, 0);
    tap_field(f, field_x(f, f->app.s.input[0].len) + 40);
    assert_int_equal(f->app.s.input[0].caret, f->app.s.input[0].len);
    fx_free(f);
}

static void test_tap_inside_a_conjunct_never_splits_it(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "civil_registration", "birth_reg_new");
    app_form_set_text(&f->app, "ক্ষমা");
    assert_string_equal(f->app.s.input[0].buf, "ক্ষমা");
    build(f);
    const size_t ksa = strlen("ক্ষ");
    int left = field_x(f, 0), right = field_x(f, ksa);
    for (int x = left; x <= right; x++) {
        tap_field(f, x);
        size_t c = f->app.s.input[0].caret;
        if (c != 0 && c != ksa)
            fail_msg("a tap at %d put the caret at byte %zu, inside ক্ষ", x - left, c);
    }
    fx_free(f);
}

static void test_home_asks_only_when_data_was_entered(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "land", "e_mutation");
    press(f, "home");
    assert_int_equal(f->app.screen, SCREEN_WELCOME); /* nothing typed: no question */
    to_form(f, "land", "e_mutation");
    press(f, "key:স");
    press(f, "home");
    assert_int_equal(f->app.dialog, DIALOG_HOME);
    press(f, "dialog:no");
    assert_string_equal(f->app.s.input[0].buf, "স");
    press(f, "home");
    press(f, "dialog:yes");
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    assert_true(all_zero(&f->app.s.input[0], sizeof f->app.s.input[0]));
    fx_free(f);
}

static void test_unchanged_frame_does_not_rebuild_or_shape(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    press(f, "lang:bn");
    assert_false(build(f)); /* nothing changed since the last build */
    textcache_stats_t before = textcache_stats(f->cache);
    f->view.dirty = true; /* same state, rebuilt: every text comes from the cache */
    assert_true(build(f));
    textcache_stats_t after = textcache_stats(f->cache);
    assert_int_equal(after.layouts, before.layouts);
    assert_true(after.hits > before.hits);
    fx_free(f);
}

static void test_no_timer_on_welcome_screen(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    assert_true(app_next_deadline(&f->app) == UINT64_MAX); /* sleeps until touched */
    press(f, "lang:en");
    assert_true(app_next_deadline(&f->app) == 60000);
    fx_free(f);
}

static void test_confirm_without_journal_keeps_request(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    to_form(f, "agriculture", "soil_test");
    const char *keys[] = {"key:ক", "next", "key:খ", "next", "opt:rice", "next"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        press(f, keys[i]);
    const char *mobile[] = {"key:০", "key:১", "key:৭", "key:১", "key:২", "key:৩",
                            "key:৪", "key:৫", "key:৬", "key:৭", "key:৮"};
    for (size_t i = 0; i < 11; i++)
        press(f, mobile[i]);
    press(f, "next");
    assert_int_equal(f->app.screen, SCREEN_REVIEW);
    assert_string_equal(f->app.s.value[3], "01712345678");
    f->app.journal = NULL; /* the database went away */
    press(f, "confirm");
    assert_int_equal(f->app.dialog, DIALOG_ERROR);
    assert_int_equal(f->app.screen, SCREEN_REVIEW);
    assert_string_equal(f->app.s.value[0], "ক");
    f->app.journal = f->journal;
    press(f, "dialog:ok");
    press(f, "confirm");
    assert_int_equal(f->app.screen, SCREEN_DONE);
    assert_string_equal(f->app.s.token, "H-001");
    fx_free(f);
}

/* Every pressable target of the current build: at least 9 mm, on screen, not overlapping. */
static void check_targets(fx_t *f, const char *where)
{
    const ui_t *ui = f->ui;
    float min = 9.0f * ui->px_per_mm - 0.5f;
    int from = ui->modal_from >= 0 ? ui->modal_from : 0;
    for (int i = from; i < ui->hit_count; i++) {
        const ui_hit_t *a = &ui->hits[i];
        if (!a->active)
            continue;
        if ((float)a->r.w < min || (float)a->r.h < min)
            fail_msg("%s %dx%d: \"%s\" is %dx%d px, under 9 mm (%.1f px)", where, ui->w, ui->h,
                     a->id, a->r.w, a->r.h, min);
        assert_true(a->r.x >= 0 && a->r.y >= 0 && a->r.x + a->r.w <= ui->w &&
                    a->r.y + a->r.h <= ui->h);
        for (int j = i + 1; j < ui->hit_count; j++) {
            const ui_hit_t *b = &ui->hits[j];
            ui_rect_t o = ui_rect_intersect(a->r, b->r);
            if (b->active && o.w > 0 && o.h > 0)
                fail_msg("%s: \"%s\" and \"%s\" overlap", where, a->id, b->id);
        }
    }
    assert_false(ui->overflow);
}

static void walk_all_screens(int w, int h)
{
    fx_t *f = fx_new(w, h);
    check_targets(f, "welcome");
    press(f, "lang:bn");
    check_targets(f, "categories");
    for (int c = 0; c < f->cat->service_count; c++) {
        const catalog_service_t *s = &f->cat->services[c];
        char id[64];
        f->app.s.category = s->category;
        app_go(&f->app, SCREEN_SERVICES);
        build(f);
        check_targets(f, "services");
        f->app.s.service = c;
        app_go(&f->app, SCREEN_SERVICE);
        build(f);
        check_targets(f, s->id);
        press(f, "next");
        for (int i = 0; i < s->field_count; i++) {
            f->app.s.field = i;
            f->view.dirty = true;
            build(f);
            snprintf(id, sizeof id, "%s.%s", s->id, s->fields[i].id);
            check_targets(f, id);
        }
    }
    press(f, "home");
    check_targets(f, "leave dialog");
    fx_free(f);
}

static void test_touch_targets_800x480(void **state)
{
    (void)state;
    walk_all_screens(800, 480);
}

static void test_touch_targets_1280x800(void **state)
{
    (void)state;
    walk_all_screens(1280, 800);
}

static void test_touch_targets_480x800(void **state)
{
    (void)state;
    walk_all_screens(480, 800);
}

static void test_touch_targets_1920x1080(void **state)
{
    (void)state;
    walk_all_screens(1920, 1080);
}

static void test_drag_scrolls_and_is_not_a_tap(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    press(f, "lang:bn");
    press(f, "cat:up_certificates");
    assert_true(f->view.scroll_max > 0);
    const ui_hit_t *h = ui_find(f->ui, "svc:citizenship_cert");
    assert_non_null(h);
    int x = h->r.x + 20, y = h->r.y + h->r.h / 2;
    input(f, EVENT_TOUCH_DOWN, x, y + 100);
    input(f, EVENT_TOUCH_MOVE, x, y);
    input(f, EVENT_TOUCH_UP, x, y);
    build(f);
    assert_int_equal(f->app.screen, SCREEN_SERVICES); /* no service was opened */
    assert_int_equal(f->view.scroll, f->view.scroll_max < 100 ? f->view.scroll_max : 100);
    fx_free(f);
}

/* The keyboard's script switch works both ways, from either session language, at every size:
 * a Bangla speaker who touched ABC can always get Bangla back. */
static void test_keyboard_switch_both_ways(void **state)
{
    (void)state;
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {480, 800}, {1920, 1080}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int lang = 0; lang < LANG_COUNT; lang++) {
            fx_t *f = fx_new(sizes[i][0], sizes[i][1]);
            press(f, lang == LANG_BN ? "lang:bn" : "lang:en");
            press(f, "cat:civil_registration");
            press(f, "svc:birth_reg_new");
            press(f, "next");
            bool bangla = lang == LANG_BN; /* a text field starts in the session's script */
            for (int round = 0; round < 4; round++) {
                assert_non_null(ui_find(f->ui, bangla ? "key:ক" : "key:a"));
                assert_null(ui_find(f->ui, bangla ? "key:a" : "key:ক"));
                press(f, bangla ? "kbd:en" : "kbd:bn");
                bangla = !bangla;
            }
            press(f, bangla ? "key:ক" : "key:a");
            assert_string_equal(f->app.s.input[0].buf, bangla ? "ক" : "a");
            fx_free(f);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_reset_wipes_everything_typed),
        cmocka_unit_test(test_touch_during_idle_question_keeps_data),
        cmocka_unit_test(test_language_switch_keeps_typed_text),
        cmocka_unit_test(test_tap_in_field_places_caret_on_a_cluster),
        cmocka_unit_test(test_tap_inside_a_conjunct_never_splits_it),
        cmocka_unit_test(test_home_asks_only_when_data_was_entered),
        cmocka_unit_test(test_unchanged_frame_does_not_rebuild_or_shape),
        cmocka_unit_test(test_no_timer_on_welcome_screen),
        cmocka_unit_test(test_confirm_without_journal_keeps_request),
        cmocka_unit_test(test_touch_targets_800x480),
        cmocka_unit_test(test_touch_targets_1280x800),
        cmocka_unit_test(test_touch_targets_480x800),
        cmocka_unit_test(test_touch_targets_1920x1080),
        cmocka_unit_test(test_drag_scrolls_and_is_not_a_tap),
        cmocka_unit_test(test_keyboard_switch_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
