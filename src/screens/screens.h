/*
 * screens/screens.h - the view: events in, the app's actions out, and the display list built
 * from the app's state whenever it changed.
 *
 *   event -> screens_input -> app_* action (the model changes)
 *   app (const) -> screens_build -> display list (ui_t) -> renderer
 *
 * What only the view needs to remember (a finger's press, scrolling, where the caret's text
 * is drawn) is in view_t, never in the app.
 */
#ifndef SCREENS_SCREENS_H
#define SCREENS_SCREENS_H

#include <stdbool.h>

#include "app/state.h"
#include "event/event.h"
#include "screens/view.h"
#include "ui/ui.h"

/* A long hold that is a step of the technician's gesture, never a press. */
#define SCREENS_HOLD_MS   3000
#define SCREENS_CORNER_MM 15.0f

/* How long a newly shown screen, step or dialog ignores touches. */
#define SCREENS_GUARD_MS 500

/* Speech mode: a long press anywhere on the welcome screen (but the technician's corners)
 * starts it; a first touch names a target, a second touch on it within SCREENS_EXPLORE_MS
 * acts (explore by touch, as phone screen readers do). */
#define SCREENS_SPEECH_HOLD_MS 2000
#define SCREENS_EXPLORE_MS     3000

/* Large text: how much larger than the design's sizes. */
#define SCREENS_LARGE_TEXT 1.5f

/* A view drawing into ui (borrowed). Set v->speech (borrowed) for speech mode; without it the
 * speaker button tells the citizen to ask staff. */
void screens_init(view_t *v, ui_t *ui);

/* One event from the platform or the harness, at the app's current time. */
void screens_input(view_t *v, app_t *app, const event_t *ev);

/* Act on a widget id as a tap on it would (the harness and tests press by id). */
void screens_press(view_t *v, app_t *app, const char *id);

/* When a touch will be taken again (app clock): a person waits that long after a screen
 * appears; the harness's "press" does the same. */
uint64_t screens_ready_at(view_t *v, const app_t *app);

/* Rebuild the display list if the app or the view changed; true if it did. */
bool screens_build(view_t *v, const app_t *app);

#endif
