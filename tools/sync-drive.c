/*
 * tools/sync-drive.c - a terminal without its screen, for tests/check-sync.py: commits
 * requests through the journal API and runs the real sync engine on its own thread, and the
 * small cryptographic steps a test needs (keys, signing a push, checking what arrived).
 *
 *   sync-drive keys DIR                      DIR/signing.{key,pub} (Ed25519), DIR/export.{pub,key}
 *   sync-drive commit --config F --data DIR --count N [--at UNIX] [--step S] [--print]
 *   sync-drive run --config F --data DIR [--for S] [--until-drained] [--printer S --paper P]
 *   sync-drive now --config F --data DIR [--timeout S]       (what kiosk --sync-now runs)
 *   sync-drive sign DIR FILE                 the signature of FILE with DIR/signing.key
 *   sync-drive verify PUBFILE                stdin: "TOPIC<TAB>PROPS<TAB>HEX" lines from
 *                                            mosquitto_sub -F '%t\t%P\t%x'; prints
 *                                            "ok TOPIC JSON" or "bad TOPIC", exit 1 on any bad
 *   sync-drive unseal SECRETFILE TEXT        open a fields_sealed value
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "io/file.h"
#include "store/journal.h"
#include "store/seal.h"
#include "store/signing.h"
#include "sync/sync.h"

static volatile sig_atomic_t stop_now;

static void on_term(int sig)
{
    (void)sig;
    stop_now = 1;
}

__attribute__((format(printf, 1, 2))) static int die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "sync-drive: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

typedef struct {
    const char *config, *data, *printer, *paper;
    long count, at, step, seconds, timeout;
    int print, until_drained;
} opts_t;

static int parse(int argc, char **argv, opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->count = 1;
    o->step = 1;
    o->timeout = 30;
    o->seconds = 3600;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--print") == 0)
            o->print = 1;
        else if (strcmp(a, "--until-drained") == 0)
            o->until_drained = 1;
        else if (!v)
            return die("%s needs a value", a);
        else if (strcmp(a, "--config") == 0)
            o->config = v, i++;
        else if (strcmp(a, "--data") == 0)
            o->data = v, i++;
        else if (strcmp(a, "--printer") == 0)
            o->printer = v, i++;
        else if (strcmp(a, "--paper") == 0)
            o->paper = v, i++;
        else if (strcmp(a, "--count") == 0)
            o->count = atol(v), i++;
        else if (strcmp(a, "--at") == 0)
            o->at = atol(v), i++;
        else if (strcmp(a, "--step") == 0)
            o->step = atol(v), i++;
        else if (strcmp(a, "--for") == 0)
            o->seconds = atol(v), i++;
        else if (strcmp(a, "--timeout") == 0)
            o->timeout = atol(v), i++;
        else
            return die("unknown option %s", a);
    }
    if (!o->data)
        return die("%s", "--data is required");
    return 0;
}

static int load_config(const opts_t *o, config_t *c)
{
    char err[700];
    config_defaults(c);
    if (o->config && config_load(c, o->config, err, sizeof err) < 0)
        return die("%s", err);
    return 0;
}

static int cmd_keys(const char *dir)
{
    char err[700], pub[128], sec[128], path[1100];
    signing_key_t k;
    mkdir(dir, 0700);
    if (signing_load(dir, NULL, &k, err, sizeof err) < 0)
        return die("%s", err);
    signing_wipe(&k);
    if (seal_keygen(pub, sizeof pub, sec, sizeof sec) < 0)
        return die("%s", "cannot make a sealing key");
    snprintf(path, sizeof path, "%s/export.pub", dir);
    if (file_write_atomic(path, pub, 0644) < 0)
        return die("cannot write %s", path);
    snprintf(path, sizeof path, "%s/export.key", dir);
    if (file_write_atomic(path, sec, 0600) < 0)
        return die("cannot write %s", path);
    printf("keys in %s\n", dir);
    return 0;
}

/* N requests with a name and a mobile number, one every `step` seconds from `at`. */
static int cmd_commit(const opts_t *o)
{
    config_t c;
    char err[1200];
    if (load_config(o, &c))
        return 2;
    journal_t *j = journal_open(o->data, err, sizeof err);
    if (!j)
        return die("%s", err);
    int64_t t = o->at ? o->at : (int64_t)time(NULL);
    journal_receipt_t r = {0}, first = {0};
    for (long i = 0; i < o->count; i++) {
        char name[64];
        snprintf(name, sizeof name, "নাগরিক %ld", i + 1);
        journal_request_t q = {.centre_id = c.centre_id,
                               .terminal_id = c.terminal_id,
                               .service_id = "nid_correction",
                               .prefix = 'B',
                               .lang = LANG_BN,
                               .now = t + i * o->step,
                               .field_count = 2,
                               .token_band = c.token_band[0]};
        q.field_ids[0] = "name";
        q.values[0] = name;
        q.field_ids[1] = "mobile";
        q.values[1] = "01712345678";
        if (journal_commit(j, &q, &r, err, sizeof err) < 0 ||
            (o->print &&
             journal_record_print(j, r.id, "printed", NULL, q.now + 1, err, sizeof err) < 0)) {
            journal_close(j);
            return die("%s", err);
        }
        if (i == 0)
            first = r;
    }
    journal_close(j);
    printf("committed %ld: %s %s .. %s %s\n", o->count, first.tracking, first.token, r.tracking,
           r.token);
    return 0;
}

static void print_status(sync_engine_t *e)
{
    sync_status_t s;
    sync_get_status(e, &s);
    printf("status connected=%d backlog=%ld published=%ld acked=%ld catalog=%d config=%d "
           "refused=%d band_refused=%d band_detail=\"%s\" error=\"%s\"\n",
           s.connected, s.backlog, s.published, s.acked, s.catalog_version, s.config_version,
           s.refused_count, s.band_refused, s.band_detail, s.last_error);
    for (int i = 0; i < s.refused_count; i++)
        printf("refused %s %d %s\n", s.refused[i].kind, s.refused[i].version, s.refused[i].why);
    fflush(stdout);
}

/* The engine on its own thread, as in the kiosk; this thread only reads its status. */
static int cmd_run(const opts_t *o)
{
    config_t c;
    char err[1200];
    signing_key_t key;
    if (load_config(o, &c))
        return 2;
    mkdir(o->data, 0700); /* as the kiosk's journal_open would */
    if (signing_load(o->data, NULL, &key, err, sizeof err) < 0)
        return die("%s", err);
    sync_engine_t *e = sync_new(&c, o->data, &key, err, sizeof err);
    signing_wipe(&key);
    if (!e)
        return die("%s", err);
    if (o->printer)
        sync_set_device(e, o->printer, o->paper);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    if (sync_start(e, err, sizeof err) < 0)
        return die("%s", err);
    printf("running\n");
    fflush(stdout);
    int64_t end = sync_clock_ms() + o->seconds * 1000;
    while (!stop_now && sync_clock_ms() < end) {
        struct timespec ts = {0, 100 * 1000000};
        nanosleep(&ts, NULL);
        sync_status_t s;
        sync_get_status(e, &s);
        if (o->until_drained && s.connected && s.backlog == 0 && s.published > 0 && s.acked >= 1)
            break;
    }
    print_status(e);
    sync_free(e);
    return 0;
}

static int cmd_now(const opts_t *o)
{
    config_t c;
    if (load_config(o, &c))
        return 2;
    return sync_now(&c, o->data, NULL, (int)o->timeout, stdout);
}

static int cmd_sign(const char *dir, const char *file)
{
    char err[700], sig[SIGNING_SIG_TEXT];
    signing_key_t k;
    if (signing_load(dir, NULL, &k, err, sizeof err) < 0)
        return die("%s", err);
    size_t n;
    char *buf = file_read(file, 2u << 20, &n, err, sizeof err); /* a push may be 1 MiB */
    if (!buf)
        return die("%s", err);
    signing_sign_bytes(&k, buf, n, sig, sizeof sig);
    free(buf);
    signing_wipe(&k);
    printf("%s\n", sig);
    return 0;
}

static int hex_value(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One "TOPIC\tPROPS\tHEX" line: the payload signed by the key in the sig property? */
static int verify_line(const uint8_t key[SIGNING_PUBLIC_BYTES], char *line)
{
    char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    if (!tab2)
        return printf("bad (malformed line)\n"), 1;
    *tab1 = *tab2 = '\0';
    char *sig = strstr(tab1 + 1, "sig:"), *hex = tab2 + 1;
    hex[strcspn(hex, "\r\n")] = '\0';
    if (sig) {
        sig += 4;
        sig[strcspn(sig, " \t")] = '\0';
    }
    size_t n = strlen(hex) / 2;
    char *payload = malloc(n + 1);
    for (size_t i = 0; payload && i < n; i++)
        payload[i] = (char)(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
    if (!payload)
        return 1;
    payload[n] = '\0';
    int bad = !signing_verify_bytes(key, payload, n, sig);
    printf("%s %s %s\n", bad ? "bad" : "ok", line, payload);
    free(payload);
    return bad;
}

static int cmd_verify(const char *pubfile)
{
    char err[700];
    uint8_t key[SIGNING_PUBLIC_BYTES];
    if (signing_public_load(pubfile, key, err, sizeof err) < 0)
        return die("%s", err);
    static char line[1 << 18];
    int bad = 0;
    while (fgets(line, sizeof line, stdin))
        bad |= verify_line(key, line);
    return bad;
}

static int cmd_unseal(const char *secret_file, const char *text)
{
    char err[700];
    uint8_t sk[SEAL_KEY_BYTES], box[8192], out[8192];
    size_t n = 0;
    if (seal_key_load(secret_file, sk, err, sizeof err) < 0)
        return die("%s", err);
    if (sodium_base642bin(box, sizeof box, text, strlen(text), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return die("%s", "not base64url");
    long len = seal_open(sk, box, n, out, sizeof out - 1);
    if (len < 0)
        return die("%s", "not sealed to this key");
    out[len] = '\0';
    printf("%s\n", out);
    return 0;
}

int main(int argc, char **argv)
{
    opts_t o;
    if (argc < 2)
        return die("%s", "usage: sync-drive keys|commit|run|now|sign|verify|unseal ...");
    const char *cmd = argv[1];
    if (strcmp(cmd, "keys") == 0 && argc == 3)
        return cmd_keys(argv[2]);
    if (strcmp(cmd, "sign") == 0 && argc == 4)
        return cmd_sign(argv[2], argv[3]);
    if (strcmp(cmd, "verify") == 0 && argc == 3)
        return cmd_verify(argv[2]);
    if (strcmp(cmd, "unseal") == 0 && argc == 4)
        return cmd_unseal(argv[2], argv[3]);
    if (parse(argc - 2, argv + 2, &o))
        return 2;
    if (strcmp(cmd, "commit") == 0)
        return cmd_commit(&o);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(&o);
    if (strcmp(cmd, "now") == 0)
        return cmd_now(&o);
    return die("unknown command %s", cmd);
}
