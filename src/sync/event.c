/* sync/event.c - events and presence as the protocol's JSON. */
#include "sync/event.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/journal_export.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static void add_time(cJSON *o, const char *key, int64_t t)
{
    char iso[32];
    journal_iso_time(t, iso);
    cJSON_AddStringToObject(o, key, iso);
}

static void add_text_or_null(cJSON *o, const char *key, const char *v)
{
    if (v && v[0])
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The fields as one JSON object, sealed to the register's key, as base64url. */
static bool add_sealed_fields(cJSON *o, const outbox_row_t *r, const uint8_t *key)
{
    cJSON *f = cJSON_CreateObject();
    for (int i = 0; f && i < r->field_count; i++)
        cJSON_AddStringToObject(f, r->field_ids[i], r->values[i]);
    char *plain = f ? cJSON_PrintUnformatted(f) : NULL;
    cJSON_Delete(f);
    if (!plain)
        return false;
    size_t n = strlen(plain), boxlen = n + SEAL_OVERHEAD;
    uint8_t *box = malloc(boxlen);
    char *text = malloc(sodium_base64_ENCODED_LEN(boxlen, B64));
    bool ok = box && text && seal_to(key, plain, n, box, boxlen) == 0;
    sodium_memzero(plain, n); /* what the citizen typed does not linger in freed memory */
    free(plain);
    if (ok) {
        sodium_bin2base64(text, sodium_base64_ENCODED_LEN(boxlen, B64), box, boxlen, B64);
        ok = cJSON_AddStringToObject(o, "fields_sealed", text) != NULL;
    }
    free(box);
    free(text);
    return ok;
}

/* What only the request event carries: category, language, priority, the QR, the fields. */
static bool add_request(cJSON *o, const event_identity_t *id, const outbox_row_t *r)
{
    char category[2] = {r->prefix, '\0'}, qr[512];
    cJSON_AddStringToObject(o, "category", category);
    cJSON_AddStringToObject(o, "lang", r->lang);
    add_text_or_null(o, "priority", r->priority);
    if (id->key && signing_payload(id->key, id->receipt_url ? id->receipt_url : "", r->tracking,
                                   r->token, r->service, qr, sizeof qr) > 0)
        cJSON_AddStringToObject(o, "qr", qr);
    if (r->fields_erased)
        return cJSON_AddTrueToObject(o, "fields_erased") != NULL;
    return !id->export_key || add_sealed_fields(o, r, id->export_key);
}

char *event_json(const event_identity_t *id, const outbox_row_t *r, size_t *len)
{
    char event[128];
    snprintf(event, sizeof event, "%s/%lld", r->tracking, (long long)r->id);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddStringToObject(o, "event", event);
    cJSON_AddStringToObject(o, "kind", outbox_kind_name(r->kind));
    cJSON_AddStringToObject(o, "tracking", r->tracking);
    cJSON_AddStringToObject(o, "centre", id->centre);
    cJSON_AddStringToObject(o, "terminal", id->terminal);
    add_time(o, "at", r->at);
    cJSON_AddStringToObject(o, "token", r->token);
    cJSON_AddStringToObject(o, "service", r->service);
    bool ok = true;
    if (r->kind == OUTBOX_REQUEST) {
        ok = add_request(o, id, r);
    } else if (r->kind == OUTBOX_PRINT || r->kind == OUTBOX_REPRINT) {
        cJSON_AddStringToObject(o, "status", r->status);
        add_text_or_null(o, "detail", r->detail);
    }
    char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (text)
        *len = strlen(text);
    return text;
}

static void add_refused(cJSON *o, const presence_t *p)
{
    cJSON *list = cJSON_AddArrayToObject(o, "refused");
    for (int i = 0; list && i < p->refused_count; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "kind", p->refused[i].kind);
        cJSON_AddNumberToObject(r, "version", p->refused[i].version);
        cJSON_AddStringToObject(r, "why", p->refused[i].why);
        cJSON_AddItemToArray(list, r);
    }
}

char *event_presence_json(const presence_t *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddTrueToObject(o, "online");
    cJSON_AddStringToObject(o, "role", p->role);
    cJSON_AddStringToObject(o, "version", p->version);
    cJSON_AddStringToObject(o, "token_band", p->token_band);
    cJSON_AddStringToObject(o, "printer", p->printer);
    cJSON_AddStringToObject(o, "paper", p->paper);
    cJSON_AddNumberToObject(o, "backlog", (double)p->backlog);
    if (p->last_sync > 0)
        add_time(o, "last_sync", p->last_sync);
    else
        cJSON_AddNullToObject(o, "last_sync");
    cJSON_AddNumberToObject(o, "uptime", (double)p->uptime_s);
    cJSON_AddNumberToObject(o, "catalog_version", p->catalog_version);
    cJSON_AddNumberToObject(o, "config_version", p->config_version);
    add_refused(o, p);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

char *event_offline_json(const char *role)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddFalseToObject(o, "online");
    cJSON_AddStringToObject(o, "role", role);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}
