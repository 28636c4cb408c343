/* screens/welcome.c - the centre's name in both languages and the choice of language. */
#include "screens/pages.h"
#include "ui/widgets.h"

#define ICON_LOGO 0xf0e2 /* "support_agent": someone here to help */

void screen_welcome_build(view_t *v, const app_t *app, ui_t *ui)
{
    (void)v;
    int pad = ui_mm(ui, 6.0f);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, ui_mm(ui, 3.0f)}, COLOR_PRIMARY, 0);
    int w = ui->w - 2 * pad;
    bool portrait = ui->h > ui->w;
    int bh = ui_mm(ui, 20.0f), gap = ui_mm(ui, 5.0f);
    int buttons_h = portrait ? 2 * bh + gap : bh;
    /* The welcome text in both languages, whatever the default: the citizen has not chosen. */
    const char *t[LANG_COUNT][2];
    for (int l = 0; l < LANG_COUNT; l++) {
        t[l][0] = i18n_get(app->i18n, (lang_t)l, "welcome.title");
        t[l][1] = i18n_get(app->i18n, (lang_t)l, "welcome.prompt");
    }
    int y = pad + ui_mm(ui, 2.0f);
    int isz = ui_mm(ui, 14.0f);
    ui_icon(ui, (ui_rect_t){(ui->w - isz) / 2, y, isz, isz}, ICON_LOGO, COLOR_PRIMARY);
    y += isz + ui_mm(ui, 2.0f);
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, app->cfg->centre_name[LANG_BN], SIZE_TITLE,
                      true, COLOR_TEXT, TEXT_ALIGN_CENTER, 2);
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, app->cfg->centre_name[LANG_EN], SIZE_BODY,
                      false, COLOR_MUTED, TEXT_ALIGN_CENTER, 2);
    y += ui_mm(ui, 4.0f);
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, t[LANG_BN][0], SIZE_LABEL, true, COLOR_PRIMARY,
                      TEXT_ALIGN_CENTER, 2);
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, t[LANG_EN][0], SIZE_BODY, false, COLOR_PRIMARY,
                      TEXT_ALIGN_CENTER, 2);
    int by = ui->h - pad - buttons_h;
    int ly = by - ui_mm(ui, 12.0f);
    if (ly > y) {
        widget_label(ui, (ui_rect_t){pad, ly, w, 0}, t[LANG_BN][1], SIZE_BODY, false, COLOR_TEXT,
                     TEXT_ALIGN_CENTER, 1);
        widget_label(ui, (ui_rect_t){pad, ly + ui_mm(ui, 6.0f), w, 0}, t[LANG_EN][1], SIZE_SMALL,
                     false, COLOR_MUTED, TEXT_ALIGN_CENTER, 1);
    }
    int bw = portrait ? w : (w - gap) / 2;
    if (bw > ui_mm(ui, 80.0f))
        bw = ui_mm(ui, 80.0f);
    int bx = portrait ? (ui->w - bw) / 2 : (ui->w - 2 * bw - gap) / 2;
    widget_button(ui, "lang:bn", (ui_rect_t){bx, by, bw, bh}, "বাংলা", 0, BUTTON_PRIMARY);
    ui_rect_t en =
        portrait ? (ui_rect_t){bx, by + bh + gap, bw, bh} : (ui_rect_t){bx + bw + gap, by, bw, bh};
    widget_button(ui, "lang:en", en, "English", 0, BUTTON_PRIMARY);
}

bool screen_welcome_press(view_t *v, app_t *app, const char *id)
{
    (void)v;
    (void)app;
    (void)id;
    return false; /* lang:bn and lang:en are handled by the app for every screen */
}
