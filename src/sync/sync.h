/*
 * sync/sync.h - a terminal as a member of its centre and of the national register, over MQTT 5
 * (libmosquitto; docs/protocol.md).
 *
 * A sync engine publishes the journal's outbox in order (QoS 1, persistent session, each
 * payload signed), marks a row synced only on the broker's PUBACK, keeps a retained presence
 * with a last will, and receives pushed catalogs, configuration and control messages. It
 * has its OWN journal connection (never the main thread's) and runs on its own thread, so the
 * screen never waits for the network: the main thread only wakes it and reads its status.
 *
 * An engine is an object with no global state besides libmosquitto's one-time init, so one
 * process can run thousands (tools/fleet-bench.c): sync_poll() and sync_step() drive an
 * engine from any loop; sync_start() gives it a thread of its own instead.
 */
#ifndef SYNC_SYNC_H
#define SYNC_SYNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "store/signing.h"
#include "sync/board.h"
#include "sync/event.h"

#define SYNC_MAX_REFUSED    4
#define SYNC_BOARD_FRESH_MS 120000 /* the board republishes every 30 s */

typedef struct sync_engine sync_engine_t;

/* What the main thread may know, copied under the engine's lock. */
typedef struct {
    bool connected;       /* the broker accepted us and the connection holds */
    long backlog;         /* events not yet acknowledged by the broker */
    int64_t last_sync;    /* unix time of the last acknowledged event; 0: never */
    char last_error[192]; /* the last connection or publishing problem ("" after success) */
    long published, acked, refused_pushes; /* counts since start */
    int catalog_version, config_version;   /* the last good pushes kept (0: none) */
    int refused_count;                     /* pushes refused, newest last */
    event_refusal_t refused[SYNC_MAX_REFUSED];
    bool band_refused;     /* the register refused our token band: stop issuing tokens */
    char band_detail[192]; /* its words, e.g. "band 2 is held by T01" */
    bool subscribed;       /* the broker granted this connection's subscriptions: retained
                            * control messages and pushes follow on the same connection */
    /* The centre's queue board (docs/protocol.md): "N ahead of you" is shown only when it is
     * fresh: the board online, and its queue message at most SYNC_BOARD_FRESH_MS old by our
     * own monotonic clock (the board's and the kiosk's wall clocks may disagree). */
    bool board_online;
    bool board_fresh;        /* computed by sync_get_status */
    int64_t board_got_ms;    /* sync_clock_ms() when the queue message came; 0: none yet */
    unsigned long board_seq; /* counts every change of the board's state and presence */
    sync_board_t board;
} sync_status_t;

/* An engine for the journal in data_dir with the terminal's signing key (copied). The
 * configuration must have a [sync] broker; keys and files are read now. NULL with
 * "what: why" in err (e.g. "[sync] register_key: PATH: not an Ed25519 public key"). */
sync_engine_t *sync_new(const config_t *cfg, const char *data_dir, const signing_key_t *key,
                        char *err, size_t errcap);

/* Stop (when started) and free. A connected engine says goodbye with its will (offline). */
void sync_free(sync_engine_t *e);

/* Where the engine logs its connections and refusals ("sync C-T: ..."): stderr by default,
 * NULL for none (the fleet benchmark's thousands of engines). Before sync_start. */
void sync_set_log(sync_engine_t *e, FILE *log);

/* Run the engine on a thread of its own. 0, or -1 with err. */
int sync_start(sync_engine_t *e, char *err, size_t errcap);

/* ---- from any thread ---- */

/* Something was committed or printed: look at the outbox now rather than within a second. */
void sync_wake(sync_engine_t *e);

/* The printer's state and paper for presence ("ready", "paper-out"...; "ok", "low"...). */
void sync_set_device(sync_engine_t *e, const char *printer, const char *paper);

void sync_get_status(sync_engine_t *e, sync_status_t *out);
/* The versions of the last good pushes kept (0: none), without copying the whole status: the
 * kiosk asks at every pass of its loop between citizens. */
void sync_push_versions(sync_engine_t *e, int *catalog, int *config);
/* The board's state, copied into out only when it changed since *seq (then true, and *seq
 * moves on), so a caller may ask at every event; *fresh is set either way (it ages). */
bool sync_board_get(sync_engine_t *e, unsigned long *seq, sync_board_t *out, bool *fresh);

/* ---- driving an engine from one's own loop (one thread per engine at a time) ---- */

/* Fill up to 2 pollfds (the broker's socket, the wake-up) and return how long the caller may
 * sleep (ms) before the next sync_step. now_ms: a monotonic clock. */
int sync_poll(sync_engine_t *e, struct pollfd pfd[2], int *count, int64_t now_ms);

/* Do what is due: read and write the socket, connect, publish within the rate and inflight
 * bounds, record acknowledgements, presence. pfd and count as sync_poll set them, with the
 * revents poll() returned. */
void sync_step(sync_engine_t *e, const struct pollfd *pfd, int count, int64_t now_ms);

/* Events published and not yet acknowledged, and whether the engine ever connected and
 * whether it is connected now (for sync_now and the fleet benchmark). */
int sync_inflight(const sync_engine_t *e);
bool sync_ever_connected(const sync_engine_t *e);

/* For benchmarks: fn(ctx, outbox row id) on the driving thread for each row the broker has
 * acknowledged, after it is marked. */
void sync_set_ack_hook(sync_engine_t *e, void (*fn)(void *ctx, int64_t row), void *ctx);

/* A monotonic clock in ms for sync_poll and sync_step. */
int64_t sync_clock_ms(void);

/* kiosk --sync-now: drain the backlog of data_dir's journal (key_file: --signing-key, or
 * NULL for DATA/signing.key) and leave. Prints what happened on out. 0 when nothing is left;
 * 1 when events are left (the count is printed): the broker cannot be reached, or
 * timeout_s passed. Nothing is lost either way: what was not acknowledged stays queued. */
int sync_now(const config_t *cfg, const char *data_dir, const char *key_file, int timeout_s,
             FILE *out);

#endif
