/* queue/json.c - the queue as JSON for counters and for kiosks. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "queue/json.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static void add_time(cJSON *o, const char *name, int64_t ms)
{
    char iso[32];
    if (ms <= 0) {
        cJSON_AddNullToObject(o, name);
        return;
    }
    queue_iso_time(ms, iso);
    cJSON_AddStringToObject(o, name, iso);
}

static void add_str_or_null(cJSON *o, const char *name, const char *s)
{
    if (s && s[0])
        cJSON_AddStringToObject(o, name, s);
    else
        cJSON_AddNullToObject(o, name);
}

static cJSON *token_obj(const queue_token_t *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "token", t->token);
    cJSON_AddStringToObject(o, "category", t->category);
    cJSON_AddStringToObject(o, "service", t->service);
    add_str_or_null(o, "priority", t->priority);
    cJSON_AddStringToObject(o, "state", queue_state_name(t->state));
    if (t->counter > 0)
        cJSON_AddNumberToObject(o, "counter", t->counter);
    else
        cJSON_AddNullToObject(o, "counter");
    if (t->target_counter > 0)
        cJSON_AddNumberToObject(o, "to_counter", t->target_counter);
    cJSON_AddNumberToObject(o, "calls", t->calls);
    add_time(o, "issued", t->issued_ms);
    add_time(o, "called", t->called_ms);
    return o;
}

static char *print(cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

char *queue_json_token(const queue_token_t *t)
{
    cJSON *o = token_obj(t);
    if (t->replayed)
        cJSON_AddBoolToObject(o, "replayed", true);
    return print(o);
}

char *queue_json_error(const char *msg, const char *where)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", msg);
    cJSON_AddStringToObject(o, "where", where && where[0] ? where : "request");
    return print(o);
}

static void add_secs(cJSON *o, const char *name, int s)
{
    if (s < 0)
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddNumberToObject(o, name, s);
}

static cJSON *stat_obj(const queue_stat_t *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "served", st->served);
    cJSON_AddNumberToObject(o, "noshow", st->noshow);
    add_secs(o, "wait_median_s", st->wait_median_s);
    add_secs(o, "wait_p90_s", st->wait_p90_s);
    add_secs(o, "service_median_s", st->service_median_s);
    add_secs(o, "service_p90_s", st->service_p90_s);
    return o;
}

static cJSON *stat_map(const queue_stat_t *v, int n)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToObject(o, v[i].key[0] ? v[i].key : "-", stat_obj(&v[i]));
    return o;
}

static cJSON *counter_obj(const queue_counter_t *c)
{
    cJSON *o = cJSON_CreateObject(), *cats = cJSON_AddArrayToObject(o, "categories");
    char buf[QUEUE_CATS_MAX], *save = NULL;
    cJSON_AddNumberToObject(o, "number", c->number);
    cJSON_AddStringToObject(o, "name", c->name);
    snprintf(buf, sizeof buf, "%s", c->categories);
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        cJSON_AddItemToArray(cats, cJSON_CreateString(p));
    cJSON_AddBoolToObject(o, "paused", c->paused);
    add_str_or_null(o, "token", c->token);
    return o;
}

static cJSON *today(const queue_snapshot_t *s)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddItemToObject(t, "all", stat_obj(&s->total));
    cJSON_AddItemToObject(t, "services", stat_map(s->services, s->n_services));
    cJSON_AddItemToObject(t, "categories", stat_map(s->by_cat, s->n_by_cat));
    cJSON_AddItemToObject(t, "counters", stat_map(s->by_counter, s->n_by_counter));
    return t;
}

char *queue_json_snapshot(const queue_snapshot_t *s, int me)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "v", 1);
    add_time(o, "at", s->at_ms);
    cJSON_AddNumberToObject(o, "version", (double)s->version);
    cJSON_AddNumberToObject(o, "waiting_total", s->waiting_total);
    cJSON *w = cJSON_AddArrayToObject(o, "waiting");
    for (int i = 0; i < s->n_waiting; i++)
        cJSON_AddItemToArray(w, token_obj(&s->waiting[i]));
    cJSON *cats = cJSON_AddArrayToObject(o, "categories");
    for (int i = 0; i < s->n_cats; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "category", s->cats[i].category);
        cJSON_AddNumberToObject(c, "waiting", s->cats[i].waiting);
        cJSON_AddNumberToObject(c, "priority", s->cats[i].priority_waiting);
        add_str_or_null(c, "last_called", s->cats[i].last_called);
        cJSON_AddItemToArray(cats, c);
    }
    cJSON *sv = cJSON_AddArrayToObject(o, "serving");
    for (int i = 0; i < s->n_serving; i++)
        cJSON_AddItemToArray(sv, token_obj(&s->serving[i]));
    cJSON *last = cJSON_AddArrayToObject(o, "last_calls");
    for (int i = 0; i < s->n_last; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "token", s->last[i].token);
        cJSON_AddNumberToObject(c, "counter", s->last[i].counter);
        cJSON_AddBoolToObject(c, "recall", s->last[i].recall);
        add_time(c, "at", s->last[i].at_ms);
        cJSON_AddItemToArray(last, c);
    }
    cJSON *cs = cJSON_AddArrayToObject(o, "counters");
    for (int i = 0; i < s->n_counters; i++) {
        cJSON_AddItemToArray(cs, counter_obj(&s->counters[i]));
        if (s->counters[i].number == me)
            cJSON_AddItemToObject(o, "me", counter_obj(&s->counters[i]));
    }
    cJSON_AddItemToObject(o, "today", today(s));
    return print(o);
}

char *queue_json_board(const queue_snapshot_t *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "v", 1);
    add_time(o, "at", s->at_ms);
    cJSON *w = cJSON_AddObjectToObject(o, "waiting");
    cJSON *pr = cJSON_AddObjectToObject(o, "priority");
    cJSON *svc = cJSON_CreateObject(), *last = cJSON_CreateObject();
    for (int i = 0; i < s->n_cats; i++) {
        cJSON_AddNumberToObject(w, s->cats[i].category, s->cats[i].waiting);
        cJSON_AddNumberToObject(pr, s->cats[i].category, s->cats[i].priority_waiting);
        if (s->by_cat[i].service_median_s >= 0)
            cJSON_AddNumberToObject(svc, s->cats[i].category, s->by_cat[i].service_median_s);
        if (s->cats[i].last_called[0])
            cJSON_AddStringToObject(last, s->cats[i].category, s->cats[i].last_called);
    }
    /* Counters open now: not paused, and calling today. */
    cJSON_AddNumberToObject(o, "serving", s->open_counters);
    cJSON_AddItemToObject(o, "service_s", svc);
    cJSON_AddItemToObject(o, "last_called", last);
    /* Today's figures, for the kiosks' technician page and export. */
    cJSON_AddItemToObject(o, "today", today(s));
    return print(o);
}
