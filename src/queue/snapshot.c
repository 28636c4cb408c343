/* queue/snapshot.c - the queue at one moment, and today's figures computed from the log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue/queue_private.h"

/* One token's day as the log tells it. */
typedef struct {
    char service[QUEUE_SERVICE_MAX];
    char category[QUEUE_CAT_MAX];
    int first_counter, final_counter;
    bool done, noshow, called;
    int64_t wait_ms, service_ms;
} life_t;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the value at rank ceil(p/100 * n), 1-based, of the sorted samples. */
static int percentile_s(int64_t *v, int n, int p)
{
    if (n == 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    int rank = (p * n + 99) / 100;
    rank = rank < 1 ? 1 : rank;
    return (int)((v[rank - 1] + 500) / 1000);
}

typedef enum { BY_ALL, BY_SERVICE, BY_CATEGORY, BY_COUNTER } group_t;

static bool in_group(const life_t *l, group_t g, const char *key, bool for_wait)
{
    char n[16];
    switch (g) {
    case BY_ALL:
        return true;
    case BY_SERVICE:
        return strcmp(l->service, key) == 0;
    case BY_CATEGORY:
        return strcmp(l->category, key) == 0;
    default:
        /* Waits belong to the counter that first called; the rest to the one that finished. */
        snprintf(n, sizeof n, "%d", for_wait ? l->first_counter : l->final_counter);
        return strcmp(n, key) == 0;
    }
}

static void figures(const life_t *lives, int n, group_t g, const char *key, int64_t *scratch,
                    queue_stat_t *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->key, sizeof out->key, "%s", key);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (lives[i].called && in_group(&lives[i], g, key, true))
            scratch[k++] = lives[i].wait_ms;
    out->wait_median_s = percentile_s(scratch, k, 50);
    out->wait_p90_s = percentile_s(scratch, k, 90);
    k = 0;
    for (int i = 0; i < n; i++) {
        if (!in_group(&lives[i], g, key, false))
            continue;
        out->served += lives[i].done;
        out->noshow += lives[i].noshow;
        if (lives[i].done)
            scratch[k++] = lives[i].service_ms;
    }
    out->service_median_s = percentile_s(scratch, k, 50);
    out->service_p90_s = percentile_s(scratch, k, 90);
}

/* Every token of the day with its times from the events; NULL when none (or no memory). */
static life_t *read_lives(queue_t *q, const char *day, int *count)
{
    sqlite3_stmt *st = queue_prep(
        q,
        "SELECT t.service, t.category, t.issued_ms,"
        " (SELECT at_ms FROM events WHERE token_id = t.id AND kind = 'called' ORDER BY id LIMIT 1),"
        " (SELECT counter FROM events WHERE token_id = t.id AND kind = 'called'"
        "  ORDER BY id LIMIT 1),"
        " (SELECT max(at_ms) FROM events WHERE token_id = t.id"
        "  AND kind IN ('called', 'recalled', 'serving')),"
        " (SELECT kind FROM events WHERE token_id = t.id AND kind IN ('done', 'noshow')"
        "  ORDER BY id DESC LIMIT 1),"
        " (SELECT at_ms FROM events WHERE token_id = t.id AND kind IN ('done', 'noshow')"
        "  ORDER BY id DESC LIMIT 1),"
        " (SELECT counter FROM events WHERE token_id = t.id AND kind IN ('done', 'noshow')"
        "  ORDER BY id DESC LIMIT 1) "
        "FROM tokens t WHERE t.day = ? ORDER BY t.id",
        "t", day);
    life_t *v = NULL;
    int n = 0, cap = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            life_t *nv = realloc(v, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        life_t *l = &v[n++];
        memset(l, 0, sizeof *l);
        queue_col_text(st, 0, l->service, sizeof l->service);
        queue_col_text(st, 1, l->category, sizeof l->category);
        l->called = sqlite3_column_type(st, 3) != SQLITE_NULL;
        l->wait_ms = sqlite3_column_int64(st, 3) - sqlite3_column_int64(st, 2);
        l->first_counter = sqlite3_column_int(st, 4);
        const unsigned char *fin = sqlite3_column_text(st, 6);
        l->done = fin && strcmp((const char *)fin, "done") == 0;
        l->noshow = fin && strcmp((const char *)fin, "noshow") == 0;
        l->service_ms = sqlite3_column_int64(st, 7) - sqlite3_column_int64(st, 5);
        l->final_counter = sqlite3_column_int(st, 8);
    }
    sqlite3_finalize(st);
    *count = n;
    return v;
}

static void stats(queue_t *q, const char *day, queue_snapshot_t *s)
{
    int n = 0;
    life_t *lives = read_lives(q, day, &n);
    int64_t *scratch = malloc(sizeof *scratch * (size_t)(n ? n : 1));
    if (!scratch) {
        free(lives);
        return;
    }
    figures(lives, n, BY_ALL, "all", scratch, &s->total);
    /* Services in the order they first appear today. */
    for (int i = 0; i < n; i++) {
        bool seen = false;
        for (int j = 0; j < s->n_services && !seen; j++)
            seen = strcmp(s->services[j].key, lives[i].service) == 0;
        if (!seen && s->n_services < QUEUE_MAX_SERVICES)
            figures(lives, n, BY_SERVICE, lives[i].service, scratch, &s->services[s->n_services++]);
    }
    for (int i = 0; i < s->n_cats; i++)
        figures(lives, n, BY_CATEGORY, s->cats[i].category, scratch, &s->by_cat[s->n_by_cat++]);
    for (int i = 0; i < s->n_counters; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", s->counters[i].number);
        figures(lives, n, BY_COUNTER, key, scratch, &s->by_counter[s->n_by_counter++]);
    }
    free(scratch);
    free(lives);
}

static void categories(queue_t *q, const char *day, queue_snapshot_t *s)
{
    sqlite3_stmt *st = queue_prep(
        q,
        "SELECT category, sum(state = 'waiting'), sum(state = 'waiting' AND priority IS NOT NULL),"
        " (SELECT t2.token FROM events e JOIN tokens t2 ON t2.id = e.token_id WHERE e.day = ?1"
        "  AND e.kind = 'called' AND t2.category = t.category ORDER BY e.id DESC LIMIT 1) "
        "FROM tokens t WHERE day = ?1 GROUP BY category ORDER BY category",
        "t", day);
    while (st && s->n_cats < QUEUE_MAX_CATS && sqlite3_step(st) == SQLITE_ROW) {
        queue_cat_t *c = &s->cats[s->n_cats++];
        queue_col_text(st, 0, c->category, sizeof c->category);
        c->waiting = sqlite3_column_int(st, 1);
        c->priority_waiting = sqlite3_column_int(st, 2);
        queue_col_text(st, 3, c->last_called, sizeof c->last_called);
        s->waiting_total += c->waiting;
    }
    sqlite3_finalize(st);
}

static void token_lists(queue_t *q, const char *day, queue_snapshot_t *s)
{
    sqlite3_stmt *st = queue_prep(q,
                                  "SELECT " QUEUE_TOKEN_COLS " FROM tokens WHERE day = ? AND "
                                  "state = 'waiting' ORDER BY issued_ms, id LIMIT ?",
                                  "td", day, QUEUE_MAX_LIST);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        queue_token_from_row(st, &s->waiting[s->n_waiting++]);
    sqlite3_finalize(st);
    st = queue_prep(q,
                    "SELECT " QUEUE_TOKEN_COLS " FROM tokens WHERE state IN ('called', 'serving') "
                    "ORDER BY called_ms DESC, id DESC LIMIT ?",
                    "d", QUEUE_MAX_COUNTERS);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        queue_token_from_row(st, &s->serving[s->n_serving++]);
    sqlite3_finalize(st);
    st = queue_prep(q,
                    "SELECT t.token, e.counter, e.kind = 'recalled', e.at_ms FROM events e "
                    "JOIN tokens t ON t.id = e.token_id WHERE e.day = ? AND "
                    "e.kind IN ('called', 'recalled') ORDER BY e.id DESC LIMIT ?",
                    "td", day, QUEUE_LAST_CALLS);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        queue_call_t *c = &s->last[s->n_last++];
        queue_col_text(st, 0, c->token, sizeof c->token);
        c->counter = sqlite3_column_int(st, 1);
        c->recall = sqlite3_column_int(st, 2) != 0;
        c->at_ms = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
}

static void counters(queue_t *q, const char *day, queue_snapshot_t *s)
{
    sqlite3_stmt *st = queue_prep(
        q,
        "SELECT number, name, categories, paused, pin_hash IS NOT NULL,"
        " EXISTS(SELECT 1 FROM events WHERE day = ? AND kind = 'called' AND counter = number) "
        "FROM counters ORDER BY number LIMIT ?",
        "td", day, QUEUE_MAX_COUNTERS);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        queue_counter_t *c = &s->counters[s->n_counters++];
        c->number = sqlite3_column_int(st, 0);
        queue_col_text(st, 1, c->name, sizeof c->name);
        queue_col_text(st, 2, c->categories, sizeof c->categories);
        c->paused = sqlite3_column_int(st, 3) != 0;
        c->has_pin = sqlite3_column_int(st, 4) != 0;
        if (!c->paused && sqlite3_column_int(st, 5))
            s->open_counters++;
        for (int i = 0; i < s->n_serving; i++)
            if (s->serving[i].counter == c->number && !c->token[0])
                memcpy(c->token, s->serving[i].token, sizeof c->token);
    }
    sqlite3_finalize(st);
}

void queue_snapshot(queue_t *q, int64_t now_ms, queue_snapshot_t *out)
{
    char day[16];
    memset(out, 0, sizeof *out);
    out->at_ms = now_ms;
    queue_day(now_ms, day);
    pthread_mutex_lock(&q->mu);
    out->version = q->version;
    /* One read transaction: every part of the snapshot sees the same committed state. */
    sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL);
    categories(q, day, out);
    token_lists(q, day, out);
    counters(q, day, out);
    stats(q, day, out);
    sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
    pthread_mutex_unlock(&q->mu);
}
