/*
 * speech/cache.h - synthesized speech kept for the phrases said again and again (screen
 * titles, key names, digits), so a repeated phrase starts in milliseconds instead of
 * waiting for eSpeak NG. Least recently used first out, within a byte budget that counts
 * samples, text and bookkeeping. Used by the speech thread only: no lock.
 */
#ifndef SPEECH_CACHE_H
#define SPEECH_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct speech_cache speech_cache_t;

/* An empty cache of at most budget bytes; NULL when out of memory. */
speech_cache_t *speech_cache_new(size_t budget);

void speech_cache_free(speech_cache_t *c);

/* The samples of (lang, text), which become the most recently used; NULL on a miss. The
 * pointer stays valid until the next speech_cache_put. */
const int16_t *speech_cache_get(speech_cache_t *c, int lang, const char *text, size_t *count);

/* Keep a copy of the samples of (lang, text), dropping the least recently used entries to
 * make room. False when the entry is larger than a quarter of the budget (one long text
 * must not empty the cache) or memory is short. */
bool speech_cache_put(speech_cache_t *c, int lang, const char *text, const int16_t *pcm,
                      size_t count);

/* Bytes in use, and the number of entries. */
size_t speech_cache_bytes(const speech_cache_t *c);
size_t speech_cache_count(const speech_cache_t *c);

#endif
