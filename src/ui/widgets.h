/*
 * ui/widgets.h - the kiosk's widgets on top of the display list: buttons, tiles, list rows,
 * text fields, dialogs. Colours and sizes live here, so every screen looks alike.
 * Widgets compute and emit; they never touch hardware or app state.
 */
#ifndef UI_WIDGETS_H
#define UI_WIDGETS_H

#include "ui/ui.h"

/* Colours are roles of the ui's theme (ui/theme.h): Bangladesh green for action, a warm
 * red for errors and calm greys in the default theme, light on black in the high-contrast
 * one. */
#define COLOR_BG          THEME_COLOR(THEME_BG)
#define COLOR_SURFACE     THEME_COLOR(THEME_SURFACE)
#define COLOR_PRIMARY     THEME_COLOR(THEME_PRIMARY)
#define COLOR_PRIMARY_DK  THEME_COLOR(THEME_PRIMARY_DK)
#define COLOR_ON_PRIMARY  THEME_COLOR(THEME_ON_PRIMARY)
#define COLOR_TEXT        THEME_COLOR(THEME_TEXT)
#define COLOR_MUTED       THEME_COLOR(THEME_MUTED)
#define COLOR_LINE        THEME_COLOR(THEME_LINE)
#define COLOR_ERROR       THEME_COLOR(THEME_ERROR)
#define COLOR_ERROR_BG    THEME_COLOR(THEME_ERROR_BG)
#define COLOR_KEY         THEME_COLOR(THEME_KEY)
#define COLOR_KEY_SPECIAL THEME_COLOR(THEME_KEY_SPECIAL)
#define COLOR_PRESSED     THEME_COLOR(THEME_PRESSED)
#define COLOR_SCRIM       THEME_COLOR(THEME_SCRIM)
#define COLOR_HIGHLIGHT   THEME_COLOR(THEME_HIGHLIGHT)

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
    BUTTON_FLAT,     /* chrome in the top bar */
    BUTTON_FLAT_ON   /* a toggle in the top bar that is on: inverted */
} button_kind_t;

/* A text size in pixels: design millimetres times the ui's text scale (large text), except
 * sizes of SIZE_HUGE and above. */
int widget_text_px(const ui_t *ui, float size_mm);

/* A text box style at a design size (times the ui's text scale). */
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
