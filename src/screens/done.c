/* screens/done.c - the token, large, a QR code of the tracking id, and what to do next. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/locale.h"
#include "ui/widgets.h"

#define ICON_OK    0xe2e6 /* task_alt */
#define ICON_PRINT 0xe8ad /* print */
#define ICON_WARN  0xe002 /* warning */

/* A receipt the citizen must act on: it failed, or nobody knows whether it came out. */
static bool receipt_trouble(const app_t *app)
{
    return app->s.receipt == RECEIPT_FAILED || app->s.receipt == RECEIPT_UNKNOWN;
}

/* Why a receipt did not print, as a citizen can act on it. */
static const char *failure_msgid(const app_t *app)
{
    if (app->s.receipt == RECEIPT_UNKNOWN)
        return N_("print.unknown");
    switch (app->s.print_result) {
    case PRINTER_PAPER_OUT:
        return N_("print.paper_out");
    case PRINTER_COVER_OPEN:
        return N_("print.cover_open");
    default:
        return N_("print.not_responding");
    }
}

/* The receipt's state under the token; returns the height used. */
static int receipt_block(const app_t *app, ui_t *ui, int x, int y, int w, int bottom)
{
    int isz = ui_mm(ui, 6.0f), pad = ui_mm(ui, 2.0f);
    if (app->s.receipt == RECEIPT_PRINTING || app->s.receipt == RECEIPT_PRINTED ||
        app->s.receipt == RECEIPT_QUEUED) {
        bool done = app->s.receipt == RECEIPT_PRINTED, queued = app->s.receipt == RECEIPT_QUEUED;
        ui_icon(ui, (ui_rect_t){x, y, isz, isz}, ICON_PRINT, COLOR_PRIMARY);
        const char *said = app_tr(app, done     ? N_("print.printed")
                                       : queued ? N_("print.queued")
                                                : N_("print.printing"));
        int h = widget_label(ui, (ui_rect_t){x + isz + pad, y, w - isz - pad, 0}, said, SIZE_BODY,
                             true, COLOR_PRIMARY, TEXT_ALIGN_LEFT, 2);
        ui_mark(ui,
                done     ? "receipt:printed"
                : queued ? "receipt:queued"
                         : "receipt:printing",
                (ui_rect_t){x, y, w, h});
        ui_say(ui, said);
        return (h > isz ? h : isz) + pad;
    }
    if (!receipt_trouble(app))
        return 0;
    /* The reason in both languages: staff nearby may read the other one. */
    lang_t other = app->lang == LANG_BN ? LANG_EN : LANG_BN;
    const char *why = failure_msgid(app);
    ui_rect_t box = {x, y, w, bottom - y};
    ui_rect(ui, box, COLOR_ERROR_BG, ui_mm(ui, 2.0f));
    ui_mark(ui, app->s.receipt == RECEIPT_UNKNOWN ? "receipt:unknown" : "receipt:failed", box);
    ui_say(ui, app_tr(app, why));
    int ty = y + pad, tw = w - 2 * pad - isz - pad, tx = x + pad + isz + pad;
    ui_icon(ui, (ui_rect_t){x + pad, ty, isz, isz}, ICON_WARN, COLOR_ERROR);
    ty += widget_label(ui, (ui_rect_t){tx, ty, tw, 0}, app_tr(app, why), SIZE_BODY, true,
                       COLOR_ERROR, TEXT_ALIGN_LEFT, 2);
    /* Then what to do, then the reason in the other language, as far as room allows. When
     * nobody knows whether the receipt came out, the question to the citizen is the message:
     * its other language comes first. */
    text_box_t kb = widget_box(ui, SIZE_SMALL, false, tw, 1);
    const text_layout_t *one = ui_layout(ui, "Ag", &kb);
    int line = one && one->line_h ? one->line_h : 1, end = box.y + box.h - pad;
    bool unknown = app->s.receipt == RECEIPT_UNKNOWN;
    for (int part = 0; part < 2; part++) {
        int lines = (end - ty) / line;
        if (lines <= 0)
            break;
        if ((part == 0) != unknown)
            ty +=
                widget_label(ui, (ui_rect_t){tx, ty, tw, 0}, app_tr(app, "print.kept"), SIZE_SMALL,
                             false, COLOR_TEXT, TEXT_ALIGN_LEFT, lines > 4 ? 4 : lines);
        else
            ty += widget_label(ui, (ui_rect_t){tx, ty, tw, 0}, i18n_get(app->i18n, other, why),
                               SIZE_SMALL, false, COLOR_ERROR, TEXT_ALIGN_LEFT,
                               lines > 2 ? 2 : lines);
    }
    return box.h;
}

/* "A-০৪২" in Bangla mode: the prefix letter stays, the number is read in Bangla. */
static void token_text(const app_t *app, char *out, size_t cap)
{
    locale_digits(app->lang, app->s.token, out, cap);
}

/* The priority asked for, and the place in the centre's queue when the board told it (left
 * out otherwise: never a wrong number); returns the y below them. */
static int queue_block(const app_t *app, ui_t *ui, int x, int y, int w)
{
    char text[200];
    if (app_priority_text(app, app->lang, &app->s, text, sizeof text) > 0) {
        int h = widget_label(ui, (ui_rect_t){x, y, w, 0}, text, SIZE_SMALL, true, COLOR_PRIMARY,
                             TEXT_ALIGN_LEFT, 2);
        ui_mark(ui, "priority", (ui_rect_t){x, y, w, h});
        y += h;
    }
    if (app_ahead_text(app, app->lang, &app->s, text, sizeof text) > 0) {
        int h = widget_label(ui, (ui_rect_t){x, y, w, 0}, text, SIZE_BODY, true, COLOR_TEXT,
                             TEXT_ALIGN_LEFT, 2);
        ui_mark(ui, "queue:ahead", (ui_rect_t){x, y, w, h});
        ui_say(ui, text);
        y += h;
    }
    return y;
}

/* Title, service, the token and when; returns the y below them. */
static int token_block(const app_t *app, ui_t *ui, int x, int y, int w)
{
    const catalog_service_t *svc = &app->catalog->services[app->s.service];
    int isz = ui_mm(ui, 7.0f), pad = ui_mm(ui, PAD_MM);
    ui_icon(ui, (ui_rect_t){x, y, isz, isz}, ICON_OK, COLOR_PRIMARY);
    y += widget_label(ui, (ui_rect_t){x + isz + pad / 2, y, w - isz - pad / 2, 0},
                      app_tr(app, "done.title"), SIZE_LABEL, true, COLOR_PRIMARY, TEXT_ALIGN_LEFT,
                      2);
    y += widget_label(ui, (ui_rect_t){x, y, w, 0}, svc->name.s[app->lang], SIZE_BODY, false,
                      COLOR_TEXT, TEXT_ALIGN_LEFT, 2);
    y += widget_label(ui, (ui_rect_t){x, y, w, 0}, app_tr(app, "done.token"), SIZE_BODY, false,
                      COLOR_MUTED, TEXT_ALIGN_LEFT, 1);
    char tok[32], when[320];
    token_text(app, tok, sizeof tok);
    /* Smaller when a printing problem needs the room: the token stays the largest text. */
    float size = receipt_trouble(app) ? 13.0f : 20.0f;
    text_box_t tb = widget_box(ui, size, true, w, 1);
    int th =
        ui_text(ui, (ui_rect_t){x, y, w, 0}, tok, &tb, COLOR_TEXT, TEXT_ALIGN_LEFT, UI_VALIGN_TOP);
    ui_mark(ui, "token", (ui_rect_t){x, y, w, th});
    y += th;
    locale_format_when(app->lang, app->s.confirmed_at, when, sizeof when);
    y += widget_label(ui, (ui_rect_t){x, y, w, 0}, when, SIZE_SMALL, false, COLOR_MUTED,
                      TEXT_ALIGN_LEFT, 1);
    return queue_block(app, ui, x, y, w);
}

/* The QR code with the tracking id under it, centred in a column of width w. */
static void qr_block(const app_t *app, ui_t *ui, int x, int y, int w, int size)
{
    ui_rect_t r = {x + (w - size) / 2, y, size, size};
    ui_qr(ui, r, app->s.qr_payload);
    ui_mark(ui, "qr", r);
    widget_label(ui, (ui_rect_t){x, y + size, w, 0}, app->s.tracking, SIZE_SMALL, false,
                 COLOR_MUTED, TEXT_ALIGN_CENTER, 1);
}

/* What to do next, in as many lines as fit between y and bottom. */
static void steps(const app_t *app, ui_t *ui, int x, int y, int w, int bottom)
{
    text_box_t box = widget_box(ui, SIZE_BODY, false, w, 1);
    const text_layout_t *one = ui_layout(ui, "Ag", &box);
    int lines = one && one->line_h > 0 ? (bottom - y) / one->line_h : 0;
    if (lines > 0)
        widget_label(ui, (ui_rect_t){x, y, w, 0}, app_tr(app, "done.next_steps"), SIZE_BODY, false,
                     COLOR_TEXT, TEXT_ALIGN_LEFT, lines > 5 ? 5 : lines);
}

/* "Finish", and "print again" above it when the receipt failed or may not have come out,
 * stacked up from the bottom of column c; returns the top of the stack. */
static int finish_buttons(const app_t *app, ui_t *ui, ui_rect_t c)
{
    int bh = ui_mm(ui, 13.0f), gap = ui_mm(ui, 2.0f);
    int y = c.y + c.h - bh;
    widget_button(ui, "finish", (ui_rect_t){c.x, y, c.w, bh}, app_tr(app, "done.finish"), 0,
                  BUTTON_PRIMARY);
    if (receipt_trouble(app)) {
        y -= bh + gap;
        widget_button(ui, "print:retry", (ui_rect_t){c.x, y, c.w, bh}, app_tr(app, "print.retry"),
                      ICON_PRINT, BUTTON_SECONDARY);
    }
    return y;
}

void screen_done_build(view_t *v, const app_t *app, ui_t *ui)
{
    (void)v;
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM), bh = ui_mm(ui, 13.0f), small = ui_mm(ui, 6.0f);
    int top = body.y + pad / 2;
    if (ui->w > ui->h) {
        /* Landscape: the token and the steps on the left; QR and the button on the right. */
        int col = ui->w / 3 > ui_mm(ui, 50.0f) ? ui->w / 3 : ui_mm(ui, 50.0f);
        int cx = ui->w - pad - col;
        int buttons = finish_buttons(app, ui, (ui_rect_t){cx, 0, col, ui->h - pad});
        int qr = buttons - pad - small - top;
        qr = qr < col ? qr : col;
        qr = qr < ui_mm(ui, 60.0f) ? qr : ui_mm(ui, 60.0f);
        qr_block(app, ui, cx, top, col, qr);
        int w = cx - 2 * pad;
        int y = token_block(app, ui, pad, top, w) + ui_mm(ui, 2.0f);
        if (receipt_trouble(app)) {
            receipt_block(app, ui, pad, y, w, ui->h - pad);
            return;
        }
        y += receipt_block(app, ui, pad, y, w, ui->h - pad);
        steps(app, ui, pad, y, w, ui->h - pad);
        return;
    }
    /* Portrait: one column, the QR code between the token and the steps. */
    int w = ui->w - 2 * pad;
    ui_rect_t btn = {pad, finish_buttons(app, ui, (ui_rect_t){pad, 0, w, ui->h - pad}), w, bh};
    int y = token_block(app, ui, pad, top, w) + ui_mm(ui, 2.0f);
    if (receipt_trouble(app)) {
        /* The failure first; the QR code below it, to photograph: the message takes what
         * leaves the code a third of the width (between 24 and 40 mm). */
        int room = btn.y - pad - small - ui_mm(ui, 2.0f) - y, fh = room - w / 3;
        fh = fh > ui_mm(ui, 40.0f) ? ui_mm(ui, 40.0f) : fh;
        fh = fh < ui_mm(ui, 24.0f) ? ui_mm(ui, 24.0f) : fh;
        receipt_block(app, ui, pad, y, w, y + fh);
        y += fh + ui_mm(ui, 2.0f);
        int qr = btn.y - pad - small - y;
        qr_block(app, ui, pad, y, w, qr < w / 2 ? qr : w / 2);
        return;
    }
    y += receipt_block(app, ui, pad, y, w, btn.y);
    int text_h = ui_mm(ui, 24.0f);
    int qr = btn.y - pad - text_h - small - y;
    qr = qr < w / 2 ? qr : w / 2;
    qr_block(app, ui, pad, y, w, qr);
    y += qr + small + ui_mm(ui, 1.0f);
    steps(app, ui, pad, y, w, btn.y - pad / 2);
}

static bool on_retry(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_print_retry(app);
    return true;
}

static bool on_finish(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_finish(app);
    return true;
}

bool screen_done_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {{"print:retry", on_retry}, {"finish", on_finish}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
