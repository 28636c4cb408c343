/* register/store_pg.c - the national backend: PostgreSQL through libpq, one connection per
 * thread that writes or reads, synchronous_commit on (a commit has reached the server's
 * disk before the broker gets its acknowledgement). */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register/store_db.h"

struct db {
    PGconn *conn;
    char *conninfo;
};

/* Data exceptions (22), constraint violations (23) and program limits (54) are the data's;
 * a lost connection, a shutdown, a deadlock, no space...: try again. */
static int classify(db_t *db, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(db->conn) != CONNECTION_OK || !state)
        return DB_TRANSIENT;
    if (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0 ||
        strncmp(state, "54", 2) == 0)
        return DB_PERMANENT;
    return DB_TRANSIENT;
}

static int fail(db_t *db, PGresult *res, char *err, size_t errcap)
{
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg[0])
        msg = PQerrorMessage(db->conn);
    snprintf(err, errcap, "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
    int r = classify(db, res);
    PQclear(res);
    return r;
}

static int db_exec(db_t *db, const char *sql, int n, const char *const *params, long *changes,
                   char *err, size_t errcap)
{
    PGresult *res = PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail(db, res, err, errcap);
    if (changes) {
        const char *t = PQcmdTuples(res);
        *changes = t[0] ? strtol(t, NULL, 10) : 0;
    }
    PQclear(res);
    return DB_OK;
}

/* Rows one at a time (single-row mode): an export of millions of requests stays small. */
static int db_query(db_t *db, const char *sql, int n, const char *const *params, db_row_fn row,
                    void *ctx, char *err, size_t errcap)
{
    if (!PQsendQueryParams(db->conn, sql, n, NULL, params, NULL, NULL, 0))
        return fail(db, NULL, err, errcap);
    PQsetSingleRowMode(db->conn);
    int rc = DB_OK;
    bool stop = false;
    for (PGresult *res; (res = PQgetResult(db->conn));) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_SINGLE_TUPLE && !stop && rc == DB_OK) {
            const char *vals[32];
            int cols = PQnfields(res) < 32 ? PQnfields(res) : 32;
            for (int i = 0; i < cols; i++)
                vals[i] = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);
            stop = row(ctx, cols, vals) != 0;
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == DB_OK) {
            rc = fail(db, res, err, errcap);
            continue; /* fail cleared it; drain the rest */
        }
        PQclear(res);
    }
    return rc;
}

/* Two registers starting together must not both create the tables. */
static int db_schema_lock(db_t *db, char *err, size_t errcap)
{
    return db_exec(db, "SELECT pg_advisory_xact_lock(736100111)", 0, NULL, NULL, err, errcap);
}

/* An advisory lock held until COMMIT or ROLLBACK: without it, a request and its print
 * event stored at the same moment by two registers could each miss the other's row and
 * leave a stale status. Hash collisions only serialise a little more. */
static int db_lock(db_t *db, int space, const char *key, char *err, size_t errcap)
{
    char s[16];
    snprintf(s, sizeof s, "%d", space);
    const char *p[] = {s, key};
    return db_exec(db, "SELECT pg_advisory_xact_lock(CAST($1 AS INTEGER), hashtext($2))", 2, p,
                   NULL, err, errcap);
}

static int connect_db(db_t *db, char *err, size_t errcap)
{
    db->conn = PQconnectdb(db->conninfo);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(db->conn);
        snprintf(err, errcap, "postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
        PQfinish(db->conn);
        db->conn = NULL;
        return -1;
    }
    /* Whatever the server's default: a commit must be durable before we acknowledge. The
     * notices of CREATE ... IF NOT EXISTS are not for the register's log. */
    if (db_exec(db, "SET synchronous_commit TO on", 0, NULL, NULL, err, errcap) != DB_OK ||
        db_exec(db, "SET client_min_messages TO warning", 0, NULL, NULL, err, errcap) != DB_OK)
        return -1;
    return 0;
}

static int db_reconnect(db_t *db, char *err, size_t errcap)
{
    if (db->conn && PQstatus(db->conn) == CONNECTION_OK)
        return 0;
    PQfinish(db->conn);
    db->conn = NULL;
    return connect_db(db, err, errcap);
}

static void db_close(db_t *db)
{
    if (db) {
        PQfinish(db->conn);
        free(db->conninfo);
        free(db);
    }
}

static const db_ops_t ops_pg = {
    .kind = "postgresql",
    .begin_sql = "BEGIN",
    .exec = db_exec,
    .query = db_query,
    .schema_lock = db_schema_lock,
    .lock = db_lock,
    .reconnect = db_reconnect,
    .close = db_close,
};

db_t *store_pg_open(const char *conninfo, const db_ops_t **ops, char *err, size_t errcap)
{
    db_t *db = calloc(1, sizeof *db);
    if (!db || !(db->conninfo = strdup(conninfo))) {
        snprintf(err, errcap, "postgresql: no memory");
        free(db);
        return NULL;
    }
    if (connect_db(db, err, errcap) < 0) {
        db_close(db);
        return NULL;
    }
    *ops = &ops_pg;
    return db;
}
