/* screens/welcome.c - the centre's name in both languages, the choice of language, and what a
 * citizen who cannot read or see well can ask for before choosing: speech, large text,
 * contrast. */
#include <stdio.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/pages.h"
#include "ui/widgets.h"

#define ICON_LOGO  0xf0e2 /* "support_agent": someone here to help */

#define SPEAKER_MM 34.0f /* landscape: the speaker button's width, between the languages */
#define TOGGLE_MM  12.0f

/* Large text and contrast: two squares in the top right corner (the technician's corners are
 * top left and bottom right). Their bottom. */
static int toggles(const app_t *app, ui_t *ui, int pad)
{
    int t = ui_mm(ui, TOGGLE_MM), gap = ui_mm(ui, 2.0f), x = ui->w - pad - 2 * t - gap;
    chrome_access_button(app, ui, "text:large", (ui_rect_t){x, pad, t, t}, NULL, BUTTON_SECONDARY,
                         BUTTON_SELECTED);
    chrome_access_button(app, ui, "theme:contrast", (ui_rect_t){x + t + gap, pad, t, t}, NULL,
                         BUTTON_SECONDARY, BUTTON_SELECTED);
    return pad + t;
}

/* The speaker button: its label in both languages, as nobody has chosen one yet. */
static void speaker(const app_t *app, ui_t *ui, ui_rect_t r)
{
    char listen[160];
    snprintf(listen, sizeof listen, "%s · %s", i18n_get(app->i18n, LANG_BN, "access.listen"),
             i18n_get(app->i18n, LANG_EN, "access.listen"));
    chrome_access_button(app, ui, "speech", r, listen, BUTTON_SECONDARY, BUTTON_SELECTED);
}

void screen_welcome_build(view_t *v, const app_t *app, ui_t *ui)
{
    (void)v;
    int pad = ui_mm(ui, 6.0f);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, ui_mm(ui, 3.0f)}, COLOR_PRIMARY, 0);
    bool portrait = ui->h > ui->w;
    int bh = ui_mm(ui, 20.0f), gap = ui_mm(ui, 5.0f), sh = ui_mm(ui, 16.0f);
    /* Portrait: the speaker button above the two languages; landscape: between them. */
    int buttons_h = portrait ? 2 * bh + 2 * gap + sh : bh;
    /* The welcome text in both languages, whatever the default: the citizen has not chosen. */
    const char *t[LANG_COUNT][2];
    for (int l = 0; l < LANG_COUNT; l++) {
        t[l][0] = i18n_get(app->i18n, (lang_t)l, "welcome.title");
        t[l][1] = i18n_get(app->i18n, (lang_t)l, "welcome.prompt");
    }
    int corner = toggles(app, ui, ui_mm(ui, 4.0f));
    int y = pad + ui_mm(ui, 2.0f);
    if (!app->s.access.large_text) { /* large text needs the room */
        int isz = ui_mm(ui, 14.0f);
        ui_icon(ui, (ui_rect_t){(ui->w - isz) / 2, y, isz, isz}, ICON_LOGO, COLOR_PRIMARY);
        y += isz + ui_mm(ui, 2.0f);
    } else {
        y = corner + ui_mm(ui, 2.0f);
    }
    int w = ui->w - 2 * pad;
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
    text_box_t pb = widget_box(ui, SIZE_BODY, false, w, 1);
    const text_layout_t *pl = ui_layout(ui, t[LANG_BN][1], &pb);
    int ph = pl ? pl->h : 0;
    int ly = by - ph - widget_text_px(ui, SIZE_SMALL) * 3 / 2 - ui_mm(ui, 2.0f);
    if (ly > y) {
        widget_label(ui, (ui_rect_t){pad, ly, w, 0}, t[LANG_BN][1], SIZE_BODY, false, COLOR_TEXT,
                     TEXT_ALIGN_CENTER, 1);
        widget_label(ui, (ui_rect_t){pad, ly + ph, w, 0}, t[LANG_EN][1], SIZE_SMALL, false,
                     COLOR_MUTED, TEXT_ALIGN_CENTER, 1);
    }
    if (portrait) {
        int bw = w > ui_mm(ui, 80.0f) ? ui_mm(ui, 80.0f) : w, bx = (ui->w - bw) / 2;
        speaker(app, ui, (ui_rect_t){bx, by, bw, sh});
        widget_button(ui, "lang:bn", (ui_rect_t){bx, by + sh + gap, bw, bh}, "বাংলা", 0,
                      BUTTON_PRIMARY);
        widget_button(ui, "lang:en", (ui_rect_t){bx, by + sh + gap + bh + gap, bw, bh}, "English",
                      0, BUTTON_PRIMARY);
        return;
    }
    int sw = ui_mm(ui, SPEAKER_MM), bw = (w - sw - 2 * gap) / 2;
    if (bw > ui_mm(ui, 80.0f))
        bw = ui_mm(ui, 80.0f);
    int bx = (ui->w - 2 * bw - sw - 2 * gap) / 2;
    widget_button(ui, "lang:bn", (ui_rect_t){bx, by, bw, bh}, "বাংলা", 0, BUTTON_PRIMARY);
    speaker(app, ui, (ui_rect_t){bx + bw + gap, by, sw, bh});
    widget_button(ui, "lang:en", (ui_rect_t){bx + bw + gap + sw + gap, by, bw, bh}, "English", 0,
                  BUTTON_PRIMARY);
}

bool screen_welcome_press(view_t *v, app_t *app, const char *id)
{
    (void)v;
    (void)app;
    (void)id;
    return false; /* lang:bn, lang:en and the access controls are handled for every screen */
}
