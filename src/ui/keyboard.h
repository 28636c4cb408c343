/*
 * ui/keyboard.h - on-screen keyboards: Bangla, English (QWERTY) and a number pad.
 *
 * The Bangla layout follows Android's Akkhor idea: vowel signs (kar) are primary keys and
 * the independent vowels sit on the shift page; consonants are in Jatiyo-like families; the
 * hasanta ্ is always on the bottom row for conjuncts; ZWNJ and ZWJ are on the shift page.
 * Keys emit logical-order Unicode (ক then ি), in NFC (ড় is ড + ়). Every key is a widget
 * with the id "key:<what it types>", or key:backspace / key:space / key:shift / key:done /
 * key:left / key:right; kbd:bn and kbd:en switch a text field between scripts.
 */
#ifndef UI_KEYBOARD_H
#define UI_KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "text/lang.h"
#include "ui/ui.h"

typedef enum { KB_BANGLA, KB_LATIN, KB_DIGITS, KB_DATE, KB_LAYOUT_COUNT } kb_layout_t;

typedef enum {
    KEY_CHAR,
    KEY_BACKSPACE,
    KEY_SPACE,
    KEY_SHIFT,
    KEY_DONE,
    KEY_LEFT,
    KEY_RIGHT,
    KEY_TO_BANGLA,
    KEY_TO_LATIN,
    KEY_BLANK /* an empty cell */
} key_kind_t;

typedef struct {
    key_kind_t kind;
    const char *text; /* what KEY_CHAR types (UTF-8, NFC) */
    int span;         /* width in half-cells */
} kb_key_t;

#define KB_MAX_ROWS 5
#define KB_MAX_KEYS 14

typedef struct {
    int row_count;
    int cols;                                /* half-cells per row */
    kb_key_t rows[KB_MAX_ROWS][KB_MAX_KEYS]; /* a row ends at a key with span 0 */
} kb_page_t;

/* Number of pages of a layout (shift pages). */
int keyboard_page_count(kb_layout_t layout);

/* A page; digits are Bangla in LANG_BN on the number pads. */
const kb_page_t *keyboard_page(kb_layout_t layout, int page, lang_t lang);

/* Height the keyboard wants at width w, using at most max_h: rows of at least 9 mm. */
int keyboard_height(const ui_t *ui, kb_layout_t layout, int w, int max_h);

/* Add the keys of a page to the display list in area (its height from keyboard_height). */
void keyboard_build(ui_t *ui, ui_rect_t area, kb_layout_t layout, int page, lang_t lang);

/* The widget id of a key ("key:ক", "key:backspace"...), written into id. */
void keyboard_key_id(const kb_key_t *k, char *id, size_t cap);

#endif
