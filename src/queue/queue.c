/* queue/queue.c - the queue's file, its schema and the counters' actions. */
#define _POSIX_C_SOURCE 200809L
#include "queue/queue.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "queue/queue_private.h"
#include "text/locale.h"

#define SCHEMA_VERSION 1

/* Version 1. Later versions append migrations; user_version records where a file is. */
static const char *const migrations[SCHEMA_VERSION] = {
    "CREATE TABLE tokens("
    "  id INTEGER PRIMARY KEY,"
    "  tracking TEXT NOT NULL UNIQUE,"
    "  token TEXT NOT NULL, day TEXT NOT NULL,"
    "  category TEXT NOT NULL, service TEXT NOT NULL DEFAULT '', priority TEXT,"
    "  terminal TEXT NOT NULL DEFAULT '',"
    "  issued_ms INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'waiting'"
    "    CHECK(state IN ('waiting','called','serving','done','noshow')),"
    "  counter INTEGER, target_counter INTEGER,"
    "  called_ms INTEGER, calls INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(day, token));"
    "CREATE INDEX tokens_state ON tokens(day, state);"
    "CREATE TABLE events("
    "  id INTEGER PRIMARY KEY, token_id INTEGER REFERENCES tokens(id),"
    "  day TEXT NOT NULL, at_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  counter INTEGER, detail TEXT);"
    "CREATE INDEX events_token ON events(token_id);"
    "CREATE INDEX events_day ON events(day, kind);"
    "CREATE TABLE counters("
    "  number INTEGER PRIMARY KEY, name TEXT NOT NULL, categories TEXT NOT NULL DEFAULT '',"
    "  paused INTEGER NOT NULL DEFAULT 0, pin_hash TEXT,"
    "  failures INTEGER NOT NULL DEFAULT 0, locked_until_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE sessions("
    "  id_hash TEXT PRIMARY KEY, counter INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);"
    "CREATE TABLE actions("
    "  request_id TEXT PRIMARY KEY, counter INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  token_id INTEGER, at_ms INTEGER NOT NULL);",
};

static const char *const state_names[] = {"waiting", "called", "serving", "done", "noshow"};

const char *queue_state_name(queue_state_t s)
{
    assert(s >= QUEUE_WAITING && s <= QUEUE_NOSHOW);
    return state_names[s];
}

static queue_state_t state_of(const char *name)
{
    for (int i = 0; i <= QUEUE_NOSHOW; i++)
        if (name && strcmp(name, state_names[i]) == 0)
            return (queue_state_t)i;
    return QUEUE_WAITING;
}

int queue_http_status(queue_status_t s)
{
    static const int codes[] = {200, 200, 400, 401, 403, 404, 409, 429, 500};
    return codes[s];
}

void queue_err(queue_err_t *e, const char *where, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    snprintf(e->where, sizeof e->where, "%s", where);
}

/* --- SQL helpers ---------------------------------------------------------------------- */

static sqlite3_stmt *prep_v(queue_t *q, const char *sql, const char *fmt, va_list ap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "queue: %s: %s\n", sql, sqlite3_errmsg(q->db));
        return NULL;
    }
    for (int i = 0; fmt && fmt[i]; i++) {
        const char *s;
        switch (fmt[i]) {
        case 'i':
            sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
            break;
        case 'd':
            sqlite3_bind_int(st, i + 1, va_arg(ap, int));
            break;
        default:
            assert(fmt[i] == 't');
            s = va_arg(ap, const char *);
            if (s)
                sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, i + 1);
        }
    }
    return st;
}

sqlite3_stmt *queue_prep(queue_t *q, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prep_v(q, sql, fmt, ap);
    va_end(ap);
    return st;
}

int queue_sql(queue_t *q, int64_t *first, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prep_v(q, sql, fmt, ap);
    va_end(ap);
    if (!st)
        return SQLITE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && first)
        *first = sqlite3_column_int64(st, 0);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fprintf(stderr, "queue: %s: %s\n", sql, sqlite3_errmsg(q->db));
    sqlite3_finalize(st);
    return rc;
}

static bool sql_ok(int rc)
{
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static int exec(queue_t *q, const char *sql)
{
    return sqlite3_exec(q->db, sql, NULL, NULL, NULL);
}

void queue_col_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", s ? (const char *)s : "");
}

void queue_token_from_row(sqlite3_stmt *st, queue_token_t *t)
{
    char state[16];
    memset(t, 0, sizeof *t);
    queue_col_text(st, 0, t->token, sizeof t->token);
    queue_col_text(st, 1, t->tracking, sizeof t->tracking);
    queue_col_text(st, 2, t->category, sizeof t->category);
    queue_col_text(st, 3, t->service, sizeof t->service);
    queue_col_text(st, 4, t->priority, sizeof t->priority);
    queue_col_text(st, 5, t->terminal, sizeof t->terminal);
    queue_col_text(st, 6, state, sizeof state);
    t->state = state_of(state);
    t->counter = sqlite3_column_int(st, 7);
    t->target_counter = sqlite3_column_int(st, 8);
    t->calls = sqlite3_column_int(st, 9);
    t->issued_ms = sqlite3_column_int64(st, 10);
    t->called_ms = sqlite3_column_int64(st, 11);
}

/* --- times and names ------------------------------------------------------------------- */

void queue_day(int64_t ms, char out[16])
{
    locale_tm_t tm;
    locale_dhaka_time(ms / 1000, &tm);
    snprintf(out, 16, "%04d-%02d-%02d", tm.year % 10000, tm.month, tm.day);
}

void queue_iso_time(int64_t ms, char out[32])
{
    locale_tm_t tm;
    locale_dhaka_time(ms / 1000, &tm);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+06:00", tm.year % 10000, tm.month, tm.day,
             tm.hour, tm.min, tm.sec);
}

int64_t queue_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t queue_parse_iso(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19 || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return -1;
    const char *p = s + n;
    if (*p == '.') /* fractions of a second are allowed and ignored */
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    int off_min = 0;
    if (*p == 'Z') {
        p++;
    } else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
               isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
               isdigit((unsigned char)p[5])) {
        off_min = ((p[1] - '0') * 10 + (p[2] - '0')) * 60 + (p[4] - '0') * 10 + (p[5] - '0');
        if (*p == '-')
            off_min = -off_min;
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    /* The civil time as if in Dhaka, then moved by the difference of the offsets. */
    locale_tm_t tm = {.year = y, .month = mo, .day = d, .hour = h, .min = mi, .sec = sec};
    int64_t t = locale_dhaka_unix(&tm) + 6 * 3600 - (int64_t)off_min * 60;
    return t * 1000;
}

bool queue_token_valid(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n < 3 || n >= QUEUE_TOKEN_MAX || !isupper((unsigned char)t[0]))
        return false;
    size_t i = 0;
    while (isupper((unsigned char)t[i]))
        i++;
    if (t[i++] != '-' || !t[i])
        return false;
    for (; t[i]; i++)
        if (!isdigit((unsigned char)t[i]))
            return false;
    return true;
}

bool queue_category_valid(const char *c)
{
    size_t n = c ? strlen(c) : 0;
    if (n < 1 || n >= QUEUE_CAT_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)c[i]))
            return false;
    return true;
}

/* --- open and close --------------------------------------------------------------------- */

static int user_version(queue_t *q)
{
    int64_t v = -1;
    return queue_sql(q, &v, "PRAGMA user_version", "") == SQLITE_ROW ? (int)v : -1;
}

static int migrate(queue_t *q, const char *path, char *err, size_t cap)
{
    if (exec(q, "BEGIN IMMEDIATE") != SQLITE_OK) {
        snprintf(err, cap, "%s: %s", path, sqlite3_errmsg(q->db));
        return -1;
    }
    int v = user_version(q);
    if (v < 0 || v > SCHEMA_VERSION) {
        snprintf(err, cap, "%s: schema version %d is not one this board knows (up to %d)", path, v,
                 SCHEMA_VERSION);
        exec(q, "ROLLBACK");
        return -1;
    }
    for (; v < SCHEMA_VERSION; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (exec(q, migrations[v]) != SQLITE_OK || exec(q, bump) != SQLITE_OK) {
            snprintf(err, cap, "%s: migration to version %d: %s", path, v + 1,
                     sqlite3_errmsg(q->db));
            exec(q, "ROLLBACK");
            return -1;
        }
    }
    if (exec(q, "COMMIT") != SQLITE_OK) {
        snprintf(err, cap, "%s: %s", path, sqlite3_errmsg(q->db));
        return -1;
    }
    return 0;
}

/* WAL needs the file to itself for a moment; another process opening it (a PIN being set)
 * may answer BUSY at once, so retry. */
static int wal(queue_t *q)
{
    for (int i = 0; i < 50; i++) {
        int rc = exec(q, "PRAGMA journal_mode=WAL");
        if (rc == SQLITE_OK)
            return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_sleep(100);
    }
    return -1;
}

queue_t *queue_open(const char *dir, char *err, size_t errcap)
{
    char path[1100];
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "%s: cannot create the data folder: %s", dir, strerror(errno));
        return NULL;
    }
    snprintf(path, sizeof path, "%s/queue.sqlite", dir);
    queue_t *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", path, q->db ? sqlite3_errmsg(q->db) : "out of memory");
        sqlite3_close(q->db);
        free(q);
        return NULL;
    }
    sqlite3_busy_timeout(q->db, 5000);
    /* WAL with full sync: an answered action survives a power cut (one fsync of the log). */
    if (wal(q) < 0 || exec(q, "PRAGMA synchronous=FULL") != SQLITE_OK ||
        exec(q, "PRAGMA foreign_keys=ON") != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", path, sqlite3_errmsg(q->db));
        sqlite3_close(q->db);
        free(q);
        return NULL;
    }
    if (migrate(q, path, err, errcap) < 0) {
        sqlite3_close(q->db);
        free(q);
        return NULL;
    }
    pthread_mutex_init(&q->mu, NULL);
    /* Timed waits on the monotonic clock: the wall clock of a board without a battery-backed
     * clock jumps when NTP first sets it. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->changed, &ca);
    pthread_condattr_destroy(&ca);
    q->version = 1;
    return q;
}

void queue_close(queue_t *q)
{
    if (!q)
        return;
    sqlite3_close(q->db);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->changed);
    free(q);
}

void queue_set_listener(queue_t *q, queue_listener_t fn, void *ctx)
{
    pthread_mutex_lock(&q->mu);
    q->listener = fn;
    q->listener_ctx = ctx;
    pthread_mutex_unlock(&q->mu);
}

/* --- versions, waiting and announcements ------------------------------------------------ */

unsigned long queue_version(queue_t *q)
{
    pthread_mutex_lock(&q->mu);
    unsigned long v = q->version;
    pthread_mutex_unlock(&q->mu);
    return v;
}

unsigned long queue_wait(queue_t *q, unsigned long since, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&q->mu);
    while (q->version == since && !q->woken)
        if (pthread_cond_timedwait(&q->changed, &q->mu, &until) != 0)
            break;
    unsigned long v = q->version;
    pthread_mutex_unlock(&q->mu);
    return v;
}

void queue_wake(queue_t *q)
{
    pthread_mutex_lock(&q->mu);
    q->woken = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->mu);
}

bool queue_poll_call(queue_t *q, queue_call_t *out)
{
    pthread_mutex_lock(&q->mu);
    bool any = q->ring_len > 0;
    if (any) {
        *out = q->ring[q->ring_head];
        q->ring_head = (q->ring_head + 1) % QUEUE_RING;
        q->ring_len--;
    }
    pthread_mutex_unlock(&q->mu);
    return any;
}

/* After a commit (lock held): count the change, queue the announcement. */
static void changed_locked(queue_t *q)
{
    q->version++;
    if (q->has_pending) {
        if (q->ring_len == QUEUE_RING) { /* nobody polls: the oldest call is dropped */
            q->ring_head = (q->ring_head + 1) % QUEUE_RING;
            q->ring_len--;
        }
        q->ring[(q->ring_head + q->ring_len) % QUEUE_RING] = q->pending;
        q->ring_len++;
    }
    q->has_pending = false;
    pthread_cond_broadcast(&q->changed);
}

static void notify(queue_t *q)
{
    queue_listener_t fn = q->listener;
    if (fn)
        fn(q->listener_ctx);
}

/* --- transactions ---------------------------------------------------------------------- */

typedef queue_status_t (*action_fn)(queue_t *q, const queue_ctx_t *c, const void *arg,
                                    int64_t *token_id, queue_err_t *e);

static bool has_request_id(const queue_ctx_t *c)
{
    return c->request_id && c->request_id[0];
}

/* An earlier action with this request id: its result again (or a conflict when the id was
 * used for something else). *found says whether there was one. */
static queue_status_t replay_lookup(queue_t *q, const queue_ctx_t *c, const char *kind,
                                    int64_t *token_id, bool *found, queue_err_t *e)
{
    *found = false;
    if (!has_request_id(c))
        return QUEUE_OK;
    if (strlen(c->request_id) > QUEUE_REQUEST_MAX) {
        queue_err(e, "request", "a request id is at most %d characters", QUEUE_REQUEST_MAX);
        return QUEUE_E_BAD;
    }
    sqlite3_stmt *st = queue_prep(q,
                                  "SELECT counter, kind, token_id FROM actions "
                                  "WHERE request_id = ?",
                                  "t", c->request_id);
    if (!st)
        return QUEUE_E_INTERNAL;
    queue_status_t r = QUEUE_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *found = true;
        *token_id = sqlite3_column_int64(st, 2);
        if (sqlite3_column_int(st, 0) != c->counter ||
            strcmp((const char *)sqlite3_column_text(st, 1), kind) != 0) {
            char quoted[32];
            queue_err(e, "request", "request id \"%s\" was already used for another action",
                      queue_quote(c->request_id, quoted));
            r = QUEUE_E_CONFLICT;
        }
    }
    sqlite3_finalize(st);
    return r;
}

static bool counter_exists(queue_t *q, int counter)
{
    int64_t n = 0;
    return queue_sql(q, &n, "SELECT count(*) FROM counters WHERE number = ?", "d", counter) ==
               SQLITE_ROW &&
           n == 1;
}

static bool load_token_by_id(queue_t *q, int64_t id, queue_token_t *out)
{
    sqlite3_stmt *st =
        queue_prep(q, "SELECT " QUEUE_TOKEN_COLS " FROM tokens WHERE id = ?", "i", id);
    bool ok = st && sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        queue_token_from_row(st, out);
    sqlite3_finalize(st);
    return ok;
}

/* One action: replay check, the change, the request id, the commit; all or nothing. */
static queue_status_t act(queue_t *q, const queue_ctx_t *c, const char *kind, action_fn fn,
                          const void *arg, queue_token_t *out, queue_err_t *e)
{
    bool found = false, changed = false;
    int64_t tid = 0;
    pthread_mutex_lock(&q->mu);
    q->has_pending = false;
    queue_status_t r = QUEUE_E_INTERNAL;
    if (exec(q, "BEGIN IMMEDIATE") != SQLITE_OK) {
        queue_err(e, "database", "cannot start a transaction: %s", sqlite3_errmsg(q->db));
        goto out;
    }
    r = replay_lookup(q, c, kind, &tid, &found, e);
    if (r == QUEUE_OK && !found) {
        if (!counter_exists(q, c->counter)) {
            queue_err(e, "counter", "there is no counter %d", c->counter);
            r = QUEUE_E_UNKNOWN;
        } else {
            r = fn(q, c, arg, &tid, e);
        }
    }
    if (r == QUEUE_OK && !found && has_request_id(c) &&
        !sql_ok(queue_sql(q, NULL,
                          "INSERT INTO actions(request_id, counter, kind, token_id, at_ms) "
                          "VALUES(?, ?, ?, nullif(?, 0), ?)",
                          "tdtii", c->request_id, c->counter, kind, tid, c->now_ms))) {
        queue_err(e, "database", "cannot record the request id");
        r = QUEUE_E_INTERNAL;
    }
    if (r == QUEUE_OK && exec(q, "COMMIT") != SQLITE_OK) {
        queue_err(e, "database", "commit failed: %s", sqlite3_errmsg(q->db));
        r = QUEUE_E_INTERNAL;
    }
    if (r != QUEUE_OK) {
        exec(q, "ROLLBACK");
        q->has_pending = false;
        if (out)
            memset(out, 0, sizeof *out);
        goto out;
    }
    /* out is written only now: a caller may pass out->token as the token acted on. */
    if (out && !(tid > 0 && load_token_by_id(q, tid, out)))
        memset(out, 0, sizeof *out);
    if (out)
        out->replayed = found;
    if (!found) {
        changed = true;
        changed_locked(q);
    }
out:
    pthread_mutex_unlock(&q->mu);
    if (changed)
        notify(q);
    return r;
}

static bool log_event(queue_t *q, int64_t token_id, int64_t now, const char *kind, int counter,
                      const char *detail)
{
    char day[16];
    queue_day(now, day);
    return sql_ok(queue_sql(q, NULL,
                            "INSERT INTO events(token_id, day, at_ms, kind, counter, detail) "
                            "VALUES(nullif(?, 0), ?, ?, ?, nullif(?, 0), ?)",
                            "ititdt", token_id, day, now, kind, counter, detail));
}

/* Outside input as an error message may quote it: printable ASCII, at most 24 characters
 * ("?" for anything else), so an answer is always valid UTF-8 JSON and a log line stays one
 * line. */
const char *queue_quote(const char *s, char out[32])
{
    size_t n = 0;
    for (; s && s[n] && n < 24; n++)
        out[n] = s[n] >= 0x20 && s[n] < 0x7f ? s[n] : '?';
    if (s && s[n])
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = '\0';
    return out;
}

/* --- issuing -------------------------------------------------------------------------- */

static queue_status_t check_issue(const queue_issue_t *in, queue_err_t *e)
{
    char quoted[32];
    if (!in->tracking || !in->tracking[0] || strlen(in->tracking) >= QUEUE_TRACKING_MAX) {
        queue_err(e, "tracking", "a request needs a tracking id (under %d characters)",
                  QUEUE_TRACKING_MAX);
        return QUEUE_E_BAD;
    }
    if (!queue_token_valid(in->token)) {
        queue_err(e, "token", "\"%s\" is not a token (like B-012)", queue_quote(in->token, quoted));
        return QUEUE_E_BAD;
    }
    if (in->category && !queue_category_valid(in->category)) {
        queue_err(e, "category", "\"%s\" is not a category (capital letters)",
                  queue_quote(in->category, quoted));
        return QUEUE_E_BAD;
    }
    if (in->priority && in->priority[0] && strcmp(in->priority, "elderly") != 0 &&
        strcmp(in->priority, "disability") != 0 && strcmp(in->priority, "pregnancy") != 0 &&
        strcmp(in->priority, "child") != 0) {
        queue_err(e, "priority", "\"%s\" is not a priority (elderly, disability, pregnancy, child)",
                  queue_quote(in->priority, quoted));
        return QUEUE_E_BAD;
    }
    if (in->service && strlen(in->service) >= QUEUE_SERVICE_MAX) {
        queue_err(e, "service", "a service id is under %d characters", QUEUE_SERVICE_MAX);
        return QUEUE_E_BAD;
    }
    return QUEUE_OK;
}

static queue_status_t issue_locked(queue_t *q, const queue_issue_t *in, int64_t now, bool *added,
                                   int64_t *tid, queue_err_t *e)
{
    char day[16], cat[QUEUE_CAT_MAX];
    int64_t issued = in->issued_ms > 0 ? in->issued_ms : now;
    if (queue_sql(q, tid, "SELECT id FROM tokens WHERE tracking = ?", "t", in->tracking) ==
        SQLITE_ROW)
        return QUEUE_OK; /* a kiosk may publish an event twice: the first one counts */
    queue_day(issued, day);
    if (in->category) {
        snprintf(cat, sizeof cat, "%s", in->category);
    } else {
        size_t n = strcspn(in->token, "-");
        snprintf(cat, sizeof cat, "%.*s", (int)n, in->token);
    }
    int64_t other = 0;
    if (queue_sql(q, &other, "SELECT id FROM tokens WHERE day = ? AND token = ?", "tt", day,
                  in->token) == SQLITE_ROW) {
        queue_err(e, "token", "token %s was already issued on %s by another request", in->token,
                  day);
        return QUEUE_E_CONFLICT;
    }
    if (!sql_ok(queue_sql(q, NULL,
                          "INSERT INTO tokens(tracking, token, day, category, service, priority, "
                          "terminal, issued_ms) VALUES(?, ?, ?, ?, ?, nullif(?, ''), ?, ?)",
                          "ttttttti", in->tracking, in->token, day, cat,
                          in->service ? in->service : "", in->priority ? in->priority : "",
                          in->terminal ? in->terminal : "", issued))) {
        queue_err(e, "database", "cannot store token %s", in->token);
        return QUEUE_E_INTERNAL;
    }
    *tid = sqlite3_last_insert_rowid(q->db);
    if (!log_event(q, *tid, issued, "issued", 0, in->terminal)) {
        queue_err(e, "database", "cannot log token %s", in->token);
        return QUEUE_E_INTERNAL;
    }
    *added = true;
    return QUEUE_OK;
}

queue_status_t queue_issue(queue_t *q, const queue_issue_t *in, int64_t now_ms, bool *added,
                           queue_err_t *e)
{
    int64_t tid = 0;
    *added = false;
    queue_status_t r = check_issue(in, e);
    if (r != QUEUE_OK)
        return r;
    pthread_mutex_lock(&q->mu);
    if (exec(q, "BEGIN IMMEDIATE") != SQLITE_OK) {
        queue_err(e, "database", "cannot start a transaction: %s", sqlite3_errmsg(q->db));
        pthread_mutex_unlock(&q->mu);
        return QUEUE_E_INTERNAL;
    }
    r = issue_locked(q, in, now_ms, added, &tid, e);
    if (r == QUEUE_OK && exec(q, "COMMIT") != SQLITE_OK) {
        queue_err(e, "database", "commit failed: %s", sqlite3_errmsg(q->db));
        r = QUEUE_E_INTERNAL;
    }
    if (r != QUEUE_OK) {
        exec(q, "ROLLBACK");
        *added = false;
    }
    if (*added)
        changed_locked(q);
    pthread_mutex_unlock(&q->mu);
    if (*added)
        notify(q);
    return r;
}

/* --- the counters' actions ------------------------------------------------------------- */

/* The counter's called or serving token, "" when none. */
static void current_token(queue_t *q, int counter, char out[QUEUE_TOKEN_MAX])
{
    sqlite3_stmt *st = queue_prep(q,
                                  "SELECT token FROM tokens WHERE counter = ? AND "
                                  "state IN ('called', 'serving') ORDER BY called_ms DESC LIMIT 1",
                                  "d", counter);
    out[0] = '\0';
    if (st && sqlite3_step(st) == SQLITE_ROW)
        queue_col_text(st, 0, out, QUEUE_TOKEN_MAX);
    sqlite3_finalize(st);
}

/* The oldest waiting token matching a condition; 0 when none. */
static int64_t first_waiting(queue_t *q, const char *day, int counter, const char *category,
                             const char *cats, int prio)
{
    /* prio: -1 any, 0 regular, 1 priority; targeted: tokens transferred to this counter. */
    int64_t id = 0;
    int rc;
    if (!category && !cats)
        rc = queue_sql(q, &id,
                       "SELECT id FROM tokens WHERE day = ? AND state = 'waiting' AND "
                       "target_counter = ? ORDER BY issued_ms, id LIMIT 1",
                       "td", day, counter);
    else
        rc = queue_sql(q, &id,
                       "SELECT id FROM tokens WHERE day = ? AND state = 'waiting' AND "
                       "target_counter IS NULL AND (? IS NULL OR category = ?) AND "
                       "(? IS NULL OR ? = '' OR instr(',' || ? || ',', ',' || category || ',') "
                       "> 0) AND (priority IS NOT NULL) = ? "
                       "ORDER BY issued_ms, id LIMIT 1",
                       "ttttttd", day, category, category, cats, cats, cats, prio);
    return rc == SQLITE_ROW ? id : 0;
}

/* Whether a priority token may go next: no priority call among the centre's last two. */
static bool priority_due(queue_t *q, const char *day)
{
    int64_t n = 0;
    queue_sql(q, &n,
              "SELECT count(*) FROM (SELECT t.priority FROM events e JOIN tokens t "
              "ON t.id = e.token_id WHERE e.day = ? AND e.kind = 'called' "
              "ORDER BY e.id DESC LIMIT 2) WHERE priority IS NOT NULL",
              "t", day);
    return n == 0;
}

static void pend_call(queue_t *q, const char *token, int counter, bool recall, int64_t now)
{
    memset(&q->pending, 0, sizeof q->pending);
    snprintf(q->pending.token, sizeof q->pending.token, "%s", token);
    q->pending.counter = counter;
    q->pending.recall = recall;
    q->pending.at_ms = now;
    q->has_pending = true;
}

static queue_status_t do_next(queue_t *q, const queue_ctx_t *c, const void *arg, int64_t *tid,
                              queue_err_t *e)
{
    const char *category = arg;
    char day[16], cur[QUEUE_TOKEN_MAX], cats[QUEUE_CATS_MAX] = "";
    current_token(q, c->counter, cur);
    if (cur[0]) {
        queue_err(e, "token",
                  "counter %d is still calling or serving %s: done, no-show or "
                  "transfer it first",
                  c->counter, cur);
        return QUEUE_E_CONFLICT;
    }
    sqlite3_stmt *st =
        queue_prep(q, "SELECT categories FROM counters WHERE number = ?", "d", c->counter);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        queue_col_text(st, 0, cats, sizeof cats);
    sqlite3_finalize(st);
    queue_day(c->now_ms, day);
    int64_t id = first_waiting(q, day, c->counter, NULL, NULL, -1);
    if (!id) {
        const char *only = category ? NULL : cats;
        int64_t pri = first_waiting(q, day, c->counter, category, only ? only : "", 1);
        int64_t reg = first_waiting(q, day, c->counter, category, only ? only : "", 0);
        id = pri && reg ? (priority_due(q, day) ? pri : reg) : (pri ? pri : reg);
    }
    if (!id)
        return QUEUE_EMPTY;
    queue_token_t t;
    if (!load_token_by_id(q, id, &t) ||
        !sql_ok(queue_sql(q, NULL,
                          "UPDATE tokens SET state = 'called', counter = ?, target_counter = NULL,"
                          " called_ms = ?, calls = calls + 1 WHERE id = ?",
                          "dii", c->counter, c->now_ms, id)) ||
        !log_event(q, id, c->now_ms, "called", c->counter, t.priority[0] ? t.priority : NULL) ||
        !sql_ok(queue_sql(q, NULL, "UPDATE counters SET paused = 0 WHERE number = ?", "d",
                          c->counter))) {
        queue_err(e, "database", "cannot call %s", t.token);
        return QUEUE_E_INTERNAL;
    }
    pend_call(q, t.token, c->counter, false, c->now_ms);
    *tid = id;
    return QUEUE_OK;
}

/* A token of this counter in one of the allowed states, or why not. */
static queue_status_t own_token(queue_t *q, const queue_ctx_t *c, const char *token,
                                unsigned allowed, const char *what, queue_token_t *t, int64_t *tid,
                                queue_err_t *e)
{
    char quoted[32];
    if (!queue_token_valid(token)) {
        queue_err(e, "token", "\"%s\" is not a token (like B-012)", queue_quote(token, quoted));
        return QUEUE_E_BAD;
    }
    /* The latest token of that name: tokens repeat daily. */
    if (queue_sql(q, tid, "SELECT id FROM tokens WHERE token = ? ORDER BY id DESC LIMIT 1", "t",
                  token) != SQLITE_ROW ||
        !load_token_by_id(q, *tid, t)) {
        queue_err(e, "token", "there is no token %s", token);
        return QUEUE_E_UNKNOWN;
    }
    if ((t->state == QUEUE_CALLED || t->state == QUEUE_SERVING) && t->counter != c->counter) {
        queue_err(e, "token", "token %s is at counter %d, not %d", token, t->counter, c->counter);
        return QUEUE_E_FORBIDDEN;
    }
    if (!(allowed & (1u << t->state)) || t->counter != c->counter) {
        queue_err(e, "token", "token %s is %s%s; it cannot be %s", token,
                  queue_state_name(t->state), t->state == QUEUE_WAITING ? " (not called)" : "",
                  what);
        return QUEUE_E_CONFLICT;
    }
    return QUEUE_OK;
}

#define IN(s) (1u << (s))

typedef struct {
    const char *token;
    const char *kind;      /* the event logged */
    const char *new_state; /* NULL: unchanged */
    unsigned allowed;
    const char *what;
} move_t;

static queue_status_t do_move(queue_t *q, const queue_ctx_t *c, const void *arg, int64_t *tid,
                              queue_err_t *e)
{
    const move_t *m = arg;
    queue_token_t t;
    queue_status_t r = own_token(q, c, m->token, m->allowed, m->what, &t, tid, e);
    if (r != QUEUE_OK)
        return r;
    bool recall = strcmp(m->kind, "recalled") == 0;
    bool ok = recall ? sql_ok(queue_sql(q, NULL,
                                        "UPDATE tokens SET calls = calls + 1, called_ms = ? "
                                        "WHERE id = ?",
                                        "ii", c->now_ms, *tid))
                     : sql_ok(queue_sql(q, NULL, "UPDATE tokens SET state = ? WHERE id = ?", "ti",
                                        m->new_state, *tid));
    if (!ok || !log_event(q, *tid, c->now_ms, m->kind, c->counter, NULL)) {
        queue_err(e, "database", "cannot record %s of %s", m->kind, t.token);
        return QUEUE_E_INTERNAL;
    }
    if (recall)
        pend_call(q, t.token, c->counter, true, c->now_ms);
    return QUEUE_OK;
}

static queue_status_t move(queue_t *q, const queue_ctx_t *c, const move_t *m, queue_token_t *out,
                           queue_err_t *e)
{
    return act(q, c, m->kind, do_move, m, out, e);
}

queue_status_t queue_next(queue_t *q, const queue_ctx_t *c, const char *category,
                          queue_token_t *out, queue_err_t *e)
{
    char quoted[32];
    if (category && !category[0])
        category = NULL;
    if (category && !queue_category_valid(category)) {
        queue_err(e, "category", "\"%s\" is not a category (capital letters)",
                  queue_quote(category, quoted));
        return QUEUE_E_BAD;
    }
    return act(q, c, "next", do_next, category, out, e);
}

queue_status_t queue_recall(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                            queue_err_t *e)
{
    move_t m = {token, "recalled", NULL, IN(QUEUE_CALLED), "recalled"};
    return move(q, c, &m, out, e);
}

queue_status_t queue_serve(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                           queue_err_t *e)
{
    move_t m = {token, "serving", "serving", IN(QUEUE_CALLED), "served"};
    return move(q, c, &m, out, e);
}

queue_status_t queue_done(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                          queue_err_t *e)
{
    move_t m = {token, "done", "done", IN(QUEUE_CALLED) | IN(QUEUE_SERVING), "done"};
    return move(q, c, &m, out, e);
}

queue_status_t queue_noshow(queue_t *q, const queue_ctx_t *c, const char *token, queue_token_t *out,
                            queue_err_t *e)
{
    move_t m = {token, "noshow", "noshow", IN(QUEUE_CALLED), "marked a no-show"};
    return move(q, c, &m, out, e);
}

typedef struct {
    const char *token;
    int to_counter;
    const char *to_category;
} transfer_t;

static queue_status_t do_transfer(queue_t *q, const queue_ctx_t *c, const void *arg, int64_t *tid,
                                  queue_err_t *e)
{
    const transfer_t *x = arg;
    queue_token_t t;
    queue_status_t r =
        own_token(q, c, x->token, IN(QUEUE_CALLED) | IN(QUEUE_SERVING), "transferred", &t, tid, e);
    if (r != QUEUE_OK)
        return r;
    char detail[64];
    if (x->to_counter > 0) {
        if (x->to_counter == c->counter) {
            queue_err(e, "counter", "token %s is already at counter %d", t.token, c->counter);
            return QUEUE_E_BAD;
        }
        if (!counter_exists(q, x->to_counter)) {
            queue_err(e, "counter", "there is no counter %d", x->to_counter);
            return QUEUE_E_UNKNOWN;
        }
        snprintf(detail, sizeof detail, "counter %d", x->to_counter);
    } else {
        snprintf(detail, sizeof detail, "category %s", x->to_category);
    }
    /* Back to waiting, keeping its issue time: it goes ahead of those who came later. */
    bool ok =
        sql_ok(queue_sql(q, NULL,
                         "UPDATE tokens SET state = 'waiting', counter = NULL, "
                         "target_counter = nullif(?, 0), category = coalesce(?, category) "
                         "WHERE id = ?",
                         "dti", x->to_counter, x->to_counter > 0 ? NULL : x->to_category, *tid));
    if (!ok || !log_event(q, *tid, c->now_ms, "transferred", c->counter, detail)) {
        queue_err(e, "database", "cannot transfer %s", t.token);
        return QUEUE_E_INTERNAL;
    }
    return QUEUE_OK;
}

queue_status_t queue_transfer(queue_t *q, const queue_ctx_t *c, const char *token, int to_counter,
                              const char *to_category, queue_token_t *out, queue_err_t *e)
{
    char quoted[32];
    if (to_category && !to_category[0])
        to_category = NULL;
    if ((to_counter > 0) == (to_category != NULL)) {
        queue_err(e, to_counter > 0 ? "category" : "counter",
                  "a transfer names either a counter or a category");
        return QUEUE_E_BAD;
    }
    if (to_counter < 0) {
        queue_err(e, "counter", "%d is not a counter number", to_counter);
        return QUEUE_E_BAD;
    }
    if (to_category && !queue_category_valid(to_category)) {
        queue_err(e, "category", "\"%s\" is not a category (capital letters)",
                  queue_quote(to_category, quoted));
        return QUEUE_E_BAD;
    }
    transfer_t x = {token, to_counter, to_category};
    return act(q, c, "transfer", do_transfer, &x, out, e);
}

static queue_status_t do_pause(queue_t *q, const queue_ctx_t *c, const void *arg, int64_t *tid,
                               queue_err_t *e)
{
    bool paused = *(const bool *)arg;
    *tid = 0;
    if (!sql_ok(queue_sql(q, NULL, "UPDATE counters SET paused = ? WHERE number = ?", "dd",
                          paused ? 1 : 0, c->counter)) ||
        !log_event(q, 0, c->now_ms, paused ? "paused" : "resumed", c->counter, NULL)) {
        queue_err(e, "database", "cannot pause counter %d", c->counter);
        return QUEUE_E_INTERNAL;
    }
    return QUEUE_OK;
}

queue_status_t queue_pause(queue_t *q, const queue_ctx_t *c, bool paused, queue_err_t *e)
{
    return act(q, c, paused ? "pause" : "resume", do_pause, &paused, NULL, e);
}

/* --- counters -------------------------------------------------------------------------- */

static bool categories_valid(const char *cats)
{
    char buf[QUEUE_CATS_MAX], *save = NULL;
    if (strlen(cats) >= sizeof buf)
        return false;
    snprintf(buf, sizeof buf, "%s", cats);
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        if (!queue_category_valid(p))
            return false;
    return !strstr(cats, ",,") && cats[0] != ',' && (!cats[0] || cats[strlen(cats) - 1] != ',');
}

queue_status_t queue_counter_set(queue_t *q, int number, const char *name, const char *categories,
                                 queue_err_t *e)
{
    if (number < 1 || number > 999) {
        queue_err(e, "counter", "a counter is numbered 1 to 999, not %d", number);
        return QUEUE_E_BAD;
    }
    if (!name || !name[0] || strlen(name) >= QUEUE_NAME_MAX) {
        queue_err(e, "name", "a counter's name is 1 to %d bytes", QUEUE_NAME_MAX - 1);
        return QUEUE_E_BAD;
    }
    if (!categories || !categories_valid(categories)) {
        queue_err(e, "categories", "categories are capital letters separated by commas, like A,B");
        return QUEUE_E_BAD;
    }
    pthread_mutex_lock(&q->mu);
    int rc = queue_sql(q, NULL,
                       "INSERT INTO counters(number, name, categories) VALUES(?, ?, ?) "
                       "ON CONFLICT(number) DO UPDATE SET name = excluded.name, "
                       "categories = excluded.categories",
                       "dtt", number, name, categories);
    if (sql_ok(rc))
        changed_locked(q);
    pthread_mutex_unlock(&q->mu);
    if (!sql_ok(rc)) {
        queue_err(e, "database", "cannot store counter %d", number);
        return QUEUE_E_INTERNAL;
    }
    notify(q);
    return QUEUE_OK;
}

queue_status_t queue_counter_get(queue_t *q, int number, queue_counter_t *out, queue_err_t *e)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&q->mu);
    sqlite3_stmt *st = queue_prep(q,
                                  "SELECT number, name, categories, paused, pin_hash IS NOT NULL "
                                  "FROM counters WHERE number = ?",
                                  "d", number);
    bool found = st && sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        out->number = sqlite3_column_int(st, 0);
        queue_col_text(st, 1, out->name, sizeof out->name);
        queue_col_text(st, 2, out->categories, sizeof out->categories);
        out->paused = sqlite3_column_int(st, 3) != 0;
        out->has_pin = sqlite3_column_int(st, 4) != 0;
    }
    sqlite3_finalize(st);
    if (found)
        current_token(q, number, out->token);
    pthread_mutex_unlock(&q->mu);
    if (!found) {
        queue_err(e, "counter", "there is no counter %d", number);
        return QUEUE_E_UNKNOWN;
    }
    return QUEUE_OK;
}

int queue_history(queue_t *q, const char *token, char kinds[][16], int64_t *at_ms, int cap)
{
    int n = 0;
    pthread_mutex_lock(&q->mu);
    sqlite3_stmt *st = queue_prep(q,
                                  "SELECT kind, at_ms FROM events WHERE token_id = (SELECT id "
                                  "FROM tokens WHERE token = ? ORDER BY id DESC LIMIT 1) "
                                  "ORDER BY id",
                                  "t", token);
    while (st && n < cap && sqlite3_step(st) == SQLITE_ROW) {
        queue_col_text(st, 0, kinds[n], 16);
        at_ms[n++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->mu);
    return n;
}
