/* catalog/search.c - phonetic skeletons of names and keywords, and ranked matching. */
#include "catalog/search.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"

/* Code points of a text looked at: a name is at most 120 bytes, a keyword 80; a query is
 * cut here, which still leaves far more letters than a skeleton keeps. */
#define SEARCH_INPUT_MAX 256

/* One name or keyword of a service. */
typedef struct {
    uint64_t starts;  /* bit i: letter i of the skeleton begins a word */
    uint32_t offset;  /* of the skeleton in the pool */
    uint16_t service; /* index into catalog->services */
    uint8_t len;      /* letters */
} entry_t;

struct search_index {
    int entry_count;
    entry_t *entries; /* grouped by service, in catalog order */
    char *pool;       /* skeletons, each NUL-terminated */
    size_t bytes;     /* the whole block */
};

/* ---- skeletons ---- */

/* Bangla U+0980..U+09FF to skeleton letters; 0: dropped (vowels, vowel signs, hasanta,
 * chandrabindu, visarga, nukta, য়). Aspirates and look-alikes share a letter, as people
 * confuse them when they type (and Banglish writes them alike). */
static const char bangla[0x80] = {
    [0x02] = 'n',                                                         /* ং anusvara */
    [0x0B] = 'r',                                                         /* ঋ */
    [0x15] = 'k', [0x16] = 'k', [0x17] = 'g', [0x18] = 'g', [0x19] = 'n', /* ক খ গ ঘ ঙ */
    [0x1A] = 'c', [0x1B] = 'c', [0x1C] = 'j', [0x1D] = 'j', [0x1E] = 'n', /* চ ছ জ ঝ ঞ */
    [0x1F] = 't', [0x20] = 't', [0x21] = 'd', [0x22] = 'd', [0x23] = 'n', /* ট ঠ ড ঢ ণ */
    [0x24] = 't', [0x25] = 't', [0x26] = 'd', [0x27] = 'd', [0x28] = 'n', /* ত থ দ ধ ন */
    [0x2A] = 'p', [0x2B] = 'p', [0x2C] = 'b', [0x2D] = 'b', [0x2E] = 'm', /* প ফ ব ভ ম */
    [0x2F] = 'j', [0x30] = 'r', [0x32] = 'l',                             /* য র ল */
    [0x36] = 's', [0x37] = 's', [0x38] = 's', [0x39] = 'h',               /* শ ষ স হ */
    [0x43] = 'r', [0x44] = 'r',                                           /* ৃ ৄ */
    [0x4E] = 't',                                                         /* ৎ */
    [0x5C] = 'r', [0x5D] = 'r',                                           /* ড় ঢ় */
    [0x60] = 'r',                                                         /* ৠ */
    [0x66] = '0', [0x67] = '1', [0x68] = '2', [0x69] = '3', [0x6A] = '4',
    [0x6B] = '5', [0x6C] = '6', [0x6D] = '7', [0x6E] = '8', [0x6F] = '9',
};

#define BN_HASANTA 0x09CD
#define BN_NUKTA   0x09BC
#define BN_JA      0x099C
#define BN_NYA     0x099E
#define BN_DDA     0x09A1
#define BN_DDHA    0x09A2
#define BN_BA      0x09AC
#define BN_MA      0x09AE
#define BN_YA      0x09AF
#define BN_KA      0x0995
#define BN_SSA     0x09B7

typedef struct {
    char *out;
    int len;
    uint64_t starts;
    bool new_word;     /* the next letter begins a word */
    bool in_word;      /* a letter (even a dropped vowel) of this word was seen */
    uint32_t prev;     /* the previous code point */
    uint32_t prev_con; /* the last Bangla consonant */
} skel_t;

static void emit(skel_t *k, char ch)
{
    if (k->len >= SEARCH_SKELETON_MAX)
        return;
    /* A doubled letter counts once ("passport", ক্ক), but never across words: the next
     * word's first letter must stay to be found as a word start. */
    if (!k->new_word && k->len > 0 && k->out[k->len - 1] == ch)
        return;
    if (k->new_word)
        k->starts |= 1ULL << k->len;
    k->new_word = false;
    k->out[k->len++] = ch;
}

/* The letter of a Bangla code point, or 0 to drop it; a few conjuncts read differently. */
static char bangla_letter(skel_t *k, uint32_t cp, uint32_t next)
{
    bool after_hasanta = k->prev == BN_HASANTA;
    if ((cp == BN_DDA || cp == BN_DDHA) && next == BN_NUKTA)
        return 'r'; /* ড় ঢ় written as ড/ঢ + nukta (NFC keeps them so) */
    if (cp == BN_YA && (next == BN_NUKTA || after_hasanta))
        return 0; /* য় is a vowel glide; ya-phala only lengthens the consonant */
    if (cp == BN_BA && after_hasanta && k->prev_con != BN_MA)
        return 0; /* ba-phala is silent ("বিশ্বাস"), except after ম ("অম্বর") */
    if (cp == BN_SSA && after_hasanta && k->prev_con == BN_KA)
        return 0; /* ক্ষ reads "kkh": Banglish "shikkha" for শিক্ষা */
    if (cp == BN_NYA && after_hasanta && k->prev_con == BN_JA) {
        if (k->len > 0)
            k->out[k->len - 1] = 'g'; /* জ্ঞ reads "gg": Banglish "biggan" for বিজ্ঞান */
        return 0;
    }
    return bangla[cp - 0x0980];
}

static bool is_vowel(char ch)
{
    return strchr("aeiouyw", ch) != NULL;
}

/* Lower-case ASCII letter or 0. */
static char ascii_letter(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return (char)(cp - 'A' + 'a');
    return cp >= 'a' && cp <= 'z' ? (char)cp : 0;
}

/* One Latin letter (English or Banglish) at cps[i]: letters emitted, and how many code
 * points it used (2 for a digraph such as "kh", "sh", "ng"). */
static int latin(skel_t *k, char ch, char next)
{
    /* A word's first w is kept ("widow", "water", "warish": keywords carry the Banglish), a
     * later one is a glide like য় ("howa"). */
    if (ch == 'w' && !k->in_word) {
        emit(k, 'w');
        return 1;
    }
    if (is_vowel(ch))
        return 1;
    if (next == 'h' && strchr("kgcjtdpbsrz", ch)) {
        emit(k, ch == 'z' ? 'j' : ch); /* aspirates and "sh", "ch" fold to the plain letter */
        return 2;
    }
    switch (ch) {
    case 'c':
        emit(k, next == 'e' || next == 'i' || next == 'y' ? 's' : 'k');
        return 1;
    case 'n':
        emit(k, 'n');
        return next == 'g' ? 2 : 1; /* "ng" is ং or ঙ */
    case 'x':
        emit(k, 'k');
        emit(k, 's');
        return 1;
    case 'q':
        emit(k, 'k');
        return 1;
    case 'z':
        emit(k, 'j');
        return 1;
    case 'f':
        emit(k, 'p');
        return 1;
    case 'v':
        emit(k, 'b');
        return 1;
    default:
        emit(k, ch);
        return 1;
    }
}

/* Decode text into at most SEARCH_INPUT_MAX code points; invalid bytes become spaces. */
static int decode(const char *text, uint32_t *cps)
{
    size_t len = strlen(text);
    int n = 0;
    for (size_t i = 0; i < len && n < SEARCH_INPUT_MAX;) {
        uint32_t cp;
        int used = utf8_decode(text + i, len - i, &cp);
        if (used <= 0) {
            cp = ' ';
            used = 1;
        }
        cps[n++] = cp;
        i += (size_t)used;
    }
    return n;
}

int search_skeleton(const char *text, char out[SEARCH_SKELETON_MAX + 1], uint64_t *word_starts)
{
    uint32_t cps[SEARCH_INPUT_MAX];
    int n = decode(text, cps);
    skel_t k = {.out = out, .new_word = true};
    for (int i = 0; i < n;) {
        uint32_t cp = cps[i], next = i + 1 < n ? cps[i + 1] : 0;
        int used = 1;
        if (cp >= 0x0980 && cp < 0x09F2) { /* letters, signs and digits; ৳ and after are not */
            char ch = bangla_letter(&k, cp, next);
            if (ch)
                emit(&k, ch);
            if (cp >= 0x0995 && cp <= 0x09B9)
                k.prev_con = cp;
            k.in_word = true;
        } else if (ascii_letter(cp)) {
            used = latin(&k, ascii_letter(cp), ascii_letter(next));
            k.in_word = true;
        } else if (cp >= '0' && cp <= '9') {
            emit(&k, (char)cp);
            k.in_word = true;
        } else if (cp != 0x200C && cp != 0x200D) {
            k.new_word = true; /* space, punctuation, another script: a word ends */
            k.in_word = false;
        }
        k.prev = cps[i + used - 1];
        i += used;
    }
    out[k.len] = '\0';
    if (word_starts)
        *word_starts = k.starts;
    return k.len;
}

/* ---- the index ---- */

/* The texts of service s that are searched: both names, then every keyword. */
static int service_texts(const catalog_service_t *s, const char **texts)
{
    int n = 0;
    texts[n++] = s->name.s[LANG_BN];
    texts[n++] = s->name.s[LANG_EN];
    for (int i = 0; i < s->keyword_count; i++)
        texts[n++] = s->keywords[i];
    return n;
}

/* The distinct non-empty skeletons of service s (a keyword "porcha" and "পর্চা" are one). */
static int service_skeletons(const catalog_service_t *s, char skel[][SEARCH_SKELETON_MAX + 1],
                             uint64_t *starts)
{
    const char *texts[2 + CATALOG_MAX_KEYWORDS];
    int count = 0, n = service_texts(s, texts);
    for (int i = 0; i < n; i++) {
        uint64_t st;
        if (search_skeleton(texts[i], skel[count], &st) == 0)
            continue;
        bool seen = false;
        for (int j = 0; j < count && !seen; j++)
            seen = strcmp(skel[j], skel[count]) == 0 && starts[j] == st;
        if (!seen)
            starts[count++] = st;
    }
    return count;
}

search_index_t *search_build(const catalog_t *c)
{
    static_assert(CATALOG_MAX_SERVICES <= UINT16_MAX, "service index fits entry_t");
    char skel[2 + CATALOG_MAX_KEYWORDS][SEARCH_SKELETON_MAX + 1];
    uint64_t starts[2 + CATALOG_MAX_KEYWORDS];
    size_t entries = 0, pool = 0;
    for (int i = 0; i < c->service_count; i++) {
        int n = service_skeletons(&c->services[i], skel, starts);
        entries += (size_t)n;
        for (int j = 0; j < n; j++)
            pool += strlen(skel[j]) + 1;
    }
    /* One block: the header, the entries, the pool. */
    size_t bytes = sizeof(search_index_t) + entries * sizeof(entry_t) + pool;
    search_index_t *ix = malloc(bytes);
    if (!ix)
        return NULL;
    ix->entries = (entry_t *)(ix + 1);
    ix->pool = (char *)(ix->entries + entries);
    ix->entry_count = 0;
    ix->bytes = bytes;
    size_t used = 0;
    for (int i = 0; i < c->service_count; i++) {
        int n = service_skeletons(&c->services[i], skel, starts);
        for (int j = 0; j < n; j++) {
            size_t len = strlen(skel[j]);
            ix->entries[ix->entry_count++] = (entry_t){.starts = starts[j],
                                                       .offset = (uint32_t)used,
                                                       .service = (uint16_t)i,
                                                       .len = (uint8_t)len};
            memcpy(ix->pool + used, skel[j], len + 1);
            used += len + 1;
        }
    }
    assert(used == pool && (size_t)ix->entry_count == entries);
    return ix;
}

void search_free(search_index_t *ix)
{
    free(ix);
}

size_t search_index_bytes(const search_index_t *ix)
{
    return ix ? ix->bytes : 0;
}

/* ---- matching ---- */

/* Edits a query may need: none up to 3 letters (a short skeleton matches too much already),
 * 1 from 4, 2 from 7. */
static int edits_allowed(int m)
{
    return m >= 7 ? 2 : m >= 4 ? 1 : 0;
}

/* SEARCH_WORDS when q starts at a word of t and ends where a word ends, SEARCH_PREFIX when it
 * starts at a word but ends inside one, else 0. */
static int prefix_at_word(const char *q, int m, const char *t, int n, uint64_t starts)
{
    int best = 0;
    for (int s = 0; s + m <= n && best < SEARCH_WORDS; s++) {
        if (!(starts >> s & 1) || memcmp(t + s, q, (size_t)m) != 0)
            continue;
        bool word_end = s + m == n || (starts >> (s + m) & 1);
        best = word_end ? SEARCH_WORDS : SEARCH_PREFIX;
    }
    return best;
}

/*
 * The fewest edits turning q into the beginning of t from one of its word starts (free
 * start at a word, free end), or k + 1 when more than k. Dynamic programming over q's
 * letters with a row per letter, given up as soon as a whole row exceeds k.
 */
static int edits_from_word(const char *q, int m, const char *t, int n, uint64_t starts, int k)
{
    uint8_t a[SEARCH_SKELETON_MAX + 1], b[SEARCH_SKELETON_MAX + 1];
    uint8_t *row = a, *next = b;
    /* Row 0: nothing of q used yet; skipping text letters after a word start costs one each. */
    for (int j = 0; j <= n; j++)
        row[j] = (uint8_t)((starts >> j & 1) && j < n ? 0 : j ? row[j - 1] + 1 : 1);
    for (int i = 1; i <= m; i++) {
        next[0] = (uint8_t)i;
        int low = next[0];
        for (int j = 1; j <= n; j++) {
            int v = row[j - 1] + (q[i - 1] != t[j - 1]);
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (next[j - 1] + 1 < v)
                v = next[j - 1] + 1;
            next[j] = (uint8_t)v;
            if (v < low)
                low = v;
        }
        if (low > k)
            return k + 1;
        uint8_t *swap = row;
        row = next;
        next = swap;
    }
    int best = k + 1;
    for (int j = 0; j <= n; j++)
        if (row[j] < best)
            best = row[j];
    return best;
}

/* The score of one entry for the query, or 0 when it does not match. */
static int entry_score(const search_index_t *ix, const entry_t *e, const char *q, int m, int k)
{
    const char *t = ix->pool + e->offset;
    if (e->len == m && memcmp(t, q, (size_t)m) == 0)
        return SEARCH_EXACT;
    int prefix = prefix_at_word(q, m, t, e->len, e->starts);
    if (prefix)
        return prefix;
    if (k == 0)
        return 0;
    int d = edits_from_word(q, m, t, e->len, e->starts, k);
    return d <= k ? SEARCH_FUZZY - d * SEARCH_EDIT_COST : 0;
}

static int use_of(const int *uses, int service)
{
    return uses ? uses[service] : 0;
}

/* a ranks before b: higher score, then more uses, then earlier in the catalog. */
static bool ranks_before(const search_hit_t *a, const search_hit_t *b, const int *uses)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (use_of(uses, a->service) != use_of(uses, b->service))
        return use_of(uses, a->service) > use_of(uses, b->service);
    return a->service < b->service;
}

/* Keep the best max hits in order: insert h unless it ranks below all of a full list. */
static int insert_hit(search_hit_t *hits, int count, int max, search_hit_t h, const int *uses)
{
    if (count == max && !ranks_before(&h, &hits[max - 1], uses))
        return count;
    int i = count < max ? count++ : max - 1;
    for (; i > 0 && ranks_before(&h, &hits[i - 1], uses); i--)
        hits[i] = hits[i - 1];
    hits[i] = h;
    return count;
}

int catalog_search(const catalog_t *c, const char *query, const int *uses, search_hit_t *hits,
                   int max)
{
    const search_index_t *ix = c ? c->search : NULL;
    char q[SEARCH_SKELETON_MAX + 1];
    if (!ix || !query || max <= 0)
        return 0;
    int m = search_skeleton(query, q, NULL), k = edits_allowed(m), count = 0;
    if (m == 0)
        return 0;
    for (int i = 0; i < ix->entry_count;) {
        int service = ix->entries[i].service, best = 0;
        for (; i < ix->entry_count && ix->entries[i].service == service; i++) {
            if (best == SEARCH_EXACT)
                continue; /* nothing ranks higher: skip the rest of this service */
            int s = entry_score(ix, &ix->entries[i], q, m, k);
            if (s > best)
                best = s;
        }
        if (best > 0)
            count = insert_hit(hits, count, max, (search_hit_t){service, best}, uses);
    }
    return count;
}

int catalog_most_used(const catalog_t *c, const int *uses, int *services, int max)
{
    search_hit_t hits[CATALOG_MAX_SERVICES] = {
        {0, 0}}; /* all set before read; the analyzer cannot tell */
    int count = 0;
    if (!uses || max <= 0)
        return 0;
    if (max > CATALOG_MAX_SERVICES)
        max = CATALOG_MAX_SERVICES;
    for (int i = 0; i < c->service_count; i++)
        if (uses[i] > 0)
            count = insert_hit(hits, count, max, (search_hit_t){i, 0}, uses);
    for (int i = 0; i < count; i++)
        services[i] = hits[i].service;
    return count;
}
