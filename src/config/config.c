/* config/config.c - INI configuration on inih, with line numbers in every error. */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include "config/config.h"

#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (strcmp(k, "receipt_url") == 0) {
        if (strlen(v) >= sizeof c->receipt_url || strchr(v, ' '))
            return error_set(err, cap, "\"%s\": expected a URL without spaces", v);
        snprintf(c->receipt_url, sizeof c->receipt_url, "%s", v);
        return 0;
    }
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
    if (strcmp(section, "journal") == 0) {
        if (strcmp(key, "retention_days") == 0)
            return parse_int(value, 1, 3650, &c->retention_days, err, errcap);
        return error_set(err, errcap, "unknown key \"%s\" in [journal]", key);
    }
    return error_set(err, errcap, "unknown section [%s]", section);
}

static int on_value(void *ctx, const char *section, const char *key, const char *value, char *err,
                    size_t errcap)
{
    return config_set(ctx, section, key, value, err, errcap);
}

static int parse_stream(config_t *c, FILE *fp, const char *path, char *err, size_t errcap)
{
    return inifile_read(fp, path, on_value, c, err, errcap);
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
    /* fmemopen wants a writable buffer even to read: give it a copy, not a cast. */
    char *copy = malloc(len ? len : 1);
    FILE *fp = copy ? fmemopen(memcpy(copy, text, len), len, "r") : NULL;
    if (!fp) {
        snprintf(err, errcap, "%s: cannot read: %s", name, strerror(errno));
        free(copy);
        return -1;
    }
    int rc = parse_stream(c, fp, name, err, errcap);
    fclose(fp);
    free(copy);
    return rc;
}
