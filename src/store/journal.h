/*
 * store/journal.h - the durable record of every confirmed request (SQLite, WAL, full sync).
 *
 * A request is committed, with its token number and tracking id, in one transaction before
 * the citizen sees the token: a power cut after the commit loses nothing, and a token number
 * is never issued twice. Tokens count per prefix (category) per day in Asia/Dhaka.
 */
#ifndef STORE_JOURNAL_H
#define STORE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "text/lang.h"

#define JOURNAL_MAX_FIELDS 8

typedef struct journal journal_t;

typedef struct {
    const char *centre_id;
    const char *terminal_id;
    const char *service_id;
    char prefix; /* token prefix of the service's category */
    lang_t lang;
    int64_t now; /* unix seconds */
    int field_count;
    const char *field_ids[JOURNAL_MAX_FIELDS];
    const char *values[JOURNAL_MAX_FIELDS];
} journal_request_t;

typedef struct {
    int64_t id;
    int number;        /* daily number within the prefix */
    char token[16];    /* "A-042" */
    char tracking[96]; /* "UDC-0001-T01-20261129-0007": unique across terminals */
} journal_receipt_t;

/*
 * Open (creating when absent) DIR/journal.sqlite; DIR is created with mode 0700. A damaged
 * or unreadable database is moved aside (journal.sqlite.damaged-TIME) with a marker, and
 * the kiosk refuses to start a new journal over it until journal_accept_new is called
 * (kiosk --new-journal): tokens must not start again from 1 by accident.
 */
journal_t *journal_open(const char *dir, char *err, size_t errcap);

/* A technician saw the damage message and saved the old file: allow a new journal. */
int journal_accept_new(const char *dir, char *err, size_t errcap);
void journal_close(journal_t *j);

/* Commit a confirmed request and issue its token. 0, or -1 with a message in err. */
int journal_commit(journal_t *j, const journal_request_t *req, journal_receipt_t *out, char *err,
                   size_t errcap);

/* Record how printing a request's receipt went: status "printed", "unknown" (sent, not
 * confirmed by the printer), "queued" (waiting behind another receipt) or a failure name
 * ("paper-out"...), with a detail for staff. A reprint that succeeds becomes "reprinted". */
int journal_record_print(journal_t *j, int64_t request_id, const char *status, const char *detail,
                         int64_t now, char *err, size_t errcap);

/* At the kiosk's start: receipts a stopped kiosk left "pending" or "queued" become "unknown",
 * with the reason in print_error. Never "printed" (nobody saw them print), and not printed
 * again by themselves: the citizen is long gone, and a receipt nobody waits for would lie
 * in the tray for the next person to take (the technician can reprint from the list). The
 * count changed, or -1 with a message in err. */
int journal_settle_prints(journal_t *j, char *err, size_t errcap);

/* ---- for the technician's screens ---- */

typedef struct {
    int64_t id;
    char tracking[96], token[16], service[32], status[32];
    int64_t created;
} journal_summary_t;

/* Requests created on the Asia/Dhaka day of now, newest first: count (at most max). */
int journal_day(journal_t *j, int64_t now, journal_summary_t *rows, int max);

typedef struct {
    char service[32];
    int requests, printed;
} journal_count_t;

/* Requests per service on the day of now (printed = printed or reprinted): count. */
int journal_day_counts(journal_t *j, int64_t now, journal_count_t *rows, int max);

/* One request in full, to print it again. */
typedef struct {
    journal_summary_t s;
    char lang[3];
    int field_count;
    char field_ids[JOURNAL_MAX_FIELDS][32];
    char values[JOURNAL_MAX_FIELDS][512];
} journal_request_row_t;

/* 0, or -1 when there is no such request. */
int journal_get(journal_t *j, int64_t id, journal_request_row_t *row);

#endif
