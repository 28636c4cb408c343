/*
 * store/techlog.h - the technician's log: every wrong PIN, lockout, refusal while locked,
 * failure to record an attempt, and entry, in the journal (table technician_log) and on
 * stderr (the service manager's log). Never a digit of a PIN: rows hold counts, the lock's
 * step and end, and a reason.
 */
#ifndef STORE_TECHLOG_H
#define STORE_TECHLOG_H

#include <stddef.h>
#include <stdint.h>

#include "store/journal.h"

typedef struct {
    int64_t at;       /* unix seconds, the kiosk's clock (which may be wrong) */
    char event[16];   /* "entry", "wrong", "lockout", "locked", "error" */
    int failures;     /* wrong PINs in a row so far */
    int step;         /* lockouts since the last entry (the lock's escalation) */
    int64_t until;    /* lockout and locked: when the lock ends; 0 otherwise */
    char detail[160]; /* for people: "failure 3 of 5", "locked for 15 min" */
} techlog_row_t;

/* Append a row to the journal's log (j may be NULL: stderr only) and print it as one line on
 * stderr. 0, or -1 when the journal could not take it (the stderr line is written anyway). */
int techlog_add(journal_t *j, const techlog_row_t *row);

/* The newest rows first: how many (at most max). */
int techlog_recent(journal_t *j, techlog_row_t *rows, int max);

#endif
