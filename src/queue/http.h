/*
 * queue/http.h - the board's web server (libmicrohttpd): the counters' JSON API, live
 * updates (server-sent events, with /api/queue for polling), and the counter web app's
 * static files from assets/web (and the Bangla font from fonts/).
 *
 * Threads: one per connection (bounded: at most HTTP_MAX_CONNECTIONS at once, 16 per
 * client address, idle ones closed after 30 s). A thread per connection because an
 * event stream's writer sleeps until the queue changes; in a pool it would hold up every
 * other connection of its thread. A centre has a handful of counters, so a few threads.
 *
 * Every request that is not right gets a 4xx with {"error": "...", "where": "..."}:
 * bad JSON, a body over 16 KiB, a content type other than application/json, a wrong
 * method, an unknown path, a missing, ended or expired session, an unknown token or a
 * token of another counter. Logins are rate-limited per counter (in the queue, across
 * restarts) and per client address (here), escalating; failures are logged without PINs.
 */
#ifndef QUEUE_HTTP_H
#define QUEUE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "queue/queue.h"

#define HTTP_MAX_BODY        (16 * 1024)
#define HTTP_MAX_CONNECTIONS 64
#define HTTP_HEARTBEAT_MS    15000

typedef struct queue_http queue_http_t;

typedef struct {
    const char *listen;      /* "0.0.0.0:8080", "127.0.0.1:0" (0: any free port) */
    const char *web_dir;     /* the web app: assets/web */
    const char *fonts_dir;   /* fonts/ (served under /fonts/) */
    int64_t clock_offset_ms; /* added to the wall clock (the harness's --now) */
    int heartbeat_ms;        /* 0: HTTP_HEARTBEAT_MS */
} queue_http_opts_t;

/* Start serving; NULL with err (a bad address, a port in use). */
queue_http_t *queue_http_start(queue_t *q, const queue_http_opts_t *o, char *err, size_t errcap);

/* The port it listens on (useful with port 0). */
int queue_http_port(const queue_http_t *h);

/* Stop: ends event streams (wakes the queue's waiters) and waits for every connection. */
void queue_http_stop(queue_http_t *h);

#endif
