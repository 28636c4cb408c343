/* store/techlog.c - the technician's log in the journal and on stderr. */
#include "store/techlog.h"

#include <stdio.h>
#include <string.h>

#include "store/journal_private.h"

int techlog_add(journal_t *j, const techlog_row_t *row)
{
    fprintf(stderr, "kiosk: technician: %s: %s\n", row->event, row->detail);
    if (!j)
        return -1;
    sqlite3 *db = journal_db(j);
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO technician_log(at, event, failures, lock_step, locked_until, "
                      "detail) VALUES(?,?,?,?,?,?)";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "kiosk: technician log: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(st, 1, row->at);
    sqlite3_bind_text(st, 2, row->event, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, row->failures);
    sqlite3_bind_int(st, 4, row->step);
    if (row->until > 0)
        sqlite3_bind_int64(st, 5, row->until);
    sqlite3_bind_text(st, 6, row->detail, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "kiosk: technician log: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

static void copy_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int techlog_recent(journal_t *j, techlog_row_t *rows, int max)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT at, event, failures, lock_step, locked_until, detail "
                      "FROM technician_log ORDER BY id DESC LIMIT ?";
    if (!j || sqlite3_prepare_v2(journal_db(j), sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int(st, 1, max);
    int n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
        techlog_row_t *r = &rows[n++];
        r->at = sqlite3_column_int64(st, 0);
        copy_text(st, 1, r->event, sizeof r->event);
        r->failures = sqlite3_column_int(st, 2);
        r->step = sqlite3_column_int(st, 3);
        r->until = sqlite3_column_int64(st, 4);
        copy_text(st, 5, r->detail, sizeof r->detail);
    }
    sqlite3_finalize(st);
    return n;
}
