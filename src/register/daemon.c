/*
 * register/daemon.c - messages in, rows out, acknowledgements last.
 *
 * When is a QoS 1 message acknowledged? libmosquitto 2.0.11 (Debian 12) queues the PUBACK
 * in handle__publish just before it calls on_message, but with the threaded loop
 * (mosquitto_loop_start) queued packets are written only by the loop thread, after the
 * packet handler, and so after our callback, has returned. The callback stores the message
 * synchronously and commits before it returns, so the PUBACK leaves after the commit; a
 * crash inside the callback loses the queued PUBACK and the broker delivers the message
 * again (tests/check-register.sh kills the register inside the transaction to prove it).
 * Newer libmosquitto versions call on_message before queueing the PUBACK, which keeps this
 * true. Therefore: never use mosquitto_loop() by hand here (without the thread the PUBACK
 * would be written before the callback runs), and never return from the callback before a
 * message is committed, refused for good, or known to be a duplicate.
 */
#define _POSIX_C_SOURCE 200809L
#include "register/daemon.h"

#include <cjson/cJSON.h>
#include <mqtt_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "register/event.h"
#include "register/store.h"

#define EXIT_NOT_ACKED 75 /* EX_TEMPFAIL: left with a message neither stored nor acknowledged */

struct register_conn {
    register_app_t *app;
    struct mosquitto *mosq;
    register_store_t *store;
    char id[REG_ID_MAX];
    bool adopter;
    atomic_int ended; /* adopter: 1 its connection closed, 2 its owner took the session back,
                       * 3 there was no session to take */
};

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void refuse(register_conn_t *c, const char *topic, register_reason_t r, const char *why)
{
    atomic_fetch_add(&c->app->stats.rejected[r], 1);
    fprintf(stderr, "register: refused %s: %s: %s\n", topic, register_reason_name(r), why);
}

/* The store cannot commit now: wait, reconnect, try again, with the message unacknowledged
 * all along. Asked to stop meanwhile, leave without returning, so nothing is acknowledged. */
static void store_wait(register_conn_t *c, int attempt, const char *what, const char *err)
{
    char why[256];
    atomic_fetch_add(&c->app->stats.store_retries, 1);
    if (attempt == 1 || attempt % 30 == 0)
        fprintf(stderr, "register: store: %s: %s (attempt %d; the message waits unacknowledged)\n",
                what, err, attempt);
    long wait = attempt < 6 ? 100L << (attempt - 1) : 5000;
    for (long waited = 0; waited < wait; waited += 100) {
        if (atomic_load(&c->app->stopping)) {
            fprintf(stderr,
                    "register: stopping with %s neither stored nor acknowledged; the "
                    "broker will deliver it again\n",
                    what);
            fflush(stderr);
            _exit(EXIT_NOT_ACKED);
        }
        sleep_ms(100);
    }
    if (register_store_reconnect(c->store, why, sizeof why) < 0 && attempt == 1)
        fprintf(stderr, "register: store: %s\n", why);
}

static void handle_event(register_conn_t *c, const struct mosquitto_message *msg,
                         const mosquitto_property *props)
{
    register_app_t *app = c->app;
    char sig[256], why[512];
    bool has_sig = register_mqtt_user_property(props, "sig", sig, sizeof sig);
    register_event_t ev;
    register_reason_t r =
        register_event_check(app->keys_dir, app->prefix, msg->topic, msg->payload,
                             (size_t)msg->payloadlen, has_sig ? sig : NULL, &ev, why, sizeof why);
    if (r != REG_OK) {
        refuse(c, msg->topic, r, why);
        return;
    }
    for (int attempt = 1;; attempt++) {
        register_store_result_t s = register_store_event(c->store, &ev, now_s(), why, sizeof why);
        if (s == REG_STORE_STORED) {
            atomic_fetch_add(&app->stats.stored, 1);
            if (app->verbose)
                fprintf(stderr, "register: stored %s\n", ev.event_id);
            break;
        }
        if (s == REG_STORE_DUPLICATE) {
            atomic_fetch_add(&app->stats.duplicates, 1);
            if (app->verbose)
                fprintf(stderr, "register: duplicate %s dropped\n", ev.event_id);
            break;
        }
        if (s == REG_STORE_REFUSED) {
            refuse(c, msg->topic, REG_DB_REFUSED, why);
            break;
        }
        store_wait(c, attempt, ev.event_id, why);
    }
    register_event_free(&ev);
}

static void publish_control(struct mosquitto *m, const char *prefix, const signing_key_t *key,
                            const register_control_t *ctl)
{
    char topic[256], *payload = NULL, sig[SIGNING_SIG_TEXT];
    mosquitto_property *props = NULL;
    snprintf(topic, sizeof topic, "%s/%s/%s/control", prefix, ctl->centre, ctl->terminal);
    if (ctl->conflict[0]) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "v", 1);
        cJSON_AddStringToObject(o, "refused", "token_band");
        cJSON_AddStringToObject(o, "detail", ctl->conflict);
        payload = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
    }
    /* A refusal is signed (terminals trust nothing else); lifting it is an empty message. */
    if (payload && key && signing_sign_bytes(key, payload, strlen(payload), sig, sizeof sig) > 0 &&
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "sig", sig) !=
            MOSQ_ERR_SUCCESS) {
        mosquitto_property_free_all(&props);
        props = NULL;
    }
    int rc = mosquitto_publish_v5(m, NULL, topic, payload ? (int)strlen(payload) : 0, payload, 1,
                                  true, props);
    mosquitto_property_free_all(&props);
    if (rc != MOSQ_ERR_SUCCESS)
        fprintf(stderr, "register: cannot publish %s: %s (published again on reconnection)\n",
                topic, mosquitto_strerror(rc));
    free(payload);
}

typedef struct {
    register_conn_t *c;
    bool log;
} control_ctx_t;

static void control_changed(const register_control_t *ctl, void *ctx)
{
    control_ctx_t *cc = ctx;
    if (cc->log && ctl->conflict[0])
        fprintf(stderr, "register: refused terminal %s/%s: token band: %s\n", ctl->centre,
                ctl->terminal, ctl->conflict);
    else if (cc->log)
        fprintf(stderr, "register: terminal %s/%s: token band conflict resolved\n", ctl->centre,
                ctl->terminal);
    publish_control(cc->c->mosq, cc->c->app->prefix, cc->c->app->sign_key, ctl);
}

static void handle_status(register_conn_t *c, const struct mosquitto_message *msg)
{
    char why[512];
    register_status_t st;
    if (msg->payloadlen == 0) /* a retained presence being cleared */
        return;
    register_reason_t r = register_status_check(c->app->prefix, msg->topic, msg->payload,
                                                (size_t)msg->payloadlen, &st, why, sizeof why);
    /* Presence is not signed: a kiosk the register has no key for cannot claim a band (the
     * first claim keeps it), so a stray client cannot lock a centre's terminals out. */
    char name[2 * REG_ID_MAX + 2];
    uint8_t key[SIGNING_PUBLIC_BYTES];
    snprintf(name, sizeof name, "%s-%s", st.centre, st.terminal);
    if (r == REG_OK && strcmp(st.role, "kiosk") == 0 &&
        register_key_load(c->app->keys_dir, name, key, why, sizeof why) <= 0) {
        r = REG_UNKNOWN_TERMINAL;
        if (!strstr(why, name))
            snprintf(why, sizeof why, "no key %s/%s.pub: its presence is not recorded",
                     c->app->keys_dir, name);
    }
    if (r != REG_OK) {
        refuse(c, msg->topic, r, why);
        return;
    }
    control_ctx_t cc = {c, true};
    for (int attempt = 1;; attempt++) {
        register_store_result_t s =
            register_store_status(c->store, &st, msg->payload, (size_t)msg->payloadlen, now_s(),
                                  control_changed, &cc, why, sizeof why);
        if (s == REG_STORE_STORED) {
            atomic_fetch_add(&c->app->stats.statuses, 1);
            return;
        }
        if (s == REG_STORE_REFUSED) {
            refuse(c, msg->topic, REG_DB_REFUSED, why);
            return;
        }
        store_wait(c, attempt, msg->topic, why);
    }
}

/* ---- other registers ---- */

static register_peer_t *peer_find(register_app_t *app, const char *id, bool add)
{
    for (int i = 0; i < app->peer_count; i++)
        if (strcmp(app->peers[i].id, id) == 0)
            return &app->peers[i];
    if (!add || app->peer_count == REG_MAX_PEERS)
        return NULL;
    register_peer_t *p = &app->peers[app->peer_count];
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "%s", id);
    p->online = -1;
    app->peer_count++; /* after the entry is complete: tick() reads the count unlocked */
    return p;
}

static void note_peer(register_app_t *app, const char *id, const struct mosquitto_message *msg)
{
    if (strcmp(id, app->client_id) == 0)
        return;
    int online = -1;
    if (msg->payloadlen > 0 && msg->payloadlen < 4096) {
        cJSON *o = cJSON_ParseWithLength(msg->payload, (size_t)msg->payloadlen);
        const cJSON *on = cJSON_GetObjectItemCaseSensitive(o, "online");
        online = cJSON_IsBool(on) ? cJSON_IsTrue(on) : -1;
        cJSON_Delete(o);
    }
    pthread_mutex_lock(&app->peers_lock);
    register_peer_t *p = peer_find(app, id, true);
    if (p && p->online != online)
        fprintf(stderr, "register: register %s is %s\n", id,
                online == 1   ? "online"
                : online == 0 ? "gone"
                              : "forgotten");
    if (p)
        p->online = online;
    pthread_mutex_unlock(&app->peers_lock);
}

/* ---- connections ---- */

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
    register_conn_t *c = obj;
    char centre[REG_ID_MAX], terminal[REG_ID_MAX];
    (void)m;
    switch (register_topic_parse(c->app->prefix, msg->topic, centre, terminal)) {
    case REG_TOPIC_EVENT:
        handle_event(c, msg, props);
        break;
    case REG_TOPIC_STATUS:
        handle_status(c, msg);
        break;
    case REG_TOPIC_REGISTER:
        if (!c->adopter)
            note_peer(c->app, terminal, msg);
        break;
    default:
        refuse(c, msg->topic, REG_MALFORMED, "not a topic of the protocol");
    }
}

static void presence(const register_app_t *app, bool online, char *out, size_t cap)
{
    snprintf(out, cap, "{\"v\": 1, \"online\": %s, \"role\": \"register\", \"version\": \"%s\"}",
             online ? "true" : "false", app->version);
}

static void republish_controls(register_conn_t *c)
{
    char err[256];
    control_ctx_t cc = {c, false};
    if (register_store_controls(c->store, control_changed, &cc, err, sizeof err) < 0)
        fprintf(stderr, "register: store: %s (control messages not published again)\n", err);
}

static void on_connect(struct mosquitto *m, void *obj, int rc, int flags,
                       const mosquitto_property *props)
{
    register_conn_t *c = obj;
    register_app_t *app = c->app;
    (void)props;
    if (rc != 0) {
        fprintf(stderr, "register: broker refused %s: %s\n", c->id, mosquitto_reason_string(rc));
        return;
    }
    if (c->adopter) {
        if (!(flags & 1)) { /* no session was left: nothing to take over */
            int none = 0;
            atomic_compare_exchange_strong(&c->ended, &none, 3);
            mosquitto_property *p = NULL;
            mosquitto_property_add_int32(&p, MQTT_PROP_SESSION_EXPIRY_INTERVAL, 0);
            mosquitto_disconnect_v5(m, 0, p);
            mosquitto_property_free_all(&p);
            return;
        }
        fprintf(stderr, "register: holding the session of %s until it returns\n", c->id);
        return;
    }
    char topics[3][REG_PREFIX_MAX + 32], online[160];
    /* Shared: each event to one register of the group. Plain (--plain-subscription): the
     * broker keeps it in the session across its own restart, where Mosquitto 2.0 drops shared
     * ones, and a kiosk's event would be acknowledged for the board alone. */
    snprintf(topics[0], sizeof topics[0], "%s%s/+/+/event",
             app->plain_subscription ? "" : "$share/register/", app->prefix);
    snprintf(topics[1], sizeof topics[1], "%s/+/+/status", app->prefix);
    snprintf(topics[2], sizeof topics[2], "%s/registers/+", app->prefix);
    char *subs[] = {topics[0], topics[1], topics[2]};
    rc = mosquitto_subscribe_multiple(m, NULL, 3, subs, 1, 0, NULL);
    if (rc != MOSQ_ERR_SUCCESS)
        fprintf(stderr, "register: cannot subscribe: %s\n", mosquitto_strerror(rc));
    presence(app, true, online, sizeof online);
    snprintf(topics[2], sizeof topics[2], "%s/registers/%s", app->prefix, c->id);
    mosquitto_publish_v5(m, NULL, topics[2], (int)strlen(online), online, 1, true, NULL);
    republish_controls(c);
    atomic_store(&app->stats.connected, 1);
    fprintf(stderr, "register: connected to %s:%d as %s (%s session)\n", app->broker.host,
            app->broker.port, c->id, flags & 1 ? "resumed" : "new");
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc, const mosquitto_property *p)
{
    register_conn_t *c = obj;
    (void)p;
    if (c->adopter) {
        int none = 0;
        if (!atomic_load(&c->app->stopping))
            fprintf(stderr, "register: the held session of %s was closed (%d)\n", c->id, rc);
        atomic_compare_exchange_strong(&c->ended, &none, rc == MQTT_RC_SESSION_TAKEN_OVER ? 2 : 1);
        mosquitto_disconnect(m); /* no reconnecting: tick() decides */
        return;
    }
    atomic_store(&c->app->stats.connected, 0);
    if (!atomic_load(&c->app->stopping))
        fprintf(stderr, "register: disconnected from the broker (%s); reconnecting\n",
                rc ? mosquitto_reason_string(rc) : "closed");
}

static void conn_free(register_conn_t *c)
{
    if (c) {
        if (c->mosq)
            mosquitto_destroy(c->mosq);
        register_store_close(c->store);
        free(c);
    }
}

static register_conn_t *conn_new(register_app_t *app, const char *id, bool adopter, char *err,
                                 size_t errcap)
{
    register_conn_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errcap, "no memory");
        return NULL;
    }
    c->app = app;
    c->adopter = adopter;
    snprintf(c->id, sizeof c->id, "%s", id);
    if (!(c->store = register_store_open(app->store_spec, err, errcap)) ||
        !(c->mosq = register_mqtt_new(&app->broker, id, true, c, err, errcap))) {
        conn_free(c);
        return NULL;
    }
    if (!adopter && app->die_before_commit > 0)
        register_store_die_before_commit(c->store, app->die_before_commit);
    mosquitto_connect_v5_callback_set(c->mosq, on_connect);
    mosquitto_disconnect_v5_callback_set(c->mosq, on_disconnect);
    mosquitto_message_v5_callback_set(c->mosq, on_message);
    if (!adopter) {
        char topic[REG_PREFIX_MAX + REG_ID_MAX + 16], gone[160];
        snprintf(topic, sizeof topic, "%s/registers/%s", app->prefix, id);
        presence(app, false, gone, sizeof gone);
        mosquitto_will_set_v5(c->mosq, topic, (int)strlen(gone), gone, 1, true, NULL);
    }
    if (register_mqtt_start(c->mosq, &app->broker, REG_SESSION_EXPIRY, err, errcap) < 0) {
        conn_free(c);
        return NULL;
    }
    return c;
}

static void conn_stop(register_conn_t *c, int reason)
{
    mosquitto_disconnect_v5(c->mosq, reason, NULL);
    mosquitto_loop_stop(c->mosq, false);
    conn_free(c);
}

int register_daemon_start(register_app_t *app, char *err, size_t errcap)
{
    pthread_mutex_init(&app->peers_lock, NULL);
    app->started = true;
    app->main = conn_new(app, app->client_id, false, err, errcap);
    return app->main ? 0 : -1;
}

/* Am I the one to adopt the sessions of gone registers? The live register with the
 * smallest client id is, so that two never fight over one session. */
static bool designated(register_app_t *app)
{
    for (int i = 0; i < app->peer_count; i++)
        if (app->peers[i].online == 1 && strcmp(app->peers[i].id, app->client_id) < 0)
            return false;
    return true;
}

void register_daemon_tick(register_app_t *app)
{
    int64_t now = now_s();
    bool want[REG_MAX_PEERS];
    pthread_mutex_lock(&app->peers_lock);
    int n = app->peer_count;
    bool me = designated(app);
    for (int i = 0; i < n; i++)
        want[i] = me && app->peers[i].online == 0 && now >= app->peers[i].retry_after;
    pthread_mutex_unlock(&app->peers_lock);
    /* p->adopter and retry_after are the main thread's alone. */
    for (int i = 0; i < n && !atomic_load(&app->stopping); i++) {
        register_peer_t *p = &app->peers[i];
        char err[512];
        int ended = p->adopter ? atomic_load(&p->adopter->ended) : 0;
        if (ended) {
            mosquitto_loop_stop(p->adopter->mosq, false);
            conn_free(p->adopter);
            p->adopter = NULL;
            /* It came back (it took its session): leave it a while to say so. Its session
             * had expired: look again much later. */
            p->retry_after = now + (ended == 2 ? 30 : ended == 3 ? 600 : 10);
            fprintf(stderr, "register: the session of %s is no longer held here (%s)\n", p->id,
                    ended == 2   ? "it took its session back"
                    : ended == 3 ? "it had no session left"
                                 : "its owner took it back, or the broker went away");
        } else if (want[i] && !p->adopter) {
            fprintf(stderr, "register: register %s is gone: taking over its session\n", p->id);
            if (!(p->adopter = conn_new(app, p->id, true, err, sizeof err))) {
                fprintf(stderr, "register: cannot adopt %s: %s\n", p->id, err);
                p->retry_after = now + 10;
            }
        } else if (!want[i] && p->adopter) {
            fprintf(stderr, "register: giving back the session of %s\n", p->id);
            conn_stop(p->adopter, 0);
            p->adopter = NULL;
        }
    }
}

void register_daemon_stop(register_app_t *app)
{
    if (!app->started) /* --http alone: no broker, nothing to stop */
        return;
    atomic_store(&app->stopping, 1);
    for (int i = 0; i < app->peer_count; i++)
        if (app->peers[i].adopter) {
            conn_stop(app->peers[i].adopter, 0);
            app->peers[i].adopter = NULL;
        }
    if (app->main) {
        /* With the will: the others learn at once that this session needs adopting. */
        conn_stop(app->main, MQTT_RC_DISCONNECT_WITH_WILL_MSG);
        app->main = NULL;
    }
    pthread_mutex_destroy(&app->peers_lock);
}
