/* screens/form.c - one field at a time, with the right keyboard and inline validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/common.h"
#include "screens/pages.h"
#include "text/locale.h"
#include "text/shape.h"
#include "text/unicode.h"
#include "ui/keyboard.h"
#include "ui/widgets.h"

#define ICON_NEXT 0xe5c8

static kb_layout_t layout_for(const app_t *app, const catalog_field_t *f)
{
    switch (f->type) {
    case FIELD_TEXT:
        return app->s.text_script == LANG_BN ? KB_BANGLA : KB_LATIN;
    case FIELD_DATE:
        return KB_DATE;
    default:
        return KB_DIGITS;
    }
}

/* The field box: typed text scrolled so the caret is always visible, and the caret. */
static void field_box(view_t *v, const app_t *app, ui_t *ui, const catalog_field_t *f, ui_rect_t r)
{
    const text_edit_t *e = &app->s.input[app->s.field];
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "field:%s", f->id);
    int radius = ui_mm(ui, 2.0f), border = ui_mm(ui, 0.5f);
    ui_rect(ui, r, COLOR_SURFACE, radius);
    ui_outline(ui, r, app->s.error ? COLOR_ERROR : COLOR_PRIMARY, radius, border > 1 ? border : 1);
    ui_hit(ui, id, r); /* a tap places the caret */
    int pad = ui_mm(ui, 2.5f);
    ui_rect_t in = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    /* Large text as large as the box holds, never below the normal size. */
    int size = widget_text_px(ui, SIZE_TITLE), normal = ui_mm(ui, SIZE_TITLE);
    if (size > normal && size > r.h * 6 / 10)
        size = r.h * 6 / 10 > normal ? r.h * 6 / 10 : normal;
    text_style_t st = {.size_px = size};
    text_box_t box = {.style = st, .max_w = 8192, .max_lines = 1};
    if (e->len == 0 && f->type == FIELD_DATE) {
        box.max_w = in.w;
        /* Secondary text, not a faint outline's colour: a placeholder must be readable too. */
        ui_text(ui, in, app_tr(app, "form.date_placeholder"), &box, COLOR_MUTED, TEXT_ALIGN_LEFT,
                UI_VALIGN_MIDDLE);
    }
    int caret_x = text_measure(ui->fonts, st, e->buf, e->caret);
    int room = in.w - ui_mm(ui, 2.0f);
    int offset = caret_x > room ? caret_x - room : 0;
    v->field_text_x = in.x - offset;
    v->field_text_px = st.size_px;
    ui_rect_t saved;
    ui_push_clip(ui, in, &saved);
    if (e->len > 0)
        ui_text(ui, (ui_rect_t){in.x - offset, in.y, 8192, in.h}, e->buf, &box, COLOR_TEXT,
                TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
    int ch = st.size_px * 3 / 2;
    ui_rect(ui, (ui_rect_t){in.x - offset + caret_x, r.y + (r.h - ch) / 2, ui_mm(ui, 0.5f), ch},
            COLOR_PRIMARY, 0);
    ui_pop_clip(ui, saved);
}

static void options(const app_t *app, ui_t *ui, const catalog_field_t *f, ui_rect_t area)
{
    int cols = area.w > ui_mm(ui, 120.0f) ? 2 : 1;
    int gap = ui_mm(ui, 2.5f);
    int rows = (f->option_count + cols - 1) / cols;
    int bh = (area.h - (rows - 1) * gap) / rows;
    if (bh > ui_mm(ui, 16.0f))
        bh = ui_mm(ui, 16.0f);
    int bw = (area.w - (cols - 1) * gap) / cols;
    for (int i = 0; i < f->option_count; i++) {
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "opt:%s", f->options[i].value);
        bool chosen = strcmp(app->s.input[app->s.field].buf, f->options[i].value) == 0;
        ui_rect_t r = {area.x + (i % cols) * (bw + gap), area.y + (i / cols) * (bh + gap), bw, bh};
        widget_button(ui, id, r, f->options[i].label.s[app->lang], chosen ? 0xe86c : 0,
                      chosen ? BUTTON_SELECTED : BUTTON_SECONDARY);
    }
}

/* Label, step counter and the hint or the error under it; returns the height. */
static int heading(const app_t *app, ui_t *ui, const catalog_field_t *f, int x, int y, int w)
{
    const catalog_service_t *svc = app_service(app);
    char n[16], m[16], ln[32], lm[32], step[96], err[256];
    snprintf(n, sizeof n, "%d", app->s.field + 1);
    snprintf(m, sizeof m, "%d", svc->field_count);
    locale_digits(app->lang, n, ln, sizeof ln);
    locale_digits(app->lang, m, lm, sizeof lm);
    const char *args[] = {ln, lm};
    i18n_format(app_tr(app, "form.step"), args, 2, step, sizeof step);
    int sw = ui_mm(ui, 22.0f);
    widget_label(ui, (ui_rect_t){x + w - sw, y, sw, 0}, step, SIZE_SMALL, false, COLOR_MUTED,
                 TEXT_ALIGN_RIGHT, 1);
    int h = widget_label(ui, (ui_rect_t){x, y, w - sw, 0}, f->label.s[app->lang], SIZE_LABEL, true,
                         COLOR_TEXT, TEXT_ALIGN_LEFT, 1);
    const char *under = f->hint.s[app->lang];
    ui_color_t color = COLOR_MUTED;
    if (app->s.error != VALID_OK) {
        screens_field_error(app, f, err, sizeof err);
        under = err;
        color = COLOR_ERROR;
        ui_mark(ui, "error", (ui_rect_t){x, y + h, w, ui_mm(ui, 5.0f)});
    } else if (f->optional && !under[0]) {
        under = app_tr(app, "form.optional");
    }
    return h +
           widget_label(ui, (ui_rect_t){x, y + h, w, 0}, under, SIZE_SMALL,
                        app->s.error != VALID_OK, color, TEXT_ALIGN_LEFT, 1) +
           ui_mm(ui, 1.0f);
}

void screen_form_build(view_t *v, const app_t *app, ui_t *ui)
{
    const catalog_service_t *svc = app_service(app);
    const catalog_field_t *f = &svc->fields[app->s.field];
    ui_rect_t body = chrome_top_bar(app, ui, svc->name.s[app->lang]);
    int pad = ui_mm(ui, PAD_MM), w = ui->w - 2 * pad;
    int y = body.y + pad / 2;
    y += heading(app, ui, f, pad, y, w);
    bool last = app->s.field == svc->field_count - 1 || app->s.from_review;
    const char *next_label = app_tr(app, last ? N_("form.review") : N_("form.next"));
    int fh = ui_mm(ui, 13.0f), nw = ui_mm(ui, 30.0f), gap = ui_mm(ui, 2.0f);
    if (f->type == FIELD_CHOICE) {
        int bh = ui_mm(ui, 13.0f);
        ui_rect_t btn = {ui->w - pad - ui_mm(ui, 60.0f), ui->h - pad - bh, ui_mm(ui, 60.0f), bh};
        widget_button(ui, "next", btn, next_label, ICON_NEXT, BUTTON_PRIMARY);
        ui_rect_t area = {pad, y + gap, w, btn.y - y - 2 * gap};
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "field:%s", f->id);
        ui_mark(ui, id, area);
        options(app, ui, f, area);
        return;
    }
    kb_layout_t kb = layout_for(app, f);
    /* Large text on a short panel: the field gives up height (never below a touch target)
     * before the keyboard's keys would. */
    int room = ui->h - pad / 2 - keyboard_height(ui, kb, ui->w, 0) - gap - y;
    int least = (int)(TOUCH_MIN_MM * ui->px_per_mm + 0.999f);
    fh = fh < room ? fh : (room > least ? room : least);
    field_box(v, app, ui, f, (ui_rect_t){pad, y, w - nw - gap, fh});
    widget_button(ui, "next", (ui_rect_t){pad + w - nw, y, nw, fh}, next_label, 0, BUTTON_PRIMARY);
    y += fh + gap;
    /* Edge to edge: on a 480-pixel portrait panel ten keys need every pixel to stay 9 mm. */
    int kh = keyboard_height(ui, kb, ui->w, ui->h - y - pad / 2);
    keyboard_build(ui, (ui_rect_t){0, ui->h - pad / 2 - kh, ui->w, kh}, kb, app->s.kb_page,
                   app->lang);
}

/* A tap in the field puts the caret at the cluster boundary nearest the finger, as phones
 * do: the way to fix one letter in the middle of a name without erasing the rest. */
static bool on_field(view_t *v, app_t *app, const char *arg)
{
    (void)arg;
    const ui_t *ui = v->ui;
    if (app_form_field(app)->type == FIELD_CHOICE || !ui->fonts || v->field_text_px <= 0)
        return true; /* the focused field is the only one */
    const text_edit_t *e = &app->s.input[app->s.field];
    text_style_t st = {.size_px = v->field_text_px};
    int want = v->press_x - v->field_text_x;
    size_t best = 0;
    int best_d = abs(want);
    for (size_t b = 0; b < e->len;) {
        b = unicode_cluster_next(e->buf, e->len, b);
        int d = abs(text_measure(ui->fonts, st, e->buf, b) - want);
        if (d < best_d) {
            best = b;
            best_d = d;
        }
    }
    app_form_set_caret(app, best);
    return true;
}

static bool on_key(view_t *v, app_t *app, const char *key)
{
    (void)v;
    return key[0] && app_form_key(app, key);
}

/* kbd:bn and kbd:en switch a text field between scripts, in either direction. */
static bool on_keyboard(view_t *v, app_t *app, const char *code)
{
    (void)v;
    int script = lang_from_code(code);
    if (script < 0)
        return false;
    app_form_script(app, (lang_t)script);
    return true;
}

static bool on_option(view_t *v, app_t *app, const char *value)
{
    (void)v;
    return app_form_choose(app, value);
}

static bool on_next(view_t *v, app_t *app, const char *arg)
{
    (void)v;
    (void)arg;
    app_form_next(app);
    return true;
}

bool screen_form_press(view_t *v, app_t *app, const char *id)
{
    static const screens_route_t routes[] = {
        {"key:", on_key},  {"kbd:", on_keyboard}, {"opt:", on_option},
        {"next", on_next}, {"field:", on_field},
    };
    return screens_route(routes, sizeof routes / sizeof routes[0], v, app, id);
}
