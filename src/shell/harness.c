/* shell/harness.c - the headless harness: replays and the monkey, on simulated time. */
#include <SDL.h>
#include <stdio.h>

#include "shell/modes.h"
#include "shell/monkey.h"
#include "shell/replay.h"
#include "shell/speaker.h"
#include "sync/sync.h"

/* Memory may grow while caches fill, then must stay flat: allow 2 MB after the first tenth. */
#define MONKEY_GROWTH_KB 2048

/* The wall clock of a headless run when --now is not given: tests see a fixed day. */
#define HARNESS_DEFAULT_NOW "2026-11-29T10:30"

static int run_monkey(replay_t *r, long n, unsigned long long seed)
{
    monkey_stats_t st;
    monkey_run(r, n, (uint64_t)seed, &st);
    printf("monkey: %ld events (seed %llu): %ld presses, %ld taps, %ld drags, %ld texts, %ld clock "
           "jumps, %ld frames drawn, %ld requests confirmed; RSS %ld kB after a tenth, %ld kB at "
           "the end\n",
           st.events, seed, st.presses, st.taps, st.drags, st.texts, st.jumps, st.renders,
           st.confirms, st.rss_kb_warm, st.rss_kb_end);
#if defined(__SANITIZE_ADDRESS__)
    /* ASan keeps freed memory in quarantine: RSS says nothing here. LeakSanitizer checks at
     * exit instead; the release build checks that memory stays flat. */
    return 0;
#endif
    if (st.rss_kb_end - st.rss_kb_warm > MONKEY_GROWTH_KB) {
        fprintf(stderr, "kiosk: monkey: memory grew by %ld kB\n", st.rss_kb_end - st.rss_kb_warm);
        return 1;
    }
    return 0;
}

typedef struct {
    kiosk_t *k;
    const options_t *o;
} opener_t;

static speech_t *open_speech(void *ctx)
{
    opener_t *op = ctx;
    op->k->speech = speaker_open(op->k, op->o, true);
    return op->k->speech;
}

/* With [sync] broker, the register's word about this terminal (a refused token band) is a
 * retained message that a kiosk on a screen has long before a citizen confirms. A replay
 * runs on simulated time, so let it arrive first: until the broker granted the
 * subscriptions (at most 5 s: an unreachable broker only delays the run), then 300 ms for
 * what is retained to follow on the connection. */
static void wait_for_sync(kiosk_t *k)
{
    sync_status_t st;
    for (int waited = 0; waited < 5000; waited += 50) {
        sync_get_status(k->sync, &st);
        if (st.subscribed)
            break;
        SDL_Delay(50);
    }
    if (st.subscribed)
        SDL_Delay(300);
    sync_get_status(k->sync, &st);
    k->app.band_refused = st.band_refused;
    /* The board's figures too, once: a replay's "N ahead of you" is what the board said now. */
    boot_update_centre(k);
}

int harness_run(kiosk_t *k, const options_t *o)
{
    char err[1024];
    int64_t epoch;
    if (boot_parse_now(o->now ? o->now : HARNESS_DEFAULT_NOW, &epoch) < 0) {
        fprintf(stderr, "kiosk: --now %s: expected YYYY-MM-DDTHH:MM\n", o->now);
        return 2;
    }
    int w = o->size_w ? o->size_w : 800, h = o->size_h ? o->size_h : 480;
    if (display_open_headless(&k->display, w, h, k->cfg.rotation, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    if (boot_start_app(k, epoch, NULL, NULL) < 0)
        return 1; /* it said why */
    /* Replays may use speech mode (nothing plays; --audio-out keeps what was said): the engine
     * opens when a script first asks for it. The monkey runs without: its memory check is the
     * screens', and the speaker button's answer without an engine gets exercised. */
    opener_t opener = {k, o};
    if (o->monkey <= 0) {
        k->view.open_speech = open_speech;
        k->view.open_speech_ctx = &opener;
    }
    if (k->sync)
        wait_for_sync(k);
    replay_t r = {.app = &k->app, .view = &k->view, .display = &k->display, .shots_dir = o->shots};
    touch_map_t map;
    touch_map_init(&map, k->cfg.rotation, k->cfg.calibration, w, h);
    input_init(&r.input, &map, w, h);
    replay_render(&r);
    int rc = 0;
    if (o->replay && replay_file(&r, o->replay, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        rc = 1;
    } else if (o->monkey > 0) {
        rc = run_monkey(&r, o->monkey, o->seed);
    }
    k->view.open_speech = NULL; /* the opener lives in this frame; the engine in k */
    return rc;
}
