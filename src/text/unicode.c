/* text/unicode.c - NFC, grapheme clusters and character classes on top of utf8proc. */
#include "text/unicode.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/utf8.h"

#define HASANTA 0x09CD /* BENGALI SIGN VIRAMA, the conjunct linker */
#define NUKTA   0x09BC
#define ZWJ     0x200D

int unicode_nfc(const char *s, size_t len, char *out, size_t cap)
{
    if (!utf8_valid(s, len, NULL))
        return -1;
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfc,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return -1;
    int rc = -1;
    if ((size_t)n < cap) {
        memcpy(out, nfc, (size_t)n + 1);
        rc = (int)n;
    }
    /* The normalized copy may hold a citizen's name: wipe it before handing it back. */
    memset(nfc, 0, (size_t)n);
    free(nfc);
    return rc;
}

bool unicode_is_nfc(const char *s, size_t len)
{
    char buf[2048];
    if (len >= sizeof buf / 2)
        return false;
    int n = unicode_nfc(s, len, buf, sizeof buf);
    return n >= 0 && (size_t)n == len && memcmp(buf, s, len) == 0;
}

bool unicode_is_bengali(uint32_t cp)
{
    return cp >= 0x0980 && cp <= 0x09FF;
}

bool unicode_is_bengali_consonant(uint32_t cp)
{
    return (cp >= 0x0995 && cp <= 0x09B9) || cp == 0x09DC || cp == 0x09DD || cp == 0x09DF ||
           cp == 0x09F0 || cp == 0x09F1;
}

bool unicode_is_letter_or_mark(uint32_t cp)
{
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return true;
    default:
        return false;
    }
}

int unicode_digit_value(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0x09E6 && cp <= 0x09EF)
        return (int)(cp - 0x09E6);
    return -1;
}

/*
 * State for GB9c: after a consonant we are "in a conjunct"; a hasanta arms the rule; nukta
 * and ZWJ (Indic_Conjunct_Break=Extend) keep the state; anything else resets it.
 */
typedef struct {
    utf8proc_int32_t uax29; /* utf8proc's own state for the other rules */
    bool after_consonant;
    bool linker_seen;
} cluster_state_t;

static void conjunct_update(cluster_state_t *st, uint32_t cp)
{
    if (unicode_is_bengali_consonant(cp)) {
        st->after_consonant = true;
        st->linker_seen = false;
    } else if (cp == HASANTA && st->after_consonant) {
        st->linker_seen = true;
    } else if (cp != NUKTA && cp != ZWJ) {
        st->after_consonant = false;
        st->linker_seen = false;
    }
}

static bool is_break(cluster_state_t *st, uint32_t prev, uint32_t cp)
{
    bool brk =
        utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev, (utf8proc_int32_t)cp, &st->uax29);
    bool joins = st->linker_seen && unicode_is_bengali_consonant(cp);
    conjunct_update(st, cp);
    return brk && !joins;
}

size_t unicode_cluster_next(const char *s, size_t len, size_t pos)
{
    cluster_state_t st = {0};
    uint32_t prev;
    int n = utf8_decode(s + pos, len - pos, &prev);
    if (n < 0)
        return pos + 1;
    conjunct_update(&st, prev);
    size_t i = pos + (size_t)n;
    while (i < len) {
        uint32_t cp;
        n = utf8_decode(s + i, len - i, &cp);
        if (n < 0 || is_break(&st, prev, cp))
            break;
        prev = cp;
        i += (size_t)n;
    }
    return i;
}

size_t unicode_cluster_prev(const char *s, size_t len, size_t pos)
{
    /* Clusters are found forwards only; fields are short, so scanning from 0 is cheap. */
    size_t start = 0;
    while (start < len) {
        size_t end = unicode_cluster_next(s, len, start);
        if (end >= pos)
            return start;
        start = end;
    }
    return start;
}
