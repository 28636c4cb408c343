/*
 * register/store.h - where the register keeps requests: `sqlite:PATH` (embedded, for a
 * centre or a district: WAL, synchronous FULL) or `postgresql://...` (libpq, the national
 * store). One schema and one behaviour; the SQL lives once in store.c and each backend only
 * runs it (store_db.h).
 *
 * Every message is applied in one transaction that is committed before the function
 * returns: the caller acknowledges the message to the broker only after that, so a crash at
 * any point means the broker delivers it again, and the unique event id drops the repeat.
 *
 * A store handle belongs to one thread at a time.
 */
#ifndef REGISTER_STORE_H
#define REGISTER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "register/event.h"

typedef struct register_store register_store_t;

/* Open (and create or check the schema of) "sqlite:PATH" or "postgresql://..." /
 * "postgres://...". NULL with "SPEC: why" in err. */
register_store_t *register_store_open(const char *spec, char *err, size_t errcap);
void register_store_close(register_store_t *s);

/* "sqlite" or "postgresql". */
const char *register_store_kind(const register_store_t *s);

/* What applying a message did. */
typedef enum {
    REG_STORE_STORED = 1,    /* new: committed */
    REG_STORE_DUPLICATE = 0, /* this event id was already there: nothing changed */
    REG_STORE_RETRY = -1,    /* the database is unreachable or busy: nothing committed, retry */
    REG_STORE_REFUSED = -2,  /* the database refuses this data for good: nothing committed */
} register_store_result_t;

/* Store one event in one transaction (the event row, and for a request its request row),
 * then bring the request's latest status up to date from all its events, including those
 * that arrived before it. now is the time of receipt (unix seconds). */
register_store_result_t register_store_event(register_store_t *s, const register_event_t *ev,
                                             int64_t now, char *err, size_t errcap);

/* A terminal whose refusal changed: conflict "" when lifted. */
typedef struct {
    char centre[REG_ID_MAX], terminal[REG_ID_MAX];
    char conflict[160];
} register_control_t;

typedef void (*register_control_fn)(const register_control_t *c, void *ctx);

/* Record a terminal's presence (json: the message as received) and, for a kiosk, recompute
 * the token bands of its centre: each terminal whose refusal changed is passed to changed
 * after the commit. */
register_store_result_t register_store_status(register_store_t *s, const register_status_t *st,
                                              const char *json, size_t len, int64_t now,
                                              register_control_fn changed, void *ctx, char *err,
                                              size_t errcap);

/* Every terminal that is refused now, or was once (conflict ""), for publishing the control
 * messages again after a (re)connection. 0, or -1. */
int register_store_controls(register_store_t *s, register_control_fn fn, void *ctx, char *err,
                            size_t errcap);

/* A request as the register knows it. */
typedef struct {
    char tracking[REG_TRACKING_MAX], centre[REG_ID_MAX], terminal[REG_ID_MAX];
    char token[16], service[32], category[32], lang[3], priority[16]; /* priority "": none */
    char status[32];
    char print_error[520];                               /* "": none */
    int64_t created, received_at, status_at, printed_at; /* printed_at -1: never */
    bool fields_erased;
    char *qr, *fields_sealed; /* owned (fields_sealed may be NULL) */
    int conflict;             /* 1 when its terminal is refused for its token band now */
} register_request_t;

void register_request_free(register_request_t *r);

/* One request by tracking id: 1 found, 0 not there, -1 error. */
int register_store_request(register_store_t *s, const char *tracking, register_request_t *out,
                           char *err, size_t errcap);

/* Each request created at or after since (unix seconds), oldest first; fn returns 0 to go
 * on. Number of requests, or -1. */
long register_store_each(register_store_t *s, int64_t since,
                         int (*fn)(const register_request_t *r, void *ctx), void *ctx, char *err,
                         size_t errcap);

/* Counts for /healthz: requests, events, and events waiting for their request. */
int register_store_counts(register_store_t *s, long *requests, long *events, long *orphans,
                          char *err, size_t errcap);

/* Tests of acknowledging only after the commit: the process kills itself (SIGKILL) inside
 * the transaction of the nth new event, after its rows are written and before COMMIT. */
void register_store_die_before_commit(register_store_t *s, long n);

/* Connect again after the database went away. 0, or -1. */
int register_store_reconnect(register_store_t *s, char *err, size_t errcap);

#endif
