/*
 * text/fonts.h - the bundled fonts, opened once per pixel size.
 *
 * Noto Sans Bengali has no Latin letters and Noto Sans has no Bengali, so every style is a
 * pair of faces and text is split into script runs (text/shape.h). Each Bengali face gets
 * the HarfBuzz script "Beng" explicitly: SDL2_ttf does not guess it, and without it ি is
 * drawn after its consonant and conjuncts fall apart.
 */
#ifndef TEXT_FONTS_H
#define TEXT_FONTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct _TTF_Font TTF_Font;

typedef enum {
    FACE_BENGALI = 0,
    FACE_BENGALI_BOLD,
    FACE_LATIN,
    FACE_LATIN_BOLD,
    FACE_ICONS,
    FACE_COUNT
} font_face_t;

typedef struct fonts fonts_t;

/*
 * Load the font files from dir (fonts/ of the source tree or the installed data folder).
 * Fails with a message in err when a file is missing or unreadable, or when SDL2_ttf was
 * built without HarfBuzz (Bangla would be drawn broken; we refuse instead).
 */
fonts_t *fonts_open(const char *dir, char *err, size_t errcap);
void fonts_close(fonts_t *f);

/* The face at a pixel size (em height in pixels), opened on first use; NULL on failure. */
TTF_Font *fonts_get(fonts_t *f, font_face_t face, int size_px);

/* The Material Icons code point for an icon name ("child_care"), or 0 if unknown. */
unsigned fonts_icon_codepoint(const fonts_t *f, const char *name);

/* True when SDL2_ttf reports a HarfBuzz it was built with. */
bool fonts_have_harfbuzz(void);

#endif
