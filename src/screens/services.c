/* screens/services.c - the services of one category, in a list that scrolls by touch. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/locale.h"
#include "ui/widgets.h"

#define ICON_CHEVRON 0xe5cc

static int service_row(const app_t *app, ui_t *ui, const catalog_service_t *s, ui_rect_t r)
{
    char id[UI_ID_MAX], fee[64];
    snprintf(id, sizeof id, "svc:%s", s->id);
    bool pressed = strcmp(ui->pressed, id) == 0;
    int pad = ui_mm(ui, 3.0f), radius = ui_mm(ui, 2.0f);
    int fee_w = ui_mm(ui, 26.0f), chev = ui_mm(ui, 6.0f);
    int text_w = r.w - 3 * pad - fee_w - chev;
    text_box_t name_box = widget_box(ui, SIZE_LABEL, true, text_w, 2);
    const text_layout_t *l = ui_layout(ui, s->name.s[app->lang], &name_box);
    int h = (l ? l->h : 0) + 2 * pad;
    if (h < ui_mm(ui, 14.0f))
        h = ui_mm(ui, 14.0f);
    r.h = h;
    ui_rect(ui, r, pressed ? COLOR_PRESSED : COLOR_SURFACE, radius);
    ui_outline(ui, r, COLOR_LINE, radius, 1);
    ui_text(ui, (ui_rect_t){r.x + pad, r.y, text_w, h}, s->name.s[app->lang], &name_box, COLOR_TEXT,
            TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
    screens_format_fee(app, s->official_fee, fee, sizeof fee);
    text_box_t fee_box = widget_box(ui, SIZE_BODY, false, fee_w, 1);
    ui_text(ui, (ui_rect_t){r.x + r.w - pad - chev - fee_w, r.y, fee_w, h}, fee, &fee_box,
            pressed ? COLOR_TEXT : COLOR_PRIMARY, TEXT_ALIGN_RIGHT, UI_VALIGN_MIDDLE);
    ui_icon(ui, (ui_rect_t){r.x + r.w - pad / 2 - chev, r.y + (h - chev) / 2, chev, chev},
            ICON_CHEVRON, COLOR_MUTED);
    ui_hit(ui, id, r);
    char say[600];
    if (snprintf(say, sizeof say, "%s, %s", s->name.s[app->lang], fee) >= 0)
        ui_say(ui, say);
    return h;
}

void screen_services_build(view_t *v, const app_t *app, ui_t *ui)
{
    const catalog_category_t *cat = &app->catalog->categories[app->s.category];
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM), gap = ui_mm(ui, 2.0f);
    int y = body.y + pad;
    y += widget_label(ui, (ui_rect_t){pad, y, ui->w - 2 * pad, 0}, cat->name.s[app->lang],
                      SIZE_TITLE, true, COLOR_TEXT, TEXT_ALIGN_LEFT, 1);
    y += pad / 2;
    ui_rect_t area = {pad, y, ui->w - 2 * pad, ui->h - y - pad};
    ui_rect_t saved;
    int cy = chrome_scroll_begin(v, ui, area, &saved);
    int top = cy;
    ui_rect_t row = {area.x, 0, area.w - ui_mm(ui, 3.0f), 0};
    for (int i = 0; i < app->catalog->service_count; i++) {
        const catalog_service_t *s = &app->catalog->services[i];
        if (s->category != app->s.category)
            continue;
        row.y = cy;
        cy += service_row(app, ui, s, row) + gap;
    }
    chrome_scroll_end(v, ui, area, cy - top - gap, saved);
}

static bool on_service(view_t *v, app_t *app, const char *id)
{
    (void)v;
    return app_choose_service(app, catalog_find_service(app->catalog, id));
}

bool screen_services_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {{"svc:", on_service}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
