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
    char token_band;      /* '1'..'9': tokens like B-2012; 0: no band, B-012 ([terminal]) */
    const char *priority; /* NULL, or elderly, disability, pregnancy, child (the queue's) */
} journal_request_t;

typedef struct {
    int64_t id;
    int number;        /* daily number within the prefix */
    char token[16];    /* "A-042", or "A-2042" with token band 2 */
    char tracking[96]; /* "UDC-0001-T01-20261129-0007": unique across terminals */
} journal_receipt_t;

/* How opening the journal went. Only SQLite's own finding of corruption (SQLITE_CORRUPT,
 * SQLITE_NOTADB, or an integrity check that reports a problem) makes a journal "damaged";
 * a full disk, an I/O error or a file that cannot be opened now leave it untouched. */
typedef enum {
    JOURNAL_OK,      /* open: tokens can be issued */
    JOURNAL_DAMAGED, /* moved aside (journal.sqlite.damaged-TIME) with the marker
                      * journal.DAMAGED: refused until kiosk --new-journal */
    JOURNAL_MISSING, /* missing, emptied, shrunk (behind what journal.state says this terminal
                      * issued) or another journal in its place: what is there is moved aside
                      * with the marker, refused until kiosk --new-journal */
    JOURNAL_RETRY,   /* cannot start now (disk full, I/O error, cannot open, busy): nothing
                      * was changed; try again in a few seconds */
    JOURNAL_FAILED,  /* cannot be used as configured (not a folder, a newer schema...) */
} journal_status_t;

/*
 * The kiosk's start-up: open (creating when absent) DIR/journal.sqlite; DIR is created with
 * mode 0700. Refused as JOURNAL_RETRY when the data partition has less room than a request
 * needs. A journal that existed is never silently replaced: DIR/journal.state keeps the last
 * numbers this terminal issued, and a journal behind them is refused (JOURNAL_MISSING).
 * JOURNAL_OK: *out is the journal, and err may hold a note for the log (or ""). Otherwise
 * *out is NULL and err says why, for the log, STATUS= and the technician.
 */
journal_status_t journal_open_status(const char *dir, journal_t **out, char *err, size_t errcap);

/* "ok", "damaged", "missing", "retry", "failed". */
const char *journal_status_name(journal_status_t s);

/* The same for commands (export, import) and tests, without the free-space check: the
 * journal, or NULL with err. A note of an OK open goes to stderr. */
journal_t *journal_open(const char *dir, char *err, size_t errcap);

/* A second connection that only reads DIR/journal.sqlite, for a worker thread (the export to
 * a USB stick): it never creates, migrates or writes, and is used by one thread only (the
 * main thread keeps its own). NULL with err when there is no readable journal. */
journal_t *journal_open_reader(const char *dir, char *err, size_t errcap);

/* kiosk --new-journal: a technician saw the refusal and saved the old file. A sound journal
 * in place is kept (also one behind journal.state: an older copy put back); a damaged one is
 * moved aside and a new journal started. Either way its token and tracking sequences then go
 * on past the last ones journal.state knows. 0, or -1 with err (a state file that cannot be
 * read is not guessed at). */
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
    char priority[16]; /* "" or elderly, disability, pregnancy, child */
    int field_count;
    char field_ids[JOURNAL_MAX_FIELDS][32];
    char values[JOURNAL_MAX_FIELDS][512];
} journal_request_row_t;

/* 0, or -1 when there is no such request. */
int journal_get(journal_t *j, int64_t id, journal_request_row_t *row);

#endif
