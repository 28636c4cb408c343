/*
 * catalog/search.h - finding a service by typing: Bangla with missing or wrong vowel signs
 * and hasanta, English, Banglish ("jonmo nibondhon", "porcha") and the catalog's keywords.
 *
 * Every name and keyword, and the query, become a phonetic skeleton in Latin letters: the
 * consonants only (vowels, vowel signs, hasanta, ya-phala and chandrabindu dropped), with
 * aspirates and look-alike consonants folded (খ→k, থ/ট/ত→t, শ/ষ/স→s, জ/য/z→j, ফ/f→p,
 * ভ/v→b, ং/ঙ/ণ→n), Banglish digraphs folded the same way ("kh", "th", "sh", "ng"), English
 * c read as s before e/i/y, doubled letters once, spaces ignored. "জন্ম নিবন্ধন",
 * "জনম নিবনধন", "jonmo nibondhon" and "jnmo nibondon" all become "jnmnbndn".
 *
 * A service matches when the query's skeleton equals a whole name or keyword (exact), starts
 * at one of its words (prefix: whole words before a word cut short), or is within a small edit
 * distance of such a start (fuzzy: 1 edit from 4 letters, 2 from 7). Hits are ranked
 * exact > prefix > fuzzy (fewer edits first), then by how often this terminal issued the
 * service, then by catalog order.
 *
 * The index is built when the catalog loads (catalog_parse calls search_build) and lives in
 * one block owned by the catalog; a query allocates nothing.
 */
#ifndef CATALOG_SEARCH_H
#define CATALOG_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"

/* Longest skeleton kept, in letters: longer names are matched on their first 63. */
#define SEARCH_SKELETON_MAX 63

/* Scores: a hit's tier; fuzzy hits lose SEARCH_EDIT_COST per edit. A prefix that ends where
 * a word ends ("ওয়ারিশ" in "ওয়ারিশ সনদ") says more than one ending inside a word. */
#define SEARCH_EXACT     300
#define SEARCH_WORDS     250
#define SEARCH_PREFIX    200
#define SEARCH_FUZZY     100
#define SEARCH_EDIT_COST 10

typedef struct search_index search_index_t;

typedef struct {
    int service; /* index into catalog->services */
    int score;   /* SEARCH_EXACT, _WORDS, _PREFIX, or SEARCH_FUZZY - edits * SEARCH_EDIT_COST */
} search_hit_t;

/* The index of c's names and keywords, or NULL when out of memory. */
search_index_t *search_build(const catalog_t *c);
void search_free(search_index_t *ix);

/* Bytes the index holds (for make bench). */
size_t search_index_bytes(const search_index_t *ix);

/*
 * The services matching query, best first: count (at most max). uses[i] is how often
 * service i was issued here (the journal's counts), or NULL. 0 hits, also for a query with
 * no letters, is the caller's cue to offer the categories instead.
 */
int catalog_search(const catalog_t *c, const char *query, const int *uses, search_hit_t *hits,
                   int max);

/* The services issued at least once, most used first (ties in catalog order): count. */
int catalog_most_used(const catalog_t *c, const int *uses, int *services, int max);

/*
 * The skeleton of text (NUL-terminated, at most SEARCH_SKELETON_MAX letters), and in
 * *word_starts bit i set when letter i begins a word (may be NULL). Its length.
 */
int search_skeleton(const char *text, char out[SEARCH_SKELETON_MAX + 1], uint64_t *word_starts);

#endif
