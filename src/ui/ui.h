/*
 * ui/ui.h - a display list and a hit list, rebuilt from app state when something changed.
 *
 * Screens never draw: they add commands (rectangles, text boxes, icons, QR codes) and
 * touch targets with ids ("lang:bn", "svc:birth_reg", "key:ক") to a ui_t. The renderer
 * (ui/render.h) draws the list; the app hit-tests taps against it; the replay harness finds
 * widgets by id in it. Sizes are in millimetres on the panel, so a 9 mm touch target is
 * 9 mm on a 7" panel and on a 21" one. Fixed-size arrays: nothing is allocated per frame.
 */
#ifndef UI_UI_H
#define UI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/layout.h"
#include "ui/theme.h"

#define UI_MAX_CMDS 768
#define UI_MAX_HITS 192
#define UI_ARENA    (48 * 1024)
#define UI_ID_MAX   64

typedef struct {
    int x, y, w, h;
} ui_rect_t;

typedef enum { UI_CMD_RECT, UI_CMD_TEXT, UI_CMD_ICON, UI_CMD_QR } ui_cmd_kind_t;

typedef enum { UI_VALIGN_TOP, UI_VALIGN_MIDDLE, UI_VALIGN_BOTTOM } ui_valign_t;

typedef struct {
    ui_cmd_kind_t kind;
    ui_rect_t r;
    ui_rect_t clip; /* drawing is limited to this */
    ui_color_t color;
    int radius;       /* rect: rounded corners */
    int border;       /* rect: outline width, 0 = filled */
    const char *text; /* text/qr: in the ui arena */
    text_box_t box;
    text_align_t align;
    ui_valign_t valign;
    unsigned icon; /* icon code point */
} ui_cmd_t;

typedef struct {
    char id[UI_ID_MAX];
    ui_rect_t r;     /* the touch target (already clipped to what is visible) */
    bool active;     /* pressable; false for ids that are only there to be seen (expect) */
    const char *say; /* what it is, for speech mode (in the arena); NULL: nothing given */
} ui_hit_t;

typedef struct textcache textcache_t;

typedef struct ui {
    int w, h;             /* logical screen size in pixels */
    float px_per_mm;      /* of the panel, from its DPI */
    float unit;           /* pixels per design millimetre: >= px_per_mm, grows on big screens */
    float text_scale;     /* 1, or larger text for a citizen who asked for it */
    const theme_t *theme; /* what the colour roles are drawn as */
    fonts_t *fonts;
    textcache_t *cache;
    ui_cmd_t cmds[UI_MAX_CMDS];
    int cmd_count;
    ui_hit_t hits[UI_MAX_HITS];
    int hit_count;
    int last_hit;   /* the index ui_hit or ui_mark gave the last target, -1 when it was not
                       added (out of view): ui_say then names nothing */
    int modal_from; /* when >= 0, only hits from this index on can be pressed */
    char arena[UI_ARENA];
    size_t arena_used;
    ui_rect_t clip;
    bool overflow;           /* a list ran out of room: a bug to report, never silent */
    char pressed[UI_ID_MAX]; /* the target under a finger right now, drawn pressed */
} ui_t;

/* Set up for a w x h screen at dpi, in the default theme at normal text size; fonts and
 * cache are borrowed. */
void ui_init(ui_t *ui, int w, int h, int dpi, fonts_t *fonts, textcache_t *cache);

/* Start a new list (keeps size, fonts, cache, theme and text size). */
void ui_begin(ui_t *ui);

/* Zero the arena and lists: they may hold what a citizen typed. */
void ui_wipe(ui_t *ui);

/* Design millimetres to pixels. */
int ui_mm(const ui_t *ui, float mm);

/* Copy a string into the frame arena ("" when full). */
const char *ui_strdup(ui_t *ui, const char *s);

void ui_push_clip(ui_t *ui, ui_rect_t r, ui_rect_t *saved);
void ui_pop_clip(ui_t *ui, ui_rect_t saved);

/* Commands. */
void ui_rect(ui_t *ui, ui_rect_t r, ui_color_t c, int radius);
void ui_outline(ui_t *ui, ui_rect_t r, ui_color_t c, int radius, int width);
/* A text box: returns the height the laid-out text takes. */
int ui_text(ui_t *ui, ui_rect_t r, const char *text, const text_box_t *box, ui_color_t c,
            text_align_t align, ui_valign_t valign);
void ui_icon(ui_t *ui, ui_rect_t r, unsigned codepoint, ui_color_t c);
void ui_qr(ui_t *ui, ui_rect_t r, const char *payload);

/* Touch targets and visible ids. */
void ui_hit(ui_t *ui, const char *id, ui_rect_t r);
void ui_mark(ui_t *ui, const char *id, ui_rect_t r);

/* Say what the target just added by ui_hit is (its visible label, or a name for an icon):
 * speech mode reads it when the target is first touched. Ignored when that target was not
 * added (out of view). */
void ui_say(ui_t *ui, const char *text);

/* The pressable target at (x, y), or NULL. */
const ui_hit_t *ui_hit_at(const ui_t *ui, int x, int y);

/* A visible id (pressable or not), or NULL. */
const ui_hit_t *ui_find(const ui_t *ui, const char *id);

/* Lay out text as ui_text would, without adding a command (measuring). */
const text_layout_t *ui_layout(ui_t *ui, const char *text, const text_box_t *box);

bool ui_rect_contains(ui_rect_t r, int x, int y);
ui_rect_t ui_rect_intersect(ui_rect_t a, ui_rect_t b);

#endif
