/*
 * store/outbox.h - the journal is the outbox: every change of a request (committed, printed,
 * reprinted, erased by retention, imported) appends an event row in the same transaction,
 * written by the database's own triggers (schema version "outbox" in journal.c). The sync
 * thread reads the rows in id order through its own journal connection, publishes them, and
 * marks a row synced only when the broker has acknowledged it (docs/protocol.md).
 */
#ifndef STORE_OUTBOX_H
#define STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/journal.h"

typedef enum { OUTBOX_REQUEST, OUTBOX_PRINT, OUTBOX_REPRINT, OUTBOX_ERASURE } outbox_kind_t;

/* One event with what publishing it needs from its request. */
typedef struct {
    int64_t id;         /* the outbox row: <tracking>/<id> is the event's idempotency key */
    int64_t request_id; /* journal row of the request */
    outbox_kind_t kind;
    int64_t at;       /* unix seconds of the change */
    char status[32];  /* print and reprint: printed, paper-out... ("" otherwise) */
    char detail[256]; /* print and reprint: the failure's detail ("" when none) */
    char tracking[96], token[16], service[32], lang[3];
    char prefix;        /* the token's category letter */
    char priority[16];  /* "" or elderly, disability, pregnancy, child */
    int64_t created;    /* the request's commit time */
    bool fields_erased; /* retention erased what the citizen typed */
    int field_count;    /* the fields as they are now (none once erased) */
    char field_ids[JOURNAL_MAX_FIELDS][32];
    char values[JOURNAL_MAX_FIELDS][512];
} outbox_row_t;

/* "request", "print", "reprint", "erasure". */
const char *outbox_kind_name(outbox_kind_t k);

/* Up to max unsynced rows with an id above after, in id order. Count, or -1 with err. */
int outbox_next(journal_t *j, int64_t after, outbox_row_t *rows, int max, char *err, size_t errcap);

/* Mark rows synced at now (unix seconds), in one transaction. Marking a row again, or an id
 * that does not exist, changes nothing. 0; 1 when another connection holds the journal
 * (nothing marked: try again soon); or -1 with err. */
int outbox_mark_synced(journal_t *j, const int64_t *ids, int n, int64_t now, char *err,
                       size_t errcap);

/* For a connection that only marks rows (the sync thread's): commits without waiting for the
 * disk (a mark lost to a power cut only makes the row be published again, which the register
 * drops as a duplicate; an fsync per acknowledged event would wear an SD card for nothing),
 * and never waits for the lock: a busy journal answers 1 at once, so a thread that drives
 * many engines is never held up by one terminal's commit. */
void outbox_relax_marks(journal_t *j);

/* Whether another connection (the kiosk's main thread, an import) has committed since the
 * last call, as SQLite's data_version tells for free: the sync thread looks once a second
 * instead of being told about every commit. *seen keeps the last value (start with 0). */
bool outbox_changed(journal_t *j, int64_t *seen);

/* Rows not yet synced, or -1. */
long outbox_backlog(journal_t *j);

/* When the last row was marked synced (unix seconds), or 0 when none ever was. */
int64_t outbox_last_synced(journal_t *j);

#endif
