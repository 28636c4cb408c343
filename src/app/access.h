/*
 * app/access.h - what a citizen can ask for to be able to use the kiosk at all: speech mode
 * (the view speaks what is shown and names what a finger touches first), its volume, large
 * text, the high-contrast theme, and more time before the kiosk gives up waiting. Each is a
 * choice of this citizen (session_t's access): it lasts until the citizen is forgotten (the
 * idle wipe, home, finish) and starts from the defaults for the next one.
 */
#ifndef APP_ACCESS_H
#define APP_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/state.h"

#define ACCESS_VOLUME_STEP   10  /* volume:up and volume:down */
#define ACCESS_MORE_TIME_S   120 /* each "more time" adds this much before the next question */
#define ACCESS_MORE_TIME_MAX 3   /* after that, "continue" still keeps the citizen's entries */

/* Speech mode on or off. */
void app_access_speech(app_t *app, bool on);

/* The speech engine could not start on this terminal: the speaker button says so (for staff
 * to act on) instead of doing nothing. */
void app_access_no_speech(app_t *app);

/* The volume up or down by delta, kept within 0..100. */
void app_access_volume(app_t *app, int delta);

/* Large text and the high-contrast theme on or off. */
void app_access_large_text(app_t *app, bool on);
void app_access_contrast(app_t *app, bool on);

/* True when anything differs from the defaults: the welcome screen then times out too, so the
 * next citizen never finds speech mode or large text left on. */
bool app_access_changed(const app_t *app);

/* The idle question's "more time": the question closes and the next one comes
 * ACCESS_MORE_TIME_S later than it would have, up to ACCESS_MORE_TIME_MAX times a session.
 * False when there is no question or no more time to give. */
bool app_more_time(app_t *app);

/* True while "more time" can still be given. */
bool app_more_time_left(const app_t *app);

/* Silence before the idle question (ms): [kiosk] idle_timeout, doubled in speech mode
 * (listening takes longer than reading), plus the more time taken. */
uint64_t app_idle_timeout_ms(const app_t *app);

#endif
