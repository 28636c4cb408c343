/* screens/search.c - a search field with the keyboard, and results that follow every key. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/fonts.h"
#include "text/shape.h"
#include "ui/keyboard.h"
#include "ui/widgets.h"

#define ICON_SEARCH     0xe8b6
#define RESULT_MM       9.5f /* a result row: one line of a name, at least a touch target */
#define RESULT_GAP_MM   1.0f
#define RESULTS_MIN     3 /* results visible above the keyboard at every size */
#define FIELD_ON_BAR_MM 50.0f

/* The field: the query scrolled so its caret shows, or a hint while it is empty. */
static void field(const app_t *app, ui_t *ui, ui_rect_t r, bool on_bar)
{
    const text_edit_t *q = &app->s.query;
    int radius = ui_mm(ui, 2.0f), pad = ui_mm(ui, 2.0f), isz = ui_mm(ui, 5.0f);
    ui_rect(ui, r, COLOR_SURFACE, radius);
    if (!on_bar)
        ui_outline(ui, r, COLOR_PRIMARY, radius, ui_mm(ui, 0.5f) > 1 ? ui_mm(ui, 0.5f) : 1);
    ui_hit(ui, "field:search", r);
    ui_icon(ui, (ui_rect_t){r.x + pad, r.y + (r.h - isz) / 2, isz, isz}, ICON_SEARCH, COLOR_MUTED);
    ui_rect_t in = {r.x + 2 * pad + isz, r.y, r.w - 3 * pad - isz, r.h};
    text_style_t st = {.size_px = widget_text_px(ui, SIZE_LABEL)};
    text_box_t box = {.style = st, .max_w = 8192, .max_lines = 1};
    if (q->len == 0) {
        box.max_w = in.w;
        ui_text(ui, in, app_tr(app, "search.placeholder"), &box, COLOR_MUTED, TEXT_ALIGN_LEFT,
                UI_VALIGN_MIDDLE);
    }
    int caret_x = text_measure(ui->fonts, st, q->buf, q->caret);
    int room = in.w - ui_mm(ui, 1.0f), offset = caret_x > room ? caret_x - room : 0;
    ui_rect_t saved;
    ui_push_clip(ui, in, &saved);
    if (q->len > 0)
        ui_text(ui, (ui_rect_t){in.x - offset, in.y, 8192, in.h}, q->buf, &box, COLOR_TEXT,
                TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
    int ch = st.size_px * 3 / 2;
    ui_rect(ui, (ui_rect_t){in.x - offset + caret_x, r.y + (r.h - ch) / 2, ui_mm(ui, 0.5f), ch},
            COLOR_PRIMARY, 0);
    ui_pop_clip(ui, saved);
}

static int result(const app_t *app, ui_t *ui, int service, ui_rect_t r)
{
    const catalog_service_t *s = &app->catalog->services[service];
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "svc:%s", s->id);
    widget_row_tile(
        ui, id, r, fonts_icon_codepoint(ui->fonts, app->catalog->categories[s->category].pictogram),
        s->name.s[app->lang]);
    return r.h;
}

/* The results, or what to do when there are none; in a list that scrolls. */
static void results(view_t *v, const app_t *app, ui_t *ui, ui_rect_t area)
{
    ui_rect_t saved;
    int y = chrome_scroll_begin(v, ui, area, &saved), top = y, gap = ui_mm(ui, RESULT_GAP_MM);
    ui_rect_t row = {area.x, 0, area.w - ui_mm(ui, 3.0f), ui_mm(ui, RESULT_MM)};
    if (app->s.query.len == 0) {
        y += widget_label(ui, (ui_rect_t){row.x, y, row.w, 0}, app_tr(app, "search.hint"),
                          SIZE_BODY, false, COLOR_MUTED, TEXT_ALIGN_LEFT, 3);
    } else if (app->s.hit_count == 0) {
        int h = widget_label(ui, (ui_rect_t){row.x, y, row.w, 0}, app_tr(app, "search.none"),
                             SIZE_BODY, true, COLOR_TEXT, TEXT_ALIGN_LEFT, 2);
        ui_mark(ui, "search:none", (ui_rect_t){row.x, y, row.w, h});
        y += h + gap;
        y += screen_categories_grid(app, ui, row, y);
    } else {
        for (int i = 0; i < app->s.hit_count; i++) {
            row.y = y;
            y += result(app, ui, app->s.hits[i].service, row) + gap;
        }
        y -= gap;
    }
    chrome_scroll_end(v, ui, area, y - top, saved);
}

void screen_search_build(view_t *v, const app_t *app, ui_t *ui)
{
    ui_rect_t bar = chrome_title_area(app, ui, FIELD_ON_BAR_MM);
    /* On a wide panel the field sits in the top bar and leaves the results more room. */
    bool on_bar = bar.w >= ui_mm(ui, FIELD_ON_BAR_MM);
    ui_rect_t body =
        chrome_top_bar_room(app, ui, on_bar ? NULL : app_tr(app, "search.title"), FIELD_ON_BAR_MM);
    int pad = ui_mm(ui, PAD_MM), y = body.y + ui_mm(ui, 1.0f), edge = ui_mm(ui, 0.5f);
    if (on_bar) {
        field(app, ui, bar, true);
    } else {
        field(app, ui, (ui_rect_t){pad, y, ui->w - 2 * pad, ui_mm(ui, 12.0f)}, false);
        y += ui_mm(ui, 12.0f) + pad / 2;
    }
    kb_layout_t kb = app->s.text_script == LANG_BN ? KB_BANGLA : KB_LATIN;
    int need = RESULTS_MIN * ui_mm(ui, RESULT_MM) + (RESULTS_MIN - 1) * ui_mm(ui, RESULT_GAP_MM);
    int kh = keyboard_height(ui, kb, ui->w, ui->h - y - need - 3 * edge);
    int ky = ui->h - edge - kh;
    keyboard_build(ui, (ui_rect_t){0, ky, ui->w, kh}, kb, app->s.kb_page, app->lang);
    results(v, app, ui, (ui_rect_t){pad, y, ui->w - 2 * pad, ky - y - edge});
}

static bool on_key(view_t *v, app_t *app, const char *key)
{
    (void)v;
    return key[0] && app_search_key(app, key);
}

static bool on_keyboard(view_t *v, app_t *app, const char *code)
{
    (void)v;
    int script = lang_from_code(code);
    if (script < 0)
        return false;
    app_search_script(app, (lang_t)script);
    return true;
}

static bool on_service(view_t *v, app_t *app, const char *id)
{
    (void)v;
    return app_search_choose(app, catalog_find_service(app->catalog, id));
}

static bool on_category(view_t *v, app_t *app, const char *id)
{
    (void)v;
    return app_search_category(app, catalog_find_category(app->catalog, id));
}

static bool on_field(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)app;
    (void)arg;
    return true; /* the field is where typing goes already */
}

bool screen_search_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {
        {"key:", on_key},      {"kbd:", on_keyboard},      {"svc:", on_service},
        {"cat:", on_category}, {"field:search", on_field},
    };
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
