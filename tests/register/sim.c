/*
 * tests/register/sim.c - a terminal's side of docs/protocol.md, for tests/check-register.sh:
 * its key, its signed events, and a burst of them published at QoS 1.
 *
 *   register-sim keygen DIR            DIR/signing.key and .pub (the kiosk's own code)
 *   register-sim sign KEY < PAYLOAD    the base64url Ed25519 signature of stdin's bytes
 *   register-sim verify PUB SIG < P    exit 0 when SIG is PUB's signature of stdin's bytes
 *   register-sim event KEY C T N [options]   one event's JSON (N: the request's number)
 *       --kind request|print|reprint|erasure  --seq S  --status S  --detail D  --day YYYYMMDD
 *       --token B-2012  --service ID  --base URL  --seal PUBKEY  --qr-token B-9999
 *   register-sim qr KEY C T N [--token ..] [--service ..] [--day ..] [--base URL]
 *   register-sim burst URL KEY C T FROM COUNT [--prefix P] [--rate N]   COUNT request events,
 *       each acknowledged by the broker before the tool exits (exit 1 if not all within 60 s);
 *       --rate: at most N published a second (a stream a test can cut in the middle)
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "register/event.h"
#include "register/mqtt.h"
#include "store/seal.h"
#include "store/signing.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

typedef struct {
    const char *kind, *status, *detail, *day, *token, *service, *base, *seal, *qr_token;
    long seq;
} ev_opts_t;

static int usage(void)
{
    fprintf(stderr, "usage: see the comment at the top of tests/register/sim.c\n");
    return 2;
}

static int load_key(const char *path, signing_key_t *k)
{
    char err[512];
    if (signing_load(NULL, path, k, err, sizeof err) < 0) {
        fprintf(stderr, "register-sim: %s\n", err);
        return -1;
    }
    return 0;
}

static char *sign_b64(const signing_key_t *k, const void *data, size_t n)
{
    uint8_t sig[crypto_sign_BYTES];
    char *out = malloc(sodium_base64_ENCODED_LEN(sizeof sig, B64));
    crypto_sign_detached(sig, NULL, data, n, k->secret);
    if (out)
        sodium_bin2base64(out, sodium_base64_ENCODED_LEN(sizeof sig, B64), sig, sizeof sig, B64);
    return out;
}

static void tracking_of(const char *c, const char *t, const char *day, long n, char *out,
                        size_t cap)
{
    snprintf(out, cap, "%s-%s-%s-%04ld", c, t, day, n);
}

/* "2026-11-29T10:30:05+06:00" from the day, a few seconds per request. */
static void at_of(const char *day, long n, char *out, size_t cap)
{
    snprintf(out, cap, "%.4s-%.2s-%.2sT%02ld:%02ld:%02ld+06:00", day, day + 4, day + 6,
             9 + (n / 3600) % 10, (n / 60) % 60, n % 60);
}

static char *event_json(const signing_key_t *k, const char *c, const char *t, long n,
                        const ev_opts_t *o)
{
    char tracking[128], id[160], at[40], qr[600];
    tracking_of(c, t, o->day, n, tracking, sizeof tracking);
    snprintf(id, sizeof id, "%s/%ld", tracking, o->seq > 0 ? o->seq : n * 10);
    at_of(o->day, n, at, sizeof at);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "v", 1);
    cJSON_AddStringToObject(e, "event", id);
    cJSON_AddStringToObject(e, "kind", o->kind);
    cJSON_AddStringToObject(e, "tracking", tracking);
    cJSON_AddStringToObject(e, "centre", c);
    cJSON_AddStringToObject(e, "terminal", t);
    cJSON_AddStringToObject(e, "at", at);
    if (strcmp(o->kind, "request") == 0) {
        signing_payload(k, o->base, tracking, o->qr_token ? o->qr_token : o->token, o->service, qr,
                        sizeof qr);
        cJSON_AddStringToObject(e, "token", o->token);
        cJSON_AddStringToObject(e, "service", o->service);
        cJSON_AddStringToObject(e, "category", "B");
        cJSON_AddStringToObject(e, "lang", "bn");
        cJSON_AddNullToObject(e, "priority");
        cJSON_AddStringToObject(e, "qr", qr);
        if (o->seal) {
            uint8_t pk[SEAL_KEY_BYTES], box[512];
            char err[256], b64[800];
            const char *fields = "{\"name\":\"রহিম উদ্দিন\",\"mobile\":\"01712345678\"}";
            size_t len = strlen(fields);
            if (seal_key_load(o->seal, pk, err, sizeof err) == 0 &&
                seal_to(pk, fields, len, box, sizeof box) == 0) {
                sodium_bin2base64(b64, sizeof b64, box, len + SEAL_OVERHEAD, B64);
                cJSON_AddStringToObject(e, "fields_sealed", b64);
            }
        }
    } else if (strcmp(o->kind, "erasure") != 0) {
        cJSON_AddStringToObject(e, "status", o->status);
        if (o->detail)
            cJSON_AddStringToObject(e, "detail", o->detail);
        else
            cJSON_AddNullToObject(e, "detail");
    }
    char *s = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    return s;
}

static int parse_ev_opts(int argc, char **argv, int i, ev_opts_t *o)
{
    for (; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--kind") == 0)
            o->kind = v;
        else if (strcmp(k, "--seq") == 0)
            o->seq = strtol(v, NULL, 10);
        else if (strcmp(k, "--status") == 0)
            o->status = v;
        else if (strcmp(k, "--detail") == 0)
            o->detail = v;
        else if (strcmp(k, "--day") == 0)
            o->day = v;
        else if (strcmp(k, "--token") == 0)
            o->token = v;
        else if (strcmp(k, "--service") == 0)
            o->service = v;
        else if (strcmp(k, "--base") == 0)
            o->base = v;
        else if (strcmp(k, "--seal") == 0)
            o->seal = v;
        else if (strcmp(k, "--qr-token") == 0)
            o->qr_token = v;
        else
            return -1;
    }
    return i == argc ? 0 : -1;
}

/* ---- burst ---- */

typedef struct {
    long acked, connected;
} burst_t;

static void on_connect(struct mosquitto *m, void *obj, int rc, int flags,
                       const mosquitto_property *p)
{
    burst_t *b = obj;
    (void)m, (void)flags, (void)p;
    b->connected = rc == 0 ? 1 : -1;
}

static void on_publish(struct mosquitto *m, void *obj, int mid, int rc, const mosquitto_property *p)
{
    burst_t *b = obj;
    (void)m, (void)mid, (void)p;
    if (rc < 128) /* 16: no matching subscribers, still accepted */
        b->acked++;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static int burst(int argc, char **argv)
{
    if (argc < 8)
        return usage();
    const char *prefix = "sheba";
    long rate = 0; /* 0: as fast as the broker takes them */
    for (int i = 8; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--prefix") == 0)
            prefix = argv[i + 1];
        else if (strcmp(argv[i], "--rate") == 0)
            rate = strtol(argv[i + 1], NULL, 10);
        else
            return usage();
    }
    signing_key_t k;
    register_broker_t b = {0};
    char err[512], id[64], topic[256];
    long from = strtol(argv[6], NULL, 10), count = strtol(argv[7], NULL, 10);
    if (load_key(argv[3], &k) < 0 || register_broker_parse(argv[2], &b, err, sizeof err) < 0)
        return 1;
    snprintf(id, sizeof id, "%s-%s", argv[4], argv[5]);
    snprintf(topic, sizeof topic, "%s/%s/%s/event", prefix, argv[4], argv[5]);
    burst_t st = {0, 0};
    mosquitto_lib_init();
    struct mosquitto *m = register_mqtt_new(&b, id, false, &st, err, sizeof err);
    if (!m || register_mqtt_connect_now(m, &b, err, sizeof err) < 0) {
        fprintf(stderr, "register-sim: %s\n", err);
        return 1;
    }
    mosquitto_connect_v5_callback_set(m, on_connect);
    mosquitto_publish_v5_callback_set(m, on_publish);
    ev_opts_t o = {.kind = "request",
                   .day = "20261129",
                   .token = "B-1001",
                   .service = "nid_correction",
                   .base = "https://sheba.example.gov.bd/r"};
    time_t until = time(NULL) + 60;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long sent = 0;
    while (st.acked < count && time(NULL) < until) {
        /* Keep a few hundred in flight: the library queues, the broker paces. */
        while (st.connected == 1 && sent < count && sent - st.acked < 200 &&
               (rate <= 0 || sent < rate * elapsed_ms(&t0) / 1000 + 1)) {
            char token[16];
            long n = from + sent;
            snprintf(token, sizeof token, "B-%ld", 1000 + n % 9000);
            o.token = token;
            char *payload = event_json(&k, argv[4], argv[5], n, &o);
            char *sig = sign_b64(&k, payload, strlen(payload));
            mosquitto_property *props = NULL;
            mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "sig", sig);
            mosquitto_publish_v5(m, NULL, topic, (int)strlen(payload), payload, 1, false, props);
            mosquitto_property_free_all(&props);
            free(payload);
            free(sig);
            sent++;
        }
        if (mosquitto_loop(m, rate > 0 ? 10 : 100, 1) != MOSQ_ERR_SUCCESS)
            break;
    }
    mosquitto_disconnect(m);
    mosquitto_destroy(m);
    mosquitto_lib_cleanup();
    printf("published %ld of %ld\n", st.acked, count);
    return st.acked == count ? 0 : 1;
}

int main(int argc, char **argv)
{
    signing_key_t k;
    char err[512];
    if (argc < 3)
        return usage();
    if (strcmp(argv[1], "keygen") == 0) {
        if (signing_load(argv[2], NULL, &k, err, sizeof err) < 0) {
            fprintf(stderr, "register-sim: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (strcmp(argv[1], "burst") == 0)
        return burst(argc, argv);
    if (strcmp(argv[1], "verify") == 0 && argc == 4) {
        static char buf[1 << 20];
        char line[128] = "";
        uint8_t pk[SIGNING_PUBLIC_BYTES];
        FILE *f = fopen(argv[2], "r");
        if (!f || !fgets(line, sizeof line, f))
            return 2;
        fclose(f);
        line[strcspn(line, "\n")] = '\0';
        size_t n = fread(buf, 1, sizeof buf, stdin);
        return signing_public_from_text(line, pk) && register_signature_ok(pk, buf, n, argv[3]) ? 0
                                                                                                : 1;
    }
    if (load_key(argv[2], &k) < 0)
        return 1;
    if (strcmp(argv[1], "sign") == 0) {
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, stdin);
        char *sig = sign_b64(&k, buf, n);
        printf("%s\n", sig);
        free(sig);
        return 0;
    }
    ev_opts_t o = {.kind = "request",
                   .status = "printed",
                   .day = "20261129",
                   .token = "B-1001",
                   .service = "nid_correction",
                   .base = "https://sheba.example.gov.bd/r"};
    if (argc < 6 || parse_ev_opts(argc, argv, 6, &o) < 0)
        return usage();
    long n = strtol(argv[5], NULL, 10);
    if (strcmp(argv[1], "qr") == 0) {
        char tracking[128], qr[600];
        tracking_of(argv[3], argv[4], o.day, n, tracking, sizeof tracking);
        signing_payload(&k, o.base, tracking, o.token, o.service, qr, sizeof qr);
        printf("%s\n", qr);
        return 0;
    }
    if (strcmp(argv[1], "event") != 0)
        return usage();
    char *s = event_json(&k, argv[3], argv[4], n, &o);
    fputs(s, stdout);
    free(s);
    return 0;
}
