/*
 * ui/textcache.h - laid-out and drawn text, kept between frames.
 *
 * Shaping Bangla is the most expensive thing a frame does, so a text box is shaped and
 * wrapped once and drawn into one texture once; an unchanged frame only copies textures.
 * Least recently used entries go first when the cache is full. textcache_clear zeroes the
 * copies of texts, since they may be a citizen's name.
 */
#ifndef UI_TEXTCACHE_H
#define UI_TEXTCACHE_H

#include "text/layout.h"

typedef struct SDL_Renderer SDL_Renderer;
typedef struct SDL_Texture SDL_Texture;
typedef struct textcache textcache_t;

typedef struct {
    unsigned long layouts;  /* text boxes laid out (shaped) */
    unsigned long textures; /* textures drawn */
    unsigned long hits;     /* lookups answered from the cache */
} textcache_stats_t;

textcache_t *textcache_new(fonts_t *fonts);
void textcache_free(textcache_t *c);

/* Layout of text in box, shaped on first use. */
const text_layout_t *textcache_layout(textcache_t *c, const char *text, const text_box_t *box);

/* A white texture of the text (tint it with SDL_SetTextureColorMod); NULL on failure. */
SDL_Texture *textcache_texture(textcache_t *c, SDL_Renderer *r, const char *text,
                               const text_box_t *box, text_align_t align, int *w, int *h);

/* A white texture of one icon, size_px square. */
SDL_Texture *textcache_icon(textcache_t *c, SDL_Renderer *r, unsigned codepoint, int size_px);

/* Forget everything (texts zeroed); needed also when the renderer is recreated. */
void textcache_clear(textcache_t *c);

textcache_stats_t textcache_stats(const textcache_t *c);

#endif
