/* shell/options.c - getopt_long with strict values. */
#define _GNU_SOURCE /* getopt_long */
#include "shell/options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "0.1.0"
#endif
#ifndef KIOSK_DATADIR
#define KIOSK_DATADIR "/usr/share/sheba-kiosk"
#endif

void options_usage(FILE *out)
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
            "  --open-export FILE --key SECRET\n"
            "                       a sealed USB export as JSON Lines on stdout, opened with\n"
            "                       the register's secret key\n"
            "  --signing-key FILE   sign receipts with this key instead of DATA/signing.key\n"
            "  --set-pin            set the technician PIN (6-12 digits, read from stdin)\n"
            "  --hash-pin           print the Argon2id hash of a PIN read from stdin\n"
            "                       (for tools/provision)\n"
            "  --sync-now           send the journal's waiting events to [sync] broker and\n"
            "                       exit: 0 when none is left, 1 (with the count) otherwise\n"
            "  --mode kiosk|board   what this terminal is: a kiosk, or the centre's queue board\n"
            "                       (default: [terminal] role)\n"
            "  --set-counter-pin N  with --mode board: set counter N's PIN (6+ digits, stdin)\n"
            "  --audio-out DIR      write every spoken utterance as a WAV in DIR and a line in\n"
            "                       DIR/speech.log (tests)\n"
            "  --bench              with --mode board: log the wall-clock time of each frame\n"
            "                       shown and of each call's first audio sample (make bench)\n"
            "  --error-screen TEXT  show only a still error screen (the service's crash-loop\n"
            "                       fallback) until SIGTERM\n"
            "  --check-catalog FILE validate a catalog and exit\n"
            "  --list-services      print the catalog's services and exit\n"
            "  --help, --version\n");
}

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
    O_HASH_PIN,
    O_MODE,
    O_AUDIO_OUT,
    O_COUNTER_PIN,
    O_SYNC_NOW,
    O_BENCH,
    O_OPEN_EXPORT,
    O_KEY
};

static const struct option long_options[] = {{"config", 1, 0, O_CONFIG},
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
                                             {"mode", 1, 0, O_MODE},
                                             {"audio-out", 1, 0, O_AUDIO_OUT},
                                             {"set-counter-pin", 1, 0, O_COUNTER_PIN},
                                             {"sync-now", 0, 0, O_SYNC_NOW},
                                             {"bench", 0, 0, O_BENCH},
                                             {"open-export", 1, 0, O_OPEN_EXPORT},
                                             {"key", 1, 0, O_KEY},
                                             {0, 0, 0, 0}};

/* A whole decimal number from lo to hi, and nothing else: "10s", "-5" and "" are refused. */
static bool whole_number(const char *flag, const char *text, long long lo, long long hi,
                         const char *what, long long *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (errno || end == text || *end || text[0] == ' ' || n < lo || n > hi) {
        fprintf(stderr, "kiosk: %s: \"%s\" is not %s (%lld to %lld)\n", flag, text, what, lo, hi);
        return false;
    }
    *out = n;
    return true;
}

static bool parse_size(const char *s, int *w, int *h)
{
    char extra;
    if (sscanf(s, "%dx%d%c", w, h, &extra) == 2 && *w >= 200 && *h >= 200 && *w <= 8192 &&
        *h <= 8192)
        return true;
    fprintf(stderr, "kiosk: --size %s: expected WxH, 200 to 8192 each\n", s);
    return false;
}

/* A value the configuration also holds is checked as the configuration checks it, now: a
 * typo on the command line stops the program before anything starts. */
static bool config_value(const char *flag, const char *section, const char *key, const char *v)
{
    config_t scratch;
    char err[256];
    config_defaults(&scratch);
    if (config_set(&scratch, section, key, v, err, sizeof err) == 0)
        return true;
    fprintf(stderr, "kiosk: %s: %s\n", flag, err);
    return false;
}

static bool set_config(options_t *o, const char *path)
{
    if (o->config_count == OPTIONS_MAX_CONFIGS) {
        fprintf(stderr, "kiosk: at most %d --config files\n", OPTIONS_MAX_CONFIGS);
        return false;
    }
    o->configs[o->config_count++] = path;
    return true;
}

/* Options with a value to check. True when it was good. */
static bool checked(options_t *o, int c, const char *v)
{
    long long n;
    switch (c) {
    case O_CONFIG:
        return set_config(o, v);
    case O_SIZE:
        return parse_size(v, &o->size_w, &o->size_h);
    case O_ROT:
        o->rotation = v;
        return config_value("--rotation", "display", "rotation", v);
    case O_DPI:
        o->dpi = v;
        return config_value("--dpi", "display", "dpi", v);
    case O_IDLE:
        o->idle_timeout = v;
        return config_value("--idle-timeout", "kiosk", "idle_timeout", v);
    case O_LANG:
        o->lang = v;
        return config_value("--lang", "kiosk", "language", v);
    case O_EXIT:
        if (!whole_number("--exit-after", v, 0, 24LL * 3600 * 1000, "a number of milliseconds", &n))
            return false;
        o->exit_after_ms = (long)n;
        return true;
    case O_MONKEY:
        if (!whole_number("--monkey", v, 1, 1000000000, "a number of events", &n))
            return false;
        o->monkey = (long)n;
        return true;
    case O_MODE:
        o->mode = v;
        if (strcmp(v, "kiosk") == 0 || strcmp(v, "board") == 0)
            return true;
        fprintf(stderr, "kiosk: --mode: \"%s\": expected kiosk or board\n", v);
        return false;
    case O_COUNTER_PIN:
        if (!whole_number("--set-counter-pin", v, 1, 99, "a counter number", &n))
            return false;
        o->counter_pin = (int)n;
        return true;
    case O_SEED:
        if (!whole_number("--seed", v, 0, LLONG_MAX, "a seed", &n))
            return false;
        o->seed = (unsigned long long)n;
        return true;
    default:
        return false;
    }
}

/* Options that name a file, folder or text. True when c is one of them. */
static bool plain(options_t *o, int c, const char *v)
{
    const char **slot = c == O_DATA           ? &o->data
                        : c == O_CATALOG      ? &o->catalog
                        : c == O_ASSETS       ? &o->assets
                        : c == O_REPLAY       ? &o->replay
                        : c == O_SHOTS        ? &o->shots
                        : c == O_NOW          ? &o->now
                        : c == O_CHECK        ? &o->check_catalog
                        : c == O_PRINTER      ? &o->printer
                        : c == O_PAPER        ? &o->paper
                        : c == O_SINCE        ? &o->since
                        : c == O_IMPORT       ? &o->import
                        : c == O_SIGNING_KEY  ? &o->signing_key
                        : c == O_ERROR_SCREEN ? &o->error_screen
                        : c == O_AUDIO_OUT    ? &o->audio_out
                        : c == O_OPEN_EXPORT  ? &o->open_export
                        : c == O_KEY          ? &o->key
                                              : NULL;
    if (slot)
        *slot = v;
    return slot != NULL;
}

/* Options that are switches. True when c is one of them. */
static bool flag(options_t *o, int c)
{
    bool *slot = c == O_WINDOWED      ? &o->windowed
                 : c == O_HEADLESS    ? &o->headless
                 : c == O_LIST        ? &o->list_services
                 : c == O_PRINT_TEST  ? &o->print_test
                 : c == O_EXPORT      ? &o->export_journal
                 : c == O_NEW_JOURNAL ? &o->new_journal
                 : c == O_SET_PIN     ? &o->set_pin
                 : c == O_HASH_PIN    ? &o->hash_pin
                 : c == O_SYNC_NOW    ? &o->sync_now
                 : c == O_BENCH       ? &o->bench
                                      : NULL;
    if (slot)
        *slot = true;
    return slot != NULL;
}

int options_parse(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof *o);
    o->exit_after_ms = -1;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        if (c == O_HELP) {
            options_usage(stdout);
            return 0;
        }
        if (c == O_VERSION) {
            printf("sheba-kiosk %s\n", KIOSK_VERSION);
            return 0;
        }
        if (flag(o, c) || plain(o, c, optarg))
            continue;
        if (c >= O_CONFIG && checked(o, c, optarg))
            continue;
        if (c < O_CONFIG)
            options_usage(stderr);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "kiosk: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    return -1; /* go on */
}

options_mode_t options_mode(const options_t *o, bool board_role)
{
    if (o->hash_pin)
        return MODE_HASH_PIN;
    if (o->error_screen)
        return MODE_ERROR_SCREEN;
    if (o->set_pin)
        return MODE_SET_PIN;
    if (o->sync_now)
        return MODE_SYNC_NOW;
    if (o->export_journal || o->import || o->new_journal)
        return MODE_JOURNAL;
    if (o->open_export)
        return MODE_OPEN_EXPORT;
    if (o->check_catalog || o->list_services)
        return MODE_CHECK_CATALOG;
    bool board = o->mode ? strcmp(o->mode, "board") == 0 : board_role;
    if (board)
        return o->counter_pin ? MODE_COUNTER_PIN : MODE_BOARD;
    if (o->print_test)
        return MODE_PRINT_TEST;
    return o->headless ? MODE_HEADLESS : MODE_RUN;
}
