/*
 * ui/widgets.h - the kiosk's widgets on top of the display list: buttons, tiles, list rows,
 * text fields, dialogs. Colours and sizes live here, so every screen looks alike.
 * Widgets compute and emit; they never touch hardware or app state.
 */
#ifndef UI_WIDGETS_H
#define UI_WIDGETS_H

#include "ui/ui.h"

/* Colours: Bangladesh green for action, a warm red for errors, calm greys for the rest. */
#define COLOR_BG          0xFFF3F6F4u
#define COLOR_SURFACE     0xFFFFFFFFu
#define COLOR_PRIMARY     0xFF006A4Eu
#define COLOR_PRIMARY_DK  0xFF004D38u
#define COLOR_ON_PRIMARY  0xFFFFFFFFu
#define COLOR_TEXT        0xFF1B1F1Du
#define COLOR_MUTED       0xFF56605Bu
#define COLOR_LINE        0xFFC9D3CEu
#define COLOR_ERROR       0xFFB3261Eu
#define COLOR_ERROR_BG    0xFFFCE8E6u
#define COLOR_KEY         0xFFFFFFFFu
#define COLOR_KEY_SPECIAL 0xFFDDE5E1u
#define COLOR_PRESSED     0xFFB8D8CCu
#define COLOR_SCRIM       0x99000000u
#define COLOR_HIGHLIGHT   0xFFE3F1EBu

/* Text sizes in design millimetres (em height). */
#define SIZE_SMALL   3.4f
#define SIZE_BODY    4.0f
#define SIZE_LABEL   4.6f
#define SIZE_TITLE   5.6f
#define SIZE_HUGE    9.0f

#define TOUCH_MIN_MM 9.0f /* the smallest touch target anywhere */

typedef enum {
    BUTTON_PRIMARY,   /* filled green: the main action */
    BUTTON_SECONDARY, /* outlined: back, cancel, other choices */
    BUTTON_KEY,       /* keyboard key */
    BUTTON_KEY_SPECIAL,
    BUTTON_SELECTED, /* a chosen option */
    BUTTON_FLAT      /* chrome in the top bar */
} button_kind_t;

/* A text box style at a design size. */
text_box_t widget_box(const ui_t *ui, float size_mm, bool bold, int max_w, int max_lines);

/* A button with a label (and an icon code point, or 0). */
void widget_button(ui_t *ui, const char *id, ui_rect_t r, const char *label, unsigned icon,
                   button_kind_t kind);

/* A plain label; returns its height. */
int widget_label(ui_t *ui, ui_rect_t r, const char *text, float size_mm, bool bold,
                 ui_color_t color, text_align_t align, int max_lines);

/* A category tile: pictogram above its name. */
void widget_tile(ui_t *ui, const char *id, ui_rect_t r, unsigned icon, const char *label);

/* A tile with its pictogram on the left and its name beside it (up to two lines): categories
 * in a grid, services as shortcuts and search results. */
void widget_row_tile(ui_t *ui, const char *id, ui_rect_t r, unsigned icon, const char *label);

/* A card behind content. */
void widget_card(ui_t *ui, ui_rect_t r);

/* A modal dialog box centred on the screen: dims everything, returns the box's inner area;
 * hits added after this are the only pressable ones. */
ui_rect_t widget_dialog(ui_t *ui, const char *id, int w_mm, int h_mm);

#endif
