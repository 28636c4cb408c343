/*
 * register/main.c - build/register: the centre's or the nation's register of requests.
 *
 *   register --broker URL --store SPEC --keys DIR [--http ADDR:PORT] ...   run
 *   register --store SPEC --export [--since DAY] [--open-fields --box-key F]
 *   register --keygen DIR
 *   register --push catalog|config FILE --version N [--centre C] --sign-key F --broker URL
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "register/daemon.h"
#include "register/http.h"
#include "register/store.h"
#include "register/tools.h"

#ifndef KIOSK_VERSION
#define KIOSK_VERSION "0.1.0"
#endif
#ifndef KIOSK_DATADIR
#define KIOSK_DATADIR "/usr/share/sheba-kiosk"
#endif

typedef struct {
    const char *broker, *store, *keys, *client_id, *prefix, *http, *receipt_url, *catalog;
    const char *fonts, *since, *box_key, *keygen, *push, *push_file, *centre, *sign_key;
    const char *ca_file, *cert_file, *key_file, *username, *password_file;
    long push_version, die_before_commit;
    bool export_, open_fields, stats, verbose, plain_subscription;
} options_t;

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: register --broker URL --store SPEC --keys DIR [options]\n"
        "       register --store SPEC --export [--since YYYY-MM-DD] [--open-fields --box-key F]\n"
        "       register --store SPEC --stats\n"
        "       register --keygen DIR\n"
        "       register --push catalog|config FILE --version N [--centre C] --sign-key F\n"
        "                --broker URL [connection options]\n"
        "\n"
        "Running:\n"
        "  --broker URL          mqtt://HOST[:1883] or mqtts://HOST[:8883]\n"
        "  --store SPEC          sqlite:PATH or postgresql://USER@HOST/DB?...\n"
        "  --keys DIR            the terminals' public keys, DIR/<centre>-<terminal>.pub\n"
        "  --client-id ID        the session's stable id (default register-<hostname>)\n"
        "  --topic-prefix P      the topics' first level (default sheba)\n"
        "  --http ADDR:PORT      serve the receipts' status page, /api/request, /healthz\n"
        "  --receipt-url BASE    the kiosks' receipt_url (default /r): its path is served\n"
        "  --catalog FILE        service names for the status page\n"
        "  --fonts DIR           the Bangla font the page may need (default: found)\n"
        "  --verbose             log every stored event\n"
        "  --plain-subscription  the only register on its broker: subscribe without the\n"
        "                        shared group (Mosquitto 2.0 forgets shared subscriptions\n"
        "                        when it restarts; a plain one stays in the session)\n"
        "Connection:\n"
        "  --ca-file F           CA certificates for mqtts (default: the system's)\n"
        "  --cert-file F --key-file F   a client certificate\n"
        "  --username U --password-file F\n"
        "Export and keys:\n"
        "  --export              JSON Lines on standard output, one request per line\n"
        "  --since YYYY-MM-DD    only requests created from that day (Asia/Dhaka)\n"
        "  --open-fields --box-key F   open the citizens' sealed fields with register.box.key\n"
        "  --stats               count requests, events and events waiting for their request\n"
        "  --keygen DIR          make register.sign.key/.pub and register.box.key/.pub\n"
        "  --push catalog|config FILE --version N [--centre C] --sign-key F\n"
        "                        sign and publish a retained catalog or configuration push\n"
        "  --die-before-commit N (tests) SIGKILL inside the Nth event's transaction\n"
        "  --help, --version\n");
}

enum {
    O_BROKER = 256,
    O_STORE,
    O_KEYS,
    O_CLIENT_ID,
    O_PREFIX,
    O_HTTP,
    O_RECEIPT_URL,
    O_CATALOG,
    O_FONTS,
    O_VERBOSE,
    O_PLAIN,
    O_CA,
    O_CERT,
    O_KEY,
    O_USER,
    O_PASSWORD,
    O_EXPORT,
    O_SINCE,
    O_OPEN,
    O_BOX,
    O_STATS,
    O_KEYGEN,
    O_PUSH,
    O_VERSION,
    O_CENTRE,
    O_SIGN,
    O_DIE,
    O_HELP,
};

static bool number(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* One option's value. 0 handled, 1 not this kind, 2 bad value. */
static int take(options_t *o, int c, const char *arg)
{
    const char **slot = c == O_BROKER        ? &o->broker
                        : c == O_STORE       ? &o->store
                        : c == O_KEYS        ? &o->keys
                        : c == O_CLIENT_ID   ? &o->client_id
                        : c == O_PREFIX      ? &o->prefix
                        : c == O_HTTP        ? &o->http
                        : c == O_RECEIPT_URL ? &o->receipt_url
                        : c == O_CATALOG     ? &o->catalog
                        : c == O_FONTS       ? &o->fonts
                        : c == O_CA          ? &o->ca_file
                        : c == O_CERT        ? &o->cert_file
                        : c == O_KEY         ? &o->key_file
                        : c == O_USER        ? &o->username
                        : c == O_PASSWORD    ? &o->password_file
                        : c == O_SINCE       ? &o->since
                        : c == O_BOX         ? &o->box_key
                        : c == O_KEYGEN      ? &o->keygen
                        : c == O_PUSH        ? &o->push
                        : c == O_CENTRE      ? &o->centre
                        : c == O_SIGN        ? &o->sign_key
                                             : NULL;
    if (slot) {
        *slot = arg;
        return 0;
    }
    switch (c) {
    case O_VERBOSE:
        o->verbose = true;
        return 0;
    case O_PLAIN:
        o->plain_subscription = true;
        return 0;
    case O_EXPORT:
        o->export_ = true;
        return 0;
    case O_OPEN:
        o->open_fields = true;
        return 0;
    case O_STATS:
        o->stats = true;
        return 0;
    case O_VERSION:
        return number(arg, 1, 2000000000L, &o->push_version) ? 0 : 2;
    case O_DIE:
        return number(arg, 1, 1000000000L, &o->die_before_commit) ? 0 : 2;
    default:
        return 1;
    }
}

/* 0 parsed, 1 done (help or version printed), 2 usage error. */
static int parse_options(int argc, char **argv, options_t *o)
{
    /* `--version N` belongs to --push; alone, --version prints the program's version. */
    bool pushing = false;
    for (int i = 1; i < argc; i++)
        pushing |= strcmp(argv[i], "--push") == 0 || strncmp(argv[i], "--push=", 7) == 0;
    const struct option longs[] = {{"broker", 1, 0, O_BROKER},
                                   {"store", 1, 0, O_STORE},
                                   {"keys", 1, 0, O_KEYS},
                                   {"client-id", 1, 0, O_CLIENT_ID},
                                   {"topic-prefix", 1, 0, O_PREFIX},
                                   {"http", 1, 0, O_HTTP},
                                   {"receipt-url", 1, 0, O_RECEIPT_URL},
                                   {"catalog", 1, 0, O_CATALOG},
                                   {"fonts", 1, 0, O_FONTS},
                                   {"verbose", 0, 0, O_VERBOSE},
                                   {"plain-subscription", 0, 0, O_PLAIN},
                                   {"ca-file", 1, 0, O_CA},
                                   {"cert-file", 1, 0, O_CERT},
                                   {"key-file", 1, 0, O_KEY},
                                   {"username", 1, 0, O_USER},
                                   {"password-file", 1, 0, O_PASSWORD},
                                   {"export", 0, 0, O_EXPORT},
                                   {"since", 1, 0, O_SINCE},
                                   {"open-fields", 0, 0, O_OPEN},
                                   {"box-key", 1, 0, O_BOX},
                                   {"stats", 0, 0, O_STATS},
                                   {"keygen", 1, 0, O_KEYGEN},
                                   {"push", 1, 0, O_PUSH},
                                   {"version", pushing, 0, O_VERSION},
                                   {"centre", 1, 0, O_CENTRE},
                                   {"sign-key", 1, 0, O_SIGN},
                                   {"die-before-commit", 1, 0, O_DIE},
                                   {"help", 0, 0, O_HELP},
                                   {0, 0, 0, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        if (c == O_HELP) {
            usage(stdout);
            return 1;
        }
        if (c == O_VERSION && !pushing) {
            printf("sheba-register %s\n", KIOSK_VERSION);
            return 1;
        }
        int r = c == '?' ? 1 : take(o, c, optarg);
        if (r == 1) {
            fprintf(stderr, "register: unknown option or missing value: %s\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
        if (r == 2) {
            fprintf(stderr, "register: --%s %s: expected a whole number\n",
                    c == O_VERSION ? "version" : "die-before-commit", optarg);
            return 2;
        }
    }
    if (o->push && optind == argc - 1) {
        o->push_file = argv[optind++];
    } else if (optind < argc) {
        fprintf(stderr, "register: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    return 0;
}

/* ---- checks between options ---- */

static bool needs(bool cond, const char *what)
{
    if (!cond)
        fprintf(stderr, "register: %s\n", what);
    return cond;
}

static bool valid_prefix(const char *p)
{
    return p[0] && strlen(p) < REG_PREFIX_MAX && !strpbrk(p, "+#") && p[0] != '/' && p[0] != '$' &&
           p[strlen(p) - 1] != '/';
}

static bool consistent(const options_t *o)
{
    int modes = !!o->export_ + !!o->stats + !!o->keygen + !!o->push;
    if (!needs(modes <= 1, "--export, --stats, --keygen and --push are separate commands") ||
        !needs(valid_prefix(o->prefix), "--topic-prefix: one or more topic levels, no + or #") ||
        !needs(!o->cert_file == !o->key_file, "--cert-file and --key-file go together") ||
        !needs(!o->password_file || o->username, "--password-file needs --username") ||
        !needs(!o->open_fields || o->box_key, "--open-fields needs --box-key") ||
        !needs(!o->box_key || o->open_fields, "--box-key is for --open-fields") ||
        !needs(!o->since || o->export_, "--since is for --export"))
        return false;
    if (o->keygen)
        return true;
    if (o->push)
        return needs(o->push_file, "--push catalog|config FILE: which file?") &&
               needs(o->push_version > 0, "--push needs --version N") &&
               needs(o->sign_key, "--push needs --sign-key register.sign.key") &&
               needs(o->broker, "--push needs --broker URL");
    if (!needs(o->store, "--store sqlite:PATH or --store postgresql://... is needed"))
        return false;
    if (o->export_ || o->stats)
        return true;
    return needs(o->broker || o->http,
                 "nothing to do: give --broker URL, --http ADDR:PORT or both") &&
           needs(!o->broker || o->keys, "--broker needs --keys DIR (the terminals' public keys)") &&
           needs(!o->http || o->keys, "--http needs --keys DIR (the terminals' public keys)");
}

/* fonts/ beside the program in a source tree (build/register -> ./fonts), else installed. */
static void find_fonts(char *out, size_t cap)
{
    char exe[1024], probe[1200];
    struct stat st;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(probe, sizeof probe, "%s/fonts/NotoSansBengali-Regular.ttf", exe);
            if (stat(probe, &st) == 0) {
                snprintf(out, cap, "%s/fonts", exe);
                return;
            }
        }
    }
    snprintf(out, cap, "%s/fonts", KIOSK_DATADIR);
}

/* ---- commands ---- */

static int run_export(const options_t *o)
{
    char err[768];
    int64_t since = 0;
    if (o->since && (since = register_parse_day(o->since)) < 0) {
        fprintf(stderr, "register: --since %s: expected YYYY-MM-DD\n", o->since);
        return 2;
    }
    long n = register_export(o->store, since, o->box_key, stdout, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "register: %s\n", err);
        return 1;
    }
    fprintf(stderr, "register: exported %ld request%s\n", n, n == 1 ? "" : "s");
    return 0;
}

static int run_stats(const options_t *o)
{
    char err[768];
    long requests, events, orphans;
    register_store_t *s = register_store_open(o->store, err, sizeof err);
    if (!s || register_store_counts(s, &requests, &events, &orphans, err, sizeof err) < 0) {
        fprintf(stderr, "register: %s\n", err);
        register_store_close(s);
        return 1;
    }
    printf("requests %ld\nevents %ld\nwaiting %ld\n", requests, events, orphans);
    register_store_close(s);
    return 0;
}

static bool any_icon(const char *name, void *ctx)
{
    (void)name, (void)ctx; /* the page shows names only */
    return true;
}

/* Wait for SIGTERM or SIGINT, looking after adoptions meanwhile. */
static void serve(register_app_t *app, const sigset_t *signals)
{
    long last[3] = {-1, -1, -1};
    for (int second = 0;; second++) {
        struct timespec one = {1, 0};
        int sig = sigtimedwait(signals, NULL, &one);
        if (sig == SIGTERM || sig == SIGINT)
            return;
        if (app->main)
            register_daemon_tick(app);
        long now[3] = {atomic_load(&app->stats.stored), atomic_load(&app->stats.duplicates), 0};
        for (int i = 1; i < REG_REASON_COUNT; i++)
            now[2] += atomic_load(&app->stats.rejected[i]);
        if (second % 60 == 59 && memcmp(now, last, sizeof now) != 0) {
            fprintf(stderr, "register: %ld stored, %ld duplicates dropped, %ld refused\n", now[0],
                    now[1], now[2]);
            memcpy(last, now, sizeof now);
        }
    }
}

static int run_daemon(options_t *o, const sigset_t *signals)
{
    char err[768], fonts[1200], host[128] = "localhost", client_id[REG_ID_MAX];
    register_app_t app; /* lives until every thread that uses it has stopped */
    memset(&app, 0, sizeof app);
    catalog_t *cat = NULL;
    register_http_t *http = NULL;
    int rc = 0;
    if (o->catalog && !(cat = catalog_load(o->catalog, any_icon, NULL, err, sizeof err))) {
        fprintf(stderr, "register: %s\n", err);
        return 1;
    }
    if (!o->client_id) {
        gethostname(host, sizeof host - 1);
        snprintf(client_id, sizeof client_id, "register-%.40s", host);
        o->client_id = client_id;
    }
    if (strlen(o->client_id) >= REG_ID_MAX ||
        strspn(o->client_id, REG_IDS "._") != strlen(o->client_id)) {
        fprintf(stderr, "register: --client-id %s: letters, digits, '-', '.', '_' (at most %d)\n",
                o->client_id, REG_ID_MAX - 1);
        catalog_free(cat);
        return 2;
    }
    app.store_spec = o->store, app.keys_dir = o->keys, app.prefix = o->prefix;
    app.client_id = o->client_id, app.verbose = o->verbose, app.version = KIOSK_VERSION;
    app.plain_subscription = o->plain_subscription;
    app.die_before_commit = o->die_before_commit;
    static signing_key_t sign_key; /* lives as long as the daemon */
    if (o->sign_key) {
        /* register.sign.key is a base64url line (as for --push), not a kiosk's raw key */
        if (register_sign_key_load(o->sign_key, &sign_key, err, sizeof err) < 0) {
            fprintf(stderr, "register: %s\n", err);
            catalog_free(cat);
            return 2;
        }
        app.sign_key = &sign_key;
    } else if (o->broker) {
        fprintf(stderr, "register: no --sign-key: token band refusals go out unsigned and "
                        "terminals will not act on them\n");
    }
    if (o->broker && register_broker_parse(o->broker, &app.broker, err, sizeof err) < 0)
        rc = 2;
    app.broker.ca_file = o->ca_file, app.broker.cert_file = o->cert_file;
    app.broker.key_file = o->key_file, app.broker.username = o->username;
    app.broker.password_file = o->password_file;
    if (o->fonts)
        snprintf(fonts, sizeof fonts, "%s", o->fonts);
    else
        find_fonts(fonts, sizeof fonts);
    register_http_options_t ho = {o->http, o->receipt_url, o->store,         o->keys, fonts,
                                  cat,     &app.stats,     o->broker != NULL};
    if (rc == 0 && o->http && !(http = register_http_start(&ho, err, sizeof err)))
        rc = 1;
    if (rc == 0 && o->broker && register_daemon_start(&app, err, sizeof err) < 0)
        rc = 1;
    if (rc == 0)
        serve(&app, signals);
    else
        fprintf(stderr, "register: %s\n", err);
    register_daemon_stop(&app);
    register_http_stop(http);
    catalog_free(cat);
    if (rc == 0)
        fprintf(stderr,
                "register: stopped: %ld stored, %ld duplicates dropped, %ld presence messages\n",
                atomic_load(&app.stats.stored), atomic_load(&app.stats.duplicates),
                atomic_load(&app.stats.statuses));
    return rc;
}

int main(int argc, char **argv)
{
    options_t o = {.prefix = "sheba", .receipt_url = "/r"};
    char err[768];
    int rc = parse_options(argc, argv, &o);
    if (rc != 0)
        return rc == 1 ? 0 : 2;
    if (!consistent(&o))
        return 2;
    if (o.keygen) {
        if (register_keygen(o.keygen, err, sizeof err) < 0) {
            fprintf(stderr, "register: %s\n", err);
            return 1;
        }
        printf("register: keys in %s: register.sign.pub is [sync] register_key on the "
               "terminals, register.box.pub their [journal] export_key\n",
               o.keygen);
        return 0;
    }
    if (o.export_)
        return run_export(&o);
    if (o.stats)
        return run_stats(&o);
    /* Every thread inherits this mask: signals reach only the main thread's sigtimedwait. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    mosquitto_lib_init();
    if (o.push) {
        register_broker_t b = {.ca_file = o.ca_file,
                               .cert_file = o.cert_file,
                               .key_file = o.key_file,
                               .username = o.username,
                               .password_file = o.password_file};
        char fonts[1200];
        if (o.fonts)
            snprintf(fonts, sizeof fonts, "%s", o.fonts);
        else
            find_fonts(fonts, sizeof fonts);
        register_push_t p = {o.push,     o.push_file, o.push_version, o.centre,
                             o.sign_key, o.prefix,    fonts};
        rc = register_broker_parse(o.broker, &b, err, sizeof err) == 0 &&
                     register_push(&b, &p, err, sizeof err) == 0
                 ? 0
                 : 1;
        if (rc)
            fprintf(stderr, "register: %s\n", err);
    } else {
        rc = run_daemon(&o, &signals);
    }
    mosquitto_lib_cleanup();
    return rc;
}
