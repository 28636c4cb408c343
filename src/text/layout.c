/* text/layout.c - wrapping at spaces, shrinking and ellipsizing. */
#include "text/layout.h"

#include <SDL.h>
#include <string.h>

#include "text/unicode.h"
#include "text/utf8.h"

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* U+2026 */

/* A line may not start with a danda: "… কথা ।" keeps its space but cannot break there. */
static bool starts_with_danda(const char *s, size_t len)
{
    uint32_t cp;
    return utf8_decode(s, len, &cp) > 0 && (cp == 0x0964 || cp == 0x0965);
}

static bool is_break_space(const char *s, size_t len, size_t i)
{
    if (s[i] != ' ')
        return false;
    size_t j = i + 1;
    while (j < len && s[j] == ' ')
        j++;
    return !(j < len && starts_with_danda(s + j, len - j));
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

/* End of the first unbreakable word at i (a break space, a newline or the end). */
static size_t word_end(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] != '\n' && !is_break_space(s, len, i))
        i++;
    return i;
}

/* The longest run of whole words from start that fits max_w; returns its end. When even
 * the first word is too wide, returns that word's end and sets *overflow. */
static size_t fit_words(fonts_t *f, text_style_t st, const char *s, size_t len, size_t start,
                        int max_w, bool *overflow, int *width)
{
    size_t end = word_end(s, len, start);
    *width = text_measure(f, st, s + start, end - start);
    if (*width > max_w)
        *overflow = true;
    while (end < len && s[end] != '\n') {
        size_t next_start = skip_spaces(s, len, end);
        size_t next_end = word_end(s, len, next_start);
        int w = text_measure(f, st, s + start, next_end - start);
        if (w > max_w)
            break;
        end = next_end;
        *width = w;
    }
    return end;
}

/* Wrap at one size. Returns false when the text does not fit (too many lines or a word
 * wider than the box); the layout then holds the first max_lines lines. */
static bool wrap(fonts_t *f, const char *s, size_t len, const text_box_t *box, text_style_t st,
                 text_layout_t *out)
{
    bool overflow = false;
    out->line_count = 0;
    size_t i = 0;
    while (i < len || out->line_count == 0) {
        if (out->line_count == box->max_lines)
            return false;
        i = skip_spaces(s, len, i);
        int w = 0;
        size_t end = fit_words(f, st, s, len, i, box->max_w, &overflow, &w);
        out->lines[out->line_count++] = (text_line_t){.start = i, .len = end - i, .w = w};
        i = end;
        if (i < len && s[i] == '\n')
            i++;
        else
            i = skip_spaces(s, len, i);
        if (i >= len)
            break;
    }
    return !overflow;
}

/* s[start..start+n) followed by "…", NUL-terminated, in buf or on the heap. */
static char *with_ellipsis(const char *s, size_t start, size_t n, bool ellipsis, char *buf,
                           size_t cap)
{
    size_t total = n + (ellipsis ? sizeof ELLIPSIS - 1 : 0);
    char *p = total < cap ? buf : malloc(total + 1);
    if (!p)
        return NULL;
    memcpy(p, s + start, n);
    if (ellipsis)
        memcpy(p + n, ELLIPSIS, sizeof ELLIPSIS - 1);
    p[total] = '\0';
    return p;
}

static void release(char *p, const char *buf)
{
    if (p != buf)
        free(p);
}

/* Cut a line at a cluster boundary so that it plus "…" fits; when not even "…" fits, the
 * line is left empty rather than drawn past the box. */
static void ellipsize(fonts_t *f, const char *s, text_style_t st, int max_w, text_line_t *ln)
{
    char buf[TEXT_LINE_MAX];
    size_t end = ln->start + ln->len;
    for (;;) {
        size_t n = end - ln->start;
        char *t = with_ellipsis(s, ln->start, n, true, buf, sizeof buf);
        int w = t ? text_measure(f, st, t, strlen(t)) : max_w + 1;
        release(t, buf);
        if (w <= max_w) {
            *ln = (text_line_t){.start = ln->start, .len = n, .w = w, .ellipsis = true};
            return;
        }
        if (end == ln->start) {
            *ln = (text_line_t){.start = ln->start, .len = 0, .w = 0, .ellipsis = false};
            return;
        }
        end = unicode_cluster_prev(s, ln->start + ln->len, end);
        while (end > ln->start && s[end - 1] == ' ') /* no "word …" with a dangling space */
            end--;
    }
}

static void finish(fonts_t *f, text_layout_t *out)
{
    text_line_metrics(f, out->style, &out->ascent, &out->line_h);
    out->w = 0;
    for (int i = 0; i < out->line_count; i++)
        out->w = SDL_max(out->w, out->lines[i].w);
    out->h = out->line_h * out->line_count;
}

void text_layout(fonts_t *f, const char *s, const text_box_t *box, text_layout_t *out)
{
    size_t len = strlen(s);
    memset(out, 0, sizeof *out);
    text_box_t b = *box;
    b.max_lines = SDL_clamp(b.max_lines, 1, TEXT_MAX_LINES);
    text_style_t st = b.style;
    int floor_px = b.min_size_px > 0 ? SDL_min(b.min_size_px, st.size_px) : st.size_px;
    for (;;) {
        out->style = st;
        if (wrap(f, s, len, &b, st, out)) {
            out->shrunk = st.size_px < box->style.size_px;
            finish(f, out);
            return;
        }
        if (st.size_px <= floor_px)
            break;
        /* About 8% per step: small enough to keep the largest size that fits. */
        st.size_px = SDL_max(floor_px, st.size_px - SDL_max(1, st.size_px / 12));
    }
    /* Still too long at the smallest size: ellipsize every line that is too wide, and the
     * last line when text was left over. */
    out->shrunk = st.size_px < box->style.size_px;
    for (int i = 0; i < out->line_count; i++) {
        text_line_t *ln = &out->lines[i];
        bool last_cut = i == out->line_count - 1 && ln->start + ln->len < len &&
                        skip_spaces(s, len, ln->start + ln->len) < len;
        if (ln->w > b.max_w || last_cut) {
            ellipsize(f, s, st, b.max_w, ln);
            out->ellipsized = true;
        }
    }
    finish(f, out);
}

static void blit_line(SDL_Surface *dst, SDL_Surface *src, int x, int y)
{
    SDL_Rect r = {x, y, src->w, src->h};
    SDL_SetSurfaceBlendMode(src, SDL_BLENDMODE_NONE);
    SDL_BlitSurface(src, NULL, dst, &r);
}

SDL_Surface *text_layout_render(fonts_t *f, const char *s, const text_layout_t *l,
                                text_align_t align)
{
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, SDL_max(l->w, 1), SDL_max(l->h, 1), 32,
                                                      SDL_PIXELFORMAT_ARGB8888);
    if (!out)
        return NULL;
    SDL_memset(out->pixels, 0, (size_t)out->pitch * (size_t)out->h);
    char buf[TEXT_LINE_MAX];
    for (int i = 0; i < l->line_count; i++) {
        const text_line_t *ln = &l->lines[i];
        char *t = with_ellipsis(s, ln->start, ln->len, ln->ellipsis, buf, sizeof buf);
        SDL_Surface *line = t ? text_render_line(f, l->style, t, strlen(t)) : NULL;
        release(t, buf);
        if (!line)
            continue;
        int x = align == TEXT_ALIGN_LEFT    ? 0
                : align == TEXT_ALIGN_RIGHT ? l->w - ln->w
                                            : (l->w - ln->w) / 2;
        blit_line(out, line, x, i * l->line_h);
        SDL_FreeSurface(line);
    }
    return out;
}
