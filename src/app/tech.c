/* app/tech.c - the technician's gesture, PIN and actions. */
#define _GNU_SOURCE /* mntent, explicit_bzero */
#include "app/tech.h"

#include <assert.h>

#include <errno.h>
#include <stdarg.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/print.h"
#include "store/journal_export.h"
#include "store/pin.h"
#include "text/locale.h"

/* Show the outcome of an action: a translated message with {1} filled by arg (may be "").
 * Translations are templates, never printf formats: a translator cannot break the program. */
static void say_args(app_t *app, bool error, const char *msgid, const char *const *args, int n)
{
    i18n_format(app_tr(app, msgid), args, n, app->tech.message, sizeof app->tech.message);
    app->tech.message_error = error;
    app_changed(app);
}

static void say(app_t *app, bool error, const char *msgid, const char *arg)
{
    const char *args[] = {arg ? arg : ""};
    say_args(app, error, msgid, args, 1);
}

static void say_number(app_t *app, bool error, const char *msgid, long n)
{
    char a[32], b[64];
    snprintf(a, sizeof a, "%ld", n);
    locale_digits(app->lang, a, b, sizeof b);
    say(app, error, msgid, b);
}

static void open_pin(app_t *app)
{
    lang_t lang = app->lang;
    app_wipe(app); /* a citizen's data never shows behind the technician's screens */
    app->lang = lang;
    text_edit_init(&app->tech.pin, PIN_MAX_DIGITS);
    app->tech.message[0] = '\0';
    app_go(app, SCREEN_TECH_PIN);
}

void app_tech_corner(app_t *app, tech_corner_t corner)
{
    tech_t *t = &app->tech;
    if (app_in_tech(app))
        return;
    if (t->gesture == 1 && app->now_ms <= t->gesture_until && corner == TECH_CORNER_SECOND) {
        t->gesture = 0;
        open_pin(app);
        return;
    }
    t->gesture = corner == TECH_CORNER_FIRST ? 1 : 0;
    t->gesture_until = app->now_ms + TECH_GESTURE_MS;
}

void app_tech_leave(app_t *app)
{
    explicit_bzero(&app->tech, sizeof app->tech);
    app_wipe(app);
}

static void check_pin(app_t *app)
{
    int left = 0;
    int64_t until = 0;
    char digits[64];
    locale_ascii_digits(app->tech.pin.buf, digits, sizeof digits);
    pin_result_t r =
        pin_check(app->data_dir, app->journal, digits, app_unix_now(app), &left, &until);
    explicit_bzero(digits, sizeof digits);
    text_edit_init(&app->tech.pin, PIN_MAX_DIGITS);
    switch (r) {
    case PIN_OK:
        app->tech.page = TECH_MENU;
        app->tech.message[0] = '\0';
        app_go(app, SCREEN_TECH);
        return;
    case PIN_WRONG:
        say_number(app, true, N_("tech.pin_wrong"), left);
        return;
    case PIN_LOCKED:
        say_number(app, true, N_("tech.pin_locked"), (long)((until - app_unix_now(app) + 59) / 60));
        return;
    case PIN_NOT_SET:
        say(app, true, N_("tech.pin_not_set"), NULL);
        return;
    default:
        say(app, true, N_("tech.pin_error"), NULL);
        return;
    }
}

bool app_tech_pin_key(app_t *app, const char *key)
{
    text_edit_t *e = &app->tech.pin;
    if (app->screen != SCREEN_TECH_PIN)
        return false;
    if (strcmp(key, "done") == 0)
        check_pin(app);
    else if (strcmp(key, "backspace") == 0)
        text_edit_backspace(e);
    else if (strlen(key) <= 3) /* one digit, Bangla or ASCII */
        text_edit_insert(e, key);
    else
        return false;
    app_changed(app);
    return true;
}

void app_tech_open(app_t *app, tech_page_t page)
{
    tech_t *t = &app->tech;
    assert((unsigned)page < TECH_PAGE_COUNT);
    t->page = page;
    t->message[0] = '\0';
    t->cal_step = 0;
    /* What a page shows is read from the journal once, when it opens: a view never runs a
     * query, and a page does not change under the technician's finger. */
    if (page == TECH_REPRINT)
        t->row_count =
            app->journal ? journal_day(app->journal, app_unix_now(app), t->rows, TECH_ROWS) : 0;
    if (page == TECH_COUNTS)
        t->count_count = app->journal ? journal_day_counts(app->journal, app_unix_now(app),
                                                           t->counts, CATALOG_MAX_SERVICES)
                                      : 0;
    app->visits++; /* a new page: its list starts at the top */
    app_changed(app);
}

void app_tech_back(app_t *app)
{
    if (app->screen == SCREEN_TECH_PIN || app->tech.page == TECH_MENU)
        app_tech_leave(app);
    else
        app_tech_open(app, TECH_MENU);
}

/* A folder to export to: the configured one, else the first removable medium mounted
 * under /media or /run/media (how desktop and udisks mount USB sticks). */
static bool export_folder(const app_t *app, char *out, size_t cap)
{
    if (app->cfg->export_dir[0]) {
        snprintf(out, cap, "%s", app->cfg->export_dir);
        return true;
    }
    FILE *m = setmntent("/proc/mounts", "r");
    bool found = false;
    for (struct mntent *e; m && !found && (e = getmntent(m));) {
        bool media =
            strncmp(e->mnt_dir, "/media/", 7) == 0 || strncmp(e->mnt_dir, "/run/media/", 11) == 0;
        if (media && access(e->mnt_dir, W_OK) == 0) {
            snprintf(out, cap, "%s", e->mnt_dir);
            found = true;
        }
    }
    if (m)
        endmntent(m);
    return found;
}

void app_tech_export(app_t *app)
{
    char dir[512], err[1024];
    if (!app->journal || !app->export_job || !export_folder(app, dir, sizeof dir)) {
        say(app, true, N_("tech.export_no_stick"), NULL);
        return;
    }
    export_request_t rq = {.now = app_unix_now(app)};
    snprintf(rq.data_dir, sizeof rq.data_dir, "%s", app->data_dir);
    snprintf(rq.dest_dir, sizeof rq.dest_dir, "%s", dir);
    snprintf(rq.centre_id, sizeof rq.centre_id, "%s", app->cfg->centre_id);
    snprintf(rq.terminal_id, sizeof rq.terminal_id, "%s", app->cfg->terminal_id);
    /* Sealed to the register with [journal] export_key, else masked as on the receipt. */
    snprintf(rq.export_key, sizeof rq.export_key, "%s", app->cfg->export_key);
    /* The centre's queue figures as the board last told this kiosk, when it did. */
    if (app->centre.has_today &&
        sync_board_json(&app->centre, app->centre_fresh, rq.figures, sizeof rq.figures) < 0)
        rq.figures[0] = '\0';
    if (export_job_start(app->export_job, &rq, app->catalog, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: export: %s\n", err);
        say(app, true, N_("tech.export_failed"), dir);
        return;
    }
    say(app, false, N_("tech.exporting"), NULL);
}

static bool export_poll(app_t *app)
{
    export_outcome_t out;
    export_state_t s = app->export_job ? export_job_poll(app->export_job, &out) : EXPORT_IDLE;
    if (s == EXPORT_DONE) {
        char count[32], shown[64];
        snprintf(count, sizeof count, "%ld", out.rows);
        locale_digits(app->lang, count, shown, sizeof shown);
        const char *args[] = {shown, out.file}; /* the file's name: the stick is in the hand */
        say_args(app, false, N_("tech.export_done"), args, 2);
    } else if (s == EXPORT_FAILED || s == EXPORT_TIMED_OUT) {
        fprintf(stderr, "kiosk: export: %s\n", out.error);
        say(app, true, N_("tech.export_failed"), out.file);
    }
    return s == EXPORT_DONE || s == EXPORT_FAILED || s == EXPORT_TIMED_OUT;
}

void app_tech_print(app_t *app, bool test_page)
{
    if (!app->printer || !app->job) {
        say(app, true, N_("tech.no_printer"), NULL);
        return;
    }
    /* Both run in the printing thread (tags 0 and -1: no request to record), so a stuck
     * printer never freezes the technician's screen either. */
    escpos_buf_t b = {0};
    if (test_page && app_print_test_encode(app->fonts, app->paper, &b) < 0) {
        escpos_buf_free(&b);
        say(app, true, N_("tech.print_failed"), "compose");
        return;
    }
    bool started =
        printjob_start(app->job, app->printer, app->paper, test_page ? "test-page" : "status",
                       test_page ? 0 : -1, b.data, b.len);
    escpos_buf_free(&b);
    say(app, !started, started ? N_("tech.asking_printer") : N_("tech.printer_busy"), NULL);
}

void app_tech_reprint(app_t *app, int64_t request_id)
{
    printer_result_t r = app_print_again(app, request_id);
    app->tech.reprinting = r == PRINTER_OK ? request_id : 0;
    say(app, r != PRINTER_OK, r == PRINTER_OK ? N_("tech.reprinting") : N_("tech.print_failed"),
        printer_result_name(r));
}

void app_tech_touch_point(app_t *app, int x, int y)
{
    tech_t *t = &app->tech;
    if (app->screen != SCREEN_TECH || t->page != TECH_TOUCH)
        return;
    t->points[t->point_next][0] = (int16_t)x;
    t->points[t->point_next][1] = (int16_t)y;
    t->point_next = (t->point_next + 1) % TECH_POINTS;
    if (t->point_count < TECH_POINTS)
        t->point_count++;
    app_changed(app);
}

void app_tech_clear_touch(app_t *app)
{
    app->tech.point_count = app->tech.point_next = 0;
    app_changed(app);
}

void app_tech_calibration_touch(app_t *app, float raw_x, float raw_y, int target_x, int target_y)
{
    tech_t *t = &app->tech;
    if (app->screen != SCREEN_TECH || t->page != TECH_CALIBRATE || t->cal_step >= 3)
        return;
    t->cal_raw[t->cal_step][0] = raw_x;
    t->cal_raw[t->cal_step][1] = raw_y;
    t->cal_target[t->cal_step][0] = target_x;
    t->cal_target[t->cal_step][1] = target_y;
    if (++t->cal_step == 3)
        t->calibration_ready = true;
    app_changed(app);
}

void app_tech_calibrated(app_t *app, bool ok)
{
    tech_t *t = &app->tech;
    t->calibration_ready = false;
    snprintf(t->message, sizeof t->message, "%s",
             app_tr(app, ok ? N_("tech.calibrated") : N_("tech.calibration_failed")));
    t->message_error = !ok;
    app_changed(app);
}

void app_tech_restart(app_t *app)
{
    app->quit = true; /* the service manager starts it again (Restart=always) */
    app->quit_status = 0;
    app_changed(app);
}

/* "Shut down" is spawned, never waited for: app_tech_poll sees how it ended. */
#define TECH_COMMAND_BOUND_MS 30000

void app_tech_shutdown(app_t *app)
{
    char err[300];
    if (spawn_start(&app->command, app->cfg->shutdown_command, TECH_COMMAND_BOUND_MS, err,
                    sizeof err) < 0) {
        fprintf(stderr, "kiosk: shut down: %s\n", err);
        say(app, true, N_("tech.shutdown_failed"), app->cfg->shutdown_command);
        return;
    }
    say(app, false, N_("tech.shutting_down"), NULL);
}

bool app_tech_poll(app_t *app)
{
    int status = 0;
    bool changed = export_poll(app);
    spawn_state_t s = spawn_poll(&app->command, &status);
    if (s == SPAWN_EXITED && status == 0) {
        app->quit = true; /* the service manager stops us anyway; do not wait for it */
        return true;
    }
    if (s == SPAWN_EXITED || s == SPAWN_TIMED_OUT) {
        fprintf(stderr, "kiosk: shut down: \"%s\" %s (status %d)\n", app->cfg->shutdown_command,
                s == SPAWN_TIMED_OUT ? "did not end in time and was killed" : "failed", status);
        say(app, true, N_("tech.shutdown_failed"), app->cfg->shutdown_command);
        return true;
    }
    return changed;
}

bool app_in_tech(const app_t *app)
{
    return app->screen == SCREEN_TECH || app->screen == SCREEN_TECH_PIN;
}
