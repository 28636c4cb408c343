/* screens/categories.c - the service categories as a grid of tiles, the way to search, and
 * shortcuts to the services this terminal issues most. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/fonts.h"
#include "ui/widgets.h"

#define ICON_SEARCH 0xe8b6
#define TILE_MM     15.0f /* a tile's height: a pictogram and two lines of a name */
#define COLUMN_MM   40.0f /* the narrowest column worth having */

/* Columns for a grid area_w wide: two on a phone-narrow panel, up to four. */
static int columns(const ui_t *ui, int area_w)
{
    int cols = area_w / ui_mm(ui, COLUMN_MM * ui->text_scale);
    return cols < 2 ? 2 : (cols > 4 ? 4 : cols);
}

/* A grid of tiles, n of them, from y; the height it takes. */
static int grid(const app_t *app, ui_t *ui, ui_rect_t area, int y, int n,
                void (*tile)(const app_t *, ui_t *, int i, ui_rect_t r))
{
    int cols = columns(ui, area.w), gap = ui_mm(ui, 2.5f), th = ui_mm(ui, TILE_MM * ui->text_scale);
    int tw = (area.w - (cols - 1) * gap) / cols;
    for (int i = 0; i < n; i++)
        tile(app, ui, i,
             (ui_rect_t){area.x + (i % cols) * (tw + gap), y + (i / cols) * (th + gap), tw, th});
    int rows = (n + cols - 1) / cols;
    return rows > 0 ? rows * th + (rows - 1) * gap : 0;
}

static void category_tile(const app_t *app, ui_t *ui, int i, ui_rect_t r)
{
    const catalog_category_t *cat = &app->catalog->categories[i];
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "cat:%s", cat->id);
    widget_row_tile(ui, id, r, fonts_icon_codepoint(ui->fonts, cat->pictogram),
                    cat->name.s[app->lang]);
}

static void shortcut_tile(const app_t *app, ui_t *ui, int i, ui_rect_t r)
{
    const catalog_service_t *s = &app->catalog->services[app->shortcuts[i]];
    const catalog_category_t *cat = &app->catalog->categories[s->category];
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "svc:%s", s->id);
    widget_row_tile(ui, id, r, fonts_icon_codepoint(ui->fonts, cat->pictogram),
                    s->name.s[app->lang]);
}

int screen_categories_grid(const app_t *app, ui_t *ui, ui_rect_t area, int y)
{
    return grid(app, ui, area, y, app->catalog->category_count, category_tile);
}

void screen_categories_build(view_t *v, const app_t *app, ui_t *ui)
{
    ui_rect_t body = chrome_top_bar(app, ui, NULL);
    int pad = ui_mm(ui, PAD_MM), w = ui->w - 2 * pad;
    int y = body.y + pad, bh = ui_mm(ui, 12.0f), bw = ui_mm(ui, 40.0f);
    widget_button(ui, "search", (ui_rect_t){pad + w - bw, y, bw, bh}, app_tr(app, "search.open"),
                  ICON_SEARCH, BUTTON_PRIMARY);
    /* The title beside the search button, centred on it (large text may stand taller). */
    const char *title = app_tr(app, "categories.title");
    text_box_t tb = widget_box(ui, SIZE_TITLE, true, w - bw - pad, 1);
    const text_layout_t *tl = ui_layout(ui, title, &tb);
    int th = tl ? tl->h : 0, ty = th < bh ? (bh - th) / 2 : 0;
    if (ui->text_scale <= 1.0f)
        ty = (bh - ui_mm(ui, 7.0f)) / 2; /* the design's own placement */
    widget_label(ui, (ui_rect_t){pad, y + ty, w - bw - pad, 0}, title, SIZE_TITLE, true, COLOR_TEXT,
                 TEXT_ALIGN_LEFT, 1);
    y += (ty + th > bh ? ty + th : bh) + pad / 2;
    ui_rect_t area = {pad, y, w, ui->h - y - pad / 2}, saved;
    int cy = chrome_scroll_begin(v, ui, area, &saved), top = cy;
    ui_rect_t inner = {area.x, 0, area.w - ui_mm(ui, 3.0f), 0};
    if (app->shortcut_count > 0) {
        cy += widget_label(ui, (ui_rect_t){inner.x, cy, inner.w, 0}, app_tr(app, "categories.used"),
                           SIZE_SMALL, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 1);
        cy += grid(app, ui, inner, cy, app->shortcut_count, shortcut_tile) + pad;
    }
    cy += screen_categories_grid(app, ui, inner, cy);
    chrome_scroll_end(v, ui, area, cy - top, saved);
}

static bool on_category(view_t *v, app_t *app, const char *id)
{
    (void)v;
    return app_choose_category(app, catalog_find_category(app->catalog, id));
}

static bool on_shortcut(view_t *v, app_t *app, const char *id)
{
    (void)v;
    return app_choose_shortcut(app, catalog_find_service(app->catalog, id));
}

static bool on_search(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_search_open(app);
    return true;
}

bool screen_categories_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {
        {"cat:", on_category}, {"svc:", on_shortcut}, {"search", on_search}};
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
