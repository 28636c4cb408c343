/* screens/review.c - everything entered, to check, correct or confirm. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "ui/widgets.h"

#define ICON_EDIT    0xe3c9
#define ICON_CONFIRM 0xe86c

/* The queue priorities' pictograms, in app_priority_codes order (from 1). */
static const unsigned priority_icons[APP_PRIORITIES] = {
    0, 0xf21a /* elderly */, 0xe914 /* accessible */, 0xe91e /* pregnant_woman */,
    0xeb41 /* child_care */};

/* One answer: label and value side by side on a wide screen, stacked on a narrow one. */
static int row(const app_t *app, ui_t *ui, const catalog_field_t *f, const char *value, ui_rect_t r)
{
    char id[UI_ID_MAX], shown[TEXT_EDIT_CAP * 2];
    snprintf(id, sizeof id, "edit:%s", f->id);
    screens_display_value(app, f, value, shown, sizeof shown);
    int pad = ui_mm(ui, 2.5f), isz = ui_mm(ui, 6.0f);
    int tw = r.w - 3 * pad - isz;
    bool wide = tw > ui_mm(ui, 100.0f);
    int lw = wide ? tw * 2 / 5 : tw, vw = wide ? tw - lw - pad : tw;
    text_box_t lb = widget_box(ui, SIZE_SMALL, false, lw, 2);
    text_box_t vb = widget_box(ui, SIZE_LABEL, true, vw, 2);
    const text_layout_t *ll = ui_layout(ui, f->label.s[app->lang], &lb);
    const text_layout_t *vl = ui_layout(ui, shown, &vb);
    int lh = ll ? ll->h : 0, vh = vl ? vl->h : 0;
    int h = (wide ? (lh > vh ? lh : vh) : lh + vh) + 2 * pad;
    if (h < ui_mm(ui, 12.0f))
        h = ui_mm(ui, 12.0f);
    r.h = h;
    bool pressed = strcmp(ui->pressed, id) == 0;
    ui_color_t label_color = pressed ? COLOR_TEXT : COLOR_MUTED; /* 7:1 on the pressed tint */
    ui_rect(ui, r, pressed ? COLOR_PRESSED : COLOR_SURFACE, ui_mm(ui, 2.0f));
    ui_outline(ui, r, COLOR_LINE, ui_mm(ui, 2.0f), 1);
    if (wide) {
        ui_text(ui, (ui_rect_t){r.x + pad, r.y, lw, h}, f->label.s[app->lang], &lb, label_color,
                TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
        ui_text(ui, (ui_rect_t){r.x + 2 * pad + lw, r.y, vw, h}, shown, &vb, COLOR_TEXT,
                TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
    } else {
        ui_text(ui, (ui_rect_t){r.x + pad, r.y + pad, tw, 0}, f->label.s[app->lang], &lb,
                label_color, TEXT_ALIGN_LEFT, UI_VALIGN_TOP);
        ui_text(ui, (ui_rect_t){r.x + pad, r.y + pad + lh, tw, 0}, shown, &vb, COLOR_TEXT,
                TEXT_ALIGN_LEFT, UI_VALIGN_TOP);
    }
    ui_icon(ui, (ui_rect_t){r.x + r.w - pad - isz, r.y + (h - isz) / 2, isz, isz}, ICON_EDIT,
            COLOR_PRIMARY);
    ui_hit(ui, id, r);
    return h;
}

/* The priority a citizen may ask for: a heading, a hint and four choices (one at most; a
 * second touch takes it back). Returns the height. */
static int priorities(const app_t *app, ui_t *ui, ui_rect_t r)
{
    int gap = ui_mm(ui, 2.0f), bh = ui_mm(ui, 13.0f), y = r.y + gap;
    y += widget_label(ui, (ui_rect_t){r.x, y, r.w, 0}, app_tr(app, "review.priority"), SIZE_LABEL,
                      true, COLOR_TEXT, TEXT_ALIGN_LEFT, 2);
    y += widget_label(ui, (ui_rect_t){r.x, y, r.w, 0}, app_tr(app, "review.priority_hint"),
                      SIZE_SMALL, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 2) +
         gap;
    int cols = r.w >= ui_mm(ui, 150.0f) ? 2 : 1;
    int bw = (r.w - (cols - 1) * gap) / cols;
    for (int i = 1; i < APP_PRIORITIES; i++) {
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "priority:%s", app_priority_codes[i]);
        ui_rect_t b = {r.x + ((i - 1) % cols) * (bw + gap), y + ((i - 1) / cols) * (bh + gap), bw,
                       bh};
        widget_button(ui, id, b, app_tr(app, app_priority_msgid(i)), priority_icons[i],
                      app->s.priority == i ? BUTTON_SELECTED : BUTTON_SECONDARY);
    }
    int rows = (APP_PRIORITIES - 1 + cols - 1) / cols;
    return y + rows * (bh + gap) - gap - r.y;
}

void screen_review_build(view_t *v, const app_t *app, ui_t *ui)
{
    const catalog_service_t *svc = app_service(app);
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM), bh = ui_mm(ui, 13.0f), gap = ui_mm(ui, 2.0f);
    int bw = ui_mm(ui, 70.0f) < ui->w - 2 * pad ? ui_mm(ui, 70.0f) : ui->w - 2 * pad;
    /* What it costs, beside the confirm button on a wide screen, above it on a narrow one:
     * the citizen sees the total before confirming. */
    int left = ui->w - 3 * pad - bw;
    bool beside = left >= ui_mm(ui, 60.0f);
    int fw = beside ? left : ui->w - 2 * pad;
    int first = APP_FEE_OFFICIAL;
    int fh = screens_fee_lines_height(app, ui, app->s.service, first, fw);
    int strip = beside ? (fh > bh ? fh : bh) : fh + gap + bh;
    /* Large text on a short panel: the total alone (the service screen showed the lines),
     * so that the answers keep room to be read. */
    if (ui->text_scale > 1.0f && ui->h - pad - strip - body.y < ui_mm(ui, 50.0f)) {
        first = APP_FEE_TOTAL;
        fh = screens_fee_lines_height(app, ui, app->s.service, first, fw);
        strip = beside ? (fh > bh ? fh : bh) : fh + gap + bh;
    }
    ui_rect_t btn = {ui->w - pad - bw, ui->h - pad - bh, bw, bh};
    widget_button(ui, "confirm", btn, app_tr(app, "review.confirm"), ICON_CONFIRM, BUTTON_PRIMARY);
    int fy = ui->h - pad - strip;
    screens_fee_lines(app, ui, app->s.service, first, pad, fy, fw);
    int y = body.y + pad / 2;
    y += widget_label(ui, (ui_rect_t){pad, y, ui->w - 2 * pad, 0}, app_tr(app, "review.title"),
                      SIZE_TITLE, true, COLOR_TEXT, TEXT_ALIGN_LEFT, 1);
    y += widget_label(ui, (ui_rect_t){pad, y, ui->w - 2 * pad, 0}, svc->name.s[app->lang],
                      SIZE_BODY, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 2);
    ui_rect_t area = {pad, y + gap, ui->w - 2 * pad, fy - gap - y - gap};
    ui_rect_t saved;
    int cy = chrome_scroll_begin(v, ui, area, &saved), top = cy;
    for (int i = 0; i < svc->field_count; i++)
        cy += row(app, ui, &svc->fields[i], app->s.value[i],
                  (ui_rect_t){area.x, cy, area.w - ui_mm(ui, 3.0f), 0}) +
              gap;
    cy += priorities(app, ui, (ui_rect_t){area.x, cy, area.w - ui_mm(ui, 3.0f), 0}) + gap;
    chrome_scroll_end(v, ui, area, cy - top - gap, saved);
}

static bool on_confirm(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_confirm(app);
    return true;
}

static bool on_priority(view_t *v, app_t *app, const char *code)
{
    (void)v;
    return app_choose_priority(app, code);
}

static bool on_edit(view_t *v, app_t *app, const char *field_id)
{
    (void)v;
    const catalog_service_t *svc = app_service(app);
    for (int i = 0; i < svc->field_count; i++)
        if (strcmp(svc->fields[i].id, field_id) == 0) {
            app_review_edit(app, i);
            return true;
        }
    return false;
}

bool screen_review_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {
        {"confirm", on_confirm}, {"edit:", on_edit}, {"priority:", on_priority}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
