/* sync/push.c - checking, keeping and loading pushed catalogs and configuration. */
#define _POSIX_C_SOURCE 200809L
#include "sync/push.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file.h"
#include "store/signing.h"

#define PUSH_MAX_BYTES (1 << 20) /* a catalog of hundreds of services, with room to grow */

const char *push_kind_name(push_kind_t k)
{
    return k == PUSH_CATALOG ? "catalog" : "config";
}

static void kept_path(const char *dir, push_kind_t k, char *out, size_t cap)
{
    snprintf(out, cap, "%s/push-%s.json", dir, push_kind_name(k));
}

/* A small regular file, whole and NUL-terminated (malloc'd), or NULL. */
static char *read_small(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return NULL;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= PUSH_MAX_BYTES &&
        (buf = malloc((size_t)st.st_size + 1))) {
        ssize_t n = read(fd, buf, (size_t)st.st_size);
        if (n != st.st_size) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
            *len = (size_t)n;
        }
    }
    close(fd);
    return buf;
}

static push_result_t refuse(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return PUSH_REFUSED;
}

/* {"v": 1, "kind": K, "version": N, ...}: the version, or 0 with why. */
static int header(const cJSON *o, push_kind_t kind, char *why, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "v");
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kind");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "version");
    if (!cJSON_IsObject(o) || !cJSON_IsNumber(v) || v->valuedouble != 1)
        return snprintf(why, cap, "not a version 1 message"), 0;
    if (!cJSON_IsString(k) || strcmp(k->valuestring, push_kind_name(kind)) != 0)
        return snprintf(why, cap, "kind is not \"%s\"", push_kind_name(kind)), 0;
    if (!cJSON_IsNumber(n) || n->valuedouble < 1 || n->valuedouble > 2147483647.0 ||
        n->valuedouble != (double)(int)n->valuedouble)
        return snprintf(why, cap, "version is not a whole number from 1"), 0;
    return (int)n->valuedouble;
}

static bool catalog_ok(const cJSON *o, char *why, size_t cap)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "catalog");
    char *text = cJSON_IsObject(c) ? cJSON_PrintUnformatted(c) : NULL;
    if (!text)
        return snprintf(why, cap, "no \"catalog\" object"), false;
    catalog_t *cat = catalog_parse("pushed catalog", text, strlen(text), NULL, NULL, why, cap);
    free(text);
    catalog_free(cat);
    return cat != NULL;
}

/* An overlay may change how the kiosk looks and behaves, never who it is or how it reaches
 * the register (config_parse_overlay refuses those keys, as the register does). */
static bool config_ok(const cJSON *o, const config_t *base, config_t *out, char *why, size_t cap)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "config");
    if (!cJSON_IsString(c))
        return snprintf(why, cap, "no \"config\" text"), false;
    *out = *base;
    return config_parse_overlay(out, "pushed config", c->valuestring, strlen(c->valuestring), why,
                                cap) == 0;
}

/* The same bytes as the kept file: a retained push seen again after a reconnect. */
static bool same_as_kept(const char *path, const void *payload, size_t len)
{
    size_t n = 0;
    char *kept = read_small(path, &n);
    bool same = kept && n == len && memcmp(kept, payload, len) == 0;
    free(kept);
    return same;
}

static push_result_t check(push_kind_t kind, const config_t *base, const char *text,
                           const int *version, char *why, size_t cap)
{
    cJSON *o = cJSON_Parse(text);
    if (!o)
        return refuse(why, cap, "not JSON");
    push_result_t r = PUSH_STORED;
    config_t *scratch = malloc(sizeof *scratch);
    int v = header(o, kind, why, cap);
    if (!scratch)
        r = refuse(why, cap, "out of memory");
    else if (v == 0)
        r = PUSH_REFUSED;
    else if (v <= *version)
        r = refuse(why, cap, "version %d is not newer than %d in use", v, *version);
    else if (kind == PUSH_CATALOG ? !catalog_ok(o, why, cap)
                                  : !config_ok(o, base, scratch, why, cap))
        r = PUSH_REFUSED;
    free(scratch);
    cJSON_Delete(o);
    return r;
}

/* The version a message says it is, before anything is trusted: only for the refusal list. */
static int claimed_version(const void *payload, size_t len)
{
    cJSON *o = cJSON_ParseWithLength(payload, len);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "version");
    int v = cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble < 2147483647.0
                ? (int)n->valuedouble
                : 0;
    cJSON_Delete(o);
    return v;
}

push_result_t push_receive(const char *data_dir, push_kind_t kind, const config_t *base,
                           const uint8_t *register_key, const void *payload, size_t len,
                           const char *sig, int *version, int *pushed, char *why, size_t whycap)
{
    char path[1100];
    kept_path(data_dir, kind, path, sizeof path);
    if (same_as_kept(path, payload, len))
        return PUSH_SAME;
    *pushed = claimed_version(payload, len);
    if (!register_key)
        return refuse(why, whycap, "no [sync] register_key to check its signature");
    if (len > PUSH_MAX_BYTES)
        return refuse(why, whycap, "larger than %d bytes", (int)PUSH_MAX_BYTES);
    if (!signing_verify_bytes(register_key, payload, len, sig))
        return refuse(why, whycap, sig ? "bad signature" : "not signed (no sig property)");
    char *text = malloc(len + 1);
    if (!text)
        return refuse(why, whycap, "out of memory");
    memcpy(text, payload, len);
    text[len] = '\0';
    push_result_t r = strlen(text) != len ? refuse(why, whycap, "a NUL byte in the payload")
                                          : check(kind, base, text, version, why, whycap);
    if (r == PUSH_STORED && file_write_atomic(path, text, 0600) < 0)
        r = refuse(why, whycap, "%s: cannot write: %s", path, strerror(errno));
    if (r == PUSH_STORED)
        *version = *pushed;
    free(text);
    return r;
}

/* The kept message of a kind, parsed, with its version; NULL when none is kept. */
static cJSON *load_kept(const char *dir, push_kind_t kind, int *version, char *err, size_t cap)
{
    char path[1100];
    size_t n = 0;
    kept_path(dir, kind, path, sizeof path);
    *version = 0;
    err[0] = '\0';
    char *text = read_small(path, &n);
    if (!text)
        return NULL;
    cJSON *o = cJSON_Parse(text);
    free(text);
    char why[160];
    if (o && (*version = header(o, kind, why, sizeof why)) > 0)
        return o;
    snprintf(err, cap, "%s: %s", path, o ? why : "not JSON");
    cJSON_Delete(o);
    return NULL;
}

int push_kept_version(const char *data_dir, push_kind_t kind)
{
    char err[300];
    int v;
    cJSON *o = load_kept(data_dir, kind, &v, err, sizeof err);
    cJSON_Delete(o);
    return o ? v : 0;
}

int push_load_catalog(const char *data_dir, catalog_icon_check_fn icon_ok, void *ctx,
                      catalog_t **out, int *version, char *err, size_t errcap)
{
    *out = NULL;
    cJSON *o = load_kept(data_dir, PUSH_CATALOG, version, err, errcap);
    if (!o)
        return err[0] ? -1 : 0;
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(o, "catalog"));
    cJSON_Delete(o);
    if (text)
        *out = catalog_parse("pushed catalog", text, strlen(text), icon_ok, ctx, err, errcap);
    else
        snprintf(err, errcap, "%s/push-catalog.json: no \"catalog\" object", data_dir);
    free(text);
    return *out ? 0 : -1;
}

int push_load_config(const char *data_dir, config_t *cfg, int *version, char *err, size_t errcap)
{
    cJSON *o = load_kept(data_dir, PUSH_CONFIG, version, err, errcap);
    if (!o)
        return err[0] ? -1 : 0;
    config_t *next = malloc(sizeof *next);
    bool ok = next && config_ok(o, cfg, next, err, errcap);
    if (ok)
        *cfg = *next;
    free(next);
    cJSON_Delete(o);
    return ok ? 0 : -1;
}

int push_swap_catalog(const char *data_dir, catalog_icon_check_fn icon_ok, void *ctx,
                      catalog_t **catalog, int *version, char *err, size_t errcap)
{
    if (push_kept_version(data_dir, PUSH_CATALOG) <= *version)
        return 0;
    catalog_t *next = NULL;
    int v = 0;
    if (push_load_catalog(data_dir, icon_ok, ctx, &next, &v, err, errcap) < 0 || !next)
        return next ? 0 : -1;
    catalog_free(*catalog);
    *catalog = next;
    *version = v;
    return 1;
}

int push_swap_config(const char *data_dir, config_t *cfg, int *version, char *err, size_t errcap)
{
    if (push_kept_version(data_dir, PUSH_CONFIG) <= *version)
        return 0;
    int v = 0;
    if (push_load_config(data_dir, cfg, &v, err, errcap) < 0)
        return -1;
    *version = v;
    return 1;
}
