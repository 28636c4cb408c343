/* app/tech.c - the technician's gesture, PIN and actions. */
#define _GNU_SOURCE /* mntent, explicit_bzero */
#include "app/tech.h"

#include <errno.h>
#include <stdarg.h>
#include <mntent.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/print.h"
#include "store/export.h"
#include "store/pin.h"
#include "text/locale.h"

extern char **environ;

/* Show the outcome of an action: a translated message with {1} filled by arg (may be "").
 * Translations are templates, never printf formats: a translator cannot break the program. */
static void say_args(app_t *app, bool error, const char *msgid, const char *const *args, int n)
{
    i18n_format(app_tr(app, msgid), args, n, app->tech.message, sizeof app->tech.message);
    app->tech.message_error = error;
    app->dirty = true;
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

static bool in_corner(const app_t *app, int x, int y, bool first)
{
    int c = ui_mm(app->ui, TECH_CORNER_MM);
    if (first)
        return x < c && y < c;                         /* top left */
    return x >= app->ui->w - c && y >= app->ui->h - c; /* then bottom right */
}

void tech_touch_down(app_t *app)
{
    app->tech.press_started = app->now_ms;
}

static void open_pin(app_t *app)
{
    lang_t lang = app->lang;
    app_wipe(app); /* a citizen's data never shows behind the technician's screens */
    app->lang = lang;
    text_edit_init(&app->tech.pin, PIN_MAX_DIGITS);
    app->tech.message[0] = '\0';
    app->screen = SCREEN_TECH_PIN;
    app->dirty = true;
}

bool tech_touch_up(app_t *app, int x, int y, uint64_t held_ms)
{
    tech_t *t = &app->tech;
    if (held_ms < TECH_HOLD_MS)
        return false;
    if (app->screen == SCREEN_TECH || app->screen == SCREEN_TECH_PIN)
        return true; /* a long press inside tech mode is just not a press */
    if (t->gesture == 1 && app->now_ms <= t->gesture_until && in_corner(app, x, y, false)) {
        t->gesture = 0;
        open_pin(app);
        return true;
    }
    t->gesture = in_corner(app, x, y, true) ? 1 : 0;
    t->gesture_until = app->now_ms + TECH_GESTURE_MS;
    return true; /* held too long for a tap anyway */
}

void tech_leave(app_t *app)
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
    pin_result_t r = pin_check(app->data_dir, digits, app_unix_now(app), &left, &until);
    explicit_bzero(digits, sizeof digits);
    text_edit_init(&app->tech.pin, PIN_MAX_DIGITS);
    switch (r) {
    case PIN_OK:
        app->screen = SCREEN_TECH;
        app->tech.page = TECH_MENU;
        app->tech.message[0] = '\0';
        app->dirty = true;
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

static bool pin_press(app_t *app, const char *id)
{
    text_edit_t *e = &app->tech.pin;
    if (strcmp(id, "key:done") == 0 || strcmp(id, "next") == 0)
        check_pin(app);
    else if (strcmp(id, "key:backspace") == 0)
        text_edit_backspace(e);
    else if (strncmp(id, "key:", 4) == 0 && strlen(id + 4) <= 3)
        text_edit_insert(e, id + 4);
    else if (strcmp(id, "back") == 0)
        tech_leave(app);
    else
        return false;
    app->dirty = true;
    return true;
}

/* ---- pages ---- */

static void open_page(app_t *app, tech_page_t page)
{
    tech_t *t = &app->tech;
    t->page = page;
    t->message[0] = '\0';
    t->cal_step = 0;
    if (page == TECH_REPRINT)
        t->row_count =
            app->journal ? journal_day(app->journal, app_unix_now(app), t->rows, TECH_ROWS) : 0;
    app->s.scroll = 0;
    app->dirty = true;
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

static void export_now(app_t *app)
{
    char dir[512], path[800], err[256], day[16];
    locale_tm_t tm;
    if (!app->journal || !export_folder(app, dir, sizeof dir)) {
        say(app, true, N_("tech.export_no_stick"), NULL);
        return;
    }
    locale_dhaka_time(app_unix_now(app), &tm);
    snprintf(day, sizeof day, "%04d%02d%02d", tm.year % 10000, tm.month, tm.day);
    snprintf(path, sizeof path, "%s/sheba-journal-%s-%s-%s.jsonl", dir, app->cfg->centre_id,
             app->cfg->terminal_id, day);
    FILE *fp = fopen(path, "w");
    long n = fp ? journal_export(app->journal, 0, fp, err, sizeof err) : -1;
    /* fsync: the technician pulls the stick out right after reading "done". */
    bool ok = fp && n >= 0 && fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    if (fp && fclose(fp) != 0)
        ok = false;
    if (!ok) {
        say(app, true, N_("tech.export_failed"), path);
        return;
    }
    char count[32], shown[64];
    snprintf(count, sizeof count, "%ld", n);
    locale_digits(app->lang, count, shown, sizeof shown);
    const char *slash = strrchr(path, '/'); /* the file's name: the stick is in the hand */
    const char *args[] = {shown, slash ? slash + 1 : path};
    say_args(app, false, N_("tech.export_done"), args, 2);
}

/* Run the configured command (shutdown) without a shell: no quoting to get wrong. */
static int run_command(const char *cmd)
{
    char buf[512], *argv[16];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", cmd);
    for (char *tok = strtok(buf, " "); tok && argc < 15; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc] = NULL;
    pid_t pid;
    int status;
    if (argc == 0 || posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
        return -1;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void print_action(app_t *app, const char *id)
{
    if (!app->printer || !app->job) {
        say(app, true, N_("tech.no_printer"), NULL);
        return;
    }
    /* Both run in the printing thread (tags 0 and -1: no request to record), so a stuck
     * printer never freezes the technician's screen either. */
    escpos_buf_t b = {0};
    bool test = strcmp(id, "tech:testpage") == 0;
    if (test && print_test_encode(app->fonts, app->paper, &b) < 0) {
        escpos_buf_free(&b);
        say(app, true, N_("tech.print_failed"), "compose");
        return;
    }
    bool started = printjob_start(app->job, app->printer, app->paper, test ? "test-page" : "status",
                                  test ? 0 : -1, b.data, b.len);
    escpos_buf_free(&b);
    say(app, !started, started ? N_("tech.asking_printer") : N_("tech.printer_busy"), NULL);
}

static bool reprint(app_t *app, const char *id)
{
    char *end;
    long long rid = strtoll(id + 8, &end, 10);
    if (*end || rid <= 0)
        return false;
    print_result_t r = print_again(app, rid);
    app->tech.reprinting = r == PRINT_OK ? rid : 0;
    say(app, r != PRINT_OK, r == PRINT_OK ? N_("tech.reprinting") : N_("tech.print_failed"),
        print_result_name(r));
    return true;
}

void tech_calibration_target(const app_t *app, int i, int *x, int *y)
{
    /* Three points far apart and not on a line: near two corners and the opposite edge. */
    static const float pos[3][2] = {{0.15f, 0.2f}, {0.85f, 0.35f}, {0.4f, 0.85f}};
    *x = (int)(pos[i][0] * (float)app->ui->w);
    *y = (int)(pos[i][1] * (float)app->ui->h);
}

void tech_touch(app_t *app, const app_input_t *in)
{
    tech_t *t = &app->tech;
    if (app->screen != SCREEN_TECH)
        return;
    if (t->page == TECH_TOUCH && in->kind != INPUT_TOUCH_UP) {
        t->points[t->point_next][0] = (int16_t)in->x;
        t->points[t->point_next][1] = (int16_t)in->y;
        t->point_next = (t->point_next + 1) % TECH_POINTS;
        if (t->point_count < TECH_POINTS)
            t->point_count++;
        app->dirty = true;
    } else if (t->page == TECH_CALIBRATE && in->kind == INPUT_TOUCH_UP && in->has_raw &&
               t->cal_step < 3) {
        t->cal_raw[t->cal_step][0] = in->raw_x;
        t->cal_raw[t->cal_step][1] = in->raw_y;
        tech_calibration_target(app, t->cal_step, &t->cal_target[t->cal_step][0],
                                &t->cal_target[t->cal_step][1]);
        if (++t->cal_step == 3)
            t->calibration_ready = true;
        app->dirty = true;
    }
}

static bool page_press(app_t *app, const char *id)
{
    static const struct {
        const char *id;
        tech_page_t page;
    } pages[] = {{"tech:printer", TECH_PRINTER},    {"tech:reprint", TECH_REPRINT},
                 {"tech:counts", TECH_COUNTS},      {"tech:export", TECH_EXPORT},
                 {"tech:config", TECH_CONFIG},      {"tech:touch", TECH_TOUCH},
                 {"tech:calibrate", TECH_CALIBRATE}};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(id, pages[i].id) == 0) {
            open_page(app, pages[i].page);
            return true;
        }
    return false;
}

static bool action_press(app_t *app, const char *id)
{
    if (strcmp(id, "tech:status") == 0 || strcmp(id, "tech:testpage") == 0)
        print_action(app, id);
    else if (strncmp(id, "reprint:", 8) == 0)
        return reprint(app, id);
    else if (strcmp(id, "tech:export-now") == 0)
        export_now(app);
    else if (strcmp(id, "touch:clear") == 0)
        app->tech.point_count = app->tech.point_next = 0;
    else if (strcmp(id, "tech:restart") == 0) {
        app->quit = true; /* the service manager starts it again (Restart=always) */
        app->quit_status = 0;
    } else if (strcmp(id, "tech:shutdown") == 0) {
        if (run_command(app->cfg->shutdown_command) != 0)
            say(app, true, N_("tech.shutdown_failed"), app->cfg->shutdown_command);
        else
            app->quit = true;
    } else
        return false;
    app->dirty = true;
    return true;
}

bool tech_press(app_t *app, const char *id)
{
    if (app->screen == SCREEN_TECH_PIN)
        return pin_press(app, id);
    if (strcmp(id, "back") == 0) {
        if (app->tech.page == TECH_MENU)
            tech_leave(app);
        else
            open_page(app, TECH_MENU);
        return true;
    }
    if (strcmp(id, "tech:exit") == 0 || strcmp(id, "home") == 0) {
        tech_leave(app);
        return true;
    }
    return page_press(app, id) || action_press(app, id);
}
