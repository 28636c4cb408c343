/*
 * shell/options.h - the kiosk's command line: every option parsed strictly (a number that is
 * not a number, or out of range, stops the program with exit status 2 and a message naming
 * the option and the value), and the one place that decides which mode runs.
 */
#ifndef SHELL_OPTIONS_H
#define SHELL_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OPTIONS_MAX_CONFIGS 4

/* What the program was asked to do; exactly one mode runs. */
typedef enum {
    MODE_RUN,           /* the kiosk on a display (the default) */
    MODE_HEADLESS,      /* offscreen, with --replay and --shots, or --monkey */
    MODE_PRINT_TEST,    /* --print-test */
    MODE_JOURNAL,       /* --export-journal, --import-journal, --new-journal */
    MODE_SET_PIN,       /* --set-pin */
    MODE_HASH_PIN,      /* --hash-pin */
    MODE_ERROR_SCREEN,  /* --error-screen TEXT */
    MODE_CHECK_CATALOG, /* --check-catalog FILE, --list-services */
    MODE_BOARD,         /* --mode board (or [terminal] role = board): the queue board */
    MODE_COUNTER_PIN,   /* --mode board --set-counter-pin N */
    MODE_SYNC_NOW,      /* --sync-now: drain the journal's outbox to the broker and exit */
    MODE_OPEN_EXPORT,   /* --open-export FILE --key SECRET */
} options_mode_t;

typedef struct {
    const char *configs[OPTIONS_MAX_CONFIGS]; /* later files override earlier ones */
    int config_count;
    const char *data, *catalog, *assets, *lang, *replay, *shots, *now, *check_catalog;
    const char *error_screen;
    const char *printer, *paper, *since, *import, *signing_key, *open_export, *key;
    const char *rotation, *dpi, *idle_timeout; /* checked, then set like the config file's */
    const char *mode;                          /* --mode kiosk|board; NULL: [terminal] role */
    const char *audio_out;                     /* --audio-out DIR: every utterance as a WAV */
    int counter_pin;                           /* --set-counter-pin N, or 0 */
    long monkey;
    unsigned long long seed;
    bool print_test, export_journal, new_journal, set_pin, hash_pin;
    bool windowed, headless, list_services, sync_now;
    bool bench; /* --bench (board): log when each frame and each call's first sample were ready */
    int size_w, size_h;
    long exit_after_ms; /* -1: never */
} options_t;

/* Parse argv. -1 to go on; otherwise the exit status (0 after --help or --version, 2 after
 * a message on stderr for anything malformed). */
int options_parse(int argc, char **argv, options_t *o);

/* Which mode the options ask for, the terminal's configured role deciding between the
 * kiosk and the board when --mode does not. When several are given, the first in this order
 * wins: hash-pin, error-screen, set-pin, journal, check-catalog, the board (and its counter
 * PINs), print-test, headless, run. */
options_mode_t options_mode(const options_t *o, bool board_role);

void options_usage(FILE *out);

#endif
