/*
 * shell/boot.h - putting the kiosk together: finding its files, reading its configuration,
 * loading fonts, catalog and translations (each validated, with errors naming file and
 * place), opening the journal, and wiring the app and its view on an open display. Shared by
 * the program and the benchmark tool.
 */
#ifndef SHELL_BOOT_H
#define SHELL_BOOT_H

#include <stdint.h>

#include "app/app.h"
#include "config/config.h"
#include "platform/display.h"
#include "platform/waiter.h"
#include "printer/printjob.h"
#include "store/export_job.h"
#include "screens/screens.h"
#include "shell/options.h"
#include "store/journal.h"
#include "speech/speech.h"
#include "store/signing.h"
#include "sync/sync.h"

typedef struct textcache textcache_t;

typedef struct kiosk {
    config_t cfg;
    char root[1024]; /* holds assets/ and fonts/ */
    char catalog_path[1600];
    fonts_t *fonts;
    catalog_t *catalog;
    i18n_t *i18n;
    journal_t *journal;
    textcache_t *cache;
    ui_t *ui;
    app_t app;
    view_t view;
    sync_engine_t *sync;                 /* NULL: no [sync] broker (the embedded default) */
    sync_board_t board;                  /* the queue board's state as last copied from sync */
    unsigned long board_seq;             /* ...and which change of it that was */
    journal_status_t journal_status;     /* how the journal opened (boot_open_journal) */
    char journal_reason[1200];           /* why it did not */
    speech_t *speech;                    /* speech mode's engine; NULL: it could not start */
    int catalog_version, config_version; /* of the pushes in use (0: the card's own) */
    display_t display;
    bool has_printer;
    printer_spec_t printer;
    printer_profile_t paper;
    printjob_t job;
    bool job_ready;
    export_job_t export_job; /* the technician's export; set up with job */
    signing_key_t key;
    const char *key_file; /* --signing-key: a fixed key (tests); NULL: DATA/signing.key */
    waiter_t waiter;      /* KMSDRM: the loop sleeps in poll() instead of SDL's 1 ms polling */
    bool own_wait;
} kiosk_t;

/* The folder holding assets/ and fonts/: given, beside the program in a source tree
 * (build/kiosk -> ./assets), or the installed copy. */
void boot_find_root(const char *given, char *root, size_t cap);

/* The configuration: defaults, the --config files in order, the technician's calibration
 * (DATA/calibration.ini), then the command line's values; also where the catalog is. 0, or
 * -1 after printing why. */
int boot_load_config(kiosk_t *k, const options_t *o);

/* Fonts, the catalog at catalog_path and the translations. 0, or -1 after printing why. */
int boot_load_assets(kiosk_t *k, const char *catalog_path);

/* The printer and paper profile from the configuration (no printer when none is set).
 * 0, or -1 after printing why. */
int boot_load_printer(kiosk_t *k);

/* Open the journal: JOURNAL_OK, or why not (k->journal_reason, also on stderr). A kiosk on a
 * display waits and tries again when it cannot start now; the other statuses wait for a
 * technician (--new-journal). */
journal_status_t boot_open_journal(kiosk_t *k);

/* Journal (unless boot_open_journal opened it), text cache, display list, app and view on
 * the open display; notify (may be NULL) is called from the printing thread when a receipt is
 * done. 0, or -1 after printing why. */
int boot_start_app(kiosk_t *k, int64_t epoch, void (*notify)(void *ctx), void *ctx);

/* Between citizens (and at start): put a newer catalog or configuration pushed by the
 * register in place (sync/push.h), and tell the app. True when something changed. */
bool boot_apply_pushes(kiosk_t *k);

/* "2026-11-29T10:30" in Asia/Dhaka to Unix seconds. 0, or -1 when malformed. */
int boot_parse_now(const char *s, int64_t *out);

void boot_free(kiosk_t *k);

/* What the centre's queue board last said, handed to the app (for "N ahead of you" and the
 * technician's figures). Cheap enough for every batch of events: the board's state is copied
 * only when the sync thread saw it change; its freshness is looked at every time. */
void boot_update_centre(kiosk_t *k);

#endif
