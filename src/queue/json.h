/*
 * queue/json.h - the queue as JSON: the counters' API (/api/queue, one token) and the
 * board's retained MQTT message for kiosks (docs/protocol.md, "The queue board's state").
 * Each returns a malloc'd string (free it), or NULL when out of memory.
 */
#ifndef QUEUE_JSON_H
#define QUEUE_JSON_H

#include "queue/queue.h"

/* {"token": "B-012", "counter": 2, "category": "B", "state": "called", ...} */
char *queue_json_token(const queue_token_t *t);

/* The whole queue for counters; me > 0 adds that counter's own settings as "me". */
char *queue_json_snapshot(const queue_snapshot_t *s, int me);

/* {"v": 1, "at": ..., "waiting": {"B": 4}, "serving": 3, "service_s": {...},
 *  "last_called": {...}} */
char *queue_json_board(const queue_snapshot_t *s);

/* {"error": msg, "where": where} */
char *queue_json_error(const char *msg, const char *where);

#endif
