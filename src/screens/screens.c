/* screens/screens.c - the screen table, touches and presses, and building a frame. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "screens/screens.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "screens/chrome.h"
#include "screens/pages.h"
#include "screens/speak.h"
#include "ui/textcache.h"
#include "ui/theme.h"

/* A finger that moves less than this is still a tap: fingers wobble, first-timers more. */
#define DRAG_SLOP_MM 3.0f

typedef struct {
    void (*build)(view_t *v, const app_t *app, ui_t *ui);
    bool (*press)(view_t *v, app_t *app, const char *id);
} screen_ops_t;

static const screen_ops_t ops[SCREEN_COUNT] = {
    [SCREEN_WELCOME] = {screen_welcome_build, screen_welcome_press},
    [SCREEN_CATEGORIES] = {screen_categories_build, screen_categories_press},
    [SCREEN_SEARCH] = {screen_search_build, screen_search_press},
    [SCREEN_SERVICES] = {screen_services_build, screen_services_press},
    [SCREEN_SERVICE] = {screen_service_build, screen_service_press},
    [SCREEN_FORM] = {screen_form_build, screen_form_press},
    [SCREEN_REVIEW] = {screen_review_build, screen_review_press},
    [SCREEN_DONE] = {screen_done_build, screen_done_press},
    [SCREEN_TECH_PIN] = {screen_tech_pin_build, screen_tech_pin_press},
    [SCREEN_TECH] = {screen_tech_build, screen_tech_press},
};

void screens_init(view_t *v, ui_t *ui)
{
    memset(v, 0, sizeof *v);
    v->ui = ui;
}

/* Catch up with the app: a new visit scrolls to the top and ends any press (the finger's
 * target is gone); a wiped citizen takes the display list and cached texts along. */
static void sync(view_t *v, const app_t *app)
{
    if (app->wipes != v->seen_wipes) {
        ui_wipe(v->ui);
        textcache_clear(v->ui->cache);
        v->seen_wipes = app->wipes;
    }
    if (app->visits != v->seen_visits || app->dialog != v->seen_dialog) {
        if (app->visits != v->seen_visits)
            v->scroll = 0;
        explicit_bzero(v->press_id, sizeof v->press_id);
        explicit_bzero(v->armed_id, sizeof v->armed_id);
        v->announce = true; /* in speech mode, what appeared is said */
        v->pressing = v->dragging = false;
        v->seen_visits = app->visits;
        v->seen_dialog = app->dialog;
        v->guard_until = app->now_ms + SCREENS_GUARD_MS;
        v->dirty = true;
    }
}

uint64_t screens_ready_at(view_t *v, const app_t *app)
{
    sync(v, app);
    return v->guard_until;
}

/* The speech engine, opened now if the shell left that to the first need; NULL without one. */
static speech_t *engine(view_t *v)
{
    if (!v->speech && v->open_speech) {
        v->speech = v->open_speech(v->open_speech_ctx);
        v->open_speech = NULL; /* once: a failure is not retried at every touch */
    }
    return v->speech;
}

/* The citizen's access controls, on the welcome screen and in the top bar of every screen. */
static bool access_press(view_t *v, app_t *app, const char *id)
{
    if (strcmp(id, "speech") == 0) {
        if (!app->s.access.speech && !engine(v))
            app_access_no_speech(app); /* staff can act on that; silence they cannot see */
        else
            app_access_speech(app, !app->s.access.speech);
    } else if (strcmp(id, "repeat") == 0) {
        v->announce = true;
    } else if (strcmp(id, "volume:up") == 0 || strcmp(id, "volume:down") == 0) {
        app_access_volume(app, id[7] == 'u' ? ACCESS_VOLUME_STEP : -ACCESS_VOLUME_STEP);
    } else if (strcmp(id, "text:large") == 0) {
        app_access_large_text(app, !app->s.access.large_text);
    } else if (strcmp(id, "theme:contrast") == 0) {
        app_access_contrast(app, !app->s.access.contrast);
    } else {
        return false;
    }
    return true;
}

void screens_press(view_t *v, app_t *app, const char *id)
{
    sync(v, app);
    v->dirty = true;
    unsigned visits = app->visits;
    dialog_t dialog = app->dialog;
    if (app->dialog != DIALOG_NONE)
        chrome_dialog_press(app, id);
    else if (access_press(v, app, id))
        ;
    else if (strcmp(id, "lang:bn") == 0 || strcmp(id, "lang:en") == 0)
        app_set_lang(app, strcmp(id, "lang:bn") == 0 ? LANG_BN : LANG_EN);
    else if (strcmp(id, "home") == 0)
        app_home(app);
    else if (strcmp(id, "back") == 0)
        app_back(app);
    else
        ops[app->screen].press(v, app, id);
    /* What stayed on screen says what the press did (a key typed, an option chosen); a new
     * screen or dialog is announced as a whole when it is built. */
    if (app->visits == visits && app->dialog == dialog)
        speak_pressed(v, app, id);
}

static tech_corner_t corner_at(const view_t *v, int x, int y)
{
    int c = ui_mm(v->ui, SCREENS_CORNER_MM);
    if (x < c && y < c)
        return TECH_CORNER_FIRST; /* top left */
    if (x >= v->ui->w - c && y >= v->ui->h - c)
        return TECH_CORNER_SECOND; /* then bottom right */
    return TECH_CORNER_NONE;
}

/* The target at (x, y): a pressable one, or in speech mode also a text that is only shown
 * (the token) when it can be read aloud. */
static const ui_hit_t *target_at(const view_t *v, const app_t *app, int x, int y)
{
    const ui_t *ui = v->ui;
    const ui_hit_t *h = ui_hit_at(ui, x, y);
    if (h || !app->s.access.speech || !v->speech)
        return h;
    for (int i = ui->hit_count - 1; i >= (ui->modal_from >= 0 ? ui->modal_from : 0); i--)
        if (ui_rect_contains(ui->hits[i].r, x, y) &&
            (ui->hits[i].say || strcmp(ui->hits[i].id, "token") == 0))
            return &ui->hits[i];
    return NULL;
}

static void touch_down(view_t *v, app_t *app, int x, int y)
{
    const ui_hit_t *h = target_at(v, app, x, y);
    if (app->s.access.speech && v->speech)
        speech_stop(v->speech); /* a new touch interrupts what is being said */
    v->press_started = app->now_ms;
    /* Before a newly shown screen could be seen: this touch may scroll or hold, but the
     * second tap of a double tap presses nothing that appeared under it. */
    v->ignoring = app->now_ms < v->guard_until;
    v->pressing = true;
    v->dragging = false;
    v->press_x = x;
    v->press_y = y;
    v->press_scroll = v->scroll;
    snprintf(v->press_id, sizeof v->press_id, "%s", h ? h->id : "");
    if (h)
        v->dirty = true; /* show it pressed */
}

static void touch_move(view_t *v, int x, int y)
{
    if (!v->pressing || !ui_rect_contains(v->scroll_area, v->press_x, v->press_y))
        return;
    int dy = y - v->press_y;
    if (!v->dragging && abs(dy) < ui_mm(v->ui, DRAG_SLOP_MM) &&
        abs(x - v->press_x) < ui_mm(v->ui, DRAG_SLOP_MM))
        return;
    v->dragging = true;
    int scroll = v->press_scroll - dy;
    scroll = scroll < 0 ? 0 : (scroll > v->scroll_max ? v->scroll_max : scroll);
    if (scroll != v->scroll || v->press_id[0]) {
        v->scroll = scroll;
        v->press_id[0] = '\0';
        v->dirty = true;
    }
}

/* Speech mode (explore by touch): a first touch says what the target is; a second touch on
 * the same target within SCREENS_EXPLORE_MS acts on it. True when this touch only spoke. */
static bool explore(view_t *v, app_t *app, const ui_hit_t *h)
{
    if (!app->s.access.speech || !v->speech)
        return false;
    if (h->active && strcmp(v->armed_id, h->id) == 0 &&
        app->now_ms - v->armed_at <= SCREENS_EXPLORE_MS) {
        v->armed_id[0] = '\0';
        return false;
    }
    snprintf(v->armed_id, sizeof v->armed_id, "%s", h->active ? h->id : "");
    v->armed_at = app->now_ms;
    speak_target(v, app, h);
    return true;
}

/* A long press on the welcome screen starts speech mode: someone who cannot read the button
 * can still find it. */
static void start_speech(view_t *v, app_t *app)
{
    if (!engine(v))
        app_access_no_speech(app);
    else if (!app->s.access.speech)
        app_access_speech(app, true);
    else
        v->announce = true;
}

static void touch_up(view_t *v, app_t *app, int x, int y)
{
    if (!v->pressing)
        return;
    v->pressing = false;
    bool was_drag = v->dragging;
    v->dragging = false;
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "%s", v->press_id);
    v->press_id[0] = '\0';
    v->dirty = true;
    uint64_t held = app->now_ms - v->press_started;
    tech_corner_t corner = corner_at(v, x, y);
    /* Held for seconds: the technician's gesture in a corner (and a hold elsewhere ends a
     * gesture half made), never a press; away from the corners on the welcome screen, speech
     * mode. */
    if (held >= SCREENS_HOLD_MS)
        app_tech_corner(app, corner);
    if (held >= SCREENS_SPEECH_HOLD_MS && !was_drag && corner == TECH_CORNER_NONE &&
        app->screen == SCREEN_WELCOME && app->dialog == DIALOG_NONE) {
        start_speech(v, app);
        return;
    }
    if (held >= SCREENS_HOLD_MS)
        return;
    const ui_hit_t *h = target_at(v, app, x, y);
    /* A press counts only if the finger lifts on the widget it went down on, and went down
     * after the screen appeared. */
    if (was_drag || v->ignoring || !h || !id[0] || strcmp(h->id, id) != 0)
        return;
    if (!explore(v, app, h) && h->active)
        screens_press(v, app, id);
}

/* The technician's touch test and calibration take touches as they are, not as presses. */
static void tech_touch(view_t *v, app_t *app, const event_t *ev)
{
    if (app->screen != SCREEN_TECH)
        return;
    if (app->tech.page == TECH_TOUCH &&
        (ev->kind == EVENT_TOUCH_DOWN || ev->kind == EVENT_TOUCH_MOVE)) {
        app_tech_touch_point(app, ev->x, ev->y);
    } else if (app->tech.page == TECH_CALIBRATE && ev->kind == EVENT_TOUCH_UP && ev->has_raw &&
               app->tech.cal_step < 3) {
        int tx, ty;
        screen_tech_calibration_target(v->ui, app->tech.cal_step, &tx, &ty);
        app_tech_calibration_touch(app, ev->raw_x, ev->raw_y, tx, ty);
    }
}

/* A touch on the idle question's "more time": it goes to the button instead of closing the
 * question as any other touch does. */
static bool on_more_time(const view_t *v, const app_t *app, const event_t *ev)
{
    if (app->dialog != DIALOG_IDLE)
        return false;
    if (ev->kind == EVENT_TOUCH_DOWN) {
        const ui_hit_t *h = ui_hit_at(v->ui, ev->x, ev->y);
        return h && strcmp(h->id, "more-time") == 0;
    }
    return (ev->kind == EVENT_TOUCH_MOVE || ev->kind == EVENT_TOUCH_UP) && v->pressing &&
           strcmp(v->press_id, "more-time") == 0;
}

void screens_input(view_t *v, app_t *app, const event_t *ev)
{
    sync(v, app);
    bool closes = ev->kind != EVENT_TOUCH_MOVE && ev->kind != EVENT_TOUCH_UP;
    if (!on_more_time(v, app, ev) && app_activity(app, closes)) {
        sync(v, app); /* the question closed: the finger that closed it presses nothing */
        return;
    }
    tech_touch(v, app, ev);
    bool typing =
        (app->screen == SCREEN_FORM || app->screen == SCREEN_SEARCH) && app->dialog == DIALOG_NONE;
    switch (ev->kind) {
    case EVENT_TOUCH_DOWN:
        touch_down(v, app, ev->x, ev->y);
        break;
    case EVENT_TOUCH_MOVE:
        touch_move(v, ev->x, ev->y);
        break;
    case EVENT_TOUCH_UP:
        touch_up(v, app, ev->x, ev->y);
        break;
    case EVENT_TEXT:
        if (typing && app->screen == SCREEN_SEARCH)
            app_search_type(app, ev->text);
        else if (typing)
            app_form_type(app, ev->text);
        break;
    case EVENT_BACKSPACE:
        if (typing)
            screens_press(v, app, "key:backspace");
        break;
    case EVENT_ENTER:
        if (typing)
            screens_press(v, app, app->screen == SCREEN_SEARCH ? "key:done" : "next");
        break;
    }
}

bool screens_build(view_t *v, const app_t *app)
{
    sync(v, app);
    if (v->built && !v->dirty && app->changes == v->built_changes)
        return false;
    ui_t *ui = v->ui;
    assert((unsigned)app->screen < SCREEN_COUNT);
    ui->theme = theme_get(app->s.access.contrast ? THEME_CONTRAST : THEME_DEFAULT);
    ui->text_scale = app->s.access.large_text ? SCREENS_LARGE_TEXT : 1.0f;
    ui_begin(ui);
    snprintf(ui->pressed, sizeof ui->pressed, "%s", v->pressing && !v->dragging ? v->press_id : "");
    v->scroll_area = (ui_rect_t){0, 0, 0, 0};
    ui_mark(ui, app_screen_id(app->screen), (ui_rect_t){0, 0, ui->w, ui->h});
    ops[app->screen].build(v, app, ui);
    if (app->dialog != DIALOG_NONE)
        chrome_dialog(app, ui);
    v->built = true;
    v->dirty = false;
    v->built_changes = app->changes;
    speak_update(v, app); /* said from what was just built */
    return true;
}
