/*
 * text/unicode.h - the Unicode knowledge the kiosk needs: NFC, grapheme clusters that keep
 * Bangla conjuncts whole, and character classes for validators and script runs.
 */
#ifndef TEXT_UNICODE_H
#define TEXT_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Normalize valid UTF-8 s[0..len) to NFC into out: length, or -1 (invalid or too long). */
int unicode_nfc(const char *s, size_t len, char *out, size_t cap);

/* True when s[0..len) is already in NFC. */
bool unicode_is_nfc(const char *s, size_t len);

/*
 * Grapheme clusters (UAX #29 extended clusters, plus rule GB9c of Unicode 15.1 for Bengali,
 * which utf8proc 2.8 (Unicode 15.0) lacks: a consonant, hasanta and consonant stay one
 * cluster, so ক্ষি is one cluster and the caret never lands inside a conjunct).
 * s must be valid UTF-8. next returns the end of the cluster starting at pos (pos < len);
 * prev the start of the cluster ending at pos (pos > 0).
 */
size_t unicode_cluster_next(const char *s, size_t len, size_t pos);
size_t unicode_cluster_prev(const char *s, size_t len, size_t pos);

/* Bengali block U+0980..U+09FF. */
bool unicode_is_bengali(uint32_t cp);

/* A Bengali consonant in the sense of Indic_Conjunct_Break=Consonant. */
bool unicode_is_bengali_consonant(uint32_t cp);

/* Letter (L*) or combining mark (M*) per Unicode general category. */
bool unicode_is_letter_or_mark(uint32_t cp);

/* A decimal digit in Latin (0-9) or Bangla (০-৯): its value, else -1. */
int unicode_digit_value(uint32_t cp);

#endif
