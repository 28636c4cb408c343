/* ui/keyboard.c - keyboard layouts as data, and building them as widgets. */
#include "ui/keyboard.h"

#include <stdio.h>
#include <string.h>

#include "text/utf8.h"
#include "ui/widgets.h"

/* The layouts are tables: laid out by hand, row by row, as on the screen. */
/* clang-format off */
#define C(t)       {KEY_CHAR, t, 2}
#define CW(t, s)   {KEY_CHAR, t, s}
#define K(kind, s) {kind, NULL, s}
#define END        {KEY_CHAR, NULL, 0}

#define ICON_BACKSPACE 0xe14a
#define ICON_SHIFT     0xe318
#define ICON_DONE      0xe5ca
#define ICON_LEFT      0xe5cb
#define ICON_RIGHT     0xe5cc
#define ICON_SPACE     0xe256

/* Bottom row shared by the text keyboards: 20 half-cells. */
#define TEXT_BOTTOM(mark, to_other)                                                          \
    {                                                                                        \
        K(KEY_SHIFT, 2), CW(mark, 2), K(to_other, 3), K(KEY_LEFT, 2), K(KEY_SPACE, 4),       \
            K(KEY_RIGHT, 2), K(KEY_BACKSPACE, 2), K(KEY_DONE, 3), END                         \
    }

static const kb_page_t bangla[2] = {
    {5,
     20,
     {{C("া"), C("ি"), C("ী"), C("ু"), C("ূ"), C("ৃ"), C("ে"), C("ৈ"), C("ো"), C("ৌ"), END},
      {C("ক"), C("খ"), C("গ"), C("ঘ"), C("চ"), C("ছ"), C("জ"), C("ঝ"), C("ট"), C("ঠ"), END},
      {C("ড"), C("ঢ"), C("ণ"), C("ত"), C("থ"), C("দ"), C("ধ"), C("ন"), C("প"), C("ফ"), END},
      {C("ব"), C("ভ"), C("ম"), C("য"), C("র"), C("ল"), C("শ"), C("ষ"), C("স"), C("হ"), END},
      TEXT_BOTTOM("্", KEY_TO_LATIN)}},
    {5,
     20,
     {{C("অ"), C("আ"), C("ই"), C("ঈ"), C("উ"), C("ঊ"), C("ঋ"), C("এ"), C("ঐ"), C("ও"), END},
      /* ড় ঢ় য় are written in NFC: base letter + nukta (they are composition exclusions). */
      {C("ঔ"), C("ঙ"), C("ঞ"), C("ড\u09bc"), C("ঢ\u09bc"), C("য\u09bc"), C("ৎ"), C("ং"), C("ঃ"),
       C("ঁ"), END},
      {K(KEY_BLANK, 2), C("\u200c"), C("\u200d"), C("।"), C("."), C("-"), C("'"), K(KEY_BLANK, 6),
       END},
      {K(KEY_BLANK, 20), END},
      TEXT_BOTTOM("্", KEY_TO_LATIN)}},
};

static const kb_page_t latin[2] = {
    {4,
     20,
     {{C("q"), C("w"), C("e"), C("r"), C("t"), C("y"), C("u"), C("i"), C("o"), C("p"), END},
      {K(KEY_BLANK, 1), C("a"), C("s"), C("d"), C("f"), C("g"), C("h"), C("j"), C("k"), C("l"),
       K(KEY_BLANK, 1), END},
      {K(KEY_BLANK, 1), C("z"), C("x"), C("c"), C("v"), C("b"), C("n"), C("m"), C("."), C("-"),
       K(KEY_BLANK, 1), END},
      TEXT_BOTTOM("'", KEY_TO_BANGLA)}},
    {4,
     20,
     {{C("Q"), C("W"), C("E"), C("R"), C("T"), C("Y"), C("U"), C("I"), C("O"), C("P"), END},
      {K(KEY_BLANK, 1), C("A"), C("S"), C("D"), C("F"), C("G"), C("H"), C("J"), C("K"), C("L"),
       K(KEY_BLANK, 1), END},
      {K(KEY_BLANK, 1), C("Z"), C("X"), C("C"), C("V"), C("B"), C("N"), C("M"), C("."), C("-"),
       K(KEY_BLANK, 1), END},
      TEXT_BOTTOM("'", KEY_TO_BANGLA)}},
};

/* Digits are passed as literals: a static initialiser may not read another array. The key
 * left of 0 is passed as a macro name, so its commas survive the second expansion. */
#define NUMPAD(slash, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9)                                \
    {                                                                                        \
        4, 8,                                                                                \
        {                                                                                    \
            {C(d1), C(d2), C(d3), K(KEY_BACKSPACE, 2), END},                                 \
                {C(d4), C(d5), C(d6), K(KEY_LEFT, 2), END},                                  \
                {C(d7), C(d8), C(d9), K(KEY_RIGHT, 2), END},                                 \
                {slash(), C(d0), K(KEY_DONE, 4), END},                                       \
        }                                                                                    \
    }

#define DIGITS_BN "০", "১", "২", "৩", "৪", "৫", "৬", "৭", "৮", "৯"
#define DIGITS_EN "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"
#define NUMPAD_(slash, digits) NUMPAD(slash, digits)
#define KEY_NONE()             K(KEY_BLANK, 2)
#define KEY_SLASH()            C("/")

static const kb_page_t digits_pad[LANG_COUNT] = {NUMPAD_(KEY_NONE, DIGITS_BN),
                                                 NUMPAD_(KEY_NONE, DIGITS_EN)};
static const kb_page_t date_pad[LANG_COUNT] = {NUMPAD_(KEY_SLASH, DIGITS_BN),
                                               NUMPAD_(KEY_SLASH, DIGITS_EN)};

/* clang-format on */

int keyboard_page_count(kb_layout_t layout)
{
    return layout == KB_BANGLA || layout == KB_LATIN ? 2 : 1;
}

const kb_page_t *keyboard_page(kb_layout_t layout, int page, lang_t lang)
{
    int p = page > 0 && page < keyboard_page_count(layout) ? page : 0;
    int l = lang == LANG_EN ? LANG_EN : LANG_BN;
    switch (layout) {
    case KB_BANGLA:
        return &bangla[p];
    case KB_LATIN:
        return &latin[p];
    case KB_DATE:
        return &date_pad[l];
    default:
        return &digits_pad[l];
    }
}

/* Number pads are narrower than the screen: 4 keys of up to 20 mm. */
static int pad_width(const ui_t *ui, const kb_page_t *p, int w)
{
    if (p->cols > 8)
        return w;
    int want = ui_mm(ui, 20.0f) * 4;
    return want < w ? want : w;
}

int keyboard_height(const ui_t *ui, kb_layout_t layout, int w, int max_h)
{
    const kb_page_t *p = keyboard_page(layout, 0, LANG_EN);
    int min_row = (int)(TOUCH_MIN_MM * ui->px_per_mm + 0.999f);
    /* Rows as tall as fits, up to 13 mm: a taller key is easier to hit than a wider one,
     * and on a portrait panel width is what runs out. Number pads stay about square. */
    int cell = pad_width(ui, p, w) * 2 / p->cols;
    int row = ui_mm(ui, 13.0f);
    if (p->cols <= 8 && cell < row)
        row = cell;
    if (row * p->row_count > max_h)
        row = max_h / p->row_count;
    if (row < min_row)
        row = min_row;
    return row * p->row_count;
}

void keyboard_key_id(const kb_key_t *k, char *id, size_t cap)
{
    static const char *const names[] = {
        [KEY_BACKSPACE] = "key:backspace", [KEY_SPACE] = "key:space", [KEY_SHIFT] = "key:shift",
        [KEY_DONE] = "key:done",           [KEY_LEFT] = "key:left",   [KEY_RIGHT] = "key:right",
        [KEY_TO_BANGLA] = "kbd:bn",        [KEY_TO_LATIN] = "kbd:en",
    };
    if (k->kind == KEY_CHAR)
        snprintf(id, cap, "key:%s", k->text);
    else if (k->kind == KEY_BLANK)
        id[0] = '\0';
    else
        snprintf(id, cap, "%s", names[k->kind]);
}

/* A Bangla sign that attaches to a letter: ঁ ং ঃ, the nukta, vowel signs and hasanta. */
static bool is_sign(const char *text)
{
    uint32_t cp;
    int n = utf8_decode(text, strlen(text), &cp);
    return n > 0 && text[n] == '\0' &&
           ((cp >= 0x0981 && cp <= 0x0983) || (cp >= 0x09BC && cp <= 0x09CD) || cp == 0x09D7);
}

/* What a key shows: vowel signs and marks on a dotted circle so they read as signs. */
static void key_label(const kb_key_t *k, char *out, size_t cap, unsigned *icon)
{
    static const unsigned icons[] = {
        [KEY_BACKSPACE] = ICON_BACKSPACE, [KEY_SPACE] = ICON_SPACE, [KEY_SHIFT] = ICON_SHIFT,
        [KEY_DONE] = ICON_DONE,           [KEY_LEFT] = ICON_LEFT,   [KEY_RIGHT] = ICON_RIGHT};
    *icon = 0;
    out[0] = '\0';
    if (k->kind == KEY_TO_BANGLA)
        snprintf(out, cap, "অআক");
    else if (k->kind == KEY_TO_LATIN)
        snprintf(out, cap, "ABC");
    else if (k->kind != KEY_CHAR)
        *icon = icons[k->kind];
    else if (strcmp(k->text, "\u200c") == 0)
        snprintf(out, cap, "ZWNJ");
    else if (strcmp(k->text, "\u200d") == 0)
        snprintf(out, cap, "ZWJ");
    else if (is_sign(k->text))
        snprintf(out, cap, "\u25cc%s", k->text);
    else
        snprintf(out, cap, "%s", k->text);
}

static void build_key(ui_t *ui, const kb_key_t *k, ui_rect_t r)
{
    if (k->kind == KEY_BLANK)
        return;
    char id[UI_ID_MAX], label[32];
    unsigned icon;
    keyboard_key_id(k, id, sizeof id);
    key_label(k, label, sizeof label, &icon);
    button_kind_t kind = k->kind == KEY_CHAR   ? BUTTON_KEY
                         : k->kind == KEY_DONE ? BUTTON_PRIMARY
                                               : BUTTON_KEY_SPECIAL;
    widget_button(ui, id, r, label, icon, kind);
}

void keyboard_build(ui_t *ui, ui_rect_t area, kb_layout_t layout, int page, lang_t lang)
{
    const kb_page_t *p = keyboard_page(layout, page, lang);
    int w = pad_width(ui, p, area.w);
    int x0 = area.x + (area.w - w) / 2;
    int row_h = area.h / p->row_count;
    for (int r = 0; r < p->row_count; r++) {
        int half = 0;
        for (const kb_key_t *k = p->rows[r]; k->span > 0; k++) {
            /* Cells share the width exactly, so there is no dead pixel between keys. */
            int xa = x0 + half * w / p->cols;
            int xb = x0 + (half + k->span) * w / p->cols;
            build_key(ui, k, (ui_rect_t){xa, area.y + r * row_h, xb - xa, row_h});
            half += k->span;
        }
    }
}
