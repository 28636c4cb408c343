/*
 * shell/queue_board.c - the centre's queue board (kiosk --mode board): the same firmware on a
 * TV. The board's parts (src/board/: the queue, the counters' web app, the MQTT side) run in
 * their own threads; this loop draws the board whenever it changed, and hands each call to
 * the speech engine: a chime, the call in Bangla, then in English, never overlapping.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <SDL.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board/board.h"
#include "io/file.h"
#include "platform/notify.h"
#include "shell/modes.h"
#include "shell/sleep.h"
#include "shell/speaker.h"
#include "speech/speech.h"
#include "ui/render.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "0.1.0"
#endif

/* A call, as the centre hears it: a chime, Bangla, then English; a recall the same again. */
static void announce(speech_t *sp, const queue_call_t *c, int64_t unix_time)
{
    speech_phrase_t p;
    if (!sp)
        return;
    if (speech_phrase_call(&p, LANG_BN, c->token, c->counter) == 0)
        speech_say_phrase(sp, &p, unix_time, SPEECH_CHIME);
    if (speech_phrase_call(&p, LANG_EN, c->token, c->counter) == 0)
        speech_say_phrase(sp, &p, unix_time, 0);
}

/* The board's parts from the configuration. */
static board_t *open_board(const kiosk_t *k, int64_t offset_ms, char *paths, size_t path_cap)
{
    char err[FILE_PATH_MAX + 256];
    char *web = paths, *fonts = paths + path_cap / 2;
    file_path(web, path_cap / 2, k->root, "assets/web");
    file_path(fonts, path_cap / 2, k->root, "fonts");
    char host[256] = "";
    int port = 0;
    bool tls = false;
    if (k->cfg.sync.broker[0] && (config_broker_parse(k->cfg.sync.broker, &tls, host, sizeof host,
                                                      &port, err, sizeof err) < 0 ||
                                  tls)) {
        /* The board meets the kiosks on the centre's own broker, on the centre's network. */
        fprintf(stderr, "kiosk: board: [sync] broker: %s\n",
                tls ? "the board speaks plain MQTT to the centre's broker" : err);
        return NULL;
    }
    board_opts_t bo = {.data_dir = k->cfg.data_dir,
                       .http_listen = k->cfg.board_http[0] ? k->cfg.board_http : NULL,
                       .web_dir = web,
                       .fonts_dir = fonts,
                       .broker_host = host[0] ? host : NULL,
                       .broker_port = port,
                       .prefix = k->cfg.sync.topic_prefix,
                       .centre = k->cfg.centre_id,
                       .terminal = k->cfg.terminal_id,
                       .version = KIOSK_VERSION,
                       .clock_offset_ms = offset_ms};
    board_t *b = board_open(&bo, err, sizeof err);
    if (!b)
        fprintf(stderr, "kiosk: board: %s\n", err);
    else if (bo.http_listen)
        fprintf(stderr, "kiosk: board: counters' web app on port %d\n", board_http_port(b));
    return b;
}

/* From the board's threads: wake the main loop (SDL's queue is thread-safe). */
static void wake(void *ctx)
{
    sleep_wake(ctx);
}

typedef struct {
    kiosk_t *k;
    const options_t *o;
    board_t *b;
    speech_t *sp;
    int64_t offset_ms;
    /* --bench: a call handed to speech at said_ms, whose first sample is awaited */
    bool bench_pending;
    int64_t said_ms;
    uint64_t started_before;
} board_loop_t;

/* --bench: when the call's first sample was ready (wall clock), once the engine says so.
 * The engine's own latency is exact for the first utterance; if the next one started too
 * before we looked, the time we looked bounds it. */
static void bench_audio(board_loop_t *L)
{
    speech_stats_t st;
    if (!L->bench_pending)
        return;
    speech_stats(L->sp, &st);
    if (st.started <= L->started_before)
        return;
    int64_t at = st.started == L->started_before + 1 ? L->said_ms + st.last_latency_us / 1000
                                                     : queue_wall_ms();
    fprintf(stderr, "kiosk: board: bench: first sample %lld\n", (long long)at);
    L->bench_pending = false;
}

/* Draw when the board changed; --shots DIR keeps DIR/board.png the board as shown. */
static void draw(board_loop_t *L, int64_t now, notify_t *svc, bool *first)
{
    kiosk_t *k = L->k;
    const char *names[LANG_COUNT] = {k->cfg.centre_name[LANG_BN], k->cfg.centre_name[LANG_EN]};
    char err[FILE_PATH_MAX + 256], path[FILE_PATH_MAX];
    if (!board_build(L->b, k->ui, now, names))
        return;
    ui_render(k->ui, display_begin(&k->display), COLOR_BG);
    display_present(&k->display);
    if (L->o->bench)
        fprintf(stderr, "kiosk: board: bench: frame %lld\n", (long long)queue_wall_ms());
    if (L->o->shots && (file_path(path, sizeof path, L->o->shots, "board.png") < 0 ||
                        display_screenshot(&k->display, path, err, sizeof err) < 0))
        fprintf(stderr, "kiosk: --shots: %s\n", err);
    if (*first)
        notify_ready(svc);
    *first = false;
}

static int loop(board_loop_t *L)
{
    notify_t svc;
    bool first = true;
    Uint64 t0 = SDL_GetTicks64();
    notify_init(&svc);
    notify_status(&svc, "ready; queue board");
    for (;;) {
        int64_t now = queue_wall_ms() + L->offset_ms;
        uint64_t mono = SDL_GetTicks64() - t0;
        draw(L, now, &svc, &first);
        queue_call_t c;
        while (board_poll_call(L->b, &c)) {
            if (L->o->bench && L->sp && !L->bench_pending) {
                speech_stats_t st;
                speech_stats(L->sp, &st);
                L->bench_pending = true;
                L->started_before = st.started;
                L->said_ms = queue_wall_ms();
            }
            announce(L->sp, &c, now / 1000);
        }
        bench_audio(L);
        notify_tick(&svc, mono);
        int64_t due = board_next_deadline(L->b, now) - now;
        uint64_t due_mono = mono + (uint64_t)(due > 0 ? due : 0);
        if (L->bench_pending && due_mono > mono + 2)
            due_mono = mono + 2; /* look again soon: the engine does not wake this loop */
        if (notify_deadline(&svc) < due_mono)
            due_mono = notify_deadline(&svc);
        if (L->o->exit_after_ms >= 0 && (uint64_t)L->o->exit_after_ms < due_mono)
            due_mono = (uint64_t)L->o->exit_after_ms;
        SDL_Event ev;
        int got = sleep_next_event(L->k, &ev, due_mono, mono);
        if (L->o->exit_after_ms >= 0 && SDL_GetTicks64() - t0 >= (uint64_t)L->o->exit_after_ms)
            return 0;
        for (; got; got = SDL_PollEvent(&ev)) {
            if (ev.type == SDL_QUIT)
                return 0;
            if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_EXPOSED)
                board_redraw(L->b);
        }
    }
}

/* The wall clock's offset for --now (tests see a fixed day); 0 without it. -1 when bad. */
static int clock_offset(const options_t *o, int64_t *offset_ms)
{
    int64_t epoch;
    *offset_ms = 0;
    if (!o->now)
        return 0;
    if (boot_parse_now(o->now, &epoch) < 0) {
        fprintf(stderr, "kiosk: --now %s: expected YYYY-MM-DDTHH:MM\n", o->now);
        return -1;
    }
    *offset_ms = epoch * 1000 - queue_wall_ms();
    return 0;
}

static int open_display(kiosk_t *k, const options_t *o)
{
    char err[1200];
    int w = o->size_w ? o->size_w : 1920, h = o->size_h ? o->size_h : 1080;
    int rc =
        o->headless
            ? display_open_headless(&k->display, w, h, k->cfg.rotation, err, sizeof err)
            : display_open_window(&k->display, o->windowed, w, h, k->cfg.rotation, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    if (!o->headless) {
        display_log(&k->display);
        sleep_open(k);
        SDL_ShowCursor(SDL_DISABLE);
        SDL_DisableScreenSaver();
    }
    k->cache = textcache_new(k->fonts);
    k->ui = calloc(1, sizeof *k->ui);
    if (!k->cache || !k->ui)
        return -1;
    ui_init(k->ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, k->cache);
    return 0;
}

int queue_board_run(kiosk_t *k, const options_t *o)
{
    board_loop_t L = {.k = k, .o = o};
    char paths[2 * FILE_PATH_MAX];
    if (clock_offset(o, &L.offset_ms) < 0)
        return 2;
    if (open_display(k, o) < 0)
        return 1;
    signal(SIGPIPE, SIG_IGN); /* a browser closing its event stream must not end the board */
    if (!(L.b = open_board(k, L.offset_ms, paths, sizeof paths)))
        return 1;
    board_set_wake(L.b, wake, k);
    L.sp = speaker_open(k, o, o->headless); /* no speech: the board still shows every call */
    int rc = loop(&L);
    board_close(L.b);
    speech_close(L.sp);
    return rc;
}

int queue_board_set_pin(const kiosk_t *k, int counter)
{
    char pin[64] = "", err[512];
    if (!fgets(pin, sizeof pin, stdin)) {
        fprintf(stderr, "kiosk: --set-counter-pin: no PIN on standard input\n");
        return 1;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    int rc = queue_set_counter_pin(k->cfg.data_dir, counter, pin, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    if (rc < 0) {
        fprintf(stderr, "kiosk: --set-counter-pin: %s\n", err);
        return 1;
    }
    printf("counter %d: PIN set in %s/queue.sqlite\n", counter, k->cfg.data_dir);
    return 0;
}
