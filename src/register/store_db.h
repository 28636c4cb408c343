/*
 * register/store_db.h - what a database backend does for store.c: run one SQL statement
 * with text parameters ($1, $2... in both SQLite and PostgreSQL), hand back rows as text,
 * and classify errors. All SQL is in store.c, so both backends behave the same.
 */
#ifndef REGISTER_STORE_DB_H
#define REGISTER_STORE_DB_H

#include <stddef.h>

/* Results of exec and query. */
#define DB_OK        0
#define DB_TRANSIENT -1 /* connection lost, busy, disk full...: the same call may succeed later */
#define DB_PERMANENT -2 /* the data itself is refused (constraint, type, size) */

/* A row: ncols values, NULL for SQL NULL. Return 0 to go on. */
typedef int (*db_row_fn)(void *ctx, int ncols, const char *const *vals);

typedef struct db db_t;

typedef struct {
    const char *kind;
    const char *begin_sql; /* how a write transaction starts */
    /* A statement with n text parameters (NULL: SQL NULL); *changes gets the rows changed. */
    int (*exec)(db_t *db, const char *sql, int n, const char *const *params, long *changes,
                char *err, size_t errcap);
    /* A query; row is called for each row. */
    int (*query)(db_t *db, const char *sql, int n, const char *const *params, db_row_fn row,
                 void *ctx, char *err, size_t errcap);
    /* Run the backend's own schema set-up within the schema transaction (locks). */
    int (*schema_lock)(db_t *db, char *err, size_t errcap);
    /* Serialise the transactions about one key (a tracking id, a centre) until the end of
     * this transaction, whichever register runs them. */
    int (*lock)(db_t *db, int space, const char *key, char *err, size_t errcap);
    int (*reconnect)(db_t *db, char *err, size_t errcap);
    void (*close)(db_t *db);
} db_ops_t;

db_t *store_sqlite_open(const char *path, const db_ops_t **ops, char *err, size_t errcap);
db_t *store_pg_open(const char *conninfo, const db_ops_t **ops, char *err, size_t errcap);

#endif
