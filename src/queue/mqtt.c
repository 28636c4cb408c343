/* queue/mqtt.c - request events in, the queue and the board's presence out. */
#define _POSIX_C_SOURCE 200809L
#include "queue/mqtt.h"

#include <cjson/cJSON.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "queue/json.h"

#define SESSION_EXPIRY_S 604800 /* 7 days, as the protocol asks */
#define KEEPALIVE_S      30

struct queue_mqtt {
    queue_t *q;
    struct mosquitto *mosq;
    char t_event[192], t_queue[192], t_status[192];
    char version[32];
    int64_t offset_ms, started_ms;
    int min_interval_ms, refresh_ms;
    pthread_t publisher;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* stop, or connected */
    bool stop, connected, republish;
    unsigned long published;
};

static int64_t now_ms(const queue_mqtt_t *m)
{
    return queue_wall_ms() + m->offset_ms;
}

static const char *str_or_null(const cJSON *j, const char *name, bool *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v)) {
        *bad = true;
        return NULL;
    }
    return v->valuestring;
}

int queue_mqtt_parse_event(const char *payload, size_t len, queue_issue_t *in, cJSON **json,
                           char *err, size_t errcap)
{
    memset(in, 0, sizeof *in);
    *json = cJSON_ParseWithLength(payload, len);
    cJSON *j = *json;
    if (!j || !cJSON_IsObject(j)) {
        snprintf(err, errcap, "not a JSON object");
        return -1;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "v");
    if (!cJSON_IsNumber(v) || v->valueint != 1) {
        snprintf(err, errcap, "\"v\" is not 1");
        return -1;
    }
    bool bad = false;
    const char *kind = str_or_null(j, "kind", &bad);
    if (!kind || bad) {
        snprintf(err, errcap, "\"kind\" is missing");
        return -1;
    }
    if (strcmp(kind, "request") != 0)
        return 1;
    in->tracking = str_or_null(j, "tracking", &bad);
    in->token = str_or_null(j, "token", &bad);
    in->category = str_or_null(j, "category", &bad);
    in->service = str_or_null(j, "service", &bad);
    in->priority = str_or_null(j, "priority", &bad);
    in->terminal = str_or_null(j, "terminal", &bad);
    const char *at = str_or_null(j, "at", &bad);
    if (bad) {
        snprintf(err, errcap, "a field that must be a string is not");
        return -1;
    }
    in->issued_ms = at ? queue_parse_iso(at) : 0;
    if (at && in->issued_ms < 0) {
        char quoted[32];
        snprintf(err, errcap, "\"at\" is not an ISO 8601 time: %s", queue_quote(at, quoted));
        return -1;
    }
    return 0;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
    (void)mosq, (void)props;
    queue_mqtt_t *m = obj;
    queue_issue_t in;
    cJSON *j = NULL;
    char err[200];
    int rc =
        queue_mqtt_parse_event(msg->payload, (size_t)msg->payloadlen, &in, &j, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "queue-mqtt: %s: ignored: %s\n", msg->topic, err);
    } else if (rc == 0) {
        queue_err_t e;
        bool added;
        queue_status_t s = queue_issue(m->q, &in, now_ms(m), &added, &e);
        if (s != QUEUE_OK)
            fprintf(stderr, "queue-mqtt: %s: token refused: %s: %s\n", msg->topic, e.where, e.msg);
    }
    cJSON_Delete(j);
}

static void publish_status(queue_mqtt_t *m, bool online)
{
    char buf[256];
    long up = (long)((now_ms(m) - m->started_ms) / 1000);
    if (online)
        snprintf(buf, sizeof buf,
                 "{\"v\":1,\"online\":true,\"role\":\"board\",\"version\":\"%s\",\"uptime\":%ld}",
                 m->version, up);
    else
        snprintf(buf, sizeof buf, "{\"v\":1,\"online\":false,\"role\":\"board\"}");
    mosquitto_publish_v5(m->mosq, NULL, m->t_status, (int)strlen(buf), buf, 1, true, NULL);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc, int flags,
                       const mosquitto_property *props)
{
    (void)flags, (void)props;
    queue_mqtt_t *m = obj;
    if (rc != 0) {
        fprintf(stderr, "queue-mqtt: the broker refused the connection: %s\n",
                mosquitto_reason_string(rc));
        return;
    }
    /* Subscribing again is harmless in a kept session, and needed in a new one. */
    mosquitto_subscribe_v5(mosq, NULL, m->t_event, 1, 0, NULL);
    publish_status(m, true);
    pthread_mutex_lock(&m->mu);
    m->connected = true;
    m->republish = true;
    pthread_cond_broadcast(&m->cv);
    pthread_mutex_unlock(&m->mu);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc,
                          const mosquitto_property *props)
{
    (void)mosq, (void)props, (void)rc;
    queue_mqtt_t *m = obj;
    pthread_mutex_lock(&m->mu);
    m->connected = false;
    pthread_mutex_unlock(&m->mu);
}

static void publish_queue(queue_mqtt_t *m)
{
    queue_snapshot_t *s = malloc(sizeof *s);
    if (!s)
        return;
    queue_snapshot(m->q, now_ms(m), s);
    char *json = queue_json_board(s);
    free(s);
    if (json && mosquitto_publish_v5(m->mosq, NULL, m->t_queue, (int)strlen(json), json, 1, true,
                                     NULL) == MOSQ_ERR_SUCCESS) {
        pthread_mutex_lock(&m->mu);
        m->published++;
        pthread_mutex_unlock(&m->mu);
    }
    free(json);
}

/* Sleep ms unless stopping; true when it is time to stop. */
static bool pause_ms(queue_mqtt_t *m, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->mu);
    while (!m->stop && pthread_cond_timedwait(&m->cv, &m->mu, &until) == 0)
        ;
    bool stop = m->stop;
    pthread_mutex_unlock(&m->mu);
    return stop;
}

/* After each change (at most one message per min_interval), on (re)connecting, and every
 * refresh_ms so that kiosks see a fresh "at". */
static void *publisher(void *arg)
{
    queue_mqtt_t *m = arg;
    unsigned long sent = 0;
    int64_t last = 0;
    for (;;) {
        unsigned long v = queue_wait(m->q, sent, m->refresh_ms);
        pthread_mutex_lock(&m->mu);
        bool stop = m->stop, connected = m->connected, again = m->republish;
        m->republish = false;
        pthread_mutex_unlock(&m->mu);
        if (stop)
            break;
        if (!connected) {
            if (pause_ms(m, 200))
                break;
            continue;
        }
        if (v != sent || again || now_ms(m) - last >= m->refresh_ms) {
            publish_queue(m);
            sent = v;
            last = now_ms(m);
            if (pause_ms(m, m->min_interval_ms))
                break;
        } else if (pause_ms(m, 20)) { /* woken without a change (shutting down) */
            break;
        }
    }
    return NULL;
}

static bool topic_part_ok(const char *s)
{
    return s && s[0] && !strpbrk(s, "/+#") && strlen(s) < 48;
}

queue_mqtt_t *queue_mqtt_start(queue_t *q, const queue_mqtt_opts_t *o, char *err, size_t errcap)
{
    if (!topic_part_ok(o->prefix) || !topic_part_ok(o->centre) || !topic_part_ok(o->terminal)) {
        snprintf(err, errcap, "topic prefix, centre and terminal ids must be set, without / + #");
        return NULL;
    }
    if (!o->host || !o->host[0] || o->port < 1 || o->port > 65535) {
        snprintf(err, errcap, "[sync] broker: a host and a port 1-65535 are needed");
        return NULL;
    }
    queue_mqtt_t *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    char id[128];
    m->q = q;
    m->offset_ms = o->clock_offset_ms;
    m->started_ms = now_ms(m);
    m->min_interval_ms = o->min_interval_ms > 0 ? o->min_interval_ms : 250;
    m->refresh_ms = o->refresh_ms > 0 ? o->refresh_ms : 30000;
    snprintf(m->version, sizeof m->version, "%s", o->version ? o->version : "");
    snprintf(m->t_event, sizeof m->t_event, "%s/%s/+/event", o->prefix, o->centre);
    snprintf(m->t_queue, sizeof m->t_queue, "%s/%s/board/queue", o->prefix, o->centre);
    snprintf(m->t_status, sizeof m->t_status, "%s/%s/board/status", o->prefix, o->centre);
    snprintf(id, sizeof id, "%s-%s", o->centre, o->terminal);
    pthread_mutex_init(&m->mu, NULL);
    /* Timed waits on the monotonic clock: the wall clock of a board without a battery-backed
     * clock jumps when NTP first sets it. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&m->cv, &ca);
    pthread_condattr_destroy(&ca);
    mosquitto_lib_init();
    m->mosq = mosquitto_new(id, false, m); /* clean start off: a persistent session */
    if (!m->mosq) {
        snprintf(err, errcap, "cannot create an MQTT client");
        goto fail;
    }
    mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_connect_v5_callback_set(m->mosq, on_connect);
    mosquitto_disconnect_v5_callback_set(m->mosq, on_disconnect);
    mosquitto_message_v5_callback_set(m->mosq, on_message);
    mosquitto_reconnect_delay_set(m->mosq, 1, 10, true);
    const char *will = "{\"v\":1,\"online\":false,\"role\":\"board\"}";
    mosquitto_property *props = NULL;
    mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, SESSION_EXPIRY_S);
    if (mosquitto_will_set_v5(m->mosq, m->t_status, (int)strlen(will), will, 1, true, NULL) !=
        MOSQ_ERR_SUCCESS) {
        mosquitto_property_free_all(&props);
        snprintf(err, errcap, "cannot set the last will");
        goto fail;
    }
    /* A broker that is down now is retried by the network thread. */
    int rc = mosquitto_connect_bind_v5(m->mosq, o->host, o->port, KEEPALIVE_S, NULL, props);
    mosquitto_property_free_all(&props);
    if (rc == MOSQ_ERR_INVAL) {
        snprintf(err, errcap, "[sync] broker: %s:%d is not valid", o->host, o->port);
        goto fail;
    }
    if (rc != MOSQ_ERR_SUCCESS)
        fprintf(stderr, "queue-mqtt: %s:%d: %s (retrying)\n", o->host, o->port,
                mosquitto_strerror(rc));
    if (mosquitto_loop_start(m->mosq) != MOSQ_ERR_SUCCESS ||
        pthread_create(&m->publisher, NULL, publisher, m) != 0) {
        snprintf(err, errcap, "cannot start the MQTT threads");
        mosquitto_loop_stop(m->mosq, true);
        goto fail;
    }
    return m;
fail:
    if (m->mosq)
        mosquitto_destroy(m->mosq);
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    free(m);
    return NULL;
}

bool queue_mqtt_connected(queue_mqtt_t *m)
{
    pthread_mutex_lock(&m->mu);
    bool c = m->connected;
    pthread_mutex_unlock(&m->mu);
    return c;
}

unsigned long queue_mqtt_published(queue_mqtt_t *m)
{
    pthread_mutex_lock(&m->mu);
    unsigned long n = m->published;
    pthread_mutex_unlock(&m->mu);
    return n;
}

void queue_mqtt_stop(queue_mqtt_t *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->mu);
    m->stop = true;
    pthread_cond_broadcast(&m->cv);
    pthread_mutex_unlock(&m->mu);
    queue_wake(m->q);
    pthread_join(m->publisher, NULL);
    if (queue_mqtt_connected(m)) {
        publish_status(m, false); /* a clean stop sends no will */
        struct timespec t = {0, 200 * 1000000L};
        nanosleep(&t, NULL); /* let the network thread send it */
    }
    mosquitto_disconnect_v5(m->mosq, 0, NULL);
    mosquitto_loop_stop(m->mosq, false);
    mosquitto_destroy(m->mosq);
    mosquitto_lib_cleanup();
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    free(m);
}
