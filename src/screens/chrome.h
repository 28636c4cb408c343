/*
 * screens/chrome.h - what surrounds every screen after welcome: the top bar (back, home, the
 * other language), scrollable areas, and the dialogs drawn over a screen (idle, leave?,
 * error).
 */
#ifndef SCREENS_CHROME_H
#define SCREENS_CHROME_H

#include <stdbool.h>

#include "app/state.h"
#include "screens/view.h"
#include "ui/ui.h"
#include "ui/widgets.h"

/* The top bar; returns the body area under it. */
ui_rect_t chrome_top_bar(const app_t *app, ui_t *ui, const char *title);

/* The same, showing back and home as pictograms alone when their labels would leave the title
 * less than room_mm (the search field sits there on a wide panel). */
ui_rect_t chrome_top_bar_room(const app_t *app, ui_t *ui, const char *title, float room_mm);

/* Where chrome_top_bar_room's title goes, between home and the access controls or the
 * language. */
ui_rect_t chrome_title_area(const app_t *app, const ui_t *ui, float room_mm);

/* One of the citizen's access controls ("speech", "repeat", "volume:up", "volume:down",
 * "text:large", "theme:contrast"): its pictogram and label (NULL: the pictogram alone), drawn
 * as off_kind, or as on_kind while the choice is on; it says its name (and state) in speech
 * mode. */
void chrome_access_button(const app_t *app, ui_t *ui, const char *id, ui_rect_t r,
                          const char *label, button_kind_t off_kind, button_kind_t on_kind);

/* A vertically scrollable area: content is laid out from the returned y (already scrolled);
 * end it with the content's total height so the scroll range and scroll bar are known. */
int chrome_scroll_begin(view_t *v, ui_t *ui, ui_rect_t area, ui_rect_t *saved_clip);
void chrome_scroll_end(view_t *v, ui_t *ui, ui_rect_t area, int content_h, ui_rect_t saved_clip);

/* The open dialog, drawn over the screen; and its buttons. */
void chrome_dialog(const app_t *app, ui_t *ui);
bool chrome_dialog_press(app_t *app, const char *id);

#endif
