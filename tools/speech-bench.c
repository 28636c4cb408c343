/*
 * tools/speech-bench.c - figures of the speech engine for `make bench`: the time from
 * speech_say to the first sample ready for playback, for a cached phrase and for one
 * synthesized by eSpeak NG (median of N, Bangla and English), and the memory speech adds
 * (RSS before and after speech_open, and after N phrases). Without --device nothing plays
 * (the figures are the engine's, not the sound card's).
 *
 *   speech-bench [--runs N] [--device NAME]
 *   speech-bench --devices        the SDL playback devices, for [speech] device
 */
#define _POSIX_C_SOURCE 200809L
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "speech/speech.h"

/* Resident memory in kB, from /proc. */
static long rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (fp)
        fclose(fp);
    return kb;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double median_ms(int64_t *us, int n)
{
    qsort(us, (size_t)n, sizeof *us, by_value);
    return (n % 2 ? (double)us[n / 2] : (double)(us[n / 2 - 1] + us[n / 2]) / 2.0) / 1000.0;
}

/* Say text and wait until it is said: the latency of its first sample in microseconds. */
static int64_t say(speech_t *sp, lang_t lang, const char *text)
{
    if (speech_say_text(sp, lang, text, 0, 0) != 0 || !speech_wait_idle(sp, 60000)) {
        fprintf(stderr, "speech-bench: the engine did not say a phrase\n");
        exit(1);
    }
    speech_stats_t st;
    speech_stats(sp, &st);
    return st.last_latency_us;
}

static int list_devices(void)
{
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) < 0) {
        fprintf(stderr, "speech-bench: SDL audio: %s\n", SDL_GetError());
        return 1;
    }
    printf("SDL audio driver %s; playback devices:\n", SDL_GetCurrentAudioDriver());
    int n = SDL_GetNumAudioDevices(0);
    for (int i = 0; i < n; i++)
        printf("  %s\n", SDL_GetAudioDeviceName(i, 0));
    if (n <= 0)
        printf("  (none listed; the default device may still work)\n");
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 15;
    const char *device = "none";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--devices") == 0)
            return list_devices();
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--device") == 0 && i + 1 < argc)
            device = argv[++i];
        else {
            fprintf(stderr, "usage: speech-bench [--runs N] [--device NAME] | --devices\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 1000)
        runs = 15;
    long before = rss_kb();
    speech_options_t o = {.device = device, .volume = 80};
    char err[512];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    speech_t *sp = speech_open(&o, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!sp) {
        fprintf(stderr, "speech-bench: %s\n", err);
        return 1;
    }
    long opened = rss_kb();
    int64_t *cached = calloc((size_t)runs, sizeof *cached);
    int64_t *synth[LANG_COUNT] = {calloc((size_t)runs, sizeof(int64_t)),
                                  calloc((size_t)runs, sizeof(int64_t))};
    static const char *const title[LANG_COUNT] = {"আপনার সেবা বেছে নিন", "Choose your service"};
    say(sp, LANG_BN, title[LANG_BN]); /* the miss that fills the cache */
    for (int i = 0; i < runs; i++)
        cached[i] = say(sp, LANG_BN, title[LANG_BN]);
    for (int i = 0; i < runs; i++) {
        /* A new phrase each time: every one is synthesized. */
        speech_phrase_t p;
        char token[16];
        snprintf(token, sizeof token, "B-%03d", i + 1);
        for (int l = 0; l < LANG_COUNT; l++) {
            char text[512];
            speech_part_t parts[SPEECH_PHRASE_PARTS];
            speech_phrase_call(&p, (lang_t)l, token, 1 + i % 9);
            speech_join(parts, speech_phrase_parts(&p, parts, SPEECH_PHRASE_PARTS), true, text,
                        sizeof text);
            synth[l][i] = say(sp, (lang_t)l, text);
        }
    }
    long after = rss_kb();
    speech_stats_t st;
    speech_stats(sp, &st);
    speech_close(sp);
    printf("speech: speech_open (eSpeak NG and both voices): %.1f ms\n",
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    printf("speech: say to first sample, cached phrase: median %.3f ms (n=%d, target < 150 ms)\n",
           median_ms(cached, runs), runs);
    for (int l = 0; l < LANG_COUNT; l++)
        printf("speech: say to first sample, synthesized %s call: median %.1f ms (n=%d, target < "
               "400 ms)\n",
               lang_code((lang_t)l), median_ms(synth[l], runs), runs);
    printf("speech: RSS %.1f MB before speech_open, %.1f MB after (+%.1f MB), %.1f MB after %d "
           "phrases (+%.1f MB in all; cache %.2f MB)\n",
           (double)before / 1024.0, (double)opened / 1024.0, (double)(opened - before) / 1024.0,
           (double)after / 1024.0, 1 + runs * (1 + LANG_COUNT), (double)(after - before) / 1024.0,
           (double)st.cache_bytes / 1048576.0);
    free(cached);
    free(synth[0]);
    free(synth[1]);
    return 0;
}
