/*
 * tests/fuzz/fuzz_replay.c - fuzz target for replay scripts (replay_text): the headless
 * harness's language, run against the real app, so a script reaches every screen, the
 * on-screen keyboards, the validators, the journal and the receipt encoder.
 *
 * The app is set up once (static state: loading fonts, catalog and translations takes far
 * longer than running a script) on an 800x480 offscreen display, with a journal in a
 * temporary folder and a printer writing to /dev/null, so a confirmed request also composes
 * and encodes its receipt. Between inputs the app is reset to the welcome screen with its
 * clock at zero. Requests confirmed by earlier inputs stay in the journal (token numbers
 * go up): harmless, and cheaper than a new journal per input.
 *
 * "shot" fails cleanly: there is no shots folder. Inputs are capped at 4 KB and at 10 minutes
 * of simulated time, so no input can make the target slow.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <SDL.h>
#include <SDL_ttf.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell/boot.h"
#include "shell/replay.h"
#include "platform/touch.h"
#include "ui/textcache.h"

#define SCRIPT_CAP  4096
#define MAX_WAIT_MS (10LL * 60 * 1000) /* idle.replay waits 145 s; this allows a few cycles */
#define SCREEN_W    800
#define SCREEN_H    480

static kiosk_t k;
static app_t fresh; /* k.app as boot_start_app left it */
static replay_t r;
static int64_t epoch;

static void fatal(const char *what)
{
    fprintf(stderr, "fuzz_replay: setup failed: %s\n", what);
    abort();
}

/* The folder holding assets/ and fonts/: the working directory in a source tree (how the
 * tests and tools/fuzz run), else beside the program. */
static void find_root(void)
{
    boot_find_root(access("assets/catalog.json", R_OK) == 0 ? "." : NULL, k.root, sizeof k.root);
}

/* Every file in dir (the journal, the signing key made on first start), then dir. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[CONFIG_PATH_MAX + 256];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* At exit: close everything (leak checkers run after this) and remove the data folder. */
static void cleanup(void)
{
    char dir[CONFIG_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", k.cfg.data_dir);
    boot_free(&k);
    TTF_Quit();
    SDL_Quit();
    remove_dir(dir);
}

static void setup(void)
{
    char err[512];
    find_root();
    config_defaults(&k.cfg);
    /* The journal syncs every commit: in memory (/dev/shm) that costs nothing. */
    snprintf(k.cfg.data_dir, sizeof k.cfg.data_dir, "%s/kiosk-fuzz-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(k.cfg.data_dir))
        fatal("mkdtemp");
    snprintf(k.cfg.printer, sizeof k.cfg.printer, "file:/dev/null");
    snprintf(k.catalog_path, sizeof k.catalog_path, "%s/assets/catalog.json", k.root);
    if (boot_parse_now("2026-11-29T10:30", &epoch) < 0 ||
        boot_load_assets(&k, k.catalog_path) < 0 || boot_load_printer(&k) < 0)
        fatal("assets or printer (see above)");
    if (display_open_headless(&k.display, SCREEN_W, SCREEN_H, 0, err, sizeof err) < 0)
        fatal(err);
    if (boot_start_app(&k, epoch, NULL, NULL) < 0)
        fatal("app (see above)");
    fresh = k.app;
    r.app = &k.app;
    r.view = &k.view;
    r.display = &k.display;
    r.shots_dir = NULL;
    atexit(cleanup);
}

/* The app as it was right after start: welcome screen, clock at zero. A receipt still
 * printing from the last input is finished first, so it cannot land in this one; the view
 * starts again too, with an empty display list and no cached texts. */
static void reset(void)
{
    printjob_wait(&k.job);
    app_advance(&k.app, k.app.now_ms);
    k.app = fresh;
    ui_wipe(k.ui);
    textcache_clear(k.cache);
    screens_init(&k.view, k.ui);
    touch_map_t map;
    touch_map_init(&map, k.cfg.rotation, k.cfg.calibration, SCREEN_W, SCREEN_H);
    input_init(&r.input, &map, SCREEN_W, SCREEN_H);
}

/* The simulated time the script's "wait" lines add up to, parsed as replay.c does (an
 * overestimate for lines it would reject, which only makes the cap stricter). */
static long long total_wait(const char *text)
{
    long long sum = 0;
    for (const char *line = text; line && sum <= MAX_WAIT_MS;) {
        const char *p = line + strspn(line, " \t"), *nl = strchr(line, '\n');
        line = nl ? nl + 1 : NULL;
        if (strncmp(p, "wait", 4) != 0 || (p[4] != ' ' && p[4] != '\t'))
            continue;
        long long ms = strtoll(p + 4, NULL, 10);
        if (ms > 0)
            sum += ms > MAX_WAIT_MS ? MAX_WAIT_MS + 1 : ms;
    }
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[SCRIPT_CAP + 1];
    if (size > SCRIPT_CAP)
        return -1; /* not kept in the corpus */
    memcpy(text, data, size);
    text[size] = '\0';
    if (total_wait(text) > MAX_WAIT_MS)
        return -1;
    if (!r.app)
        setup();
    reset();
    char err[600] = "";
    /* The script is given from libFuzzer's own buffer: a read past its end is caught. */
    if (replay_text(&r, "fuzz.replay", (const char *)data, size, err, sizeof err) < 0 &&
        strncmp(err, "fuzz.replay:", 12) != 0)
        abort(); /* every failure names the script and line */
    return 0;
}
