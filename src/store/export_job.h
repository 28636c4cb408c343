/*
 * store/export_job.h - the technician's journal export to removable media, in a worker
 * thread with a time bound, so that a slow, stuck or hostile USB stick never freezes the
 * screen, and so that nothing on the stick can make the export write anywhere else.
 *
 * On the stick: the file is created under a temporary name with O_CREAT | O_EXCL |
 * O_NOFOLLOW (a link or a FIFO planted there is never opened), synced, then renamed to
 * sheba-journal-<centre>-<terminal>-<YYYYMMDD>.jsonl[.sealed] in the same folder; a
 * final name that exists and is not a regular file is refused.
 *
 * What is in it: with the register's X25519 public key ([journal] export_key) every request
 * is sealed (libsodium crypto_box_seal, store/seal.h), readable only with the register's
 * secret key (export_open, `kiosk --open-export FILE --key SECRET`). Without a key,
 * identifiers are masked as on the receipt (catalog/mask.h) and nothing else a citizen
 * typed is written.
 *
 * Sealed file format: a first line "sheba-sealed-export 1", then one line per request: the
 * base64url (no padding) of crypto_box_seal(JSON line padded with spaces to a multiple of
 * 256 bytes), so that line lengths do not tell how long a name is.
 */
#ifndef STORE_EXPORT_JOB_H
#define STORE_EXPORT_JOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "catalog/catalog.h"
#include "store/seal.h"

#define EXPORT_TIMEOUT_MS  120000 /* a generous bound: 100 MB on a slow USB 2 stick */
#define EXPORT_SEALED_HEAD "sheba-sealed-export 1"
#define EXPORT_FIGURES_MAX 16384

typedef struct {
    char data_dir[512]; /* the journal to read, through its own read-only connection */
    char dest_dir[512]; /* the stick's folder (or [technician] export_dir) */
    char centre_id[32], terminal_id[32];
    int64_t now;          /* the kiosk's clock: the date in the file's name */
    int64_t since;        /* requests created at or after (unix seconds; 0: all) */
    char export_key[512]; /* the register's public key file; "": mask identifiers */
    int timeout_ms;       /* the bound (0: EXPORT_TIMEOUT_MS) */
    /* Today's figures of the centre's queue (JSON, no citizen's data), written beside the
     * journal as sheba-queue-<centre>-<terminal>-<YYYYMMDD>.json the same safe way; "": none. */
    char figures[EXPORT_FIGURES_MAX];
} export_request_t;

typedef enum {
    EXPORT_IDLE,
    EXPORT_RUNNING,
    EXPORT_DONE,
    EXPORT_FAILED,
    EXPORT_TIMED_OUT /* the bound passed; the worker gives up at its next step and removes
                        its temporary file */
} export_state_t;

typedef struct {
    long rows;
    bool sealed;
    char file[256];         /* the file's name on the stick (what the technician looks for) */
    char figures_file[256]; /* the queue's figures beside it; "" when none were given */
    char error[1024];       /* EXPORT_FAILED, EXPORT_TIMED_OUT: what went wrong */
} export_outcome_t;

typedef struct export_mask export_mask_t;

typedef struct {
    pthread_mutex_t lock;
    pthread_t thread;
    bool joinable;
    bool alive;               /* under lock: the worker has not returned */
    bool abandoned;           /* under lock: the bound passed, nobody waits for it */
    export_state_t state;     /* under lock */
    export_outcome_t outcome; /* under lock, once DONE or FAILED */
    uint64_t deadline;        /* CLOCK_MONOTONIC ms, read by the caller's thread only */
    /* Owned by the worker while it runs. */
    export_request_t rq;
    bool sealed;
    uint8_t key[SEAL_KEY_BYTES];
    export_mask_t *masks;
    int mask_count;
    void (*notify)(void *ctx);
    void *notify_ctx;
} export_job_t;

/* notify (may be NULL) is called from the worker when it ends, to wake the main loop. */
void export_job_init(export_job_t *j, void (*notify)(void *ctx), void *ctx);

/* Start an export. The catalog gives the masking rules (copied: it may change or go away
 * while the worker runs); the key file is read now. 0, or -1 with err (an export still
 * running, an unreadable key, out of memory). */
int export_job_start(export_job_t *j, const export_request_t *rq, const catalog_t *catalog,
                     char *err, size_t errcap);

/* Never blocks. EXPORT_DONE, EXPORT_FAILED and EXPORT_TIMED_OUT are reported once, with
 * out filled; then EXPORT_IDLE. */
export_state_t export_job_poll(export_job_t *j, export_outcome_t *out);

/* Milliseconds until the bound while running (for the main loop's sleep), else 0. */
uint64_t export_job_due_in(const export_job_t *j);

/* The worker is still there (running, or abandoned and not yet returned). */
bool export_job_busy(export_job_t *j);

/* Wait up to timeout_ms for the worker to return (command line, tests, shutdown). 0 when it
 * did, -1 when it is still there. */
int export_job_wait(export_job_t *j, int timeout_ms);

/* Wait a little for the worker; one stuck in the kernel is left behind, detached. */
void export_job_destroy(export_job_t *j);

/* "sheba-journal-UDC-0001-T01-20261129.jsonl" (".jsonl.sealed" when sealed) for now. */
void export_file_name(const char *centre, const char *terminal, int64_t now, bool sealed, char *out,
                      size_t cap);

/* Open a sealed export with the register's secret key file and write its JSON Lines to out.
 * The file is opened O_NONBLOCK | O_NOFOLLOW and must be a regular file. 0 with *rows, or -1
 * with "FILE:LINE: why" in err (not sealed, another key, changed). */
int export_open(const char *path, const char *secret_key_file, FILE *out, long *rows, char *err,
                size_t errcap);

#endif
