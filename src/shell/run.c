/* shell/run.c - the kiosk on a display: the main loop. */
#include <SDL.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "platform/input.h"
#include "platform/notify.h"
#include "shell/calibrate.h"
#include "shell/modes.h"
#include "screens/speak.h"
#include "shell/sleep.h"
#include "shell/speaker.h"
#include "ui/render.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

#define JOURNAL_RETRY_MS   5000  /* a full disk or an I/O error may pass: try again soon */
#define JOURNAL_RECHECK_MS 30000 /* damaged or missing: a technician runs --new-journal */

static void on_resize(kiosk_t *k, input_state_t *in)
{
    char err[256];
    if (display_resize(&k->display, err, sizeof err) < 0)
        return;
    ui_init(k->ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, k->cache);
    touch_map_t map;
    touch_map_init(&map, k->cfg.rotation, k->cfg.calibration, k->display.w, k->display.h);
    input_init(in, &map, k->display.panel_w, k->display.panel_h);
    k->view.dirty = true;
}

/* What the service manager shows for the kiosk (systemctl status): the printer's state. */
static void report_status(kiosk_t *k, notify_t *svc)
{
    char status[640];
    const char *printer = !k->has_printer       ? "none"
                          : !k->app.printed_any ? "unknown"
                                                : printer_result_name(k->app.last_print);
    if (!k->has_printer)
        snprintf(status, sizeof status, "ready; no printer configured");
    else if (!k->app.printed_any)
        snprintf(status, sizeof status, "ready; printer %s (not used yet)", k->cfg.printer);
    else
        snprintf(status, sizeof status, "ready; last receipt: %s", printer);
    if (k->sync) {
        sync_status_t st;
        sync_get_status(k->sync, &st);
        sync_set_device(k->sync, printer, "unknown");
        size_t n = strlen(status);
        snprintf(status + n, sizeof status - n, "; sync %s, %ld waiting%s",
                 st.connected ? "online" : "offline", (long)st.backlog,
                 st.band_refused ? "; TOKEN BAND REFUSED" : "");
        if (k->app.band_refused != st.band_refused) {
            k->app.band_refused = st.band_refused;
            app_changed(&k->app);
        }
    }
    notify_status(svc, status);
}

/* Between citizens: nobody's session open, the welcome screen up, no dialog. */
static void between_citizens(kiosk_t *k)
{
    if (!k->sync || k->app.screen != SCREEN_WELCOME || k->app.dialog != DIALOG_NONE)
        return;
    /* The kept push files change only when the sync thread keeps a newer push: read and
     * parse them then, not at every pass of the loop. */
    int catalog, config;
    sync_push_versions(k->sync, &catalog, &config);
    if (catalog > k->catalog_version || config > k->config_version)
        boot_apply_pushes(k);
}

/* In kiosk mode only SIGTERM (the service manager) ends the program: closing the window
 * (Alt+F4 where a window manager exists) is ignored; Ctrl+C and friends were ignored at
 * start. In --windowed mode everything quits as usual. */
static bool should_quit(const SDL_Event *ev, bool windowed, bool *close_seen)
{
    if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_CLOSE) {
        *close_seen = true;
        return windowed;
    }
    if (ev->type != SDL_QUIT)
        return false;
    bool from_window = *close_seen;
    *close_seen = false;
    return windowed || !from_window;
}

/* Speech mode's engine, once the first frame is up (loading eSpeak NG's voices takes a
 * fifth of a second that the screen need not wait for): without it the kiosk runs, and the
 * speaker button says so. */
static void open_speech(kiosk_t *k, const options_t *o)
{
    if ((k->speech = speaker_open(k, o, false)))
        speak_prepare(k->speech, k->i18n);
    k->view.speech = k->speech;
}

/* Draw when something changed; tell the service manager once the first frame is up. */
static void draw(kiosk_t *k, const options_t *o, notify_t *svc, bool *first)
{
    if (!screens_build(&k->view, &k->app))
        return;
    ui_render(k->ui, display_begin(&k->display), COLOR_BG);
    display_present(&k->display);
    if (*first) {
        notify_ready(svc); /* only once something is on the screen */
        open_speech(k, o);
    }
    *first = false;
}

/* Hand every pending event to the view (and so to the app). 1 to quit. */
static int events(kiosk_t *k, input_state_t *in, SDL_Event *ev, int got, bool windowed,
                  bool *close_seen)
{
    boot_update_centre(k); /* before touches: a confirmation estimates from the board now */
    for (; got; got = SDL_PollEvent(ev)) {
        event_t e;
        if (should_quit(ev, windowed, close_seen))
            return 1;
        if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
            on_resize(k, in);
        else if (ev->type == SDL_WINDOWEVENT && ev->window.event == SDL_WINDOWEVENT_EXPOSED)
            k->view.dirty = true;
        else if (input_translate(in, ev, &e))
            screens_input(&k->view, &k->app, &e);
    }
    calibrate_apply(in, &k->app, k->cfg.data_dir);
    return 0;
}

/* Sleep until an event or the next timer: an idle kiosk uses no CPU. */
static int main_loop(kiosk_t *k, const options_t *o, input_state_t *in, long exit_after_ms,
                     bool windowed)
{
    Uint64 t0 = SDL_GetTicks64();
    notify_t svc;
    bool first = true, close_seen = false;
    notify_init(&svc);
    for (;;) {
        draw(k, o, &svc, &first);
        report_status(k, &svc);
        between_citizens(k);
        uint64_t now = SDL_GetTicks64() - t0;
        notify_tick(&svc, now);
        uint64_t due = app_next_deadline(&k->app);
        if (notify_deadline(&svc) < due)
            due = notify_deadline(&svc);
        if (exit_after_ms >= 0 && (uint64_t)exit_after_ms < due)
            due = (uint64_t)exit_after_ms;
        SDL_Event ev;
        int got = sleep_next_event(k, &ev, due, now);
        app_advance(&k->app, SDL_GetTicks64() - t0);
        if (exit_after_ms >= 0 && k->app.now_ms >= (uint64_t)exit_after_ms)
            return 0;
        if (events(k, in, &ev, got, windowed, &close_seen))
            return 0;
        if (k->app.quit)
            return k->app.quit_status;
    }
}

/* Lockdown: no cursor, no screen saver, and no key or signal but SIGTERM ends it. */
static void lock_down(bool windowed)
{
    if (windowed) {
        SDL_StartTextInput(); /* a physical keyboard types into fields while developing */
        return;
    }
    SDL_ShowCursor(SDL_DISABLE);
    SDL_DisableScreenSaver();
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
}

/* The journal cannot be used (yet): a still screen in both languages says so and why, the
 * service manager hears it (STATUS=, and watchdog pings go on), and opening is tried again
 * every few seconds when the cause may pass (a full disk), every half minute when a
 * technician must act (--new-journal). 0 once it opened, 1 on SIGTERM or a failed start. */
static void journal_screen(kiosk_t *k, ui_t *ui)
{
    bool retry = k->journal_status == JOURNAL_RETRY;
    error_screen_build(ui,
                       retry ? "এই টার্মিনালটি এখন চালু করা যাচ্ছে না। কয়েক সেকেন্ড পরপর আবার "
                               "চেষ্টা করা হচ্ছে।"
                             : "অনুরোধের খাতা (জার্নাল) নষ্ট বা হারিয়ে গেছে, তাই এখন টোকেন "
                               "দেওয়া যাবে না। অনুগ্রহ করে টেকনিশিয়ানকে ডাকুন।",
                       retry ? "This terminal cannot start right now. It tries again every few "
                               "seconds."
                             : "The journal of requests is damaged or missing, so no tokens can "
                               "be issued. Please call a technician.",
                       k->journal_reason);
    ui_render(ui, display_begin(&k->display), COLOR_ERROR_BG);
    display_present(&k->display);
}

static int wait_for_journal(kiosk_t *k)
{
    ui_t *ui = calloc(1, sizeof *ui);
    textcache_t *cache = textcache_new(k->fonts);
    notify_t svc;
    char status[1400];
    int rc = 1;
    Uint64 t0 = SDL_GetTicks64();
    notify_init(&svc);
    notify_ready(&svc); /* up, and saying why it cannot serve */
    while (ui && cache && k->journal_status != JOURNAL_FAILED) {
        ui_init(ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, cache);
        journal_screen(k, ui);
        snprintf(status, sizeof status, "journal %s: %s", journal_status_name(k->journal_status),
                 k->journal_reason);
        notify_status(&svc, status);
        uint64_t now = SDL_GetTicks64() - t0;
        uint64_t retry =
            now + (k->journal_status == JOURNAL_RETRY ? JOURNAL_RETRY_MS : JOURNAL_RECHECK_MS);
        bool quit = false;
        for (; now < retry && !quit; now = SDL_GetTicks64() - t0) {
            notify_tick(&svc, now);
            uint64_t due = notify_deadline(&svc) < retry ? notify_deadline(&svc) : retry;
            SDL_Event ev;
            for (int got = sleep_next_event(k, &ev, due, now); got; got = SDL_PollEvent(&ev))
                quit |= ev.type == SDL_QUIT;
        }
        if (quit)
            break;
        if (boot_open_journal(k) == JOURNAL_OK) {
            rc = 0;
            break;
        }
    }
    free(ui);
    textcache_free(cache);
    return rc;
}

int run_kiosk(kiosk_t *k, const options_t *o)
{
    char err[1200];
    if (k->cfg.drm_device[0] && display_choose_card(k->cfg.drm_device, err, sizeof err) < 0)
        fprintf(stderr, "kiosk: [display] drm_device: %s; using SDL's choice\n", err);
    int w = o->size_w ? o->size_w : 1280, h = o->size_h ? o->size_h : 800;
    if (display_open_window(&k->display, o->windowed, w, h, k->cfg.rotation, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    display_log(&k->display);
    sleep_open(k);
    if (boot_open_journal(k) != JOURNAL_OK && wait_for_journal(k) != 0)
        return k->journal_status == JOURNAL_FAILED ? 1 : 0;
    if (boot_start_app(k, (int64_t)time(NULL), sleep_wake, k) < 0)
        return 1; /* it said why */
    touch_map_t map;
    touch_map_init(&map, k->cfg.rotation, k->cfg.calibration, k->display.w, k->display.h);
    input_state_t in;
    input_init(&in, &map, k->display.panel_w, k->display.panel_h);
    lock_down(o->windowed);
    int rc = main_loop(k, o, &in, o->exit_after_ms, o->windowed);
    if (k->own_wait)
        waiter_close(&k->waiter);
    return rc;
}
