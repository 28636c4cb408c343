/* app/access.c - speech mode, volume, large text, contrast and more time: the citizen's
 * choices, and the idle time they give. */
#include "app/access.h"

#include <stdio.h>

#include "text/i18n.h"

void app_access_speech(app_t *app, bool on)
{
    app->s.access.speech = on;
    app_changed(app);
}

void app_access_no_speech(app_t *app)
{
    snprintf(app->error_msgid, sizeof app->error_msgid, N_("error.speech"));
    app->dialog = DIALOG_ERROR;
    app_changed(app);
}

void app_access_volume(app_t *app, int delta)
{
    int v = app->s.access.volume + delta;
    app->s.access.volume = v < 0 ? 0 : (v > 100 ? 100 : v);
    app_changed(app);
}

void app_access_large_text(app_t *app, bool on)
{
    app->s.access.large_text = on;
    app_changed(app);
}

void app_access_contrast(app_t *app, bool on)
{
    app->s.access.contrast = on;
    app_changed(app);
}

bool app_access_changed(const app_t *app)
{
    const access_t *a = &app->s.access;
    return a->speech || a->large_text || a->contrast || a->more_time > 0 ||
           a->volume != app->cfg->speech_volume;
}

bool app_more_time_left(const app_t *app)
{
    return app->s.access.more_time < ACCESS_MORE_TIME_MAX;
}

bool app_more_time(app_t *app)
{
    if (app->dialog != DIALOG_IDLE || !app_more_time_left(app))
        return false;
    app->s.access.more_time++;
    app->dialog = DIALOG_NONE;
    app->last_input_ms = app->now_ms;
    app_changed(app);
    return true;
}

uint64_t app_idle_timeout_ms(const app_t *app)
{
    uint64_t base = (uint64_t)app->cfg->idle_timeout_s * 1000;
    if (app->s.access.speech)
        base *= 2;
    return base + (uint64_t)app->s.access.more_time * ACCESS_MORE_TIME_S * 1000;
}
