/* speech/speech.c - the speech thread: queue, clips or eSpeak NG, cache, SDL playback and
 * --audio-out files. */
#define _POSIX_C_SOURCE 200809L
#include "speech/speech.h"

#include <SDL.h>
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "speech/cache.h"
#include "speech/clips.h"
#include "text/locale.h"
#include "text/utf8.h"

#define PATH_CAP      1024
#define CLIP_GAP_MS   60                 /* between two recorded clips */
#define PAUSE_MS      250                /* a SPEECH_KEY_PAUSE part */
#define KEEP_SAMPLES  (SPEECH_RATE * 12) /* the play buffer kept between utterances */
#define MAX_SAMPLES   ((size_t)SPEECH_RATE * SPEECH_MAX_SECONDS)
#define SYNTH_BUFFER  50 /* ms of sound per eSpeak NG callback: the first sample comes sooner */
#define DEVICE_FRAMES 1024
#define TWO_PI        6.283185307179586
#define STALL_MS      3000 /* playback without progress this long: the device is gone */
/* Playback of an utterance starts once this much is rendered (or all of it): eSpeak NG is
 * slowest on its first clause, and a stutter right at the start is what a listener notices. */
#define PREROLL (SPEECH_RATE / 10)

/* eSpeak NG keeps its state in globals and is not thread-safe: two engines would have two
 * threads calling it, so one engine may be open at a time. And eSpeak NG 1.51 can start again
 * after espeak_ng_Terminate, but a second espeak_ng_Terminate in the same process never
 * returns (its internal thread waits for a signal nobody sends). So the first engine of a
 * process (the kiosk's only one) terminates eSpeak NG when it closes, leaving nothing behind;
 * a later engine starts it once more and leaves it running until the process ends. This is
 * the only state of ours outside an engine, and it mirrors eSpeak NG's own. */
typedef enum {
    ESPEAK_FRESH,   /* never started */
    ESPEAK_LIVE,    /* started; terminated when its engine closes */
    ESPEAK_ENDED,   /* terminated once: may start again, never terminate again */
    ESPEAK_FOR_GOOD /* started again: stays until the process ends */
} espeak_life_t;

static struct {
    pthread_mutex_t lock;
    bool taken; /* an engine is open */
    espeak_life_t life;
    char data[PATH_CAP]; /* the data folder it runs with ("" for the system's) */
} espeak_process = {.lock = PTHREAD_MUTEX_INITIALIZER};

typedef struct utt {
    struct utt *next;
    lang_t lang;
    unsigned flags;
    bool prepare; /* into the cache only */
    int64_t unix_time;
    int64_t queued_ns;
    int nparts;
    char (*keys)[SPEECH_KEY_MAX];
    char *text; /* what is logged */
    char *say;  /* what eSpeak NG reads */
} utt_t;

/* The utterance being rendered and played: written by the speech thread, read by SDL's
 * audio thread, both under the engine's lock. */
typedef struct {
    int16_t *pcm;
    size_t len, cap, pos;
    bool active;       /* an utterance to be played is current */
    bool complete;     /* rendering has ended */
    bool cut;          /* interrupted: play no more of it */
    bool started;      /* playable: PREROLL samples rendered, or all of it */
    bool truncated;    /* rendering stopped before the end */
    int64_t queued_ns; /* when speech_say queued it */
    int64_t taken_ns;  /* when the speech thread took it */
} play_t;

struct speech {
    pthread_mutex_t lock;
    pthread_cond_t work;    /* to the speech thread: something to do */
    pthread_cond_t changed; /* from it: playback progress, idle, start-up done */
    pthread_t thread;
    /* Under lock. */
    utt_t *head, *tail;           /* to be said, in order */
    utt_t *prep_head, *prep_tail; /* to be prepared when nothing is to be said */
    int queued, prepared;
    bool busy, quit, rendering_prepare;
    int init_rc;
    char init_err[PATH_CAP + 256];
    play_t play;
    int volume;
    double gain;
    speech_stats_t stats;
    /* Set by speech_open, then read only. */
    bool playback;
    bool sdl_audio;
    SDL_AudioDeviceID device;
    char audio_out[PATH_CAP];
    char espeak_data[PATH_CAP];
    /* The speech thread's own. */
    speech_cache_t *cache;
    speech_clips_t *clips;
    int16_t *chime;
    size_t chime_count;
    unsigned next_file;
    int voice; /* the lang_t eSpeak NG speaks now, -1 before the first */
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A CLOCK_MONOTONIC deadline ms from now, for pthread_cond_timedwait. */
static struct timespec after_ms(int ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

double speech_gain(int volume)
{
    if (volume <= 0)
        return 0.0;
    if (volume > 100)
        volume = 100;
    return pow(10.0, (volume - 100) * 0.4 / 20.0);
}

/* ---- the chime ---- */

/* A door-bell "ding-dong": E5 then C5, each a struck tone (quick attack, exponential decay)
 * with a soft octave for a bell's colour, the second starting as the first fades. */
int16_t *speech_chime(size_t *count)
{
    const double f[2] = {659.25, 523.25}, start[2] = {0.0, 0.32};
    size_t n = (size_t)(SPEECH_RATE * 1.05);
    int16_t *pcm = malloc(n * sizeof *pcm);
    if (!pcm)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / SPEECH_RATE, v = 0.0;
        for (int k = 0; k < 2; k++) {
            double u = t - start[k];
            if (u < 0)
                continue;
            double env = (u < 0.008 ? u / 0.008 : 1.0) * exp(-u / 0.22);
            v += env * (sin(TWO_PI * f[k] * u) + 0.3 * sin(2 * TWO_PI * f[k] * u));
        }
        pcm[i] = (int16_t)(v * 0.38 * 32767.0);
    }
    *count = n;
    return pcm;
}

/* ---- utterances ---- */

static bool key_ok(const char *k)
{
    size_t n = strlen(k);
    if (n >= SPEECH_KEY_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '-'))
            return false;
    return true;
}

/* A copy of the utterance in one block, or NULL when it is not valid. */
static utt_t *utt_new(lang_t lang, const speech_part_t *parts, int n)
{
    if ((unsigned)lang >= LANG_COUNT || n < 1 || n > SPEECH_PARTS_MAX)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *t = parts[i].text, *s = parts[i].say;
        if (!t || !utf8_valid(t, strlen(t), NULL) || (s && !utf8_valid(s, strlen(s), NULL)) ||
            (parts[i].key && !key_ok(parts[i].key)))
            return NULL;
    }
    char text[SPEECH_TEXT_MAX], say[SPEECH_TEXT_MAX];
    int tl = speech_join(parts, n, false, text, sizeof text);
    int sl = speech_join(parts, n, true, say, sizeof say);
    if (tl <= 0 || sl <= 0)
        return NULL;
    size_t keys = (size_t)n * SPEECH_KEY_MAX;
    utt_t *u = calloc(1, sizeof *u + keys + (size_t)tl + 1 + (size_t)sl + 1);
    if (!u)
        return NULL;
    u->lang = lang;
    u->nparts = n;
    u->keys = (char(*)[SPEECH_KEY_MAX])(u + 1);
    u->text = (char *)(u + 1) + keys;
    u->say = u->text + tl + 1;
    for (int i = 0; i < n; i++)
        snprintf(u->keys[i], SPEECH_KEY_MAX, "%s", parts[i].key ? parts[i].key : "");
    /* The log is one line per utterance. */
    for (int i = 0; i <= tl; i++)
        u->text[i] = text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
    memcpy(u->say, say, (size_t)sl + 1);
    u->queued_ns = mono_ns();
    return u;
}

/* Drop every utterance waiting to be said (under lock). */
static void drop_waiting(speech_t *sp)
{
    while (sp->head) {
        utt_t *u = sp->head;
        sp->head = u->next;
        free(u);
        sp->stats.dropped++;
    }
    sp->tail = NULL;
    sp->queued = 0;
}

static void drop_prepared(speech_t *sp)
{
    while (sp->prep_head) {
        utt_t *u = sp->prep_head;
        sp->prep_head = u->next;
        free(u);
    }
    sp->prep_tail = NULL;
    sp->prepared = 0;
}

/* Stop what plays and drop what waits, when there is playback (under lock). */
static void interrupt(speech_t *sp)
{
    if (!sp->playback)
        return;
    drop_waiting(sp);
    if (sp->play.active)
        sp->play.cut = true;
    pthread_cond_broadcast(&sp->changed);
}

/* ---- rendering: the speech thread fills the play buffer ---- */

/* The utterance may start playing: count it, and how long it took (under lock). */
static void mark_started(speech_t *sp)
{
    play_t *p = &sp->play;
    if (p->started || sp->rendering_prepare || p->len == 0)
        return;
    p->started = true;
    sp->stats.started++;
    int64_t now = mono_ns();
    sp->stats.last_latency_us = (now - p->queued_ns) / 1000;
    sp->stats.last_render_us = (now - p->taken_ns) / 1000;
}

/* Room for n more samples in the play buffer (under lock). */
static bool grow(play_t *p, size_t n)
{
    if (p->len + n <= p->cap)
        return true;
    size_t cap = p->cap ? p->cap : SPEECH_RATE;
    while (cap < p->len + n)
        cap *= 2;
    int16_t *grown = realloc(p->pcm, cap * sizeof *grown);
    if (!grown)
        return false;
    p->pcm = grown;
    p->cap = cap;
    return true;
}

/* Add samples to the utterance being rendered. False when rendering should stop (and the
 * rendering is then marked short): it was cut and no file wants the rest, an utterance to
 * be said pre-empts a preparation, the length bound is reached or memory is short. */
static bool append(speech_t *sp, const int16_t *pcm, size_t n)
{
    pthread_mutex_lock(&sp->lock);
    play_t *p = &sp->play;
    bool more = sp->rendering_prepare ? sp->head == NULL : !(p->cut && !sp->audio_out[0]);
    if (!more)
        n = 0;
    if (n > MAX_SAMPLES - p->len) {
        n = MAX_SAMPLES - p->len;
        more = false;
    }
    if (n > 0 && !grow(p, n)) {
        n = 0;
        more = false;
    }
    if (n > 0) {
        memcpy(p->pcm + p->len, pcm, n * sizeof *pcm);
        p->len += n;
        if (p->len >= PREROLL)
            mark_started(sp);
    }
    if (!more)
        p->truncated = true;
    pthread_mutex_unlock(&sp->lock);
    return more;
}

static bool append_silence(speech_t *sp, int ms)
{
    int16_t zero[SPEECH_RATE / 20] = {0}; /* 50 ms */
    size_t n = (size_t)SPEECH_RATE * (size_t)ms / 1000;
    while (n > 0) {
        size_t k = n < sizeof zero / sizeof zero[0] ? n : sizeof zero / sizeof zero[0];
        if (!append(sp, zero, k))
            return false;
        n -= k;
    }
    return true;
}

/* True when a clip stands for every part (a pause needs none). */
static bool clips_cover(const speech_t *sp, const utt_t *u)
{
    size_t n;
    for (int i = 0; i < u->nparts; i++) {
        const char *k = u->keys[i];
        if (!k[0])
            return false;
        if (strcmp(k, SPEECH_KEY_PAUSE) != 0 && !speech_clips_get(sp->clips, u->lang, k, &n))
            return false;
    }
    return true;
}

static void render_clips(speech_t *sp, const utt_t *u)
{
    for (int i = 0; i < u->nparts; i++) {
        size_t n;
        bool ok;
        if (strcmp(u->keys[i], SPEECH_KEY_PAUSE) == 0) {
            ok = append_silence(sp, PAUSE_MS);
        } else {
            const int16_t *pcm = speech_clips_get(sp->clips, u->lang, u->keys[i], &n);
            ok = append(sp, pcm, n) &&
                 (i + 1 == u->nparts || strcmp(u->keys[i + 1], SPEECH_KEY_PAUSE) == 0 ||
                  append_silence(sp, CLIP_GAP_MS));
        }
        if (!ok)
            return;
    }
}

/* eSpeak NG calls this, on the speech thread, with each piece of sound as it is made. */
static int on_synth(short *wav, int n, espeak_EVENT *events)
{
    speech_t *sp = events->user_data;
    if (!wav || n <= 0)
        return 0;
    return append(sp, wav, (size_t)n) ? 0 : 1; /* 1: stop synthesizing */
}

/* Synthesize u into the play buffer; false when eSpeak NG failed (counted, and said on
 * stderr without the text). */
static bool synthesize(speech_t *sp, const utt_t *u)
{
    espeak_ng_STATUS st = ENS_OK;
    if (sp->voice != (int)u->lang) {
        st = espeak_ng_SetVoiceByName(lang_code(u->lang));
        sp->voice = st == ENS_OK ? (int)u->lang : -1;
    }
    if (st == ENS_OK)
        st = espeak_ng_Synthesize(u->say, strlen(u->say) + 1, 0, POS_CHARACTER, 0,
                                  espeakCHARS_UTF8 | espeakENDPAUSE, NULL, sp);
    if (st != ENS_OK) {
        char msg[200];
        espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
        fprintf(stderr, "speech: eSpeak NG failed on a %s utterance: %s\n", lang_code(u->lang),
                msg);
        pthread_mutex_lock(&sp->lock);
        sp->stats.errors++;
        pthread_mutex_unlock(&sp->lock);
        return false;
    }
    return true;
}

/* The utterance's sound, from clips, the cache or eSpeak NG. */
static void render(speech_t *sp, const utt_t *u)
{
    if (u->flags & SPEECH_CHIME)
        append(sp, sp->chime, sp->chime_count);
    if (clips_cover(sp, u)) {
        render_clips(sp, u);
        pthread_mutex_lock(&sp->lock);
        sp->stats.from_clips++;
        pthread_mutex_unlock(&sp->lock);
        return;
    }
    size_t n;
    const int16_t *cached = speech_cache_get(sp->cache, (int)u->lang, u->say, &n);
    pthread_mutex_lock(&sp->lock);
    size_t from = sp->play.len;
    if (cached)
        sp->stats.cache_hits++;
    else
        sp->stats.cache_misses++;
    pthread_mutex_unlock(&sp->lock);
    if (cached) {
        /* The first tenth of a second alone, so playback starts before a long phrase is
         * copied (and its buffer grown) whole. */
        size_t first = n < PREROLL ? n : PREROLL;
        if (append(sp, cached, first))
            append(sp, cached + first, n - first);
        return;
    }
    if (!synthesize(sp, u))
        return;
    /* Cache only a whole rendering: one cut short would be said short again. */
    pthread_mutex_lock(&sp->lock);
    bool whole = !sp->play.truncated;
    size_t len = sp->play.len;
    pthread_mutex_unlock(&sp->lock);
    if (whole && len > from)
        speech_cache_put(sp->cache, (int)u->lang, u->say, sp->play.pcm + from, len - from);
    pthread_mutex_lock(&sp->lock);
    sp->stats.cache_bytes = speech_cache_bytes(sp->cache);
    pthread_mutex_unlock(&sp->lock);
}

/* ---- --audio-out ---- */

static void count_error(speech_t *sp, const char *msg)
{
    fprintf(stderr, "speech: %s\n", msg);
    pthread_mutex_lock(&sp->lock);
    sp->stats.errors++;
    pthread_mutex_unlock(&sp->lock);
}

static void iso_time(int64_t t, char out[40])
{
    locale_tm_t tm;
    locale_dhaka_time(t, &tm);
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d+06:00", tm.year, tm.month, tm.day, tm.hour,
             tm.min, tm.sec);
}

static void write_out(speech_t *sp, const utt_t *u, const int16_t *pcm, size_t n)
{
    char path[PATH_CAP + 32], err[PATH_CAP + 200];
    snprintf(path, sizeof path, "%s/%04u-%s.wav", sp->audio_out, sp->next_file++,
             lang_code(u->lang));
    if (speech_wav_write(path, pcm, n, err, sizeof err) < 0) {
        count_error(sp, err);
        return;
    }
    char when[40];
    iso_time(u->unix_time, when);
    size_t len = strlen(when) + strlen(u->text) + 8;
    char *line = malloc(len);
    if (!line) {
        count_error(sp, "speech.log: out of memory");
        return;
    }
    int w = snprintf(line, len, "%s\t%s\t%s\n", when, lang_code(u->lang), u->text);
    snprintf(path, sizeof path, "%s/speech.log", sp->audio_out);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    /* One write per line, so the log is whole lines even if the process dies. */
    if (fd < 0 || write(fd, line, (size_t)w) != w) {
        snprintf(err, sizeof err, "%s: cannot append: %s", path, strerror(errno));
        count_error(sp, err);
    }
    if (fd >= 0)
        close(fd);
    free(line);
}

/* The number after the highest NNNN-<lang>.wav already in dir, so a restart adds files
 * instead of replacing them. */
static unsigned first_file_number(const char *dir)
{
    unsigned top = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned n;
        char lang[3], ext[4];
        if (sscanf(e->d_name, "%u-%2[a-z].%3s", &n, lang, ext) == 3 && strcmp(ext, "wav") == 0 &&
            n > top)
            top = n;
    }
    closedir(d);
    return top + 1;
}

/* ---- the speech thread ---- */

/* Wait until the current utterance has played (under lock). A device that stops taking
 * sound (unplugged, driver gone) must not stop the queue for ever: after STALL_MS without
 * progress the utterance counts as played. False then. */
static bool wait_played(speech_t *sp)
{
    play_t *p = &sp->play;
    size_t last_pos = p->pos;
    int64_t last_ns = mono_ns();
    while (sp->playback && !p->cut && p->pos < p->len) {
        struct timespec until = after_ms(250);
        pthread_cond_timedwait(&sp->changed, &sp->lock, &until);
        if (p->pos != last_pos) {
            last_pos = p->pos;
            last_ns = mono_ns();
        } else if (mono_ns() - last_ns > (int64_t)STALL_MS * 1000000) {
            sp->stats.errors++;
            return false;
        }
    }
    return true;
}

static void speak(speech_t *sp, const utt_t *u)
{
    pthread_mutex_lock(&sp->lock);
    play_t *p = &sp->play;
    p->len = p->pos = 0;
    p->complete = p->cut = p->started = p->truncated = false;
    p->active = true;
    p->queued_ns = u->queued_ns;
    p->taken_ns = mono_ns();
    pthread_mutex_unlock(&sp->lock);

    render(sp, u);

    pthread_mutex_lock(&sp->lock);
    p->complete = true;
    mark_started(sp);
    bool cut = p->cut;
    pthread_cond_broadcast(&sp->changed);
    pthread_mutex_unlock(&sp->lock);
    /* The buffer no longer grows, so it is read without the lock (SDL's thread only reads
     * it too). A cut utterance was rendered whole when a file wants it. */
    if (sp->audio_out[0] && p->len > 0)
        write_out(sp, u, p->pcm, p->len);

    pthread_mutex_lock(&sp->lock);
    bool played = wait_played(sp);
    p->active = false;
    if (cut || p->cut)
        sp->stats.interrupted++;
    else
        sp->stats.said++;
    if (p->cap > KEEP_SAMPLES) {
        free(p->pcm);
        p->pcm = NULL;
        p->cap = 0;
    }
    p->len = p->pos = 0;
    pthread_mutex_unlock(&sp->lock);
    if (!played)
        fprintf(stderr, "speech: playback stalled for %d s (the sound device stopped?)\n",
                STALL_MS / 1000);
}

static void prepare(speech_t *sp, const utt_t *u)
{
    size_t n;
    if (clips_cover(sp, u) || speech_cache_get(sp->cache, (int)u->lang, u->say, &n))
        return;
    pthread_mutex_lock(&sp->lock);
    sp->play.len = 0;
    sp->play.cut = sp->play.truncated = false;
    sp->rendering_prepare = true;
    pthread_mutex_unlock(&sp->lock);
    bool ok = synthesize(sp, u);
    pthread_mutex_lock(&sp->lock);
    bool whole = ok && !sp->play.truncated;
    sp->rendering_prepare = false;
    pthread_mutex_unlock(&sp->lock);
    if (whole && sp->play.len > 0)
        speech_cache_put(sp->cache, (int)u->lang, u->say, sp->play.pcm, sp->play.len);
    pthread_mutex_lock(&sp->lock);
    sp->play.len = 0;
    sp->stats.cache_bytes = speech_cache_bytes(sp->cache);
    pthread_mutex_unlock(&sp->lock);
}

/* End eSpeak NG if this process may (see espeak_process). */
static void espeak_stop(void)
{
    pthread_mutex_lock(&espeak_process.lock);
    bool may = espeak_process.life == ESPEAK_LIVE;
    if (may)
        espeak_process.life = ESPEAK_ENDED;
    pthread_mutex_unlock(&espeak_process.lock);
    if (may)
        espeak_ng_Terminate();
}

/* Start eSpeak NG on the speech thread, or reuse it (see espeak_process). */
static int espeak_start(speech_t *sp)
{
    pthread_mutex_lock(&espeak_process.lock);
    espeak_life_t life = espeak_process.life;
    bool same_data = strcmp(espeak_process.data, sp->espeak_data) == 0;
    pthread_mutex_unlock(&espeak_process.lock);
    if (life == ESPEAK_FOR_GOOD && !same_data) {
        snprintf(sp->init_err, sizeof sp->init_err,
                 "eSpeak NG already runs in this process with other data than %s",
                 sp->espeak_data[0] ? sp->espeak_data : "the system's");
        return -1;
    }
    if (life != ESPEAK_FOR_GOOD) {
        espeak_ng_ERROR_CONTEXT ctx = NULL;
        espeak_ng_InitializePath(sp->espeak_data[0] ? sp->espeak_data : NULL);
        espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
        if (st != ENS_OK) {
            char msg[160];
            espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
            espeak_ng_ClearErrorContext(&ctx);
            snprintf(sp->init_err, sizeof sp->init_err, "eSpeak NG (data %s): %s",
                     sp->espeak_data[0] ? sp->espeak_data : "the system's", msg);
            return -1;
        }
        pthread_mutex_lock(&espeak_process.lock);
        espeak_process.life = life == ESPEAK_FRESH ? ESPEAK_LIVE : ESPEAK_FOR_GOOD;
        snprintf(espeak_process.data, sizeof espeak_process.data, "%s", sp->espeak_data);
        pthread_mutex_unlock(&espeak_process.lock);
    }
    espeak_ng_STATUS st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, SYNTH_BUFFER, NULL);
    espeak_SetSynthCallback(on_synth);
    /* Both voices must load now: a missing one found later would silence a citizen. */
    for (int l = LANG_COUNT - 1; l >= 0 && st == ENS_OK; l--) {
        st = espeak_ng_SetVoiceByName(lang_code((lang_t)l));
        if (st != ENS_OK)
            snprintf(sp->init_err, sizeof sp->init_err, "eSpeak NG has no \"%s\" voice",
                     lang_code((lang_t)l));
        sp->voice = l;
    }
    if (st != ENS_OK) {
        if (!sp->init_err[0])
            snprintf(sp->init_err, sizeof sp->init_err, "eSpeak NG: no synchronous output");
        espeak_stop();
        return -1;
    }
    return 0;
}

/* The next job (under lock): anything to say first, then preparations. */
static utt_t *next_job(speech_t *sp)
{
    utt_t *u = sp->head;
    if (u) {
        sp->head = u->next;
        if (!sp->head)
            sp->tail = NULL;
        sp->queued--;
        return u;
    }
    u = sp->prep_head;
    if (u) {
        sp->prep_head = u->next;
        if (!sp->prep_head)
            sp->prep_tail = NULL;
        sp->prepared--;
    }
    return u;
}

static void *run(void *arg)
{
    speech_t *sp = arg;
    int rc = espeak_start(sp);
    pthread_mutex_lock(&sp->lock);
    sp->init_rc = rc < 0 ? -1 : 1;
    pthread_cond_broadcast(&sp->changed);
    if (rc < 0) {
        pthread_mutex_unlock(&sp->lock);
        return NULL;
    }
    for (;;) {
        while (!sp->quit && !sp->head && !sp->prep_head)
            pthread_cond_wait(&sp->work, &sp->lock);
        utt_t *u = next_job(sp);
        if (!u)
            break; /* quitting, and nothing left to say */
        sp->busy = true;
        pthread_mutex_unlock(&sp->lock);
        u->prepare ? prepare(sp, u) : speak(sp, u);
        free(u);
        pthread_mutex_lock(&sp->lock);
        sp->busy = false;
        pthread_cond_broadcast(&sp->changed);
    }
    pthread_mutex_unlock(&sp->lock);
    espeak_stop();
    return NULL;
}

/* ---- playback: SDL's audio thread ---- */

static void on_audio(void *arg, Uint8 *stream, int bytes)
{
    speech_t *sp = arg;
    int16_t *out = (int16_t *)(void *)stream;
    size_t want = (size_t)bytes / sizeof *out, k = 0;
    pthread_mutex_lock(&sp->lock);
    play_t *p = &sp->play;
    if (p->active && p->started && !p->cut) {
        size_t avail = p->len - p->pos;
        k = want < avail ? want : avail;
        for (size_t i = 0; i < k; i++) {
            double v = p->pcm[p->pos + i] * sp->gain;
            out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
        }
        p->pos += k;
        if (p->complete && p->pos == p->len)
            pthread_cond_broadcast(&sp->changed);
    }
    pthread_mutex_unlock(&sp->lock);
    memset(out + k, 0, (want - k) * sizeof *out);
}

/* Open the device; without one, say why once and go on (files still work). */
static void open_audio(speech_t *sp, const char *device)
{
    if (device && strcmp(device, "none") == 0)
        return;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) < 0) {
        fprintf(stderr, "speech: no sound: SDL audio: %s\n", SDL_GetError());
        return;
    }
    sp->sdl_audio = true;
    SDL_AudioSpec want = {0}, have;
    want.freq = SPEECH_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = DEVICE_FRAMES;
    want.callback = on_audio;
    want.userdata = sp;
    const char *name = device && device[0] ? device : NULL;
    /* No changes allowed: SDL converts to what the hardware wants. */
    sp->device = SDL_OpenAudioDevice(name, 0, &want, &have, 0);
    if (!sp->device) {
        fprintf(stderr, "speech: no sound: cannot open %s%s%s: %s\n", name ? "\"" : "",
                name ? name : "the default audio device", name ? "\"" : "", SDL_GetError());
        return;
    }
    sp->playback = true;
    sp->stats.playback = true;
    SDL_PauseAudioDevice(sp->device, 0);
}

/* ---- the API ---- */

static void destroy(speech_t *sp)
{
    if (sp->device)
        SDL_CloseAudioDevice(sp->device);
    if (sp->sdl_audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    drop_waiting(sp);
    drop_prepared(sp);
    speech_cache_free(sp->cache);
    speech_clips_free(sp->clips);
    free(sp->chime);
    free(sp->play.pcm);
    pthread_cond_destroy(&sp->work);
    pthread_cond_destroy(&sp->changed);
    pthread_mutex_destroy(&sp->lock);
    free(sp);
    pthread_mutex_lock(&espeak_process.lock);
    espeak_process.taken = false;
    pthread_mutex_unlock(&espeak_process.lock);
}

static int set_paths(speech_t *sp, const speech_options_t *o, char *err, size_t errcap)
{
    if (o->audio_out && o->audio_out[0]) {
        if (strlen(o->audio_out) >= sizeof sp->audio_out - 40) {
            snprintf(err, errcap, "%s: audio-out path too long", o->audio_out);
            return -1;
        }
        if (mkdir(o->audio_out, 0700) < 0 && errno != EEXIST) {
            snprintf(err, errcap, "%s: cannot make the audio-out folder: %s", o->audio_out,
                     strerror(errno));
            return -1;
        }
        struct stat st;
        if (stat(o->audio_out, &st) < 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errcap, "%s: audio-out is not a folder", o->audio_out);
            return -1;
        }
        snprintf(sp->audio_out, sizeof sp->audio_out, "%s", o->audio_out);
        sp->next_file = first_file_number(o->audio_out);
    }
    if (o->espeak_data && o->espeak_data[0]) {
        if (strlen(o->espeak_data) >= sizeof sp->espeak_data) {
            snprintf(err, errcap, "%s: eSpeak NG data path too long", o->espeak_data);
            return -1;
        }
        snprintf(sp->espeak_data, sizeof sp->espeak_data, "%s", o->espeak_data);
    }
    return 0;
}

static int init_sync(speech_t *sp)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_mutex_init(&sp->lock, NULL) || pthread_cond_init(&sp->work, &ca) ||
             pthread_cond_init(&sp->changed, &ca);
    pthread_condattr_destroy(&ca);
    return rc ? -1 : 0;
}

static int load_sounds(speech_t *sp, const speech_options_t *o, char *err, size_t errcap)
{
    if (speech_clips_load(o->clips_dir, &sp->clips, err, errcap) < 0)
        return -1;
    sp->cache = speech_cache_new(o->cache_bytes ? o->cache_bytes : SPEECH_CACHE_DEFAULT);
    size_t n;
    const int16_t *clip = speech_clips_get(sp->clips, LANG_BN, "chime", &n);
    if (clip) {
        sp->chime = malloc(n * sizeof *clip);
        if (sp->chime)
            memcpy(sp->chime, clip, n * sizeof *clip);
        sp->chime_count = n;
    } else {
        sp->chime = speech_chime(&sp->chime_count);
    }
    if (!sp->cache || !sp->chime) {
        snprintf(err, errcap, "speech: out of memory");
        return -1;
    }
    sp->stats.clip_bytes = speech_clips_bytes(sp->clips);
    return 0;
}

/* Start the speech thread with every signal blocked (SIGTERM must reach the main loop, as
 * for the printing thread), and wait for eSpeak NG to start on it. */
static int start_thread(speech_t *sp, char *err, size_t errcap)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&sp->thread, NULL, run, sp);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errcap, "speech: cannot start its thread: %s", strerror(rc));
        return -1;
    }
    pthread_mutex_lock(&sp->lock);
    while (sp->init_rc == 0)
        pthread_cond_wait(&sp->changed, &sp->lock);
    pthread_mutex_unlock(&sp->lock);
    if (sp->init_rc < 0) {
        pthread_join(sp->thread, NULL);
        snprintf(err, errcap, "%s", sp->init_err);
        return -1;
    }
    return 0;
}

speech_t *speech_open(const speech_options_t *o, char *err, size_t errcap)
{
    if (o->volume < 0 || o->volume > 100) {
        snprintf(err, errcap, "speech: volume %d is not from 0 to 100", o->volume);
        return NULL;
    }
    pthread_mutex_lock(&espeak_process.lock);
    bool taken = espeak_process.taken;
    espeak_process.taken = true;
    pthread_mutex_unlock(&espeak_process.lock);
    if (taken) {
        snprintf(err, errcap,
                 "speech: an engine is already open in this process (eSpeak NG "
                 "allows one)");
        return NULL;
    }
    speech_t *sp = calloc(1, sizeof *sp);
    if (!sp || init_sync(sp) < 0) {
        free(sp);
        pthread_mutex_lock(&espeak_process.lock);
        espeak_process.taken = false;
        pthread_mutex_unlock(&espeak_process.lock);
        snprintf(err, errcap, "speech: out of memory");
        return NULL;
    }
    sp->voice = -1;
    sp->volume = o->volume;
    sp->gain = speech_gain(o->volume);
    if (set_paths(sp, o, err, errcap) < 0 || load_sounds(sp, o, err, errcap) < 0) {
        destroy(sp);
        return NULL;
    }
    open_audio(sp, o->device);
    if (start_thread(sp, err, errcap) < 0) {
        destroy(sp);
        return NULL;
    }
    return sp;
}

void speech_close(speech_t *sp)
{
    if (!sp)
        return;
    pthread_mutex_lock(&sp->lock);
    sp->quit = true;
    interrupt(sp); /* without playback, what waits is still said (written) */
    drop_prepared(sp);
    pthread_cond_signal(&sp->work);
    pthread_mutex_unlock(&sp->lock);
    pthread_join(sp->thread, NULL);
    destroy(sp);
}

static int enqueue(speech_t *sp, utt_t *u, unsigned flags)
{
    pthread_mutex_lock(&sp->lock);
    if (sp->quit) {
        pthread_mutex_unlock(&sp->lock);
        free(u);
        return -1;
    }
    if (flags & SPEECH_INTERRUPT)
        interrupt(sp);
    int *count = u->prepare ? &sp->prepared : &sp->queued;
    if (*count >= SPEECH_QUEUE_MAX) {
        pthread_mutex_unlock(&sp->lock);
        free(u);
        return -2;
    }
    utt_t **head = u->prepare ? &sp->prep_head : &sp->head;
    utt_t **tail = u->prepare ? &sp->prep_tail : &sp->tail;
    if (*tail)
        (*tail)->next = u;
    else
        *head = u;
    *tail = u;
    (*count)++;
    pthread_cond_signal(&sp->work);
    pthread_mutex_unlock(&sp->lock);
    return 0;
}

int speech_say(speech_t *sp, lang_t lang, const speech_part_t *parts, int n, int64_t unix_time,
               unsigned flags)
{
    utt_t *u = utt_new(lang, parts, n);
    if (!u)
        return -1;
    u->flags = flags;
    u->unix_time = unix_time;
    return enqueue(sp, u, flags);
}

int speech_say_text(speech_t *sp, lang_t lang, const char *text, int64_t unix_time, unsigned flags)
{
    speech_part_t part = {.key = NULL, .text = text, .say = NULL};
    return speech_say(sp, lang, &part, 1, unix_time, flags);
}

int speech_say_phrase(speech_t *sp, const speech_phrase_t *p, int64_t unix_time, unsigned flags)
{
    speech_part_t parts[SPEECH_PHRASE_PARTS];
    int n = speech_phrase_parts(p, parts, SPEECH_PHRASE_PARTS);
    return speech_say(sp, p->lang, parts, n, unix_time, flags);
}

int speech_prepare(speech_t *sp, lang_t lang, const speech_part_t *parts, int n)
{
    utt_t *u = utt_new(lang, parts, n);
    if (!u)
        return -1;
    u->prepare = true;
    return enqueue(sp, u, 0);
}

void speech_stop(speech_t *sp)
{
    pthread_mutex_lock(&sp->lock);
    interrupt(sp);
    pthread_mutex_unlock(&sp->lock);
}

void speech_set_volume(speech_t *sp, int volume)
{
    volume = volume < 0 ? 0 : volume > 100 ? 100 : volume;
    pthread_mutex_lock(&sp->lock);
    sp->volume = volume;
    sp->gain = speech_gain(volume);
    pthread_mutex_unlock(&sp->lock);
}

int speech_volume(speech_t *sp)
{
    pthread_mutex_lock(&sp->lock);
    int v = sp->volume;
    pthread_mutex_unlock(&sp->lock);
    return v;
}

static bool idle_locked(const speech_t *sp)
{
    return !sp->busy && !sp->head && !sp->prep_head;
}

bool speech_idle(speech_t *sp)
{
    pthread_mutex_lock(&sp->lock);
    bool idle = idle_locked(sp);
    pthread_mutex_unlock(&sp->lock);
    return idle;
}

bool speech_wait_idle(speech_t *sp, int timeout_ms)
{
    struct timespec until = after_ms(timeout_ms);
    pthread_mutex_lock(&sp->lock);
    int rc = 0;
    while (!idle_locked(sp) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&sp->changed, &sp->lock, &until);
    bool idle = idle_locked(sp);
    pthread_mutex_unlock(&sp->lock);
    return idle;
}

void speech_stats(speech_t *sp, speech_stats_t *out)
{
    pthread_mutex_lock(&sp->lock);
    *out = sp->stats;
    pthread_mutex_unlock(&sp->lock);
}
