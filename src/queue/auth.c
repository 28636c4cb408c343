/* queue/auth.c - counter PINs (Argon2id, as the technician's), logins and sessions. */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "queue/queue_private.h"
#include "store/pin.h"

#define LOCK_FIRST_MS (30LL * 1000)
#define LOCK_MAX_MS   (15LL * 60 * 1000)

int queue_set_pin(queue_t *q, int counter, const char *pin, char *err, size_t errcap)
{
    char hash[crypto_pwhash_STRBYTES], name[32];
    size_t n = pin ? strlen(pin) : 0;
    if (counter < 1 || counter > 999) {
        snprintf(err, errcap, "a counter is numbered 1 to 999, not %d", counter);
        return -1;
    }
    if (n < QUEUE_PIN_MIN || n > PIN_MAX_DIGITS || strspn(pin, "0123456789") != n) {
        snprintf(err, errcap, "a counter PIN is %d to %d digits", QUEUE_PIN_MIN, PIN_MAX_DIGITS);
        return -1;
    }
    if (pin_hash(pin, hash, sizeof hash, err, errcap) < 0)
        return -1;
    snprintf(name, sizeof name, "Counter %d", counter);
    pthread_mutex_lock(&q->mu);
    /* A new PIN starts with a clean slate, and ends the counter's sessions. */
    int rc = queue_sql(q, NULL,
                       "INSERT INTO counters(number, name, pin_hash) VALUES(?, ?, ?) "
                       "ON CONFLICT(number) DO UPDATE SET pin_hash = excluded.pin_hash, "
                       "failures = 0, locked_until_ms = 0",
                       "dtt", counter, name, hash);
    if (rc == SQLITE_DONE)
        rc = queue_sql(q, NULL, "DELETE FROM sessions WHERE counter = ?", "d", counter);
    pthread_mutex_unlock(&q->mu);
    sodium_memzero(hash, sizeof hash);
    if (rc != SQLITE_DONE) {
        snprintf(err, errcap, "queue.sqlite: cannot store the PIN of counter %d: %s", counter,
                 sqlite3_errmsg(q->db));
        return -1;
    }
    return 0;
}

int queue_set_counter_pin(const char *data_dir, int counter, const char *pin, char *err,
                          size_t errcap)
{
    queue_t *q = queue_open(data_dir, err, errcap);
    if (!q)
        return -1;
    int rc = queue_set_pin(q, counter, pin, err, errcap);
    queue_close(q);
    return rc;
}

/* The stored id is a hash: a copy of the file does not let anyone act as a counter. */
static void session_hash(const char *session, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)session, strlen(session), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

typedef struct {
    bool found;
    char hash[crypto_pwhash_STRBYTES];
    int failures;
    int64_t locked_until;
} login_row_t;

static void read_login(queue_t *q, int counter, login_row_t *r)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st =
        queue_prep(q,
                   "SELECT coalesce(pin_hash, ''), failures, locked_until_ms FROM counters "
                   "WHERE number = ?",
                   "d", counter);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        r->found = true;
        queue_col_text(st, 0, r->hash, sizeof r->hash);
        r->failures = sqlite3_column_int(st, 1);
        r->locked_until = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
}

static int retry_seconds(int64_t until, int64_t now)
{
    return (int)((until - now + 999) / 1000);
}

int64_t queue_lockout_ms(int64_t failures, int64_t free)
{
    if (failures < free)
        return 0;
    int64_t ms = LOCK_FIRST_MS;
    for (int64_t i = free; i < failures && ms < LOCK_MAX_MS; i++)
        ms *= 2;
    return ms < LOCK_MAX_MS ? ms : LOCK_MAX_MS;
}

/* Count a wrong PIN; from QUEUE_LOGIN_FREE on, lock for 30 s doubling up to 15 min. */
static int64_t count_failure(queue_t *q, int counter, int64_t now)
{
    int64_t failures = 0, until = 0;
    queue_sql(q, &failures,
              "UPDATE counters SET failures = failures + 1 WHERE number = ? RETURNING failures",
              "d", counter);
    int64_t ms = queue_lockout_ms(failures, QUEUE_LOGIN_FREE);
    if (ms > 0) {
        until = now + ms;
        queue_sql(q, NULL, "UPDATE counters SET locked_until_ms = ? WHERE number = ?", "id", until,
                  counter);
    }
    return until;
}

queue_status_t queue_login(queue_t *q, int counter, const char *pin, int64_t now_ms,
                           char session[QUEUE_SESSION_HEX + 1], int *retry_s, queue_err_t *e)
{
    login_row_t row;
    *retry_s = 0;
    session[0] = '\0';
    pthread_mutex_lock(&q->mu);
    read_login(q, counter, &row);
    pthread_mutex_unlock(&q->mu);
    if (!row.found || !row.hash[0]) {
        queue_err(e, "counter", "counter %d has no PIN set", counter);
        return QUEUE_E_AUTH;
    }
    if (row.locked_until > now_ms) {
        *retry_s = retry_seconds(row.locked_until, now_ms);
        queue_err(e, "pin", "too many wrong PINs for counter %d: try again in %d s", counter,
                  *retry_s);
        return QUEUE_E_LOCKED;
    }
    size_t n = pin ? strlen(pin) : 0;
    /* Argon2id takes a while: verified outside the lock, so other counters are not held up. */
    bool ok = n > 0 && n <= PIN_MAX_DIGITS && sodium_init() >= 0 &&
              crypto_pwhash_str_verify(row.hash, pin, n) == 0;
    sodium_memzero(row.hash, sizeof row.hash);
    pthread_mutex_lock(&q->mu);
    queue_status_t r = QUEUE_OK;
    if (!ok) {
        int64_t until = count_failure(q, counter, now_ms);
        *retry_s = until ? retry_seconds(until, now_ms) : 0;
        queue_err(e, "pin", "wrong PIN for counter %d", counter);
        r = QUEUE_E_AUTH;
    } else {
        unsigned char id[16];
        char hash[65];
        randombytes_buf(id, sizeof id);
        sodium_bin2hex(session, QUEUE_SESSION_HEX + 1, id, sizeof id);
        session_hash(session, hash);
        queue_sql(q, NULL, "DELETE FROM sessions WHERE expires_ms <= ?", "i", now_ms);
        if (queue_sql(q, NULL,
                      "INSERT INTO sessions(id_hash, counter, created_ms, expires_ms) "
                      "VALUES(?, ?, ?, ?)",
                      "tdii", hash, counter, now_ms, now_ms + QUEUE_SESSION_MS) != SQLITE_DONE ||
            queue_sql(q, NULL,
                      "UPDATE counters SET failures = 0, locked_until_ms = 0 WHERE number = ?", "d",
                      counter) != SQLITE_DONE) {
            queue_err(e, "database", "cannot store the session");
            session[0] = '\0';
            r = QUEUE_E_INTERNAL;
        }
    }
    pthread_mutex_unlock(&q->mu);
    return r;
}

static bool session_shape_ok(const char *s)
{
    return s && strlen(s) == QUEUE_SESSION_HEX &&
           strspn(s, "0123456789abcdef") == QUEUE_SESSION_HEX;
}

queue_status_t queue_session(queue_t *q, const char *session, int64_t now_ms, int *counter,
                             queue_err_t *e)
{
    char hash[65];
    int64_t c = 0;
    *counter = 0;
    if (!session_shape_ok(session)) {
        queue_err(e, "session", "no session: log in first");
        return QUEUE_E_AUTH;
    }
    session_hash(session, hash);
    pthread_mutex_lock(&q->mu);
    int rc = queue_sql(q, &c, "SELECT counter FROM sessions WHERE id_hash = ? AND expires_ms > ?",
                       "ti", hash, now_ms);
    pthread_mutex_unlock(&q->mu);
    if (rc != SQLITE_ROW) {
        queue_err(e, "session", "the session has expired or was ended: log in again");
        return QUEUE_E_AUTH;
    }
    *counter = (int)c;
    return QUEUE_OK;
}

queue_status_t queue_logout(queue_t *q, const char *session, queue_err_t *e)
{
    char hash[65];
    if (!session_shape_ok(session)) {
        queue_err(e, "session", "no session: log in first");
        return QUEUE_E_AUTH;
    }
    session_hash(session, hash);
    pthread_mutex_lock(&q->mu);
    int rc = queue_sql(q, NULL, "DELETE FROM sessions WHERE id_hash = ?", "t", hash);
    pthread_mutex_unlock(&q->mu);
    if (rc != SQLITE_DONE) {
        queue_err(e, "database", "cannot end the session");
        return QUEUE_E_INTERNAL;
    }
    return QUEUE_OK;
}
