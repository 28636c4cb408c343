/*
 * screens/screens.h - one file per screen; each builds its widgets from app state and acts
 * on the ids pressed on it. Shared chrome (top bar with back, home and language) and the
 * dialogs live in chrome.c.
 */
#ifndef SCREENS_SCREENS_H
#define SCREENS_SCREENS_H

#include <stdbool.h>

#include "app/app.h"

/* Build the current screen and any dialog into app->ui. */
void screens_build(app_t *app);

/* Act on an id pressed on the current screen; false when the screen does not know it. */
bool screens_press(app_t *app, const char *id);

/* Text from a physical keyboard into the focused field (development convenience). */
void screens_type_text(app_t *app, const char *text);

/* Switch screens (resets the pressed state and marks the app dirty). */
void screens_go(app_t *app, screen_t to);

/* Per-screen entry points, used by screens.c's table. */
void screen_welcome_build(app_t *app, ui_t *ui);
bool screen_welcome_press(app_t *app, const char *id);
void screen_categories_build(app_t *app, ui_t *ui);
bool screen_categories_press(app_t *app, const char *id);
void screen_services_build(app_t *app, ui_t *ui);
bool screen_services_press(app_t *app, const char *id);
void screen_service_build(app_t *app, ui_t *ui);
bool screen_service_press(app_t *app, const char *id);
void screen_form_build(app_t *app, ui_t *ui);
bool screen_form_press(app_t *app, const char *id);
void screen_form_type(app_t *app, const char *text);
void screen_form_enter(app_t *app, int field);
void screen_review_build(app_t *app, ui_t *ui);
bool screen_review_press(app_t *app, const char *id);
void screen_done_build(app_t *app, ui_t *ui);
bool screen_done_press(app_t *app, const char *id);
void screen_tech_pin_build(app_t *app, ui_t *ui);
bool screen_tech_pin_press(app_t *app, const char *id);
void screen_tech_build(app_t *app, ui_t *ui);
bool screen_tech_press(app_t *app, const char *id);

/* Chrome shared by every screen after welcome: the top bar; returns the body area. */
ui_rect_t chrome_top_bar(app_t *app, ui_t *ui, const char *title);

/* A vertically scrollable area: content is laid out from the returned y (already scrolled);
 * end it with the content's total height so the scroll range and scroll bar are known. */
int chrome_scroll_begin(app_t *app, ui_t *ui, ui_rect_t area, ui_rect_t *saved_clip);
void chrome_scroll_end(app_t *app, ui_t *ui, ui_rect_t area, int content_h, ui_rect_t saved_clip);

/* The dialogs (idle, leave?, error), drawn over the screen. */
void chrome_dialog(app_t *app, ui_t *ui);
bool chrome_dialog_press(app_t *app, const char *id);

/* A value as the citizen should read it back (localized digits, dates, option labels). */
void screens_display_value(const app_t *app, const catalog_field_t *f, const char *value, char *out,
                           size_t cap);

/* A fee as shown: "৳ ৫০", or "free" in the session's language. */
void screens_format_fee(const app_t *app, long long fee, char *out, size_t cap);

/* Standard spacing in design millimetres. */
#define PAD_MM 3.0f

#endif
