/*
 * text/shape.h - one line of mixed Bangla/English text: split into script runs, shaped by
 * HarfBuzz through SDL2_ttf, measured and drawn.
 *
 * A run is a stretch of one script drawn with one face. Bengali letters go to Noto Sans
 * Bengali, other letters to Noto Sans; spaces, digits and punctuation stay with the run
 * they are in when its face has the glyph (so "১২ নভেম্বর" is one run, shaped as a whole).
 * Drawing produces white text with alpha coverage; the caller tints it (screen) or
 * thresholds it (receipt), so one engine serves both.
 */
#ifndef TEXT_SHAPE_H
#define TEXT_SHAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "text/fonts.h"

typedef struct SDL_Surface SDL_Surface;

typedef struct {
    int size_px; /* em size in pixels */
    bool bold;
} text_style_t;

typedef struct {
    size_t start, len;
    font_face_t face;
} text_run_t;

#define TEXT_MAX_RUNS 32
#define TEXT_LINE_MAX 1024 /* bytes in one shaped line */

/* Split s[0..len) into script runs; returns the count (at most max). */
int text_runs_split(fonts_t *f, bool bold, const char *s, size_t len, text_run_t *runs, int max);

/* Line metrics shared by both faces at a style, so mixed lines sit on one baseline. */
void text_line_metrics(fonts_t *f, text_style_t st, int *ascent, int *line_h);

/* Advance width of s[0..len) as shaped, in pixels. */
int text_measure(fonts_t *f, text_style_t st, const char *s, size_t len);

/* Draw s[0..len) as one line: an ARGB8888 surface, white with alpha, line_h tall; or NULL
 * on failure. Empty text gives a 1-pixel-wide transparent surface. */
SDL_Surface *text_render_line(fonts_t *f, text_style_t st, const char *s, size_t len);

/* Draw one Material Icons glyph, size_px square, white with alpha. */
SDL_Surface *text_render_icon(fonts_t *f, unsigned codepoint, int size_px);

#endif
