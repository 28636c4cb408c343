/*
 * speech/phrase.h - what the kiosk and the queue board say, built as lists of parts. Each
 * part has a clip key (a recorded clip assets/voice/<lang>/<key>.wav may replace it, see
 * assets/voice/README.md) and its text in the phrase's language. Pure functions: no engine,
 * no allocation, so the tables are tested on their own.
 *
 *   token "B-012", Bangla:  টোকেন নম্বর বি শূন্য এক দুই          (phrase-token letter-b digit-0 ...)
 *   board call, English:    Token B zero one two, counter two  (... pause phrase-counter digit-2)
 *   typed "ি", Bangla:      ই-কার                               (char-09bf)
 */
#ifndef SPEECH_PHRASE_H
#define SPEECH_PHRASE_H

#include <stdbool.h>
#include <stddef.h>

#include "text/lang.h"

#define SPEECH_KEY_MAX      32 /* a clip key's bytes, with the NUL */
#define SPEECH_PHRASE_PARTS 24
#define SPEECH_PHRASE_TEXT  64 /* one part's text or pronunciation, with the NUL */

/* The key of a short silence between parts (a comma for the synthesizer); it needs no clip. */
#define SPEECH_KEY_PAUSE "pause"

/* One part of an utterance, borrowed: speech_say copies what it needs. */
typedef struct {
    const char *key;  /* a clip key ([a-z0-9-]); NULL or "": synthesized always */
    const char *text; /* what is said, in the utterance's language: logged, and synthesized */
    const char *say;  /* NULL, or what the synthesizer reads instead of text (a spelling
                         that makes eSpeak NG pronounce it right) */
} speech_part_t;

typedef struct {
    lang_t lang; /* the voice: a Bangla letter's name is Bangla even in an English session */
    int count;
    char key[SPEECH_PHRASE_PARTS][SPEECH_KEY_MAX];
    char text[SPEECH_PHRASE_PARTS][SPEECH_PHRASE_TEXT];
    char say[SPEECH_PHRASE_PARTS][SPEECH_PHRASE_TEXT]; /* "": the text */
} speech_phrase_t;

/* An empty phrase in lang. */
void speech_phrase_init(speech_phrase_t *p, lang_t lang);

/* Append a part (say may be NULL). 0, or -1 when the phrase is full or a string too long. */
int speech_phrase_add(speech_phrase_t *p, const char *key, const char *text, const char *say);

/* A token character by character, the prefix letter by its name and each digit as a word:
 * "B-012" -> "টোকেন নম্বর বি শূন্য এক দুই" / "Token B zero one two". Letters A-Z (either
 * case), an optional '-', then ASCII or Bangla digits. 0, or -1 for anything else. */
int speech_phrase_token(speech_phrase_t *p, lang_t lang, const char *token);

/* The board's call: the token, then ", counter N" (1..99; up to 9 as a digit word, above as
 * a number). 0, or -1 for a bad token or counter. */
int speech_phrase_call(speech_phrase_t *p, lang_t lang, const char *token, int counter);

/* The name of one typed character (a keyboard key's text, NFC: "ক", "ি", "ড়", "B", "৫",
 * " "): Bangla consonants and vowels say themselves, vowel signs and marks by name, digits
 * as words, Latin letters by their names (in Bangla: এ, বি, সি...). A Bangla character is
 * named in Bangla whatever lang is; the phrase's lang says which voice. 0, or -1 when the
 * character has no name here. */
int speech_phrase_char(speech_phrase_t *p, lang_t lang, const char *ch);

/* The name of a keyboard widget by its id: "key:<text>" as speech_phrase_char, and
 * key:backspace, key:space, key:shift, key:done, key:left, key:right, kbd:bn, kbd:en.
 * 0, or -1 for an unknown id. */
int speech_phrase_key(speech_phrase_t *p, lang_t lang, const char *widget_id);

/* Point parts[] at the phrase's strings (valid while the phrase lives); the count, at most
 * cap. */
int speech_phrase_parts(const speech_phrase_t *p, speech_part_t *parts, int cap);

/* The text of parts as one line: texts joined by spaces, no space before a part that
 * starts with punctuation (",", "।"...), empty texts skipped. With use_say, each part's
 * say replaces its text where given (what the synthesizer reads). The length, or -1 when it
 * does not fit in cap (out is then empty). */
int speech_join(const speech_part_t *parts, int n, bool use_say, char *out, size_t cap);

/* True for a key a clip may have (every key the phrases above use, and chime). */
bool speech_clip_key_known(const char *key);

/* The i-th documented clip key (i from 0) into out: 0, or -1 after the last. For the
 * README's check and for tools. */
int speech_clip_key_at(int i, char *out, size_t cap);

#endif
