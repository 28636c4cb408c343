/* sync/sync.c - the sync engine: libmosquitto driven from our own poll loop. */
#define _GNU_SOURCE /* eventfd, SOCK_NONBLOCK */
#include "sync/sync.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/outbox.h"
#include "sync/push.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "0.1.0"
#endif

#define MAX_INFLIGHT     100    /* [sync] inflight's upper bound */
#define SESSION_EXPIRY_S 604800 /* a week: the broker keeps our session while we are away */
#define KEEPALIVE_S      30
#define PROBE_MS         5000   /* TCP connect bound (libmosquitto's own connect blocks) */
#define CONNACK_MS       15000  /* the broker must answer CONNECT within this */
#define LOOK_MS          1000   /* how often the journal is checked for commits of others */
#define PRESENCE_MIN_MS  5000   /* presence at most this often when it changes... */
#define PRESENCE_MAX_MS  300000 /* ...and at least this often (uptime, last sync) */
#define BACKOFF_MAX_MS   60000
#define HOLD_MS          10000 /* an event the broker did not take: try again after this */
#define MARK_RETRY_MS    5     /* the journal was busy with a commit: mark a moment later */
#define PUMP_BATCH       8     /* outbox rows read at once (4.7 KB each, on the stack) */

enum { DOWN, CONNECTING, UP };
enum { PUSH_NATIONAL_CATALOG, PUSH_CENTRE_CATALOG, PUSH_NATIONAL_CONFIG, PUSH_CENTRE_CONFIG };

typedef struct {
    int mid;
    int64_t row;
} flight_t;

/* What presence says that can change, compared cheaply at every step: the JSON is built only
 * when it changed (thousands of engines in one process step every second). */
typedef struct {
    long backlog, refused_pushes;
    int64_t last_sync;
    int catalog_version, config_version;
    char printer[64], paper[32];
} presence_key_t;

struct sync_engine {
    /* fixed at creation */
    config_t cfg;
    char data_dir[CONFIG_PATH_MAX];
    signing_key_t key;
    uint8_t export_key[SEAL_KEY_BYTES], register_key[SIGNING_PUBLIC_BYTES];
    bool has_export_key, has_register_key;
    bool tls;
    char host[256], password[256], client_id[80];
    int port;
    char t_event[160], t_status[160], t_control[160], t_push[4][160];
    char t_board_queue[160], t_board_status[160];
    int wake_fd;
    FILE *log;
    void (*ack_hook)(void *ctx, int64_t row);
    void *ack_ctx;

    /* the driving thread's own */
    journal_t *journal; /* opened by the driving thread at its first step */
    struct mosquitto *mosq;
    int state, attempts;
    bool drop, ever_up, more, rewind;
    int64_t next_attempt, connect_deadline, next_look, hold_until, data_version, cursor;
    flight_t flights[MAX_INFLIGHT];
    int nflights;
    int64_t acked[MAX_INFLIGHT];
    int nacked;
    int64_t mark_at; /* acknowledged rows are marked from then (the journal was busy) */
    double tokens;
    int64_t tokens_at, started, presence_at;
    presence_key_t presence_sent; /* what the last presence said, but its uptime */
    bool presence_due;
    int catalog_version, config_version;
    uint64_t rng;

    /* shared with other threads, under lock */
    pthread_mutex_t lock;
    sync_status_t st;
    char printer[64], paper[32];
    bool stop;
    pthread_t thread;
    bool threaded;
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
    mosquitto_lib_init();
}

int64_t sync_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(sync_engine_t *e, const char *fmt, ...)
{
    if (!e->log)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(e->log, "sync %s: %s\n", e->client_id, line);
}

/* The last problem, for the technician page and STATUS= (and the log when it is new). */
static void set_error(sync_engine_t *e, const char *fmt, ...)
{
    char msg[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&e->lock);
    bool fresh = strcmp(msg, e->st.last_error) != 0;
    snprintf(e->st.last_error, sizeof e->st.last_error, "%s", msg);
    pthread_mutex_unlock(&e->lock);
    if (fresh)
        say(e, "%s", msg);
}

/* xorshift64: jitter only, per engine (no global rand state). */
static uint64_t next_random(sync_engine_t *e)
{
    e->rng ^= e->rng << 13;
    e->rng ^= e->rng >> 7;
    e->rng ^= e->rng << 17;
    return e->rng;
}

/* 1 s, 2 s, 4 s... up to 60 s, each drawn from [half, whole]: a centre's terminals coming
 * back after a broker restart do not all knock at once. */
static int64_t backoff_ms(sync_engine_t *e)
{
    int shift = e->attempts < 7 ? e->attempts : 7;
    int64_t base = (int64_t)1000 << shift;
    if (base > BACKOFF_MAX_MS)
        base = BACKOFF_MAX_MS;
    e->attempts++;
    return base / 2 + (int64_t)(next_random(e) % (uint64_t)(base / 2 + 1));
}

/* ---- what the broker says (callbacks run inside mosquitto_loop_* in sync_step) ---- */

static void on_connect(struct mosquitto *m, void *obj, int rc, int flags,
                       const mosquitto_property *props)
{
    (void)flags;
    (void)props;
    sync_engine_t *e = obj;
    if (rc != 0) {
        set_error(e, "%s:%d refused the connection: %s", e->host, e->port,
                  mosquitto_reason_string(rc));
        e->drop = true;
        return;
    }
    char *subs[7] = {e->t_push[0], e->t_push[1],     e->t_push[2],     e->t_push[3],
                     e->t_control, e->t_board_queue, e->t_board_status};
    mosquitto_subscribe_multiple(m, NULL, 7, subs, 1, 0, NULL);
    e->state = UP;
    e->ever_up = true;
    e->attempts = 0;
    e->cursor = 0; /* from the first unacknowledged row: what was in flight goes again */
    e->more = true;
    e->presence_due = true;
    pthread_mutex_lock(&e->lock);
    e->st.connected = true;
    e->st.last_error[0] = '\0';
    pthread_mutex_unlock(&e->lock);
    say(e, "connected to %s:%d", e->host, e->port);
}

/* The SUBACK: what is retained for us (a refused token band, pushes) comes right behind it. */
static void on_subscribe(struct mosquitto *m, void *obj, int mid, int count, const int *granted,
                         const mosquitto_property *props)
{
    (void)m;
    (void)mid;
    (void)count;
    (void)granted;
    (void)props;
    sync_engine_t *e = obj;
    pthread_mutex_lock(&e->lock);
    e->st.subscribed = true;
    pthread_mutex_unlock(&e->lock);
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc, const mosquitto_property *props)
{
    (void)m;
    (void)props;
    sync_engine_t *e = obj;
    if (rc != 0)
        set_error(e, "connection to %s:%d lost (%s)", e->host, e->port, mosquitto_strerror(rc));
    e->drop = true;
}

/* A PUBACK: the row is the broker's now, unless it said otherwise. "No matching subscribers"
 * means the broker threw it away (no register has subscribed yet): not an acknowledgement. */
static void on_publish(struct mosquitto *m, void *obj, int mid, int reason,
                       const mosquitto_property *props)
{
    (void)m;
    (void)props;
    sync_engine_t *e = obj;
    for (int i = 0; i < e->nflights; i++) {
        if (e->flights[i].mid != mid)
            continue;
        int64_t row = e->flights[i].row;
        e->flights[i] = e->flights[--e->nflights];
        if (reason < 0x80 && reason != MQTT_RC_NO_MATCHING_SUBSCRIBERS) {
            assert(e->nacked < MAX_INFLIGHT);
            e->acked[e->nacked++] = row;
            return;
        }
        set_error(e, "the broker did not take event %lld: %s; trying again in %d s", (long long)row,
                  mosquitto_reason_string(reason), HOLD_MS / 1000);
        e->rewind = true;
        e->hold_until = sync_clock_ms() + HOLD_MS;
        return;
    }
}

static void remember_refusal(sync_engine_t *e, push_kind_t kind, int version, const char *why)
{
    pthread_mutex_lock(&e->lock);
    e->st.refused_pushes++;
    bool seen = false;
    for (int i = 0; i < e->st.refused_count && !seen; i++)
        seen = e->st.refused[i].version == version && strcmp(e->st.refused[i].why, why) == 0 &&
               strcmp(e->st.refused[i].kind, push_kind_name(kind)) == 0;
    if (!seen) {
        if (e->st.refused_count == SYNC_MAX_REFUSED) {
            memmove(&e->st.refused[0], &e->st.refused[1],
                    sizeof e->st.refused[0] * (SYNC_MAX_REFUSED - 1));
            e->st.refused_count--;
        }
        event_refusal_t *r = &e->st.refused[e->st.refused_count++];
        snprintf(r->kind, sizeof r->kind, "%s", push_kind_name(kind));
        r->version = version;
        snprintf(r->why, sizeof r->why, "%s", why);
    }
    pthread_mutex_unlock(&e->lock);
    if (!seen) /* a retained push comes back at every reconnect: say it once */
        say(e, "refused a pushed %s (version %d): %s", push_kind_name(kind), version, why);
    e->presence_due = true;
}

static void on_push(sync_engine_t *e, push_kind_t kind, const struct mosquitto_message *msg,
                    const char *sig)
{
    char why[160];
    int *version = kind == PUSH_CATALOG ? &e->catalog_version : &e->config_version;
    int pushed = 0;
    push_result_t r =
        push_receive(e->data_dir, kind, &e->cfg, e->has_register_key ? e->register_key : NULL,
                     msg->payload, (size_t)msg->payloadlen, sig, version, &pushed, why, sizeof why);
    if (r == PUSH_REFUSED) {
        remember_refusal(e, kind, pushed, why);
    } else if (r == PUSH_STORED) {
        say(e, "kept pushed %s version %d; the app applies it between citizens",
            push_kind_name(kind), *version);
        pthread_mutex_lock(&e->lock);
        e->st.catalog_version = e->catalog_version;
        e->st.config_version = e->config_version;
        pthread_mutex_unlock(&e->lock);
        e->presence_due = true;
    }
}

/* The register's word about this terminal: a refused token band, or (empty) its lifting. */
static void on_control(sync_engine_t *e, const struct mosquitto_message *msg, const char *sig)
{
    if (msg->payloadlen == 0) {
        pthread_mutex_lock(&e->lock);
        bool was = e->st.band_refused;
        e->st.band_refused = false;
        e->st.band_detail[0] = '\0';
        pthread_mutex_unlock(&e->lock);
        if (was)
            say(e, "the register lifted its refusal");
        return;
    }
    if (e->has_register_key &&
        !signing_verify_bytes(e->register_key, msg->payload, (size_t)msg->payloadlen, sig)) {
        say(e, "ignored a control message that the register's key did not sign");
        return;
    }
    cJSON *o = cJSON_ParseWithLength(msg->payload, (size_t)msg->payloadlen);
    const cJSON *what = cJSON_GetObjectItemCaseSensitive(o, "refused");
    const cJSON *detail = cJSON_GetObjectItemCaseSensitive(o, "detail");
    if (cJSON_IsString(what) && strcmp(what->valuestring, "token_band") == 0) {
        pthread_mutex_lock(&e->lock);
        e->st.band_refused = true;
        snprintf(e->st.band_detail, sizeof e->st.band_detail, "%s",
                 cJSON_IsString(detail) ? detail->valuestring : "token band refused");
        pthread_mutex_unlock(&e->lock);
        say(e, "the register refused our token band: %s",
            cJSON_IsString(detail) ? detail->valuestring : "(no detail)");
    } else {
        say(e, "ignored a control message it does not know");
    }
    cJSON_Delete(o);
}

/* The queue board's state and presence, for "N ahead of you". Unsigned: the board is a
 * machine of the centre's own network and the figures are an estimate, never a token. A bad
 * message is logged and forgets what came before, so nothing stale is shown. */
static void on_board(sync_engine_t *e, const struct mosquitto_message *msg, bool presence)
{
    sync_board_t *b = presence ? NULL : malloc(sizeof *b);
    char why[160] = "";
    int online = presence ? sync_board_presence(msg->payload, (size_t)msg->payloadlen) : 0;
    bool ok = presence ? online >= 0
                       : b && sync_board_parse(msg->payload, (size_t)msg->payloadlen, b, why,
                                               sizeof why) == 0;
    pthread_mutex_lock(&e->lock);
    e->st.board_seq++;
    if (presence)
        e->st.board_online = online == 1;
    else if (ok) {
        e->st.board = *b;
        e->st.board_got_ms = sync_clock_ms();
    } else
        e->st.board_got_ms = 0;
    pthread_mutex_unlock(&e->lock);
    free(b);
    if (!ok && msg->payloadlen > 0)
        say(e, "ignored the board's %s message: %s", presence ? "status" : "queue",
            presence ? "no \"online\"" : why);
}

/* The `sig` user property (malloc'd), or NULL. */
static char *sig_of(const mosquitto_property *props)
{
    char *name = NULL, *value = NULL, *sig = NULL;
    const mosquitto_property *p =
        mosquitto_property_read_string_pair(props, MQTT_PROP_USER_PROPERTY, &name, &value, false);
    while (p) {
        if (!sig && strcmp(name, "sig") == 0)
            sig = value, value = NULL;
        free(name);
        free(value);
        name = value = NULL;
        p = mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &name, &value, true);
    }
    return sig;
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
    (void)m;
    sync_engine_t *e = obj;
    char *sig = sig_of(props);
    if (strcmp(msg->topic, e->t_control) == 0)
        on_control(e, msg, sig);
    else if (strcmp(msg->topic, e->t_push[PUSH_NATIONAL_CATALOG]) == 0 ||
             strcmp(msg->topic, e->t_push[PUSH_CENTRE_CATALOG]) == 0)
        on_push(e, PUSH_CATALOG, msg, sig);
    else if (strcmp(msg->topic, e->t_push[PUSH_NATIONAL_CONFIG]) == 0 ||
             strcmp(msg->topic, e->t_push[PUSH_CENTRE_CONFIG]) == 0)
        on_push(e, PUSH_CONFIG, msg, sig);
    else if (strcmp(msg->topic, e->t_board_queue) == 0)
        on_board(e, msg, false);
    else if (strcmp(msg->topic, e->t_board_status) == 0)
        on_board(e, msg, true);
    free(sig);
}

/* ---- connecting ---- */

/* Can a TCP connection be made within PROBE_MS? libmosquitto's own connect blocks for as long
 * as the kernel tries (minutes, to a host that does not answer), which would hold up
 * --sync-now's time bound and a clean stop. */
static int probe(const char *host, int port, char *why, size_t cap)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        snprintf(why, cap, "%s: %s", host, gai_strerror(rc));
        return -1;
    }
    int ok = -1;
    for (struct addrinfo *ai = res; ai && ok < 0; ai = ai->ai_next) {
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        int err = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
        if (err == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            socklen_t len = sizeof err;
            if (poll(&p, 1, PROBE_MS) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = ETIMEDOUT;
        }
        close(fd);
        if (err == 0)
            ok = 0;
        else
            snprintf(why, cap, "%s:%d cannot be reached: %s", host, port, strerror(err));
    }
    freeaddrinfo(res);
    return ok;
}

/* The will: retained "offline", signed like everything we say. */
static int set_will(sync_engine_t *e)
{
    char *off = event_offline_json("kiosk"), sig[SIGNING_SIG_TEXT];
    mosquitto_property *props = NULL;
    int rc = -1;
    if (off && signing_sign_bytes(&e->key, off, strlen(off), sig, sizeof sig) > 0 &&
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "sig", sig) == 0) {
        rc = mosquitto_will_set_v5(e->mosq, e->t_status, (int)strlen(off), off, 1, true, props);
        if (rc != MOSQ_ERR_SUCCESS)
            mosquitto_property_free_all(&props); /* on success libmosquitto owns them */
    }
    free(off);
    return rc == MOSQ_ERR_SUCCESS ? 0 : -1;
}

static int client_setup(sync_engine_t *e, char *why, size_t cap)
{
    const config_sync_t *s = &e->cfg.sync;
    int rc = MOSQ_ERR_SUCCESS;
    mosquitto_int_option(e->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_connect_v5_callback_set(e->mosq, on_connect);
    mosquitto_disconnect_v5_callback_set(e->mosq, on_disconnect);
    mosquitto_publish_v5_callback_set(e->mosq, on_publish);
    mosquitto_message_v5_callback_set(e->mosq, on_message);
    mosquitto_subscribe_v5_callback_set(e->mosq, on_subscribe);
    mosquitto_max_inflight_messages_set(e->mosq, (unsigned)s->inflight + 2); /* + presence */
    if (e->tls)
        rc = mosquitto_tls_set(
            e->mosq, s->ca_file[0] ? s->ca_file : NULL, s->ca_file[0] ? NULL : "/etc/ssl/certs",
            s->cert_file[0] ? s->cert_file : NULL, s->key_file[0] ? s->key_file : NULL, NULL);
    if (rc == MOSQ_ERR_SUCCESS && s->username[0])
        rc = mosquitto_username_pw_set(e->mosq, s->username, e->password[0] ? e->password : NULL);
    if (rc == MOSQ_ERR_SUCCESS && set_will(e) < 0)
        rc = MOSQ_ERR_NOMEM;
    if (rc != MOSQ_ERR_SUCCESS)
        snprintf(why, cap, "setting up the MQTT client: %s", mosquitto_strerror(rc));
    return rc == MOSQ_ERR_SUCCESS ? 0 : -1;
}

/* Clean start off and a session that outlives a week away: the broker keeps what was sent
 * to us (pushes, control) while we are gone. */
static int client_connect(sync_engine_t *e, char *why, size_t cap)
{
    e->mosq = mosquitto_new(e->client_id, false, e);
    if (!e->mosq) {
        snprintf(why, cap, "cannot create an MQTT client: %s", strerror(errno));
        return -1;
    }
    if (client_setup(e, why, cap) < 0)
        return -1;
    mosquitto_property *props = NULL;
    mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL, SESSION_EXPIRY_S);
    int rc = mosquitto_connect_bind_v5(e->mosq, e->host, e->port, KEEPALIVE_S, NULL, props);
    mosquitto_property_free_all(&props);
    if (rc != MOSQ_ERR_SUCCESS) {
        snprintf(why, cap, "%s:%d: %s", e->host, e->port,
                 rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        return -1;
    }
    return 0;
}

static void client_destroy(sync_engine_t *e)
{
    if (e->mosq)
        mosquitto_destroy(e->mosq);
    e->mosq = NULL;
}

static void attempt(sync_engine_t *e, int64_t now)
{
    char why[600];
    if (probe(e->host, e->port, why, sizeof why) == 0 && client_connect(e, why, sizeof why) == 0) {
        e->state = CONNECTING;
        e->connect_deadline = now + CONNACK_MS;
        return;
    }
    client_destroy(e);
    int64_t wait = backoff_ms(e);
    e->next_attempt = now + wait;
    set_error(e, "%s; trying again in %lld s", why, (long long)(wait + 999) / 1000);
}

/* The connection is gone (or was refused): a fresh client next time, so libmosquitto's own
 * queue of unacknowledged messages goes with it; those rows are simply sent again, in order,
 * from the journal. */
static void lost(sync_engine_t *e, int64_t now)
{
    bool was_up = e->state == UP;
    client_destroy(e);
    e->state = DOWN;
    e->drop = false;
    e->nflights = 0;
    e->cursor = 0;
    e->rewind = false;
    if (was_up)
        e->attempts = 0;
    int64_t wait = backoff_ms(e);
    e->next_attempt = now + wait;
    pthread_mutex_lock(&e->lock);
    e->st.connected = false;
    e->st.subscribed = false;
    e->st.board_online = false; /* unknown until the broker tells again */
    e->st.board_seq++;
    pthread_mutex_unlock(&e->lock);
    say(e, "disconnected; connecting again in %lld ms", (long long)wait);
}

/* ---- publishing ---- */

static int publish_signed(sync_engine_t *e, int *mid, const char *topic, const char *json,
                          size_t len, bool retain)
{
    char sig[SIGNING_SIG_TEXT];
    mosquitto_property *props = NULL;
    assert(len <= EVENT_MAX_BYTES);
    if (signing_sign_bytes(&e->key, json, len, sig, sizeof sig) < 0 ||
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "sig", sig) != 0)
        return MOSQ_ERR_NOMEM;
    int rc = mosquitto_publish_v5(e->mosq, mid, topic, (int)len, json, 1, retain, props);
    mosquitto_property_free_all(&props);
    return rc;
}

static int publish_row(sync_engine_t *e, const outbox_row_t *row)
{
    event_identity_t id = {.centre = e->cfg.centre_id,
                           .terminal = e->cfg.terminal_id,
                           .receipt_url = e->cfg.receipt_url,
                           .key = &e->key,
                           .export_key = e->has_export_key ? e->export_key : NULL};
    size_t len = 0;
    char *json = event_json(&id, row, &len);
    int mid = 0;
    int rc = json ? publish_signed(e, &mid, e->t_event, json, len, false) : MOSQ_ERR_NOMEM;
    free(json);
    if (rc != MOSQ_ERR_SUCCESS) {
        set_error(e, "publishing event %lld: %s", (long long)row->id, mosquitto_strerror(rc));
        e->drop = true;
        return -1;
    }
    e->flights[e->nflights++] = (flight_t){.mid = mid, .row = row->id};
    pthread_mutex_lock(&e->lock);
    e->st.published++;
    pthread_mutex_unlock(&e->lock);
    return 0;
}

/* A token bucket of one second's worth: at most max_rate events a second, however long the
 * backlog (a terminal back after three days must not flood a mobile link). */
static void refill(sync_engine_t *e, int64_t now)
{
    double cap = e->cfg.sync.max_rate;
    e->tokens += (double)(now - e->tokens_at) * e->cfg.sync.max_rate / 1000.0;
    if (e->tokens > cap)
        e->tokens = cap;
    e->tokens_at = now;
}

static void pump(sync_engine_t *e, int64_t now)
{
    char err[300];
    if (now < e->hold_until)
        return;
    if (e->rewind) { /* once what is in flight has settled, from the first unacknowledged */
        if (e->nflights > 0)
            return;
        e->rewind = false;
        e->cursor = 0;
        e->more = true;
    }
    refill(e, now);
    /* Rows are fetched a few at a time, as many as the window and the bucket allow (one
     * query each round, not one a row); a row that cannot be published ends the round and
     * is fetched again from the cursor. */
    outbox_row_t rows[PUMP_BATCH];
    while (e->more && !e->drop) {
        int room = e->cfg.sync.inflight - e->nflights, tokens = (int)e->tokens;
        int want = room < tokens ? room : tokens;
        if (want <= 0)
            break;
        int n = outbox_next(e->journal, e->cursor, rows, want < PUMP_BATCH ? want : PUMP_BATCH, err,
                            sizeof err);
        if (n < 0)
            set_error(e, "%s", err);
        if (n <= 0) {
            e->more = false;
            break;
        }
        for (int i = 0; i < n; i++) {
            if (publish_row(e, &rows[i]) < 0)
                return;
            e->cursor = rows[i].id;
            e->tokens -= 1.0;
        }
    }
}

static void refresh_backlog(sync_engine_t *e)
{
    long n = outbox_backlog(e->journal);
    pthread_mutex_lock(&e->lock);
    if (n >= 0)
        e->st.backlog = n;
    pthread_mutex_unlock(&e->lock);
}

static void flush_acks(sync_engine_t *e)
{
    char err[300];
    if (e->nacked == 0 || !e->journal)
        return;
    int64_t now = (int64_t)time(NULL);
    int rc = outbox_mark_synced(e->journal, e->acked, e->nacked, now, err, sizeof err);
    if (rc != 0) { /* kept: marked a little later */
        if (rc < 0)
            set_error(e, "%s", err);
        e->mark_at = sync_clock_ms() + MARK_RETRY_MS;
        return;
    }
    pthread_mutex_lock(&e->lock);
    e->st.acked += e->nacked;
    e->st.last_sync = now;
    e->st.last_error[0] = '\0'; /* events flow again: whatever went wrong before is over */
    pthread_mutex_unlock(&e->lock);
    for (int i = 0; e->ack_hook && i < e->nacked; i++)
        e->ack_hook(e->ack_ctx, e->acked[i]);
    e->nacked = 0;
    refresh_backlog(e);
}

/* ---- presence ---- */

static char *presence_json(sync_engine_t *e, int64_t uptime_s)
{
    sync_status_t st;
    char printer[64], paper[32];
    pthread_mutex_lock(&e->lock);
    st = e->st;
    snprintf(printer, sizeof printer, "%s", e->printer);
    snprintf(paper, sizeof paper, "%s", e->paper);
    pthread_mutex_unlock(&e->lock);
    presence_t p = {.role = "kiosk",
                    .version = KIOSK_VERSION,
                    .token_band = e->cfg.token_band,
                    .printer = printer,
                    .paper = paper,
                    .backlog = st.backlog,
                    .last_sync = st.last_sync,
                    .uptime_s = uptime_s,
                    .catalog_version = e->catalog_version,
                    .config_version = e->config_version,
                    .refused = st.refused,
                    .refused_count = st.refused_count};
    return event_presence_json(&p);
}

static void presence_key(sync_engine_t *e, presence_key_t *k)
{
    memset(k, 0, sizeof *k);
    pthread_mutex_lock(&e->lock);
    k->backlog = e->st.backlog;
    k->refused_pushes = e->st.refused_pushes;
    k->last_sync = e->st.last_sync;
    snprintf(k->printer, sizeof k->printer, "%s", e->printer);
    snprintf(k->paper, sizeof k->paper, "%s", e->paper);
    pthread_mutex_unlock(&e->lock);
    k->catalog_version = e->catalog_version;
    k->config_version = e->config_version;
}

/* Retained, when it changed (at most every few seconds), and now and then for the uptime. */
static void presence(sync_engine_t *e, int64_t now)
{
    presence_key_t key;
    presence_key(e, &key);
    bool changed = memcmp(&key, &e->presence_sent, sizeof key) != 0;
    int64_t since = now - e->presence_at;
    if (!e->presence_due && !(changed && since >= PRESENCE_MIN_MS) && since < PRESENCE_MAX_MS)
        return;
    char *json = presence_json(e, (now - e->started) / 1000);
    int mid;
    if (json &&
        publish_signed(e, &mid, e->t_status, json, strlen(json), true) == MOSQ_ERR_SUCCESS) {
        e->presence_sent = key;
        e->presence_at = now;
        e->presence_due = false;
    }
    free(json);
}

/* ---- the loop ---- */

/* The journal, opened by the thread that drives the engine: its own connection. */
static bool journal_ready(sync_engine_t *e, int64_t now)
{
    char err[1200];
    if (e->journal)
        return true;
    if (now < e->next_look)
        return false;
    e->next_look = now + 5000;
    e->journal = journal_open(e->data_dir, err, sizeof err);
    if (!e->journal) {
        set_error(e, "%s", err);
        return false;
    }
    outbox_relax_marks(e->journal);
    outbox_changed(e->journal, &e->data_version);
    e->next_look = now + LOOK_MS;
    refresh_backlog(e);
    pthread_mutex_lock(&e->lock);
    e->st.last_sync = outbox_last_synced(e->journal);
    pthread_mutex_unlock(&e->lock);
    return true;
}

int sync_poll(sync_engine_t *e, struct pollfd pfd[2], int *count, int64_t now)
{
    int n = 0;
    pfd[n++] = (struct pollfd){.fd = e->wake_fd, .events = POLLIN};
    int sock = e->mosq && e->state != DOWN ? mosquitto_socket(e->mosq) : -1;
    if (sock >= 0)
        pfd[n++] = (struct pollfd){
            .fd = sock, .events = (short)(POLLIN | (mosquitto_want_write(e->mosq) ? POLLOUT : 0))};
    *count = n;
    int64_t t = LOOK_MS;
    if (e->state == DOWN && e->next_attempt - now < t)
        t = e->next_attempt - now;
    if (e->state == UP && e->more && !e->rewind && e->nflights < e->cfg.sync.inflight &&
        now >= e->hold_until) {
        int64_t need =
            e->tokens >= 1.0 ? 0 : (int64_t)((1.0 - e->tokens) * 1000.0 / e->cfg.sync.max_rate) + 1;
        if (need < t)
            t = need;
    }
    if (e->nacked > 0 && e->mark_at - now < t)
        t = e->mark_at - now;
    if (e->drop)
        t = 0;
    return t < 0 ? 0 : (int)t;
}

static void service_socket(sync_engine_t *e, short revents, int64_t now)
{
    int rc = MOSQ_ERR_SUCCESS;
    if (revents & (POLLIN | POLLHUP | POLLERR))
        rc = mosquitto_loop_read(e->mosq, 1);
    if (rc == MOSQ_ERR_SUCCESS && e->mosq && mosquitto_want_write(e->mosq))
        rc = mosquitto_loop_write(e->mosq, 1);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_loop_misc(e->mosq); /* keepalive pings */
    if (rc != MOSQ_ERR_SUCCESS && !e->drop) {
        set_error(e, "connection to %s:%d: %s", e->host, e->port,
                  rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        e->drop = true;
    }
    if (e->state == CONNECTING && now > e->connect_deadline && !e->drop) {
        set_error(e, "%s:%d did not answer the connection in %d s", e->host, e->port,
                  CONNACK_MS / 1000);
        e->drop = true;
    }
}

void sync_step(sync_engine_t *e, const struct pollfd *pfd, int count, int64_t now)
{
    short sock_events = 0;
    bool woken = false;
    for (int i = 0; i < count; i++) {
        if (pfd[i].fd == e->wake_fd && (pfd[i].revents & POLLIN)) {
            uint64_t v;
            woken = read(e->wake_fd, &v, sizeof v) == (ssize_t)sizeof v;
        } else if (pfd[i].fd != e->wake_fd) {
            sock_events = pfd[i].revents;
        }
    }
    if (!journal_ready(e, now))
        return;
    if (e->mosq && e->state != DOWN)
        service_socket(e, sock_events, now);
    if (e->drop)
        lost(e, now);
    if (e->state == DOWN && now >= e->next_attempt)
        attempt(e, now);
    if (woken || now >= e->next_look) {
        e->next_look = now + LOOK_MS;
        if (outbox_changed(e->journal, &e->data_version) || woken) {
            e->more = true;
            refresh_backlog(e);
        }
    }
    if (e->state == UP) {
        pump(e, now);
        presence(e, now);
        if (e->mosq && mosquitto_want_write(e->mosq) && mosquitto_loop_write(e->mosq, 1) != 0)
            e->drop = true;
    }
    if (now >= e->mark_at)
        flush_acks(e);
}

/* ---- life ---- */

static bool stopping(sync_engine_t *e)
{
    pthread_mutex_lock(&e->lock);
    bool s = e->stop;
    pthread_mutex_unlock(&e->lock);
    return s;
}

static void run_for(sync_engine_t *e, int64_t ms, bool (*done)(sync_engine_t *))
{
    int64_t end = sync_clock_ms() + ms;
    while (!done(e) && sync_clock_ms() < end) {
        struct pollfd pfd[2];
        int n, t = sync_poll(e, pfd, &n, sync_clock_ms());
        int64_t left = end - sync_clock_ms();
        poll(pfd, (nfds_t)n, t < left ? t : (int)(left > 0 ? left : 0));
        sync_step(e, pfd, n, sync_clock_ms());
    }
}

static bool settled(sync_engine_t *e)
{
    return e->state != UP || e->nflights == 0;
}

static bool written(sync_engine_t *e)
{
    return !e->mosq || !mosquitto_want_write(e->mosq);
}

/* Wait a little for the acknowledgements in flight, then leave with the will: "offline". */
static void goodbye(sync_engine_t *e)
{
    if (e->state == UP) {
        e->more = false;
        run_for(e, 2000, settled);
    }
    if (e->mosq && e->state == UP) {
        mosquitto_disconnect_v5(e->mosq, MQTT_RC_DISCONNECT_WITH_WILL_MSG, NULL);
        int64_t end = sync_clock_ms() + 1000;
        while (!written(e) && sync_clock_ms() < end &&
               mosquitto_loop_write(e->mosq, 1) == MOSQ_ERR_SUCCESS)
            poll(NULL, 0, 10);
    }
    client_destroy(e);
    e->state = DOWN;
    pthread_mutex_lock(&e->lock);
    e->st.connected = false;
    e->st.subscribed = false;
    pthread_mutex_unlock(&e->lock);
}

static void *thread_main(void *arg)
{
    sync_engine_t *e = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals are the main thread's */
    while (!stopping(e)) {
        struct pollfd pfd[2];
        int n, t = sync_poll(e, pfd, &n, sync_clock_ms());
        poll(pfd, (nfds_t)n, t);
        sync_step(e, pfd, n, sync_clock_ms());
    }
    goodbye(e);
    return NULL;
}

static int load_keys(sync_engine_t *e, char *err, size_t errcap)
{
    char why[700];
    const config_t *c = &e->cfg;
    if (c->export_key[0] && seal_key_load(c->export_key, e->export_key, why, sizeof why) < 0)
        return snprintf(err, errcap, "[journal] export_key: %s", why), -1;
    e->has_export_key = c->export_key[0] != '\0';
    if (c->sync.register_key[0] &&
        signing_public_load(c->sync.register_key, e->register_key, why, sizeof why) < 0)
        return snprintf(err, errcap, "[sync] register_key: %s", why), -1;
    e->has_register_key = c->sync.register_key[0] != '\0';
    if (c->sync.password_file[0]) {
        FILE *fp = fopen(c->sync.password_file, "r");
        if (!fp || !fgets(e->password, sizeof e->password, fp)) {
            if (fp)
                fclose(fp);
            return snprintf(err, errcap, "[sync] password_file: %s: cannot read a line",
                            c->sync.password_file),
                   -1;
        }
        fclose(fp);
        e->password[strcspn(e->password, "\r\n")] = '\0';
    }
    return 0;
}

static int check_config(const config_t *c, char *err, size_t errcap)
{
    if (!c->sync.broker[0])
        return snprintf(err, errcap, "[sync] broker is not set"), -1;
    if (!c->sync.cert_file[0] != !c->sync.key_file[0])
        return snprintf(err, errcap, "[sync] cert_file and key_file go together"), -1;
    if (c->sync.password_file[0] && !c->sync.username[0])
        return snprintf(err, errcap, "[sync] password_file needs a username"), -1;
    if (c->sync.cert_file[0] && strncmp(c->sync.broker, "mqtts://", 8) != 0)
        return snprintf(err, errcap, "[sync] a client certificate needs an mqtts:// broker"), -1;
    return 0;
}

static void topics(sync_engine_t *e)
{
    const char *p = e->cfg.sync.topic_prefix, *c = e->cfg.centre_id, *t = e->cfg.terminal_id;
    snprintf(e->t_event, sizeof e->t_event, "%s/%s/%s/event", p, c, t);
    snprintf(e->t_status, sizeof e->t_status, "%s/%s/%s/status", p, c, t);
    snprintf(e->t_control, sizeof e->t_control, "%s/%s/%s/control", p, c, t);
    snprintf(e->t_push[PUSH_NATIONAL_CATALOG], sizeof e->t_push[0], "%s/push/catalog", p);
    snprintf(e->t_push[PUSH_CENTRE_CATALOG], sizeof e->t_push[0], "%s/%s/push/catalog", p, c);
    snprintf(e->t_push[PUSH_NATIONAL_CONFIG], sizeof e->t_push[0], "%s/push/config", p);
    snprintf(e->t_push[PUSH_CENTRE_CONFIG], sizeof e->t_push[0], "%s/%s/push/config", p, c);
    snprintf(e->t_board_queue, sizeof e->t_board_queue, "%s/%s/board/queue", p, c);
    snprintf(e->t_board_status, sizeof e->t_board_status, "%s/%s/board/status", p, c);
}

sync_engine_t *sync_new(const config_t *cfg, const char *data_dir, const signing_key_t *key,
                        char *err, size_t errcap)
{
    if (check_config(cfg, err, errcap) < 0)
        return NULL;
    sync_engine_t *e = calloc(1, sizeof *e);
    if (!e)
        return snprintf(err, errcap, "sync: out of memory"), NULL;
    e->cfg = *cfg;
    e->key = *key;
    e->log = stderr;
    e->wake_fd = -1;
    pthread_mutex_init(&e->lock, NULL);
    snprintf(e->data_dir, sizeof e->data_dir, "%s", data_dir);
    snprintf(e->client_id, sizeof e->client_id, "%s-%s", cfg->centre_id, cfg->terminal_id);
    snprintf(e->printer, sizeof e->printer, "%s", cfg->printer[0] ? "unknown" : "none");
    snprintf(e->paper, sizeof e->paper, "unknown");
    topics(e);
    if (config_broker_parse(cfg->sync.broker, &e->tls, e->host, sizeof e->host, &e->port, err,
                            errcap) < 0 ||
        load_keys(e, err, errcap) < 0) {
        sync_free(e);
        return NULL;
    }
    e->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (e->wake_fd < 0) {
        snprintf(err, errcap, "sync: eventfd: %s", strerror(errno));
        sync_free(e);
        return NULL;
    }
    pthread_once(&lib_once, lib_init);
    e->started = e->tokens_at = sync_clock_ms();
    e->tokens = 1.0;
    e->rng = (uint64_t)time(NULL) ^ ((uint64_t)(uintptr_t)e << 16) ^ 0x9e3779b97f4a7c15ull;
    e->catalog_version = e->st.catalog_version = push_kept_version(data_dir, PUSH_CATALOG);
    e->config_version = e->st.config_version = push_kept_version(data_dir, PUSH_CONFIG);
    return e;
}

void sync_set_log(sync_engine_t *e, FILE *log)
{
    e->log = log;
}

void sync_set_ack_hook(sync_engine_t *e, void (*fn)(void *ctx, int64_t row), void *ctx)
{
    e->ack_hook = fn;
    e->ack_ctx = ctx;
}

int sync_start(sync_engine_t *e, char *err, size_t errcap)
{
    int rc = pthread_create(&e->thread, NULL, thread_main, e);
    if (rc != 0)
        return snprintf(err, errcap, "sync: cannot start its thread: %s", strerror(rc)), -1;
    e->threaded = true;
    return 0;
}

void sync_free(sync_engine_t *e)
{
    if (!e)
        return;
    if (e->threaded) {
        pthread_mutex_lock(&e->lock);
        e->stop = true;
        pthread_mutex_unlock(&e->lock);
        sync_wake(e);
        pthread_join(e->thread, NULL);
    } else {
        goodbye(e);
    }
    journal_close(e->journal);
    if (e->wake_fd >= 0)
        close(e->wake_fd);
    signing_wipe(&e->key);
    explicit_bzero(e->password, sizeof e->password);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void sync_wake(sync_engine_t *e)
{
    uint64_t one = 1;
    if (write(e->wake_fd, &one, sizeof one) < 0) {
        /* the counter is full: a wake-up is pending anyway */
    }
}

void sync_set_device(sync_engine_t *e, const char *printer, const char *paper)
{
    pthread_mutex_lock(&e->lock);
    snprintf(e->printer, sizeof e->printer, "%s", printer ? printer : "none");
    snprintf(e->paper, sizeof e->paper, "%s", paper ? paper : "unknown");
    pthread_mutex_unlock(&e->lock);
}

/* Online, and its queue message recent by our own clock. Under the lock. */
static bool board_fresh(const sync_status_t *st)
{
    return st->connected && st->board_online && st->board_got_ms > 0 &&
           sync_clock_ms() - st->board_got_ms <= SYNC_BOARD_FRESH_MS;
}

void sync_get_status(sync_engine_t *e, sync_status_t *out)
{
    pthread_mutex_lock(&e->lock);
    *out = e->st;
    out->board_fresh = board_fresh(&e->st);
    pthread_mutex_unlock(&e->lock);
}

void sync_push_versions(sync_engine_t *e, int *catalog, int *config)
{
    pthread_mutex_lock(&e->lock);
    *catalog = e->st.catalog_version;
    *config = e->st.config_version;
    pthread_mutex_unlock(&e->lock);
}

bool sync_board_get(sync_engine_t *e, unsigned long *seq, sync_board_t *out, bool *fresh)
{
    pthread_mutex_lock(&e->lock);
    bool changed = e->st.board_seq != *seq;
    if (changed) {
        *out = e->st.board;
        *seq = e->st.board_seq;
    }
    *fresh = board_fresh(&e->st);
    pthread_mutex_unlock(&e->lock);
    return changed;
}

int sync_inflight(const sync_engine_t *e)
{
    return e->nflights;
}

bool sync_ever_connected(const sync_engine_t *e)
{
    return e->ever_up;
}

/* ---- kiosk --sync-now ---- */

static bool drained(sync_engine_t *e)
{
    return e->state == UP && !e->more && e->nflights == 0 && e->nacked == 0 && !e->rewind &&
           e->st.backlog == 0;
}

static long backlog_of(const char *data_dir)
{
    char err[1200];
    journal_t *j = journal_open(data_dir, err, sizeof err);
    long n = j ? outbox_backlog(j) : -1;
    journal_close(j);
    return n;
}

static int drain(sync_engine_t *e, int timeout_s, FILE *out)
{
    int64_t end = sync_clock_ms() + (int64_t)timeout_s * 1000;
    bool unreachable = false;
    while (!drained(e) && sync_clock_ms() < end) {
        struct pollfd pfd[2];
        int n, t = sync_poll(e, pfd, &n, sync_clock_ms());
        poll(pfd, (nfds_t)n, t > 200 ? 200 : t);
        sync_step(e, pfd, n, sync_clock_ms());
        /* Never connected and an attempt failed: the broker cannot be reached; once it was
         * reached, a lost connection is tried again until the time bound. */
        if (!e->ever_up && e->attempts > 0) {
            unreachable = true;
            break;
        }
    }
    sync_status_t st;
    sync_get_status(e, &st);
    bool done = drained(e);
    sync_free(e);
    if (done) {
        fprintf(out, "sync: %ld events sent, nothing left\n", st.acked);
        return 0;
    }
    fprintf(out, "sync: %ld events sent, %ld left: %s\n", st.acked, st.backlog,
            unreachable        ? st.last_error
            : st.last_error[0] ? st.last_error
                               : "the time bound passed");
    return 1;
}

int sync_now(const config_t *cfg, const char *data_dir, const char *key_file, int timeout_s,
             FILE *out)
{
    char err[1200];
    if (!cfg->sync.broker[0]) {
        long n = backlog_of(data_dir);
        fprintf(out, "sync: no [sync] broker is configured; %ld events wait\n", n);
        return n == 0 ? 0 : 1;
    }
    signing_key_t key;
    mkdir(data_dir, 0700); /* a terminal that never started: its journal will be empty */
    if (signing_load(data_dir, key_file, &key, err, sizeof err) < 0) {
        fprintf(out, "sync: %s\n", err);
        return 1;
    }
    sync_engine_t *e = sync_new(cfg, data_dir, &key, err, sizeof err);
    signing_wipe(&key);
    if (!e) {
        fprintf(out, "sync: %s\n", err);
        return 1;
    }
    /* A broker closing the socket must not kill the command with SIGPIPE. */
    sigset_t pipe, old;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old);
    int rc = drain(e, timeout_s, out);
    struct timespec none = {0, 0};
    while (sigtimedwait(&pipe, NULL, &none) == SIGPIPE) {
        /* taken here, so that unblocking it does not end the program */
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
