/* text/shape.c - script runs, shaping, measuring and drawing one line. */
#include "text/shape.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <string.h>

#include "text/unicode.h"
#include "text/utf8.h"

/* Coverage checks do not depend on size; any open size answers them. */
#define COVERAGE_SIZE 16

typedef enum { SCRIPT_COMMON, SCRIPT_BENGALI, SCRIPT_OTHER } script_t;

static script_t script_of(uint32_t cp)
{
    /* Danda and double danda live in the Devanagari block but end Bangla sentences; ZWJ and
     * ZWNJ only mean something inside a Bangla run, where they control conjuncts. */
    if (unicode_is_bengali(cp) || cp == 0x0964 || cp == 0x0965 || cp == 0x200C || cp == 0x200D ||
        cp == 0x25CC)
        return SCRIPT_BENGALI;
    if (unicode_is_letter_or_mark(cp))
        return SCRIPT_OTHER;
    return SCRIPT_COMMON;
}

static font_face_t face_for(script_t sc, bool bold)
{
    if (sc == SCRIPT_BENGALI)
        return bold ? FACE_BENGALI_BOLD : FACE_BENGALI;
    return bold ? FACE_LATIN_BOLD : FACE_LATIN;
}

static bool face_has(fonts_t *f, font_face_t face, uint32_t cp)
{
    TTF_Font *font = fonts_get(f, face, COVERAGE_SIZE);
    return font && TTF_GlyphIsProvided32(font, cp);
}

/* The face for one code point, given the face of the run it would continue. */
static font_face_t pick_face(fonts_t *f, bool bold, uint32_t cp, int current)
{
    script_t sc = script_of(cp);
    if (sc != SCRIPT_COMMON)
        return face_for(sc, bold);
    if (current >= 0 && face_has(f, (font_face_t)current, cp))
        return (font_face_t)current;
    font_face_t latin = face_for(SCRIPT_OTHER, bold);
    return face_has(f, latin, cp) ? latin : face_for(SCRIPT_BENGALI, bold);
}

/* The face of the first letter in s, so leading digits or spaces join the run after them
 * ("১২ নভেম্বর" stays one run); -1 when s has no letters. */
static int first_strong_face(bool bold, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        if (k < 0)
            return -1;
        script_t sc = script_of(cp);
        if (sc != SCRIPT_COMMON)
            return (int)face_for(sc, bold);
        i += (size_t)k;
    }
    return -1;
}

int text_runs_split(fonts_t *f, bool bold, const char *s, size_t len, text_run_t *runs, int max)
{
    int n = 0;
    int lead = first_strong_face(bold, s, len);
    size_t i = 0;
    while (i < len && n < max) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        if (k < 0) { /* callers pass valid UTF-8; never loop on a bad byte anyway */
            cp = 0xFFFD;
            k = 1;
        }
        font_face_t face = pick_face(f, bold, cp, n > 0 ? (int)runs[n - 1].face : lead);
        if (n > 0 && runs[n - 1].face == face)
            runs[n - 1].len += (size_t)k;
        else
            runs[n++] = (text_run_t){.start = i, .len = (size_t)k, .face = face};
        i += (size_t)k;
    }
    if (i < len && n > 0) /* out of runs: the rest goes with the last one */
        runs[n - 1].len = len - runs[n - 1].start;
    return n;
}

void text_line_metrics(fonts_t *f, text_style_t st, int *ascent, int *line_h)
{
    TTF_Font *bn = fonts_get(f, st.bold ? FACE_BENGALI_BOLD : FACE_BENGALI, st.size_px);
    TTF_Font *la = fonts_get(f, st.bold ? FACE_LATIN_BOLD : FACE_LATIN, st.size_px);
    int asc = 0, desc = 0;
    if (bn) {
        asc = TTF_FontAscent(bn);
        desc = -TTF_FontDescent(bn);
    }
    if (la) {
        asc = SDL_max(asc, TTF_FontAscent(la));
        desc = SDL_max(desc, -TTF_FontDescent(la));
    }
    *ascent = asc;
    *line_h = asc + desc;
}

/* SDL2_ttf wants NUL-terminated text: copy a run into buf, or onto the heap when it is
 * longer (rare: a line wider than any screen); release with run_text_done. */
static char *run_text(const char *s, const text_run_t *r, char *buf, size_t cap)
{
    char *p = r->len < cap ? buf : malloc(r->len + 1);
    if (!p)
        return NULL;
    memcpy(p, s + r->start, r->len);
    p[r->len] = '\0';
    return p;
}

static void run_text_done(char *p, const char *buf)
{
    if (p != buf)
        free(p);
}

int text_measure(fonts_t *f, text_style_t st, const char *s, size_t len)
{
    text_run_t runs[TEXT_MAX_RUNS];
    int n = text_runs_split(f, st.bold, s, len, runs, TEXT_MAX_RUNS);
    int total = 0;
    char buf[TEXT_LINE_MAX];
    for (int i = 0; i < n; i++) {
        TTF_Font *font = fonts_get(f, runs[i].face, st.size_px);
        char *t = run_text(s, &runs[i], buf, sizeof buf);
        int w = 0, h = 0;
        if (font && t && TTF_SizeUTF8(font, t, &w, &h) == 0)
            total += w;
        run_text_done(t, buf);
    }
    return total;
}

/* Compose white-on-transparent coverage by taking the larger alpha: glyphs of adjacent
 * runs may overlap by a pixel, and plain blending onto a transparent target would darken. */
static void compose_max_alpha(SDL_Surface *dst, const SDL_Surface *src, int dx, int dy)
{
    for (int y = 0; y < src->h; y++) {
        int ty = dy + y;
        if (ty < 0 || ty >= dst->h)
            continue;
        const Uint32 *sp = (const Uint32 *)((const Uint8 *)src->pixels + y * src->pitch);
        Uint32 *dp = (Uint32 *)((Uint8 *)dst->pixels + ty * dst->pitch);
        for (int x = 0; x < src->w; x++) {
            int tx = dx + x;
            if (tx < 0 || tx >= dst->w)
                continue;
            Uint32 a = sp[x] >> 24;
            if (a > (dp[tx] >> 24))
                dp[tx] = (a << 24) | 0x00FFFFFF;
        }
    }
}

static SDL_Surface *new_argb(int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w > 0 ? w : 1, h > 0 ? h : 1, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (s)
        SDL_memset(s->pixels, 0, (size_t)s->pitch * (size_t)s->h);
    return s;
}

SDL_Surface *text_render_line(fonts_t *f, text_style_t st, const char *s, size_t len)
{
    int ascent, line_h;
    text_line_metrics(f, st, &ascent, &line_h);
    text_run_t runs[TEXT_MAX_RUNS];
    int n = text_runs_split(f, st.bold, s, len, runs, TEXT_MAX_RUNS);
    SDL_Surface *line = new_argb(text_measure(f, st, s, len), line_h);
    if (!line)
        return NULL;
    static const SDL_Color white = {255, 255, 255, 255};
    char buf[TEXT_LINE_MAX];
    int x = 0;
    for (int i = 0; i < n; i++) {
        TTF_Font *font = fonts_get(f, runs[i].face, st.size_px);
        char *t = run_text(s, &runs[i], buf, sizeof buf);
        SDL_Surface *rs = font && t && *t ? TTF_RenderUTF8_Blended(font, t, white) : NULL;
        int w = 0, h = 0;
        if (rs) {
            TTF_SizeUTF8(font, t, &w, &h);
            compose_max_alpha(line, rs, x, ascent - TTF_FontAscent(font));
            x += w;
            SDL_FreeSurface(rs);
        }
        run_text_done(t, buf);
    }
    return line;
}

SDL_Surface *text_render_icon(fonts_t *f, unsigned codepoint, int size_px)
{
    TTF_Font *font = fonts_get(f, FACE_ICONS, size_px);
    static const SDL_Color white = {255, 255, 255, 255};
    SDL_Surface *g = font ? TTF_RenderGlyph32_Blended(font, codepoint, white) : NULL;
    if (!g)
        return NULL;
    SDL_Surface *out = new_argb(size_px, size_px);
    if (out)
        compose_max_alpha(out, g, (size_px - g->w) / 2, (size_px - g->h) / 2);
    SDL_FreeSurface(g);
    return out;
}
