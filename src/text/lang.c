/* text/lang.c - language codes. */
#include "text/lang.h"

#include <string.h>

const char *lang_code(lang_t lang)
{
    return lang == LANG_EN ? "en" : "bn";
}

int lang_from_code(const char *code)
{
    if (code && strcmp(code, "bn") == 0)
        return LANG_BN;
    if (code && strcmp(code, "en") == 0)
        return LANG_EN;
    return -1;
}
