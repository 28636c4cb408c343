/* register/store.c - the register's schema and every statement, for both backends. */
#define _POSIX_C_SOURCE 200809L
#include "register/store.h"

#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/store_db.h"

#define SCHEMA_VERSION "1"
#define LOCK_TRACKING  7361 /* lock spaces (PostgreSQL advisory locks) */
#define LOCK_CENTRE    7362

struct register_store {
    db_t *db;
    const db_ops_t *ops;
    long die_at, events; /* register_store_die_before_commit */
};

/* Times are unix seconds (BIGINT) in both databases; the register prints them in
 * Asia/Dhaka time. token_band is NULL until a terminal has said which band it holds. */
static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS register_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS requests ("
    " tracking TEXT PRIMARY KEY, centre TEXT NOT NULL, terminal TEXT NOT NULL,"
    " token TEXT NOT NULL, service TEXT NOT NULL, category TEXT NOT NULL, lang TEXT NOT NULL,"
    " created BIGINT NOT NULL, priority TEXT, qr TEXT NOT NULL, fields_sealed TEXT,"
    " fields_erased INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, status_at BIGINT NOT NULL,"
    " printed_at BIGINT, print_error TEXT, received_at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS requests_created ON requests (created)",
    "CREATE TABLE IF NOT EXISTS events ("
    " event_id TEXT PRIMARY KEY, tracking TEXT NOT NULL, seq BIGINT NOT NULL,"
    " kind TEXT NOT NULL, status TEXT, detail TEXT, at BIGINT NOT NULL,"
    " received_at BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_tracking ON events (tracking, seq)",
    "CREATE TABLE IF NOT EXISTS terminals ("
    " centre TEXT NOT NULL, terminal TEXT NOT NULL, role TEXT NOT NULL, token_band TEXT,"
    " band_since BIGINT NOT NULL, first_seen BIGINT NOT NULL, online INTEGER NOT NULL,"
    " status TEXT NOT NULL, status_at BIGINT NOT NULL, conflict TEXT,"
    " refused_ever INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (centre, terminal))",
    "INSERT INTO register_meta (key, value) VALUES ('schema', '" SCHEMA_VERSION "')"
    " ON CONFLICT (key) DO NOTHING",
};

static int exec(register_store_t *s, const char *sql, int n, const char *const *p, long *changes,
                char *err, size_t errcap)
{
    return s->ops->exec(s->db, sql, n, p, changes, err, errcap);
}

static int begin(register_store_t *s, char *err, size_t errcap)
{
    return exec(s, s->ops->begin_sql, 0, NULL, NULL, err, errcap);
}

static void rollback(register_store_t *s)
{
    char ignored[256];
    exec(s, "ROLLBACK", 0, NULL, NULL, ignored, sizeof ignored);
}

/* Roll back and say what the caller may do. */
static register_store_result_t abandon(register_store_t *s, int rc)
{
    rollback(s);
    return rc == DB_PERMANENT ? REG_STORE_REFUSED : REG_STORE_RETRY;
}

static int first_text(void *ctx, int ncols, const char *const *vals)
{
    if (ncols > 0 && vals[0])
        snprintf(ctx, 32, "%s", vals[0]);
    return 1;
}

static int create_schema(register_store_t *s, char *err, size_t errcap)
{
    char version[32] = "";
    /* Already there: no DDL at all (even CREATE ... IF NOT EXISTS takes locks that would
     * stall the writers of a running register each time a reader opens the store). */
    if (s->ops->query(s->db, "SELECT value FROM register_meta WHERE key = 'schema'", 0, NULL,
                      first_text, version, err, errcap) == DB_OK &&
        strcmp(version, SCHEMA_VERSION) == 0)
        return 0;
    version[0] = '\0';
    int rc = begin(s, err, errcap);
    if (rc == DB_OK)
        rc = s->ops->schema_lock(s->db, err, errcap);
    for (size_t i = 0; rc == DB_OK && i < sizeof schema / sizeof schema[0]; i++)
        rc = exec(s, schema[i], 0, NULL, NULL, err, errcap);
    if (rc == DB_OK)
        rc = s->ops->query(s->db, "SELECT value FROM register_meta WHERE key = 'schema'", 0, NULL,
                           first_text, version, err, errcap);
    if (rc == DB_OK && strcmp(version, SCHEMA_VERSION) != 0) {
        snprintf(err, errcap, "schema version %s, this register knows %s: use a newer register",
                 version, SCHEMA_VERSION);
        rc = DB_PERMANENT;
    }
    if (rc == DB_OK)
        rc = exec(s, "COMMIT", 0, NULL, NULL, err, errcap);
    if (rc != DB_OK)
        rollback(s);
    return rc == DB_OK ? 0 : -1;
}

register_store_t *register_store_open(const char *spec, char *err, size_t errcap)
{
    char why[512] = "";
    register_store_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errcap, "%s: no memory", spec);
        return NULL;
    }
    if (strncmp(spec, "sqlite:", 7) == 0)
        s->db = store_sqlite_open(spec + 7, &s->ops, why, sizeof why);
    else if (strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0)
        s->db = store_pg_open(spec, &s->ops, why, sizeof why);
    else
        snprintf(why, sizeof why, "%s: expected sqlite:PATH or postgresql://...", spec);
    if (s->db && create_schema(s, why, sizeof why) < 0) {
        s->ops->close(s->db);
        s->db = NULL;
    }
    if (!s->db) {
        snprintf(err, errcap, "store: %s", why);
        free(s);
        return NULL;
    }
    return s;
}

void register_store_close(register_store_t *s)
{
    if (s) {
        s->ops->close(s->db);
        free(s);
    }
}

const char *register_store_kind(const register_store_t *s)
{
    return s->ops->kind;
}

void register_store_die_before_commit(register_store_t *s, long n)
{
    s->die_at = n;
}

int register_store_reconnect(register_store_t *s, char *err, size_t errcap)
{
    return s->ops->reconnect(s->db, err, errcap);
}

/* ---- events ---- */

typedef struct {
    char n[24];
} num_t;

static num_t num(long long v)
{
    num_t t;
    snprintf(t.n, sizeof t.n, "%lld", v);
    return t;
}

static const char *kind_name(register_kind_t k)
{
    static const char *const names[] = {"request", "print", "reprint", "erasure"};
    return names[k];
}

/* A request's latest state, folded from its events in outbox order. */
typedef struct {
    int count;
    char status[32];
    long long status_at, printed_at;
    char error[520];
    bool has_error, erased;
} fold_t;

static int fold_row(void *ctx, int ncols, const char *const *v)
{
    fold_t *f = ctx;
    assert(ncols == 4);
    const char *kind = v[0] ? v[0] : "", *status = v[1] ? v[1] : "", *detail = v[2];
    long long at = v[3] ? strtoll(v[3], NULL, 10) : 0;
    f->count++;
    if (strcmp(kind, "erasure") == 0) {
        f->erased = true;
        return 0;
    }
    bool reprint = strcmp(kind, "reprint") == 0;
    if (strcmp(kind, "request") == 0) {
        snprintf(f->status, sizeof f->status, "received");
    } else if (strcmp(status, "printed") == 0) {
        snprintf(f->status, sizeof f->status, "%s", reprint ? "reprinted" : "printed");
        f->printed_at = at;
        f->has_error = false;
    } else {
        snprintf(f->status, sizeof f->status, "%s", status);
        /* queued and unknown are outcomes not known yet, not failures */
        f->has_error = strcmp(status, "queued") != 0 && strcmp(status, "unknown") != 0;
        snprintf(f->error, sizeof f->error, "%s", detail && detail[0] ? detail : status);
    }
    f->status_at = at;
    return 0;
}

static int insert_request(register_store_t *s, const register_event_t *ev, int64_t now, char *err,
                          size_t errcap)
{
    static const char *sql =
        "INSERT INTO requests (tracking, centre, terminal, token, service, category, lang,"
        " created, priority, qr, fields_sealed, fields_erased, status, status_at, received_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $8, $13)"
        " ON CONFLICT (tracking) DO NOTHING";
    num_t at = num(ev->at), rx = num(now);
    const char *p[] = {ev->tracking, ev->centre,   ev->terminal,      ev->token,
                       ev->service,  ev->category, ev->lang,          at.n,
                       ev->priority, ev->qr,       ev->fields_sealed, ev->fields_erased ? "1" : "0",
                       rx.n};
    return exec(s, sql, 13, p, NULL, err, errcap);
}

/* Bring the request's status up to date from all its events (some may have come first). */
static int refresh_request(register_store_t *s, const register_event_t *ev, char *err,
                           size_t errcap)
{
    static const char *events = "SELECT kind, status, detail, at FROM events WHERE tracking = $1"
                                " ORDER BY seq";
    static const char *update =
        "UPDATE requests SET status = $2, status_at = $3, printed_at = $4, print_error = $5,"
        " fields_erased = CASE WHEN $6 = '1' THEN 1 ELSE fields_erased END WHERE tracking = $1";
    fold_t f = {.printed_at = -1};
    const char *p1[] = {ev->tracking};
    int rc = s->ops->query(s->db, events, 1, p1, fold_row, &f, err, errcap);
    /* A new request with no earlier events: its row already says "received". */
    if (rc != DB_OK || (ev->kind == REG_KIND_REQUEST && f.count == 1) || !f.status[0])
        return rc;
    num_t at = num(f.status_at), printed = num(f.printed_at);
    const char *p[] = {ev->tracking,
                       f.status,
                       at.n,
                       f.printed_at >= 0 ? printed.n : NULL,
                       f.has_error ? f.error : NULL,
                       f.erased ? "1" : "0"};
    return exec(s, update, 6, p, NULL, err, errcap);
}

register_store_result_t register_store_event(register_store_t *s, const register_event_t *ev,
                                             int64_t now, char *err, size_t errcap)
{
    static const char *sql =
        "INSERT INTO events (event_id, tracking, seq, kind, status, detail, at, received_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING";
    num_t seq = num(ev->seq), at = num(ev->at), rx = num(now);
    const char *p[] = {ev->event_id, ev->tracking, seq.n, kind_name(ev->kind),
                       ev->status,   ev->detail,   at.n,  rx.n};
    long changes = 0;
    int rc = begin(s, err, errcap);
    if (rc == DB_OK)
        rc = s->ops->lock(s->db, LOCK_TRACKING, ev->tracking, err, errcap);
    if (rc == DB_OK)
        rc = exec(s, sql, 8, p, &changes, err, errcap);
    if (rc == DB_OK && changes == 0) {
        rollback(s);
        return REG_STORE_DUPLICATE;
    }
    if (rc == DB_OK && ev->kind == REG_KIND_REQUEST)
        rc = insert_request(s, ev, now, err, errcap);
    if (rc == DB_OK)
        rc = refresh_request(s, ev, err, errcap);
    if (rc == DB_OK && s->die_at > 0 && ++s->events == s->die_at) {
        fprintf(stderr, "register: test: killed before committing %s\n", ev->event_id);
        raise(SIGKILL);
    }
    if (rc == DB_OK)
        rc = exec(s, "COMMIT", 0, NULL, NULL, err, errcap);
    return rc == DB_OK ? REG_STORE_STORED : abandon(s, rc);
}

/* ---- terminals and token bands ---- */

typedef struct {
    char terminal[REG_ID_MAX], band[4], conflict[160];
    bool had_conflict, changed;
} kiosk_t;

typedef struct {
    kiosk_t *k;
    int n, cap;
} kiosks_t;

static int kiosk_row(void *ctx, int ncols, const char *const *v)
{
    kiosks_t *ks = ctx;
    assert(ncols == 3);
    if (ks->n == ks->cap) {
        int cap = ks->cap ? ks->cap * 2 : 16;
        kiosk_t *k = realloc(ks->k, (size_t)cap * sizeof *k);
        if (!k)
            return 1;
        ks->k = k, ks->cap = cap;
    }
    kiosk_t *k = &ks->k[ks->n++];
    memset(k, 0, sizeof *k);
    snprintf(k->terminal, sizeof k->terminal, "%s", v[0] ? v[0] : "");
    snprintf(k->band, sizeof k->band, "%s", v[1] ? v[1] : "");
    snprintf(k->conflict, sizeof k->conflict, "%s", v[2] ? v[2] : "");
    k->had_conflict = v[2] != NULL;
    return 0;
}

/* The refusal of kiosk i (rows in band_since order: the first to claim a band holds it). */
static void band_conflict(const kiosks_t *ks, int i, char *out, size_t cap)
{
    const kiosk_t *k = &ks->k[i];
    out[0] = '\0';
    if (!k->band[0]) {
        if (ks->n > 1)
            snprintf(out, cap, "no token band, and the centre has %d other terminal%s", ks->n - 1,
                     ks->n > 2 ? "s" : "");
        return;
    }
    for (int j = 0; j < i; j++)
        if (strcmp(ks->k[j].band, k->band) == 0) {
            snprintf(out, cap, "band %s is held by %s", k->band, ks->k[j].terminal);
            return;
        }
}

static int upsert_terminal(register_store_t *s, const register_status_t *st, const char *json,
                           int64_t now, char *err, size_t errcap)
{
    /* SET expressions see the old row: band_since restarts only when the band changes. */
    static const char *with_band =
        "INSERT INTO terminals (centre, terminal, role, token_band, band_since, first_seen,"
        " online, status, status_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $5)"
        " ON CONFLICT (centre, terminal) DO UPDATE SET role = excluded.role,"
        " online = excluded.online, status = excluded.status, status_at = excluded.status_at,"
        " band_since = CASE WHEN terminals.token_band IS NOT DISTINCT FROM excluded.token_band"
        " THEN terminals.band_since ELSE excluded.band_since END,"
        " token_band = excluded.token_band";
    static const char *without_band =
        "INSERT INTO terminals (centre, terminal, role, token_band, band_since, first_seen,"
        " online, status, status_at) VALUES ($1, $2, $3, NULL, $4, $4, $5, $6, $4)"
        " ON CONFLICT (centre, terminal) DO UPDATE SET role = excluded.role,"
        " online = excluded.online, status = excluded.status, status_at = excluded.status_at";
    num_t at = num(now);
    const char *online = st->online ? "1" : "0";
    /* PostgreSQL wants every parameter it is given to appear in the statement. */
    const char *p[] = {st->centre, st->terminal, st->role, st->band, at.n, online, json};
    const char *q[] = {st->centre, st->terminal, st->role, at.n, online, json};
    return st->has_band ? exec(s, with_band, 7, p, NULL, err, errcap)
                        : exec(s, without_band, 6, q, NULL, err, errcap);
}

/* Recompute the centre's refusals; changed ones are updated and listed in out. */
static int recompute_bands(register_store_t *s, const char *centre, kiosks_t *ks, char *err,
                           size_t errcap)
{
    static const char *select =
        "SELECT terminal, token_band, conflict FROM terminals WHERE centre = $1"
        " AND role = 'kiosk' AND token_band IS NOT NULL ORDER BY band_since, terminal";
    static const char *update =
        "UPDATE terminals SET conflict = CAST($3 AS TEXT), refused_ever = CASE WHEN"
        " CAST($3 AS TEXT) IS NULL THEN refused_ever ELSE 1 END"
        " WHERE centre = $1 AND terminal = $2";
    const char *p1[] = {centre};
    int rc = s->ops->query(s->db, select, 1, p1, kiosk_row, ks, err, errcap);
    for (int i = 0; rc == DB_OK && i < ks->n; i++) {
        char now[160];
        kiosk_t *k = &ks->k[i];
        band_conflict(ks, i, now, sizeof now);
        if ((now[0] != '\0') == k->had_conflict && strcmp(now, k->conflict) == 0)
            continue; /* unchanged: not reported */
        k->changed = true;
        snprintf(k->conflict, sizeof k->conflict, "%s", now);
        const char *p[] = {centre, k->terminal, now[0] ? now : NULL};
        rc = exec(s, update, 3, p, NULL, err, errcap);
    }
    return rc;
}

register_store_result_t register_store_status(register_store_t *s, const register_status_t *st,
                                              const char *json, size_t len, int64_t now,
                                              register_control_fn changed, void *ctx, char *err,
                                              size_t errcap)
{
    char *text = malloc(len + 1);
    kiosks_t ks = {0};
    if (!text) {
        snprintf(err, errcap, "no memory");
        return REG_STORE_RETRY;
    }
    memcpy(text, json, len);
    text[len] = '\0';
    int rc = begin(s, err, errcap);
    if (rc == DB_OK) /* the centre's bands are recomputed by one transaction at a time */
        rc = s->ops->lock(s->db, LOCK_CENTRE, st->centre, err, errcap);
    if (rc == DB_OK)
        rc = upsert_terminal(s, st, text, now, err, errcap);
    if (rc == DB_OK && strcmp(st->role, "kiosk") == 0)
        rc = recompute_bands(s, st->centre, &ks, err, errcap);
    if (rc == DB_OK)
        rc = exec(s, "COMMIT", 0, NULL, NULL, err, errcap);
    free(text);
    if (rc != DB_OK) {
        free(ks.k);
        return abandon(s, rc);
    }
    for (int i = 0; i < ks.n; i++) {
        if (!ks.k[i].changed)
            continue;
        register_control_t c;
        snprintf(c.centre, sizeof c.centre, "%s", st->centre);
        snprintf(c.terminal, sizeof c.terminal, "%s", ks.k[i].terminal);
        snprintf(c.conflict, sizeof c.conflict, "%s", ks.k[i].conflict);
        changed(&c, ctx);
    }
    free(ks.k);
    return REG_STORE_STORED;
}

typedef struct {
    register_control_fn fn;
    void *ctx;
} controls_t;

static int control_row(void *ctx, int ncols, const char *const *v)
{
    controls_t *c = ctx;
    register_control_t ctl;
    assert(ncols == 3);
    snprintf(ctl.centre, sizeof ctl.centre, "%s", v[0] ? v[0] : "");
    snprintf(ctl.terminal, sizeof ctl.terminal, "%s", v[1] ? v[1] : "");
    snprintf(ctl.conflict, sizeof ctl.conflict, "%s", v[2] ? v[2] : "");
    c->fn(&ctl, c->ctx);
    return 0;
}

int register_store_controls(register_store_t *s, register_control_fn fn, void *ctx, char *err,
                            size_t errcap)
{
    controls_t c = {fn, ctx};
    return s->ops->query(s->db,
                         "SELECT centre, terminal, conflict FROM terminals"
                         " WHERE conflict IS NOT NULL OR refused_ever = 1"
                         " ORDER BY centre, terminal",
                         0, NULL, control_row, &c, err, errcap) == DB_OK
               ? 0
               : -1;
}

/* ---- reading requests ---- */

#define REQUEST_COLUMNS                                                                            \
    "SELECT r.tracking, r.centre, r.terminal, r.token, r.service, r.category, r.lang,"             \
    " r.created, r.priority, r.status, r.status_at, r.printed_at, r.print_error,"                  \
    " r.fields_erased, r.received_at, r.qr, r.fields_sealed,"                                      \
    " (SELECT CASE WHEN t.conflict IS NULL THEN 0 ELSE 1 END FROM terminals t"                     \
    " WHERE t.centre = r.centre AND t.terminal = r.terminal) FROM requests r "

void register_request_free(register_request_t *r)
{
    free(r->qr);
    free(r->fields_sealed);
    r->qr = r->fields_sealed = NULL;
}

static void copy(char *out, size_t cap, const char *v)
{
    snprintf(out, cap, "%s", v ? v : "");
}

static long long num_of(const char *v, long long none)
{
    return v ? strtoll(v, NULL, 10) : none;
}

static int request_of(const char *const *v, int ncols, register_request_t *r)
{
    assert(ncols == 18);
    memset(r, 0, sizeof *r);
    copy(r->tracking, sizeof r->tracking, v[0]);
    copy(r->centre, sizeof r->centre, v[1]);
    copy(r->terminal, sizeof r->terminal, v[2]);
    copy(r->token, sizeof r->token, v[3]);
    copy(r->service, sizeof r->service, v[4]);
    copy(r->category, sizeof r->category, v[5]);
    copy(r->lang, sizeof r->lang, v[6]);
    r->created = num_of(v[7], 0);
    copy(r->priority, sizeof r->priority, v[8]);
    copy(r->status, sizeof r->status, v[9]);
    r->status_at = num_of(v[10], 0);
    r->printed_at = num_of(v[11], -1);
    copy(r->print_error, sizeof r->print_error, v[12]);
    r->fields_erased = num_of(v[13], 0) != 0;
    r->received_at = num_of(v[14], 0);
    r->qr = strdup(v[15] ? v[15] : "");
    r->fields_sealed = v[16] ? strdup(v[16]) : NULL;
    r->conflict = (int)num_of(v[17], 0);
    return r->qr && (!v[16] || r->fields_sealed) ? 0 : -1;
}

typedef struct {
    register_request_t *out;
    int found;
} one_t;

static int one_row(void *ctx, int ncols, const char *const *v)
{
    one_t *o = ctx;
    o->found = request_of(v, ncols, o->out) == 0 ? 1 : -1;
    return 1;
}

int register_store_request(register_store_t *s, const char *tracking, register_request_t *out,
                           char *err, size_t errcap)
{
    one_t o = {out, 0};
    const char *p[] = {tracking};
    if (s->ops->query(s->db, REQUEST_COLUMNS "WHERE r.tracking = $1", 1, p, one_row, &o, err,
                      errcap) != DB_OK)
        return -1;
    if (o.found < 0) {
        register_request_free(out);
        snprintf(err, errcap, "no memory");
    }
    return o.found;
}

typedef struct {
    int (*fn)(const register_request_t *r, void *ctx);
    void *ctx;
    long n;
    bool failed;
} each_t;

static int each_row(void *ctx, int ncols, const char *const *v)
{
    each_t *e = ctx;
    register_request_t r;
    int rc = request_of(v, ncols, &r);
    if (rc == 0)
        rc = e->fn(&r, e->ctx);
    register_request_free(&r);
    e->failed = rc != 0;
    e->n += rc == 0;
    return rc;
}

long register_store_each(register_store_t *s, int64_t since,
                         int (*fn)(const register_request_t *r, void *ctx), void *ctx, char *err,
                         size_t errcap)
{
    each_t e = {fn, ctx, 0, false};
    num_t from = num(since);
    const char *p[] = {from.n};
    if (s->ops->query(s->db, REQUEST_COLUMNS "WHERE r.created >= $1 ORDER BY r.created, r.tracking",
                      1, p, each_row, &e, err, errcap) != DB_OK)
        return -1;
    if (e.failed) {
        snprintf(err, errcap, "export stopped (cannot write, or no memory)");
        return -1;
    }
    return e.n;
}

static int counts_row(void *ctx, int ncols, const char *const *v)
{
    long *c = ctx;
    for (int i = 0; i < ncols && i < 3; i++)
        c[i] = v[i] ? strtol(v[i], NULL, 10) : 0;
    return 1;
}

int register_store_counts(register_store_t *s, long *requests, long *events, long *orphans,
                          char *err, size_t errcap)
{
    long c[3] = {0, 0, 0};
    int rc = s->ops->query(s->db,
                           "SELECT (SELECT COUNT(*) FROM requests), (SELECT COUNT(*) FROM events),"
                           " (SELECT COUNT(*) FROM events e WHERE NOT EXISTS"
                           " (SELECT 1 FROM requests r WHERE r.tracking = e.tracking))",
                           0, NULL, counts_row, c, err, errcap);
    *requests = c[0], *events = c[1], *orphans = c[2];
    return rc == DB_OK ? 0 : -1;
}
