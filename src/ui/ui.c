/* ui/ui.c - building the display list and the hit list. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "ui/ui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui/textcache.h"
#include "ui/widgets.h" /* TOUCH_MIN_MM */

/* The design is drawn for a screen about 90 design-millimetres tall (the 7" panel): on
 * larger screens everything grows with the screen, but never below true millimetres, so
 * touch targets keep their physical size on dense panels. */
#define DESIGN_SHORT_SIDE_MM 90.0f

void ui_init(ui_t *ui, int w, int h, int dpi, fonts_t *fonts, textcache_t *cache)
{
    ui->w = w;
    ui->h = h;
    ui->px_per_mm = (float)dpi / 25.4f;
    float by_screen = (float)(w < h ? w : h) / DESIGN_SHORT_SIDE_MM;
    ui->unit = by_screen > ui->px_per_mm ? by_screen : ui->px_per_mm;
    ui->fonts = fonts;
    ui->cache = cache;
    ui->text_scale = 1.0f;
    ui->theme = theme_get(THEME_DEFAULT);
    ui_begin(ui);
}

void ui_begin(ui_t *ui)
{
    ui->cmd_count = 0;
    ui->hit_count = 0;
    ui->last_hit = -1;
    ui->arena_used = 0;
    ui->modal_from = -1;
    ui->overflow = false;
    ui->clip = (ui_rect_t){0, 0, ui->w, ui->h};
}

void ui_wipe(ui_t *ui)
{
    explicit_bzero(ui->arena, sizeof ui->arena);
    explicit_bzero(ui->cmds, sizeof ui->cmds);
    explicit_bzero(ui->hits, sizeof ui->hits);
    ui_begin(ui);
}

int ui_mm(const ui_t *ui, float mm)
{
    return (int)lroundf(mm * ui->unit);
}

const char *ui_strdup(ui_t *ui, const char *s)
{
    size_t n = strlen(s) + 1;
    if (ui->arena_used + n > sizeof ui->arena) {
        ui->overflow = true;
        return "";
    }
    char *p = ui->arena + ui->arena_used;
    memcpy(p, s, n);
    ui->arena_used += n;
    return p;
}

bool ui_rect_contains(ui_rect_t r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

ui_rect_t ui_rect_intersect(ui_rect_t a, ui_rect_t b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    return (ui_rect_t){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

void ui_push_clip(ui_t *ui, ui_rect_t r, ui_rect_t *saved)
{
    *saved = ui->clip;
    ui->clip = ui_rect_intersect(ui->clip, r);
}

void ui_pop_clip(ui_t *ui, ui_rect_t saved)
{
    ui->clip = saved;
}

static ui_cmd_t *add_cmd(ui_t *ui, ui_cmd_kind_t kind, ui_rect_t r, ui_color_t c)
{
    ui_rect_t vis = ui_rect_intersect(r, ui->clip);
    if (vis.w == 0 || vis.h == 0)
        return NULL;
    if (ui->cmd_count == UI_MAX_CMDS) {
        ui->overflow = true;
        return NULL;
    }
    ui_cmd_t *cmd = &ui->cmds[ui->cmd_count++];
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = kind;
    cmd->r = r;
    cmd->clip = ui->clip;
    cmd->color = theme_resolve(ui->theme, c);
    return cmd;
}

void ui_rect(ui_t *ui, ui_rect_t r, ui_color_t c, int radius)
{
    ui_cmd_t *cmd = add_cmd(ui, UI_CMD_RECT, r, c);
    if (cmd)
        cmd->radius = radius;
}

void ui_outline(ui_t *ui, ui_rect_t r, ui_color_t c, int radius, int width)
{
    ui_cmd_t *cmd = add_cmd(ui, UI_CMD_RECT, r, c);
    if (cmd) {
        cmd->radius = radius;
        cmd->border = width > 0 ? width : 1;
    }
}

const text_layout_t *ui_layout(ui_t *ui, const char *text, const text_box_t *box)
{
    return textcache_layout(ui->cache, text, box);
}

int ui_text(ui_t *ui, ui_rect_t r, const char *text, const text_box_t *box, ui_color_t c,
            text_align_t align, ui_valign_t valign)
{
    const text_layout_t *l = ui_layout(ui, text, box);
    int h = l ? l->h : 0;
    if (!text[0])
        return 0;
    if (r.h <= 0)
        r.h = h; /* a label: as tall as its text */
    ui_cmd_t *cmd = add_cmd(ui, UI_CMD_TEXT, r, c);
    if (cmd) {
        cmd->text = ui_strdup(ui, text);
        cmd->box = *box;
        cmd->align = align;
        cmd->valign = valign;
    }
    return h;
}

void ui_icon(ui_t *ui, ui_rect_t r, unsigned codepoint, ui_color_t c)
{
    ui_cmd_t *cmd = add_cmd(ui, UI_CMD_ICON, r, c);
    if (cmd)
        cmd->icon = codepoint;
}

void ui_qr(ui_t *ui, ui_rect_t r, const char *payload)
{
    ui_cmd_t *cmd = add_cmd(ui, UI_CMD_QR, r, 0xFF000000);
    if (cmd)
        cmd->text = ui_strdup(ui, payload);
}

static void add_hit(ui_t *ui, const char *id, ui_rect_t r, bool active)
{
    ui->last_hit = -1;
    ui_rect_t vis = ui_rect_intersect(r, ui->clip);
    if (vis.w == 0 || vis.h == 0)
        return;
    /* A row scrolled half out of view leaves a sliver too thin to aim at: it stays visible
     * (expect finds it) but takes no touch until it is scrolled in. */
    float min = TOUCH_MIN_MM * ui->px_per_mm - 0.5f;
    if ((vis.w < r.w && (float)vis.w < min) || (vis.h < r.h && (float)vis.h < min))
        active = false;
    if (ui->hit_count == UI_MAX_HITS) {
        ui->overflow = true;
        return;
    }
    ui->last_hit = ui->hit_count;
    ui_hit_t *h = &ui->hits[ui->hit_count++];
    snprintf(h->id, sizeof h->id, "%s", id);
    h->r = vis;
    h->active = active;
    h->say = NULL;
}

void ui_say(ui_t *ui, const char *text)
{
    if (ui->last_hit < 0 || !text || !text[0])
        return;
    ui->hits[ui->last_hit].say = ui_strdup(ui, text);
}

void ui_hit(ui_t *ui, const char *id, ui_rect_t r)
{
    add_hit(ui, id, r, true);
}

void ui_mark(ui_t *ui, const char *id, ui_rect_t r)
{
    add_hit(ui, id, r, false);
}

const ui_hit_t *ui_hit_at(const ui_t *ui, int x, int y)
{
    int from = ui->modal_from >= 0 ? ui->modal_from : 0;
    /* Later targets are drawn on top, so search from the end. */
    for (int i = ui->hit_count - 1; i >= from; i--)
        if (ui->hits[i].active && ui_rect_contains(ui->hits[i].r, x, y))
            return &ui->hits[i];
    return NULL;
}

const ui_hit_t *ui_find(const ui_t *ui, const char *id)
{
    for (int i = ui->hit_count - 1; i >= 0; i--)
        if (strcmp(ui->hits[i].id, id) == 0)
            return &ui->hits[i];
    return NULL;
}
