/* screens/categories.c - a grid of service categories, each a pictogram and a name. */
#include <stdio.h>
#include <string.h>

#include "screens/screens.h"
#include "text/fonts.h"
#include "ui/widgets.h"

void screen_categories_build(app_t *app, ui_t *ui)
{
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

bool screen_categories_press(app_t *app, const char *id)
{
    if (strncmp(id, "cat:", 4) == 0) {
        int i = catalog_find_category(app->catalog, id + 4);
        if (i < 0)
            return false;
        app->s.category = i;
        screens_go(app, SCREEN_SERVICES);
        return true;
    }
    if (strcmp(id, "back") == 0) {
        app_wipe(app);
        return true;
    }
    return false;
}
