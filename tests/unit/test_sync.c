/* tests/unit/test_sync.c - sync/event (the wire's JSON, sealed fields), sync/push (signed
 * pushes checked, kept and loaded) and the engine itself against a real Mosquitto started
 * here (skipped when mosquitto is not installed), so that the connection, callbacks and
 * thread also run under ASan+UBSan. Each test works in its own mkdtemp folder. */
#define _GNU_SOURCE

#include "sync/sync.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/outbox.h"
#include "sync/push.h"
#include "tmpdir.h"

#define T_MORNING 1795924800 /* 29 Nov 2026 10:00 in Dhaka */

typedef struct {
    char dir[64];
    char err[1200];
    signing_key_t key; /* the terminal's */
    signing_key_t reg; /* the register's */
    uint8_t seal_pk[SEAL_KEY_BYTES], seal_sk[SEAL_KEY_BYTES];
    config_t cfg;
    pid_t children[2]; /* broker and subscriber: stopped by teardown even when a test fails */
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    char sub[128], pt[128], st[128];
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/test_sync.XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(sub, sizeof sub, "%s/register", fx->dir);
    mkdir(sub, 0700);
    if (signing_load(fx->dir, NULL, &fx->key, fx->err, sizeof fx->err) < 0 ||
        signing_load(sub, NULL, &fx->reg, fx->err, sizeof fx->err) < 0 ||
        seal_keygen(pt, sizeof pt, st, sizeof st) < 0 || !seal_key_from_text(pt, fx->seal_pk) ||
        !seal_key_from_text(st, fx->seal_sk))
        return -1;
    config_defaults(&fx->cfg);
    *state = fx;
    return 0;
}

static void stop(pid_t pid);

static int teardown(void **state)
{
    fixture_t *fx = *state;
    for (int i = 0; i < 2; i++)
        if (fx->children[i] > 0)
            stop(fx->children[i]);
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

static outbox_row_t row(outbox_kind_t kind)
{
    outbox_row_t r;
    memset(&r, 0, sizeof r);
    r.id = 7;
    r.request_id = 3;
    r.kind = kind;
    r.at = T_MORNING;
    r.created = T_MORNING;
    snprintf(r.tracking, sizeof r.tracking, "UDC-0001-T01-20261129-0003");
    snprintf(r.token, sizeof r.token, "B-2003");
    snprintf(r.service, sizeof r.service, "nid_correction");
    snprintf(r.lang, sizeof r.lang, "bn");
    r.prefix = 'B';
    r.field_count = 1;
    snprintf(r.field_ids[0], sizeof r.field_ids[0], "name");
    snprintf(r.values[0], sizeof r.values[0], "রহিম");
    return r;
}

static cJSON *event_of(fixture_t *fx, const outbox_row_t *r, bool sealed)
{
    event_identity_t id = {.centre = "UDC-0001",
                           .terminal = "T01",
                           .receipt_url = "https://r.example/r",
                           .key = &fx->key,
                           .export_key = sealed ? fx->seal_pk : NULL};
    size_t len = 0;
    char *json = event_json(&id, r, &len);
    assert_non_null(json);
    assert_int_equal(strlen(json), len);
    assert_null(strstr(json, "রহিম")); /* never in clear */
    cJSON *o = cJSON_Parse(json);
    free(json);
    assert_non_null(o);
    return o;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_request_event_carries_sealed_fields_and_qr(void **state)
{
    fixture_t *fx = *state;
    outbox_row_t r = row(OUTBOX_REQUEST);
    cJSON *o = event_of(fx, &r, true);
    assert_string_equal(str(o, "event"), "UDC-0001-T01-20261129-0003/7");
    assert_string_equal(str(o, "kind"), "request");
    assert_string_equal(str(o, "at"), "2026-11-29T10:00:00+06:00");
    assert_string_equal(str(o, "category"), "B");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "priority")));
    char tr[128], tk[32], sv[64];
    assert_int_equal(signing_verify(fx->key.public_key, str(o, "qr"), tr, tk, sv, 64),
                     VERIFY_GENUINE);
    assert_string_equal(tk, "B-2003");
    uint8_t box[512], plain[512];
    size_t n = 0;
    const char *sealed = str(o, "fields_sealed");
    assert_non_null(sealed);
    assert_int_equal(sodium_base642bin(box, sizeof box, sealed, strlen(sealed), NULL, &n, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    long len = seal_open(fx->seal_sk, box, n, plain, sizeof plain - 1);
    assert_true(len > 0);
    plain[len] = '\0';
    assert_string_equal((char *)plain, "{\"name\":\"রহিম\"}");
    cJSON_Delete(o);
}

static void test_request_event_without_key_or_after_erasure_has_no_fields(void **state)
{
    fixture_t *fx = *state;
    outbox_row_t r = row(OUTBOX_REQUEST);
    cJSON *o = event_of(fx, &r, false);
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "fields_sealed"));
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "fields_erased"));
    cJSON_Delete(o);
    r.fields_erased = true;
    r.field_count = 0;
    snprintf(r.priority, sizeof r.priority, "elderly");
    o = event_of(fx, &r, true);
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "fields_sealed"));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "fields_erased")));
    assert_string_equal(str(o, "priority"), "elderly");
    cJSON_Delete(o);
}

static void test_print_and_erasure_events(void **state)
{
    fixture_t *fx = *state;
    outbox_row_t r = row(OUTBOX_PRINT);
    snprintf(r.status, sizeof r.status, "paper-out");
    snprintf(r.detail, sizeof r.detail, "no paper");
    cJSON *o = event_of(fx, &r, true);
    assert_string_equal(str(o, "kind"), "print");
    assert_string_equal(str(o, "status"), "paper-out");
    assert_string_equal(str(o, "detail"), "no paper");
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "fields_sealed"));
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "qr"));
    cJSON_Delete(o);
    r = row(OUTBOX_ERASURE);
    o = event_of(fx, &r, true);
    assert_string_equal(str(o, "kind"), "erasure");
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "status"));
    assert_string_equal(str(o, "token"), "B-2003");
    cJSON_Delete(o);
}

static void test_presence_and_will(void **state)
{
    (void)state;
    event_refusal_t ref = {.kind = "catalog", .version = 5, .why = "bad signature"};
    presence_t p = {.role = "kiosk",
                    .version = "0.2.0",
                    .token_band = "1",
                    .printer = "ready",
                    .paper = "ok",
                    .backlog = 3,
                    .last_sync = 0,
                    .uptime_s = 5400,
                    .catalog_version = 3,
                    .refused = &ref,
                    .refused_count = 1};
    char *json = event_presence_json(&p);
    assert_string_equal(json, "{\"v\":1,\"online\":true,\"role\":\"kiosk\",\"version\":\"0.2.0\","
                              "\"token_band\":\"1\",\"printer\":\"ready\",\"paper\":\"ok\","
                              "\"backlog\":3,\"last_sync\":null,\"uptime\":5400,"
                              "\"catalog_version\":3,\"config_version\":0,\"refused\":[{\"kind\":"
                              "\"catalog\",\"version\":5,\"why\":\"bad signature\"}]}");
    free(json);
    json = event_offline_json("kiosk");
    assert_string_equal(json, "{\"v\":1,\"online\":false,\"role\":\"kiosk\"}");
    free(json);
}

/* ---- pushes ---- */

static push_result_t push(fixture_t *fx, push_kind_t kind, const char *payload,
                          const signing_key_t *signer, int *version, char *why)
{
    char sig[SIGNING_SIG_TEXT];
    int pushed;
    if (signer)
        signing_sign_bytes(signer, payload, strlen(payload), sig, sizeof sig);
    return push_receive(fx->dir, kind, &fx->cfg, fx->reg.public_key, payload, strlen(payload),
                        signer ? sig : NULL, version, &pushed, why, 160);
}

static char *catalog_push(int version)
{
    FILE *fp = fopen("assets/catalog.json", "r");
    assert_non_null(fp);
    static char cat[1 << 20]; /* a push's limit: the bundled catalog must fit it */
    size_t n = fread(cat, 1, sizeof cat - 1, fp);
    assert_true(feof(fp)); /* read whole */
    fclose(fp);
    cat[n] = '\0';
    char *msg = malloc(n + 100);
    sprintf(msg, "{\"v\":1,\"kind\":\"catalog\",\"version\":%d,\"catalog\":%s}", version, cat);
    return msg;
}

static void test_push_catalog_checked_kept_and_loaded(void **state)
{
    fixture_t *fx = *state;
    char why[160] = "";
    int version = 0;
    char *good = catalog_push(2), *older = catalog_push(1);
    assert_int_equal(push(fx, PUSH_CATALOG, good, &fx->key, &version, why), PUSH_REFUSED);
    assert_string_equal(why, "bad signature"); /* signed, but by the terminal, not the register */
    assert_int_equal(push(fx, PUSH_CATALOG, good, NULL, &version, why), PUSH_REFUSED);
    assert_non_null(strstr(why, "not signed"));
    assert_int_equal(push(fx, PUSH_CATALOG, good, &fx->reg, &version, why), PUSH_STORED);
    assert_int_equal(version, 2);
    assert_int_equal(push_kept_version(fx->dir, PUSH_CATALOG), 2);
    assert_int_equal(push(fx, PUSH_CATALOG, good, &fx->reg, &version, why), PUSH_SAME);
    assert_int_equal(push(fx, PUSH_CATALOG, older, &fx->reg, &version, why), PUSH_REFUSED);
    assert_string_equal(why, "version 1 is not newer than 2 in use");
    assert_int_equal(push(fx, PUSH_CONFIG, good, &fx->reg, &version, why), PUSH_REFUSED);
    assert_string_equal(why, "kind is not \"config\"");
    assert_int_equal(push(fx, PUSH_CATALOG,
                          "{\"v\":1,\"kind\":\"catalog\",\"version\":9,\"catalog\":{}}", &fx->reg,
                          &version, why),
                     PUSH_REFUSED);
    assert_non_null(strstr(why, "pushed catalog"));
    assert_int_equal(push(fx, PUSH_CATALOG, "not json", &fx->reg, &version, why), PUSH_REFUSED);
    assert_string_equal(why, "not JSON");
    assert_int_equal(version, 2);
    catalog_t *cat = NULL;
    int v = 0;
    assert_int_equal(push_load_catalog(fx->dir, NULL, NULL, &cat, &v, fx->err, sizeof fx->err), 0);
    assert_non_null(cat);
    assert_int_equal(v, 2);
    assert_true(cat->service_count > 10);
    catalog_free(cat);
    free(good);
    free(older);
}

static void test_push_without_register_key_is_refused(void **state)
{
    fixture_t *fx = *state;
    char why[160], sig[SIGNING_SIG_TEXT];
    int version = 0, pushed = 0;
    const char *msg = "{\"v\":1,\"kind\":\"config\",\"version\":1,\"config\":\"\"}";
    signing_sign_bytes(&fx->reg, msg, strlen(msg), sig, sizeof sig);
    assert_int_equal(push_receive(fx->dir, PUSH_CONFIG, &fx->cfg, NULL, msg, strlen(msg), sig,
                                  &version, &pushed, why, sizeof why),
                     PUSH_REFUSED);
    assert_non_null(strstr(why, "register_key"));
    assert_int_equal(pushed, 1);
}

static void test_push_config_overlay(void **state)
{
    fixture_t *fx = *state;
    char why[160] = "";
    int version = 0;
    assert_int_equal(push(fx, PUSH_CONFIG,
                          "{\"v\":1,\"kind\":\"config\",\"version\":1,\"config\":"
                          "\"[kiosk]\\nidle_timeout = 90\\n\"}",
                          &fx->reg, &version, why),
                     PUSH_STORED);
    /* Every key the overlay rule forbids (the register applies the same), each refused by
     * the line that sets it, even when it repeats the terminal's own value. */
    static const char *const identity[] = {
        "[terminal]\\ntoken_band = 3\\n",
        "[centre]\\nid = X\\n",
        "[sync]\\nmax_rate = 1000\\n",
        "[kiosk]\\ndata = /tmp\\n",
        "[terminal]\\nrole = board\\n",
        "[terminal]\\nrole = kiosk\\n",
        "[terminal]\\nid = T99\\n",
        "[journal]\\nexport_key = tests/data/signing-test.pub\\n"};
    const int n = (int)(sizeof identity / sizeof *identity);
    for (int i = 0; i < n; i++) {
        char msg[300];
        snprintf(msg, sizeof msg, "{\"v\":1,\"kind\":\"config\",\"version\":%d,\"config\":\"%s\"}",
                 2 + i, identity[i]);
        assert_int_equal(push(fx, PUSH_CONFIG, msg, &fx->reg, &version, why), PUSH_REFUSED);
        if (!strstr(why, "pushed config:2: [") || !strstr(why, "an overlay may not change"))
            fail_msg("%s: %s", identity[i], why);
    }
    assert_int_equal(push(fx, PUSH_CONFIG,
                          "{\"v\":1,\"kind\":\"config\",\"version\":7,\"config\":"
                          "\"[kiosk]\\nidle_timeout = 5\\n\"}",
                          &fx->reg, &version, why),
                     PUSH_REFUSED);
    assert_non_null(strstr(why, "pushed config:2: [kiosk] idle_timeout"));
    config_t c;
    config_defaults(&c);
    int v = 0;
    assert_int_equal(push_load_config(fx->dir, &c, &v, fx->err, sizeof fx->err), 0);
    assert_int_equal(v, 1);
    assert_int_equal(c.idle_timeout_s, 90);
}

static void test_push_swap_between_citizens(void **state)
{
    fixture_t *fx = *state;
    char why[160] = "";
    int kept = 0, kept_config = 0, in_use = 0;
    catalog_t *cat = catalog_load("assets/catalog.json", NULL, NULL, fx->err, sizeof fx->err);
    assert_non_null(cat);
    assert_int_equal(push_swap_catalog(fx->dir, NULL, NULL, &cat, &in_use, fx->err, sizeof fx->err),
                     0); /* nothing kept */
    char *msg = catalog_push(4);
    assert_int_equal(push(fx, PUSH_CATALOG, msg, &fx->reg, &kept, why), PUSH_STORED);
    free(msg);
    catalog_t *before = cat;
    assert_int_equal(push_swap_catalog(fx->dir, NULL, NULL, &cat, &in_use, fx->err, sizeof fx->err),
                     1);
    assert_true(cat != before);
    assert_int_equal(in_use, 4);
    assert_int_equal(push_swap_catalog(fx->dir, NULL, NULL, &cat, &in_use, fx->err, sizeof fx->err),
                     0); /* already in use */
    catalog_free(cat);
    config_t c;
    config_defaults(&c);
    assert_int_equal(push(fx, PUSH_CONFIG,
                          "{\"v\":1,\"kind\":\"config\",\"version\":3,\"config\":"
                          "\"[kiosk]\\nlanguage = en\\n\"}",
                          &fx->reg, &kept_config, why),
                     PUSH_STORED);
    in_use = 0;
    assert_int_equal(push_swap_config(fx->dir, &c, &in_use, fx->err, sizeof fx->err), 1);
    assert_int_equal(c.language, LANG_EN);
    assert_int_equal(in_use, 3);
    assert_int_equal(push_swap_config(fx->dir, &c, &in_use, fx->err, sizeof fx->err), 0);
}

static void test_push_load_when_none_or_damaged(void **state)
{
    fixture_t *fx = *state;
    catalog_t *cat = (catalog_t *)1;
    int v = -1;
    assert_int_equal(push_load_catalog(fx->dir, NULL, NULL, &cat, &v, fx->err, sizeof fx->err), 0);
    assert_null(cat);
    assert_int_equal(v, 0);
    char path[128];
    snprintf(path, sizeof path, "%s/push-config.json", fx->dir);
    FILE *fp = fopen(path, "w");
    fputs("{\"v\":1,\"kind\":\"config\"", fp);
    fclose(fp);
    config_t c;
    config_defaults(&c);
    assert_int_equal(push_load_config(fx->dir, &c, &v, fx->err, sizeof fx->err), -1);
    assert_non_null(strstr(fx->err, "push-config.json"));
    assert_int_equal(push_kept_version(fx->dir, PUSH_CONFIG), 0);
}

/* ---- the engine against a real broker ---- */

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(s, (struct sockaddr *)&a, sizeof a);
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static void stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void test_engine_publishes_and_marks(void **state)
{
    fixture_t *fx = *state;
    if (system("command -v mosquitto >/dev/null && command -v mosquitto_sub >/dev/null") != 0)
        skip();
    int port = free_port();
    char conf[160], portarg[16], url[64];
    snprintf(conf, sizeof conf, "%s/m.conf", fx->dir);
    FILE *fp = fopen(conf, "w");
    fprintf(fp, "listener %d 127.0.0.1\nallow_anonymous true\n", port);
    fclose(fp);
    snprintf(portarg, sizeof portarg, "%d", port);
    pid_t broker = fx->children[0] = spawn((char *const[]){"mosquitto", "-c", conf, NULL});
    usleep(300000);
    pid_t sub = fx->children[1] = spawn((char *const[]){"mosquitto_sub", "-V", "mqttv5", "-p",
                                                        portarg, "-q", "1", "-t", "sheba/#", NULL});
    usleep(800000);
    journal_t *j = journal_open(fx->dir, fx->err, sizeof fx->err);
    assert_non_null(j);
    journal_request_t q = {.centre_id = "UDC-0001",
                           .terminal_id = "T01",
                           .service_id = "s",
                           .prefix = 'A',
                           .lang = LANG_EN,
                           .now = T_MORNING};
    journal_receipt_t rec;
    for (int i = 0; i < 3; i++)
        assert_int_equal(journal_commit(j, &q, &rec, fx->err, sizeof fx->err), 0);
    snprintf(url, sizeof url, "mqtt://127.0.0.1:%d", port);
    assert_int_equal(config_set(&fx->cfg, "sync", "broker", url, fx->err, sizeof fx->err), 0);
    sync_engine_t *e = sync_new(&fx->cfg, fx->dir, &fx->key, fx->err, sizeof fx->err);
    assert_non_null(e);
    sync_set_log(e, NULL);
    sync_set_device(e, "ready", "ok");
    assert_int_equal(sync_start(e, fx->err, sizeof fx->err), 0);
    sync_status_t st = {0};
    /* A slow start of mosquitto_sub only delays it: "no matching subscribers" is retried. */
    for (int i = 0; i < 300 && !(st.connected && st.backlog == 0 && st.acked == 4); i++) {
        usleep(100000);
        if (i == 10) {
            assert_int_equal(journal_record_print(j, rec.id, "printed", NULL, T_MORNING, fx->err,
                                                  sizeof fx->err),
                             0);
            sync_wake(e);
        }
        sync_get_status(e, &st);
    }
    sync_free(e);
    if (st.backlog != 0 || st.acked != 4)
        print_error("backlog %ld, acked %ld, published %ld: %s\n", st.backlog, st.acked,
                    st.published, st.last_error);
    assert_true(st.connected);
    assert_int_equal(st.acked, 4);
    assert_int_equal(outbox_backlog(j), 0);
    assert_int_equal(outbox_last_synced(j) > 0, 1);
    journal_close(j);
    /* --sync-now with nothing left, then with the broker gone. */
    FILE *out = fopen("/dev/null", "w");
    assert_int_equal(sync_now(&fx->cfg, fx->dir, NULL, 10, out), 0);
    stop(sub);
    stop(broker);
    fx->children[0] = fx->children[1] = 0;
    j = journal_open(fx->dir, fx->err, sizeof fx->err);
    assert_int_equal(journal_commit(j, &q, &rec, fx->err, sizeof fx->err), 0);
    journal_close(j);
    assert_int_equal(sync_now(&fx->cfg, fx->dir, NULL, 10, out), 1);
    fclose(out);
}

static void test_engine_refuses_bad_settings(void **state)
{
    fixture_t *fx = *state;
    assert_null(sync_new(&fx->cfg, fx->dir, &fx->key, fx->err, sizeof fx->err));
    assert_string_equal(fx->err, "[sync] broker is not set");
    config_set(&fx->cfg, "sync", "broker", "mqtt://127.0.0.1:1", fx->err, sizeof fx->err);
    config_set(&fx->cfg, "sync", "cert_file", "tests/data/signing-test.pub", fx->err,
               sizeof fx->err);
    assert_null(sync_new(&fx->cfg, fx->dir, &fx->key, fx->err, sizeof fx->err));
    assert_string_equal(fx->err, "[sync] cert_file and key_file go together");
    fx->cfg.sync.cert_file[0] = '\0';
    config_set(&fx->cfg, "sync", "register_key", "tests/data/signing-test.key", fx->err,
               sizeof fx->err);
    assert_null(sync_new(&fx->cfg, fx->dir, &fx->key, fx->err, sizeof fx->err));
    assert_non_null(strstr(fx->err, "[sync] register_key: tests/data/signing-test.key: not an "
                                    "Ed25519 public key"));
}

#define ST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        ST(test_request_event_carries_sealed_fields_and_qr),
        ST(test_request_event_without_key_or_after_erasure_has_no_fields),
        ST(test_print_and_erasure_events),
        ST(test_presence_and_will),
        ST(test_push_catalog_checked_kept_and_loaded),
        ST(test_push_without_register_key_is_refused),
        ST(test_push_config_overlay),
        ST(test_push_swap_between_citizens),
        ST(test_push_load_when_none_or_damaged),
        ST(test_engine_publishes_and_marks),
        ST(test_engine_refuses_bad_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
