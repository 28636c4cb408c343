/*
 * tests/unit/test_print_outcome.c - what the app makes of a receipt's outcome, with the real
 * printing thread and tests/fake-printer.py on loopback:
 *   - a second citizen confirming while the printer is busy waits in the queue ("queued" in
 *     the journal at once, "waiting for the printer" on the done screen), then gets the
 *     receipt's own outcome; the queue is bounded;
 *   - a printer that cannot confirm (status garbage): "unknown" in the journal, and on the
 *     done screen the token, the QR code and "print again";
 *   - a restart turns receipts a stopped kiosk left pending or queued into "unknown";
 *   - with no printer a request is not left "pending".
 * The app is driven through its actions (the model), and the view is read for what a citizen
 * sees. Run from the repository root (tests/run.sh does).
 */
#define _GNU_SOURCE /* mkdtemp, usleep */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "screens/screens.h"
#include "store/journal.h"
#include "text/fonts.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

extern char **environ;

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
    printjob_t job;
    printer_spec_t spec;
    printer_profile_t paper;
    char dir[64];
    /* the fake printer */
    pid_t fake;
    char gate[128], out[128];
} fx_t;

static bool icon_ok(const char *name, void *ctx)
{
    return fonts_icon_codepoint(ctx, name) != 0;
}

/* Start tests/fake-printer.py in mode (held at each job's start until the gate file exists
 * when gated) and point the app's printer at it. */
static void fake_start(fx_t *f, const char *mode, bool gated)
{
    char port_file[128], port[16] = "", spec[64], err[256];
    snprintf(port_file, sizeof port_file, "%s/port", f->dir);
    snprintf(f->out, sizeof f->out, "%s/printed.bin", f->dir);
    snprintf(f->gate, sizeof f->gate, "%s/gate", f->dir);
    char *argv[] = {"python3",
                    "tests/fake-printer.py",
                    "--mode",
                    (char *)(uintptr_t)mode,
                    "--port-file",
                    port_file,
                    "--out",
                    f->out,
                    gated ? "--gate" : NULL,
                    f->gate,
                    NULL};
    assert_int_equal(posix_spawnp(&f->fake, "python3", NULL, NULL, argv, environ), 0);
    for (int i = 0; i < 200 && !port[0]; i++) {
        FILE *fp = fopen(port_file, "r");
        if (fp) {
            if (!fgets(port, sizeof port, fp))
                port[0] = '\0';
            fclose(fp);
        }
        if (!port[0])
            usleep(25000);
    }
    if (!port[0])
        fail_msg("tests/fake-printer.py did not start (no %s)", port_file);
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%s", port);
    assert_int_equal(printer_spec_parse(spec, &f->spec, err, sizeof err), 0);
    f->app.printer = &f->spec;
}

static void open_gate(fx_t *f)
{
    FILE *fp = fopen(f->gate, "w");
    assert_non_null(fp);
    fclose(fp);
}

/* Each test gets its own app, journal and printer; the fake printer is stopped and the
 * folder removed even when a test fails. */
static int setup(void **state)
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
    snprintf(f->dir, sizeof f->dir, "/tmp/kiosk-outcome-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->journal = journal_open(f->dir, err, sizeof err);
    assert_non_null(f->journal);
    f->cache = textcache_new(f->fonts);
    f->ui = calloc(1, sizeof *f->ui);
    ui_init(f->ui, 800, 480, f->cfg.dpi, f->fonts, f->cache);
    app_init(&f->app, &f->cfg, f->cat, f->i18n, f->fonts, f->journal, 1796000000);
    screens_init(&f->view, f->ui);
    printjob_init(&f->job, NULL, NULL);
    printer_profile_default(&f->paper);
    f->app.job = &f->job;
    f->app.paper = &f->paper;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    char cmd[128];
    if (f->fake > 0) { /* first: a job it holds then ends at once */
        kill(f->fake, SIGTERM);
        waitpid(f->fake, NULL, 0);
    }
    printjob_destroy(&f->job);
    journal_close(f->journal);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    textcache_free(f->cache);
    free(f->ui);
    i18n_free(f->i18n);
    catalog_free(f->cat);
    fonts_close(f->fonts);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* A citizen asks for a soil test (name, village, crop, mobile) and confirms. */
static int64_t confirm_one(fx_t *f)
{
    app_t *a = &f->app;
    int svc = catalog_find_service(f->cat, "soil_test");
    assert_true(svc >= 0);
    app_set_lang(a, LANG_BN);
    assert_true(app_choose_category(a, f->cat->services[svc].category));
    assert_true(app_choose_service(a, svc));
    app_start_form(a);
    assert_int_equal(a->screen, SCREEN_FORM);
    app_form_set_text(a, "রহিমা খাতুন");
    app_form_next(a);
    app_form_set_text(a, "শিবপুর");
    app_form_next(a);
    assert_true(app_form_choose(a, "rice"));
    app_form_next(a);
    app_form_set_text(a, "01812345678");
    app_form_next(a);
    assert_int_equal(a->screen, SCREEN_REVIEW);
    app_confirm(a);
    assert_int_equal(a->screen, SCREEN_DONE);
    assert_true(a->s.request_id > 0);
    return a->s.request_id;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Let time pass (the app collects finished jobs) until the job slot is free and nothing
 * waits, within a bound. */
static void settle(fx_t *f, int bound_ms)
{
    long long until = now_ms() + bound_ms;
    while (printjob_busy(&f->job) || f->app.print_queued > 0) {
        if (now_ms() > until)
            fail_msg("printing did not end within %d ms", bound_ms);
        usleep(10000);
        app_advance(&f->app, f->app.now_ms + 10);
    }
    app_advance(&f->app, f->app.now_ms + 10);
}

/* A request's print_status and print_error, read from the journal file itself. */
static void journal_row(fx_t *f, int64_t id, char *status, size_t scap, char *error, size_t ecap)
{
    char path[128];
    sqlite3 *db;
    sqlite3_stmt *st;
    snprintf(path, sizeof path, "%s/journal.sqlite", f->dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT print_status, ifnull(print_error, '') FROM "
                                        "requests WHERE id = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(status, scap, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(error, ecap, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void assert_status(fx_t *f, int64_t id, const char *want, const char *error_part)
{
    char status[32], error[800];
    journal_row(f, id, status, sizeof status, error, sizeof error);
    if (strcmp(status, want) != 0 || (error_part && !strstr(error, error_part)))
        fail_msg("request %lld: print_status \"%s\" (%s), expected \"%s\"%s%s", (long long)id,
                 status, error, want, error_part ? " with " : "", error_part ? error_part : "");
}

/* What the done screen shows: true when the view has that id (a mark or a button). */
static bool shown(fx_t *f, const char *id)
{
    screens_build(&f->view, &f->app);
    return ui_find(f->ui, id) != NULL;
}

static void test_second_confirm_while_printing_is_queued_then_printed(void **state)
{
    fx_t *f = *state;
    fake_start(f, "online", true);
    int64_t first = confirm_one(f);
    assert_int_equal(f->app.s.receipt, RECEIPT_PRINTING);
    assert_true(printjob_busy(&f->job)); /* held by the printer until the gate opens */
    app_finish(&f->app);

    int64_t second = confirm_one(f);
    assert_int_equal(f->app.s.receipt, RECEIPT_QUEUED);
    assert_status(f, second, "queued", "waiting for the printer: 1 receipt ahead");
    assert_status(f, first, "pending", NULL); /* printing right now */
    assert_true(shown(f, "receipt:queued"));
    assert_true(shown(f, "token") && shown(f, "qr"));
    assert_false(shown(f, "print:retry"));

    open_gate(f);
    settle(f, 20000);
    assert_status(f, first, "printed", NULL);
    assert_status(f, second, "printed", NULL);
    assert_int_equal(f->app.s.receipt, RECEIPT_PRINTED); /* the second citizen is still there */
    assert_true(shown(f, "receipt:printed"));

    /* Both receipts reached the printer, one after the other: two jobs of about 30 KB, each
     * with its status questions before and after. */
    struct stat st;
    assert_int_equal(stat(f->out, &st), 0);
    assert_true(st.st_size > 2 * 25000);
}

/* Eight receipts may wait; the ninth behind a stuck printer is a failure at once, with the
 * reason, and everything that waited is printed once the printer moves again. */
static void test_the_queue_is_bounded(void **state)
{
    fx_t *f = *state;
    fake_start(f, "online", true);
    int64_t ids[APP_PRINT_QUEUE + 2];
    for (int i = 0; i < APP_PRINT_QUEUE + 2; i++) {
        ids[i] = confirm_one(f);
        if (i == 0)
            assert_int_equal(f->app.s.receipt, RECEIPT_PRINTING);
        else if (i <= APP_PRINT_QUEUE)
            assert_int_equal(f->app.s.receipt, RECEIPT_QUEUED);
        app_finish(&f->app);
    }
    assert_int_equal(f->app.print_queued, APP_PRINT_QUEUE);
    assert_status(f, ids[APP_PRINT_QUEUE], "queued", "8 receipts ahead");
    assert_status(f, ids[APP_PRINT_QUEUE + 1], "timeout", "the printer is stuck");
    open_gate(f);
    settle(f, 60000);
    for (int i = 0; i <= APP_PRINT_QUEUE; i++)
        assert_status(f, ids[i], "printed", NULL);
    assert_status(f, ids[APP_PRINT_QUEUE + 1], "timeout", NULL);
}

/* A printer that answers status with 0xFF: the receipt went out but nothing confirmed it.
 * The citizen is asked to check it, keeps the token and the QR code, and may print again. */
static void test_unknown_outcome_on_the_done_screen(void **state)
{
    fx_t *f = *state;
    fake_start(f, "garbage-ff", false);
    int64_t id = confirm_one(f);
    settle(f, 20000);
    assert_int_equal(f->app.s.receipt, RECEIPT_UNKNOWN);
    assert_int_equal(f->app.s.print_result, PRINTER_UNKNOWN);
    assert_status(f, id, "unknown", "0xFF is not a status byte");
    assert_true(shown(f, "receipt:unknown"));
    assert_false(shown(f, "receipt:printed"));
    assert_true(shown(f, "token") && shown(f, "qr") && shown(f, "print:retry"));
    app_print_retry(&f->app);
    assert_int_equal(f->app.s.receipt, RECEIPT_PRINTING);
    settle(f, 20000);
    assert_int_equal(f->app.s.receipt, RECEIPT_UNKNOWN);
}

/* A kiosk stopped while one receipt was printing and one waited: at the next start both are
 * "unknown" with the reason; a printed one stays printed. Nothing is printed by itself. */
static void test_restart_settles_unfinished_receipts(void **state)
{
    fx_t *f = *state;
    int64_t pending = confirm_one(f); /* no printer yet: recorded "not-found" */
    assert_status(f, pending, "not-found", "no printer is configured");
    app_finish(&f->app);
    int64_t queued = confirm_one(f);
    app_finish(&f->app);
    int64_t printed = confirm_one(f);
    char err[256];
    /* What a kill -9 in the middle of printing leaves behind. */
    assert_int_equal(
        journal_record_print(f->journal, pending, "pending", "", 1796000001, err, sizeof err), 0);
    assert_int_equal(
        journal_record_print(f->journal, queued, "queued", "waiting", 1796000001, err, sizeof err),
        0);
    assert_int_equal(
        journal_record_print(f->journal, printed, "printed", "", 1796000001, err, sizeof err), 0);
    app_init(&f->app, &f->cfg, f->cat, f->i18n, f->fonts, f->journal, 1796000100);
    f->app.job = &f->job;
    assert_status(f, pending, "unknown", "before the kiosk stopped (it was pending)");
    assert_status(f, queued, "unknown", "before the kiosk stopped (it was queued)");
    assert_status(f, printed, "printed", NULL);
    assert_false(printjob_busy(&f->job));
    assert_int_equal(f->app.print_queued, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_second_confirm_while_printing_is_queued_then_printed),
        T(test_the_queue_is_bounded),
        T(test_unknown_outcome_on_the_done_screen),
        T(test_restart_settles_unfinished_receipts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
