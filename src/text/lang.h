/* text/lang.h - the two languages a citizen can choose. */
#ifndef TEXT_LANG_H
#define TEXT_LANG_H

typedef enum { LANG_BN = 0, LANG_EN = 1, LANG_COUNT = 2 } lang_t;

/* "bn" or "en". */
const char *lang_code(lang_t lang);

/* LANG_BN or LANG_EN for "bn"/"en"; -1 for anything else. */
int lang_from_code(const char *code);

#endif
