/*
 * screens/pages.h - one file per screen: each builds its widgets from the app's state (a
 * const pointer) and turns the ids pressed on it into the app's actions. screens.c holds the
 * table of them.
 */
#ifndef SCREENS_PAGES_H
#define SCREENS_PAGES_H

#include <stdbool.h>

#include "app/state.h"
#include "screens/view.h"
#include "ui/ui.h"

void screen_welcome_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_welcome_press(view_t *v, app_t *app, const char *id);
void screen_categories_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_categories_press(view_t *v, app_t *app, const char *id);
void screen_services_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_services_press(view_t *v, app_t *app, const char *id);
void screen_service_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_service_press(view_t *v, app_t *app, const char *id);
void screen_form_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_form_press(view_t *v, app_t *app, const char *id);
void screen_review_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_review_press(view_t *v, app_t *app, const char *id);
void screen_done_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_done_press(view_t *v, app_t *app, const char *id);
void screen_tech_pin_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_tech_pin_press(view_t *v, app_t *app, const char *id);
void screen_tech_build(view_t *v, const app_t *app, ui_t *ui);
bool screen_tech_press(view_t *v, app_t *app, const char *id);

/* Where calibration target i (of 3) is drawn on a w x h screen. */
void screen_tech_calibration_target(const ui_t *ui, int i, int *x, int *y);

#endif
