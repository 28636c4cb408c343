/*
 * app/state.h - the app's state: everything the kiosk knows that a citizen or a technician
 * can change, and the few functions every part of the app shares (the clock, translations,
 * moving to a screen, forgetting the citizen).
 *
 * The app is the model. Its actions (app/app.h and the headers it gathers) change this state;
 * views (src/screens/) only read it, through a const pointer, to build what is shown. Views
 * notice a change by the counters below, never by a flag they would have to clear.
 *
 * Nothing else in the program holds mutable state, so the headless harness and the tests run
 * the real app on a simulated clock, and several apps side by side.
 */
#ifndef APP_STATE_H
#define APP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "catalog/search.h"
#include "catalog/validate.h"
#include "config/config.h"
#include "io/spawn.h"
#include "printer/printjob.h"
#include "store/export_job.h"
#include "store/journal.h"
#include "store/signing.h"
#include "sync/board.h"
#include "text/edit.h"
#include "text/fonts.h"
#include "text/i18n.h"

typedef enum {
    SCREEN_WELCOME,
    SCREEN_CATEGORIES,
    SCREEN_SEARCH, /* finding a service by typing */
    SCREEN_SERVICES,
    SCREEN_SERVICE,
    SCREEN_FORM,
    SCREEN_REVIEW,
    SCREEN_DONE,
    SCREEN_TECH_PIN, /* technician: the PIN pad */
    SCREEN_TECH,     /* technician: menu and pages */
    SCREEN_COUNT
} screen_t;

typedef enum { DIALOG_NONE, DIALOG_IDLE, DIALOG_HOME, DIALOG_ERROR } dialog_t;

#define APP_SEARCH_HITS 12 /* results kept for a query: more would not be read */
#define APP_SHORTCUTS   4  /* the categories screen's most-used services */
#define APP_PRIORITIES  5  /* none, and the queue's four (app/centre.h) */

/* The receipt of a confirmed request. */
typedef enum {
    RECEIPT_NONE, /* no printer configured: the token is on screen only */
    RECEIPT_PRINTING,
    RECEIPT_PRINTED,
    RECEIPT_FAILED, /* kept in the journal for a reprint; print_result says why */
    RECEIPT_QUEUED, /* waiting for the printer, busy with an earlier receipt */
    RECEIPT_UNKNOWN /* sent, but the printer did not confirm it: check it, or print again */
} receipt_state_t;

/* What a citizen chose so as to be able to use the kiosk (app/access.h): speech mode and its
 * volume, large text, the high-contrast theme, more time. For this citizen only: the wipe
 * between citizens resets them. */
typedef struct {
    bool speech;     /* speech mode: the view speaks, and a first touch names a target */
    int volume;      /* 0..100, from [speech] volume */
    bool large_text; /* about 1.5 times */
    bool contrast;   /* the high-contrast theme */
    int more_time;   /* how often the idle question's "more time" was taken */
} access_t;

/* Everything one citizen entered or was given. Wiped (zeroed) between citizens. */
typedef struct {
    int category;                                  /* -1: none chosen */
    int service;                                   /* -1: none chosen */
    int field;                                     /* the focused field of the form */
    text_edit_t input[CATALOG_MAX_FIELDS];         /* as typed */
    char value[CATALOG_MAX_FIELDS][TEXT_EDIT_CAP]; /* validated and normalized */
    valid_code_t error;                            /* of the focused field */
    lang_t text_script;    /* the script chosen for text fields (their keyboard) */
    int kb_page;           /* the keyboard's shift page */
    int form_service;      /* the service the inputs belong to (-1: none yet) */
    bool from_review;      /* editing one field from the review: next returns there */
    screen_t service_from; /* where the service was chosen: back returns there */
    text_edit_t query;     /* the search field */
    search_hit_t hits[APP_SEARCH_HITS];
    int hit_count; /* of the query as it is now; 0 with a query: nothing matched */
    char token[16];
    char tracking[96];
    char qr_payload[384];
    int64_t confirmed_at; /* unix seconds */
    int64_t request_id;   /* in the journal */
    receipt_state_t receipt;
    printer_result_t print_result;
    access_t access;
    int priority; /* the queue priority asked for on the review: app_priority_codes, 0 none */
    /* The place in the centre's queue when the token was issued (app/centre.h): ahead -1
     * when the board's figures were not fresh (nothing is shown), minutes -1 unknown. */
    int ahead, ahead_minutes;
} session_t;

typedef enum {
    TECH_MENU,
    TECH_PRINTER,
    TECH_REPRINT,
    TECH_COUNTS,
    TECH_EXPORT,
    TECH_CONFIG,
    TECH_TOUCH,
    TECH_CALIBRATE,
    TECH_PAGE_COUNT
} tech_page_t;

#define TECH_POINTS 512
#define TECH_ROWS   48

/* The technician's session: how it was entered, and what its pages show. */
typedef struct {
    int gesture;            /* 1: the first corner was held; the opposite one is next */
    uint64_t gesture_until; /* app clock */
    text_edit_t pin;
    tech_page_t page;
    char message[900]; /* the outcome of the last action, shown on the page */
    bool message_error;
    int16_t points[TECH_POINTS][2]; /* the touch test's trail */
    int point_count, point_next;
    int cal_step;           /* calibration: targets touched so far */
    float cal_raw[3][2];    /* where the panel said each target was touched (0..1) */
    int cal_target[3][2];   /* the targets, in logical pixels */
    bool calibration_ready; /* three touches to solve, apply and save (the shell's job) */
    int row_count;          /* reprint list, loaded when the page opens */
    journal_summary_t rows[TECH_ROWS];
    int count_count; /* today's counts, loaded when the page opens */
    journal_count_t counts[CATALOG_MAX_SERVICES];
    int64_t reprinting; /* request id of a reprint in progress (0: none) */
} tech_t;

/* Receipts that may wait while another prints. Every job ends within about a minute, so a
 * longer queue means the printer is stuck: the next receipt is a failure instead. */
#define APP_PRINT_QUEUE 8

typedef struct app {
    const config_t *cfg;
    const catalog_t *catalog;
    const i18n_t *i18n;
    fonts_t *fonts;                /* receipts are drawn with the screen's text engine */
    journal_t *journal;            /* NULL: requests cannot be confirmed (shown as an error) */
    const printer_spec_t *printer; /* NULL: no printer */
    const printer_profile_t *paper;
    printjob_t *job;          /* the printing thread's slot */
    export_job_t *export_job; /* the technician's export to a USB stick; NULL: none */
    spawn_t command;          /* the technician's "shut down", reaped by app_advance */
    /* Requests whose receipts wait for the printer, oldest first ("queued" in the journal). */
    int64_t print_queue[APP_PRINT_QUEUE];
    int print_queued;
    const signing_key_t *key; /* signs QR payloads; NULL: unsigned */
    const char *data_dir;     /* PIN, lock and calibration files live here */

    lang_t lang;
    screen_t screen;
    dialog_t dialog;
    session_t s;
    tech_t tech;

    uint64_t now_ms; /* monotonic, real or simulated */
    uint64_t last_input_ms;
    uint64_t dialog_since_ms;
    int64_t epoch_unix;   /* wall clock at now_ms == 0 */
    char error_msgid[64]; /* DIALOG_ERROR: what went wrong */

    /* What views watch. Counters, not flags: a view compares them with what it last saw, so
     * it never has to write to the app. */
    unsigned changes; /* something shown changed */
    unsigned visits;  /* a screen or a technician page was entered: scrolling starts at 0 */
    unsigned wipes;   /* the citizen was forgotten: views zero their caches too */

    /* How often this terminal issued each service (the last 90 days): ranks search results
     * and picks the shortcuts. Read at start and after each confirm. */
    int uses[CATALOG_MAX_SERVICES];
    int shortcuts[APP_SHORTCUTS];
    int shortcut_count;

    int64_t next_retention; /* unix time of the next erase of old entries */
    bool printed_any;       /* a receipt job has ended since start */
    printer_result_t last_print;
    /* The register refused this terminal's token band (another terminal of the centre holds
     * it): tokens could collide, so none is issued until a technician fixes the band. */
    bool band_refused;
    /* The centre's queue board, as the shell last copied it (app_set_centre). */
    sync_board_t centre;
    bool centre_fresh;
    bool quit; /* the technician asked to restart or shut down */
    int quit_status;
} app_t;

/* Something a view shows changed. */
void app_changed(app_t *app);

/* Wall-clock time now (unix seconds). */
int64_t app_unix_now(const app_t *app);

/* A translated string in the session's language. */
const char *app_tr(const app_t *app, const char *msgid);

/* Move to a screen (a new visit: its scrolling starts at the top). */
void app_go(app_t *app, screen_t to);

/* Forget the citizen: zero the session and go back to the welcome screen. */
void app_wipe(app_t *app);

/* True when the citizen has entered or chosen anything worth a "leave?" question. */
bool app_has_data(const app_t *app);

/* The QR payload of a confirmed session (its service, token and tracking id set): signed with
 * the terminal's key, or the bare URL when there is no key or signing fails. */
void app_qr_payload(const app_t *app, session_t *s);

/* The service the session is about (its index must be set). */
const catalog_service_t *app_service(const app_t *app);

/* The screen's id for tests: "screen:welcome" ... */
const char *app_screen_id(screen_t s);

#endif
