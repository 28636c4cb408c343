/* ui/widgets.c - buttons, tiles, labels, cards and dialogs. */
#include "ui/widgets.h"

#include <string.h>

static int ui_min(int a, int b)
{
    return a < b ? a : b;
}

int widget_text_px(const ui_t *ui, float size_mm)
{
    /* Text that is huge already (the token, a countdown) keeps its size: large text is for
     * what is hard to read, and the room it would take is the rest of the screen's. */
    return ui_mm(ui, size_mm >= SIZE_HUGE ? size_mm : size_mm * ui->text_scale);
}

text_box_t widget_box(const ui_t *ui, float size_mm, bool bold, int max_w, int max_lines)
{
    int px = widget_text_px(ui, size_mm);
    /* Shrink at most to 70%: smaller than that a first-time reader gives up. */
    return (text_box_t){.style = {.size_px = px, .bold = bold},
                        .max_w = max_w > 1 ? max_w : 1,
                        .max_lines = max_lines,
                        .min_size_px = px * 7 / 10};
}

static void button_colors(const ui_t *ui, button_kind_t kind, bool pressed, ui_color_t *bg,
                          ui_color_t *fg, ui_color_t *border)
{
    *border = 0;
    switch (kind) {
    case BUTTON_PRIMARY:
        *bg = pressed ? COLOR_PRIMARY_DK : COLOR_PRIMARY;
        *fg = COLOR_ON_PRIMARY;
        break;
    case BUTTON_SELECTED:
        *bg = pressed ? COLOR_PRIMARY_DK : COLOR_PRIMARY;
        *fg = COLOR_ON_PRIMARY;
        break;
    case BUTTON_KEY:
        *bg = pressed ? COLOR_PRESSED : COLOR_KEY;
        *fg = COLOR_TEXT;
        *border = COLOR_LINE;
        break;
    case BUTTON_KEY_SPECIAL:
        *bg = pressed ? COLOR_PRESSED : COLOR_KEY_SPECIAL;
        *fg = COLOR_TEXT;
        break;
    case BUTTON_FLAT:
        *bg = pressed ? COLOR_PRIMARY_DK : COLOR_PRIMARY;
        *fg = COLOR_ON_PRIMARY;
        /* A faint frame in the colour of the label (white at 40 % in the default theme). */
        *border = (theme_resolve(ui->theme, COLOR_ON_PRIMARY) & 0x00FFFFFFu) | 0x66000000u;
        break;
    case BUTTON_FLAT_ON:
        *bg = pressed ? COLOR_PRESSED : COLOR_ON_PRIMARY;
        *fg = pressed ? COLOR_TEXT : COLOR_PRIMARY;
        break;
    default:
        *bg = pressed ? COLOR_PRESSED : COLOR_SURFACE;
        /* Pressed, the label turns to body text: the action colour on the pressed tint would
         * fall below 7:1. */
        *fg = pressed ? COLOR_TEXT : COLOR_PRIMARY;
        *border = COLOR_PRIMARY;
        break;
    }
}

void widget_button(ui_t *ui, const char *id, ui_rect_t r, const char *label, unsigned icon,
                   button_kind_t kind)
{
    bool pressed = id && strcmp(ui->pressed, id) == 0;
    ui_color_t bg, fg, border;
    button_colors(ui, kind, pressed, &bg, &fg, &border);
    /* Keys are drawn inset so neighbours read as separate keys; the touch target is the
     * whole cell, so gaps never swallow a tap. */
    int gap = kind == BUTTON_KEY || kind == BUTTON_KEY_SPECIAL ? ui_mm(ui, 0.6f) : 0;
    ui_rect_t face = {r.x + gap, r.y + gap, r.w - 2 * gap, r.h - 2 * gap};
    int radius = ui_mm(ui, kind == BUTTON_KEY || kind == BUTTON_KEY_SPECIAL ? 1.2f : 2.0f);
    ui_rect(ui, face, bg, radius);
    if (border)
        ui_outline(ui, face, border, radius, ui_mm(ui, 0.3f) > 0 ? ui_mm(ui, 0.3f) : 1);
    int pad = ui_mm(ui, 1.5f);
    ui_rect_t inner = {face.x + pad, face.y, face.w - 2 * pad, face.h};
    float size = kind == BUTTON_KEY ? 5.4f : SIZE_LABEL;
    if (icon) {
        int isz = ui_mm(ui, 6.0f);
        bool alone = !label || !label[0];
        ui_rect_t ir = {alone ? face.x + (face.w - isz) / 2 : inner.x, face.y + (face.h - isz) / 2,
                        isz, isz};
        ui_icon(ui, ir, icon, fg);
        inner.x += isz + pad / 2;
        inner.w -= isz + pad / 2;
        if (alone)
            label = NULL;
    }
    if (label && label[0]) {
        text_box_t box = widget_box(ui, size, kind == BUTTON_PRIMARY, inner.w, 2);
        /* Large text grows up to what the face holds, never below the normal size. */
        int cap = face.h * 55 / 100, normal = ui_mm(ui, size);
        if (box.style.size_px > normal && box.style.size_px > cap) {
            box.style.size_px = cap > normal ? cap : normal;
            box.min_size_px = box.style.size_px * 7 / 10;
        }
        ui_text(ui, inner, label, &box, fg, icon ? TEXT_ALIGN_LEFT : TEXT_ALIGN_CENTER,
                UI_VALIGN_MIDDLE);
    }
    if (id) {
        ui_hit(ui, id, r);
        ui_say(ui, label);
    }
}

int widget_label(ui_t *ui, ui_rect_t r, const char *text, float size_mm, bool bold,
                 ui_color_t color, text_align_t align, int max_lines)
{
    text_box_t box = widget_box(ui, size_mm, bold, r.w, max_lines);
    return ui_text(ui, r, text, &box, color, align, UI_VALIGN_TOP);
}

void widget_tile(ui_t *ui, const char *id, ui_rect_t r, unsigned icon, const char *label)
{
    bool pressed = strcmp(ui->pressed, id) == 0;
    int radius = ui_mm(ui, 2.5f);
    ui_rect(ui, r, pressed ? COLOR_PRESSED : COLOR_SURFACE, radius);
    ui_outline(ui, r, COLOR_LINE, radius, 1);
    int pad = ui_mm(ui, 2.0f);
    int isz = ui_min(ui_mm(ui, 12.0f), r.h / 2 - pad);
    ui_rect_t ir = {r.x + (r.w - isz) / 2, r.y + pad, isz, isz};
    ui_icon(ui, ir, icon, COLOR_PRIMARY);
    ui_rect_t tr = {r.x + pad, ir.y + isz + pad / 2, r.w - 2 * pad,
                    r.y + r.h - (ir.y + isz + pad / 2) - pad / 2};
    text_box_t box = widget_box(ui, SIZE_LABEL, true, tr.w, 2);
    ui_text(ui, tr, label, &box, COLOR_TEXT, TEXT_ALIGN_CENTER, UI_VALIGN_MIDDLE);
    ui_hit(ui, id, r);
    ui_say(ui, label);
}

void widget_row_tile(ui_t *ui, const char *id, ui_rect_t r, unsigned icon, const char *label)
{
    bool pressed = strcmp(ui->pressed, id) == 0;
    int radius = ui_mm(ui, 2.5f), pad = ui_mm(ui, 2.0f);
    ui_rect(ui, r, pressed ? COLOR_PRESSED : COLOR_SURFACE, radius);
    ui_outline(ui, r, COLOR_LINE, radius, 1);
    int isz = ui_min(ui_mm(ui, 8.0f), r.h - 2 * pad);
    ui_icon(ui, (ui_rect_t){r.x + pad, r.y + (r.h - isz) / 2, isz, isz}, icon, COLOR_PRIMARY);
    ui_rect_t tr = {r.x + 2 * pad + isz, r.y, r.w - 3 * pad - isz, r.h};
    text_box_t box = widget_box(ui, SIZE_BODY, true, tr.w, 2);
    ui_text(ui, tr, label, &box, COLOR_TEXT, TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
    ui_hit(ui, id, r);
    ui_say(ui, label);
}

void widget_card(ui_t *ui, ui_rect_t r)
{
    int radius = ui_mm(ui, 2.5f);
    ui_rect(ui, r, COLOR_SURFACE, radius);
    ui_outline(ui, r, COLOR_LINE, radius, 1);
}

ui_rect_t widget_dialog(ui_t *ui, const char *id, int w_mm, int h_mm)
{
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, ui->h}, COLOR_SCRIM, 0);
    /* Large text needs a larger box; the screen's edges bound it. */
    int w = ui_min(ui_mm(ui, (float)w_mm * ui->text_scale), ui->w - 2 * ui_mm(ui, 4.0f));
    int h = ui_min(ui_mm(ui, (float)h_mm * ui->text_scale), ui->h - 2 * ui_mm(ui, 4.0f));
    ui_rect_t box = {(ui->w - w) / 2, (ui->h - h) / 2, w, h};
    ui_rect(ui, box, COLOR_SURFACE, ui_mm(ui, 3.0f));
    ui->modal_from = ui->hit_count;
    ui_mark(ui, id, box);
    int pad = ui_mm(ui, 4.0f);
    return (ui_rect_t){box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad};
}
