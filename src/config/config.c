/* config/config.c - INI configuration on inih, with line numbers in every error. */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include "config/config.h"

#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/error.h"
#include "io/inifile.h"
#include "text/unicode.h"
#include "text/utf8.h"

void config_defaults(config_t *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->centre_id, sizeof c->centre_id, "UDC-0001");
    snprintf(c->centre_name[LANG_BN], sizeof c->centre_name[0], "মডেল ইউনিয়ন ডিজিটাল সেন্টার");
    snprintf(c->centre_name[LANG_EN], sizeof c->centre_name[0], "Model Union Digital Centre");
    snprintf(c->terminal_id, sizeof c->terminal_id, "T01");
    c->language = LANG_BN;
    c->idle_timeout_s = 60;
    c->idle_countdown_s = 20;
    c->rotation = 0;
    c->calibration[0] = 1.0f;
    c->calibration[4] = 1.0f;
    c->dpi = 132;
    snprintf(c->data_dir, sizeof c->data_dir, "var");
    snprintf(c->catalog, sizeof c->catalog, "catalog.json");
    snprintf(c->paper, sizeof c->paper, "58mm");
    c->retention_days = 30;
    snprintf(c->shutdown_command, sizeof c->shutdown_command, "systemctl poweroff");
    c->speech_volume = 80;
    snprintf(c->board_http, sizeof c->board_http, "0.0.0.0:8080");
    snprintf(c->sync.topic_prefix, sizeof c->sync.topic_prefix, "sheba");
    c->sync.max_rate = 20;
    c->sync.inflight = 10;
}

static int parse_role(const char *v, config_role_t *out, char *err, size_t cap)
{
    if (strcmp(v, "kiosk") == 0)
        *out = CONFIG_ROLE_KIOSK;
    else if (strcmp(v, "board") == 0)
        *out = CONFIG_ROLE_BOARD;
    else
        return error_set(err, cap, "\"%s\": expected kiosk or board", v);
    return 0;
}

static int parse_int(const char *v, int lo, int hi, int *out, char *err, size_t cap)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi) {
        snprintf(err, cap, "\"%s\" is not a whole number from %d to %d", v, lo, hi);
        return -1;
    }
    *out = (int)n;
    return 0;
}

/* Letters, digits and '-': ids end up in tracking ids and file names. */
static int parse_id(const char *v, char *out, size_t cap, char *err, size_t errcap)
{
    size_t n = strlen(v);
    if (n == 0 || n >= cap)
        return error_set(err, errcap, "\"%s\" must be 1 to 31 characters", v);
    for (size_t i = 0; i < n; i++) {
        char ch = v[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-'))
            return error_set(err, errcap, "\"%s\": only letters, digits and '-' are allowed", v);
    }
    memcpy(out, v, n + 1);
    return 0;
}

static int parse_name(const char *v, char *out, size_t cap, char *err, size_t errcap)
{
    size_t n = strlen(v);
    if (!utf8_valid(v, n, NULL))
        return error_set(err, errcap, "not valid UTF-8");
    if (n == 0)
        return error_set(err, errcap, "must not be empty");
    if (unicode_nfc(v, n, out, cap) < 0)
        return error_set(err, errcap, "too long (at most 127 bytes)");
    return 0;
}

static int parse_calibration(const char *v, float m[6], char *err, size_t cap)
{
    float t[6];
    char extra;
    if (sscanf(v, "%f %f %f %f %f %f %c", &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &extra) != 6)
        return error_set(err, cap, "\"%s\": expected six numbers \"a b c d e f\"", v);
    for (int i = 0; i < 6; i++)
        if (!isfinite(t[i]))
            return error_set(err, cap, "\"%s\": every number must be finite", v);
    /* A singular matrix would map the whole panel onto a line: nothing could be pressed. */
    float det = t[0] * t[4] - t[1] * t[3];
    if (det == 0.0f || !isfinite(det))
        return error_set(err, cap, "\"%s\": the matrix cannot be inverted", v);
    memcpy(m, t, sizeof t);
    return 0;
}

static int set_path(const char *v, char *out, char *err, size_t cap)
{
    if (strlen(v) == 0 || strlen(v) >= CONFIG_PATH_MAX)
        return error_set(err, cap, "\"%s\": expected a path of 1 to 511 bytes", v);
    snprintf(out, CONFIG_PATH_MAX, "%s", v);
    return 0;
}

/* HOST:PORT (an IPv4 address or [IPv6]) with a port 1-65535: where a server listens. */
static int set_listen(const char *v, char *out, size_t cap, char *err, size_t errcap)
{
    const char *colon = strrchr(v, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    if (!colon || colon == v || !colon[1] || *end || port < 1 || port > 65535 || strlen(v) >= cap)
        return error_set(err, errcap, "\"%s\" is not HOST:PORT (e.g. 0.0.0.0:8080)", v);
    snprintf(out, cap, "%s", v);
    return 0;
}

/* The QR code is "<receipt_url>/<tracking>?t=...&s=...&sig=...": a URL that already has a
 * query or a fragment would make every receipt unverifiable, and one that is not http(s)
 * would not open on a phone. Empty: the tracking id alone. */
static int set_receipt_url(const char *v, char *out, size_t outcap, char *err, size_t cap)
{
    size_t n = strlen(v);
    size_t scheme = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;
    const char *allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                          "-._~:/%!$'()*+,;=@";
    if (n >= outcap)
        return error_set(err, cap, "too long (at most %zu bytes)", outcap - 1);
    if (n > 0 && (!scheme || n == scheme || v[scheme] == '/' || v[scheme] == ':'))
        return error_set(err, cap, "\"%s\": expected an https:// or http:// URL with a host", v);
    if (strchr(v, '?') || strchr(v, '#'))
        return error_set(err, cap, "\"%s\": no query (?) or fragment (#): the receipt adds its own",
                         v);
    if (strspn(v, allowed) != n)
        return error_set(err, cap, "\"%s\": no spaces or characters a URL cannot hold", v);
    if (n > 0 && v[n - 1] == '/')
        return error_set(err, cap, "\"%s\": no '/' at the end (the receipt adds /<tracking id>)",
                         v);
    memcpy(out, v, n + 1);
    return 0;
}

static int set_kiosk(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "language") == 0) {
        int l = lang_from_code(v);
        if (l < 0)
            return error_set(err, cap, "\"%s\": expected bn or en", v);
        c->language = (lang_t)l;
        return 0;
    }
    if (strcmp(k, "idle_timeout") == 0)
        return parse_int(v, 10, 3600, &c->idle_timeout_s, err, cap);
    if (strcmp(k, "idle_countdown") == 0)
        return parse_int(v, 5, 120, &c->idle_countdown_s, err, cap);
    if (strcmp(k, "data") == 0)
        return set_path(v, c->data_dir, err, cap);
    if (strcmp(k, "catalog") == 0)
        return set_path(v, c->catalog, err, cap);
    if (strcmp(k, "receipt_url") == 0)
        return set_receipt_url(v, c->receipt_url, sizeof c->receipt_url, err, cap);
    return error_set(err, cap, "unknown key \"%s\" in [kiosk]", k);
}

static int set_display(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "rotation") == 0) {
        int r;
        if (parse_int(v, 0, 270, &r, err, cap) < 0 || r % 90 != 0)
            return error_set(err, cap, "\"%s\": expected 0, 90, 180 or 270", v);
        c->rotation = r;
        return 0;
    }
    if (strcmp(k, "dpi") == 0)
        return parse_int(v, 50, 600, &c->dpi, err, cap);
    if (strcmp(k, "calibration") == 0)
        return parse_calibration(v, c->calibration, err, cap);
    if (strcmp(k, "drm_device") == 0)
        return set_path(v, c->drm_device, err, cap);
    return error_set(err, cap, "unknown key \"%s\" in [display]", k);
}

static int set_technician(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "export_dir") == 0) {
        c->export_dir[0] = '\0'; /* empty: the first USB stick mounted */
        return v[0] ? set_path(v, c->export_dir, err, cap) : 0;
    }
    if (strcmp(k, "shutdown_command") == 0) {
        if (!v[0] || strlen(v) >= sizeof c->shutdown_command)
            return error_set(err, cap, "expected a command of 1 to 255 bytes");
        snprintf(c->shutdown_command, sizeof c->shutdown_command, "%s", v);
        return 0;
    }
    return error_set(err, cap, "unknown key \"%s\" in [technician]", k);
}

static int set_printer(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "spec") == 0) {
        if (strlen(v) >= sizeof c->printer)
            return error_set(err, cap, "too long");
        snprintf(c->printer, sizeof c->printer, "%s", v);
        return 0;
    }
    if (strcmp(k, "paper") == 0)
        return set_path(v, c->paper, err, cap);
    return error_set(err, cap, "unknown key \"%s\" in [printer]", k);
}

/* A charge in whole Taka: what a centre asks for its work, never a fraction or a sign. */
static int parse_taka(const char *v, long long *out, char *err, size_t cap)
{
    int n;
    if (parse_int(v, 0, 100000, &n, err, cap) < 0)
        return error_set(err, cap, "\"%s\" is not a whole number of Taka from 0 to 100000", v);
    *out = n;
    return 0;
}

/* [fees] service_charge = TAKA, and charge.SERVICE_ID = TAKA for one service. The ids are
 * checked against the catalog once it is loaded (catalog_check_charges), which names the line;
 * a later file's charge for the same service replaces an earlier one. */
static int set_fees(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    long long taka = 0;
    config_fees_t *f = &c->fees;
    bool charge = strncmp(k, "charge.", 7) == 0;
    if (!charge && strcmp(k, "service_charge") != 0)
        return error_set(err, cap,
                         "unknown key \"%s\" in [fees] (service_charge or charge.SERVICE)", k);
    if (parse_taka(v, &taka, err, cap) < 0)
        return -1;
    if (!charge) {
        f->service_charge = taka;
        return 0;
    }
    const char *id = k + 7;
    size_t n = strlen(id);
    if (n == 0 || n >= sizeof f->charges[0].service ||
        strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
        return error_set(err, cap,
                         "\"%s\": expected a service id (a-z, 0-9 and _) after \"charge.\"", id);
    int i = 0;
    while (i < f->charge_count && strcmp(f->charges[i].service, id) != 0)
        i++;
    if (i == CONFIG_MAX_CHARGES)
        return error_set(err, cap, "more than %d per-service charges", CONFIG_MAX_CHARGES);
    f->charges[i] = (config_charge_t){.taka = taka};
    memcpy(f->charges[i].service, id, n + 1);
    f->charge_count += i == f->charge_count;
    return 0;
}

/* An SDL device name is whatever the sound driver calls it ("bcm2835 Headphones, ..."). */
static int set_speech(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "volume") == 0)
        return parse_int(v, 0, 100, &c->speech_volume, err, cap);
    if (strcmp(k, "device") == 0) {
        if (strlen(v) >= sizeof c->speech_device || !utf8_valid(v, strlen(v), NULL))
            return error_set(err, cap,
                             "expected an audio device name of at most 127 bytes of UTF-8");
        snprintf(c->speech_device, sizeof c->speech_device, "%s", v);
        return 0;
    }
    return error_set(err, cap, "unknown key \"%s\" in [speech]", k);
}

/* One digit 1-9 owned by this terminal alone within its centre, or empty for a centre with a
 * single terminal: tokens are B-2012 or B-012 (README, "Tokens unique across a centre"). */
static int set_token_band(const char *v, char out[2], char *err, size_t cap)
{
    if (v[0] && (v[0] < '1' || v[0] > '9' || v[1]))
        return error_set(err, cap, "\"%s\": expected one digit from 1 to 9, or nothing", v);
    out[0] = v[0];
    out[1] = '\0';
    return 0;
}

/* A file the kiosk will read later (keys, certificates), checked now so that the error names
 * the configuration's line. Empty: not set. */
static int set_file(const char *v, char *out, char *err, size_t cap)
{
    struct stat st;
    out[0] = '\0';
    if (!v[0])
        return 0;
    if (set_path(v, out, err, cap) < 0)
        return -1;
    if (stat(v, &st) != 0 || access(v, R_OK) != 0)
        return out[0] = '\0', error_set(err, cap, "%s: cannot read: %s", v, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return out[0] = '\0', error_set(err, cap, "%s: not a regular file", v);
    return 0;
}

int config_broker_parse(const char *url, bool *tls, char *host, size_t hostcap, int *port,
                        char *err, size_t errcap)
{
    const char *rest;
    if (strncmp(url, "mqtt://", 7) == 0)
        *tls = false, rest = url + 7;
    else if (strncmp(url, "mqtts://", 8) == 0)
        *tls = true, rest = url + 8;
    else
        return error_set(err, errcap, "\"%s\": expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]",
                         url);
    size_t n = strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");
    if (n == 0 || n >= hostcap || (rest[n] && rest[n] != ':'))
        return error_set(err, errcap,
                         "\"%s\": expected a host name or address after //, then "
                         "nothing but :PORT",
                         url);
    memcpy(host, rest, n);
    host[n] = '\0';
    *port = *tls ? 8883 : 1883;
    if (rest[n] == ':' && parse_int(rest + n + 1, 1, 65535, port, err, errcap) < 0)
        return error_set(err, errcap, "\"%s\": the port must be a number from 1 to 65535", url);
    return 0;
}

/* Topic levels of letters, digits, '-' and '_' separated by single '/': no wildcard, no
 * empty level. */
static int set_topic_prefix(const char *v, char *out, size_t outcap, char *err, size_t cap)
{
    size_t n = strlen(v);
    bool ok = n > 0 && n < outcap && v[0] != '/' && v[n - 1] != '/' && !strstr(v, "//") &&
              strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/") == n;
    if (!ok)
        return error_set(err, cap,
                         "\"%s\": expected topic levels of letters, digits, '-' and '_' "
                         "separated by '/'",
                         v);
    memcpy(out, v, n + 1);
    return 0;
}

static int set_sync(config_sync_t *s, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "broker") == 0) {
        bool tls;
        char host[256];
        int port;
        if (v[0] && config_broker_parse(v, &tls, host, sizeof host, &port, err, cap) < 0)
            return -1;
        snprintf(s->broker, sizeof s->broker, "%s", v);
        return 0;
    }
    if (strcmp(k, "ca_file") == 0)
        return set_file(v, s->ca_file, err, cap);
    if (strcmp(k, "cert_file") == 0)
        return set_file(v, s->cert_file, err, cap);
    if (strcmp(k, "key_file") == 0)
        return set_file(v, s->key_file, err, cap);
    if (strcmp(k, "password_file") == 0)
        return set_file(v, s->password_file, err, cap);
    if (strcmp(k, "register_key") == 0)
        return set_file(v, s->register_key, err, cap);
    if (strcmp(k, "username") == 0) {
        if (strlen(v) >= sizeof s->username || !utf8_valid(v, strlen(v), NULL))
            return error_set(err, cap, "expected UTF-8 of at most 127 bytes");
        snprintf(s->username, sizeof s->username, "%s", v);
        return 0;
    }
    if (strcmp(k, "topic_prefix") == 0)
        return set_topic_prefix(v, s->topic_prefix, sizeof s->topic_prefix, err, cap);
    if (strcmp(k, "max_rate") == 0)
        return parse_int(v, 1, 1000, &s->max_rate, err, cap);
    if (strcmp(k, "inflight") == 0)
        return parse_int(v, 1, 100, &s->inflight, err, cap);
    return error_set(err, cap, "unknown key \"%s\" in [sync]", k);
}

int config_set(config_t *c, const char *section, const char *key, const char *value, char *err,
               size_t errcap)
{
    if (strcmp(section, "centre") == 0) {
        if (strcmp(key, "id") == 0)
            return parse_id(value, c->centre_id, sizeof c->centre_id, err, errcap);
        if (strcmp(key, "name_bn") == 0)
            return parse_name(value, c->centre_name[LANG_BN], sizeof c->centre_name[0], err,
                              errcap);
        if (strcmp(key, "name_en") == 0)
            return parse_name(value, c->centre_name[LANG_EN], sizeof c->centre_name[0], err,
                              errcap);
        return error_set(err, errcap, "unknown key \"%s\" in [centre]", key);
    }
    if (strcmp(section, "terminal") == 0) {
        if (strcmp(key, "id") == 0)
            return parse_id(value, c->terminal_id, sizeof c->terminal_id, err, errcap);
        if (strcmp(key, "role") == 0)
            return parse_role(value, &c->role, err, errcap);
        if (strcmp(key, "token_band") == 0)
            return set_token_band(value, c->token_band, err, errcap);
        return error_set(err, errcap, "unknown key \"%s\" in [terminal]", key);
    }
    if (strcmp(section, "kiosk") == 0)
        return set_kiosk(c, key, value, err, errcap);
    if (strcmp(section, "display") == 0)
        return set_display(c, key, value, err, errcap);
    if (strcmp(section, "printer") == 0)
        return set_printer(c, key, value, err, errcap);
    if (strcmp(section, "technician") == 0)
        return set_technician(c, key, value, err, errcap);
    if (strcmp(section, "fees") == 0)
        return set_fees(c, key, value, err, errcap);
    if (strcmp(section, "speech") == 0)
        return set_speech(c, key, value, err, errcap);
    if (strcmp(section, "journal") == 0) {
        if (strcmp(key, "retention_days") == 0)
            return parse_int(value, 1, 3650, &c->retention_days, err, errcap);
        if (strcmp(key, "export_key") == 0)
            return value[0] ? set_file(value, c->export_key, err, errcap)
                            : (c->export_key[0] = '\0', 0);
        return error_set(err, errcap, "unknown key \"%s\" in [journal]", key);
    }
    if (strcmp(section, "board") == 0) {
        if (strcmp(key, "http") == 0)
            return set_listen(value, c->board_http, sizeof c->board_http, err, errcap);
        return error_set(err, errcap, "unknown key \"%s\" in [board]", key);
    }
    if (strcmp(section, "sync") == 0)
        return set_sync(&c->sync, key, value, err, errcap);
    return error_set(err, errcap, "unknown section [%s]", section);
}

/* Remembers where a per-service charge was set: the catalog check names that line. */
static void mark_charge(config_fees_t *f, const char *service, const char *path, int line)
{
    const char *base = strrchr(path, '/');
    for (int i = 0; i < f->charge_count; i++) {
        if (strcmp(f->charges[i].service, service) == 0) {
            snprintf(f->charges[i].file, sizeof f->charges[i].file, "%s", base ? base + 1 : path);
            f->charges[i].line = line;
        }
    }
}

typedef struct {
    config_t *cfg;
    const char *path;
    bool overlay; /* a pushed overlay: may_set decides which keys it may hold */
} source_t;

/* Who a terminal is and how it reaches the register: a wrong push there could cut
 * terminals off for good, so no overlay may hold these keys. */
static bool overlay_may_set(const char *section, const char *key)
{
    return !(strcmp(section, "terminal") == 0 || strcmp(section, "sync") == 0 ||
             (strcmp(section, "centre") == 0 && strcmp(key, "id") == 0) ||
             (strcmp(section, "kiosk") == 0 && strcmp(key, "data") == 0) ||
             (strcmp(section, "journal") == 0 && strcmp(key, "export_key") == 0));
}

static int on_value(void *ctx, const char *section, const char *key, const char *value, int line,
                    char *err, size_t errcap)
{
    const source_t *src = ctx;
    if (src->overlay && !overlay_may_set(section, key))
        return error_set(err, errcap,
                         "an overlay may not change who a terminal is or how it reaches "
                         "the register");
    if (config_set(src->cfg, section, key, value, err, errcap) < 0)
        return -1;
    if (strcmp(section, "fees") == 0 && strncmp(key, "charge.", 7) == 0)
        mark_charge(&src->cfg->fees, key + 7, src->path, line);
    return 0;
}

static int parse_stream(config_t *c, FILE *fp, const char *path, bool overlay, char *err,
                        size_t errcap)
{
    source_t src = {.cfg = c, .path = path, .overlay = overlay};
    return inifile_read(fp, path, on_value, &src, err, errcap);
}

int config_load(config_t *c, const char *path, char *err, size_t errcap)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = parse_stream(c, fp, path, false, err, errcap);
    fclose(fp);
    return rc;
}

static int parse_text(config_t *c, const char *name, const char *text, size_t len, bool overlay,
                      char *err, size_t errcap)
{
    /* fmemopen wants a writable buffer even to read: give it a copy, not a cast. */
    char *copy = malloc(len ? len : 1);
    FILE *fp = copy ? fmemopen(memcpy(copy, text, len), len, "r") : NULL;
    if (!fp) {
        snprintf(err, errcap, "%s: cannot read: %s", name, strerror(errno));
        free(copy);
        return -1;
    }
    int rc = parse_stream(c, fp, name, overlay, err, errcap);
    fclose(fp);
    free(copy);
    return rc;
}

int config_parse(config_t *c, const char *name, const char *text, size_t len, char *err,
                 size_t errcap)
{
    return parse_text(c, name, text, len, false, err, errcap);
}

int config_parse_overlay(config_t *c, const char *name, const char *text, size_t len, char *err,
                         size_t errcap)
{
    return parse_text(c, name, text, len, true, err, errcap);
}
