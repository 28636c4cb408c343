/* store/outbox.c - reading and acknowledging the journal's outbox (filled by triggers). */
#include "store/outbox.h"

#include <stdio.h>
#include <string.h>

#include "store/journal_private.h"

static const char *const kind_names[] = {"request", "print", "reprint", "erasure"};

const char *outbox_kind_name(outbox_kind_t k)
{
    return k >= OUTBOX_REQUEST && k <= OUTBOX_ERASURE ? kind_names[k] : "?";
}

static outbox_kind_t kind_of(const char *s)
{
    for (int i = OUTBOX_PRINT; i <= OUTBOX_ERASURE; i++)
        if (s && strcmp(s, kind_names[i]) == 0)
            return (outbox_kind_t)i;
    return OUTBOX_REQUEST;
}

static int fail(sqlite3 *db, const char *what, char *err, size_t cap)
{
    snprintf(err, cap, "journal: outbox: %s: %s", what, sqlite3_errmsg(db));
    return -1;
}

static void text_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static void row_of(sqlite3_stmt *st, outbox_row_t *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->request_id = sqlite3_column_int64(st, 1);
    r->kind = kind_of((const char *)sqlite3_column_text(st, 2));
    text_col(st, 3, r->status, sizeof r->status);
    text_col(st, 4, r->detail, sizeof r->detail);
    r->at = sqlite3_column_int64(st, 5);
    text_col(st, 6, r->tracking, sizeof r->tracking);
    text_col(st, 7, r->token, sizeof r->token);
    text_col(st, 8, r->service, sizeof r->service);
    text_col(st, 9, r->lang, sizeof r->lang);
    const unsigned char *p = sqlite3_column_text(st, 10);
    r->prefix = p ? (char)p[0] : '?';
    text_col(st, 11, r->priority, sizeof r->priority);
    r->created = sqlite3_column_int64(st, 12);
    r->fields_erased = sqlite3_column_int(st, 13) != 0;
}

/* Only a request event carries the fields: the others say what happened to it. */
static int fields_of(sqlite3 *db, outbox_row_t *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT field_id, value FROM request_fields WHERE request_id = ? "
                           "ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, r->request_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->field_count < JOURNAL_MAX_FIELDS) {
        text_col(st, 0, r->field_ids[r->field_count], sizeof r->field_ids[0]);
        text_col(st, 1, r->values[r->field_count], sizeof r->values[0]);
        r->field_count++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int outbox_next(journal_t *j, int64_t after, outbox_row_t *rows, int max, char *err, size_t errcap)
{
    sqlite3 *db = journal_db(j);
    sqlite3_stmt *st;
    const char *sql = "SELECT o.id, o.request_id, o.kind, o.status, o.detail, o.at, "
                      "r.tracking_id, r.token, r.service_id, r.lang, r.prefix, r.priority, "
                      "r.created_at, r.fields_erased FROM outbox o JOIN requests r "
                      "ON r.id = o.request_id WHERE o.synced_at IS NULL AND o.id > ? "
                      "ORDER BY o.id LIMIT ?";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(db, "reading", err, errcap);
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, max);
    int n = 0, rc = SQLITE_DONE;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        row_of(st, &rows[n++]);
    bool ok = n == max || rc == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        return fail(db, "reading", err, errcap);
    for (int i = 0; i < n; i++)
        if (rows[i].kind == OUTBOX_REQUEST && !rows[i].fields_erased && fields_of(db, &rows[i]) < 0)
            return fail(db, "reading the fields", err, errcap);
    return n;
}

int outbox_mark_synced(journal_t *j, const int64_t *ids, int n, int64_t now, char *err,
                       size_t errcap)
{
    sqlite3 *db = journal_db(j);
    sqlite3_stmt *st;
    if (n == 0)
        return 0;
    int begin = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (begin == SQLITE_BUSY)
        return 1;
    if (begin != SQLITE_OK)
        return fail(db, "marking", err, errcap);
    int rc = sqlite3_prepare_v2(db,
                                "UPDATE outbox SET synced_at = ? WHERE id = ? AND "
                                "synced_at IS NULL",
                                -1, &st, NULL) == SQLITE_OK
                 ? 0
                 : -1;
    for (int i = 0; i < n && rc == 0; i++) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, ids[i]);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    fail(db, "marking", err, errcap);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

void outbox_relax_marks(journal_t *j)
{
    sqlite3_exec(journal_db(j), "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    sqlite3_busy_timeout(journal_db(j), 0);
}

static int64_t scalar(journal_t *j, const char *sql, int64_t fallback)
{
    sqlite3_stmt *st;
    int64_t v = fallback;
    if (sqlite3_prepare_v2(journal_db(j), sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

bool outbox_changed(journal_t *j, int64_t *seen)
{
    int64_t v = scalar(j, "PRAGMA data_version", *seen);
    bool changed = v != *seen;
    *seen = v;
    return changed;
}

long outbox_backlog(journal_t *j)
{
    return (long)scalar(j, "SELECT COUNT(*) FROM outbox WHERE synced_at IS NULL", -1);
}

int64_t outbox_last_synced(journal_t *j)
{
    return scalar(j, "SELECT COALESCE(MAX(synced_at), 0) FROM outbox", 0);
}
