/* app/app.c - input, timers, and the citizen's session. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/print.h"
#include "app/tech.h"
#include "screens/screens.h"
#include "store/export.h"
#include "ui/textcache.h"

/* A finger that moves less than this is still a tap: fingers wobble, first-timers more. */
#define DRAG_SLOP_MM 3.0f

static const char *const screen_ids[SCREEN_COUNT] = {
    "screen:welcome", "screen:categories", "screen:services", "screen:service", "screen:form",
    "screen:review",  "screen:done",       "screen:tech-pin", "screen:tech",
};

const char *app_screen_id(screen_t s)
{
    return (unsigned)s < SCREEN_COUNT ? screen_ids[s] : "screen:?";
}

static void session_reset(session_t *s)
{
    explicit_bzero(s, sizeof *s);
    s->category = -1;
    s->service = -1;
    s->form_service = -1;
}

void app_init(app_t *app, const config_t *cfg, const catalog_t *cat, const i18n_t *i18n,
              fonts_t *fonts, journal_t *journal, ui_t *ui, int64_t epoch_unix)
{
    memset(app, 0, sizeof *app);
    app->cfg = cfg;
    app->catalog = cat;
    app->i18n = i18n;
    app->fonts = fonts;
    app->journal = journal;
    app->ui = ui;
    app->epoch_unix = epoch_unix;
    app->lang = cfg->language;
    app->screen = SCREEN_WELCOME;
    session_reset(&app->s);
    app->dirty = true;
}

void app_wipe(app_t *app)
{
    session_reset(&app->s);
    explicit_bzero(app->press_id, sizeof app->press_id);
    app->pressing = app->dragging = false;
    ui_wipe(app->ui);
    textcache_clear(app->ui->cache);
    app->lang = app->cfg->language;
    app->dialog = DIALOG_NONE;
    app->screen = SCREEN_WELCOME;
    app->dirty = true;
}

int64_t app_unix_now(const app_t *app)
{
    return app->epoch_unix + (int64_t)(app->now_ms / 1000);
}

const char *app_tr(const app_t *app, const char *msgid)
{
    return i18n_get(app->i18n, app->lang, msgid);
}

bool app_has_data(const app_t *app)
{
    if (app->screen == SCREEN_DONE)
        return false; /* already confirmed and kept in the journal */
    for (int i = 0; i < CATALOG_MAX_FIELDS; i++)
        if (app->s.input[i].len > 0)
            return true;
    return false;
}

void app_qr_payload(const app_t *app, session_t *s)
{
    const char *base = app->cfg->receipt_url;
    const char *service = app->catalog->services[s->service].id;
    if (!app->key || signing_payload(app->key, base, s->tracking, s->token, service, s->qr_payload,
                                     sizeof s->qr_payload) < 0)
        snprintf(s->qr_payload, sizeof s->qr_payload, "%s%s%s", base, base[0] ? "/" : "",
                 s->tracking);
}

static bool in_tech(const app_t *app)
{
    return app->screen == SCREEN_TECH || app->screen == SCREEN_TECH_PIN;
}

void app_press(app_t *app, const char *id)
{
    app->dirty = true;
    if (app->dialog != DIALOG_NONE) {
        chrome_dialog_press(app, id);
        return;
    }
    if (strcmp(id, "lang:bn") == 0 || strcmp(id, "lang:en") == 0) {
        app->lang = strcmp(id, "lang:bn") == 0 ? LANG_BN : LANG_EN;
        /* Typed text stays; a text field's keyboard follows the language just chosen. */
        app->s.text_kb = app->lang == LANG_BN ? KB_BANGLA : KB_LATIN;
        app->s.kb_page = 0;
        if (app->screen == SCREEN_WELCOME)
            screens_go(app, SCREEN_CATEGORIES);
        return;
    }
    if (in_tech(app)) {
        tech_press(app, id);
        return;
    }
    if (strcmp(id, "home") == 0) {
        if (app_has_data(app))
            app->dialog = DIALOG_HOME;
        else
            app_wipe(app);
        return;
    }
    screens_press(app, id);
}

static bool in_idle_scope(const app_t *app)
{
    return app->screen != SCREEN_WELCOME && !in_tech(app);
}

uint64_t app_next_deadline(const app_t *app)
{
    if (app->dialog == DIALOG_IDLE) {
        /* Wake once a second to count down. */
        uint64_t elapsed = app->now_ms - app->dialog_since_ms;
        return app->dialog_since_ms + (elapsed / 1000 + 1) * 1000;
    }
    if (in_tech(app))
        return app->last_input_ms + TECH_IDLE_MS;
    if (!in_idle_scope(app))
        return UINT64_MAX;
    return app->last_input_ms + (uint64_t)app->cfg->idle_timeout_s * 1000;
}

/* Erase what citizens typed once it is older than the retention period. Checked whenever
 * time passes and at most every few hours: it never adds a wake-up of its own. */
static void retention(app_t *app)
{
    int64_t now = app_unix_now(app);
    if (!app->journal || now < app->next_retention)
        return;
    char err[256];
    if (journal_erase_older(app->journal, now, app->cfg->retention_days, err, sizeof err) < 0)
        fprintf(stderr, "kiosk: %s\n", err);
    app->next_retention = now + 6 * 3600;
}

void app_advance(app_t *app, uint64_t now_ms)
{
    uint64_t before = app->now_ms;
    app->now_ms = now_ms;
    if (print_poll(app))
        app->dirty = true;
    retention(app);
    if (in_tech(app) && now_ms - app->last_input_ms >= TECH_IDLE_MS) {
        tech_leave(app); /* a technician who walked away leaves no open door */
        return;
    }
    if (app->dialog == DIALOG_IDLE) {
        uint64_t elapsed = now_ms - app->dialog_since_ms;
        if (elapsed >= (uint64_t)app->cfg->idle_countdown_s * 1000) {
            app_wipe(app); /* nobody there: the next citizen starts clean */
            return;
        }
        if ((before - app->dialog_since_ms) / 1000 != elapsed / 1000)
            app->dirty = true; /* the countdown shows a new number */
        return;
    }
    if (in_idle_scope(app) &&
        now_ms - app->last_input_ms >= (uint64_t)app->cfg->idle_timeout_s * 1000) {
        app->dialog = DIALOG_IDLE;
        app->dialog_since_ms = now_ms;
        app->pressing = false;
        app->dirty = true;
    }
}

static void touch_down(app_t *app, int x, int y)
{
    const ui_hit_t *h = ui_hit_at(app->ui, x, y);
    tech_touch_down(app);
    app->pressing = true;
    app->dragging = false;
    app->press_x = x;
    app->press_y = y;
    app->press_scroll = app->s.scroll;
    snprintf(app->press_id, sizeof app->press_id, "%s", h ? h->id : "");
    if (h)
        app->dirty = true; /* show it pressed */
}

static void touch_move(app_t *app, int x, int y)
{
    if (!app->pressing || !ui_rect_contains(app->scroll_area, app->press_x, app->press_y))
        return;
    int dy = y - app->press_y;
    if (!app->dragging && abs(dy) < ui_mm(app->ui, DRAG_SLOP_MM) &&
        abs(x - app->press_x) < ui_mm(app->ui, DRAG_SLOP_MM))
        return;
    app->dragging = true;
    int scroll = app->press_scroll - dy;
    scroll = scroll < 0 ? 0 : (scroll > app->scroll_max ? app->scroll_max : scroll);
    if (scroll != app->s.scroll || app->press_id[0]) {
        app->s.scroll = scroll;
        app->press_id[0] = '\0';
        app->dirty = true;
    }
}

static void touch_up(app_t *app, int x, int y)
{
    if (!app->pressing)
        return;
    app->pressing = false;
    bool was_drag = app->dragging;
    app->dragging = false;
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "%s", app->press_id);
    app->press_id[0] = '\0';
    app->dirty = true;
    /* Held for seconds: the technician's gesture, never a press. */
    if (tech_touch_up(app, x, y, app->now_ms - app->tech.press_started))
        return;
    const ui_hit_t *h = ui_hit_at(app->ui, x, y);
    /* A press counts only if the finger lifts on the widget it went down on. */
    if (!was_drag && h && id[0] && strcmp(h->id, id) == 0)
        app_press(app, id);
}

void app_input(app_t *app, const app_input_t *in)
{
    app->last_input_ms = app->now_ms;
    if (app->dialog == DIALOG_IDLE) {
        /* Any touch means someone is there: close the question, keep everything. */
        if (in->kind == INPUT_TOUCH_DOWN || in->kind == INPUT_TEXT || in->kind == INPUT_BACKSPACE ||
            in->kind == INPUT_ENTER) {
            app->dialog = DIALOG_NONE;
            app->pressing = false;
            app->dirty = true;
        }
        return;
    }
    tech_touch(app, in);
    switch (in->kind) {
    case INPUT_TOUCH_DOWN:
        touch_down(app, in->x, in->y);
        break;
    case INPUT_TOUCH_MOVE:
        touch_move(app, in->x, in->y);
        break;
    case INPUT_TOUCH_UP:
        touch_up(app, in->x, in->y);
        break;
    case INPUT_TEXT:
        screens_type_text(app, in->text);
        break;
    case INPUT_BACKSPACE:
        if (app->screen == SCREEN_FORM && app->dialog == DIALOG_NONE)
            app_press(app, "key:backspace");
        break;
    case INPUT_ENTER:
        if (app->screen == SCREEN_FORM && app->dialog == DIALOG_NONE)
            app_press(app, "next");
        break;
    }
}

bool app_build(app_t *app)
{
    if (!app->dirty)
        return false;
    ui_begin(app->ui);
    snprintf(app->ui->pressed, sizeof app->ui->pressed, "%s",
             app->pressing && !app->dragging ? app->press_id : "");
    app->scroll_area = (ui_rect_t){0, 0, 0, 0};
    screens_build(app);
    app->dirty = false;
    return true;
}
