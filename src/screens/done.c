/* screens/done.c - the token, large, a QR code of the tracking id, and what to do next. */
#include <stdio.h>
#include <string.h>

#include "screens/screens.h"
#include "text/locale.h"
#include "ui/widgets.h"

#define ICON_OK 0xe2e6 /* task_alt */

/* "A-০৪২" in Bangla mode: the prefix letter stays, the number is read in Bangla. */
static void token_text(const app_t *app, char *out, size_t cap)
{
    locale_digits(app->lang, app->s.token, out, cap);
}

static void when_text(const app_t *app, char *out, size_t cap)
{
    locale_tm_t tm;
    char d[96], t[64];
    locale_dhaka_time(app->s.confirmed_at, &tm);
    locale_format_date(app->lang, &tm, d, sizeof d);
    locale_format_time(app->lang, &tm, t, sizeof t);
    snprintf(out, cap, "%s, %s", d, t);
}

void screen_done_build(app_t *app, ui_t *ui)
{
    const catalog_service_t *svc = &app->catalog->services[app->s.service];
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM), bh = ui_mm(ui, 13.0f);
    bool portrait = ui->h > ui->w;
    int bw = ui_mm(ui, 60.0f) < ui->w - 2 * pad ? ui_mm(ui, 60.0f) : ui->w - 2 * pad;
    widget_button(ui, "finish", (ui_rect_t){ui->w - pad - bw, ui->h - pad - bh, bw, bh},
                  app_tr(app, "done.finish"), 0, BUTTON_PRIMARY);
    int avail_h = ui->h - pad - bh - pad - body.y;
    int qr = portrait ? ui->w / 2 : avail_h - ui_mm(ui, 8.0f);
    if (qr > ui_mm(ui, 60.0f))
        qr = ui_mm(ui, 60.0f);
    int tw = portrait ? ui->w - 2 * pad : ui->w - 3 * pad - qr;
    int y = body.y + pad / 2, isz = ui_mm(ui, 7.0f);
    ui_icon(ui, (ui_rect_t){pad, y, isz, isz}, ICON_OK, COLOR_PRIMARY);
    y += widget_label(ui, (ui_rect_t){pad + isz + pad / 2, y, tw - isz - pad / 2, 0},
                      app_tr(app, "done.title"), SIZE_LABEL, true, COLOR_PRIMARY, TEXT_ALIGN_LEFT,
                      2);
    y += widget_label(ui, (ui_rect_t){pad, y, tw, 0}, svc->name.s[app->lang], SIZE_BODY, false,
                      COLOR_TEXT, TEXT_ALIGN_LEFT, 2);
    y += widget_label(ui, (ui_rect_t){pad, y, tw, 0}, app_tr(app, "done.token"), SIZE_BODY, false,
                      COLOR_MUTED, TEXT_ALIGN_LEFT, 1);
    char tok[32], when[200];
    token_text(app, tok, sizeof tok);
    text_box_t tb = widget_box(ui, 22.0f, true, tw, 1);
    int th = ui_text(ui, (ui_rect_t){pad, y, tw, 0}, tok, &tb, COLOR_TEXT, TEXT_ALIGN_LEFT,
                     UI_VALIGN_TOP);
    ui_mark(ui, "token", (ui_rect_t){pad, y, tw, th});
    y += th;
    when_text(app, when, sizeof when);
    y += widget_label(ui, (ui_rect_t){pad, y, tw, 0}, when, SIZE_SMALL, false, COLOR_MUTED,
                      TEXT_ALIGN_LEFT, 1);
    y += ui_mm(ui, 2.0f);
    widget_label(ui, (ui_rect_t){pad, y, tw, 0}, app_tr(app, "done.next_steps"), SIZE_BODY, false,
                 COLOR_TEXT, TEXT_ALIGN_LEFT, 4);
    ui_rect_t qr_r = portrait ? (ui_rect_t){(ui->w - qr) / 2, ui->h - 2 * pad - bh - qr -
                                                                  ui_mm(ui, 6.0f), qr, qr}
                              : (ui_rect_t){ui->w - pad - qr, body.y + pad, qr, qr};
    ui_qr(ui, qr_r, app->s.qr_payload);
    ui_mark(ui, "qr", qr_r);
    widget_label(ui, (ui_rect_t){qr_r.x - pad, qr_r.y + qr, qr + 2 * pad, 0}, app->s.tracking,
                 SIZE_SMALL, false, COLOR_MUTED, TEXT_ALIGN_CENTER, 1);
}

bool screen_done_press(app_t *app, const char *id)
{
    if (strcmp(id, "finish") == 0) {
        app_wipe(app);
        return true;
    }
    if (strcmp(id, "back") == 0) {
        /* Another request from the same citizen: same language, nothing of this one kept. */
        lang_t lang = app->lang;
        app_wipe(app);
        app->lang = lang;
        screens_go(app, SCREEN_CATEGORIES);
        return true;
    }
    return false;
}
