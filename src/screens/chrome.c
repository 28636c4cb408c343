/* screens/chrome.c - the top bar on every screen after welcome, and the dialogs. */
#include "screens/chrome.h"

#include <stdio.h>
#include <string.h>

#include "screens/common.h"
#include "text/locale.h"
#include "app/app.h"
#include "ui/widgets.h"

#define ICON_BACK 0xe5c4
#define ICON_HOME 0xe88a
#define ICON_LANG 0xe8e2

#define BAR_MM    12.0f

ui_rect_t chrome_top_bar(const app_t *app, ui_t *ui, const char *title)
{
    int bar = ui_mm(ui, BAR_MM), pad = ui_mm(ui, 1.5f);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, bar}, COLOR_PRIMARY, 0);
    int bw = ui_mm(ui, 27.0f), bh = bar - 2 * pad;
    int x = pad;
    widget_button(ui, "back", (ui_rect_t){x, pad, bw, bh}, app_tr(app, "nav.back"), ICON_BACK,
                  BUTTON_FLAT);
    x += bw + pad;
    widget_button(ui, "home", (ui_rect_t){x, pad, bw, bh}, app_tr(app, "nav.home"), ICON_HOME,
                  BUTTON_FLAT);
    x += bw + pad;
    /* The toggle names the other language in that language, as a reader of it expects. */
    bool bn = app->lang == LANG_BN;
    int lw = ui_mm(ui, 27.0f);
    widget_button(ui, bn ? "lang:en" : "lang:bn", (ui_rect_t){ui->w - pad - lw, pad, lw, bh},
                  bn ? "English" : "বাংলা", ICON_LANG, BUTTON_FLAT);
    int tw = ui->w - pad - lw - pad - x;
    if (title && tw > ui_mm(ui, 30.0f)) {
        text_box_t box = widget_box(ui, SIZE_BODY, true, tw, 1);
        ui_text(ui, (ui_rect_t){x, 0, tw, bar}, title, &box, COLOR_ON_PRIMARY, TEXT_ALIGN_CENTER,
                UI_VALIGN_MIDDLE);
    }
    return (ui_rect_t){0, bar, ui->w, ui->h - bar};
}

static void idle_dialog(const app_t *app, ui_t *ui)
{
    ui_rect_t in = widget_dialog(ui, "dialog:idle", 120, 70);
    uint64_t elapsed = app->now_ms - app->dialog_since_ms;
    int left = app->cfg->idle_countdown_s - (int)(elapsed / 1000);
    char n[16], num[16], body[256];
    snprintf(n, sizeof n, "%d", left > 0 ? left : 0);
    locale_digits(app->lang, n, num, sizeof num);
    const char *args[] = {num};
    i18n_format(app_tr(app, "idle.body"), args, 1, body, sizeof body);
    int y = in.y;
    y += widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, app_tr(app, "idle.title"), SIZE_TITLE,
                      true, COLOR_TEXT, TEXT_ALIGN_CENTER, 2);
    y += ui_mm(ui, 2.0f);
    y += widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, num, SIZE_HUGE, true, COLOR_PRIMARY,
                      TEXT_ALIGN_CENTER, 1);
    widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, body, SIZE_BODY, false, COLOR_MUTED,
                 TEXT_ALIGN_CENTER, 3);
    int bh = ui_mm(ui, 12.0f);
    widget_button(ui, "dialog:continue", (ui_rect_t){in.x, in.y + in.h - bh, in.w, bh},
                  app_tr(app, "idle.continue"), 0, BUTTON_PRIMARY);
}

/* Title, body and two buttons side by side (the safe choice first, on the left). */
static void question_dialog(ui_t *ui, const char *id, const char *title, const char *body,
                            const char *no_id, const char *no, const char *yes_id, const char *yes)
{
    ui_rect_t in = widget_dialog(ui, id, 120, 60);
    int y = in.y;
    y += widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, title, SIZE_TITLE, true, COLOR_TEXT,
                      TEXT_ALIGN_CENTER, 2);
    y += ui_mm(ui, 2.0f);
    widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, body, SIZE_BODY, false, COLOR_MUTED,
                 TEXT_ALIGN_CENTER, 3);
    int bh = ui_mm(ui, 12.0f), gap = ui_mm(ui, 3.0f);
    int bw = yes_id ? (in.w - gap) / 2 : in.w;
    widget_button(ui, no_id, (ui_rect_t){in.x, in.y + in.h - bh, bw, bh}, no, 0,
                  yes_id ? BUTTON_SECONDARY : BUTTON_PRIMARY);
    if (yes_id)
        widget_button(ui, yes_id, (ui_rect_t){in.x + bw + gap, in.y + in.h - bh, bw, bh}, yes, 0,
                      BUTTON_PRIMARY);
}

void chrome_dialog(const app_t *app, ui_t *ui)
{
    switch (app->dialog) {
    case DIALOG_IDLE:
        idle_dialog(app, ui);
        break;
    case DIALOG_HOME:
        question_dialog(ui, "dialog:home", app_tr(app, "leave.title"), app_tr(app, "leave.body"),
                        "dialog:no", app_tr(app, "leave.stay"), "dialog:yes",
                        app_tr(app, "leave.go"));
        break;
    case DIALOG_ERROR:
        question_dialog(ui, "dialog:error", app_tr(app, "error.title"),
                        app_tr(app, app->error_msgid), "dialog:ok", app_tr(app, "dialog.ok"), NULL,
                        NULL);
        break;
    default:
        break;
    }
}

bool chrome_dialog_press(app_t *app, const char *id)
{
    if (app->dialog == DIALOG_HOME && strcmp(id, "dialog:yes") == 0) {
        app_dialog_leave(app);
        return true;
    }
    if (strcmp(id, "dialog:no") == 0 || strcmp(id, "dialog:ok") == 0 ||
        strcmp(id, "dialog:continue") == 0) {
        app_dialog_close(app);
        return true;
    }
    return false;
}

int chrome_scroll_begin(view_t *v, ui_t *ui, ui_rect_t area, ui_rect_t *saved_clip)
{
    v->scroll_area = area;
    ui_push_clip(ui, area, saved_clip);
    return area.y - v->scroll;
}

void chrome_scroll_end(view_t *v, ui_t *ui, ui_rect_t area, int content_h, ui_rect_t saved_clip)
{
    ui_pop_clip(ui, saved_clip);
    v->scroll_max = content_h > area.h ? content_h - area.h : 0;
    if (v->scroll > v->scroll_max)
        v->scroll = v->scroll_max; /* content shrank (language switch) */
    if (v->scroll_max == 0)
        return;
    /* A scroll bar tells a first-time user there is more below. */
    int bw = ui_mm(ui, 1.2f);
    int th = area.h * area.h / content_h;
    int ty = area.y + (area.h - th) * v->scroll / v->scroll_max;
    ui_rect(ui, (ui_rect_t){area.x + area.w - bw, area.y, bw, area.h}, COLOR_LINE, bw / 2);
    ui_rect(ui, (ui_rect_t){area.x + area.w - bw, ty, bw, th}, COLOR_PRIMARY, bw / 2);
}
