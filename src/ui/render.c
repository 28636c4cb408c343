/* ui/render.c - rectangles with rounded corners, cached text, icons and QR codes. */
#include "ui/render.h"

#include <SDL.h>
#include <math.h>
#include <qrencode.h>

#include "ui/textcache.h"

#define QR_QUIET_MODULES 4 /* ISO/IEC 18004 asks for a quiet zone of 4 modules */

static void set_color(SDL_Renderer *r, ui_color_t c)
{
    SDL_SetRenderDrawColor(r, (Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c, (Uint8)(c >> 24));
    SDL_SetRenderDrawBlendMode(r, (c >> 24) == 0xFF ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

/* How far row y of a w x h box with corner radius rad is inset from each side. */
static int corner_inset(int rad, int h, int y)
{
    int dy = y < rad ? rad - y : (y >= h - rad ? y - (h - rad) + 1 : 0);
    if (dy <= 0)
        return 0;
    float fy = (float)dy - 0.5f;
    return rad - (int)lroundf(sqrtf((float)(rad * rad) - fy * fy));
}

static void fill_rounded(SDL_Renderer *r, SDL_Rect b, int rad)
{
    rad = SDL_min(rad, SDL_min(b.w, b.h) / 2);
    if (rad <= 0) {
        SDL_RenderFillRect(r, &b);
        return;
    }
    SDL_Rect mid = {b.x, b.y + rad, b.w, b.h - 2 * rad};
    SDL_RenderFillRect(r, &mid);
    for (int y = 0; y < rad; y++) {
        int in = corner_inset(rad, b.h, y);
        SDL_Rect top = {b.x + in, b.y + y, b.w - 2 * in, 1};
        SDL_Rect bot = {b.x + in, b.y + b.h - 1 - y, b.w - 2 * in, 1};
        SDL_RenderFillRect(r, &top);
        SDL_RenderFillRect(r, &bot);
    }
}

static void outline_rounded(SDL_Renderer *r, SDL_Rect b, int rad, int width)
{
    rad = SDL_min(rad, SDL_min(b.w, b.h) / 2);
    int irad = SDL_max(rad - width, 0);
    SDL_Rect in = {b.x + width, b.y + width, b.w - 2 * width, b.h - 2 * width};
    for (int y = 0; y < b.h; y++) {
        int o = corner_inset(rad, b.h, y);
        int iy = y - width;
        if (iy < 0 || iy >= in.h) {
            SDL_Rect row = {b.x + o, b.y + y, b.w - 2 * o, 1};
            SDL_RenderFillRect(r, &row);
            continue;
        }
        int i = corner_inset(irad, in.h, iy);
        SDL_Rect left = {b.x + o, b.y + y, width + i - o, 1};
        SDL_Rect right = {in.x + in.w - i, b.y + y, width + i - o, 1};
        SDL_RenderFillRect(r, &left);
        SDL_RenderFillRect(r, &right);
    }
}

static void draw_rect(SDL_Renderer *r, const ui_cmd_t *c)
{
    SDL_Rect b = {c->r.x, c->r.y, c->r.w, c->r.h};
    set_color(r, c->color);
    if (c->border)
        outline_rounded(r, b, c->radius, c->border);
    else
        fill_rounded(r, b, c->radius);
}

static void draw_texture(SDL_Renderer *r, SDL_Texture *t, SDL_Rect dst, ui_color_t c)
{
    SDL_SetTextureColorMod(t, (Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c);
    SDL_SetTextureAlphaMod(t, (Uint8)(c >> 24));
    SDL_RenderCopy(r, t, NULL, &dst);
}

static void draw_text(const ui_t *ui, SDL_Renderer *r, const ui_cmd_t *c)
{
    int w, h;
    SDL_Texture *t = textcache_texture(ui->cache, r, c->text, &c->box, c->align, &w, &h);
    if (!t)
        return;
    int x = c->r.x, y = c->r.y;
    if (c->align == TEXT_ALIGN_CENTER)
        x += (c->r.w - w) / 2;
    else if (c->align == TEXT_ALIGN_RIGHT)
        x += c->r.w - w;
    if (c->valign == UI_VALIGN_MIDDLE)
        y += (c->r.h - h) / 2;
    else if (c->valign == UI_VALIGN_BOTTOM)
        y += c->r.h - h;
    draw_texture(r, t, (SDL_Rect){x, y, w, h}, c->color);
}

static void draw_icon(const ui_t *ui, SDL_Renderer *r, const ui_cmd_t *c)
{
    int size = SDL_min(c->r.w, c->r.h);
    SDL_Texture *t = textcache_icon(ui->cache, r, c->icon, size);
    if (t)
        draw_texture(
            r, t,
            (SDL_Rect){c->r.x + (c->r.w - size) / 2, c->r.y + (c->r.h - size) / 2, size, size},
            c->color);
}

/* Whole-pixel modules with the quiet zone, centred in the box, error correction M. */
static void draw_qr(SDL_Renderer *r, const ui_cmd_t *c)
{
    QRcode *q = QRcode_encodeString(c->text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return;
    int total = q->width + 2 * QR_QUIET_MODULES;
    int mod = SDL_min(c->r.w, c->r.h) / total;
    if (mod > 0) {
        int side = mod * total;
        SDL_Rect bg = {c->r.x + (c->r.w - side) / 2, c->r.y + (c->r.h - side) / 2, side, side};
        set_color(r, 0xFFFFFFFF);
        SDL_RenderFillRect(r, &bg);
        set_color(r, 0xFF000000);
        for (int y = 0; y < q->width; y++)
            for (int x = 0; x < q->width; x++)
                if (q->data[y * q->width + x] & 1) {
                    SDL_Rect m = {bg.x + (x + QR_QUIET_MODULES) * mod,
                                  bg.y + (y + QR_QUIET_MODULES) * mod, mod, mod};
                    SDL_RenderFillRect(r, &m);
                }
    }
    QRcode_free(q);
}

void ui_render(const ui_t *ui, SDL_Renderer *r, ui_color_t background)
{
    SDL_RenderSetClipRect(r, NULL);
    set_color(r, theme_resolve(ui->theme, background)); /* a role: the theme's colour */
    SDL_RenderClear(r);
    for (int i = 0; i < ui->cmd_count; i++) {
        const ui_cmd_t *c = &ui->cmds[i];
        SDL_Rect clip = {c->clip.x, c->clip.y, c->clip.w, c->clip.h};
        SDL_RenderSetClipRect(r, &clip);
        switch (c->kind) {
        case UI_CMD_RECT:
            draw_rect(r, c);
            break;
        case UI_CMD_TEXT:
            draw_text(ui, r, c);
            break;
        case UI_CMD_ICON:
            draw_icon(ui, r, c);
            break;
        case UI_CMD_QR:
            draw_qr(r, c);
            break;
        }
    }
    SDL_RenderSetClipRect(r, NULL);
}
