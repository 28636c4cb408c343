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

/* A view drawing into ui (borrowed). */
void screens_init(view_t *v, ui_t *ui);

/* One event from the platform or the harness, at the app's current time. */
void screens_input(view_t *v, app_t *app, const event_t *ev);

/* Act on a widget id as a tap on it would (the harness and tests press by id). */
void screens_press(view_t *v, app_t *app, const char *id);

/* Rebuild the display list if the app or the view changed; true if it did. */
bool screens_build(view_t *v, const app_t *app);

#endif
