/* queue/queue_private.h - what the queue's files share: the object and SQL helpers. */
#ifndef QUEUE_QUEUE_PRIVATE_H
#define QUEUE_QUEUE_PRIVATE_H

#include <pthread.h>
#include <sqlite3.h>

#include "queue/queue.h"

#define QUEUE_RING 32

struct queue {
    sqlite3 *db;
    pthread_mutex_t mu; /* the connection, the ring, the version */
    pthread_cond_t changed;
    unsigned long version;
    bool woken;
    queue_call_t ring[QUEUE_RING];
    int ring_head, ring_len;
    queue_call_t pending; /* set by an action, announced only after its commit */
    bool has_pending;
    queue_listener_t listener;
    void *listener_ctx;
};

/* Run sql with arguments described by fmt: 'i' int64_t, 'd' int, 't' text (NULL binds NULL).
 * Returns the first row's first column as int64 in *first (when not NULL and a row came),
 * and SQLITE_DONE / SQLITE_ROW, or an error code. */
int queue_sql(queue_t *q, int64_t *first, const char *sql, const char *fmt, ...);

/* Prepare with bound arguments (as queue_sql); NULL on failure. */
sqlite3_stmt *queue_prep(queue_t *q, const char *sql, const char *fmt, ...);

/* The Asia/Dhaka date of ms as "YYYY-MM-DD". */
void queue_day(int64_t ms, char out[16]);

/* Copy a column's text (or "") into out. */
void queue_col_text(sqlite3_stmt *st, int col, char *out, size_t cap);

/* Fill a token from a row of QUEUE_TOKEN_COLS starting at column 0. */
#define QUEUE_TOKEN_COLS                                                                           \
    "token, tracking, category, service, coalesce(priority, ''), terminal, state, "                \
    "coalesce(counter, 0), coalesce(target_counter, 0), calls, issued_ms, coalesce(called_ms, 0)"
void queue_token_from_row(sqlite3_stmt *st, queue_token_t *t);

#endif
