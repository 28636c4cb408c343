/* screens/chrome.c - the top bar on every screen after welcome, and the dialogs. */
#include "screens/chrome.h"

#include <stdio.h>
#include <string.h>

#include "screens/common.h"
#include "text/locale.h"
#include "app/app.h"
#include "ui/widgets.h"

#define ICON_BACK      0xe5c4
#define ICON_HOME      0xe88a
#define ICON_LANG      0xe8e2
#define ICON_SPEECH    0xe91f /* record_voice_over: a person speaking */
#define ICON_REPEAT    0xe042 /* replay */
#define ICON_QUIETER   0xe04d /* volume_down */
#define ICON_LOUDER    0xe050 /* volume_up */
#define ICON_LARGE     0xeae2 /* text_increase */
#define ICON_CONTRAST  0xeb37 /* contrast */
#define ICON_MORE      0xea5d /* more_time */

#define BAR_MM         12.0f
#define BAR_PAD_MM     1.5f
#define BAR_BTN_MM     27.0f /* back, home and the language, with their labels */
#define BAR_TITLE_MM   30.0f /* a title narrower than this is left out */
#define BAR_ACCESS_MAX 6

/* Where the top bar puts everything: back, home and the language always; the citizen's
 * access controls on a citizen's screens (speech, and in speech mode repeat and volume,
 * large text, contrast). One row when it fits, back and home as icons alone when only that
 * fits, else the access controls in a second row. */
typedef struct {
    int rows, height;
    bool labels; /* back and home with their labels */
    ui_rect_t back, home, lang, title;
    int access_count;
    const char *access[BAR_ACCESS_MAX];
    ui_rect_t access_r[BAR_ACCESS_MAX];
} bar_t;

static int access_ids(const app_t *app, const char **ids)
{
    int n = 0;
    if (app_in_tech(app))
        return 0; /* a technician's pages: the citizen's choices were wiped on entry */
    ids[n++] = "speech";
    if (app->s.access.speech) {
        ids[n++] = "repeat";
        ids[n++] = "volume:down";
        ids[n++] = "volume:up";
    }
    ids[n++] = "text:large";
    ids[n++] = "theme:contrast";
    return n;
}

static void bar_layout(const app_t *app, const ui_t *ui, float room_mm, bar_t *b)
{
    memset(b, 0, sizeof *b);
    int pad = ui_mm(ui, BAR_PAD_MM), bar = ui_mm(ui, BAR_MM), bh = bar - 2 * pad;
    int bw = ui_mm(ui, BAR_BTN_MM), sq = bh;
    b->access_count = access_ids(app, b->access);
    int n = b->access_count;
    int access_w = n * (sq + pad);
    int fixed = pad + bw + pad; /* the language and the pads around it */
    /* Labels on back and home when they fit, and leave the title the room it asks for. */
    b->labels = 2 * (bw + pad) + access_w + fixed + ui_mm(ui, room_mm) <= ui->w;
    int left_w = b->labels ? bw : sq;
    b->rows = 2 * (left_w + pad) + access_w + fixed <= ui->w ? 1 : 2;
    if (b->rows == 2)
        b->labels = 2 * (bw + pad) + fixed + ui_mm(ui, room_mm) <= ui->w;
    left_w = b->labels ? bw : sq;
    b->height = bar * b->rows;
    int x = pad;
    b->back = (ui_rect_t){x, pad, left_w, bh};
    x += left_w + pad;
    b->home = (ui_rect_t){x, pad, left_w, bh};
    x += left_w + pad;
    b->lang = (ui_rect_t){ui->w - pad - bw, pad, bw, bh};
    /* The access controls end at the language in one row, at the right edge in the second. */
    int ax = b->rows == 1 ? b->lang.x - access_w : ui->w - access_w;
    int ay = b->rows == 1 ? pad : bar + pad;
    for (int i = 0; i < n; i++)
        b->access_r[i] = (ui_rect_t){ax + i * (sq + pad), ay, sq, bh};
    int end = b->rows == 1 ? ax - pad : b->lang.x - pad;
    b->title = (ui_rect_t){x, pad, end - x, bh};
}

ui_rect_t chrome_title_area(const app_t *app, const ui_t *ui, float room_mm)
{
    bar_t b;
    bar_layout(app, ui, room_mm, &b);
    return b.title;
}

/* What an access control shows (an icon), says, and whether it is on. */
static void access_control(const app_t *app, const char *id, unsigned *icon, const char **name,
                           bool *on)
{
    const access_t *a = &app->s.access;
    *on = false;
    if (strcmp(id, "speech") == 0) {
        *icon = ICON_SPEECH, *name = app_tr(app, "access.speech"), *on = a->speech;
    } else if (strcmp(id, "repeat") == 0) {
        *icon = ICON_REPEAT, *name = app_tr(app, "access.repeat");
    } else if (strcmp(id, "volume:down") == 0) {
        *icon = ICON_QUIETER, *name = app_tr(app, "access.volume_down");
    } else if (strcmp(id, "volume:up") == 0) {
        *icon = ICON_LOUDER, *name = app_tr(app, "access.volume_up");
    } else if (strcmp(id, "text:large") == 0) {
        *icon = ICON_LARGE, *name = app_tr(app, "access.large_text"), *on = a->large_text;
    } else {
        *icon = ICON_CONTRAST, *name = app_tr(app, "access.contrast"), *on = a->contrast;
    }
}

void chrome_access_button(const app_t *app, ui_t *ui, const char *id, ui_rect_t r,
                          const char *label, button_kind_t off_kind, button_kind_t on_kind)
{
    unsigned icon;
    const char *name;
    bool on;
    access_control(app, id, &icon, &name, &on);
    char say[256];
    if (strcmp(id, "speech") == 0 || strcmp(id, "text:large") == 0 ||
        strcmp(id, "theme:contrast") == 0) {
        const char *args[] = {name};
        i18n_format(app_tr(app, on ? N_("access.on") : N_("access.off")), args, 1, say, sizeof say);
    } else {
        snprintf(say, sizeof say, "%s", name);
    }
    /* A toggle that is on is drawn inverted, as a pressed-in switch. */
    widget_button(ui, id, r, label, icon, on ? on_kind : off_kind);
    ui_say(ui, say); /* the name and the state, in place of the label */
}

ui_rect_t chrome_top_bar(const app_t *app, ui_t *ui, const char *title)
{
    return chrome_top_bar_room(app, ui, title, 0.0f);
}

ui_rect_t chrome_top_bar_room(const app_t *app, ui_t *ui, const char *title, float room_mm)
{
    bar_t b;
    bar_layout(app, ui, room_mm, &b);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, b.height}, COLOR_PRIMARY, 0);
    widget_button(ui, "back", b.back, b.labels ? app_tr(app, "nav.back") : NULL, ICON_BACK,
                  BUTTON_FLAT);
    if (!b.labels)
        ui_say(ui, app_tr(app, "nav.back"));
    widget_button(ui, "home", b.home, b.labels ? app_tr(app, "nav.home") : NULL, ICON_HOME,
                  BUTTON_FLAT);
    if (!b.labels)
        ui_say(ui, app_tr(app, "nav.home"));
    /* The toggle names the other language in that language, as a reader of it expects. */
    bool bn = app->lang == LANG_BN;
    widget_button(ui, bn ? "lang:en" : "lang:bn", b.lang, bn ? "English" : "বাংলা", ICON_LANG,
                  BUTTON_FLAT);
    for (int i = 0; i < b.access_count; i++)
        chrome_access_button(app, ui, b.access[i], b.access_r[i], NULL, BUTTON_FLAT,
                             BUTTON_FLAT_ON);
    if (title && b.title.w > ui_mm(ui, BAR_TITLE_MM)) {
        text_box_t box = widget_box(ui, SIZE_BODY, true, b.title.w, 1);
        ui_text(ui, (ui_rect_t){b.title.x, 0, b.title.w, ui_mm(ui, BAR_MM)}, title, &box,
                COLOR_ON_PRIMARY, TEXT_ALIGN_CENTER, UI_VALIGN_MIDDLE);
    }
    return (ui_rect_t){0, b.height, ui->w, ui->h - b.height};
}

static void idle_dialog(const app_t *app, ui_t *ui)
{
    ui_rect_t in = widget_dialog(ui, "dialog:idle", 120, 70);
    uint64_t elapsed = app->now_ms - app->dialog_since_ms;
    int left = app->cfg->idle_countdown_s - (int)(elapsed / 1000);
    char n[16], num[16], body[256];
    snprintf(n, sizeof n, "%d", left > 0 ? left : 0);
    locale_digits(app->lang, n, num, sizeof num);
    const char *args[] = {num};
    i18n_format(app_tr(app, "idle.body"), args, 1, body, sizeof body);
    int y = in.y;
    y += widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, app_tr(app, "idle.title"), SIZE_TITLE,
                      true, COLOR_TEXT, TEXT_ALIGN_CENTER, 2);
    y += ui_mm(ui, 2.0f);
    y += widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, num, SIZE_HUGE, true, COLOR_PRIMARY,
                      TEXT_ALIGN_CENTER, 1);
    widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, body, SIZE_BODY, false, COLOR_MUTED,
                 TEXT_ALIGN_CENTER, 3);
    int bh = ui_mm(ui, 12.0f), gap = ui_mm(ui, 3.0f);
    ui_rect_t go = {in.x, in.y + in.h - bh, in.w, bh};
    if (app_more_time_left(app)) {
        /* "More time" beside "continue", as the safe choice is on the left elsewhere. */
        int bw = (in.w - gap) / 2;
        widget_button(ui, "more-time", (ui_rect_t){in.x, go.y, bw, bh},
                      app_tr(app, "idle.more_time"), ICON_MORE, BUTTON_SECONDARY);
        go = (ui_rect_t){in.x + bw + gap, go.y, in.w - bw - gap, bh};
    }
    widget_button(ui, "dialog:continue", go, app_tr(app, "idle.continue"), 0, BUTTON_PRIMARY);
}

/* Title, body and two buttons side by side (the safe choice first, on the left). */
static void question_dialog(ui_t *ui, const char *id, const char *title, const char *body,
                            const char *no_id, const char *no, const char *yes_id, const char *yes)
{
    ui_rect_t in = widget_dialog(ui, id, 120, 60);
    int y = in.y;
    y += widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, title, SIZE_TITLE, true, COLOR_TEXT,
                      TEXT_ALIGN_CENTER, 2);
    y += ui_mm(ui, 2.0f);
    widget_label(ui, (ui_rect_t){in.x, y, in.w, in.h}, body, SIZE_BODY, false, COLOR_MUTED,
                 TEXT_ALIGN_CENTER, 3);
    int bh = ui_mm(ui, 12.0f), gap = ui_mm(ui, 3.0f);
    int bw = yes_id ? (in.w - gap) / 2 : in.w;
    widget_button(ui, no_id, (ui_rect_t){in.x, in.y + in.h - bh, bw, bh}, no, 0,
                  yes_id ? BUTTON_SECONDARY : BUTTON_PRIMARY);
    if (yes_id)
        widget_button(ui, yes_id, (ui_rect_t){in.x + bw + gap, in.y + in.h - bh, bw, bh}, yes, 0,
                      BUTTON_PRIMARY);
}

void chrome_dialog(const app_t *app, ui_t *ui)
{
    switch (app->dialog) {
    case DIALOG_IDLE:
        idle_dialog(app, ui);
        break;
    case DIALOG_HOME:
        question_dialog(ui, "dialog:home", app_tr(app, "leave.title"), app_tr(app, "leave.body"),
                        "dialog:no", app_tr(app, "leave.stay"), "dialog:yes",
                        app_tr(app, "leave.go"));
        break;
    case DIALOG_ERROR:
        question_dialog(ui, "dialog:error", app_tr(app, "error.title"),
                        app_tr(app, app->error_msgid), "dialog:ok", app_tr(app, "dialog.ok"), NULL,
                        NULL);
        break;
    default:
        break;
    }
}

bool chrome_dialog_press(app_t *app, const char *id)
{
    if (app->dialog == DIALOG_HOME && strcmp(id, "dialog:yes") == 0) {
        app_dialog_leave(app);
        return true;
    }
    if (strcmp(id, "more-time") == 0)
        return app_more_time(app);
    if (strcmp(id, "dialog:no") == 0 || strcmp(id, "dialog:ok") == 0 ||
        strcmp(id, "dialog:continue") == 0) {
        app_dialog_close(app);
        return true;
    }
    return false;
}

int chrome_scroll_begin(view_t *v, ui_t *ui, ui_rect_t area, ui_rect_t *saved_clip)
{
    v->scroll_area = area;
    ui_push_clip(ui, area, saved_clip);
    return area.y - v->scroll;
}

void chrome_scroll_end(view_t *v, ui_t *ui, ui_rect_t area, int content_h, ui_rect_t saved_clip)
{
    ui_pop_clip(ui, saved_clip);
    v->scroll_max = content_h > area.h ? content_h - area.h : 0;
    if (v->scroll > v->scroll_max)
        v->scroll = v->scroll_max; /* content shrank (language switch) */
    if (v->scroll_max == 0)
        return;
    /* A scroll bar tells a first-time user there is more below. */
    int bw = ui_mm(ui, 1.2f);
    int th = area.h * area.h / content_h;
    int ty = area.y + (area.h - th) * v->scroll / v->scroll_max;
    ui_rect(ui, (ui_rect_t){area.x + area.w - bw, area.y, bw, area.h}, COLOR_LINE, bw / 2);
    ui_rect(ui, (ui_rect_t){area.x + area.w - bw, ty, bw, th}, COLOR_PRIMARY, bw / 2);
}
