/* config/config.c - INI configuration on inih, with line numbers in every error. */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include "config/config.h"

#include <math.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    snprintf(c->sync.topic_prefix, sizeof c->sync.topic_prefix, "sheba");
    c->sync.max_rate = 20;
    c->sync.inflight = 10;
}

static int bad(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
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
        return bad(err, errcap, "\"%s\" must be 1 to 31 characters", v);
    for (size_t i = 0; i < n; i++) {
        char ch = v[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-'))
            return bad(err, errcap, "\"%s\": only letters, digits and '-' are allowed", v);
    }
    memcpy(out, v, n + 1);
    return 0;
}

static int parse_name(const char *v, char *out, size_t cap, char *err, size_t errcap)
{
    size_t n = strlen(v);
    if (!utf8_valid(v, n, NULL))
        return bad(err, errcap, "not valid UTF-8");
    if (n == 0)
        return bad(err, errcap, "must not be empty");
    if (unicode_nfc(v, n, out, cap) < 0)
        return bad(err, errcap, "too long (at most 127 bytes)");
    return 0;
}

static int parse_calibration(const char *v, float m[6], char *err, size_t cap)
{
    float t[6];
    char extra;
    if (sscanf(v, "%f %f %f %f %f %f %c", &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &extra) != 6)
        return bad(err, cap, "\"%s\": expected six numbers \"a b c d e f\"", v);
    for (int i = 0; i < 6; i++)
        if (!isfinite(t[i]))
            return bad(err, cap, "\"%s\": every number must be finite", v);
    /* A singular matrix would map the whole panel onto a line: nothing could be pressed. */
    float det = t[0] * t[4] - t[1] * t[3];
    if (det == 0.0f || !isfinite(det))
        return bad(err, cap, "\"%s\": the matrix cannot be inverted", v);
    memcpy(m, t, sizeof t);
    return 0;
}

static int set_path(const char *v, char *out, char *err, size_t cap)
{
    if (strlen(v) == 0 || strlen(v) >= CONFIG_PATH_MAX)
        return bad(err, cap, "\"%s\": expected a path of 1 to 511 bytes", v);
    snprintf(out, CONFIG_PATH_MAX, "%s", v);
    return 0;
}

static int set_kiosk(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "language") == 0) {
        int l = lang_from_code(v);
        if (l < 0)
            return bad(err, cap, "\"%s\": expected bn or en", v);
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
    if (strcmp(k, "receipt_url") == 0) {
        if (strlen(v) >= sizeof c->receipt_url || strchr(v, ' '))
            return bad(err, cap, "\"%s\": expected a URL without spaces", v);
        snprintf(c->receipt_url, sizeof c->receipt_url, "%s", v);
        return 0;
    }
    return bad(err, cap, "unknown key \"%s\" in [kiosk]", k);
}

static int set_display(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "rotation") == 0) {
        int r;
        if (parse_int(v, 0, 270, &r, err, cap) < 0 || r % 90 != 0)
            return bad(err, cap, "\"%s\": expected 0, 90, 180 or 270", v);
        c->rotation = r;
        return 0;
    }
    if (strcmp(k, "dpi") == 0)
        return parse_int(v, 50, 600, &c->dpi, err, cap);
    if (strcmp(k, "calibration") == 0)
        return parse_calibration(v, c->calibration, err, cap);
    if (strcmp(k, "drm_device") == 0)
        return set_path(v, c->drm_device, err, cap);
    return bad(err, cap, "unknown key \"%s\" in [display]", k);
}

static int set_technician(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "export_dir") == 0) {
        c->export_dir[0] = '\0'; /* empty: the first USB stick mounted */
        return v[0] ? set_path(v, c->export_dir, err, cap) : 0;
    }
    if (strcmp(k, "shutdown_command") == 0) {
        if (!v[0] || strlen(v) >= sizeof c->shutdown_command)
            return bad(err, cap, "expected a command of 1 to 255 bytes");
        snprintf(c->shutdown_command, sizeof c->shutdown_command, "%s", v);
        return 0;
    }
    return bad(err, cap, "unknown key \"%s\" in [technician]", k);
}

static int set_printer(config_t *c, const char *k, const char *v, char *err, size_t cap)
{
    if (strcmp(k, "spec") == 0) {
        if (strlen(v) >= sizeof c->printer)
            return bad(err, cap, "too long");
        snprintf(c->printer, sizeof c->printer, "%s", v);
        return 0;
    }
    if (strcmp(k, "paper") == 0)
        return set_path(v, c->paper, err, cap);
    return bad(err, cap, "unknown key \"%s\" in [printer]", k);
}

/* One digit 1-9 owned by this terminal alone within its centre, or empty for a centre with a
 * single terminal: tokens are B-2012 or B-012 (README, "Tokens unique across a centre"). */
static int set_token_band(const char *v, char out[2], char *err, size_t cap)
{
    if (v[0] && (v[0] < '1' || v[0] > '9' || v[1]))
        return bad(err, cap, "\"%s\": expected one digit from 1 to 9, or nothing", v);
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
        return out[0] = '\0', bad(err, cap, "%s: cannot read: %s", v, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return out[0] = '\0', bad(err, cap, "%s: not a regular file", v);
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
        return bad(err, errcap, "\"%s\": expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]", url);
    size_t n = strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");
    if (n == 0 || n >= hostcap || (rest[n] && rest[n] != ':'))
        return bad(err, errcap,
                   "\"%s\": expected a host name or address after //, then "
                   "nothing but :PORT",
                   url);
    memcpy(host, rest, n);
    host[n] = '\0';
    *port = *tls ? 8883 : 1883;
    if (rest[n] == ':' && parse_int(rest + n + 1, 1, 65535, port, err, errcap) < 0)
        return bad(err, errcap, "\"%s\": the port must be a number from 1 to 65535", url);
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
        return bad(err, cap,
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
            return bad(err, cap, "expected UTF-8 of at most 127 bytes");
        snprintf(s->username, sizeof s->username, "%s", v);
        return 0;
    }
    if (strcmp(k, "topic_prefix") == 0)
        return set_topic_prefix(v, s->topic_prefix, sizeof s->topic_prefix, err, cap);
    if (strcmp(k, "max_rate") == 0)
        return parse_int(v, 1, 1000, &s->max_rate, err, cap);
    if (strcmp(k, "inflight") == 0)
        return parse_int(v, 1, 100, &s->inflight, err, cap);
    return bad(err, cap, "unknown key \"%s\" in [sync]", k);
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
        return bad(err, errcap, "unknown key \"%s\" in [centre]", key);
    }
    if (strcmp(section, "terminal") == 0) {
        if (strcmp(key, "id") == 0)
            return parse_id(value, c->terminal_id, sizeof c->terminal_id, err, errcap);
        if (strcmp(key, "token_band") == 0)
            return set_token_band(value, c->token_band, err, errcap);
        return bad(err, errcap, "unknown key \"%s\" in [terminal]", key);
    }
    if (strcmp(section, "kiosk") == 0)
        return set_kiosk(c, key, value, err, errcap);
    if (strcmp(section, "display") == 0)
        return set_display(c, key, value, err, errcap);
    if (strcmp(section, "printer") == 0)
        return set_printer(c, key, value, err, errcap);
    if (strcmp(section, "technician") == 0)
        return set_technician(c, key, value, err, errcap);
    if (strcmp(section, "journal") == 0) {
        if (strcmp(key, "retention_days") == 0)
            return parse_int(value, 1, 3650, &c->retention_days, err, errcap);
        if (strcmp(key, "export_key") == 0)
            return set_file(value, c->export_key, err, errcap);
        return bad(err, errcap, "unknown key \"%s\" in [journal]", key);
    }
    if (strcmp(section, "sync") == 0)
        return set_sync(&c->sync, key, value, err, errcap);
    return bad(err, errcap, "unknown section [%s]", section);
}

/* inih does not tell the handler the line number in Debian's build, so the reader counts
 * lines itself; it also catches lines longer than inih's buffer, which inih would
 * otherwise split into two bogus lines. */
typedef struct {
    FILE *fp;
    int line;
    bool too_long;
    config_t *cfg;
    char seen[64][48]; /* section.key pairs already set: a key given twice is an error */
    int seen_count;
    char msg[384];
    int err_line;
} reader_t;

static char *read_line(char *str, int num, void *stream)
{
    reader_t *r = stream;
    if (!fgets(str, num, r->fp))
        return NULL;
    r->line++;
    size_t n = strlen(str);
    if (n > 0 && str[n - 1] != '\n' && !feof(r->fp) && !r->too_long) {
        r->too_long = true;
        r->err_line = r->line;
        snprintf(r->msg, sizeof r->msg, "line longer than %d bytes", num - 3);
    }
    return str;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    reader_t *r = user;
    if (r->err_line)
        return 1; /* keep only the first error */
    char sk[48];
    snprintf(sk, sizeof sk, "%s.%s", section, key);
    for (int i = 0; i < r->seen_count; i++) {
        if (strcmp(r->seen[i], sk) == 0) {
            snprintf(r->msg, sizeof r->msg, "[%s] %s is set twice", section, key);
            r->err_line = r->line;
            return 0;
        }
    }
    if (r->seen_count < 64)
        snprintf(r->seen[r->seen_count++], sizeof r->seen[0], "%s", sk);
    char e[320];
    if (config_set(r->cfg, section, key, value, e, sizeof e) < 0) {
        snprintf(r->msg, sizeof r->msg, "[%s] %s: %s", section, key, e);
        r->err_line = r->line;
        return 0;
    }
    return 1;
}

static int parse_stream(config_t *c, FILE *fp, const char *path, char *err, size_t errcap)
{
    reader_t r = {.cfg = c, .fp = fp};
    int rc = ini_parse_stream(read_line, &r, on_value, &r);
    /* inih reports the line of its first error, which may be a syntax error before ours. */
    if (r.err_line && (rc <= 0 || rc >= r.err_line)) {
        snprintf(err, errcap, "%s:%d: %s", path, r.err_line, r.msg);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errcap, "%s:%d: syntax error (expected [section] or key = value)", path,
                 rc > 0 ? rc : r.line);
        return -1;
    }
    return 0;
}

int config_load(config_t *c, const char *path, char *err, size_t errcap)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = parse_stream(c, fp, path, err, errcap);
    fclose(fp);
    return rc;
}

int config_parse(config_t *c, const char *name, const char *text, size_t len, char *err,
                 size_t errcap)
{
    FILE *fp = fmemopen((void *)text, len, "r");
    if (!fp) {
        snprintf(err, errcap, "%s: cannot read: %s", name, strerror(errno));
        return -1;
    }
    int rc = parse_stream(c, fp, name, err, errcap);
    fclose(fp);
    return rc;
}
