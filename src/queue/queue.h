/*
 * queue/queue.h - the centre's queue, kept by the display board in its own SQLite file
 * (DATA/queue.sqlite: WAL, synchronous FULL, schema versions in user_version).
 *
 * Every change of a token is a row of an event log (issued, called, recalled, serving, done,
 * noshow, transferred) written in the same transaction as the token's current state, so a
 * power cut leaves the queue as it was after the last answered action, and today's figures
 * are computed from the log.
 *
 * Every action is atomic (one IMMEDIATE transaction: all of it or nothing) and idempotent:
 *  - by state: "next" is refused while the counter still has a called or serving token, and
 *    done/no-show/recall check the token's state, so a double click cannot skip a person;
 *  - by request id: a client may send a request id (the web app sends one per button press);
 *    the same id again answers the first result without changing anything.
 *
 * Priority policy (documented in the README): among the tokens a counter may call, those
 * transferred to that counter come first; otherwise, when priority and regular tokens both
 * wait, a priority token is called unless one of the last two tokens the centre called today
 * was a priority one. So calls go P R R P R R ...: priority citizens wait least, and regular
 * tokens get at least two of every three calls (they never starve). Within a class, the
 * earliest issued goes first.
 *
 * Threads: one mutex guards the SQLite connection and the counters, so the HTTP server's
 * threads, the MQTT thread and the display may all call in. The listener is called after each
 * committed change, outside the lock, from the thread that made the change.
 *
 * Times are Unix milliseconds passed in by the caller (tests use known times); "today" is
 * the Asia/Dhaka date of now.
 */
#ifndef QUEUE_QUEUE_H
#define QUEUE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUEUE_TOKEN_MAX    16
#define QUEUE_CAT_MAX      8
#define QUEUE_SERVICE_MAX  64
#define QUEUE_TRACKING_MAX 96
#define QUEUE_NAME_MAX     64
#define QUEUE_CATS_MAX     64 /* a counter's categories: "A,B,C" */
#define QUEUE_MAX_COUNTERS 32
#define QUEUE_MAX_LIST     64 /* waiting tokens listed in a snapshot (counts are exact) */
#define QUEUE_MAX_CATS     26
#define QUEUE_MAX_SERVICES 32
#define QUEUE_LAST_CALLS   8
#define QUEUE_REQUEST_MAX  64 /* a client's request id */
#define QUEUE_SESSION_HEX  32 /* 128 random bits as hex */
#define QUEUE_PIN_MIN      6  /* counter PINs: at least 6 digits */
#define QUEUE_SESSION_MS   (12LL * 3600 * 1000)
#define QUEUE_LOGIN_FREE   5 /* failures before a counter's logins are locked */

typedef struct queue queue_t;

typedef enum { QUEUE_WAITING, QUEUE_CALLED, QUEUE_SERVING, QUEUE_DONE, QUEUE_NOSHOW } queue_state_t;

/* Results, with the HTTP status the API answers them with. */
typedef enum {
    QUEUE_OK = 0,      /* 200 */
    QUEUE_EMPTY,       /* 200 {"token": null}: nothing waits that this counter may call */
    QUEUE_E_BAD,       /* 400: a field is malformed */
    QUEUE_E_AUTH,      /* 401: wrong PIN, unknown counter, missing or expired session */
    QUEUE_E_FORBIDDEN, /* 403: a token of another counter */
    QUEUE_E_UNKNOWN,   /* 404: no such token (or counter) */
    QUEUE_E_CONFLICT,  /* 409: the token or counter is not in a state that allows it */
    QUEUE_E_LOCKED,    /* 429: too many wrong PINs; try again later */
    QUEUE_E_INTERNAL   /* 500: the database failed; nothing was applied */
} queue_status_t;

/* What went wrong, and which field ("token", "counter", "category", "pin", "request"...). */
typedef struct {
    char msg[256];
    char where[32];
} queue_err_t;

typedef struct {
    char token[QUEUE_TOKEN_MAX];
    char tracking[QUEUE_TRACKING_MAX];
    char category[QUEUE_CAT_MAX];
    char service[QUEUE_SERVICE_MAX];
    char priority[16]; /* "" or elderly, disability, pregnancy, child */
    char terminal[32];
    queue_state_t state;
    int counter;        /* calling or serving counter; 0 while waiting */
    int target_counter; /* transferred to this counter; 0 when any */
    int calls;          /* 1 after the first call, +1 per recall */
    int64_t issued_ms;
    int64_t called_ms; /* the last call or recall */
    bool replayed;     /* this answer repeats an earlier request with the same id */
} queue_token_t;

/* One call to announce (the speech engine says it in Bangla, then English). */
typedef struct {
    char token[QUEUE_TOKEN_MAX];
    int counter;
    bool recall;
    int64_t at_ms;
} queue_call_t;

/* Today's figures of a service, category or counter; times in seconds, -1 when no sample.
 * Percentiles are nearest-rank: the value at rank ceil(p*n) of the sorted samples. */
typedef struct {
    char key[QUEUE_SERVICE_MAX];
    int served, noshow;
    int wait_median_s, wait_p90_s;
    int service_median_s, service_p90_s;
} queue_stat_t;

typedef struct {
    int number;
    char name[QUEUE_NAME_MAX];
    char categories[QUEUE_CATS_MAX]; /* "" serves every category */
    bool paused;
    bool has_pin;
    char token[QUEUE_TOKEN_MAX]; /* its called or serving token, "" when none */
} queue_counter_t;

typedef struct {
    char category[QUEUE_CAT_MAX];
    int waiting, priority_waiting;
    char last_called[QUEUE_TOKEN_MAX];
} queue_cat_t;

/* The queue at one moment: what the board shows and the API and MQTT publish. */
typedef struct {
    int64_t at_ms;
    unsigned long version;
    int waiting_total;
    int n_cats;
    queue_cat_t cats[QUEUE_MAX_CATS];
    int n_waiting; /* listed, at most QUEUE_MAX_LIST, in issue order */
    queue_token_t waiting[QUEUE_MAX_LIST];
    int n_serving; /* called or serving tokens, the newest call first */
    queue_token_t serving[QUEUE_MAX_COUNTERS];
    int n_last; /* the last calls and recalls, newest first */
    queue_call_t last[QUEUE_LAST_CALLS];
    int n_counters;
    queue_counter_t counters[QUEUE_MAX_COUNTERS];
    int open_counters; /* not paused, and called someone today */
    queue_stat_t total;
    int n_services;
    queue_stat_t services[QUEUE_MAX_SERVICES];
    int n_by_cat;
    queue_stat_t by_cat[QUEUE_MAX_CATS];
    int n_by_counter;
    queue_stat_t by_counter[QUEUE_MAX_COUNTERS];
} queue_snapshot_t;

/* Who acts, when, and the client's request id (NULL or "" when none). */
typedef struct {
    int counter;
    int64_t now_ms;
    const char *request_id;
} queue_ctx_t;

/* A kiosk's "request" event. */
typedef struct {
    const char *tracking;
    const char *token;
    const char *category; /* NULL: the token's prefix */
    const char *service;
    const char *priority; /* NULL or "" when none */
    const char *terminal;
    int64_t issued_ms;
} queue_issue_t;

/* Called after each committed change (announcements are taken with queue_poll_call). */
typedef void (*queue_listener_t)(void *ctx);

/* Open (creating) DIR/queue.sqlite; DIR is created with mode 0700. NULL with err. */
queue_t *queue_open(const char *dir, char *err, size_t errcap);
void queue_close(queue_t *q);

void queue_set_listener(queue_t *q, queue_listener_t fn, void *ctx);

/* Changes so far (starts at 1 on open); wait until it differs from since, or timeout_ms, or
 * queue_wake. Returns the version now. */
unsigned long queue_version(queue_t *q);
unsigned long queue_wait(queue_t *q, unsigned long since, int timeout_ms);
/* Wake every waiter (at shutdown). */
void queue_wake(queue_t *q);

/* The next call to announce, oldest first; false when none. Up to 32 are kept. */
bool queue_poll_call(queue_t *q, queue_call_t *out);

/* A kiosk's request: a new waiting token, or nothing when its tracking id is already known
 * (*added false). */
queue_status_t queue_issue(queue_t *q, const queue_issue_t *in, int64_t now_ms, bool *added,
                           queue_err_t *e);

/* Counter actions. out (may be NULL) receives the token acted on. */
queue_status_t queue_next(queue_t *q, const queue_ctx_t *c, const char *category,
                          queue_token_t *out, queue_err_t *e);
queue_status_t queue_recall(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                            queue_err_t *e);
queue_status_t queue_serve(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                           queue_err_t *e);
queue_status_t queue_done(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                          queue_err_t *e);
queue_status_t queue_noshow(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                            queue_err_t *e);
/* To another counter (to_counter > 0) or to a category (to_category), exactly one. */
queue_status_t queue_transfer(queue_t *q, const queue_ctx_t *c, const char *token, int to_counter,
                              const char *to_category, queue_token_t *out, queue_err_t *e);
queue_status_t queue_pause(queue_t *q, const queue_ctx_t *c, bool paused, queue_err_t *e);

/* Create or rename a counter; categories "A,B" (or "" for every category). */
queue_status_t queue_counter_set(queue_t *q, int number, const char *name, const char *categories,
                                 queue_err_t *e);
/* A counter's settings; QUEUE_E_UNKNOWN when there is no such counter. */
queue_status_t queue_counter_get(queue_t *q, int number, queue_counter_t *out, queue_err_t *e);

/* Store a counter's PIN (at least QUEUE_PIN_MIN digits) as an Argon2id hash, creating the
 * counter when new; works while a board runs on the same folder. 0, or -1 with err. */
int queue_set_counter_pin(const char *data_dir, int counter, const char *pin, char *err,
                          size_t errcap);
int queue_set_pin(queue_t *q, int counter, const char *pin, char *err, size_t errcap);

/* Log in: a new session id (hex, 128 random bits) valid QUEUE_SESSION_MS. Wrong PINs count
 * per counter and survive a restart; from the QUEUE_LOGIN_FREE-th on, the counter is locked
 * for 30 s, doubling with each further failure up to 15 minutes (QUEUE_E_LOCKED, with
 * *retry_s). */
queue_status_t queue_login(queue_t *q, int counter, const char *pin, int64_t now_ms,
                           char session[QUEUE_SESSION_HEX + 1], int *retry_s, queue_err_t *e);
/* The lock after that many wrong PINs in a row when the first `free` cost nothing: 0 below
 * free, then 30 s doubling with each further failure up to 15 minutes. One rule for a
 * counter's logins and for an address guessing at several counters (queue/http.c). */
int64_t queue_lockout_ms(int64_t failures, int64_t free);
/* The counter of a live session, or QUEUE_E_AUTH. */
queue_status_t queue_session(queue_t *q, const char *session, int64_t now_ms, int *counter,
                             queue_err_t *e);
queue_status_t queue_logout(queue_t *q, const char *session, queue_err_t *e);

/* The queue now. */
void queue_snapshot(queue_t *q, int64_t now_ms, queue_snapshot_t *out);

/* A token's life today as the log has it: kinds and times, oldest first; returns how many. */
int queue_history(queue_t *q, const char *token, char kinds[][16], int64_t *at_ms, int cap);

/* Helpers shared with the HTTP and MQTT sides. */
void queue_err(queue_err_t *e, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *queue_state_name(queue_state_t s);
int queue_http_status(queue_status_t s);
/* The wall clock in Unix ms: the queue dates every event with it, the board shows it. */
int64_t queue_wall_ms(void);
/* "2026-11-29T10:30:05+06:00" */
void queue_iso_time(int64_t ms, char out[32]);
/* Parse an ISO 8601 time with an offset (or Z); -1 when malformed. */
int64_t queue_parse_iso(const char *s);
/* A token as the protocol allows: "B-012", "B-2012" (letters, '-', digits; at most 15). */
bool queue_token_valid(const char *token);
/* Outside input quoted safely in a message: printable ASCII, at most 24 characters. */
const char *queue_quote(const char *s, char out[32]);
bool queue_category_valid(const char *category);

#endif
