/*
 * speech/speech.h - the speech engine of the kiosk (speech mode) and of the queue board
 * (announcements): utterances queued by the UI and spoken one after another, never
 * overlapping, by one speech thread. The caller never waits: speech_say copies the
 * utterance and returns.
 *
 * How an utterance becomes sound:
 *   - when a recorded clip assets/voice/<lang>/<key>.wav exists for every part, the clips
 *     are joined (a short gap between parts); the clips are read and checked once, by
 *     speech_open, so a bad file is an error at start-up naming the file;
 *   - otherwise the parts' text is synthesized by eSpeak NG (voices bn and en), streamed
 *     into playback as it comes; the result is kept in an LRU cache (4 MB by default), so a
 *     phrase said again starts at once;
 *   - SPEECH_CHIME puts a two-tone chime (or the clip chime.wav) before it.
 * Playback is SDL audio at SPEECH_RATE Hz mono, through the named device or the default
 * one, with the volume applied as it plays. Without a device ("none", or none could be
 * opened: said once on stderr) nothing plays, and every utterance counts as said the moment
 * it is rendered: nothing is ever cut or dropped, so runs with --audio-out are repeatable.
 *
 * --audio-out DIR: every utterance said is written whole as DIR/NNNN-<lang>.wav (numbered in
 * the order said, continuing after the files already there; written to a .part file and
 * renamed, so a reader never sees half of one), also when playback was interrupted, and a
 * line "<time>\t<lang>\t<text>" is appended to DIR/speech.log (time in ISO 8601 at +06:00,
 * from the unix time given to speech_say; lang "bn" or "en"). What is spoken is a citizen's
 * data: the engine writes it nowhere else, and its messages on stderr never contain it.
 *
 * Threads: eSpeak NG is process-global and not thread-safe, so one engine may be open in a
 * process at a time (speech_open refuses a second), and only its speech thread calls eSpeak.
 * Every function here is for one thread, the owner's (the UI's main loop).
 */
#ifndef SPEECH_SPEECH_H
#define SPEECH_SPEECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speech/phrase.h"
#include "speech/wav.h"
#include "text/lang.h"

typedef struct speech speech_t;

typedef struct {
    const char *clips_dir;   /* recorded clips (assets/voice); NULL or missing: none */
    const char *audio_out;   /* --audio-out folder (made if missing); NULL: none */
    const char *device;      /* an SDL playback device's name; NULL or "": the default;
                                "none": no playback */
    int volume;              /* 0..100 */
    const char *espeak_data; /* eSpeak NG's data folder; NULL: the system's */
    size_t cache_bytes;      /* the synthesis cache's budget; 0: SPEECH_CACHE_DEFAULT */
} speech_options_t;

#define SPEECH_CACHE_DEFAULT (4u << 20)
#define SPEECH_QUEUE_MAX     32   /* utterances waiting; speech_say refuses more */
#define SPEECH_PARTS_MAX     48   /* parts of one utterance */
#define SPEECH_TEXT_MAX      2048 /* bytes of one utterance's text */
#define SPEECH_MAX_SECONDS   60   /* one utterance's sound is cut off here (memory bound) */

/* speech_say flags. */
#define SPEECH_INTERRUPT 1u /* stop what is playing and drop what waits (a new touch) */
#define SPEECH_CHIME     2u /* a chime first (the board's calls, the idle warning) */

/* Open the engine: read the clips, start eSpeak NG on the speech thread, open the audio
 * device. NULL with the reason in err (a bad clip names its file; a second engine in the
 * process; eSpeak NG's data missing). No sound is not an error. */
speech_t *speech_open(const speech_options_t *o, char *err, size_t errcap);

/* Stop playback, finish the utterance being rendered (its WAV is written whole), drop what
 * waits (without playback, what waits is rendered first: it already counts as said), end
 * the speech thread and free everything. NULL is ignored. */
void speech_close(speech_t *sp);

/* Queue an utterance of n parts in lang (each part's key, text and pronunciation are
 * copied); unix_time is when it is said, for speech.log. Returns at once: 0 when queued,
 * -1 for a bad utterance (no parts, a key not [a-z0-9-], text not UTF-8 or longer than
 * SPEECH_TEXT_MAX), -2 when SPEECH_QUEUE_MAX utterances already wait. */
int speech_say(speech_t *sp, lang_t lang, const speech_part_t *parts, int n, int64_t unix_time,
               unsigned flags);

/* The same for a plain text (no clip can replace it), and for a built phrase (in the
 * phrase's own language). */
int speech_say_text(speech_t *sp, lang_t lang, const char *text, int64_t unix_time, unsigned flags);
int speech_say_phrase(speech_t *sp, const speech_phrase_t *p, int64_t unix_time, unsigned flags);

/* Synthesize into the cache without saying anything (screen titles at start-up, so their
 * first saying is quick too), after whatever is waiting to be said. 0, -1 or -2 as
 * speech_say. */
int speech_prepare(speech_t *sp, lang_t lang, const speech_part_t *parts, int n);

/* Stop what is playing and drop what waits (with playback; without, nothing plays). */
void speech_stop(speech_t *sp);

/* 0..100 (clamped), applied from the next few milliseconds of sound on. */
void speech_set_volume(speech_t *sp, int volume);
int speech_volume(speech_t *sp);

/* True when nothing waits and nothing is being rendered or played. */
bool speech_idle(speech_t *sp);

/* Wait until idle, at most timeout_ms: true when idle (tests, the harness before exit). */
bool speech_wait_idle(speech_t *sp, int timeout_ms);

typedef struct {
    bool playback;        /* an audio device is open */
    uint64_t said;        /* utterances rendered to the end (and played, with a device) */
    uint64_t started;     /* utterances whose first sample was ready to play */
    uint64_t interrupted; /* cut while rendering or playing */
    uint64_t dropped;     /* dropped while waiting, by an interrupt or speech_close */
    uint64_t from_clips;  /* said from recorded clips */
    uint64_t cache_hits, cache_misses;
    uint64_t errors;         /* audio-out files that could not be written, failed synthesis */
    size_t cache_bytes;      /* the synthesis cache's size now */
    size_t clip_bytes;       /* recorded clips in memory */
    int64_t last_latency_us; /* from speech_say until the last utterance started could
                                start playing */
    int64_t last_render_us;  /* the engine's part of it: from the speech thread taking the
                                utterance (the thread's wake-up is not counted) */
} speech_stats_t;

void speech_stats(speech_t *sp, speech_stats_t *out);

/* The gain for a volume: 0 is silent, 1..100 span -40..0 dB (a range above EN 301 549's
 * 18 dB, with equal steps sounding equal). */
double speech_gain(int volume);

/* The synthesized chime at SPEECH_RATE: a malloc'ed array (free it) of *count samples. */
int16_t *speech_chime(size_t *count);

#endif
