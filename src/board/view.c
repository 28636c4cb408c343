/* board/view.c - the queue board's screen from a snapshot of the queue. */
#include "board/view.h"

#include <stdio.h>
#include <string.h>

#include "text/locale.h"
#include "ui/widgets.h"

/* Sizes in design millimetres: the screen is 90 of them tall, whatever its pixels. */
#define BAR_H           13.0f
#define GAP             2.5f
#define HEAD_H          8.0f
#define NEWEST_H        20.0f
#define ROW_H           12.0f
#define NEWEST_TXT      13.0f
#define ROW_TXT         8.5f
#define LABEL_TXT       4.6f
#define SIDE_TXT        6.0f

#define COLOR_BOARD_BG  0xFFF3F6F4u
#define COLOR_NEWEST_BG 0xFF006A4Eu
#define COLOR_CALL_BG   0xFFFFF4D6u

typedef enum {
    T_SERVING,
    T_TOKEN,
    T_COUNTER,
    T_WAITING,
    T_LAST,
    T_NOBODY,
    T_NONE_CALLED,
    T_CATEGORY,
    T_PRIORITY,
    T_COUNT
} text_id_t;

static const char *const words[LANG_COUNT][T_COUNT] = {
    [LANG_BN] = {"এখন সেবা দেওয়া হচ্ছে", "টোকেন", "কাউন্টার", "অপেক্ষায়", "সর্বশেষ ডাক",
                 "কেউ অপেক্ষায় নেই", "এখনো কাউকে ডাকা হয়নি", "বিভাগ", "অগ্রাধিকার"},
    [LANG_EN] = {"Now serving", "Token", "Counter", "Waiting", "Last calls", "Nobody is waiting",
                 "Nobody called yet", "Category", "priority"},
};

lang_t board_view_lang(int64_t now_ms)
{
    return (now_ms / BOARD_LANG_PERIOD_MS) % 2 == 0 ? LANG_BN : LANG_EN;
}

const queue_token_t *board_view_newest(const queue_snapshot_t *s)
{
    /* A recall makes an older token the newest call. */
    for (int i = 0; s->n_last > 0 && i < s->n_serving; i++)
        if (strcmp(s->serving[i].token, s->last[0].token) == 0)
            return &s->serving[i];
    return s->n_serving > 0 ? &s->serving[0] : NULL;
}

/* One line of text in a box, vertically centred. */
static void line(ui_t *ui, ui_rect_t r, const char *text, float size, bool bold, ui_color_t c,
                 text_align_t align)
{
    text_box_t box = widget_box(ui, size, bold, r.w, 1);
    ui_text(ui, r, text, &box, c, align, UI_VALIGN_MIDDLE);
}

static void top_bar(ui_t *ui, const board_view_opts_t *o)
{
    int bar = ui_mm(ui, BAR_H), pad = ui_mm(ui, GAP);
    locale_tm_t tm;
    char time[64], date[128];
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, bar}, COLOR_PRIMARY, 0);
    locale_dhaka_time(o->now_ms / 1000, &tm);
    locale_format_time(o->lang, &tm, time, sizeof time);
    locale_format_date(o->lang, &tm, date, sizeof date);
    int tw = ui->w * 2 / 5;
    line(ui, (ui_rect_t){ui->w - pad - tw, 0, tw, bar * 3 / 5}, time, 6.5f, true, COLOR_ON_PRIMARY,
         TEXT_ALIGN_RIGHT);
    line(ui, (ui_rect_t){ui->w - pad - tw, bar * 3 / 5 - pad / 2, tw, bar * 2 / 5}, date, 3.8f,
         false, COLOR_ON_PRIMARY, TEXT_ALIGN_RIGHT);
    line(ui, (ui_rect_t){pad, 0, ui->w - 3 * pad - tw, bar}, o->centre_name ? o->centre_name : "",
         7.0f, true, COLOR_ON_PRIMARY, TEXT_ALIGN_LEFT);
    ui_mark(ui, "board:time", (ui_rect_t){ui->w - pad - tw, 0, tw, bar});
}

/* A row: the token on the left, the counter on the right of r. */
static void serving_row(ui_t *ui, ui_rect_t r, const queue_token_t *t, lang_t lang, bool newest)
{
    char tok[32], num[16], id[UI_ID_MAX];
    int pad = ui_mm(ui, GAP);
    float size = newest ? NEWEST_TXT : ROW_TXT;
    ui_rect(ui, r, newest ? COLOR_NEWEST_BG : COLOR_SURFACE, ui_mm(ui, 2.0f));
    if (!newest)
        ui_outline(ui, r, COLOR_LINE, ui_mm(ui, 2.0f), 1);
    ui_color_t c = newest ? COLOR_ON_PRIMARY : COLOR_TEXT;
    locale_digits(lang, t->token, tok, sizeof tok);
    locale_format_int(lang, t->counter, num, sizeof num);
    int half = r.w * 3 / 5;
    line(ui, (ui_rect_t){r.x + pad, r.y, half - pad, r.h}, tok, size, true, c, TEXT_ALIGN_LEFT);
    /* An arrow between, then the counter's number as large as the token. */
    line(ui, (ui_rect_t){r.x + half, r.y, r.w - half - pad, r.h}, num, size, true,
         newest ? 0xFFFFE08Au : COLOR_PRIMARY, TEXT_ALIGN_RIGHT);
    ui_icon(ui,
            (ui_rect_t){r.x + half - ui_mm(ui, size * 0.4f), r.y + (r.h - ui_mm(ui, size)) / 2,
                        ui_mm(ui, size), ui_mm(ui, size)},
            0xe5c8 /* arrow_forward */, newest ? COLOR_ON_PRIMARY : COLOR_MUTED);
    snprintf(id, sizeof id, "%s:%s", newest ? "newest" : "serving", t->token);
    ui_mark(ui, id, r);
}

static void serving(ui_t *ui, ui_rect_t area, const queue_snapshot_t *s, lang_t lang)
{
    int pad = ui_mm(ui, GAP), head = ui_mm(ui, HEAD_H);
    int half = area.w * 3 / 5;
    line(ui, (ui_rect_t){area.x + pad, area.y, half - pad, head}, words[lang][T_TOKEN], LABEL_TXT,
         true, COLOR_MUTED, TEXT_ALIGN_LEFT);
    line(ui, (ui_rect_t){area.x + half, area.y, area.w - half - pad, head}, words[lang][T_COUNTER],
         LABEL_TXT, true, COLOR_MUTED, TEXT_ALIGN_RIGHT);
    int y = area.y + head, bottom = area.y + area.h;
    const queue_token_t *newest = board_view_newest(s);
    if (!newest) {
        line(ui, (ui_rect_t){area.x, y, area.w, ui_mm(ui, NEWEST_H)}, words[lang][T_NONE_CALLED],
             SIDE_TXT, false, COLOR_MUTED, TEXT_ALIGN_CENTER);
        return;
    }
    int nh = ui_mm(ui, NEWEST_H), rh = ui_mm(ui, ROW_H), gap = ui_mm(ui, 1.5f);
    serving_row(ui, (ui_rect_t){area.x, y, area.w, nh}, newest, lang, true);
    y += nh + gap;
    for (int i = 0; i < s->n_serving && y + rh <= bottom; i++) {
        if (&s->serving[i] == newest)
            continue;
        serving_row(ui, (ui_rect_t){area.x, y, area.w, rh}, &s->serving[i], lang, false);
        y += rh + gap;
    }
}

/* "B  4" per category with a waiting token (and how many of them are priority). */
static int waiting(ui_t *ui, ui_rect_t area, const queue_snapshot_t *s, lang_t lang)
{
    int pad = ui_mm(ui, GAP), head = ui_mm(ui, HEAD_H), rh = ui_mm(ui, 9.0f);
    int y = area.y;
    line(ui, (ui_rect_t){area.x, y, area.w, head}, words[lang][T_WAITING], LABEL_TXT, true,
         COLOR_MUTED, TEXT_ALIGN_LEFT);
    y += head;
    int shown = 0;
    for (int i = 0; i < s->n_cats && y + rh <= area.y + area.h; i++) {
        const queue_cat_t *c = &s->cats[i];
        if (c->waiting == 0)
            continue;
        char label[96], num[16], pr[16], id[UI_ID_MAX];
        snprintf(label, sizeof label, "%s %s", words[lang][T_CATEGORY], c->category);
        locale_format_int(lang, c->waiting, num, sizeof num);
        ui_rect_t r = {area.x, y, area.w, rh - ui_mm(ui, 1.0f)};
        ui_rect(ui, r, COLOR_SURFACE, ui_mm(ui, 1.5f));
        line(ui, (ui_rect_t){r.x + pad, r.y, r.w / 2, r.h}, label, SIDE_TXT, false, COLOR_TEXT,
             TEXT_ALIGN_LEFT);
        line(ui, (ui_rect_t){r.x + r.w / 2, r.y, r.w / 2 - pad, r.h}, num, SIDE_TXT, true,
             COLOR_PRIMARY_DK, TEXT_ALIGN_RIGHT);
        if (c->priority_waiting > 0) {
            locale_format_int(lang, c->priority_waiting, pr, sizeof pr);
            snprintf(label, sizeof label, "%s %s", pr, words[lang][T_PRIORITY]);
            line(ui, (ui_rect_t){r.x + r.w / 3, r.y, r.w / 2 - pad * 2, r.h}, label, 3.6f, false,
                 COLOR_MUTED, TEXT_ALIGN_RIGHT);
        }
        snprintf(id, sizeof id, "waiting:%s", c->category);
        ui_mark(ui, id, r);
        y += rh;
        shown++;
    }
    if (!shown) {
        line(ui, (ui_rect_t){area.x, y, area.w, rh}, words[lang][T_NOBODY], SIDE_TXT, false,
             COLOR_MUTED, TEXT_ALIGN_LEFT);
        y += rh;
    }
    return y - area.y;
}

/* The last calls, newest first: "B-012 → 2". */
static void last_calls(ui_t *ui, ui_rect_t area, const queue_snapshot_t *s, lang_t lang)
{
    int head = ui_mm(ui, HEAD_H), rh = ui_mm(ui, 8.0f), pad = ui_mm(ui, GAP);
    if (area.h < head + rh || s->n_last == 0)
        return;
    line(ui, (ui_rect_t){area.x, area.y, area.w, head}, words[lang][T_LAST], LABEL_TXT, true,
         COLOR_MUTED, TEXT_ALIGN_LEFT);
    int y = area.y + head;
    for (int i = 0; i < s->n_last && y + rh <= area.y + area.h; i++) {
        char tok[32], num[16];
        locale_digits(lang, s->last[i].token, tok, sizeof tok);
        locale_format_int(lang, s->last[i].counter, num, sizeof num);
        ui_rect_t r = {area.x, y, area.w, rh - ui_mm(ui, 1.0f)};
        ui_rect(ui, r, i == 0 ? COLOR_CALL_BG : COLOR_SURFACE, ui_mm(ui, 1.5f));
        line(ui, (ui_rect_t){r.x + pad, r.y, r.w / 2, r.h}, tok, 5.2f, true, COLOR_TEXT,
             TEXT_ALIGN_LEFT);
        char counter[96];
        snprintf(counter, sizeof counter, "%s %s", words[lang][T_COUNTER], num);
        line(ui, (ui_rect_t){r.x + r.w / 2, r.y, r.w / 2 - pad, r.h}, counter, 4.4f, false,
             COLOR_MUTED, TEXT_ALIGN_RIGHT);
        y += rh;
    }
}

void board_view_build(ui_t *ui, const queue_snapshot_t *s, const board_view_opts_t *o)
{
    lang_t lang = o->lang == LANG_EN ? LANG_EN : LANG_BN;
    ui_begin(ui);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, ui->h}, COLOR_BOARD_BG, 0);
    top_bar(ui, o);
    int pad = ui_mm(ui, GAP), top = ui_mm(ui, BAR_H) + pad, h = ui->h - top - pad;
    int left_w = (ui->w - 3 * pad) * 62 / 100;
    ui_rect_t left = {pad, top, left_w, h};
    ui_rect_t right = {2 * pad + left_w, top, ui->w - 3 * pad - left_w, h};
    /* A title over the served tokens, in the language of the moment. */
    line(ui, (ui_rect_t){left.x, left.y, left.w, ui_mm(ui, 7.0f)}, words[lang][T_SERVING], 5.4f,
         true, COLOR_PRIMARY_DK, TEXT_ALIGN_LEFT);
    int th = ui_mm(ui, 7.0f);
    serving(ui, (ui_rect_t){left.x, left.y + th, left.w, left.h - th}, s, lang);
    int used = waiting(ui, right, s, lang) + pad;
    last_calls(ui, (ui_rect_t){right.x, right.y + used, right.w, right.h - used}, s, lang);
}
