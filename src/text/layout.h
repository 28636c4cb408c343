/*
 * text/layout.h - a block of text fitted into a box: wrapped at spaces, shrunk, ellipsized.
 *
 * Lines break only at spaces (or a newline), never inside a word, so no syllable or conjunct
 * is split, and never before । or ॥ (a line may not start with a danda). Text that does not
 * fit is first shrunk step by step down to min_size_px, then the last line is cut at a
 * grapheme-cluster boundary and ends with "…": a glyph is never clipped in half.
 */
#ifndef TEXT_LAYOUT_H
#define TEXT_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "text/shape.h"

#define TEXT_MAX_LINES 12

typedef enum { TEXT_ALIGN_LEFT, TEXT_ALIGN_CENTER, TEXT_ALIGN_RIGHT } text_align_t;

typedef struct {
    text_style_t style; /* requested */
    int max_w;          /* pixels */
    int max_lines;      /* 1..TEXT_MAX_LINES */
    int min_size_px;    /* shrink no further than this (0: do not shrink) */
} text_box_t;

typedef struct {
    size_t start, len; /* bytes of the source text on this line */
    int w;             /* shaped width, including the ellipsis if any */
    bool ellipsis;     /* "…" follows the text */
} text_line_t;

typedef struct {
    text_style_t style; /* as laid out, after any shrinking */
    int line_count;
    text_line_t lines[TEXT_MAX_LINES];
    int w, h; /* of the whole block */
    int ascent, line_h;
    bool shrunk, ellipsized;
} text_layout_t;

/* Fit valid UTF-8 s into box. */
void text_layout(fonts_t *f, const char *s, const text_box_t *box, text_layout_t *out);

/* Draw a layout of s: ARGB8888, white with alpha, lines aligned within max(w, 1). */
SDL_Surface *text_layout_render(fonts_t *f, const char *s, const text_layout_t *l,
                                text_align_t align);

#endif
