/*
 * ui/theme.h - the colours the kiosk draws with, as roles (background, surface, primary,
 * text...) that a theme maps to colours: the default look, and a high-contrast theme (light
 * on black) a citizen who does not see well can choose. Widgets and screens draw with roles
 * (widgets.h's COLOR_* macros are roles); the display list resolves each to the ui's current
 * theme as it is added, so every screen follows the theme without knowing it.
 *
 * Every text/background pair a theme is used with has a contrast ratio of at least 7:1
 * (WCAG 2 AAA, relative luminance): theme_pairs() lists the pairs the widgets draw, and
 * tests check both the list and what every screen actually draws.
 */
#ifndef UI_THEME_H
#define UI_THEME_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t ui_color_t; /* 0xAARRGGBB */

typedef enum {
    THEME_BG,          /* behind everything */
    THEME_SURFACE,     /* cards, rows, tiles, dialogs, fields */
    THEME_PRIMARY,     /* the action colour: bars, main buttons, headings */
    THEME_PRIMARY_DK,  /* a main button while pressed */
    THEME_ON_PRIMARY,  /* text and icons on the action colour */
    THEME_TEXT,        /* body text */
    THEME_MUTED,       /* secondary text: hints, labels, the English line */
    THEME_LINE,        /* outlines and rules (never text) */
    THEME_ERROR,       /* error text and icons */
    THEME_ERROR_BG,    /* behind an error */
    THEME_KEY,         /* a keyboard key */
    THEME_KEY_SPECIAL, /* shift, space, backspace... */
    THEME_PRESSED,     /* a row, tile or key under a finger */
    THEME_SCRIM,       /* over the screen behind a dialog */
    THEME_HIGHLIGHT,   /* a marked row */
    THEME_ROLE_COUNT
} theme_role_t;

typedef enum { THEME_DEFAULT, THEME_CONTRAST, THEME_COUNT } theme_id_t;

typedef struct {
    const char *name;
    ui_color_t color[THEME_ROLE_COUNT];
} theme_t;

/* A role as a colour value: fully transparent (alpha 0, never drawn as such) with a marker,
 * so a role and a literal colour can travel in the same ui_color_t. */
#define THEME_ROLE_MARK   0x00C0DE00u
#define THEME_COLOR(role) (THEME_ROLE_MARK | (ui_color_t)(role))

/* The theme with that id (an unknown id gives the default). */
const theme_t *theme_get(theme_id_t id);

/* A colour to draw: a role's colour in theme t, or a literal colour as it is. */
ui_color_t theme_resolve(const theme_t *t, ui_color_t c);

/* The contrast ratio of two opaque colours, 1..21 (WCAG 2 relative luminance). */
double theme_contrast(ui_color_t a, ui_color_t b);

/* a drawn over b with a's alpha (the result is opaque when b is). */
ui_color_t theme_blend(ui_color_t a, ui_color_t b);

typedef struct {
    theme_role_t text, bg;
} theme_pair_t;

/* The text/background pairs the widgets and screens draw; *n is set to their count. */
const theme_pair_t *theme_pairs(int *n);

#endif
