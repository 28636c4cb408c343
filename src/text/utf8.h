/*
 * text/utf8.h - UTF-8 the strict way: every byte sequence that reaches a citizen's field,
 * the catalog or a translation is checked, so no half sequence can be stored or drawn.
 */
#ifndef TEXT_UTF8_H
#define TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the code point at s[0..len): bytes used (1..4), or -1 for an invalid, overlong,
 * surrogate or truncated sequence. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp into out (4 bytes room): bytes written, or 0 for an invalid code point. */
int utf8_encode(uint32_t cp, char out[4]);

/* True when s[0..len) is entirely valid UTF-8. When not, *bad_at (if given) is the byte
 * offset of the first bad sequence. */
bool utf8_valid(const char *s, size_t len, size_t *bad_at);

/* The start of the code point that ends at pos (pos > 0, s valid UTF-8). */
size_t utf8_prev(const char *s, size_t pos);

/* Number of code points in valid UTF-8 s[0..len). */
size_t utf8_count(const char *s, size_t len);

#endif
