/*
 * app/app.h - the app: the kiosk's model. Its state is in app/state.h; its actions are the
 * functions here and in the headers gathered below (the form, the request, the receipt, the
 * technician). Views read the state through a const pointer and call actions; the shell
 * feeds the clock.
 *
 *   view: event -> app_* action -> state -> view: display list -> renderer
 */
#ifndef APP_APP_H
#define APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/access.h"
#include "app/centre.h"
#include "app/fees.h"
#include "app/form.h"
#include "app/print.h"
#include "app/request.h"
#include "app/search.h"
#include "app/state.h"
#include "app/tech.h"

/* Start in the welcome screen. The app borrows every pointer. */
void app_init(app_t *app, const config_t *cfg, const catalog_t *cat, const i18n_t *i18n,
              fonts_t *fonts, journal_t *journal, int64_t epoch_unix);

/* Someone touched or typed (closes: a finger went down or a key was pressed). Restarts the
 * idle timer. True when the event did nothing else but close the "still there?" question
 * (everything typed is kept): the caller then lets the event go no further. */
bool app_activity(app_t *app, bool closes);

/* Advance the clock to now_ms and run any timer that is due. */
void app_advance(app_t *app, uint64_t now_ms);

/* When the next timer is due (ms on the app clock), or UINT64_MAX when none. */
uint64_t app_next_deadline(const app_t *app);

/* The language toggle (any screen); from the welcome screen it also starts. Typed text
 * stays; a text field's keyboard follows the language chosen. */
void app_set_lang(app_t *app, lang_t lang);

/* Home: straight to the welcome screen, or first "leave?" when something was typed. */
void app_home(app_t *app);

/* Back, as the current screen means it. */
void app_back(app_t *app);

/* The categories screen: a category by index. False when there is none. */
bool app_choose_category(app_t *app, int category);

/* The services screen: a service of the chosen category, by index. False when not. */
bool app_choose_service(app_t *app, int service);

/* The service screen's start: the form's first field. */
void app_start_form(app_t *app);

/* The review: edit one field, then come back to the review. */
void app_review_edit(app_t *app, int field);

/* Dialogs: close the open one (stay, continue, ok), or leave (the "leave?" question's yes). */
void app_dialog_close(app_t *app);
void app_dialog_leave(app_t *app);

#endif
