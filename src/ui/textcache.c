/* ui/textcache.c - an LRU of text layouts and their textures. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "ui/textcache.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 512
/* Drawn texts are kept up to this many bytes of pixels: a full screen of text at 1280x800
 * takes about 1.5 MB, so screens switch back and forth without redrawing their texts while
 * memory stays bounded however long the kiosk runs. */
#define TEXTURE_BUDGET (3u * 1024 * 1024)

typedef struct {
    uint64_t hash;
    char *text; /* NULL: free slot */
    size_t len;
    text_box_t box;
    int align; /* -1 for an icon */
    unsigned icon;
    bool laid_out;
    text_layout_t layout;
    SDL_Texture *tex;
    int tw, th;
    unsigned long last_use;
} entry_t;

struct textcache {
    fonts_t *fonts;
    entry_t e[CACHE_SIZE];
    unsigned long clock;
    size_t tex_bytes; /* pixels held by textures */
    textcache_stats_t stats;
};

textcache_t *textcache_new(fonts_t *fonts)
{
    textcache_t *c = calloc(1, sizeof *c);
    if (c)
        c->fonts = fonts;
    return c;
}

static void drop_texture(textcache_t *c, entry_t *e)
{
    if (!e->tex)
        return;
    SDL_DestroyTexture(e->tex);
    e->tex = NULL;
    c->tex_bytes -= (size_t)e->tw * (size_t)e->th * 4;
}

static void drop(textcache_t *c, entry_t *e)
{
    drop_texture(c, e);
    if (e->text) {
        explicit_bzero(e->text, e->len);
        free(e->text);
    }
    explicit_bzero(e, sizeof *e);
}

void textcache_clear(textcache_t *c)
{
    for (int i = 0; i < CACHE_SIZE; i++)
        drop(c, &c->e[i]);
}

void textcache_free(textcache_t *c)
{
    if (!c)
        return;
    textcache_clear(c);
    free(c);
}

textcache_stats_t textcache_stats(const textcache_t *c)
{
    return c->stats;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t key_hash(const char *text, size_t len, const text_box_t *box, int align,
                         unsigned icon)
{
    uint64_t h = fnv(0xcbf29ce484222325ULL, text, len);
    int k[7] = {box->style.size_px, box->style.bold, box->max_w, box->max_lines,
                box->min_size_px,   align,           (int)icon};
    return fnv(h, k, sizeof k);
}

static bool same_key(const entry_t *e, const char *text, size_t len, const text_box_t *box,
                     int align, unsigned icon)
{
    return e->text && e->len == len && e->align == align && e->icon == icon &&
           e->box.style.size_px == box->style.size_px && e->box.style.bold == box->style.bold &&
           e->box.max_w == box->max_w && e->box.max_lines == box->max_lines &&
           e->box.min_size_px == box->min_size_px && memcmp(e->text, text, len) == 0;
}

/* Find or make the entry for a key; NULL only when out of memory. */
static entry_t *lookup(textcache_t *c, const char *text, const text_box_t *box, int align,
                       unsigned icon)
{
    size_t len = strlen(text);
    uint64_t h = key_hash(text, len, box, align, icon);
    entry_t *victim = &c->e[0];
    c->clock++;
    for (int i = 0; i < CACHE_SIZE; i++) {
        entry_t *e = &c->e[i];
        if (e->hash == h && same_key(e, text, len, box, align, icon)) {
            e->last_use = c->clock;
            c->stats.hits++;
            return e;
        }
        if (!e->text ? victim->text != NULL : (victim->text && e->last_use < victim->last_use))
            victim = e;
    }
    drop(c, victim);
    victim->text = malloc(len + 1);
    if (!victim->text)
        return NULL;
    memcpy(victim->text, text, len + 1);
    victim->len = len;
    victim->hash = h;
    victim->box = *box;
    victim->align = align;
    victim->icon = icon;
    victim->last_use = c->clock;
    return victim;
}

static void ensure_layout(textcache_t *c, entry_t *e)
{
    if (e->laid_out)
        return;
    text_layout(c->fonts, e->text, &e->box, &e->layout);
    e->laid_out = true;
    c->stats.layouts++;
}

const text_layout_t *textcache_layout(textcache_t *c, const char *text, const text_box_t *box)
{
    entry_t *e = lookup(c, text, box, TEXT_ALIGN_LEFT, 0);
    if (!e)
        return NULL;
    ensure_layout(c, e);
    return &e->layout;
}

/* Free the least recently used textures (keeping their layouts) until within budget. */
static void trim(textcache_t *c, const entry_t *keep)
{
    while (c->tex_bytes > TEXTURE_BUDGET) {
        entry_t *lru = NULL;
        for (int i = 0; i < CACHE_SIZE; i++) {
            entry_t *e = &c->e[i];
            if (e->tex && e != keep && (!lru || e->last_use < lru->last_use))
                lru = e;
        }
        if (!lru)
            return;
        drop_texture(c, lru);
    }
}

/* Account for a new texture in e. */
static void added(textcache_t *c, entry_t *e)
{
    SDL_QueryTexture(e->tex, NULL, NULL, &e->tw, &e->th);
    c->tex_bytes += (size_t)e->tw * (size_t)e->th * 4;
    c->stats.textures++;
    trim(c, e);
}

static SDL_Texture *to_texture(SDL_Renderer *r, SDL_Surface *s)
{
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(r, s);
    SDL_FreeSurface(s);
    if (t)
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
    return t;
}

SDL_Texture *textcache_texture(textcache_t *c, SDL_Renderer *r, const char *text,
                               const text_box_t *box, text_align_t align, int *w, int *h)
{
    entry_t *e = lookup(c, text, box, (int)align, 0);
    if (!e)
        return NULL;
    ensure_layout(c, e);
    if (!e->tex && e->layout.line_count > 0 && e->layout.w > 0) {
        e->tex = to_texture(r, text_layout_render(c->fonts, e->text, &e->layout, align));
        if (e->tex)
            added(c, e);
    }
    *w = e->tw;
    *h = e->th;
    return e->tex;
}

SDL_Texture *textcache_icon(textcache_t *c, SDL_Renderer *r, unsigned codepoint, int size_px)
{
    text_box_t box = {.style = {.size_px = size_px}};
    entry_t *e = lookup(c, "", &box, -1, codepoint);
    if (!e)
        return NULL;
    if (!e->tex) {
        e->tex = to_texture(r, text_render_icon(c->fonts, codepoint, size_px));
        if (e->tex)
            added(c, e);
    }
    return e->tex;
}
