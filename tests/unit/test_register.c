/* tests/unit/test_register.c - the register without a broker: topics, every refused event
 * (each with its reason), presence, the SQLite store (exactly once, events before their
 * request, statuses, token bands), the status page, pushes and keys, the export. The same
 * store on PostgreSQL, and everything over a real Mosquitto, is tests/check-register.sh. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "register/event.h"
#include "register/mqtt.h"
#include "register/page.h"
#include "register/store.h"
#include "register/tools.h"
#include "store/seal.h"
#include "store/signing.h"

#define B64  sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define BASE "https://sheba.example.gov.bd/r"

static char dir[64], keys[128];
static signing_key_t t01, other;

static void rm_rf(const char *path)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static void terminal_key(const char *name, signing_key_t *k, bool publish)
{
    char d[256], from[300], to[300], err[256], text[64];
    snprintf(d, sizeof d, "%s/%s", dir, name);
    assert_int_equal(mkdir(d, 0700), 0);
    assert_int_equal(signing_load(d, NULL, k, err, sizeof err), 0);
    if (!publish)
        return;
    snprintf(from, sizeof from, "%s/signing.pub", d);
    snprintf(to, sizeof to, "%s/%s.pub", keys, name);
    FILE *in = fopen(from, "r"), *out = fopen(to, "w");
    assert_non_null(in);
    assert_non_null(out);
    assert_non_null(fgets(text, sizeof text, in));
    fputs(text, out);
    fclose(in);
    fclose(out);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kiosk-register-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(keys, sizeof keys, "%s/keys", dir);
    mkdir(keys, 0700);
    terminal_key("UDC-0001-T01", &t01, true);
    terminal_key("UDC-0009-T01", &other, false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_rf(dir);
    return 0;
}

/* ---- building events ---- */

typedef struct {
    const char *kind, *centre, *terminal, *tracking_owner, *token, *qr_token, *at, *extra;
    const char *status, *event_suffix;
    int n;
    long seq;
} ev_t;

static char *event_json(const signing_key_t *k, ev_t e)
{
    char tracking[128], qr[600], *out = malloc(4096);
    const char *centre = e.centre ? e.centre : "UDC-0001";
    const char *terminal = e.terminal ? e.terminal : "T01";
    const char *token = e.token ? e.token : "B-1001";
    snprintf(tracking, sizeof tracking, "%s-20261129-%04d",
             e.tracking_owner ? e.tracking_owner : "UDC-0001-T01", e.n ? e.n : 7);
    signing_payload(k, BASE, tracking, e.qr_token ? e.qr_token : token, "nid_correction", qr,
                    sizeof qr);
    const char *kind = e.kind ? e.kind : "request";
    char body[1200];
    if (strcmp(kind, "request") == 0)
        snprintf(body, sizeof body,
                 "\"token\": \"%s\", \"service\": \"nid_correction\", \"category\": \"B\","
                 " \"lang\": \"bn\", \"priority\": null, \"qr\": \"%s\"",
                 token, qr);
    else if (strcmp(kind, "erasure") == 0)
        snprintf(body, sizeof body, "\"fields_erased\": true");
    else
        snprintf(body, sizeof body, "\"status\": \"%s\", \"detail\": %s",
                 e.status ? e.status : "printed",
                 e.status && strcmp(e.status, "printed") != 0 ? "\"out of paper\"" : "null");
    snprintf(out, 4096,
             "{\"v\": 1, \"event\": \"%s/%ld%s\", \"kind\": \"%s\", \"tracking\": \"%s\","
             " \"centre\": \"%s\", \"terminal\": \"%s\", \"at\": \"%s\", %s%s}",
             tracking, e.seq ? e.seq : 70, e.event_suffix ? e.event_suffix : "", kind, tracking,
             centre, terminal, e.at ? e.at : "2026-11-29T10:30:05+06:00", body,
             e.extra ? e.extra : "");
    return out;
}

static void sign(const signing_key_t *k, const void *p, size_t n, char out[128])
{
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, p, n, k->secret);
    sodium_bin2base64(out, 128, sig, sizeof sig, B64);
}

/* Check an event signed by k on topic sheba/UDC-0001/<terminal>/event. */
static register_reason_t check(const signing_key_t *k, const char *topic_terminal,
                               const char *payload, register_event_t *ev, char *why)
{
    char sig[128], topic[128];
    snprintf(topic, sizeof topic, "sheba/UDC-0001/%s/event", topic_terminal);
    sign(k, payload, strlen(payload), sig);
    return register_event_check(keys, "sheba", topic, payload, strlen(payload), sig, ev, why, 512);
}

/* ---- topics and ids ---- */

static void test_topics(void **state)
{
    (void)state;
    char c[REG_ID_MAX], t[REG_ID_MAX];
    assert_int_equal(register_topic_parse("sheba", "sheba/UDC-0001/T01/event", c, t),
                     REG_TOPIC_EVENT);
    assert_string_equal(c, "UDC-0001");
    assert_string_equal(t, "T01");
    assert_int_equal(register_topic_parse("sheba", "sheba/UDC-0001/T01/status", c, t),
                     REG_TOPIC_STATUS);
    assert_int_equal(register_topic_parse("sheba", "sheba/registers/reg-a.b", c, t),
                     REG_TOPIC_REGISTER);
    assert_string_equal(t, "reg-a.b");
    assert_int_equal(register_topic_parse("bd/sheba", "bd/sheba/C/T/event", c, t), REG_TOPIC_EVENT);
    const char *others[] = {"sheba/UDC-0001/T01/control",
                            "other/UDC-0001/T01/event",
                            "sheba/a/b/c/event",
                            "sheba/UDC-0001/T01/event/",
                            "shebax/C/T/event",
                            "sheba/registers/a/b",
                            "sheba/C/T"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(register_topic_parse("sheba", others[i], c, t), REG_TOPIC_OTHER);
}

static void test_tracking_owner(void **state)
{
    (void)state;
    char owner[64];
    assert_true(register_tracking_owner("UDC-0001-T01-20261129-0007", owner, sizeof owner));
    assert_string_equal(owner, "UDC-0001-T01");
    assert_false(register_tracking_owner("UDC-0001-T01-2026112-0007", owner, sizeof owner));
    assert_false(register_tracking_owner("UDC-0001-T01-20261129-", owner, sizeof owner));
    assert_false(register_tracking_owner("-20261129-0007", owner, sizeof owner));
    assert_false(register_tracking_owner("../x-20261129-0007", owner, sizeof owner));
    assert_false(register_tracking_owner("UDC-0001-T01-20261129-0007", owner, 4));
}

static void test_broker_urls(void **state)
{
    (void)state;
    register_broker_t b = {0};
    char err[256];
    assert_int_equal(register_broker_parse("mqtt://broker.example", &b, err, sizeof err), 0);
    assert_string_equal(b.host, "broker.example");
    assert_int_equal(b.port, 1883);
    assert_false(b.tls);
    assert_int_equal(register_broker_parse("mqtts://10.0.0.1", &b, err, sizeof err), 0);
    assert_int_equal(b.port, 8883);
    assert_true(b.tls);
    assert_int_equal(register_broker_parse("mqtt://[::1]:2883/", &b, err, sizeof err), 0);
    assert_string_equal(b.host, "::1");
    assert_int_equal(b.port, 2883);
    const char *bad[] = {"http://h",       "mqtt://",     "mqtt://h:0",
                         "mqtt://h:70000", "mqtt://h:1x", "mqtt://h/topic"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(register_broker_parse(bad[i], &b, err, sizeof err), -1);
        assert_non_null(strstr(err, bad[i]));
    }
}

/* ---- events ---- */

static void test_event_good(void **state)
{
    (void)state;
    register_event_t ev;
    char why[512];
    char *p = event_json(&t01, (ev_t){0});
    assert_int_equal(check(&t01, "T01", p, &ev, why), REG_OK);
    assert_string_equal(ev.tracking, "UDC-0001-T01-20261129-0007");
    assert_int_equal(ev.seq, 70);
    assert_int_equal(ev.kind, REG_KIND_REQUEST);
    assert_string_equal(ev.token, "B-1001");
    assert_null(ev.priority);
    assert_null(ev.fields_sealed);
    register_event_free(&ev);
    free(p);
    p = event_json(&t01, (ev_t){.kind = "reprint", .status = "paper-out", .seq = 71});
    assert_int_equal(check(&t01, "T01", p, &ev, why), REG_OK);
    assert_int_equal(ev.kind, REG_KIND_REPRINT);
    assert_string_equal(ev.status, "paper-out");
    assert_string_equal(ev.detail, "out of paper");
    register_event_free(&ev);
    free(p);
}

typedef struct {
    ev_t e;
    const char *topic_terminal;
    register_reason_t want;
    const char *why;
} bad_t;

static void test_event_refusals(void **state)
{
    (void)state;
    const bad_t bad[] = {
        {{.token = "B2012"}, "T01", REG_MALFORMED, "\"token\""},
        {{.kind = "print", .status = "Printed!"}, "T01", REG_MALFORMED, "\"status\""},
        {{.kind = "lost"}, "T01", REG_MALFORMED, "\"kind\": unknown"},
        {{.at = "2026-11-29T10:30:05Z"}, "T01", REG_MALFORMED, "\"at\""},
        {{.event_suffix = "x"}, "T01", REG_MALFORMED, "\"event\""},
        {{.extra = ", \"priority\": \"vip\""}, "T01", REG_OK, NULL}, /* first key wins */
        {{.centre = "UDC-0002"}, "T01", REG_TOPIC_MISMATCH, "payload says UDC-0002/T01"},
        {{.terminal = "T02"}, "T01", REG_TOPIC_MISMATCH, "the topic UDC-0001/T01"},
        {{.tracking_owner = "UDC-0001-T02"}, "T01", REG_TOPIC_MISMATCH, "does not belong"},
        {{.qr_token = "B-9999"}, "T01", REG_BAD_RECEIPT, "not this request"},
        {{0}, "T99", REG_UNKNOWN_TERMINAL, "UDC-0001-T99.pub"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        register_event_t ev;
        char why[512] = "";
        char *p = event_json(&t01, bad[i].e);
        register_reason_t r = check(&t01, bad[i].topic_terminal, p, &ev, why);
        if (r != bad[i].want)
            fail_msg("case %zu: %s, wanted %s (%s)", i, register_reason_name(r),
                     register_reason_name(bad[i].want), why);
        if (bad[i].why && !strstr(why, bad[i].why))
            fail_msg("case %zu: \"%s\" not in \"%s\"", i, bad[i].why, why);
        if (r == REG_OK)
            register_event_free(&ev);
        free(p);
    }
}

static void test_event_signatures_and_bytes(void **state)
{
    (void)state;
    register_event_t ev;
    char why[512], sig[128];
    const char *topic = "sheba/UDC-0001/T01/event";
    char *p = event_json(&t01, (ev_t){0});
    size_t n = strlen(p);
    /* Signed by another terminal, no signature, garbage signature, changed after signing. */
    assert_int_equal(check(&other, "T01", p, &ev, why), REG_BAD_SIGNATURE);
    assert_int_equal(register_event_check(keys, "sheba", topic, p, n, NULL, &ev, why, sizeof why),
                     REG_BAD_SIGNATURE);
    assert_non_null(strstr(why, "no \"sig\""));
    assert_int_equal(register_event_check(keys, "sheba", topic, p, n, "!!", &ev, why, sizeof why),
                     REG_BAD_SIGNATURE);
    sign(&t01, p, n, sig);
    p[n - 3] = p[n - 3] == 'x' ? 'y' : 'x';
    assert_int_equal(register_event_check(keys, "sheba", topic, p, n, sig, &ev, why, sizeof why),
                     REG_BAD_SIGNATURE);
    free(p);
    /* Signed, but not UTF-8, not JSON, JSON with more after it, not version 1. */
    const char *bodies[] = {
        "\xff\xfe{}", "{\"v\": 1, \"event\": ", "{\"v\": 1} {}", "{\"v\": 2}", "[1]", ""};
    const char *whys[] = {"not UTF-8",         "not one JSON object", "not one JSON object",
                          "\"v\": expected 1", "not one JSON object", "not one JSON object"};
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        assert_int_equal(check(&t01, "T01", bodies[i], &ev, why), REG_MALFORMED);
        assert_non_null(strstr(why, whys[i]));
    }
    /* Too big: refused before anything else is looked at. */
    size_t big = REG_MAX_PAYLOAD + 1;
    char *huge = calloc(1, big + 1);
    memset(huge, ' ', big);
    assert_int_equal(
        register_event_check(keys, "sheba", topic, huge, big, "x", &ev, why, sizeof why),
        REG_OVERSIZED);
    free(huge);
}

static void test_key_files(void **state)
{
    (void)state;
    uint8_t key[SIGNING_PUBLIC_BYTES];
    char why[512], path[256];
    assert_int_equal(register_key_load(keys, "UDC-0001-T01", key, why, sizeof why), 1);
    assert_int_equal(register_key_load(keys, "UDC-0001-T77", key, why, sizeof why), 0);
    assert_int_equal(register_key_load(keys, "../keys/UDC-0001-T01", key, why, sizeof why), 0);
    snprintf(path, sizeof path, "%s/UDC-0001-T05.pub", keys);
    assert_int_equal(mkfifo(path, 0600), 0); /* must not hang the stream */
    assert_int_equal(register_key_load(keys, "UDC-0001-T05", key, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a key file"));
    snprintf(path, sizeof path, "%s/UDC-0001-T06.pub", keys);
    FILE *f = fopen(path, "w");
    fputs("not a key\n", f);
    fclose(f);
    assert_int_equal(register_key_load(keys, "UDC-0001-T06", key, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a public key"));
}

static void test_status(void **state)
{
    (void)state;
    register_status_t st;
    char why[512];
    const char *topic = "sheba/UDC-0001/T01/status";
    const char *good = "{\"v\": 1, \"online\": true, \"role\": \"kiosk\", \"token_band\": \"2\"}";
    assert_int_equal(
        register_status_check("sheba", topic, good, strlen(good), &st, why, sizeof why), REG_OK);
    assert_true(st.online && st.has_band);
    assert_string_equal(st.band, "2");
    const char *will = "{\"v\": 1, \"online\": false, \"role\": \"kiosk\"}";
    assert_int_equal(
        register_status_check("sheba", topic, will, strlen(will), &st, why, sizeof why), REG_OK);
    assert_false(st.online || st.has_band);
    const char *bad[] = {
        "{\"v\": 1, \"online\": true, \"role\": \"kiosk\", \"token_band\": \"12\"}",
        "{\"v\": 1, \"online\": true, \"role\": \"kiosk\", \"token_band\": \"0\"}",
        "{\"v\": 1, \"online\": \"yes\", \"role\": \"kiosk\"}", "{\"v\": 1, \"online\": true}",
        "nope"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(
            register_status_check("sheba", topic, bad[i], strlen(bad[i]), &st, why, sizeof why),
            REG_MALFORMED);
}

/* ---- the store (SQLite here; PostgreSQL in tests/check-register.sh) ---- */

static register_store_result_t store_event(register_store_t *s, ev_t e)
{
    register_event_t ev;
    char why[512], err[512];
    char *p = event_json(&t01, e);
    assert_int_equal(check(&t01, "T01", p, &ev, why), REG_OK);
    register_store_result_t r = register_store_event(s, &ev, 1796000000, err, sizeof err);
    register_event_free(&ev);
    free(p);
    return r;
}

static register_store_t *open_store(const char *name)
{
    char spec[256], err[512];
    snprintf(spec, sizeof spec, "sqlite:%s/%s", dir, name);
    register_store_t *s = register_store_open(spec, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    return s;
}

static void request_status(register_store_t *s, int n, const char *want, register_request_t *r)
{
    char tracking[64], err[512];
    snprintf(tracking, sizeof tracking, "UDC-0001-T01-20261129-%04d", n);
    assert_int_equal(register_store_request(s, tracking, r, err, sizeof err), 1);
    assert_string_equal(r->status, want);
}

static void test_store_exactly_once(void **state)
{
    (void)state;
    register_store_t *s = open_store("once.sqlite");
    register_request_t r = {0};
    char err[512];
    long requests, events, waiting;
    assert_int_equal(store_event(s, (ev_t){.n = 1, .seq = 10}), REG_STORE_STORED);
    assert_int_equal(store_event(s, (ev_t){.n = 1, .seq = 10}), REG_STORE_DUPLICATE);
    /* Another outbox row for the same request (a replay after a restore): one request. */
    assert_int_equal(store_event(s, (ev_t){.n = 1, .seq = 11}), REG_STORE_STORED);
    request_status(s, 1, "received", &r);
    assert_int_equal(r.received_at, 1796000000);
    assert_string_equal(r.token, "B-1001");
    const char *qr = BASE "/UDC-0001-T01-20261129-0001?t=B-1001&s=nid_correction&sig=";
    assert_int_equal(strncmp(r.qr, qr, strlen(qr)), 0);
    register_request_free(&r);
    /* A print outcome and an erasure before their request: kept, applied when it comes. */
    assert_int_equal(
        store_event(s, (ev_t){.n = 2, .seq = 22, .kind = "print", .status = "printed"}),
        REG_STORE_STORED);
    assert_int_equal(store_event(s, (ev_t){.n = 2, .seq = 23, .kind = "erasure"}),
                     REG_STORE_STORED);
    assert_int_equal(register_store_counts(s, &requests, &events, &waiting, err, sizeof err), 0);
    assert_int_equal(waiting, 2);
    assert_int_equal(register_store_request(s, "UDC-0001-T01-20261129-0002", &r, err, sizeof err),
                     0);
    assert_int_equal(store_event(s, (ev_t){.n = 2, .seq = 20}), REG_STORE_STORED);
    request_status(s, 2, "printed", &r);
    assert_true(r.fields_erased);
    assert_int_equal(r.printed_at, r.status_at);
    register_request_free(&r);
    /* Later outcomes: a failed reprint, then a good one. */
    assert_int_equal(
        store_event(s, (ev_t){.n = 2, .seq = 24, .kind = "reprint", .status = "paper-out"}),
        REG_STORE_STORED);
    request_status(s, 2, "paper-out", &r);
    assert_string_equal(r.print_error, "out of paper");
    register_request_free(&r);
    assert_int_equal(
        store_event(s, (ev_t){.n = 2, .seq = 25, .kind = "reprint", .status = "printed"}),
        REG_STORE_STORED);
    request_status(s, 2, "reprinted", &r);
    assert_string_equal(r.print_error, "");
    register_request_free(&r);
    assert_int_equal(register_store_counts(s, &requests, &events, &waiting, err, sizeof err), 0);
    assert_int_equal(requests, 2);
    assert_int_equal(events, 7);
    assert_int_equal(waiting, 0);
    register_store_close(s);
    /* Opened again: the schema is there, nothing is lost. */
    s = open_store("once.sqlite");
    assert_int_equal(register_store_counts(s, &requests, &events, &waiting, err, sizeof err), 0);
    assert_int_equal(requests, 2);
    register_store_close(s);
}

static void test_store_specs(void **state)
{
    (void)state;
    char err[512];
    assert_null(register_store_open("mysql://x", err, sizeof err));
    assert_non_null(strstr(err, "expected sqlite:PATH or postgresql://"));
    assert_null(register_store_open("sqlite:", err, sizeof err));
    assert_null(register_store_open("sqlite:/nonexistent/folder/r.sqlite", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/folder/r.sqlite"));
    assert_null(register_store_open("postgresql:///x?host=/nonexistent", err, sizeof err));
    assert_non_null(strstr(err, "postgresql"));
}

typedef struct {
    register_control_t c[8];
    int n;
} changes_t;

static void changed(const register_control_t *c, void *ctx)
{
    changes_t *ch = ctx;
    assert_true(ch->n < 8);
    ch->c[ch->n++] = *c;
}

static changes_t status(register_store_t *s, const char *terminal, const char *json)
{
    register_status_t st;
    char why[512], err[512], topic[128];
    changes_t ch = {.n = 0};
    snprintf(topic, sizeof topic, "sheba/UDC-0001/%s/status", terminal);
    assert_int_equal(
        register_status_check("sheba", topic, json, strlen(json), &st, why, sizeof why), REG_OK);
    assert_int_equal(register_store_status(s, &st, json, strlen(json), 1796000000, changed, &ch,
                                           err, sizeof err),
                     REG_STORE_STORED);
    return ch;
}

#define KIOSK(band)                                                                                \
    "{\"v\": 1, \"online\": true, \"role\": \"kiosk\", \"token_band\": \"" band "\"}"

static void test_token_bands(void **state)
{
    (void)state;
    register_store_t *s = open_store("bands.sqlite");
    changes_t ch = status(s, "T01", KIOSK("1"));
    assert_int_equal(ch.n, 0);
    ch = status(s, "T02", KIOSK("1"));
    assert_int_equal(ch.n, 1);
    assert_string_equal(ch.c[0].terminal, "T02");
    assert_string_equal(ch.c[0].conflict, "band 1 is held by T01");
    /* Its will (no band): nothing changes; the board has no band at all. */
    assert_int_equal(status(s, "T02", "{\"v\": 1, \"online\": false, \"role\": \"kiosk\"}").n, 0);
    assert_int_equal(status(s, "board", "{\"v\": 1, \"online\": true, \"role\": \"board\"}").n, 0);
    ch = status(s, "T02", KIOSK("2"));
    assert_int_equal(ch.n, 1);
    assert_string_equal(ch.c[0].conflict, "");
    ch = status(s, "T03", KIOSK(""));
    assert_int_equal(ch.n, 1);
    assert_string_equal(ch.c[0].terminal, "T03");
    assert_non_null(strstr(ch.c[0].conflict, "no token band"));
    /* The first holder keeps its band when another claims it later. */
    ch = status(s, "T03", KIOSK("2"));
    assert_int_equal(ch.n, 1);
    assert_string_equal(ch.c[0].conflict, "band 2 is held by T02");
    changes_t all = {.n = 0};
    char err[512];
    assert_int_equal(register_store_controls(s, changed, &all, err, sizeof err), 0);
    assert_int_equal(all.n, 2); /* T02 (lifted: published empty again), T03 (refused) */
    assert_string_equal(all.c[0].terminal, "T02");
    assert_string_equal(all.c[0].conflict, "");
    assert_string_equal(all.c[1].conflict, "band 2 is held by T02");
    register_store_close(s);
}

/* ---- the page ---- */

static void test_page(void **state)
{
    (void)state;
    register_request_t r = {.created = 1796000000,
                            .status_at = 1796000100,
                            .received_at = 1796000200,
                            .printed_at = -1};
    snprintf(r.status, sizeof r.status, "printed");
    snprintf(r.token, sizeof r.token, "B-2012");
    page_t p = {.kind = PAGE_RECEIVED,
                .tracking = "UDC-0001-T01-20261129-0007",
                .token = "B-2012",
                .service = "nid_correction",
                .service_name = {"জাতীয় পরিচয়পত্র সংশোধন", "NID <correction> & co"},
                .request = &r,
                .font_base = "_fonts/"};
    size_t len;
    char *html = register_page_html(&p, &len);
    assert_non_null(html);
    assert_int_equal(strlen(html), len);
    assert_non_null(strstr(html, "<html lang=\"bn\">"));
    assert_non_null(strstr(html, "B-২০১২"));   /* Bangla digits in the Bangla part */
    assert_non_null(strstr(html, ">B-2012<")); /* Latin in the English part */
    assert_non_null(strstr(html, "NID &lt;correction&gt; &amp; co"));
    assert_null(strstr(html, "<correction>"));
    assert_non_null(strstr(html, "গৃহীত, রসিদ ছাপা হয়েছে"));
    assert_non_null(strstr(html, "_fonts/NotoSansBengali-Regular.ttf"));
    assert_null(strstr(html, "http://")); /* nothing external */
    free(html);
    assert_int_equal(register_page_status(PAGE_RECEIVED), 200);
    assert_int_equal(register_page_status(PAGE_PENDING), 200);
    assert_int_equal(register_page_status(PAGE_FORGED), 403);
    assert_int_equal(register_page_status(PAGE_MALFORMED), 400);
    assert_int_equal(register_page_status(PAGE_UNKNOWN), 404);
    page_t forged = {.kind = PAGE_FORGED,
                     .tracking = p.tracking,
                     .token = "B-2012",
                     .service = "nid_correction"};
    html = register_page_html(&forged, &len);
    assert_non_null(strstr(html, "This receipt is not genuine"));
    assert_null(strstr(html, "class=\"tok\"")); /* a forged receipt's claims are not shown */
    free(html);
    char *json = register_page_json(&p, &len);
    assert_non_null(strstr(json, "\"result\":\"genuine\",\"received\":true"));
    assert_non_null(strstr(json, "\"status\":\"printed\""));
    free(json);
}

/* ---- keys, pushes, export ---- */

static void test_keys_and_push(void **state)
{
    (void)state;
    char kdir[128], err[768], path[256], line[160];
    snprintf(kdir, sizeof kdir, "%s/nation", dir);
    assert_int_equal(register_keygen(kdir, err, sizeof err), 0);
    assert_int_equal(register_keygen(kdir, err, sizeof err), -1);
    assert_non_null(strstr(err, "never overwritten"));
    struct stat st;
    snprintf(path, sizeof path, "%s/register.sign.key", kdir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    register_push_t p = {"catalog", "assets/catalog.json", 4, NULL, path, "sheba", "fonts"};
    char *payload, *sig;
    size_t len;
    assert_int_equal(register_push_payload(&p, &payload, &len, &sig, err, sizeof err), 0);
    assert_true(len <= REG_MAX_PUSH);
    assert_non_null(strstr(payload, "{\"v\":1,\"kind\":\"catalog\",\"version\":4,\"catalog\":{"));
    /* The terminals check it with register.sign.pub. */
    snprintf(path, sizeof path, "%s/register.sign.pub", kdir);
    FILE *f = fopen(path, "r");
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    uint8_t pk[SIGNING_PUBLIC_BYTES];
    assert_true(signing_public_from_text(line, pk));
    assert_true(register_signature_ok(pk, payload, len, sig));
    free(payload);
    free(sig);
    /* A catalog the kiosk would refuse is refused here, with the kiosk's own message. */
    snprintf(path, sizeof path, "%s/register.sign.key", kdir);
    p.file = "tests/data/catalog/bad/official_fee_string.json";
    assert_int_equal(register_push_payload(&p, &payload, &len, &sig, err, sizeof err), -1);
    assert_non_null(strstr(err, "official_fee_string.json: services[0].official_fee"));
    /* Configuration overlays: valid INI of the kiosk, and never a terminal's identity. */
    const char *overlays[] = {"[kiosk]\nidle_timeout = 90\n", "[terminal]\nid = T09\n",
                              "[centre]\nid = UDC-9\n", "[kiosk]\nfrobnicate = 1\n"};
    const char *whys[] = {NULL, "overlay.ini:2: [terminal] id: an overlay may not change",
                          "overlay.ini:2: [centre] id: an overlay may not change", "frobnicate"};
    p.what = "config";
    snprintf(line, sizeof line, "%s/overlay.ini", dir);
    p.file = line;
    for (int i = 0; i < 4; i++) {
        f = fopen(line, "w");
        fputs(overlays[i], f);
        fclose(f);
        int rc = register_push_payload(&p, &payload, &len, &sig, err, sizeof err);
        if (!whys[i]) {
            assert_int_equal(rc, 0);
            assert_non_null(strstr(payload, "\"config\":\"[kiosk]\\nidle_timeout = 90\\n\""));
            free(payload);
            free(sig);
        } else {
            assert_int_equal(rc, -1);
            if (!strstr(err, whys[i]))
                fail_msg("overlay %d: \"%s\" not in \"%s\"", i, whys[i], err);
        }
    }
    p.what = "menu";
    assert_int_equal(register_push_payload(&p, &payload, &len, &sig, err, sizeof err), -1);
    p.what = "catalog", p.version = 0;
    assert_int_equal(register_push_payload(&p, &payload, &len, &sig, err, sizeof err), -1);
}

static void test_export_open_fields(void **state)
{
    (void)state;
    char pub[80], sec[80], pubf[128], secf[128], spec[256], err[512], b64[600];
    uint8_t pk[SEAL_KEY_BYTES], box[300];
    const char *fields = "{\"name\":\"রহিম\"}";
    assert_int_equal(seal_keygen(pub, sizeof pub, sec, sizeof sec), 0);
    snprintf(pubf, sizeof pubf, "%s/box.pub", dir);
    snprintf(secf, sizeof secf, "%s/box.key", dir);
    FILE *f = fopen(secf, "w");
    fputs(sec, f);
    fclose(f);
    assert_true(seal_key_from_text(pub, pk));
    assert_int_equal(seal_to(pk, fields, strlen(fields), box, sizeof box), 0);
    sodium_bin2base64(b64, sizeof b64, box, strlen(fields) + SEAL_OVERHEAD, B64);
    char extra[700];
    snprintf(extra, sizeof extra, ", \"fields_sealed\": \"%s\"", b64);
    register_store_t *s = open_store("export.sqlite");
    assert_int_equal(store_event(s, (ev_t){.n = 3, .seq = 30, .extra = extra}), REG_STORE_STORED);
    assert_int_equal(store_event(s, (ev_t){.n = 4, .seq = 40}), REG_STORE_STORED);
    register_store_close(s);
    snprintf(spec, sizeof spec, "sqlite:%s/export.sqlite", dir);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_int_equal(register_export(spec, 0, secf, out, err, sizeof err), 2);
    fclose(out);
    assert_non_null(strstr(text, "\"fields\":{\"name\":\"রহিম\"}"));
    assert_null(strstr(text, "fields_sealed"));
    free(text);
    out = open_memstream(&text, &size);
    assert_int_equal(register_export(spec, 0, NULL, out, err, sizeof err), 2);
    fclose(out);
    assert_non_null(strstr(text, b64));
    free(text);
    /* --since: the requests are from 29 November 2026 (Asia/Dhaka). */
    out = open_memstream(&text, &size);
    assert_int_equal(
        register_export(spec, register_parse_day("2026-11-30"), NULL, out, err, sizeof err), 0);
    fclose(out);
    free(text);
    assert_int_equal(register_parse_day("2026-11-29"), 1795888800); /* 2026-11-28T18:00:00Z */
    assert_int_equal(register_parse_day("29-11-2026"), -1);
    assert_int_equal(register_parse_day("2026-13-01"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topics),
        cmocka_unit_test(test_tracking_owner),
        cmocka_unit_test(test_broker_urls),
        cmocka_unit_test(test_event_good),
        cmocka_unit_test(test_event_refusals),
        cmocka_unit_test(test_event_signatures_and_bytes),
        cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_store_exactly_once),
        cmocka_unit_test(test_store_specs),
        cmocka_unit_test(test_token_bands),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_keys_and_push),
        cmocka_unit_test(test_export_open_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
