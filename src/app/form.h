/*
 * app/form.h - the citizen's form: one field at a time, typed on an on-screen keyboard, each
 * validated before the next (inline errors in the session's language).
 */
#ifndef APP_FORM_H
#define APP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "app/state.h"

/* Open the form at a field (0: the first). A form for another service than the one typed
 * for starts empty. */
void app_form_enter(app_t *app, int field);

/* An on-screen key: "backspace", "left", "right", "shift", "done", "space", or the text a
 * character key types. False when the focused field takes no keys (a choice). */
bool app_form_key(app_t *app, const char *key);

/* Switch text fields' keyboard to a script (LANG_BN: Bangla, LANG_EN: Latin). */
void app_form_script(app_t *app, lang_t script);

/* Choose an option of a choice field. False when the focused field is not a choice. */
bool app_form_choose(app_t *app, const char *value);

/* Validate the focused field; on success move on (to the review after the last one). */
void app_form_next(app_t *app);

/* The previous field, the review (when editing from it) or the service. */
void app_form_back(app_t *app);

/* Put the caret at a byte offset of the focused field's text (a cluster boundary, or it is
 * refused: a conjunct is never split). */
void app_form_set_caret(app_t *app, size_t offset);

/* Text from a physical keyboard into the focused field (development convenience). */
void app_form_type(app_t *app, const char *text);

/* Replace the focused field's text, as if typed (the monkey's shortcut). */
void app_form_set_text(app_t *app, const char *text);

/* The focused field (the form must be open). */
const catalog_field_t *app_form_field(const app_t *app);

#endif
