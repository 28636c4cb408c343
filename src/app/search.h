/*
 * app/search.h - finding a service by typing its name (Bangla, English or Banglish, with the
 * misspellings people make), and the categories screen's shortcuts to the services this
 * terminal issues most. Results follow every key; ranking is the catalog's (catalog/search.h)
 * with this terminal's use counts.
 */
#ifndef APP_SEARCH_H
#define APP_SEARCH_H

#include <stdbool.h>

#include "app/state.h"

/* Read the use counts from the journal and pick the shortcuts (at start, after a confirm). */
void app_load_uses(app_t *app);

/* The categories screen's search button: an empty query, the keyboard in the session's
 * script. */
void app_search_open(app_t *app);

/* A key of the search keyboard: "backspace", "left", "right", "shift", "space", "done" (opens
 * the best result), or the text a character key types. The results follow. */
bool app_search_key(app_t *app, const char *key);

/* Switch the search keyboard's script (LANG_BN: Bangla, LANG_EN: Latin). */
void app_search_script(app_t *app, lang_t script);

/* Text from a physical keyboard into the query (development convenience). */
void app_search_type(app_t *app, const char *text);

/* Open a service among the results (back returns to them). False when it is not one. */
bool app_search_choose(app_t *app, int service);

/* Nothing matched: the categories offered instead. False when not on the search screen. */
bool app_search_category(app_t *app, int category);

/* A shortcut of the categories screen (back returns there). False when it is not one. */
bool app_choose_shortcut(app_t *app, int service);

#endif
