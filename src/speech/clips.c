/* speech/clips.c - loading and looking up recorded clips. */
#define _POSIX_C_SOURCE 200809L
#include "speech/clips.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speech/phrase.h"
#include "speech/wav.h"

typedef struct {
    int lang; /* a lang_t, or -1 for the chime (every language) */
    char key[SPEECH_KEY_MAX];
    int16_t *pcm;
    size_t count;
} clip_t;

struct speech_clips {
    clip_t *items;
    size_t count, cap;
    size_t bytes;
};

void speech_clips_free(speech_clips_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        free(c->items[i].pcm);
    free(c->items);
    free(c);
}

static int add(speech_clips_t *c, int lang, const char *key, const char *path, char *err,
               size_t errcap)
{
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        clip_t *items = realloc(c->items, cap * sizeof *items);
        if (!items) {
            snprintf(err, errcap, "%s: out of memory", path);
            return -1;
        }
        c->items = items;
        c->cap = cap;
    }
    clip_t *k = &c->items[c->count];
    if (speech_wav_load(path, &k->pcm, &k->count, err, errcap) < 0)
        return -1;
    c->count++;
    k->lang = lang;
    snprintf(k->key, sizeof k->key, "%s", key);
    c->bytes += k->count * sizeof *k->pcm;
    if (c->bytes > SPEECH_CLIPS_MAX_BYTES) {
        snprintf(err, errcap, "%s: the clips pass %u MB of sound; clips are words, not recordings",
                 path, SPEECH_CLIPS_MAX_BYTES >> 20);
        return -1;
    }
    return 0;
}

/* Whether name ends in .wav, and its key ("digit-1.wav" -> "digit-1"; "" when too long). */
static bool wav_key(const char *name, char *key, size_t cap)
{
    size_t n = strlen(name);
    if (n < 4 || strcmp(name + n - 4, ".wav") != 0)
        return false;
    key[0] = '\0';
    if (n - 4 < cap) {
        memcpy(key, name, n - 4);
        key[n - 4] = '\0';
    }
    return true;
}

static int load_lang(speech_clips_t *c, const char *dir, lang_t lang, char *err, size_t errcap)
{
    char folder[1024], path[1400];
    snprintf(folder, sizeof folder, "%s/%s", dir, lang_code(lang));
    DIR *d = opendir(folder);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errcap, "%s: cannot read the folder: %s", folder, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        char key[SPEECH_KEY_MAX];
        if (!wav_key(e->d_name, key, sizeof key))
            continue;
        snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
        if (!key[0] || strcmp(key, "chime") == 0 || !speech_clip_key_known(key)) {
            snprintf(err, errcap,
                     "%s: \"%.*s\" is not a clip key (assets/voice/README.md lists them; the "
                     "chime goes in the clips folder itself)",
                     path, (int)(strlen(e->d_name) - 4), e->d_name);
            rc = -1;
            break;
        }
        rc = add(c, (int)lang, key, path, err, errcap);
    }
    closedir(d);
    return rc;
}

int speech_clips_load(const char *dir, speech_clips_t **out, char *err, size_t errcap)
{
    speech_clips_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    *out = NULL;
    if (dir && dir[0]) {
        char chime[1024];
        snprintf(chime, sizeof chime, "%s/chime.wav", dir);
        FILE *f = fopen(chime, "rb");
        int rc = 0;
        if (f) {
            fclose(f);
            rc = add(c, -1, "chime", chime, err, errcap);
        }
        for (int l = 0; rc == 0 && l < LANG_COUNT; l++)
            rc = load_lang(c, dir, (lang_t)l, err, errcap);
        if (rc < 0) {
            speech_clips_free(c);
            return -1;
        }
    }
    *out = c;
    return 0;
}

const int16_t *speech_clips_get(const speech_clips_t *c, lang_t lang, const char *key,
                                size_t *count)
{
    for (size_t i = 0; i < c->count; i++) {
        const clip_t *k = &c->items[i];
        if ((k->lang == (int)lang || k->lang == -1) && strcmp(k->key, key) == 0) {
            *count = k->count;
            return k->pcm;
        }
    }
    return NULL;
}

size_t speech_clips_bytes(const speech_clips_t *c)
{
    return c->bytes;
}
