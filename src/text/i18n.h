/*
 * text/i18n.h - every string the kiosk shows, in Bangla and English, from gettext PO files
 * (assets/i18n/bn.po and en.po) that translators edit with their usual tools (Poedit,
 * Weblate, msgfmt). msgids are stable keys such as "welcome.title"; placeholders are {1}..{9}.
 *
 * Loading is strict: a syntax error, invalid UTF-8, a duplicate, a string present in one
 * language but missing, empty or fuzzy in the other, or placeholders that differ between
 * the two are all errors naming the file and line. A kiosk never shows half a language.
 */
#ifndef TEXT_I18N_H
#define TEXT_I18N_H

#include <stddef.h>

#include "text/lang.h"

/* Marks a msgid that is looked up later, so xgettext and the completeness test see it. */
#define N_(msgid) msgid

typedef struct i18n i18n_t;

/* Load dir/bn.po and dir/en.po. NULL with "FILE:LINE: ..." in err on any problem. */
i18n_t *i18n_load(const char *dir, char *err, size_t errcap);

/* Parse one PO buffer into lang (name is used in messages); 0 or -1 with err. Exposed for
 * tests and fuzzing; i18n_load uses it. */
int i18n_parse(i18n_t *t, lang_t lang, const char *name, const char *text, size_t len, char *err,
               size_t errcap);

/* An empty table, for i18n_parse. */
i18n_t *i18n_new(void);

/* After parsing both languages: check they hold the same strings. 0 or -1 with err. */
int i18n_check(const i18n_t *t, const char *names[LANG_COUNT], char *err, size_t errcap);

void i18n_free(i18n_t *t);

/* The string for msgid in lang; the msgid itself when missing, so a gap is visible. */
const char *i18n_get(const i18n_t *t, lang_t lang, const char *msgid);

/* Number of strings loaded. */
int i18n_count(const i18n_t *t);

/* Replace {1}..{9} in tmpl by args[0..n-1]: length, or -1 when out is too small. */
int i18n_format(const char *tmpl, const char *const *args, int n, char *out, size_t cap);

#endif
