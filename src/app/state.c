/* app/state.c - what every part of the app shares: the clock, translations, navigation and
 * forgetting the citizen. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "app/state.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static const char *const screen_ids[SCREEN_COUNT] = {
    "screen:welcome", "screen:categories", "screen:search", "screen:services", "screen:service",
    "screen:form",    "screen:review",     "screen:done",   "screen:tech-pin", "screen:tech",
};

const char *app_screen_id(screen_t s)
{
    return (unsigned)s < SCREEN_COUNT ? screen_ids[s] : "screen:?";
}

void app_changed(app_t *app)
{
    app->changes++;
}

int64_t app_unix_now(const app_t *app)
{
    return app->epoch_unix + (int64_t)(app->now_ms / 1000);
}

const char *app_tr(const app_t *app, const char *msgid)
{
    return i18n_get(app->i18n, app->lang, msgid);
}

void app_go(app_t *app, screen_t to)
{
    assert((unsigned)to < SCREEN_COUNT);
    app->screen = to;
    app->visits++;
    app->changes++;
}

static void session_reset(session_t *s)
{
    explicit_bzero(s, sizeof *s);
    s->category = -1;
    s->service = -1;
    s->form_service = -1;
    s->service_from = SCREEN_SERVICES;
    s->ahead = s->ahead_minutes = -1;
}

void app_wipe(app_t *app)
{
    session_reset(&app->s);
    app->s.access.volume = app->cfg->speech_volume;
    app->lang = app->cfg->language;
    app->dialog = DIALOG_NONE;
    app->wipes++;
    app_go(app, SCREEN_WELCOME);
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

const catalog_service_t *app_service(const app_t *app)
{
    assert(app->s.service >= 0 && app->s.service < app->catalog->service_count);
    return &app->catalog->services[app->s.service];
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
