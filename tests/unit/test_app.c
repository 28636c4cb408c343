/* tests/unit/test_app.c - the app context: flow, idle wipe, language, touch targets. */
#define _GNU_SOURCE /* memmem, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "screens/screens.h"
#include "store/journal.h"
#include "text/fonts.h"
#include "text/shape.h"
#include "ui/textcache.h"
#include "ui/theme.h"
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

/* Press a visible widget by id, as a person's tap on its centre would: after waiting until a
 * newly shown screen takes touches. */
static void press(fx_t *f, const char *id)
{
    uint64_t ready = screens_ready_at(&f->view, &f->app);
    if (ready > f->app.now_ms)
        app_advance(&f->app, ready);
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
    advance(f, SCREENS_GUARD_MS); /* raw taps: the form must take touches already */
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
    assert_true(app_next_deadline(&f->app) == f->app.last_input_ms + 60000);
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

/* Press what may be further down a list: scrolled into view first, as a finger would. */
static void press_down(fx_t *f, const char *id)
{
    build(f);
    for (int i = 0; i < 20; i++) {
        const ui_hit_t *h = ui_find(f->ui, id);
        if (h && h->active)
            break;
        f->view.scroll += f->view.scroll_area.h / 2;
        if (f->view.scroll > f->view.scroll_max)
            f->view.scroll = f->view.scroll_max;
        f->view.dirty = true;
        build(f);
    }
    press(f, id);
}

/* To the review of soil_test (category H), everything typed. */
static void to_review(fx_t *f)
{
    press(f, "lang:bn");
    press_down(f, "cat:agriculture");
    press_down(f, "svc:soil_test");
    press(f, "next");
    const char *keys[] = {"key:ক", "next", "key:খ", "next", "opt:rice", "next"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        press(f, keys[i]);
    const char *mobile[] = {"key:০", "key:১", "key:৭", "key:১", "key:২", "key:৩",
                            "key:৪", "key:৫", "key:৬", "key:৭", "key:৮"};
    for (size_t i = 0; i < 11; i++)
        press(f, mobile[i]);
    press(f, "next");
    assert_int_equal(f->app.screen, SCREEN_REVIEW);
}

static void test_priority_is_chosen_kept_and_wiped(void **state)
{
    (void)state;
    fx_t *f = fx_new(1920, 1080);
    to_review(f);
    assert_int_equal(f->app.s.priority, 0);
    press_down(f, "priority:child");
    assert_string_equal(app_priority_codes[f->app.s.priority], "child");
    press(f, "priority:elderly"); /* one at most: the new one wins */
    assert_string_equal(app_priority_codes[f->app.s.priority], "elderly");
    press(f, "priority:elderly"); /* a second touch takes it back */
    assert_int_equal(f->app.s.priority, 0);
    assert_false(app_choose_priority(&f->app, "vip"));
    assert_int_equal(f->app.s.priority, 0);
    press(f, "priority:disability");
    press(f, "confirm");
    assert_int_equal(f->app.screen, SCREEN_DONE);
    build(f);
    assert_non_null(ui_find(f->ui, "priority"));
    assert_null(ui_find(f->ui, "queue:ahead")); /* no board: no number */
    journal_request_row_t row;
    assert_int_equal(journal_get(f->journal, f->app.s.request_id, &row), 0);
    assert_string_equal(row.priority, "disability");
    press(f, "finish");
    assert_int_equal(f->app.s.priority, 0); /* the next citizen starts without it */
    fx_free(f);
}

/* A board that says: category H has `waiting` tokens (`prio` of them priority), today's
 * median service 300 s, `open` counters. */
static void board(fx_t *f, int waiting, int prio, int open, bool fresh)
{
    sync_board_t b = {.serving = open, .n_cats = 2};
    snprintf(b.at, sizeof b.at, "2026-11-29T10:30:00+06:00");
    b.cats[0] = (sync_board_cat_t){"B", 7, 0, 120};
    b.cats[1] = (sync_board_cat_t){"H", waiting, prio, 300};
    app_set_centre(&f->app, &b, fresh);
}

static void test_queue_ahead_only_from_a_fresh_board(void **state)
{
    (void)state;
    fx_t *f = fx_new(1920, 1080);
    int ahead, minutes;
    assert_false(app_queue_ahead(&f->app, 'H', false, &ahead, &minutes));
    board(f, 11, 1, 2, true);
    /* Regular: the 10 regular ones and a priority call every two of them (only 1 waits). */
    assert_true(app_queue_ahead(&f->app, 'H', false, &ahead, &minutes));
    assert_int_equal(ahead, 11);
    assert_int_equal(minutes, 28); /* 11 x 300 s over 2 counters = 27.5 min */
    /* Priority: the one priority token, and at most three regular calls before ours. */
    assert_true(app_queue_ahead(&f->app, 'H', true, &ahead, &minutes));
    assert_int_equal(ahead, 4);
    assert_int_equal(minutes, 10);
    /* A category nobody waits in: next; no counter open: no minutes. */
    assert_true(app_queue_ahead(&f->app, 'Z', false, &ahead, &minutes));
    assert_int_equal(ahead, 0);
    assert_int_equal(minutes, 0);
    board(f, 3, 0, 0, true);
    assert_true(app_queue_ahead(&f->app, 'H', false, &ahead, &minutes));
    assert_int_equal(ahead, 3);
    assert_int_equal(minutes, -1);

    /* Shown on the done screen when fresh at confirmation... */
    board(f, 5, 0, 1, true);
    to_review(f);
    press(f, "confirm");
    assert_int_equal(f->app.s.ahead, 5);
    assert_int_equal(f->app.s.ahead_minutes, 25);
    build(f);
    assert_non_null(ui_find(f->ui, "queue:ahead"));
    char text[200];
    assert_true(app_ahead_text(&f->app, LANG_EN, &f->app.s, text, sizeof text) > 0);
    assert_string_equal(text, "5 ahead of you, about 25 minutes");
    assert_true(app_ahead_text(&f->app, LANG_BN, &f->app.s, text, sizeof text) > 0);
    assert_string_equal(text, "আপনার আগে ৫ জন, আনুমানিক ২৫ মিনিট");
    press(f, "finish");
    /* ...and never from a board gone stale: nothing rather than a wrong number. */
    board(f, 5, 0, 1, false);
    to_review(f);
    press(f, "confirm");
    assert_int_equal(f->app.s.ahead, -1);
    build(f);
    assert_null(ui_find(f->ui, "queue:ahead"));
    fx_free(f);
}

/* What is behind (x, y) when command upto is drawn: the screen's background, then every
 * filled rectangle drawn before it there, blended in order (a dialog's scrim too). */
static ui_color_t background_at(const ui_t *ui, int upto, int x, int y)
{
    ui_color_t bg = theme_resolve(ui->theme, COLOR_BG);
    for (int i = 0; i < upto; i++) {
        const ui_cmd_t *c = &ui->cmds[i];
        if (c->kind == UI_CMD_RECT && !c->border && ui_rect_contains(c->r, x, y) &&
            ui_rect_contains(c->clip, x, y))
            bg = theme_blend(c->color, bg);
    }
    return bg;
}

/* Every text drawn stands out from what is behind it by at least 7:1 (WCAG AAA). */
static void check_contrast(fx_t *f, const char *where)
{
    const ui_t *ui = f->ui;
    for (int i = 0; i < ui->cmd_count; i++) {
        const ui_cmd_t *c = &ui->cmds[i];
        if (c->kind != UI_CMD_TEXT)
            continue;
        ui_rect_t vis = ui_rect_intersect(c->r, c->clip);
        int x = vis.x + vis.w / 2, y = vis.y + vis.h / 2;
        double ratio = theme_contrast(c->color, background_at(ui, i, x, y));
        if (ratio < 7.0)
            fail_msg("%s %dx%d (%s): \"%s\" is %06X on %06X, %.2f:1", where, ui->w, ui->h,
                     ui->theme->name, c->text, c->color & 0xFFFFFF,
                     background_at(ui, i, x, y) & 0xFFFFFF, ratio);
    }
}

/* Every pressable target of the current build: at least 9 mm, on screen, not overlapping;
 * and every text on it readable (7:1). */
static void check_targets(fx_t *f, const char *where)
{
    check_contrast(f, where);
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

/* The citizen's choices of large text and contrast, on the welcome screen. */
static void choose(fx_t *f, bool large, bool contrast)
{
    if (large)
        press(f, "text:large");
    if (contrast)
        press(f, "theme:contrast");
    assert_true(f->app.s.access.large_text == large && f->app.s.access.contrast == contrast);
    check_targets(f, "welcome");
}

/* Search, a whole request with an error on the way, review, done, and the idle question. */
static void walk_flow(fx_t *f, bool large, bool contrast)
{
    if (f->app.dialog == DIALOG_HOME)
        press(f, "dialog:yes");
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    choose(f, large, contrast);
    press(f, "lang:bn");
    press(f, "search");
    press(f, "key:ক");
    check_targets(f, "search");
    press(f, "kbd:en");
    press(f, "key:x");
    press(f, "key:q");
    check_targets(f, "search, nothing found");
    press(f, "back");
    /* Large text shows fewer tiles: the category may be below the fold. */
    assert_true(app_choose_category(&f->app, catalog_find_category(f->cat, "agriculture")));
    press(f, "svc:soil_test");
    press(f, "next");
    press(f, "next"); /* empty: an error */
    assert_int_not_equal(f->app.s.error, VALID_OK);
    check_targets(f, "form error");
    const char *keys[] = {"key:ক", "next", "key:খ", "next", "opt:rice", "next"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        press(f, keys[i]);
    const char *mobile[] = {"key:০", "key:১", "key:৭", "key:১", "key:২", "key:৩",
                            "key:৪", "key:৫", "key:৬", "key:৭", "key:৮"};
    for (size_t i = 0; i < 11; i++)
        press(f, mobile[i]);
    press(f, "next");
    assert_int_equal(f->app.screen, SCREEN_REVIEW);
    check_targets(f, "review");
    press(f, "confirm");
    assert_int_equal(f->app.screen, SCREEN_DONE);
    check_targets(f, "done");
    advance(f, app_idle_timeout_ms(&f->app));
    assert_int_equal(f->app.dialog, DIALOG_IDLE);
    check_targets(f, "idle dialog");
}

static void walk_all_screens_as(int w, int h, bool large, bool contrast)
{
    fx_t *f = fx_new(w, h);
    choose(f, large, contrast);
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
    walk_flow(f, large, contrast);
    fx_free(f);
}

static void walk_all_screens(int w, int h)
{
    walk_all_screens_as(w, h, false, false);
}

/* Large text and high contrast, each and together, at every size. */
static void test_touch_targets_large_text_and_contrast(void **state)
{
    (void)state;
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {480, 800}, {1920, 1080}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        walk_all_screens_as(sizes[i][0], sizes[i][1], true, false);
        walk_all_screens_as(sizes[i][0], sizes[i][1], false, true);
        walk_all_screens_as(sizes[i][0], sizes[i][1], true, true);
    }
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
    advance(f, SCREENS_GUARD_MS); /* the raw drag below comes after the list can be seen */
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

static int pressable_count(fx_t *f, const char *prefix)
{
    int n = 0;
    build(f);
    for (int i = 0; i < f->ui->hit_count; i++)
        if (f->ui->hits[i].active && strncmp(f->ui->hits[i].id, prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

/* Search: results follow each key; at least three can be pressed above the open keyboard at
 * every size; a result opens its service and back returns to the results; nothing found
 * offers the categories. */
static void test_search_at_every_size(void **state)
{
    (void)state;
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {480, 800}, {1920, 1080}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        fx_t *f = fx_new(sizes[i][0], sizes[i][1]);
        press(f, "lang:bn");
        press(f, "search");
        assert_int_equal(f->app.screen, SCREEN_SEARCH);
        press(f, "key:জ");
        press(f, "key:ন");
        press(f, "key:ম");
        assert_true(f->app.s.hit_count >= 3);
        assert_non_null(ui_find(f->ui, "key:ক")); /* the keyboard stays open */
        if (pressable_count(f, "svc:") < 3)
            fail_msg("%dx%d: %d results pressable above the keyboard", sizes[i][0], sizes[i][1],
                     pressable_count(f, "svc:"));
        press(f, "svc:birth_reg_new");
        assert_int_equal(f->app.screen, SCREEN_SERVICE);
        press(f, "back");
        assert_int_equal(f->app.screen, SCREEN_SEARCH);
        assert_string_equal(f->app.s.query.buf, "জনম");
        press(f, "kbd:en");
        press(f, "key:x");
        press(f, "key:z");
        press(f, "key:q");
        assert_int_equal(f->app.s.hit_count, 0);
        assert_non_null(ui_find(f->ui, "search:none"));
        assert_true(pressable_count(f, "cat:") >= 2);
        press(f, "cat:civil_registration");
        assert_int_equal(f->app.screen, SCREEN_SERVICES);
        fx_free(f);
    }
}

/* The categories screen offers this terminal's most used services once some were issued. */
static void test_shortcuts_follow_use(void **state)
{
    (void)state;
    fx_t *f = fx_new(1280, 800);
    press(f, "lang:bn");
    assert_int_equal(pressable_count(f, "svc:"), 0); /* a new terminal: no shortcuts yet */
    journal_request_t q = {.centre_id = "UDC-0001",
                           .terminal_id = "T01",
                           .service_id = "e_mutation",
                           .prefix = 'D',
                           .lang = LANG_BN,
                           .now = 1796000000,
                           .field_count = 0};
    journal_receipt_t rec;
    char err[256];
    for (int i = 0; i < 3; i++)
        assert_int_equal(journal_commit(f->journal, &q, &rec, err, sizeof err), 0);
    app_load_uses(&f->app);
    f->view.dirty = true;
    assert_non_null(ui_find(f->ui, "cat:land"));
    press(f, "svc:e_mutation");
    assert_int_equal(f->app.screen, SCREEN_SERVICE);
    press(f, "back");
    assert_int_equal(f->app.screen, SCREEN_CATEGORIES);
    fx_free(f);
}

/* Two raw taps on a widget, gap_ms apart, as a hurried or unsteady finger does. */
static void double_tap(fx_t *f, const char *id, uint64_t gap_ms)
{
    uint64_t ready = screens_ready_at(&f->view, &f->app);
    if (ready > f->app.now_ms)
        advance(f, ready - f->app.now_ms);
    const ui_hit_t *h = pressable(f, id);
    int x = h->r.x + h->r.w / 2, y = h->r.y + h->r.h / 2;
    tap(f, x, y);
    if (gap_ms)
        advance(f, gap_ms);
    tap(f, x, y);
}

/* A double tap on every transition of the flow moves one step, never two: for its first
 * 500 ms a newly shown screen, step or dialog takes no touch. The confirm's token stays on
 * screen instead of being finished away. */
static void test_double_tap_moves_one_step(void **state)
{
    (void)state;
    static const struct {
        const char *id; /* NULL: type the text in `then` first */
        const char *then;
        screen_t want;
    } steps[] = {
        {"lang:bn", NULL, SCREEN_CATEGORIES},
        {"cat:agriculture", NULL, SCREEN_SERVICES},
        {"svc:soil_test", NULL, SCREEN_SERVICE},
        {"next", "key:ক", SCREEN_FORM},
        {"next", "key:খ", SCREEN_FORM},
        {"next", "opt:rice", SCREEN_FORM},
        {"next", NULL, SCREEN_FORM},
        {"home", NULL, SCREEN_FORM}, /* the "leave?" dialog: a dialog is new too */
        {"dialog:no", NULL, SCREEN_FORM},
    };
    static const uint64_t gaps[] = {0, 100, 400};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        fx_t *f = fx_new(800, 480);
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            unsigned visits = f->app.visits;
            dialog_t dialog = f->app.dialog;
            double_tap(f, steps[i].id, gaps[g]);
            assert_int_equal(f->app.screen, steps[i].want);
            if (f->app.dialog == dialog && f->app.visits != visits + 1)
                fail_msg("%s tapped twice %llu ms apart: %u steps", steps[i].id,
                         (unsigned long long)gaps[g], f->app.visits - visits);
            if (steps[i].then)
                press(f, steps[i].then);
        }
        static const char *const mobile[] = {"key:০", "key:১", "key:৭", "key:১", "key:২", "key:৩",
                                             "key:৪", "key:৫", "key:৬", "key:৭", "key:৮"};
        for (size_t i = 0; i < 11; i++)
            press(f, mobile[i]);
        double_tap(f, "next", gaps[g]);
        assert_int_equal(f->app.screen, SCREEN_REVIEW);
        double_tap(f, "confirm", gaps[g]); /* the second tap lands where "finish" appears */
        assert_int_equal(f->app.screen, SCREEN_DONE);
        assert_string_equal(f->app.s.token, "H-001");
        double_tap(f, "finish", gaps[g]);
        assert_int_equal(f->app.screen, SCREEN_WELCOME);
        fx_free(f);
    }
}

/* Issue 9: shutdown_command = /bin/sleep 8 froze the screen for 8 s. The command is spawned;
 * the call returns at once and app_advance hears how it ended. */
static void test_slow_shutdown_command_does_not_block(void **state)
{
    (void)state;
    fx_t *f = fx_new(800, 480);
    snprintf(f->cfg.shutdown_command, sizeof f->cfg.shutdown_command, "/bin/sleep 8");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    app_tech_shutdown(&f->app);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(took < 0.5);
    assert_true(spawn_busy(&f->app.command));
    assert_false(f->app.quit);
    app_advance(&f->app, f->app.now_ms + 100);
    assert_false(f->app.quit);
    kill(f->app.command.pid, SIGKILL); /* not 8 s of the test's time */
    for (int i = 0; i < 500 && spawn_busy(&f->app.command); i++) {
        struct timespec t = {0, 10000000};
        nanosleep(&t, NULL);
        app_advance(&f->app, f->app.now_ms + 10);
    }
    assert_false(spawn_busy(&f->app.command));
    assert_false(f->app.quit); /* it did not succeed: no quitting, a message instead */
    assert_true(f->app.tech.message_error);
    /* A command that succeeds ends the program (the service manager takes it from there). */
    snprintf(f->cfg.shutdown_command, sizeof f->cfg.shutdown_command, "true");
    app_tech_shutdown(&f->app);
    for (int i = 0; i < 500 && !f->app.quit; i++) {
        struct timespec t = {0, 10000000};
        nanosleep(&t, NULL);
        app_advance(&f->app, f->app.now_ms + 10);
    }
    assert_true(f->app.quit);
    fx_free(f);
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
        cmocka_unit_test(test_touch_targets_large_text_and_contrast),
        cmocka_unit_test(test_drag_scrolls_and_is_not_a_tap),
        cmocka_unit_test(test_keyboard_switch_both_ways),
        cmocka_unit_test(test_search_at_every_size),
        cmocka_unit_test(test_shortcuts_follow_use),
        cmocka_unit_test(test_double_tap_moves_one_step),
        cmocka_unit_test(test_slow_shutdown_command_does_not_block),
        cmocka_unit_test(test_priority_is_chosen_kept_and_wiped),
        cmocka_unit_test(test_queue_ahead_only_from_a_fresh_board),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
