/*
 * speech/clips.h - a centre's recorded clips (assets/voice/<lang>/<key>.wav and
 * assets/voice/chime.wav), read and checked all at once when the engine opens, so a bad or
 * misnamed file is found at start-up, not when a citizen is listening. In memory at
 * SPEECH_RATE, at most SPEECH_CLIPS_MAX_BYTES in all.
 */
#ifndef SPEECH_CLIPS_H
#define SPEECH_CLIPS_H

#include <stddef.h>
#include <stdint.h>

#include "text/lang.h"

#define SPEECH_CLIPS_MAX_BYTES (32u << 20)

typedef struct speech_clips speech_clips_t;

/* Read every clip under dir (a missing dir or language folder holds no clips). Files in the
 * language folders that do not end in .wav are ignored (.gitkeep); a .wav whose name is not
 * a documented key, or that is not 16-bit mono PCM at an accepted rate, is an error naming
 * the file. 0 with *out (free it), or -1 with err. */
int speech_clips_load(const char *dir, speech_clips_t **out, char *err, size_t errcap);

void speech_clips_free(speech_clips_t *c);

/* The clip of key in lang, NULL when there is none. The chime is under key "chime" in
 * every language. */
const int16_t *speech_clips_get(const speech_clips_t *c, lang_t lang, const char *key,
                                size_t *count);

/* Bytes of sound held. */
size_t speech_clips_bytes(const speech_clips_t *c);

#endif
