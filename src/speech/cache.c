/* speech/cache.c - an LRU list of synthesized phrases within a byte budget. A list is enough:
 * a 4 MB budget holds a few hundred short phrases, and one string compare per entry costs
 * microseconds next to the milliseconds of synthesis it saves. */
#include "speech/cache.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *prev, *next; /* prev: more recently used */
    int lang;
    size_t count;
    size_t bytes; /* what this entry counts against the budget */
    int16_t *pcm;
    char text[]; /* NUL-terminated */
} entry_t;

struct speech_cache {
    entry_t *head, *tail; /* head: most recently used */
    size_t budget, bytes, count;
};

speech_cache_t *speech_cache_new(size_t budget)
{
    speech_cache_t *c = calloc(1, sizeof *c);
    if (c)
        c->budget = budget;
    return c;
}

static void unlink_entry(speech_cache_t *c, entry_t *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(speech_cache_t *c, entry_t *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

static void drop(speech_cache_t *c, entry_t *e)
{
    unlink_entry(c, e);
    assert(c->bytes >= e->bytes && c->count > 0);
    c->bytes -= e->bytes;
    c->count--;
    free(e->pcm);
    free(e);
}

void speech_cache_free(speech_cache_t *c)
{
    if (!c)
        return;
    while (c->head)
        drop(c, c->head);
    free(c);
}

static entry_t *find(speech_cache_t *c, int lang, const char *text)
{
    for (entry_t *e = c->head; e; e = e->next)
        if (e->lang == lang && strcmp(e->text, text) == 0)
            return e;
    return NULL;
}

const int16_t *speech_cache_get(speech_cache_t *c, int lang, const char *text, size_t *count)
{
    entry_t *e = find(c, lang, text);
    if (!e)
        return NULL;
    unlink_entry(c, e);
    push_front(c, e);
    *count = e->count;
    return e->pcm;
}

bool speech_cache_put(speech_cache_t *c, int lang, const char *text, const int16_t *pcm,
                      size_t count)
{
    size_t len = strlen(text);
    size_t bytes = sizeof(entry_t) + len + 1 + count * sizeof *pcm;
    if (count == 0 || bytes > c->budget / 4)
        return false;
    entry_t *old = find(c, lang, text);
    if (old)
        drop(c, old);
    entry_t *e = malloc(sizeof *e + len + 1);
    int16_t *copy = malloc(count * sizeof *pcm);
    if (!e || !copy) {
        free(e);
        free(copy);
        return false;
    }
    memcpy(e->text, text, len + 1);
    memcpy(copy, pcm, count * sizeof *pcm);
    e->pcm = copy;
    e->lang = lang;
    e->count = count;
    e->bytes = bytes;
    while (c->tail && c->bytes + bytes > c->budget)
        drop(c, c->tail);
    push_front(c, e);
    c->bytes += bytes;
    c->count++;
    assert(c->bytes <= c->budget);
    return true;
}

size_t speech_cache_bytes(const speech_cache_t *c)
{
    return c->bytes;
}

size_t speech_cache_count(const speech_cache_t *c)
{
    return c->count;
}
