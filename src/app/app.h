/*
 * app/app.h - the one app context: everything the kiosk knows, changed only by input and
 * time, read by the screens to build what is shown.
 *
 *   input (taps, keys, ticks) -> app_input / app_advance -> app state
 *   app state -> screens (app_build) -> display list -> renderer
 *
 * Nothing else in the program holds mutable state, so the headless harness and the tests
 * can run the real app with a simulated clock, and several apps side by side.
 */
#ifndef APP_APP_H
#define APP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "printer/printjob.h"
#include "store/journal.h"
#include "store/signing.h"
#include "catalog/catalog.h"
#include "catalog/validate.h"
#include "text/edit.h"
#include "text/i18n.h"
#include "ui/keyboard.h"
#include "ui/ui.h"

typedef struct journal journal_t;

typedef enum {
    SCREEN_WELCOME,
    SCREEN_CATEGORIES,
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

/* The receipt of a confirmed request. */
typedef enum {
    RECEIPT_NONE, /* no printer configured: the token is on screen only */
    RECEIPT_PRINTING,
    RECEIPT_PRINTED,
    RECEIPT_FAILED /* kept in the journal for a reprint; print_result says why */
} receipt_state_t;

/* Everything one citizen entered or was given. Wiped (zeroed) between citizens. */
typedef struct {
    int category;                                  /* -1: none chosen */
    int service;                                   /* -1: none chosen */
    int field;                                     /* the focused field of the form */
    text_edit_t input[CATALOG_MAX_FIELDS];         /* as typed */
    char value[CATALOG_MAX_FIELDS][TEXT_EDIT_CAP]; /* validated and normalized */
    valid_code_t error;                            /* of the focused field */
    kb_layout_t text_kb;                           /* script chosen for text fields */
    int kb_page;
    int form_service; /* the service the inputs belong to (-1: none yet) */
    bool from_review; /* editing one field from the review: next returns there */
    int scroll;       /* services list, pixels */
    char token[16];
    char tracking[96];
    char qr_payload[384];
    int64_t confirmed_at; /* unix seconds */
    int64_t request_id;   /* in the journal */
    receipt_state_t receipt;
    print_result_t print_result;
} session_t;

/* What the platform hands the app, in logical (rotated, calibrated) pixels. */
typedef enum {
    INPUT_TOUCH_DOWN,
    INPUT_TOUCH_MOVE,
    INPUT_TOUCH_UP,
    INPUT_TEXT,      /* text from a physical keyboard (development) */
    INPUT_BACKSPACE, /* physical keys, same meaning as the on-screen ones */
    INPUT_ENTER,
} input_kind_t;

typedef struct {
    input_kind_t kind;
    int x, y;
    char text[32];
    bool has_raw; /* touches: where on the panel, before calibration (0..1) */
    float raw_x, raw_y;
} app_input_t;

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
    uint64_t press_started; /* when the finger now down went down */
    text_edit_t pin;
    tech_page_t page;
    char message[900]; /* the outcome of the last action, shown on the page */
    bool message_error;
    int16_t points[TECH_POINTS][2]; /* the touch test's trail */
    int point_count, point_next;
    int cal_step;           /* calibration: targets touched so far */
    float cal_raw[3][2];    /* where the panel said each target was touched (0..1) */
    int cal_target[3][2];   /* the targets, in logical pixels */
    bool calibration_ready; /* three touches to solve, apply and save (the platform's job) */
    int row_count;          /* reprint list */
    journal_summary_t rows[TECH_ROWS];
    int64_t reprinting; /* request id of a reprint in progress (0: none) */
} tech_t;

typedef struct app {
    const config_t *cfg;
    const catalog_t *catalog;
    const i18n_t *i18n;
    fonts_t *fonts;
    journal_t *journal;            /* NULL: requests cannot be confirmed (shown as an error) */
    const printer_spec_t *printer; /* NULL: no printer */
    const printer_profile_t *paper;
    printjob_t *job;          /* the printing thread's slot */
    const signing_key_t *key; /* signs QR payloads; NULL: unsigned */

    lang_t lang;
    screen_t screen;
    dialog_t dialog;
    session_t s;

    uint64_t now_ms; /* monotonic, real or simulated */
    uint64_t last_input_ms;
    uint64_t dialog_since_ms;
    int64_t epoch_unix;   /* wall clock at now_ms == 0 */
    char error_msgid[64]; /* DIALOG_ERROR: what went wrong */

    bool dirty;    /* something changed since the last build */
    bool pressing; /* a finger is down */
    bool dragging;
    int press_x, press_y, press_scroll;
    char press_id[UI_ID_MAX];

    int64_t next_retention; /* unix time of the next erase of old entries */
    bool printed_any;       /* a receipt job has ended since start */
    print_result_t last_print;
    bool quit; /* the technician asked to restart or shut down */
    int quit_status;
    int scroll_max; /* set by the services screen when built */
    ui_rect_t scroll_area;
    /* Set by the form when built: where the focused field's text starts on screen (scrolled)
     * and its size, so a tap in the field can put the caret where the finger was. */
    int field_text_x, field_text_px;

    ui_t *ui; /* the display list of the last build */
    tech_t tech;
    const char *data_dir; /* PIN, lock and calibration files live here */
} app_t;

/* Start in the welcome screen. The app borrows every pointer. */
void app_init(app_t *app, const config_t *cfg, const catalog_t *cat, const i18n_t *i18n,
              fonts_t *fonts, journal_t *journal, ui_t *ui, int64_t epoch_unix);

/* Feed one input event at the current time. */
void app_input(app_t *app, const app_input_t *in);

/* Advance the clock to now_ms and run any timer that is due. */
void app_advance(app_t *app, uint64_t now_ms);

/* When the next timer is due (ms on the app clock), or UINT64_MAX when none. */
uint64_t app_next_deadline(const app_t *app);

/* Rebuild the display list if something changed; true if it did. */
bool app_build(app_t *app);

/* Act on a pressed widget id, as a tap on it would. */
void app_press(app_t *app, const char *id);

/* Forget the citizen: zero the session, the display list and cached texts. */
void app_wipe(app_t *app);

/* Wall-clock time now (unix seconds). */
int64_t app_unix_now(const app_t *app);

/* A translated string in the session's language. */
const char *app_tr(const app_t *app, const char *msgid);

/* True when the citizen has entered or chosen anything worth a "leave?" question. */
bool app_has_data(const app_t *app);

/* The QR payload of a confirmed session (its service, token and tracking id set): signed with
 * the terminal's key, or the bare URL when there is no key or signing fails. */
void app_qr_payload(const app_t *app, session_t *s);

/* The screen's id for tests: "screen:welcome" ... */
const char *app_screen_id(screen_t s);

#endif
