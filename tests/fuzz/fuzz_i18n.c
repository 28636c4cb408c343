/*
 * tests/fuzz/fuzz_i18n.c - fuzz target for the translations (i18n_parse of both languages,
 * then i18n_check): PO files come from translators' tools and from Weblate.
 *
 * Input: the Bangla file, a NUL byte, the English file. Without a NUL both languages get the
 * whole input (a PO file never holds a NUL, so nothing a real file can say is lost).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/i18n.h"

/* An exact-size copy: the parser is given a length, not a C string, so any read past the
 * end must land outside the allocation for ASan to see it (libFuzzer's buffer would hide
 * it for the first part, which the NUL separator follows). */
static char *copy(const uint8_t *p, size_t n)
{
    char *c = malloc(n ? n : 1);
    if (!c)
        abort();
    if (n)
        memcpy(c, p, n);
    return c;
}

/* Use a loaded table the way the screens do: look a string up and fill its placeholders. */
static void use(const i18n_t *t)
{
    static const char *const args[9] = {"১", "22", "",   "a longer argument", "5", "6",
                                        "7", "8",  "{1}"};
    char small[8], big[4096];
    for (int l = 0; l < LANG_COUNT; l++) {
        const char *s = i18n_get(t, (lang_t)l, "welcome.title");
        if (!s)
            abort(); /* never NULL: the msgid itself when missing */
        i18n_format(s, args, 9, small, sizeof small);
        i18n_format(s, args, 9, big, sizeof big);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t bn_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *en = nul ? nul + 1 : data;
    size_t en_len = nul ? size - bn_len - 1 : size;
    char *text[LANG_COUNT] = {copy(data, bn_len), copy(en, en_len)};
    size_t len[LANG_COUNT] = {bn_len, en_len};
    const char *names[LANG_COUNT] = {"bn.po", "en.po"};
    i18n_t *t = i18n_new();
    if (!t)
        abort();
    char err[512] = "";
    int rc = 0;
    for (int l = 0; l < LANG_COUNT && rc == 0; l++)
        rc = i18n_parse(t, (lang_t)l, names[l], text[l], len[l], err, sizeof err);
    if (rc == 0 && i18n_check(t, names, err, sizeof err) == 0)
        use(t);
    else if (strncmp(err, "bn.po", 5) != 0 && strncmp(err, "en.po", 5) != 0)
        abort(); /* every error names a file */
    i18n_free(t);
    free(text[0]);
    free(text[1]);
    return 0;
}
