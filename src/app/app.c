/* app/app.c - the app's timers, navigation and language: the actions of every screen. */
#include "app/app.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "store/journal_export.h"

void app_init(app_t *app, const config_t *cfg, const catalog_t *cat, const i18n_t *i18n,
              fonts_t *fonts, journal_t *journal, int64_t epoch_unix)
{
    memset(app, 0, sizeof *app);
    app->cfg = cfg;
    app->catalog = cat;
    app->i18n = i18n;
    app->fonts = fonts;
    app->journal = journal;
    app->epoch_unix = epoch_unix;
    app_wipe(app);
    /* Receipts a stopped kiosk left pending or queued: "unknown", never printed again by
     * themselves (see journal_settle_prints for why). */
    char err[256];
    int n = journal ? journal_settle_prints(journal, err, sizeof err) : 0;
    if (n < 0)
        fprintf(stderr, "kiosk: %s\n", err);
    else if (n > 0)
        fprintf(stderr, "kiosk: %d receipt%s left unfinished by the last run marked unknown\n", n,
                n > 1 ? "s" : "");
    app_load_uses(app);
}

bool app_activity(app_t *app, bool closes)
{
    app->last_input_ms = app->now_ms;
    if (app->dialog != DIALOG_IDLE)
        return false;
    /* Any touch means someone is there: close the question, keep everything. */
    if (closes) {
        app->dialog = DIALOG_NONE;
        app_changed(app);
    }
    return true;
}

/* The idle question and its countdown apply to a citizen's screens only, and to the welcome
 * screen once someone there turned on speech, large text or contrast. */
static bool in_idle_scope(const app_t *app)
{
    return (app->screen != SCREEN_WELCOME || app_access_changed(app)) && !app_in_tech(app);
}

uint64_t app_next_deadline(const app_t *app)
{
    /* A command or an export in the background: look at it every 100 ms. */
    if (spawn_busy(&app->command) || (app->export_job && export_job_busy(app->export_job)))
        return app->now_ms + 100;
    if (app->dialog == DIALOG_IDLE) {
        /* Wake once a second to count down. */
        uint64_t elapsed = app->now_ms - app->dialog_since_ms;
        return app->dialog_since_ms + (elapsed / 1000 + 1) * 1000;
    }
    if (app_in_tech(app))
        return app->last_input_ms + TECH_IDLE_MS;
    if (!in_idle_scope(app))
        return UINT64_MAX;
    return app->last_input_ms + app_idle_timeout_ms(app);
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
    assert(now_ms >= before); /* the app clock is monotonic */
    app->now_ms = now_ms;
    if (app_print_poll(app))
        app_changed(app);
    if (app_tech_poll(app))
        app_changed(app);
    retention(app);
    if (app_in_tech(app) && now_ms - app->last_input_ms >= TECH_IDLE_MS) {
        app_tech_leave(app); /* a technician who walked away leaves no open door */
        return;
    }
    if (app->dialog == DIALOG_IDLE) {
        uint64_t elapsed = now_ms - app->dialog_since_ms;
        if (elapsed >= (uint64_t)app->cfg->idle_countdown_s * 1000) {
            app_wipe(app); /* nobody there: the next citizen starts clean */
            return;
        }
        if ((before - app->dialog_since_ms) / 1000 != elapsed / 1000)
            app_changed(app); /* the countdown shows a new number */
        return;
    }
    if (in_idle_scope(app) && now_ms - app->last_input_ms >= app_idle_timeout_ms(app)) {
        app->dialog = DIALOG_IDLE;
        app->dialog_since_ms = now_ms;
        app_changed(app);
    }
}

void app_set_lang(app_t *app, lang_t lang)
{
    assert((unsigned)lang < LANG_COUNT);
    app->lang = lang;
    app->s.text_script = lang;
    app->s.kb_page = 0;
    app_changed(app);
    if (app->screen == SCREEN_WELCOME)
        app_go(app, SCREEN_CATEGORIES);
}

void app_home(app_t *app)
{
    if (app_in_tech(app)) {
        app_tech_leave(app);
    } else if (app_has_data(app)) {
        app->dialog = DIALOG_HOME;
        app_changed(app);
    } else {
        app_wipe(app);
    }
}

void app_back(app_t *app)
{
    switch (app->screen) {
    case SCREEN_CATEGORIES:
        app_wipe(app);
        break;
    case SCREEN_SERVICES:
        app_go(app, SCREEN_CATEGORIES);
        break;
    case SCREEN_SEARCH:
        app_go(app, SCREEN_CATEGORIES);
        break;
    case SCREEN_SERVICE:
        app_go(app, app->s.service_from); /* the list, the search or the shortcuts */
        break;
    case SCREEN_FORM:
        app_form_back(app);
        break;
    case SCREEN_REVIEW:
        app_form_enter(app, app_service(app)->field_count - 1);
        break;
    case SCREEN_DONE:
        app_another(app);
        break;
    case SCREEN_TECH_PIN:
    case SCREEN_TECH:
        app_tech_back(app);
        break;
    default:
        break;
    }
}

bool app_choose_category(app_t *app, int category)
{
    if (app->screen != SCREEN_CATEGORIES || category < 0 ||
        category >= app->catalog->category_count)
        return false;
    app->s.category = category;
    app_go(app, SCREEN_SERVICES);
    return true;
}

bool app_choose_service(app_t *app, int service)
{
    if (app->screen != SCREEN_SERVICES || service < 0 || service >= app->catalog->service_count ||
        app->catalog->services[service].category != app->s.category)
        return false;
    app->s.service = service;
    app->s.service_from = SCREEN_SERVICES;
    app_go(app, SCREEN_SERVICE);
    return true;
}

void app_start_form(app_t *app)
{
    app_form_enter(app, 0);
}

void app_review_edit(app_t *app, int field)
{
    app_form_enter(app, field);
    app->s.from_review = true;
}

void app_dialog_close(app_t *app)
{
    app->dialog = DIALOG_NONE;
    app_changed(app);
}

void app_dialog_leave(app_t *app)
{
    if (app->dialog == DIALOG_HOME)
        app_wipe(app);
}
