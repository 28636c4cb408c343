/* screens/categories.c - a grid of service categories, each a pictogram and a name. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/fonts.h"
#include "ui/widgets.h"

void screen_categories_build(view_t *v, const app_t *app, ui_t *ui)
{
    (void)v;
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM);
    int y = body.y + pad;
    y += widget_label(ui, (ui_rect_t){pad, y, ui->w - 2 * pad, 0}, app_tr(app, "categories.title"),
                      SIZE_TITLE, true, COLOR_TEXT, TEXT_ALIGN_LEFT, 1);
    y += pad / 2;
    const catalog_t *c = app->catalog;
    int n = c->category_count;
    /* Landscape fits four across, portrait two: tiles stay about square and large. */
    int cols = ui->w > ui->h ? (n > 6 ? 4 : 3) : 2;
    int rows = (n + cols - 1) / cols;
    int gap = ui_mm(ui, 2.5f);
    int gw = ui->w - 2 * pad, gh = ui->h - y - pad;
    int tw = (gw - (cols - 1) * gap) / cols;
    int th = (gh - (rows - 1) * gap) / rows;
    for (int i = 0; i < n; i++) {
        const catalog_category_t *cat = &c->categories[i];
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "cat:%s", cat->id);
        ui_rect_t r = {pad + (i % cols) * (tw + gap), y + (i / cols) * (th + gap), tw, th};
        widget_tile(ui, id, r, fonts_icon_codepoint(app->fonts, cat->pictogram),
                    cat->name.s[app->lang]);
    }
}

static bool on_category(view_t *v, app_t *app, const char *id)
{
    (void)v;
    return app_choose_category(app, catalog_find_category(app->catalog, id));
}

bool screen_categories_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {{"cat:", on_category}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
