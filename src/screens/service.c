/* screens/service.c - what a service is, its fee, time and documents, and a start button. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/locale.h"
#include "ui/widgets.h"

#define ICON_FEE   0xef63 /* payments: a banknote, no currency sign */
#define ICON_TIME  0xe425 /* timer */
#define ICON_DOCS  0xe873 /* description */
#define ICON_START 0xe5c8 /* arrow_forward */

/* An icon, a bold heading and a value under it; returns the height used. */
static int info_block(ui_t *ui, int x, int y, int w, unsigned icon, const char *head,
                      const char *value, const char *note)
{
    int isz = ui_mm(ui, 6.0f), gap = ui_mm(ui, 2.0f);
    ui_icon(ui, (ui_rect_t){x, y, isz, isz}, icon, COLOR_PRIMARY);
    int tx = x + isz + gap, tw = w - isz - gap, h = 0;
    h += widget_label(ui, (ui_rect_t){tx, y, tw, 0}, head, SIZE_SMALL, false, COLOR_MUTED,
                      TEXT_ALIGN_LEFT, 1);
    h += widget_label(ui, (ui_rect_t){tx, y + h, tw, 0}, value, SIZE_LABEL, true, COLOR_TEXT,
                      TEXT_ALIGN_LEFT, 2);
    if (note && note[0])
        h += widget_label(ui, (ui_rect_t){tx, y + h, tw, 0}, note, SIZE_SMALL, false, COLOR_MUTED,
                          TEXT_ALIGN_LEFT, 3);
    return (h > isz ? h : isz) + ui_mm(ui, 3.0f);
}

/* The fee icon, the heading, the three fee lines and the catalog's note on the fee. */
static int fee_block(const app_t *app, ui_t *ui, int x, int y, int w)
{
    const catalog_service_t *s = app_service(app);
    int isz = ui_mm(ui, 6.0f), gap = ui_mm(ui, 2.0f), tx = x + isz + gap, tw = w - isz - gap;
    ui_icon(ui, (ui_rect_t){x, y, isz, isz}, ICON_FEE, COLOR_PRIMARY);
    int h = widget_label(ui, (ui_rect_t){tx, y, tw, 0}, app_tr(app, "service.fee"), SIZE_SMALL,
                         false, COLOR_MUTED, TEXT_ALIGN_LEFT, 1);
    h += screens_fee_table(app, ui, app->s.service, tx, y + h, tw);
    const char *note = s->fee_note.s[app->lang];
    if (note && note[0])
        h += widget_label(ui, (ui_rect_t){tx, y + h, tw, 0}, note, SIZE_SMALL, false, COLOR_MUTED,
                          TEXT_ALIGN_LEFT, 3);
    return (h > isz ? h : isz) + ui_mm(ui, 3.0f);
}

static int documents(const app_t *app, ui_t *ui, const catalog_service_t *s, int x, int y, int w)
{
    int isz = ui_mm(ui, 6.0f), gap = ui_mm(ui, 2.0f), y0 = y;
    ui_icon(ui, (ui_rect_t){x, y, isz, isz}, ICON_DOCS, COLOR_PRIMARY);
    int tx = x + isz + gap, tw = w - isz - gap;
    y += widget_label(ui, (ui_rect_t){tx, y, tw, 0}, app_tr(app, "service.documents"), SIZE_SMALL,
                      false, COLOR_MUTED, TEXT_ALIGN_LEFT, 1);
    if (s->document_count == 0)
        y += widget_label(ui, (ui_rect_t){tx, y, tw, 0}, app_tr(app, "service.no_documents"),
                          SIZE_BODY, false, COLOR_TEXT, TEXT_ALIGN_LEFT, 2);
    for (int i = 0; i < s->document_count; i++) {
        char line[512];
        snprintf(line, sizeof line, "• %s", s->documents[i].s[app->lang]);
        y += widget_label(ui, (ui_rect_t){tx, y, tw, 0}, line, SIZE_BODY, false, COLOR_TEXT,
                          TEXT_ALIGN_LEFT, 3);
    }
    return y - y0;
}

void screen_service_build(view_t *v, const app_t *app, ui_t *ui)
{
    const catalog_service_t *s = &app->catalog->services[app->s.service];
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM), bh = ui_mm(ui, 13.0f);
    /* The start button never scrolls away. */
    ui_rect_t btn = {ui->w - pad - ui_mm(ui, 70.0f), ui->h - pad - bh, ui_mm(ui, 70.0f), bh};
    if (btn.x < pad)
        btn = (ui_rect_t){pad, btn.y, ui->w - 2 * pad, bh};
    widget_button(ui, "next", btn, app_tr(app, "service.start"), ICON_START, BUTTON_PRIMARY);
    ui_rect_t area = {pad, body.y + pad, ui->w - 2 * pad, btn.y - pad - body.y - pad};
    ui_rect_t saved;
    int y = chrome_scroll_begin(v, ui, area, &saved), top = y;
    int w = area.w - ui_mm(ui, 3.0f);
    y += widget_label(ui, (ui_rect_t){area.x, y, w, 0}, s->name.s[app->lang], SIZE_TITLE, true,
                      COLOR_TEXT, TEXT_ALIGN_LEFT, 2);
    y += widget_label(ui, (ui_rect_t){area.x, y, w, 0}, s->description.s[app->lang], SIZE_BODY,
                      false, COLOR_TEXT, TEXT_ALIGN_LEFT, 6);
    y += ui_mm(ui, 3.0f);
    /* Landscape: fee and time on the left, documents on the right (one column for large
     * text, which would not fit in half the width). */
    bool two = ui->w > ui->h && ui->text_scale <= 1.0f;
    int cw = two ? (w - pad) / 2 : w;
    char days[96];
    screens_days_text(app, s->processing_days, days, sizeof days);
    int ly = y;
    ly += fee_block(app, ui, area.x, ly, cw);
    ly += info_block(ui, area.x, ly, cw, ICON_TIME, app_tr(app, "service.time"), days, NULL);
    int dy = two ? y : ly;
    dy += documents(app, ui, s, two ? area.x + cw + pad : area.x, dy, cw);
    int end = ly > dy ? ly : dy;
    chrome_scroll_end(v, ui, area, end - top, saved);
}

static bool on_start(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_start_form(app);
    return true;
}

bool screen_service_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {{"next", on_start}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
