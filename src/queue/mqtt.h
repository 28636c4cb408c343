/*
 * queue/mqtt.h - the board on the centre's broker (libmosquitto, MQTT 5; docs/protocol.md).
 *
 * Subscribes to P/C/+/event with QoS 1 in a persistent session (clean start off, session
 * expiry 7 days), so events published while the board is down or restarting wait in the
 * broker: each "request" event becomes a waiting token (idempotent on its tracking id);
 * other kinds are ignored. Publishes P/C/board/queue (retained, QoS 1) after each change,
 * at most once per min_interval_ms, and again every refresh_ms (kiosks trust it for 2
 * minutes only), and P/C/board/status (retained) with a last will that says offline.
 *
 * Threads: libmosquitto's network thread (messages in) and one publishing thread.
 *
 * Known gap: libmosquitto 2.0 acknowledges a QoS 1 message before our callback stores it,
 * so a SIGKILL in that millisecond loses that one event from the board (the kiosk's journal
 * and the register still have it).
 */
#ifndef QUEUE_MQTT_H
#define QUEUE_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queue/queue.h"

typedef struct queue_mqtt queue_mqtt_t;

typedef struct {
    const char *host;
    int port;
    const char *prefix;   /* [sync] topic_prefix, e.g. "sheba" */
    const char *centre;   /* [centre] id */
    const char *terminal; /* the board's [terminal] id: client id is C-T */
    const char *version;  /* the firmware's, in the presence message */
    int64_t clock_offset_ms;
    int min_interval_ms; /* 0: 250 */
    int refresh_ms;      /* 0: 30000 */
} queue_mqtt_opts_t;

/* Start connecting (in the background: a broker that is down now is retried every 1-10 s).
 * NULL with err only for bad options. */
queue_mqtt_t *queue_mqtt_start(queue_t *q, const queue_mqtt_opts_t *o, char *err, size_t errcap);

bool queue_mqtt_connected(queue_mqtt_t *m);

/* How many queue messages were published so far. */
unsigned long queue_mqtt_published(queue_mqtt_t *m);

/* Say offline (retained), disconnect, stop both threads. */
void queue_mqtt_stop(queue_mqtt_t *m);

/* What a "request" event payload asks for, into in (pointing into the parsed JSON, which the
 * caller frees with cJSON_Delete through *json). 0, or -1 with err (the field named); 1 when
 * the event is of another kind (nothing to do). For the MQTT handler and its tests. */
struct cJSON;
int queue_mqtt_parse_event(const char *payload, size_t len, queue_issue_t *in, struct cJSON **json,
                           char *err, size_t errcap);

#endif
