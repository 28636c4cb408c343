/* tests/unit/test_board_view.c - the queue board's screen, rendered offscreen at 1920x1080
 * and 1280x720 in Bangla and English from a real queue, compared with the goldens in
 * tests/golden/board-WxH/ (UPDATE_GOLDEN=1 writes them). */
#define _GNU_SOURCE /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "board/board.h"
#include "board/view.h"
#include "image/image.h"
#include "platform/display.h"
#include "queue/queue.h"
#include "text/fonts.h"
#include "text/locale.h"
#include "ui/render.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

#define MIN (60 * 1000LL)

typedef struct {
    char dir[64];
    queue_t *q;
    int64_t t0;
    fonts_t *fonts;
    textcache_t *cache;
} fx_t;

static void issue(fx_t *f, const char *token, const char *priority, int64_t at)
{
    char tracking[64];
    bool added;
    queue_err_t e;
    snprintf(tracking, sizeof tracking, "UDC-1-T%s", token);
    queue_issue_t in = {.tracking = tracking,
                        .token = token,
                        .service = "nid",
                        .priority = priority,
                        .issued_ms = f->t0 + at};
    assert_int_equal(queue_issue(f->q, &in, f->t0 + at, &added, &e), QUEUE_OK);
}

static void call(fx_t *f, int counter, const char *category, int64_t at, const char *want)
{
    queue_err_t e;
    queue_token_t t;
    queue_ctx_t c = {.counter = counter, .now_ms = f->t0 + at};
    assert_int_equal(queue_next(f->q, &c, category, &t, &e), QUEUE_OK);
    assert_string_equal(t.token, want);
}

/* A centre mid-morning: three counters busy, a recall, people waiting in three categories. */
static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    char err[512];
    queue_err_t e;
    snprintf(f->dir, sizeof f->dir, "/tmp/board-view-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->q = queue_open(f->dir, err, sizeof err);
    assert_non_null(f->q);
    locale_tm_t tm = {.year = 2026, .month = 11, .day = 29, .hour = 10};
    f->t0 = locale_dhaka_unix(&tm) * 1000;
    for (int i = 1; i <= 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "Desk %d", i);
        assert_int_equal(queue_counter_set(f->q, i, name, "", &e), QUEUE_OK);
    }
    issue(f, "A-1003", NULL, 0);
    issue(f, "C-1001", NULL, MIN);
    issue(f, "A-1004", NULL, 2 * MIN);
    issue(f, "B-2011", NULL, 3 * MIN);
    issue(f, "B-2012", NULL, 4 * MIN);
    issue(f, "A-1005", "elderly", 5 * MIN);
    issue(f, "A-1006", NULL, 6 * MIN);
    issue(f, "B-2013", NULL, 7 * MIN);
    issue(f, "C-1002", NULL, 8 * MIN);
    issue(f, "A-1007", NULL, 9 * MIN);
    issue(f, "A-1008", NULL, 10 * MIN);
    call(f, 1, "A", 11 * MIN, "A-1005"); /* priority first */
    call(f, 3, "C", 12 * MIN, "C-1001");
    call(f, 4, "B", 13 * MIN, "B-2011");
    queue_ctx_t c4 = {.counter = 4, .now_ms = f->t0 + 20 * MIN};
    assert_int_equal(queue_done(f->q, &c4, "B-2011", NULL, &e), QUEUE_OK);
    call(f, 2, "B", 21 * MIN, "B-2012");
    queue_ctx_t c3 = {.counter = 3, .now_ms = f->t0 + 29 * MIN};
    assert_int_equal(queue_recall(f->q, &c3, "C-1001", NULL, &e), QUEUE_OK);
    f->fonts = fonts_open("fonts", err, sizeof err);
    assert_non_null(f->fonts);
    f->cache = textcache_new(f->fonts);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    char cmd[128];
    queue_close(f->q);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    textcache_free(f->cache);
    fonts_close(f->fonts);
    free(f);
    return 0;
}

/* Differing pixels (any channel off by more than 24 of 255: anti-aliasing noise). */
static long differing(const image_t *a, const image_t *b)
{
    long n = 0;
    for (long i = 0; i < (long)a->w * a->h; i++)
        for (int s = 0; s < 24; s += 8) {
            int d = (int)((a->px[i] >> s) & 0xFF) - (int)((b->px[i] >> s) & 0xFF);
            if (d > 24 || d < -24) {
                n++;
                break;
            }
        }
    return n;
}

static void render_and_compare(fx_t *f, int w, int h, lang_t lang)
{
    char err[512], shot[128], golden[128], dir[64];
    ui_t *ui = calloc(1, sizeof *ui);
    display_t d;
    ui_init(ui, w, h, 96, f->fonts, f->cache);
    assert_int_equal(display_open_headless(&d, w, h, 0, err, sizeof err), 0);
    queue_snapshot_t *s = malloc(sizeof *s);
    int64_t now = f->t0 + 30 * MIN + 5000;
    queue_snapshot(f->q, now, s);
    board_view_opts_t o = {.lang = lang,
                           .centre_name = lang == LANG_BN ? "ইউনিয়ন ডিজিটাল সেন্টার, সাভার"
                                                          : "Union Digital Centre, Savar",
                           .now_ms = now};
    board_view_build(ui, s, &o);
    assert_false(ui->overflow);
    /* The newest call (a recall of C-1001 at counter 3) is the highlighted one. */
    assert_non_null(ui_find(ui, "newest:C-1001"));
    assert_non_null(ui_find(ui, "serving:B-2012"));
    assert_non_null(ui_find(ui, "serving:A-1005"));
    assert_non_null(ui_find(ui, "waiting:A"));
    assert_null(ui_find(ui, "serving:B-2011")); /* done: gone */
    ui_render(ui, display_begin(&d), COLOR_BG);
    snprintf(dir, sizeof dir, "tests/golden/board-%dx%d", w, h);
    snprintf(golden, sizeof golden, "%s/%s.png", dir, lang_code(lang));
    snprintf(shot, sizeof shot, "%s/board-%dx%d-%s.png", f->dir, w, h, lang_code(lang));
    const char *update = getenv("UPDATE_GOLDEN");
    assert_int_equal(
        display_screenshot(&d, update && strcmp(update, "1") == 0 ? golden : shot, err, sizeof err),
        0);
    display_close(&d);
    free(s);
    free(ui);
    if (update && strcmp(update, "1") == 0)
        return;
    image_t a, b;
    if (image_read(golden, &a, err, sizeof err) < 0)
        fail_msg("%s (make the goldens with UPDATE_GOLDEN=1)", err);
    assert_int_equal(image_read(shot, &b, err, sizeof err), 0);
    assert_int_equal(a.w, b.w);
    assert_int_equal(a.h, b.h);
    long n = differing(&a, &b), allowed = (long)w * h / 2000; /* 0.05% */
    image_free(&a);
    image_free(&b);
    if (n > allowed)
        fail_msg("%s: %ld pixels differ (at most %ld)", golden, n, allowed);
}

static void test_board_1920x1080_bn(void **state)
{
    render_and_compare(*state, 1920, 1080, LANG_BN);
}

static void test_board_1920x1080_en(void **state)
{
    render_and_compare(*state, 1920, 1080, LANG_EN);
}

static void test_board_1280x720_bn(void **state)
{
    render_and_compare(*state, 1280, 720, LANG_BN);
}

static void test_board_1280x720_en(void **state)
{
    render_and_compare(*state, 1280, 720, LANG_EN);
}

static void test_languages_alternate(void **state)
{
    (void)state;
    assert_int_equal(board_view_lang(0), LANG_BN);
    assert_int_equal(board_view_lang(BOARD_LANG_PERIOD_MS - 1), LANG_BN);
    assert_int_equal(board_view_lang(BOARD_LANG_PERIOD_MS), LANG_EN);
    assert_int_equal(board_view_lang(2 * BOARD_LANG_PERIOD_MS), LANG_BN);
}

static void test_empty_queue(void **state)
{
    fx_t *f = *state;
    queue_snapshot_t *s = calloc(1, sizeof *s);
    ui_t *ui = calloc(1, sizeof *ui);
    ui_init(ui, 1280, 720, 96, f->fonts, f->cache);
    board_view_opts_t o = {.lang = LANG_EN, .centre_name = "Centre", .now_ms = f->t0};
    board_view_build(ui, s, &o);
    assert_false(ui->overflow);
    assert_null(board_view_newest(s));
    assert_non_null(ui_find(ui, "board:time"));
    free(ui);
    free(s);
}

/* board_build redraws only when something shown changed: the queue, the minute, the
 * language. Also prints how long a changed frame takes (snapshot, view, software render). */
static void test_board_rebuilds_on_change(void **state)
{
    fx_t *f = *state;
    char err[512], dir[80];
    snprintf(dir, sizeof dir, "%s/b", f->dir);
    board_opts_t bo = {.data_dir = dir};
    board_t *b = board_open(&bo, err, sizeof err);
    assert_non_null(b);
    ui_t *ui = calloc(1, sizeof *ui);
    ui_init(ui, 1920, 1080, 96, f->fonts, f->cache);
    const char *names[LANG_COUNT] = {"কেন্দ্র", "Centre"};
    int64_t t = f->t0 + 5000; /* Bangla until t0 + 10 s */
    assert_true(board_build(b, ui, t, names));
    assert_false(board_build(b, ui, t + 1000, names));
    assert_int_equal(board_next_deadline(b, t), f->t0 + 10000);
    queue_err_t e;
    bool added;
    queue_issue_t in = {.tracking = "x", .token = "A-001", .issued_ms = t};
    assert_int_equal(queue_issue(board_queue(b), &in, t, &added, &e), QUEUE_OK);
    assert_true(board_build(b, ui, t + 2000, names));
    assert_non_null(ui_find(ui, "waiting:A"));
    assert_false(board_build(b, ui, t + 3000, names));
    assert_true(board_build(b, ui, t + 6000, names)); /* English now */
    /* A frame after a change, as the board draws it. */
    display_t d;
    assert_int_equal(display_open_headless(&d, 1920, 1080, 0, err, sizeof err), 0);
    struct timespec a, z;
    clock_gettime(CLOCK_MONOTONIC, &a);
    queue_ctx_t c = {.counter = 1, .now_ms = t + 7000};
    assert_int_equal(queue_counter_set(board_queue(b), 1, "Desk", "", &e), QUEUE_OK);
    assert_int_equal(queue_next(board_queue(b), &c, NULL, NULL, &e), QUEUE_OK);
    assert_true(board_build(b, ui, t + 7000, names));
    ui_render(ui, display_begin(&d), COLOR_BG);
    clock_gettime(CLOCK_MONOTONIC, &z);
    fprintf(stderr, "# board: next, snapshot, view and 1920x1080 render in %.1f ms\n",
            (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6);
    assert_non_null(ui_find(ui, "newest:A-001"));
    display_close(&d);
    free(ui);
    board_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_board_1920x1080_bn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_1920x1080_en, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_1280x720_bn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_1280x720_en, setup, teardown),
        cmocka_unit_test(test_languages_alternate),
        cmocka_unit_test_setup_teardown(test_empty_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_board_rebuilds_on_change, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
