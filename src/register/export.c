/* register/export.c - the register's requests as JSON Lines. */
#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/page.h"
#include "register/store.h"
#include "register/tools.h"
#include "store/seal.h"
#include "text/locale.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

int64_t register_parse_day(const char *s)
{
    locale_tm_t tm = {0};
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &tm.year, &tm.month, &tm.day, &n) != 3 || s[n] != '\0' ||
        n != 10 || tm.year < 2000 || tm.month < 1 || tm.month > 12 || tm.day < 1 || tm.day > 31)
        return -1;
    return locale_dhaka_unix(&tm);
}

typedef struct {
    FILE *out;
    const uint8_t *secret; /* NULL: fields stay sealed */
    long unopened;
} export_t;

/* The citizen's fields, opened with the register's secret key: an object, or NULL. */
static cJSON *open_fields(const uint8_t *secret, const char *sealed)
{
    size_t cap = strlen(sealed), n = 0;
    uint8_t *box = malloc(cap + 1), *plain = malloc(cap + 1);
    cJSON *o = NULL;
    long len;
    if (box && plain &&
        sodium_base642bin(box, cap, sealed, strlen(sealed), NULL, &n, NULL, B64) == 0 &&
        (len = seal_open(secret, box, n, plain, cap)) >= 0) {
        o = cJSON_ParseWithLength((const char *)plain, (size_t)len);
        if (o && !cJSON_IsObject(o)) {
            cJSON_Delete(o);
            o = NULL;
        }
        sodium_memzero(plain, (size_t)len);
    }
    free(box);
    free(plain);
    return o;
}

static int export_row(const register_request_t *r, void *ctx)
{
    export_t *e = ctx;
    cJSON *o = register_request_json(r);
    cJSON_AddStringToObject(o, "qr", r->qr);
    if (e->secret && r->fields_sealed) {
        cJSON *fields = open_fields(e->secret, r->fields_sealed);
        if (fields) {
            cJSON_AddItemToObject(o, "fields", fields);
        } else {
            e->unopened++;
            cJSON_AddNullToObject(o, "fields");
            cJSON_AddStringToObject(o, "fields_error", "not sealed to this key, or damaged");
        }
    } else if (e->secret) {
        cJSON_AddNullToObject(o, "fields");
    } else if (r->fields_sealed) {
        cJSON_AddStringToObject(o, "fields_sealed", r->fields_sealed);
    } else {
        cJSON_AddNullToObject(o, "fields_sealed");
    }
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = line && fprintf(e->out, "%s\n", line) >= 0 ? 0 : -1;
    if (line)
        sodium_memzero(line, strlen(line));
    free(line);
    return rc;
}

long register_export(const char *store_spec, int64_t since, const char *box_key, FILE *out,
                     char *err, size_t errcap)
{
    uint8_t secret[SEAL_KEY_BYTES];
    export_t e = {out, NULL, 0};
    if (box_key) {
        if (seal_key_load(box_key, secret, err, errcap) < 0)
            return -1;
        e.secret = secret;
    }
    register_store_t *s = register_store_open(store_spec, err, errcap);
    long n = s ? register_store_each(s, since, export_row, &e, err, errcap) : -1;
    register_store_close(s);
    sodium_memzero(secret, sizeof secret);
    if (n >= 0 && fflush(out) != 0) {
        snprintf(err, errcap, "export: cannot write");
        return -1;
    }
    if (e.unopened)
        fprintf(stderr, "register: %ld request%s with fields not sealed to %s\n", e.unopened,
                e.unopened == 1 ? "" : "s", box_key);
    return n;
}
