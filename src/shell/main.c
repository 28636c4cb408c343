/*
 * app/main.c - the kiosk program: command line, start-up checks, and the main loop.
 * Everything is loaded and validated before the first frame; any problem stops the
 * program with a message naming the file and place, and a non-zero exit status.
 */
#define _GNU_SOURCE /* getopt_long, sigaction names */
#include <SDL.h>
#include <SDL_ttf.h>
#include <getopt.h>
#include <limits.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "shell/boot.h"
#include "config/config.h"
#include "app/print.h"
#include "platform/display.h"
#include "platform/input.h"
#include "shell/monkey.h"
#include "shell/replay.h"
#include "platform/notify.h"
#include "platform/wait.h"
#include "store/export.h"
#include "store/pin.h"
#include "store/journal.h"
#include "text/fonts.h"
#include "text/locale.h"
#include "ui/render.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "0.1.0"
#endif
#ifndef KIOSK_DATADIR
#define KIOSK_DATADIR "/usr/share/sheba-kiosk"
#endif

typedef struct {
    const char *configs[4]; /* --config may be given more than once: later files override */
    int config_count;
    const char *data, *catalog, *assets, *lang, *replay, *shots, *now, *check_catalog;
    const char *error_screen;
    const char *printer, *paper, *since, *import, *signing_key;
    long monkey;
    unsigned long long seed;
    bool print_test, export_journal, new_journal, set_pin, hash_pin;
    bool windowed, headless, list_services;
    int size_w, size_h, rotation, dpi, idle_timeout;
    long exit_after_ms;
} options_t;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: kiosk [OPTIONS]\n"
            "Sheba Kiosk: a self-service terminal for Bangladesh's digital centres.\n\n"
            "  --config FILE        read settings from an INI file (see assets/kiosk.ini);\n"
            "                       again to read more files, each overriding the last\n"
            "  --data DIR           the data folder (journal); default ./var\n"
            "  --catalog FILE       the service catalog; default assets/catalog.json\n"
            "  --assets DIR         where assets/ and fonts/ are (default: found next to the\n"
            "                       program, else " KIOSK_DATADIR ")\n"
            "  --lang bn|en         the default language\n"
            "  --windowed           a window instead of full screen (development)\n"
            "  --size WxH           window or headless size in pixels\n"
            "  --rotation DEG       0, 90, 180 or 270\n"
            "  --dpi N              the panel's dots per inch\n"
            "  --idle-timeout S     seconds of silence before \"still there?\"\n"
            "  --headless           run offscreen (with --replay and --shots)\n"
            "  --replay SCRIPT      run a replay script (see README)\n"
            "  --shots DIR          where replay screenshots go\n"
            "  --monkey N           headless: N random touches, drags, keys, language switches\n"
            "                       and clock jumps (--seed S makes a run repeatable)\n"
            "  --now YYYY-MM-DDTHH:MM  the wall clock at start (Asia/Dhaka; headless default\n"
            "                       2026-11-29T10:30)\n"
            "  --exit-after MS      quit after MS milliseconds (benchmarks)\n"
            "  --printer SPEC       usb, usb:VID:PID, lp:PATH, tcp:HOST:PORT, file:PATH or\n"
            "                       png:DIR (see assets/kiosk.ini)\n"
            "  --paper NAME         58mm, 80mm, tm-t88 or a printer profile INI\n"
            "  --print-test         print a test page on the configured printer and exit\n"
            "  --export-journal     write the journal as JSON Lines to stdout and exit\n"
            "  --since YYYY-MM-DD   with --export-journal: only requests from that day on\n"
            "  --import-journal FILE  add the requests of an export that are not in the journal\n"
            "  --new-journal        after a damaged journal was moved aside: start a new one\n"
            "  --signing-key FILE   sign receipts with this key instead of DATA/signing.key\n"
            "  --set-pin            set the technician PIN (4-12 digits, read from stdin)\n"
            "  --hash-pin           print the Argon2id hash of a PIN read from stdin\n"
            "                       (for tools/provision)\n"
            "  --error-screen TEXT  show only a still error screen (the service's crash-loop\n"
            "                       fallback) until SIGTERM\n"
            "  --check-catalog FILE validate a catalog and exit\n"
            "  --list-services      print the catalog's services and exit\n"
            "  --help, --version\n");
}

static int parse_size(const char *s, int *w, int *h)
{
    char extra;
    return sscanf(s, "%dx%d%c", w, h, &extra) == 2 && *w >= 200 && *h >= 200 && *w <= 8192 &&
                   *h <= 8192
               ? 0
               : -1;
}

static int parse_options(int argc, char **argv, options_t *o)
{
    enum {
        O_CONFIG = 256,
        O_DATA,
        O_CATALOG,
        O_ASSETS,
        O_LANG,
        O_WINDOWED,
        O_SIZE,
        O_ROT,
        O_DPI,
        O_IDLE,
        O_HEADLESS,
        O_REPLAY,
        O_SHOTS,
        O_NOW,
        O_EXIT,
        O_CHECK,
        O_LIST,
        O_HELP,
        O_VERSION,
        O_PRINTER,
        O_PAPER,
        O_PRINT_TEST,
        O_EXPORT,
        O_SINCE,
        O_IMPORT,
        O_NEW_JOURNAL,
        O_SIGNING_KEY,
        O_MONKEY,
        O_SEED,
        O_SET_PIN,
        O_ERROR_SCREEN,
        O_HASH_PIN
    };
    static const struct option opts[] = {{"config", 1, 0, O_CONFIG},
                                         {"data", 1, 0, O_DATA},
                                         {"catalog", 1, 0, O_CATALOG},
                                         {"assets", 1, 0, O_ASSETS},
                                         {"lang", 1, 0, O_LANG},
                                         {"windowed", 0, 0, O_WINDOWED},
                                         {"size", 1, 0, O_SIZE},
                                         {"rotation", 1, 0, O_ROT},
                                         {"dpi", 1, 0, O_DPI},
                                         {"idle-timeout", 1, 0, O_IDLE},
                                         {"headless", 0, 0, O_HEADLESS},
                                         {"replay", 1, 0, O_REPLAY},
                                         {"shots", 1, 0, O_SHOTS},
                                         {"now", 1, 0, O_NOW},
                                         {"exit-after", 1, 0, O_EXIT},
                                         {"check-catalog", 1, 0, O_CHECK},
                                         {"list-services", 0, 0, O_LIST},
                                         {"help", 0, 0, O_HELP},
                                         {"version", 0, 0, O_VERSION},
                                         {"printer", 1, 0, O_PRINTER},
                                         {"paper", 1, 0, O_PAPER},
                                         {"print-test", 0, 0, O_PRINT_TEST},
                                         {"export-journal", 0, 0, O_EXPORT},
                                         {"since", 1, 0, O_SINCE},
                                         {"import-journal", 1, 0, O_IMPORT},
                                         {"new-journal", 0, 0, O_NEW_JOURNAL},
                                         {"signing-key", 1, 0, O_SIGNING_KEY},
                                         {"monkey", 1, 0, O_MONKEY},
                                         {"seed", 1, 0, O_SEED},
                                         {"set-pin", 0, 0, O_SET_PIN},
                                         {"error-screen", 1, 0, O_ERROR_SCREEN},
                                         {"hash-pin", 0, 0, O_HASH_PIN},
                                         {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->rotation = o->dpi = o->idle_timeout = -1;
    o->exit_after_ms = -1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_CONFIG:
            if (o->config_count == 4) {
                fprintf(stderr, "kiosk: at most 4 --config files\n");
                return 2;
            }
            o->configs[o->config_count++] = optarg;
            break;
        case O_DATA:
            o->data = optarg;
            break;
        case O_CATALOG:
            o->catalog = optarg;
            break;
        case O_ASSETS:
            o->assets = optarg;
            break;
        case O_LANG:
            o->lang = optarg;
            break;
        case O_WINDOWED:
            o->windowed = true;
            break;
        case O_SIZE:
            if (parse_size(optarg, &o->size_w, &o->size_h) < 0) {
                fprintf(stderr, "kiosk: --size %s: expected WxH, 200 to 8192 each\n", optarg);
                return 2;
            }
            break;
        case O_ROT:
            o->rotation = atoi(optarg);
            break;
        case O_DPI:
            o->dpi = atoi(optarg);
            break;
        case O_IDLE:
            o->idle_timeout = atoi(optarg);
            break;
        case O_HEADLESS:
            o->headless = true;
            break;
        case O_REPLAY:
            o->replay = optarg;
            break;
        case O_SHOTS:
            o->shots = optarg;
            break;
        case O_NOW:
            o->now = optarg;
            break;
        case O_EXIT:
            o->exit_after_ms = atol(optarg);
            break;
        case O_CHECK:
            o->check_catalog = optarg;
            break;
        case O_LIST:
            o->list_services = true;
            break;
        case O_HELP:
            usage(stdout);
            return 0;
        case O_VERSION:
            printf("sheba-kiosk %s\n", KIOSK_VERSION);
            return 0;
        case O_PRINTER:
            o->printer = optarg;
            break;
        case O_PAPER:
            o->paper = optarg;
            break;
        case O_PRINT_TEST:
            o->print_test = true;
            break;
        case O_EXPORT:
            o->export_journal = true;
            break;
        case O_SINCE:
            o->since = optarg;
            break;
        case O_IMPORT:
            o->import = optarg;
            break;
        case O_NEW_JOURNAL:
            o->new_journal = true;
            break;
        case O_SIGNING_KEY:
            o->signing_key = optarg;
            break;
        case O_MONKEY:
            o->monkey = atol(optarg);
            break;
        case O_SEED:
            o->seed = strtoull(optarg, NULL, 0);
            break;
        case O_SET_PIN:
            o->set_pin = true;
            break;
        case O_ERROR_SCREEN:
            o->error_screen = optarg;
            break;
        case O_HASH_PIN:
            o->hash_pin = true;
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kiosk: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    return -1; /* go on */
}

static int override(config_t *c, const char *sec, const char *key, const char *val,
                    const char *flag)
{
    char err[256];
    if (!val || config_set(c, sec, key, val, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "kiosk: %s: %s\n", flag, err);
    return -1;
}

static int int_override(config_t *c, const char *sec, const char *key, int v, const char *flag)
{
    char s[32];
    snprintf(s, sizeof s, "%d", v);
    return v < 0 ? 0 : override(c, sec, key, s, flag);
}

/* The technician's calibration (DATA/calibration.ini) overrides the configuration's. */
static int load_calibration(kiosk_t *k, const options_t *o)
{
    char path[1100], err[600];
    const char *dir = o->data ? o->data : k->cfg.data_dir;
    snprintf(path, sizeof path, "%s/calibration.ini", dir);
    if (access(path, R_OK) != 0)
        return 0;
    if (config_load(&k->cfg, path, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

static int load_config(kiosk_t *k, const options_t *o)
{
    char err[512];
    config_defaults(&k->cfg);
    for (int i = 0; i < o->config_count; i++)
        if (config_load(&k->cfg, o->configs[i], err, sizeof err) < 0) {
            fprintf(stderr, "kiosk: %s\n", err);
            return -1;
        }
    if (load_calibration(k, o) < 0)
        return -1;
    if (override(&k->cfg, "kiosk", "data", o->data, "--data") < 0 ||
        override(&k->cfg, "kiosk", "language", o->lang, "--lang") < 0 ||
        override(&k->cfg, "printer", "spec", o->printer, "--printer") < 0 ||
        override(&k->cfg, "printer", "paper", o->paper, "--paper") < 0 ||
        int_override(&k->cfg, "display", "rotation", o->rotation, "--rotation") < 0 ||
        int_override(&k->cfg, "display", "dpi", o->dpi, "--dpi") < 0 ||
        int_override(&k->cfg, "kiosk", "idle_timeout", o->idle_timeout, "--idle-timeout") < 0)
        return -1;
    const char *cat = o->catalog ? o->catalog : k->cfg.catalog;
    if (o->catalog || cat[0] == '/')
        snprintf(k->catalog_path, sizeof k->catalog_path, "%s", cat);
    else
        snprintf(k->catalog_path, sizeof k->catalog_path, "%s/assets/%s", k->root, cat);
    return 0;
}

/* Memory may grow while caches fill, then must stay flat: allow 2 MB after the first tenth. */
#define MONKEY_GROWTH_KB 2048

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

static int run_headless(kiosk_t *k, const options_t *o)
{
    char err[1024];
    int64_t epoch;
    if (boot_parse_now(o->now ? o->now : "2026-11-29T10:30", &epoch) < 0) {
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
    replay_t r = {.app = &k->app, .display = &k->display, .shots_dir = o->shots};
    touch_map_t map;
    touch_map_init(&map, k->cfg.rotation, k->cfg.calibration, w, h);
    input_init(&r.input, &map, w, h);
    replay_render(&r);
    if (o->replay && replay_file(&r, o->replay, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    if (o->monkey > 0)
        return run_monkey(&r, o->monkey, o->seed);
    return 0;
}

/* From the printing thread: wake the main loop (SDL's event queue is thread-safe; on KMSDRM
 * the loop sleeps in the waiter, which SDL_PushEvent cannot reach). */
static void wake(void *ctx)
{
    kiosk_t *k = ctx;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_USEREVENT;
    SDL_PushEvent(&ev);
    if (k->own_wait)
        waiter_wake(&k->waiter);
}

/* SDL 2.26 cannot sleep on KMSDRM (see platform/wait.h): there the loop waits itself. */
static void open_waiter(kiosk_t *k)
{
    char err[300];
    if (!display_is_kms())
        return;
    k->own_wait = waiter_open(&k->waiter, "/dev/input", err, sizeof err) == 0;
    if (!k->own_wait)
        fprintf(stderr, "kiosk: %s; idling with SDL's polling\n", err);
}

/* The next event, waiting at most until `due` (UINT64_MAX: no deadline). 0 when none came
 * (a timeout, or a wake that SDL had nothing for). */
static int next_event(kiosk_t *k, SDL_Event *ev, uint64_t due, uint64_t now)
{
    int timeout = due == UINT64_MAX     ? -1
                  : due <= now          ? 0
                  : due - now > INT_MAX ? INT_MAX
                                        : (int)(due - now);
    if (!k->own_wait)
        return timeout < 0 ? SDL_WaitEvent(ev) : SDL_WaitEventTimeout(ev, timeout);
    if (SDL_PollEvent(ev))
        return 1;
    waiter_wait(&k->waiter, timeout);
    return SDL_PollEvent(ev);
}

static void on_resize(kiosk_t *k, input_state_t *in)
{
    char err[256];
    if (display_resize(&k->display, err, sizeof err) < 0)
        return;
    ui_init(k->ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, k->cache);
    touch_map_t map;
    touch_map_init(&map, k->cfg.rotation, k->cfg.calibration, k->display.w, k->display.h);
    input_init(in, &map, k->display.panel_w, k->display.panel_h);
    k->app.dirty = true;
}

/* What the service manager shows for the kiosk (systemctl status): the printer's state. */
static void report_status(kiosk_t *k, notify_t *svc)
{
    char status[640];
    if (!k->has_printer)
        snprintf(status, sizeof status, "ready; no printer configured");
    else if (!k->app.printed_any)
        snprintf(status, sizeof status, "ready; printer %s (not used yet)", k->cfg.printer);
    else
        snprintf(status, sizeof status, "ready; last receipt: %s",
                 print_result_name(k->app.last_print));
    notify_status(svc, status);
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

/* Sleep until an event or the next timer: an idle kiosk uses no CPU. */
static int main_loop(kiosk_t *k, input_state_t *in, long exit_after_ms, bool windowed)
{
    Uint64 t0 = SDL_GetTicks64();
    notify_t svc;
    bool first = true, close_seen = false;
    notify_init(&svc);
    for (;;) {
        if (app_build(&k->app)) {
            ui_render(k->ui, display_begin(&k->display), COLOR_BG);
            display_present(&k->display);
            if (first)
                notify_ready(&svc); /* only once something is on the screen */
            first = false;
        }
        report_status(k, &svc);
        uint64_t now = SDL_GetTicks64() - t0;
        notify_tick(&svc, now);
        uint64_t due = app_next_deadline(&k->app);
        if (notify_deadline(&svc) < due)
            due = notify_deadline(&svc);
        if (exit_after_ms >= 0 && (uint64_t)exit_after_ms < due)
            due = (uint64_t)exit_after_ms;
        SDL_Event ev;
        int got = next_event(k, &ev, due, now);
        app_advance(&k->app, SDL_GetTicks64() - t0);
        if (exit_after_ms >= 0 && k->app.now_ms >= (uint64_t)exit_after_ms)
            return 0;
        for (; got; got = SDL_PollEvent(&ev)) {
            app_input_t ai;
            if (should_quit(&ev, windowed, &close_seen))
                return 0;
            if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                on_resize(k, in);
            else if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_EXPOSED)
                k->app.dirty = true;
            else if (input_translate(in, &ev, &ai))
                app_input(&k->app, &ai);
        }
        input_apply_calibration(in, &k->app, k->cfg.data_dir);
        if (k->app.quit)
            return k->app.quit_status;
    }
}

static int run_display(kiosk_t *k, const options_t *o)
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
    open_waiter(k);
    if (boot_start_app(k, (int64_t)time(NULL), wake, k) < 0)
        return 1; /* it said why */
    touch_map_t map;
    touch_map_init(&map, k->cfg.rotation, k->cfg.calibration, k->display.w, k->display.h);
    input_state_t in;
    input_init(&in, &map, k->display.panel_w, k->display.panel_h);
    if (o->windowed) {
        SDL_StartTextInput(); /* a physical keyboard types into fields while developing */
    } else {
        /* Lockdown: no cursor, no screen saver, and no key or signal but SIGTERM ends it. */
        SDL_ShowCursor(SDL_DISABLE);
        SDL_DisableScreenSaver();
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
    }
    int rc = main_loop(k, &in, o->exit_after_ms, o->windowed);
    if (k->own_wait)
        waiter_close(&k->waiter);
    return rc;
}

static int run_print_test(kiosk_t *k)
{
    char detail[800];
    if (!k->has_printer) {
        fprintf(stderr,
                "kiosk: --print-test: no printer configured (--printer or [printer] spec)\n");
        return 1;
    }
    print_result_t r = print_test_page(k->fonts, &k->printer, &k->paper, detail, sizeof detail);
    if (r != PRINT_OK) {
        fprintf(stderr, "kiosk: test page: %s: %s\n", print_result_name(r), detail);
        return 1;
    }
    printf("test page printed (%s, %d dots)\n", k->paper.name, k->paper.width_dots);
    return 0;
}

static int import_file(journal_t *j, const char *path)
{
    char err[1200];
    size_t len = 0;
    char *text = SDL_LoadFile(path, &len);
    if (!text) {
        fprintf(stderr, "kiosk: %s: cannot read: %s\n", path, SDL_GetError());
        return 1;
    }
    long added, skipped;
    int rc = journal_import(j, path, text, len, &added, &skipped, err, sizeof err);
    SDL_free(text);
    if (rc < 0) {
        fprintf(stderr, "kiosk: %s (nothing was added)\n", err);
        return 1;
    }
    printf("%s: %ld requests added, %ld already in the journal\n", path, added, skipped);
    return 0;
}

/* One line from stdin without echo when it is a terminal. */
static bool read_secret(const char *prompt, char *out, size_t cap)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)cap, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

static int hash_pin(void)
{
    char pin[64] = "", hash[256], err[256] = "";
    if (!read_secret("Technician PIN (4-12 digits): ", pin, sizeof pin) ||
        pin_hash(pin, hash, sizeof hash, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: --hash-pin: %s\n", pin[0] ? err : "no PIN on standard input");
        explicit_bzero(pin, sizeof pin);
        return 1;
    }
    explicit_bzero(pin, sizeof pin);
    printf("%s\n", hash);
    return 0;
}

static int set_pin(const kiosk_t *k)
{
    char pin[64], again[64], err[600];
    if (!read_secret("Technician PIN (4-12 digits): ", pin, sizeof pin)) {
        fprintf(stderr, "kiosk: --set-pin: no PIN on standard input\n");
        return 1;
    }
    if (isatty(STDIN_FILENO) &&
        (!read_secret("Again: ", again, sizeof again) || strcmp(pin, again) != 0)) {
        fprintf(stderr, "kiosk: --set-pin: the two PINs differ\n");
        return 1;
    }
    struct stat st;
    if (stat(k->cfg.data_dir, &st) != 0 && mkdir(k->cfg.data_dir, 0700) != 0) {
        fprintf(stderr, "kiosk: %s: %s\n", k->cfg.data_dir, strerror(errno));
        return 1;
    }
    int rc = pin_set(k->cfg.data_dir, pin, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    explicit_bzero(again, sizeof again);
    if (rc < 0) {
        fprintf(stderr, "kiosk: --set-pin: %s\n", err);
        return 1;
    }
    printf("technician PIN set in %s/technician.pin\n", k->cfg.data_dir);
    return 0;
}

/* --export-journal, --import-journal, --new-journal: work on the data folder and exit. */
static int journal_command(kiosk_t *k, const options_t *o)
{
    char err[1200];
    if (o->new_journal && journal_accept_new(k->cfg.data_dir, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    journal_t *j = journal_open(k->cfg.data_dir, err, sizeof err);
    if (!j) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (o->export_journal) {
        int64_t since = 0;
        char iso[40];
        snprintf(iso, sizeof iso, "%.10sT00:00:00+06:00", o->since ? o->since : "");
        if (o->since && (strlen(o->since) != 10 || (since = journal_parse_time(iso)) < 0)) {
            fprintf(stderr, "kiosk: --since %s: expected YYYY-MM-DD\n", o->since);
            rc = 2;
        } else if (journal_export(j, since, stdout, err, sizeof err) < 0) {
            fprintf(stderr, "kiosk: %s\n", err);
            rc = 1;
        }
    } else if (o->import) {
        rc = import_file(j, o->import);
    }
    journal_close(j);
    return rc;
}

/* The crash-loop fallback: a still screen in both languages, drawn with nothing but the
 * fonts (the catalog, translations or journal may be what is broken), until SIGTERM. Its
 * texts are built in for the same reason. */
static void error_screen_build(ui_t *ui, const char *detail)
{
    int pad = ui_mm(ui, 8.0f), w = ui->w - 2 * pad, isz = ui_mm(ui, 16.0f), y = pad;
    ui_begin(ui);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, ui->h}, COLOR_ERROR_BG, 0);
    ui_icon(ui, (ui_rect_t){(ui->w - isz) / 2, y, isz, isz}, 0xe002, COLOR_ERROR);
    y += isz + pad / 2;
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0},
                      "এই টার্মিনালটি এখন চালু হচ্ছে না। অনুগ্রহ করে সেন্টারের কর্মী বা "
                      "টেকনিশিয়ানকে জানান।",
                      SIZE_TITLE, true, COLOR_ERROR, TEXT_ALIGN_CENTER, 3);
    y += pad / 2;
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0},
                      "This terminal cannot start right now. Please tell the centre staff or a "
                      "technician.",
                      SIZE_LABEL, false, COLOR_ERROR, TEXT_ALIGN_CENTER, 3);
    widget_label(ui, (ui_rect_t){pad, y + pad, w, 0}, detail, SIZE_SMALL, false, COLOR_MUTED,
                 TEXT_ALIGN_CENTER, 4);
    ui_mark(ui, "screen:error", (ui_rect_t){0, 0, ui->w, ui->h});
}

/* Draw the still screen, then redraw only when the window asks, until SIGTERM. */
static int error_screen_loop(kiosk_t *k, const options_t *o)
{
    char err[300];
    for (bool draw = true;;) {
        if (draw) {
            ui_render(k->ui, display_begin(&k->display), COLOR_ERROR_BG);
            display_present(&k->display);
        }
        if (o->headless) /* tests: one frame, as a PNG when --shots is given */
            return o->shots && display_screenshot(&k->display, o->shots, err, sizeof err) < 0;
        SDL_Event ev;
        if (!next_event(k, &ev, UINT64_MAX, 0)) {
            if (!k->own_wait)
                return 0; /* SDL_WaitEvent itself failed */
            draw = false; /* woken for nothing SDL reports: sleep again */
            continue;
        }
        if (ev.type == SDL_QUIT)
            return 0;
        draw = ev.type == SDL_WINDOWEVENT;
    }
}

static int run_error_screen(kiosk_t *k, const options_t *o)
{
    char err[768], dir[1100];
    int w = o->size_w ? o->size_w : 1280, h = o->size_h ? o->size_h : 800;
    snprintf(dir, sizeof dir, "%s/fonts", k->root);
    k->fonts = fonts_open(dir, err, sizeof err); /* no fonts: a plain red screen still says it */
    int rc = o->headless ? display_open_headless(&k->display, w, h, 0, err, sizeof err)
                         : display_open_window(&k->display, o->windowed, w, h, 0, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    if (!o->headless) {
        display_log(&k->display);
        open_waiter(k); /* a still screen, maybe for hours: it must not poll */
    }
    k->cache = k->fonts ? textcache_new(k->fonts) : NULL;
    k->ui = calloc(1, sizeof *k->ui);
    if (!k->ui)
        return 1;
    ui_init(k->ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, k->cache);
    if (k->fonts)
        error_screen_build(k->ui, o->error_screen);
    else
        ui_rect(k->ui, (ui_rect_t){0, 0, k->ui->w, k->ui->h}, COLOR_ERROR, 0);
    if (!o->windowed && !o->headless) {
        SDL_ShowCursor(SDL_DISABLE);
        signal(SIGINT, SIG_IGN);
    }
    return error_screen_loop(k, o);
}

static int check_catalog(kiosk_t *k, const char *path, bool list)
{
    if (boot_load_assets(k, path) < 0)
        return 1;
    if (list)
        catalog_list_services(k->catalog, stdout);
    else
        printf("%s: OK, %d categories, %d services\n", path, k->catalog->category_count,
               k->catalog->service_count);
    return 0;
}

int main(int argc, char **argv)
{
    options_t o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    static kiosk_t k;
    boot_find_root(o.assets, k.root, sizeof k.root);
    k.key_file = o.signing_key;
    if (load_config(&k, &o) < 0)
        return 1;
    if (o.hash_pin) {
        rc = hash_pin();
    } else if (o.error_screen) {
        rc = run_error_screen(&k, &o);
    } else if (o.set_pin) {
        rc = set_pin(&k);
    } else if (o.export_journal || o.import || o.new_journal) {
        rc = journal_command(&k, &o);
    } else if (o.check_catalog || o.list_services) {
        rc = check_catalog(&k, o.check_catalog ? o.check_catalog : k.catalog_path, o.list_services);
    } else if (boot_load_assets(&k, k.catalog_path) < 0 || boot_load_printer(&k) < 0) {
        rc = 1;
    } else if (o.print_test) {
        rc = run_print_test(&k);
    } else {
        rc = o.headless ? run_headless(&k, &o) : run_display(&k, &o);
    }
    boot_free(&k);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
