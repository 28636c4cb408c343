/* sync/board.c - reading the queue board's messages for kiosks. Strict: a message with one
 * wrong member is dropped whole, so a kiosk never estimates from half a snapshot. */
#include "sync/board.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SECONDS (7 * 24 * 3600) /* a week: anything longer is not a day's time */
#define MAX_COUNT   100000

typedef struct {
    char *why;
    size_t cap;
} err_t;

static bool bad(err_t *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->why, e->cap, fmt, ap);
    va_end(ap);
    return false;
}

/* A whole number in [lo, hi]. */
static bool whole(const cJSON *v, int lo, int hi, int *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble ||
        v->valuedouble < lo || v->valuedouble > hi)
        return false;
    *out = (int)v->valuedouble;
    return true;
}

/* A map of category -> number: waiting, priority, service_s. */
static bool cat_numbers(const cJSON *map, const char *name, int field, sync_board_t *b, err_t *e)
{
    if (!map)
        return field != 0 || bad(e, "\"%s\": missing", name);
    if (!cJSON_IsObject(map))
        return bad(e, "\"%s\": expected an object", name);
    const cJSON *v;
    cJSON_ArrayForEach(v, map)
    {
        int n, i;
        if (strlen(v->string) == 0 || strlen(v->string) >= sizeof b->cats[0].category)
            return bad(e, "\"%s\": \"%s\" is not a category", name, v->string);
        if (!whole(v, 0, field == 2 ? MAX_SECONDS : MAX_COUNT, &n))
            return bad(e, "\"%s\".\"%s\": expected a whole number from 0", name, v->string);
        for (i = 0; i < b->n_cats && strcmp(b->cats[i].category, v->string) != 0; i++)
            ;
        if (i == b->n_cats) {
            if (b->n_cats == SYNC_BOARD_CATS)
                return bad(e, "\"%s\": more than %d categories", name, SYNC_BOARD_CATS);
            b->n_cats++;
            memset(&b->cats[i], 0, sizeof b->cats[i]);
            snprintf(b->cats[i].category, sizeof b->cats[i].category, "%s", v->string);
            b->cats[i].service_s = -1;
        }
        int *slot[] = {&b->cats[i].waiting, &b->cats[i].priority, &b->cats[i].service_s};
        *slot[field] = n;
    }
    return true;
}

/* Seconds or null (no sample): -1. */
static bool seconds(const cJSON *o, const char *name, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsNull(v)) {
        *out = -1;
        return true;
    }
    return whole(v, 0, MAX_SECONDS, out);
}

static bool stat_of(const cJSON *o, const char *key, sync_board_stat_t *s, const char *where,
                    err_t *e)
{
    memset(s, 0, sizeof *s);
    if (strlen(key) >= sizeof s->key)
        return bad(e, "%s: \"%.40s\" is too long a name", where, key);
    snprintf(s->key, sizeof s->key, "%s", key);
    if (!cJSON_IsObject(o) ||
        !whole(cJSON_GetObjectItemCaseSensitive(o, "served"), 0, MAX_COUNT, &s->served) ||
        !whole(cJSON_GetObjectItemCaseSensitive(o, "noshow"), 0, MAX_COUNT, &s->noshow) ||
        !seconds(o, "wait_median_s", &s->wait_median_s) ||
        !seconds(o, "wait_p90_s", &s->wait_p90_s) ||
        !seconds(o, "service_median_s", &s->service_median_s) ||
        !seconds(o, "service_p90_s", &s->service_p90_s))
        return bad(e, "%s.\"%s\": expected served, noshow and four times in seconds or null", where,
                   key);
    return true;
}

static bool stat_map(const cJSON *map, const char *where, sync_board_stat_t *v, int max, int *n,
                     err_t *e)
{
    *n = 0;
    if (!cJSON_IsObject(map))
        return bad(e, "%s: expected an object", where);
    const cJSON *o;
    cJSON_ArrayForEach(o, map)
    {
        if (*n == max)
            break; /* the busiest are listed first by nobody: the rest are in "all" */
        if (!stat_of(o, o->string, &v[(*n)++], where, e))
            return false;
    }
    return true;
}

static bool today(const cJSON *t, sync_board_t *b, err_t *e)
{
    if (!t)
        return true;
    if (!cJSON_IsObject(t))
        return bad(e, "\"today\": expected an object");
    b->has_today = true;
    return stat_of(cJSON_GetObjectItemCaseSensitive(t, "all"), "all", &b->all, "\"today\"", e) &&
           stat_map(cJSON_GetObjectItemCaseSensitive(t, "services"), "\"today\".\"services\"",
                    b->services, SYNC_BOARD_SERVICES, &b->n_services, e) &&
           stat_map(cJSON_GetObjectItemCaseSensitive(t, "counters"), "\"today\".\"counters\"",
                    b->counters, SYNC_BOARD_COUNTERS, &b->n_counters, e);
}

static bool parse(const cJSON *o, sync_board_t *b, err_t *e)
{
    int v;
    if (!cJSON_IsObject(o))
        return bad(e, "not a JSON object");
    if (!whole(cJSON_GetObjectItemCaseSensitive(o, "v"), 1, 1, &v))
        return bad(e, "\"v\": expected 1");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "at");
    if (!cJSON_IsString(at) || strlen(at->valuestring) >= sizeof b->at)
        return bad(e, "\"at\": expected the board's time");
    snprintf(b->at, sizeof b->at, "%s", at->valuestring);
    if (!whole(cJSON_GetObjectItemCaseSensitive(o, "serving"), 0, 1000, &b->serving))
        return bad(e, "\"serving\": expected the number of open counters");
    return cat_numbers(cJSON_GetObjectItemCaseSensitive(o, "waiting"), "waiting", 0, b, e) &&
           cat_numbers(cJSON_GetObjectItemCaseSensitive(o, "priority"), "priority", 1, b, e) &&
           cat_numbers(cJSON_GetObjectItemCaseSensitive(o, "service_s"), "service_s", 2, b, e) &&
           today(cJSON_GetObjectItemCaseSensitive(o, "today"), b, e);
}

int sync_board_parse(const char *json, size_t len, sync_board_t *out, char *why, size_t cap)
{
    err_t e = {why, cap};
    cJSON *o = cJSON_ParseWithLength(json, len);
    memset(out, 0, sizeof *out);
    bool ok = o ? parse(o, out, &e) : bad(&e, "not JSON");
    cJSON_Delete(o);
    if (!ok)
        memset(out, 0, sizeof *out);
    return ok ? 0 : -1;
}

int sync_board_presence(const char *json, size_t len)
{
    cJSON *o = cJSON_ParseWithLength(json, len);
    const cJSON *on = cJSON_GetObjectItemCaseSensitive(o, "online");
    int r = cJSON_IsBool(on) ? cJSON_IsTrue(on) : -1;
    cJSON_Delete(o);
    return r;
}

static cJSON *stat_json(const sync_board_stat_t *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "served", s->served);
    cJSON_AddNumberToObject(o, "noshow", s->noshow);
    const char *names[] = {"wait_median_s", "wait_p90_s", "service_median_s", "service_p90_s"};
    int v[] = {s->wait_median_s, s->wait_p90_s, s->service_median_s, s->service_p90_s};
    for (int i = 0; i < 4; i++) {
        if (v[i] < 0)
            cJSON_AddNullToObject(o, names[i]);
        else
            cJSON_AddNumberToObject(o, names[i], v[i]);
    }
    return o;
}

static cJSON *stats_json(const sync_board_stat_t *v, int n)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToObject(o, v[i].key, stat_json(&v[i]));
    return o;
}

int sync_board_json(const sync_board_t *b, bool fresh, char *out, size_t cap)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddStringToObject(o, "at", b->at);
    cJSON_AddBoolToObject(o, "current", fresh);
    cJSON_AddItemToObject(o, "all", stat_json(&b->all));
    cJSON_AddItemToObject(o, "services", stats_json(b->services, b->n_services));
    cJSON_AddItemToObject(o, "counters", stats_json(b->counters, b->n_counters));
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int n = text && strlen(text) + 2 <= cap ? snprintf(out, cap, "%s\n", text) : -1;
    free(text);
    return n;
}
