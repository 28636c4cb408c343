/* tests/unit/test_access.c - speech mode, large text, contrast and more time, through the
 * real app, view and speech engine (eSpeak NG, no playback, --audio-out in a temp folder):
 * explore by touch, the long press on the welcome screen, what is said, the idle time in
 * speech mode and "more time", the volume, and the wipe that resets every choice. */
#define _GNU_SOURCE /* mkdtemp */
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
#include "screens/speak.h"
#include "speech/speech.h"
#include "store/journal.h"
#include "text/fonts.h"
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
    speech_t *sp;
    char dir[64], out[96];
} fx_t;

static bool icon_ok(const char *name, void *ctx)
{
    return fonts_icon_codepoint(ctx, name) != 0;
}

static void build(fx_t *f)
{
    screens_build(&f->view, &f->app);
}

/* An app and its view at w x h, with a speech engine writing to DIR/out (or none). */
static fx_t *fx_new(int w, int h, bool speech)
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
    snprintf(f->dir, sizeof f->dir, "/tmp/test_access-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->out, sizeof f->out, "%s/out", f->dir);
    f->journal = journal_open(f->dir, err, sizeof err);
    assert_non_null(f->journal);
    f->cache = textcache_new(f->fonts);
    f->ui = calloc(1, sizeof *f->ui);
    ui_init(f->ui, w, h, f->cfg.dpi, f->fonts, f->cache);
    app_init(&f->app, &f->cfg, f->cat, f->i18n, f->fonts, f->journal, 1795926600);
    screens_init(&f->view, f->ui);
    if (speech) {
        speech_options_t o = {.audio_out = f->out, .device = "none", .volume = 80};
        f->sp = speech_open(&o, err, sizeof err);
        if (!f->sp)
            fail_msg("speech_open: %s", err);
        f->view.speech = f->sp;
    }
    build(f);
    return f;
}

static void fx_free(fx_t *f)
{
    if (!f)
        return;
    char cmd[128];
    speech_close(f->sp);
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

static void advance(fx_t *f, uint64_t ms)
{
    uint64_t target = f->app.now_ms + ms;
    for (uint64_t d = app_next_deadline(&f->app); d <= target; d = app_next_deadline(&f->app))
        app_advance(&f->app, d);
    app_advance(&f->app, target);
    build(f);
}

static void input(fx_t *f, event_kind_t kind, int x, int y)
{
    event_t in = {.kind = kind, .x = x, .y = y};
    screens_input(&f->view, &f->app, &in);
    build(f);
}

/* One finger touch on a visible target (after the screen takes touches). */
static void touch(fx_t *f, const char *id)
{
    /* Without playback nothing is cut: let what was said be rendered first, as the harness
     * does, so the engine's queue never fills. */
    if (f->sp)
        assert_true(speech_wait_idle(f->sp, 60000));
    uint64_t ready = screens_ready_at(&f->view, &f->app);
    if (ready > f->app.now_ms)
        advance(f, ready - f->app.now_ms);
    build(f);
    const ui_hit_t *h = ui_find(f->ui, id);
    if (!h || !h->active)
        fail_msg("no pressable \"%s\" on %s", id, app_screen_id(f->app.screen));
    int x = h->r.x + h->r.w / 2, y = h->r.y + h->r.h / 2;
    input(f, EVENT_TOUCH_DOWN, x, y);
    input(f, EVENT_TOUCH_UP, x, y);
}

/* Use a target as a person in speech mode does: touch it, listen, touch it again. */
static void use(fx_t *f, const char *id)
{
    bool twice = f->app.s.access.speech && f->view.speech;
    touch(f, id);
    if (twice) {
        advance(f, 600);
        touch(f, id);
    }
}

static void hold(fx_t *f, int x, int y, uint64_t ms)
{
    input(f, EVENT_TOUCH_DOWN, x, y);
    advance(f, ms);
    input(f, EVENT_TOUCH_UP, x, y);
}

static char *said_raw(fx_t *f);

/* speech.log as it is once everything queued was said; "" when nothing was. */
static char *said(fx_t *f)
{
    if (getenv("SAID"))
        fprintf(stderr, "%s", said_raw(f));
    static char buf[1 << 16];
    assert_true(speech_wait_idle(f->sp, 60000));
    char path[160];
    snprintf(path, sizeof path, "%s/speech.log", f->out);
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp)
        fclose(fp);
    buf[n] = '\0';
    return buf;
}

static char *said_raw(fx_t *f)
{
    static char buf[1 << 16];
    char path[160];
    speech_wait_idle(f->sp, 60000);
    snprintf(path, sizeof path, "%s/speech.log", f->out);
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp)
        fclose(fp);
    buf[n] = '\0';
    return buf;
}

/* The count of speech.log lines that end with text (its whole utterance). */
static int said_count(fx_t *f, const char *text)
{
    char want[512];
    snprintf(want, sizeof want, "\t%s\n", text);
    int n = 0;
    for (const char *p = said(f); (p = strstr(p, want)); p += strlen(want))
        n++;
    return n;
}

/* A first touch names a target and does nothing else; a second touch within 3 s uses it; a
 * second touch later than that names it again. Keys too. */
static void test_explore_by_touch(void **state)
{
    fx_t *f = *state = fx_new(800, 480, true);
    touch(f, "speech"); /* speech off: the first touch acts */
    assert_true(f->app.s.access.speech);
    assert_int_equal(said_count(f, i18n_get(f->i18n, LANG_BN, "speech.on")), 1);
    touch(f, "lang:en");
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    assert_int_equal(said_count(f, "English"), 1);
    advance(f, 3100);
    touch(f, "lang:en"); /* too late: named again */
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    assert_int_equal(said_count(f, "English"), 2);
    advance(f, 2900);
    touch(f, "lang:en");
    assert_int_equal(f->app.screen, SCREEN_CATEGORIES);
    assert_int_equal(f->app.lang, LANG_EN);
    /* The screen says what it is and what to do there. */
    assert_int_equal(said_count(f, i18n_get(f->i18n, LANG_EN, "categories.title")), 1);
    /* Another target between two touches: the second names, it does not act. */
    touch(f, "cat:bills");
    touch(f, "search");
    touch(f, "cat:bills");
    assert_int_equal(f->app.screen, SCREEN_CATEGORIES);
    advance(f, 3100);
    use(f, "cat:bills");
    use(f, "svc:electricity_bill");
    use(f, "next");
    assert_int_equal(f->app.screen, SCREEN_FORM);
    touch(f, "key:k");
    assert_int_equal(f->app.s.input[0].len, 0);
    advance(f, 500);
    touch(f, "key:k");
    assert_string_equal(f->app.s.input[0].buf, "k");
}

/* A long press of 2 s or more anywhere on the welcome screen (but the technician's corners)
 * starts speech mode; a shorter one does not. */
static void test_long_press_starts_speech(void **state)
{
    fx_t *f = *state = fx_new(800, 480, true);
    hold(f, 400, 120, 1500);
    assert_false(f->app.s.access.speech);
    hold(f, 5, 5, 3000); /* the technician's first corner */
    assert_false(f->app.s.access.speech);
    hold(f, 400, 120, 3000);
    assert_true(f->app.s.access.speech);
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    /* The welcome is said in both languages, Bangla first. */
    const char *log = said(f);
    const char *bn = strstr(log, i18n_get(f->i18n, LANG_BN, "speech.welcome"));
    const char *en = strstr(log, i18n_get(f->i18n, LANG_EN, "speech.welcome"));
    assert_non_null(bn);
    assert_non_null(en);
    assert_true(bn < en);
    assert_non_null(strstr(log, "\ten\tFor English"));
}

/* Typing says each character's name and the word so far; the token is said character by
 * character; an error is said as it appears. */
static void test_what_is_said_while_typing(void **state)
{
    fx_t *f = *state = fx_new(800, 480, true);
    use(f, "speech");
    use(f, "lang:bn");
    use(f, "cat:civil_registration");
    use(f, "svc:birth_reg_new");
    use(f, "next");
    use(f, "key:ক");
    use(f, "key:ি");
    assert_string_equal(f->app.s.input[0].buf, "কি");
    assert_true(said_count(f, "ই-কার") >= 2); /* named by the first touch, and when typed */
    assert_int_equal(said_count(f, "কি"), 1);
    use(f, "key:backspace");
    assert_int_equal(said_count(f, "মুছুন"), 2);
    assert_int_equal(said_count(f, "ক"), 3); /* named, typed, and the word left */
    /* An empty required field: the error is said. */
    use(f, "key:backspace");
    use(f, "next");
    char err[512];
    snprintf(err, sizeof err, "%s", i18n_get(f->i18n, LANG_BN, validate_msgid(f->app.s.error)));
    assert_int_not_equal(f->app.s.error, VALID_OK);
    assert_true(said_count(f, err) >= 1);
}

/* In speech mode the idle question comes after 120 s instead of 60, said with a chime;
 * "more time" closes it and gives 120 s more, at least twice; the wipe resets everything. */
static void test_idle_time_and_more_time(void **state)
{
    fx_t *f = *state = fx_new(800, 480, true);
    use(f, "speech");
    use(f, "lang:bn");
    assert_int_equal(app_idle_timeout_ms(&f->app), 120000);
    advance(f, 119000);
    assert_int_equal(f->app.dialog, DIALOG_NONE);
    advance(f, 1000);
    assert_int_equal(f->app.dialog, DIALOG_IDLE);
    assert_int_equal(said_count(f, i18n_get(f->i18n, LANG_BN, "idle.title")), 1);
    for (int i = 1; i <= ACCESS_MORE_TIME_MAX; i++) {
        use(f, "more-time");
        assert_int_equal(f->app.dialog, DIALOG_NONE);
        assert_int_equal(f->app.s.access.more_time, i);
        uint64_t wait = 120000 + (uint64_t)i * ACCESS_MORE_TIME_S * 1000;
        assert_int_equal(app_idle_timeout_ms(&f->app), wait);
        advance(f, wait - 1000);
        assert_int_equal(f->app.dialog, DIALOG_NONE);
        advance(f, 1000);
        assert_int_equal(f->app.dialog, DIALOG_IDLE);
    }
    build(f);
    assert_null(ui_find(f->ui, "more-time")); /* given all there is */
    advance(f, (uint64_t)f->cfg.idle_countdown_s * 1000);
    assert_int_equal(f->app.screen, SCREEN_WELCOME);
    assert_false(f->app.s.access.speech);
    assert_int_equal(f->app.s.access.more_time, 0);
    assert_int_equal(app_idle_timeout_ms(&f->app), 60000);
}

/* Large text, contrast and the volume last the session and are reset by the idle wipe, also
 * when left on at the welcome screen; the view draws in the chosen theme at the chosen size. */
static void test_choices_last_the_session_only(void **state)
{
    fx_t *f = *state = fx_new(800, 480, true);
    assert_int_equal(app_next_deadline(&f->app), UINT64_MAX);
    use(f, "text:large");
    use(f, "theme:contrast");
    assert_true(f->ui->text_scale > 1.4f);
    assert_ptr_equal(f->ui->theme, theme_get(THEME_CONTRAST));
    assert_int_equal(f->app.s.access.volume, f->cfg.speech_volume);
    use(f, "speech");
    use(f, "lang:bn");
    use(f, "volume:up");
    use(f, "volume:up");
    use(f, "volume:up");
    assert_int_equal(f->app.s.access.volume, 100);
    use(f, "volume:down");
    assert_int_equal(f->app.s.access.volume, 90);
    assert_int_equal(speech_volume(f->sp), 90);
    assert_int_equal(said_count(f, "আওয়াজ ৯০"), 2); /* on the way up, and down again */
    /* Left at the welcome screen: it times out too, and the next citizen starts plain. */
    advance(f, app_idle_timeout_ms(&f->app));
    assert_int_equal(f->app.dialog, DIALOG_IDLE);
    advance(f, (uint64_t)f->cfg.idle_countdown_s * 1000);
    assert_false(f->app.s.access.large_text || f->app.s.access.contrast || f->app.s.access.speech);
    assert_int_equal(f->app.s.access.volume, f->cfg.speech_volume);
    build(f);
    assert_true(f->ui->text_scale < 1.01f);
    assert_ptr_equal(f->ui->theme, theme_get(THEME_DEFAULT));
    assert_int_equal(app_next_deadline(&f->app), UINT64_MAX);
}

/* Without a speech engine the speaker button tells the citizen to ask staff, and nothing
 * else changes. */
static void test_no_engine_says_so(void **state)
{
    fx_t *f = *state = fx_new(800, 480, false);
    touch(f, "speech");
    assert_false(f->app.s.access.speech);
    assert_int_equal(f->app.dialog, DIALOG_ERROR);
    assert_string_equal(f->app.error_msgid, "error.speech");
    touch(f, "dialog:ok");
    hold(f, 400, 120, 2500);
    assert_int_equal(f->app.dialog, DIALOG_ERROR);
}

/* Every access control is in the top bar of every citizen's screen, and on the welcome screen;
 * repeat and the volume only in speech mode; none on the technician's pages. */
static void test_controls_everywhere(void **state)
{
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {480, 800}, {1920, 1080}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        fx_t *f = *state = fx_new(sizes[i][0], sizes[i][1], true);
        static const char *const always[] = {"speech", "text:large", "theme:contrast"};
        static const char *const spoken[] = {"repeat", "volume:up", "volume:down"};
        for (size_t k = 0; k < 3; k++)
            assert_non_null(ui_find(f->ui, always[k]));
        use(f, "lang:bn");
        use(f, "speech");
        for (size_t k = 0; k < 3; k++) {
            assert_non_null(ui_find(f->ui, always[k]));
            assert_non_null(ui_find(f->ui, spoken[k]));
        }
        /* Repeat says the screen again. */
        const char *title = i18n_get(f->i18n, LANG_BN, "categories.title");
        int before = said_count(f, title);
        use(f, "repeat");
        assert_int_equal(said_count(f, title), before + 1);
        use(f, "speech");
        assert_false(f->app.s.access.speech);
        assert_null(ui_find(f->ui, "repeat"));
        fx_free(f);
        *state = NULL;
    }
}

/* The done screen reads the token character by character: the letter's name, then each digit
 * as a word. */
static void test_done_reads_the_token(void **state)
{
    fx_t *f = *state = fx_new(800, 480, true);
    use(f, "speech");
    use(f, "lang:en");
    use(f, "cat:agriculture");
    use(f, "svc:soil_test");
    use(f, "next");
    static const char *const steps[] = {"key:k", "next", "key:b", "next", "opt:rice", "next"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        use(f, steps[i]);
    static const char *const mobile[] = {"key:0", "key:1", "key:7", "key:1", "key:2", "key:3",
                                         "key:4", "key:5", "key:6", "key:7", "key:8"};
    for (size_t i = 0; i < 11; i++)
        use(f, mobile[i]);
    use(f, "next");
    assert_int_equal(f->app.screen, SCREEN_REVIEW);
    /* The review, field by field; a mobile number digit by digit. */
    assert_int_equal(said_count(f, "Mobile number: zero one seven one two three four five six "
                                   "seven eight"),
                     1);
    use(f, "confirm");
    assert_int_equal(f->app.screen, SCREEN_DONE);
    assert_string_equal(f->app.s.token, "H-001");
    assert_int_equal(said_count(f, "Token H zero zero one"), 1);
    touch(f, "finish");
    assert_int_equal(f->app.screen, SCREEN_DONE);
}

/* Whatever fixture a test left (also one that failed half way) is freed, its engine closed:
 * one speech engine may be open in a process at a time. */
static int teardown(void **state)
{
    fx_free(*state);
    *state = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_explore_by_touch, teardown),
        cmocka_unit_test_teardown(test_long_press_starts_speech, teardown),
        cmocka_unit_test_teardown(test_what_is_said_while_typing, teardown),
        cmocka_unit_test_teardown(test_idle_time_and_more_time, teardown),
        cmocka_unit_test_teardown(test_choices_last_the_session_only, teardown),
        cmocka_unit_test_teardown(test_no_engine_says_so, teardown),
        cmocka_unit_test_teardown(test_controls_everywhere, teardown),
        cmocka_unit_test_teardown(test_done_reads_the_token, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
