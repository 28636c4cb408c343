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
#include "ui/textcache.h"

/* A finger that moves less than this is still a tap: fingers wobble, first-timers more. */
#define DRAG_SLOP_MM 3.0f

typedef struct {
    void (*build)(view_t *v, const app_t *app, ui_t *ui);
    bool (*press)(view_t *v, app_t *app, const char *id);
} screen_ops_t;

static const screen_ops_t ops[SCREEN_COUNT] = {
    [SCREEN_WELCOME] = {screen_welcome_build, screen_welcome_press},
    [SCREEN_CATEGORIES] = {screen_categories_build, screen_categories_press},
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
        v->pressing = v->dragging = false;
        v->seen_visits = app->visits;
        v->seen_dialog = app->dialog;
        v->dirty = true;
    }
}

void screens_press(view_t *v, app_t *app, const char *id)
{
    sync(v, app);
    v->dirty = true;
    if (app->dialog != DIALOG_NONE)
        chrome_dialog_press(app, id);
    else if (strcmp(id, "lang:bn") == 0 || strcmp(id, "lang:en") == 0)
        app_set_lang(app, strcmp(id, "lang:bn") == 0 ? LANG_BN : LANG_EN);
    else if (strcmp(id, "home") == 0)
        app_home(app);
    else if (strcmp(id, "back") == 0)
        app_back(app);
    else
        ops[app->screen].press(v, app, id);
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

static void touch_down(view_t *v, app_t *app, int x, int y)
{
    const ui_hit_t *h = ui_hit_at(v->ui, x, y);
    v->press_started = app->now_ms;
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
    /* Held for seconds: the technician's gesture, never a press. */
    if (app->now_ms - v->press_started >= SCREENS_HOLD_MS) {
        app_tech_corner(app, corner_at(v, x, y));
        return;
    }
    const ui_hit_t *h = ui_hit_at(v->ui, x, y);
    /* A press counts only if the finger lifts on the widget it went down on. */
    if (!was_drag && h && id[0] && strcmp(h->id, id) == 0)
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

void screens_input(view_t *v, app_t *app, const event_t *ev)
{
    sync(v, app);
    bool closes = ev->kind != EVENT_TOUCH_MOVE && ev->kind != EVENT_TOUCH_UP;
    if (app_activity(app, closes)) {
        sync(v, app); /* the question closed: the finger that closed it presses nothing */
        return;
    }
    tech_touch(v, app, ev);
    bool form = app->screen == SCREEN_FORM && app->dialog == DIALOG_NONE;
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
        if (form)
            app_form_type(app, ev->text);
        break;
    case EVENT_BACKSPACE:
        if (form)
            screens_press(v, app, "key:backspace");
        break;
    case EVENT_ENTER:
        if (form)
            screens_press(v, app, "next");
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
    return true;
}
