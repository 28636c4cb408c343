/* screens/technician.c - the technician's PIN pad and pages. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/locale.h"
#include "text/utf8.h"
#include "ui/keyboard.h"
#include "ui/widgets.h"

#define ICON_PRINTER 0xe8ad
#define ICON_REPRINT 0xe889 /* history */
#define ICON_COUNTS  0xe24b /* insert_chart */
#define ICON_EXPORT  0xe1e0 /* usb */
#define ICON_CONFIG  0xe8b8 /* settings */
#define ICON_TOUCH   0xe913 /* touch_app */
#define ICON_TARGET  0xe55c /* my_location */
#define ICON_RESTART 0xe5d5 /* refresh */
#define ICON_POWER   0xe8ac /* power_settings_new */
#define ICON_EXIT    0xe879 /* exit_to_app */

static void message(const app_t *app, ui_t *ui, ui_rect_t r)
{
    if (!app->tech.message[0])
        return;
    int h = widget_label(ui, r, app->tech.message, SIZE_BODY, true,
                         app->tech.message_error ? COLOR_ERROR : COLOR_PRIMARY, TEXT_ALIGN_LEFT, 3);
    ui_mark(ui, app->tech.message_error ? "tech:error" : "tech:message",
            (ui_rect_t){r.x, r.y, r.w, h});
}

void screen_tech_pin_build(view_t *v, const app_t *app, ui_t *ui)
{
    (void)v;
    ui_rect_t body = chrome_top_bar(app, ui, app_tr(app, "tech.title"));
    int pad = ui_mm(ui, PAD_MM), w = ui->w - 2 * pad, y = body.y + pad;
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, app_tr(app, "tech.enter_pin"), SIZE_LABEL,
                      true, COLOR_TEXT, TEXT_ALIGN_CENTER, 2);
    char dots[64] = "";
    for (size_t i = 0; i < utf8_count(app->tech.pin.buf, app->tech.pin.len) && i < 12; i++)
        strcat(dots, "● ");
    int fh = ui_mm(ui, 12.0f);
    ui_rect_t field = {pad, y + pad / 2, w, fh};
    ui_outline(ui, field, COLOR_PRIMARY, ui_mm(ui, 2.0f), ui_mm(ui, 0.5f));
    ui_mark(ui, "field:pin", field);
    widget_label(ui, (ui_rect_t){pad, field.y + (fh - ui_mm(ui, 6.0f)) / 2, w, 0}, dots, SIZE_TITLE,
                 true, COLOR_TEXT, TEXT_ALIGN_CENTER, 1);
    y = field.y + fh + pad / 2;
    message(app, ui, (ui_rect_t){pad, y, w, 0});
    y += ui_mm(ui, 11.0f);
    int kh = keyboard_height(ui, KB_DIGITS, ui->w, ui->h - y - pad);
    keyboard_build(ui, (ui_rect_t){0, ui->h - pad / 2 - kh, ui->w, kh}, KB_DIGITS, 0, app->lang);
}

static bool on_pin_key(view_t *v, app_t *app, const char *key)
{
    (void)v;
    return app_tech_pin_key(app, key);
}

static bool on_pin_next(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    return app_tech_pin_key(app, "done");
}

bool screen_tech_pin_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {{"key:", on_pin_key}, {"next", on_pin_next}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}

static void menu(view_t *v, const app_t *app, ui_t *ui, ui_rect_t area)
{
    (void)v;
    static const struct {
        const char *id, *msgid;
        unsigned icon;
    } items[] = {
        {"tech:printer", N_("tech.printer"), ICON_PRINTER},
        {"tech:reprint", N_("tech.reprint"), ICON_REPRINT},
        {"tech:counts", N_("tech.counts"), ICON_COUNTS},
        {"tech:export", N_("tech.export"), ICON_EXPORT},
        {"tech:config", N_("tech.config"), ICON_CONFIG},
        {"tech:touch", N_("tech.touch"), ICON_TOUCH},
        {"tech:calibrate", N_("tech.calibrate"), ICON_TARGET},
        {"tech:restart", N_("tech.restart"), ICON_RESTART},
        {"tech:shutdown", N_("tech.shutdown"), ICON_POWER},
        {"tech:exit", N_("tech.exit"), ICON_EXIT},
    };
    int n = (int)(sizeof items / sizeof items[0]);
    int cols = ui->w > ui->h ? 3 : 2, rows = (n + cols - 1) / cols, gap = ui_mm(ui, 2.0f);
    int bw = (area.w - (cols - 1) * gap) / cols, bh = (area.h - (rows - 1) * gap) / rows;
    if (bh > ui_mm(ui, 16.0f))
        bh = ui_mm(ui, 16.0f);
    for (int i = 0; i < n; i++) {
        ui_rect_t r = {area.x + (i % cols) * (bw + gap), area.y + (i / cols) * (bh + gap), bw, bh};
        widget_button(ui, items[i].id, r, app_tr(app, items[i].msgid), items[i].icon,
                      BUTTON_SECONDARY);
    }
}

/* Lines of "label: value" in a column; returns the y below them. */
static int lines(ui_t *ui, int x, int y, int w, const char *const *text, int n)
{
    for (int i = 0; i < n; i++)
        y += widget_label(ui, (ui_rect_t){x, y, w, 0}, text[i], SIZE_BODY, false, COLOR_TEXT,
                          TEXT_ALIGN_LEFT, 2);
    return y;
}

/* A number in the session's digits, for a translated template. */
static const char *number(const app_t *app, int n, char *out, size_t cap)
{
    char a[16];
    snprintf(a, sizeof a, "%d", n);
    locale_digits(app->lang, a, out, cap);
    return out;
}

static void printer_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    (void)v;
    char l1[640], l2[300], l3[300], dots[32], dpi[32], rows[32];
    const printer_profile_t *p = app->paper;
    snprintf(l1, sizeof l1, "%s: %s", app_tr(app, "tech.printer"),
             app->printer ? app->cfg->printer : app_tr(app, "tech.none"));
    const char *paper[] = {p ? p->name : "-", number(app, p ? p->width_dots : 0, dots, sizeof dots),
                           number(app, p ? p->dpi : 0, dpi, sizeof dpi)};
    i18n_format(app_tr(app, "tech.paper_info"), paper, 3, l2, sizeof l2);
    const char *yes = app_tr(app, "tech.yes"), *no = app_tr(app, "tech.no");
    const char *caps[] = {p && p->cutter ? yes : no, p && p->native_qr ? yes : no,
                          number(app, p ? p->max_band_rows : 0, rows, sizeof rows)};
    i18n_format(app_tr(app, "tech.printer_caps"), caps, 3, l3, sizeof l3);
    const char *text[] = {l1, l2, l3};
    int y = lines(ui, a.x, a.y, a.w, text, 3) + ui_mm(ui, 2.0f);
    int bh = ui_mm(ui, 12.0f), bw = (a.w - ui_mm(ui, 2.0f)) / 2;
    widget_button(ui, "tech:status", (ui_rect_t){a.x, y, bw, bh}, app_tr(app, "tech.status"),
                  ICON_PRINTER, BUTTON_SECONDARY);
    widget_button(ui, "tech:testpage", (ui_rect_t){a.x + a.w - bw, y, bw, bh},
                  app_tr(app, "tech.testpage"), ICON_PRINTER, BUTTON_PRIMARY);
    message(app, ui, (ui_rect_t){a.x, y + bh + ui_mm(ui, 2.0f), a.w, 0});
}

static const char *service_name(const app_t *app, const char *id)
{
    int i = catalog_find_service(app->catalog, id);
    return i >= 0 ? app->catalog->services[i].name.s[app->lang] : id;
}

static void reprint_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    const tech_t *t = &app->tech;
    int top = a.y;
    if (t->message[0]) {
        message(app, ui, a);
        top += ui_mm(ui, 10.0f);
    }
    if (t->row_count == 0) {
        widget_label(ui, (ui_rect_t){a.x, top, a.w, 0}, app_tr(app, "tech.nothing_today"),
                     SIZE_BODY, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 2);
        return;
    }
    ui_rect_t area = {a.x, top, a.w, a.y + a.h - top}, saved;
    int y = chrome_scroll_begin(v, ui, area, &saved), y0 = y, rh = ui_mm(ui, 12.0f);
    for (int i = 0; i < t->row_count; i++) {
        char id[UI_ID_MAX], label[400], tok[32];
        snprintf(id, sizeof id, "reprint:%lld", (long long)t->rows[i].id);
        locale_digits(app->lang, t->rows[i].token, tok, sizeof tok);
        snprintf(label, sizeof label, "%s · %s · %s", tok, service_name(app, t->rows[i].service),
                 t->rows[i].status);
        widget_button(ui, id, (ui_rect_t){area.x, y, area.w - ui_mm(ui, 3.0f), rh}, label,
                      ICON_PRINTER, BUTTON_SECONDARY);
        y += rh + ui_mm(ui, 1.5f);
    }
    chrome_scroll_end(v, ui, area, y - y0, saved);
}

/* "4:05" (minutes and seconds), or "–" without a sample. */
static void duration(const app_t *app, int s, char *out, size_t cap)
{
    char t[32];
    if (s < 0)
        snprintf(t, sizeof t, "–");
    else
        snprintf(t, sizeof t, "%d:%02d", s / 60, s % 60);
    locale_digits(app->lang, t, out, cap);
}

/* One line of the board's figures: served, no-shows, wait and service times. */
static int stat_line(const app_t *app, ui_t *ui, const char *name, const sync_board_stat_t *st,
                     int x, int y, int w)
{
    char n[2][16], ln[2][32], d[4][40], line[600];
    snprintf(n[0], sizeof n[0], "%d", st->served);
    snprintf(n[1], sizeof n[1], "%d", st->noshow);
    for (int i = 0; i < 2; i++)
        locale_digits(app->lang, n[i], ln[i], sizeof ln[i]);
    duration(app, st->wait_median_s, d[0], sizeof d[0]);
    duration(app, st->wait_p90_s, d[1], sizeof d[1]);
    duration(app, st->service_median_s, d[2], sizeof d[2]);
    duration(app, st->service_p90_s, d[3], sizeof d[3]);
    const char *args[] = {name, ln[0], ln[1], d[0], d[1], d[2], d[3]};
    i18n_format(app_tr(app, "tech.queue_line"), args, 7, line, sizeof line);
    return widget_label(ui, (ui_rect_t){x, y, w, 0}, line, SIZE_SMALL, false, COLOR_TEXT,
                        TEXT_ALIGN_LEFT, 2);
}

/* Today's figures of the centre's queue, as its board last told this kiosk; returns the y. */
static int centre_figures(const app_t *app, ui_t *ui, int x, int y, int w)
{
    const sync_board_t *b = &app->centre;
    char head[300];
    y += ui_mm(ui, 3.0f);
    if (!b->has_today) {
        return y + widget_label(ui, (ui_rect_t){x, y, w, 0}, app_tr(app, "tech.queue_none"),
                                SIZE_BODY, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 2);
    }
    const char *args[] = {b->at};
    i18n_format(app_tr(app, app->centre_fresh ? N_("tech.queue_today") : N_("tech.queue_old")),
                args, 1, head, sizeof head);
    int h = widget_label(ui, (ui_rect_t){x, y, w, 0}, head, SIZE_LABEL, true, COLOR_PRIMARY,
                         TEXT_ALIGN_LEFT, 2);
    ui_mark(ui, "tech:queue", (ui_rect_t){x, y, w, h});
    y += h;
    y += stat_line(app, ui, app_tr(app, "tech.total"), &b->all, x, y, w);
    for (int i = 0; i < b->n_services; i++)
        y += stat_line(app, ui, service_name(app, b->services[i].key), &b->services[i], x, y, w);
    for (int i = 0; i < b->n_counters; i++) {
        char name[96], num[48];
        locale_digits(app->lang, b->counters[i].key, num, sizeof num);
        const char *a1[] = {num};
        i18n_format(app_tr(app, "tech.counter"), a1, 1, name, sizeof name);
        y += stat_line(app, ui, name, &b->counters[i], x, y, w);
    }
    return y;
}

static void counts_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    const journal_count_t *rows = app->tech.counts;
    int n = app->tech.count_count;
    int total = 0, printed = 0;
    ui_rect_t saved;
    int y = chrome_scroll_begin(v, ui, a, &saved), y0 = y;
    a.w -= ui_mm(ui, 3.0f); /* the scroll bar's room */
    for (int i = 0; i < n; i++) {
        char c[32], p[32], lc[48], lp[48], line[400];
        snprintf(c, sizeof c, "%d", rows[i].requests);
        snprintf(p, sizeof p, "%d", rows[i].printed);
        locale_digits(app->lang, c, lc, sizeof lc);
        locale_digits(app->lang, p, lp, sizeof lp);
        const char *args[] = {service_name(app, rows[i].service), lc, lp};
        i18n_format(app_tr(app, "tech.count_line"), args, 3, line, sizeof line);
        y += widget_label(ui, (ui_rect_t){a.x, y, a.w, 0}, line, SIZE_BODY, false, COLOR_TEXT,
                          TEXT_ALIGN_LEFT, 1);
        total += rows[i].requests;
        printed += rows[i].printed;
    }
    char c[32], p[32], lc[48], lp[48], line[400];
    snprintf(c, sizeof c, "%d", total);
    snprintf(p, sizeof p, "%d", printed);
    locale_digits(app->lang, c, lc, sizeof lc);
    locale_digits(app->lang, p, lp, sizeof lp);
    const char *args[] = {app_tr(app, "tech.total"), lc, lp};
    i18n_format(app_tr(app, "tech.count_line"), args, 3, line, sizeof line);
    int h = widget_label(ui, (ui_rect_t){a.x, y + ui_mm(ui, 1.0f), a.w, 0}, line, SIZE_LABEL, true,
                         COLOR_PRIMARY, TEXT_ALIGN_LEFT, 1);
    ui_mark(ui, "tech:total", (ui_rect_t){a.x, y, a.w, h});
    y = centre_figures(app, ui, a.x, y + h, a.w);
    a.w += ui_mm(ui, 3.0f);
    chrome_scroll_end(v, ui, a, y - y0, saved);
}

static void export_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    (void)v;
    int y = a.y + widget_label(ui, a, app_tr(app, "tech.export_help"), SIZE_BODY, false, COLOR_TEXT,
                               TEXT_ALIGN_LEFT, 4);
    int bh = ui_mm(ui, 12.0f), bw = a.w < ui_mm(ui, 70.0f) ? a.w : ui_mm(ui, 70.0f);
    y += ui_mm(ui, 2.0f);
    widget_button(ui, "tech:export-now", (ui_rect_t){a.x, y, bw, bh},
                  app_tr(app, "tech.export_now"), ICON_EXPORT, BUTTON_PRIMARY);
    message(app, ui, (ui_rect_t){a.x, y + bh + ui_mm(ui, 2.0f), a.w, 0});
}

static void config_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    (void)v;
    const config_t *c = app->cfg;
    char l[8][1100];
    snprintf(l[0], sizeof l[0], "centre: %s · %s", c->centre_id, c->centre_name[LANG_BN]);
    snprintf(l[1], sizeof l[1], "terminal: %s · language: %s", c->terminal_id,
             lang_code(c->language));
    snprintf(l[2], sizeof l[2], "idle: %d s, countdown %d s · retention: %d days",
             c->idle_timeout_s, c->idle_countdown_s, c->retention_days);
    snprintf(l[3], sizeof l[3], "display: %dx%d, rotation %d, %d dpi", ui->w, ui->h, c->rotation,
             c->dpi);
    snprintf(l[4], sizeof l[4], "calibration: %.3f %.3f %.3f %.3f %.3f %.3f", c->calibration[0],
             c->calibration[1], c->calibration[2], c->calibration[3], c->calibration[4],
             c->calibration[5]);
    snprintf(l[5], sizeof l[5], "printer: %s · paper: %s", c->printer[0] ? c->printer : "-",
             c->paper);
    snprintf(l[6], sizeof l[6], "data: %s · catalog: %s", c->data_dir, c->catalog);
    snprintf(l[7], sizeof l[7], "receipt url: %s", c->receipt_url[0] ? c->receipt_url : "-");
    const char *text[8];
    for (int i = 0; i < 8; i++)
        text[i] = l[i];
    int end = lines(ui, a.x, a.y, a.w, text, 8);
    ui_mark(ui, "tech:config", (ui_rect_t){a.x, a.y, a.w, end - a.y});
}

static void touch_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    (void)v;
    const tech_t *t = &app->tech;
    int bh = ui_mm(ui, 11.0f);
    widget_button(ui, "touch:clear",
                  (ui_rect_t){a.x + a.w - ui_mm(ui, 40.0f), a.y, ui_mm(ui, 40.0f), bh},
                  app_tr(app, "tech.clear"), 0, BUTTON_SECONDARY);
    widget_label(ui, (ui_rect_t){a.x, a.y, a.w - ui_mm(ui, 42.0f), 0},
                 app_tr(app, "tech.touch_help"), SIZE_BODY, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 2);
    ui_rect_t canvas = {a.x, a.y + bh + ui_mm(ui, 1.0f), a.w, a.h - bh - ui_mm(ui, 1.0f)};
    ui_outline(ui, canvas, COLOR_LINE, 0, 1);
    ui_mark(ui, "touch:canvas", canvas);
    int d = ui_mm(ui, 1.5f);
    for (int i = 0; i < t->point_count; i++)
        ui_rect(ui, (ui_rect_t){t->points[i][0] - d / 2, t->points[i][1] - d / 2, d, d},
                COLOR_PRIMARY, d / 2);
}

static void calibrate_page(view_t *v, const app_t *app, ui_t *ui, ui_rect_t a)
{
    (void)v;
    const tech_t *t = &app->tech;
    if (t->cal_step >= 3 && !t->calibration_ready) {
        message(app, ui, a);
        return;
    }
    char n[16], ln[32], help[300];
    snprintf(n, sizeof n, "%d", t->cal_step + 1);
    locale_digits(app->lang, n, ln, sizeof ln);
    const char *args[] = {ln};
    i18n_format(app_tr(app, "tech.calibrate_help"), args, 1, help, sizeof help);
    widget_label(ui, a, help, SIZE_BODY, false, COLOR_TEXT, TEXT_ALIGN_CENTER, 2);
    if (t->cal_step >= 3)
        return;
    int x, y, s = ui_mm(ui, 10.0f), th = ui_mm(ui, 0.6f);
    screen_tech_calibration_target(ui, t->cal_step, &x, &y);
    ui_rect(ui, (ui_rect_t){x - s, y - th / 2, 2 * s, th > 0 ? th : 1}, COLOR_ERROR, 0);
    ui_rect(ui, (ui_rect_t){x - th / 2, y - s, th > 0 ? th : 1, 2 * s}, COLOR_ERROR, 0);
    ui_mark(ui, "calibrate:target", (ui_rect_t){x - s, y - s, 2 * s, 2 * s});
}

void screen_tech_build(view_t *v, const app_t *app, ui_t *ui)
{
    static const char *const titles[TECH_PAGE_COUNT] = {
        N_("tech.title"),  N_("tech.printer"), N_("tech.reprint"), N_("tech.counts"),
        N_("tech.export"), N_("tech.config"),  N_("tech.touch"),   N_("tech.calibrate")};
    const tech_t *t = &app->tech;
    ui_rect_t body = chrome_top_bar(app, ui, app_tr(app, titles[t->page]));
    int pad = ui_mm(ui, PAD_MM);
    ui_rect_t a = {pad, body.y + pad, ui->w - 2 * pad, body.h - 2 * pad};
    static void (*const pages[TECH_PAGE_COUNT])(view_t *, const app_t *, ui_t *, ui_rect_t) = {
        menu,        printer_page, reprint_page, counts_page,
        export_page, config_page,  touch_page,   calibrate_page};
    assert((unsigned)t->page < TECH_PAGE_COUNT);
    pages[t->page](v, app, ui, a);
}

void screen_tech_calibration_target(const ui_t *ui, int i, int *x, int *y)
{
    /* Three points far apart and not on a line: near two corners and the opposite edge. */
    static const float pos[3][2] = {{0.15f, 0.2f}, {0.85f, 0.35f}, {0.4f, 0.85f}};
    assert(i >= 0 && i < 3);
    *x = (int)(pos[i][0] * (float)ui->w);
    *y = (int)(pos[i][1] * (float)ui->h);
}

static bool on_page(view_t *v, app_t *app, const char *name)
{
    /* The menu's items, by the page they open. */
    static const struct {
        const char *name;
        tech_page_t page;
    } pages[] = {{"printer", TECH_PRINTER},    {"reprint", TECH_REPRINT}, {"counts", TECH_COUNTS},
                 {"export", TECH_EXPORT},      {"config", TECH_CONFIG},   {"touch", TECH_TOUCH},
                 {"calibrate", TECH_CALIBRATE}};
    (void)v;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(name, pages[i].name) == 0) {
            app_tech_open(app, pages[i].page);
            return true;
        }
    return false;
}

static bool on_action(view_t *v, app_t *app, const char *name)
{
    (void)v;
    if (strcmp(name, "status") == 0 || strcmp(name, "testpage") == 0)
        app_tech_print(app, strcmp(name, "testpage") == 0);
    else if (strcmp(name, "export-now") == 0)
        app_tech_export(app);
    else if (strcmp(name, "restart") == 0)
        app_tech_restart(app);
    else if (strcmp(name, "shutdown") == 0)
        app_tech_shutdown(app);
    else if (strcmp(name, "exit") == 0)
        app_tech_leave(app);
    else
        return on_page(v, app, name);
    return true;
}

static bool on_reprint(view_t *v, app_t *app, const char *number)
{
    char *end;
    (void)v;
    long long rid = strtoll(number, &end, 10);
    if (*end || rid <= 0)
        return false;
    app_tech_reprint(app, rid);
    return true;
}

static bool on_clear(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_tech_clear_touch(app);
    return true;
}

bool screen_tech_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {
        {"tech:", on_action}, {"reprint:", on_reprint}, {"touch:clear", on_clear}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
