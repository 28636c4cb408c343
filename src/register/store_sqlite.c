/* register/store_sqlite.c - the embedded backend: one SQLite file in WAL mode, synchronous
 * FULL, so a committed message survives a power cut before it is acknowledged. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/store_db.h"

#define CACHE 24

struct db {
    sqlite3 *h;
    char path[1024];
    /* Prepared statements by SQL text pointer: store.c's statements are string constants. */
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[CACHE];
};

/* Busy, locked, I/O errors and a full disk pass; a constraint, a type or size problem is the
 * data's. Anything else (even corruption) stops the stream rather than drop messages. */
static int classify(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
        return DB_PERMANENT;
    default:
        return DB_TRANSIENT;
    }
}

static int fail(db_t *db, int rc, const char *what, char *err, size_t errcap)
{
    snprintf(err, errcap, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
    return classify(rc);
}

static sqlite3_stmt *prepare(db_t *db, const char *sql, int *rc)
{
    int free_slot = -1;
    for (int i = 0; i < CACHE; i++) {
        if (db->cache[i].sql == sql) {
            sqlite3_reset(db->cache[i].st);
            sqlite3_clear_bindings(db->cache[i].st);
            return db->cache[i].st;
        }
        if (!db->cache[i].sql && free_slot < 0)
            free_slot = i;
    }
    sqlite3_stmt *st = NULL;
    *rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (*rc != SQLITE_OK)
        return NULL;
    if (free_slot >= 0) {
        db->cache[free_slot].sql = sql;
        db->cache[free_slot].st = st;
    }
    return st;
}

static void done(db_t *db, sqlite3_stmt *st)
{
    for (int i = 0; i < CACHE; i++)
        if (db->cache[i].st == st) {
            sqlite3_reset(st);
            return;
        }
    sqlite3_finalize(st);
}

/* $1..$n by name: SQLite numbers parameters by first appearance, not by their digits. */
static int bind(sqlite3_stmt *st, int n, const char *const *params)
{
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "$%d", i + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx == 0)
            continue;
        int rc = params[i] ? sqlite3_bind_text(st, idx, params[i], -1, SQLITE_STATIC)
                           : sqlite3_bind_null(st, idx);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

static int run(db_t *db, const char *sql, int n, const char *const *params, db_row_fn row,
               void *ctx, long *changes, char *err, size_t errcap)
{
    int rc = SQLITE_OK;
    sqlite3_stmt *st = prepare(db, sql, &rc);
    if (!st)
        return fail(db, rc, "prepare", err, errcap);
    if ((rc = bind(st, n, params)) != SQLITE_OK) {
        done(db, st);
        return fail(db, rc, "bind", err, errcap);
    }
    int cols = sqlite3_column_count(st);
    const char *vals[32];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < cols && i < 32; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if (row && row(ctx, cols < 32 ? cols : 32, vals) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE) {
        int r = fail(db, rc, "step", err, errcap);
        done(db, st);
        return r;
    }
    if (changes)
        *changes = sqlite3_changes(db->h);
    done(db, st);
    return DB_OK;
}

static int db_exec(db_t *db, const char *sql, int n, const char *const *params, long *changes,
                   char *err, size_t errcap)
{
    return run(db, sql, n, params, NULL, NULL, changes, err, errcap);
}

static int db_query(db_t *db, const char *sql, int n, const char *const *params, db_row_fn row,
                    void *ctx, char *err, size_t errcap)
{
    return run(db, sql, n, params, row, ctx, NULL, err, errcap);
}

static int db_schema_lock(db_t *db, char *err, size_t errcap)
{
    (void)db, (void)err, (void)errcap; /* BEGIN IMMEDIATE already holds the write lock */
    return DB_OK;
}

static int db_lock(db_t *db, int space, const char *key, char *err, size_t errcap)
{
    (void)db, (void)space, (void)key, (void)err, (void)errcap; /* one writer at a time anyway */
    return DB_OK;
}

static void close_handle(db_t *db)
{
    for (int i = 0; i < CACHE; i++)
        if (db->cache[i].st)
            sqlite3_finalize(db->cache[i].st);
    memset(db->cache, 0, sizeof db->cache);
    sqlite3_close(db->h);
    db->h = NULL;
}

static int connect_db(db_t *db, char *err, size_t errcap)
{
    int rc = sqlite3_open_v2(
        db->path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", db->path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
        close_handle(db);
        return -1;
    }
    /* Another register may share the file (two processes in a district): wait for it. */
    sqlite3_busy_timeout(db->h, 10000);
    char *msg = NULL;
    if (sqlite3_exec(db->h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
                     &msg) != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", db->path, msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        close_handle(db);
        return -1;
    }
    return 0;
}

static int db_reconnect(db_t *db, char *err, size_t errcap)
{
    close_handle(db);
    return connect_db(db, err, errcap);
}

static void db_close(db_t *db)
{
    if (db) {
        close_handle(db);
        free(db);
    }
}

static const db_ops_t ops_sqlite = {
    .kind = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .exec = db_exec,
    .query = db_query,
    .schema_lock = db_schema_lock,
    .lock = db_lock,
    .reconnect = db_reconnect,
    .close = db_close,
};

db_t *store_sqlite_open(const char *path, const db_ops_t **ops, char *err, size_t errcap)
{
    db_t *db = calloc(1, sizeof *db);
    if (!db || strlen(path) >= sizeof db->path || !path[0]) {
        snprintf(err, errcap, "sqlite:%s: %s", path, db ? "expected a file name" : "no memory");
        free(db);
        return NULL;
    }
    snprintf(db->path, sizeof db->path, "%s", path);
    if (connect_db(db, err, errcap) < 0) {
        free(db);
        return NULL;
    }
    *ops = &ops_sqlite;
    return db;
}
