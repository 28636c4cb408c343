/*
 * tools/access-bench.c - speech mode's figures for `make bench`: the time from a finger
 * touching a target to the first sample of its name ready to play, through the real view
 * (touch down and up as events, explore by touch, screens/speak.c) and speech engine, for
 * phrases said before (cached) and for new ones (synthesized by eSpeak NG), median of the keys
 * of the Bangla keyboard; and the memory speech mode adds (RSS before speech_open, after it,
 * and after the whole flow said aloud). Without --device nothing plays: the figures are the
 * kiosk's and the engine's, not the sound card's.
 *
 *   access-bench [--size WxH] [--device NAME]
 */
#define _GNU_SOURCE /* mkdtemp */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/speak.h"
#include "shell/boot.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

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
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static void touch_event(kiosk_t *k, event_kind_t kind, int x, int y)
{
    event_t e = {.kind = kind, .x = x, .y = y};
    screens_input(&k->view, &k->app, &e);
    screens_build(&k->view, &k->app);
}

/* Use a target as a person in speech mode does (two touches), after the screen takes touches;
 * then let what it said be rendered. */
static void use(kiosk_t *k, const char *id)
{
    for (int i = 0; i < 2; i++) {
        uint64_t ready = screens_ready_at(&k->view, &k->app);
        app_advance(&k->app, (ready > k->app.now_ms ? ready : k->app.now_ms) + 300);
        screens_build(&k->view, &k->app);
        const ui_hit_t *h = ui_find(k->ui, id);
        if (!h) {
            fprintf(stderr, "access-bench: no \"%s\" on %s\n", id, app_screen_id(k->app.screen));
            exit(1);
        }
        touch_event(k, EVENT_TOUCH_DOWN, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
        touch_event(k, EVENT_TOUCH_UP, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
        speech_wait_idle(k->speech, 60000);
    }
}

/* One first touch on a target: ms from the finger going down until the first sample of what
 * it says is ready to play. */
static double touch_to_sample(kiosk_t *k, const ui_hit_t *h)
{
    speech_stats_t st;
    speech_wait_idle(k->speech, 60000);
    speech_stats(k->speech, &st);
    uint64_t started = st.started;
    app_advance(&k->app, k->app.now_ms + 3500); /* nothing armed any more */
    double t0 = now_ms();
    touch_event(k, EVENT_TOUCH_DOWN, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
    touch_event(k, EVENT_TOUCH_UP, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
    for (;;) {
        speech_stats(k->speech, &st);
        if (st.started > started)
            return now_ms() - t0;
        if (now_ms() - t0 > 10000) {
            fprintf(stderr, "access-bench: nothing was said for a touch on %s\n", h->id);
            exit(1);
        }
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
}

/* Every character key of the Bangla keyboard's first page, touched once each: the first
 * round synthesizes every name, the second finds them in the cache. */
static void measure_keys(kiosk_t *k)
{
    ui_hit_t keys[64];
    int n = 0;
    for (int i = 0; i < k->ui->hit_count && n < 64; i++) {
        const char *id = k->ui->hits[i].id;
        if (strncmp(id, "key:", 4) == 0 && strcmp(id, "key:shift") && strcmp(id, "key:space") &&
            strcmp(id, "key:done") && strcmp(id, "key:left") && strcmp(id, "key:right") &&
            strcmp(id, "key:backspace"))
            keys[n++] = k->ui->hits[i];
    }
    if (n == 0) {
        fprintf(stderr, "access-bench: no character keys on %s\n", app_screen_id(k->app.screen));
        exit(1);
    }
    double fresh[64] = {0}, cached[64] = {0};
    for (int i = 0; i < n; i++)
        fresh[i] = touch_to_sample(k, &keys[i]);
    for (int i = 0; i < n; i++)
        cached[i] = touch_to_sample(k, &keys[i]);
    double worst = 0;
    for (int i = 0; i < n; i++)
        worst = cached[i] > worst ? cached[i] : worst;
    printf("speech mode: touch to first sample, a key's name said before (cached): median %.2f ms, "
           "worst %.2f ms (n=%d, target < 150 ms)\n",
           median(cached, n), worst, n);
    worst = 0;
    for (int i = 0; i < n; i++)
        worst = fresh[i] > worst ? fresh[i] : worst;
    printf("speech mode: touch to first sample, a key's name synthesized: median %.1f ms, worst "
           "%.1f ms (n=%d, target < 400 ms)\n",
           median(fresh, n), worst, n);
}

int main(int argc, char **argv)
{
    int w = 800, h = 480;
    const char *device = "none";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--size") == 0 && sscanf(argv[i + 1], "%dx%d", &w, &h) == 2)
            continue;
        if (strcmp(argv[i], "--device") == 0) {
            device = argv[i + 1];
            continue;
        }
        fprintf(stderr, "usage: access-bench [--size WxH] [--device NAME]\n");
        return 2;
    }
    char data[64] = "/tmp/access-bench-XXXXXX", err[512];
    if (!mkdtemp(data))
        return 1;
    static kiosk_t k;
    boot_find_root(NULL, k.root, sizeof k.root);
    config_defaults(&k.cfg);
    snprintf(k.cfg.data_dir, sizeof k.cfg.data_dir, "%s", data);
    snprintf(k.catalog_path, sizeof k.catalog_path, "%s/assets/catalog.json", k.root);
    if (boot_load_assets(&k, k.catalog_path) < 0 ||
        display_open_headless(&k.display, w, h, 0, err, sizeof err) < 0 ||
        boot_start_app(&k, 1796000000, NULL, NULL) < 0)
        return 1;
    screens_build(&k.view, &k.app);
    long before = rss_kb();
    speech_options_t so = {.device = device, .volume = k.cfg.speech_volume};
    double t0 = now_ms();
    if (!(k.speech = speech_open(&so, err, sizeof err))) {
        fprintf(stderr, "access-bench: %s\n", err);
        return 1;
    }
    speak_prepare(k.speech, k.i18n);
    speech_wait_idle(k.speech, 60000);
    double opened_ms = now_ms() - t0;
    long opened = rss_kb();
    k.view.speech = k.speech;
    /* Speech mode from the welcome screen, then to a form with the Bangla keyboard. */
    static const char *const flow[] = {"speech",          "lang:bn", "cat:up_certificates",
                                       "svc:income_cert", "next",    NULL};
    screens_press(&k.view, &k.app, flow[0]);
    screens_build(&k.view, &k.app);
    speech_wait_idle(k.speech, 60000);
    for (const char *const *id = flow + 1; *id; id++)
        use(&k, *id);
    if (k.app.screen != SCREEN_FORM) {
        fprintf(stderr, "access-bench: the flow did not reach the form\n");
        return 1;
    }
    measure_keys(&k);
    long after = rss_kb();
    speech_stats_t st;
    speech_stats(k.speech, &st);
    printf(
        "speech mode: speech_open and the fixed sentences prepared: %.0f ms; RSS %.1f MB before, "
        "+%.1f MB after speech_open, +%.1f MB after a flow said aloud (cache %.2f MB, %llu "
        "utterances)\n",
        opened_ms, (double)before / 1024.0, (double)(opened - before) / 1024.0,
        (double)(after - before) / 1024.0, (double)st.cache_bytes / 1048576.0,
        (unsigned long long)st.said);
    boot_free(&k);
    TTF_Quit();
    SDL_Quit();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", data);
    return system(cmd) == 0 ? 0 : 1;
}
