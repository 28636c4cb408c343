/* store/journal.c - SQLite journal: schema, migrations, token issue. */
#include "store/journal.h"

#include <errno.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/journal_private.h"
#include "text/locale.h"

#define SCHEMA_VERSION 2

struct journal {
    sqlite3 *db;
};

sqlite3 *journal_db(journal_t *j)
{
    return j->db;
}

/* Version 1. Later versions append migrations; user_version records where a file is. */
static const char *const migrations[SCHEMA_VERSION] = {
    "CREATE TABLE token_seq("
    "  day TEXT NOT NULL, prefix TEXT NOT NULL, last INTEGER NOT NULL,"
    "  PRIMARY KEY(day, prefix));"
    "CREATE TABLE requests("
    "  id INTEGER PRIMARY KEY,"
    "  tracking_id TEXT NOT NULL UNIQUE,"
    "  token TEXT NOT NULL,"
    "  day TEXT NOT NULL, prefix TEXT NOT NULL, number INTEGER NOT NULL,"
    "  service_id TEXT NOT NULL, lang TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  print_status TEXT NOT NULL DEFAULT 'pending',"
    "  printed_at INTEGER, print_error TEXT,"
    "  UNIQUE(day, prefix, number));"
    "CREATE TABLE request_fields("
    "  request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,"
    "  field_id TEXT NOT NULL, value TEXT NOT NULL,"
    "  PRIMARY KEY(request_id, field_id));",
    /* 2: retention erases what citizens typed after some days, keeping the request (counts,
     * tokens) and saying so. */
    "ALTER TABLE requests ADD COLUMN fields_erased INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX requests_created ON requests(created_at);",
};

static int db_fail(journal_t *j, const char *what, char *err, size_t cap)
{
    snprintf(err, cap, "journal: %s: %s", what, sqlite3_errmsg(j->db));
    return -1;
}

static int exec(journal_t *j, const char *sql, char *err, size_t cap)
{
    return sqlite3_exec(j->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(j, sql, err, cap);
}

static int user_version(journal_t *j)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Bring the schema up to date in one IMMEDIATE transaction that also reads the version:
 * two kiosks starting on one data folder must not both run the same migration. */
static int migrate(journal_t *j, char *err, size_t cap)
{
    if (exec(j, "BEGIN IMMEDIATE", err, cap) < 0)
        return -1;
    int v = user_version(j);
    int rc = 0;
    if (v < 0)
        rc = db_fail(j, "reading the schema version", err, cap);
    else if (v > SCHEMA_VERSION)
        rc = (snprintf(err, cap, "journal: schema version %d is newer than this kiosk (%d)", v,
                       SCHEMA_VERSION),
              -1);
    for (; rc == 0 && v < SCHEMA_VERSION; v++) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (exec(j, migrations[v], err, cap) < 0 || exec(j, bump, err, cap) < 0)
            rc = -1;
    }
    if (rc == 0)
        return exec(j, "COMMIT", err, cap);
    sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

#define MARKER "journal.DAMAGED"

/* Refuse to start over a journal that was found damaged until a technician says so. */
static bool damaged_before(const char *dir, char *err, size_t errcap)
{
    char path[1100], why[600] = "";
    snprintf(path, sizeof path, "%s/%s", dir, MARKER);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return false;
    size_t n = fread(why, 1, sizeof why - 1, fp);
    fclose(fp);
    why[n] = '\0';
    why[strcspn(why, "\n")] = '\0';
    snprintf(err, errcap,
             "%s: %s. Save that file, then start a new journal with "
             "`kiosk --new-journal --data %s` (and restore the last export with "
             "--import-journal, so no token is issued twice).",
             dir, why, dir);
    return true;
}

/* Move a damaged journal (and its WAL) aside and leave a marker saying where it went. */
static void move_aside(const char *dir, const char *path, const char *reason, char *err,
                       size_t errcap)
{
    char to[1100], from[1100], marker[1100];
    long long t = (long long)time(NULL);
    static const char *const parts[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(from, sizeof from, "%s%s", path, parts[i]);
        snprintf(to, sizeof to, "%s.damaged-%lld%s", path, t, parts[i]);
        rename(from, to);
    }
    snprintf(to, sizeof to, "%s.damaged-%lld", path, t);
    snprintf(marker, sizeof marker, "%s/%s", dir, MARKER);
    FILE *fp = fopen(marker, "w");
    if (fp) {
        fprintf(fp, "the journal was damaged (%s) and was moved to %s\n", reason, to);
        fclose(fp);
    }
    damaged_before(dir, err, errcap);
}

/* quick_check reads every page: a damaged file fails here, not at the first confirm. */
static bool healthy(journal_t *j, char *why, size_t cap)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(j->db, "PRAGMA quick_check", -1, &st, NULL);
    bool ok = rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    if (!ok)
        snprintf(why, cap, "%s",
                 rc == SQLITE_OK && sqlite3_column_text(st, 0)
                     ? (const char *)sqlite3_column_text(st, 0)
                     : sqlite3_errmsg(j->db));
    sqlite3_finalize(st);
    return ok;
}

/* Switching to WAL needs the database to itself for a moment. SQLite can answer SQLITE_BUSY
 * at once here without calling the busy handler (it would be upgrading a read lock, and
 * waiting could deadlock), so a second kiosk starting at the same time retries itself. */
static int wal(journal_t *j, char *err, size_t errcap)
{
    for (int i = 0; i < 50; i++) {
        int rc = sqlite3_exec(j->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            break;
        sqlite3_sleep(100);
    }
    return db_fail(j, "PRAGMA journal_mode=WAL", err, errcap);
}

static int configure(journal_t *j, const char *path, char *err, size_t errcap)
{
    /* A file from a newer kiosk is refused before anything about it changes. */
    int v = user_version(j);
    if (v > SCHEMA_VERSION) {
        snprintf(err, errcap, "%s: schema version %d is newer than this kiosk (%d)", path, v,
                 SCHEMA_VERSION);
        return -1;
    }
    /* WAL with full sync: a commit survives power loss and costs one fsync of the log.
     * secure_delete: what retention erases is overwritten, not left in free pages. */
    if (wal(j, err, errcap) < 0 || exec(j, "PRAGMA synchronous=FULL", err, errcap) < 0 ||
        exec(j, "PRAGMA secure_delete=ON", err, errcap) < 0 ||
        exec(j, "PRAGMA foreign_keys=ON", err, errcap) < 0)
        return -1;
    return migrate(j, err, errcap);
}

journal_t *journal_open(const char *dir, char *err, size_t errcap)
{
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "%s: cannot create the data folder: %s", dir, strerror(errno));
        return NULL;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errcap, "%s: the data folder is not a folder", dir);
        return NULL;
    }
    if (damaged_before(dir, err, errcap))
        return NULL;
    journal_t *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errcap, "journal: out of memory");
        return NULL;
    }
    char path[1024], why[256];
    snprintf(path, sizeof path, "%s/journal.sqlite", dir);
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", path, j->db ? sqlite3_errmsg(j->db) : "cannot open");
        journal_close(j);
        return NULL;
    }
    sqlite3_busy_timeout(j->db, 5000);
    if (!healthy(j, why, sizeof why)) {
        journal_close(j);
        move_aside(dir, path, why, err, errcap);
        return NULL;
    }
    if (configure(j, path, err, errcap) < 0) {
        journal_close(j);
        return NULL;
    }
    return j;
}

int journal_accept_new(const char *dir, char *err, size_t errcap)
{
    char marker[1100];
    snprintf(marker, sizeof marker, "%s/%s", dir, MARKER);
    if (unlink(marker) != 0 && errno != ENOENT) {
        snprintf(err, errcap, "%s: %s", marker, strerror(errno));
        return -1;
    }
    return 0;
}

void journal_close(journal_t *j)
{
    if (!j)
        return;
    sqlite3_close(j->db);
    free(j);
}

/* Next number for (day, key) inside the open transaction. */
static int next_number(journal_t *j, const char *day, const char *key, int *out)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO token_seq(day, prefix, last) VALUES(?1, ?2, 1) "
                      "ON CONFLICT(day, prefix) DO UPDATE SET last = last + 1 RETURNING last";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc;
}

static int insert_request(journal_t *j, const journal_request_t *q, const char *day,
                          journal_receipt_t *out)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO requests(tracking_id, token, day, prefix, number, service_id, "
                      "lang, created_at) VALUES(?,?,?,?,?,?,?,?)";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    char prefix[2] = {q->prefix, '\0'};
    sqlite3_bind_text(st, 1, out->tracking, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, out->token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, out->number);
    sqlite3_bind_text(st, 6, q->service_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, lang_code(q->lang), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, q->now);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    out->id = sqlite3_last_insert_rowid(j->db);
    return rc;
}

static int insert_fields(journal_t *j, const journal_request_t *q, int64_t id)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO request_fields(request_id, field_id, value) VALUES(?,?,?)";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (int i = 0; i < q->field_count && rc == 0; i++) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, q->field_ids[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, q->values[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int commit_body(journal_t *j, const journal_request_t *q, journal_receipt_t *out)
{
    locale_tm_t tm;
    locale_dhaka_time(q->now, &tm);
    char day[16], prefix[2] = {q->prefix, '\0'};
    snprintf(day, sizeof day, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
    int seq;
    if (next_number(j, day, prefix, &out->number) < 0 || next_number(j, day, "*", &seq) < 0)
        return -1;
    snprintf(out->token, sizeof out->token, "%c-%03d", q->prefix, out->number);
    snprintf(out->tracking, sizeof out->tracking, "%s-%s-%04d%02d%02d-%04d", q->centre_id,
             q->terminal_id, tm.year, tm.month, tm.day, seq);
    if (insert_request(j, q, day, out) < 0)
        return -1;
    return insert_fields(j, q, out->id);
}

int journal_commit(journal_t *j, const journal_request_t *req, journal_receipt_t *out, char *err,
                   size_t errcap)
{
    memset(out, 0, sizeof *out);
    if (exec(j, "BEGIN IMMEDIATE", err, errcap) < 0)
        return -1;
    if (commit_body(j, req, out) < 0) {
        db_fail(j, "committing a request", err, errcap);
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return exec(j, "COMMIT", err, errcap);
}

int journal_record_print(journal_t *j, int64_t request_id, const char *status, const char *detail,
                         int64_t now, char *err, size_t errcap)
{
    sqlite3_stmt *st;
    /* A receipt printed once stays "printed": a later success is a reprint. */
    const char *sql = "UPDATE requests SET "
                      "print_status = CASE WHEN ?1 = 'printed' AND print_status IN "
                      "('printed', 'reprinted') THEN 'reprinted' ELSE ?1 END, "
                      "printed_at = CASE WHEN ?1 = 'printed' THEN ?2 ELSE printed_at END, "
                      "print_error = CASE WHEN ?1 = 'printed' THEN NULL ELSE ?3 END "
                      "WHERE id = ?4";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(j, "recording a print", err, errcap);
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, request_id);
    int rc = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(j->db) == 1 ? 0 : -1;
    sqlite3_finalize(st);
    if (rc < 0)
        snprintf(err, errcap, "journal: no request %lld to record a print for",
                 (long long)request_id);
    return rc;
}

int journal_settle_prints(journal_t *j, char *err, size_t errcap)
{
    const char *sql = "UPDATE requests SET print_error = 'no outcome was recorded before the "
                      "kiosk stopped (it was ' || print_status || ')', print_status = 'unknown' "
                      "WHERE print_status IN ('pending', 'queued')";
    if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(j, "settling unfinished receipts", err, errcap);
    return sqlite3_changes(j->db);
}

/* [start, end) of the Asia/Dhaka day holding t. */
static void day_bounds(int64_t t, int64_t *start, int64_t *end)
{
    locale_tm_t tm;
    locale_dhaka_time(t, &tm);
    tm.hour = tm.min = tm.sec = 0;
    *start = locale_dhaka_unix(&tm);
    *end = *start + 86400;
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static void summary_of(sqlite3_stmt *st, journal_summary_t *r)
{
    r->id = sqlite3_column_int64(st, 0);
    copy_col(st, 1, r->tracking, sizeof r->tracking);
    copy_col(st, 2, r->token, sizeof r->token);
    copy_col(st, 3, r->service, sizeof r->service);
    copy_col(st, 4, r->status, sizeof r->status);
    r->created = sqlite3_column_int64(st, 5);
}

/* A query over today's requests (Asia/Dhaka): its two parameters are the day's bounds. */
static sqlite3_stmt *prepare_day(journal_t *j, int64_t now, const char *sql)
{
    int64_t a, b;
    sqlite3_stmt *st;
    day_bounds(now, &a, &b);
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    return st;
}

int journal_day(journal_t *j, int64_t now, journal_summary_t *rows, int max)
{
    sqlite3_stmt *st = prepare_day(j, now,
                                   "SELECT id, tracking_id, token, service_id, print_status, "
                                   "created_at FROM requests WHERE created_at >= ? AND "
                                   "created_at < ? ORDER BY id DESC");
    if (!st)
        return 0;
    int n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        summary_of(st, &rows[n++]);
    sqlite3_finalize(st);
    return n;
}

int journal_day_counts(journal_t *j, int64_t now, journal_count_t *rows, int max)
{
    sqlite3_stmt *st = prepare_day(j, now,
                                   "SELECT service_id, COUNT(*), SUM(print_status IN ('printed', "
                                   "'reprinted')) FROM requests WHERE created_at >= ? AND "
                                   "created_at < ? GROUP BY service_id ORDER BY COUNT(*) DESC, "
                                   "service_id");
    if (!st)
        return 0;
    int n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
        copy_col(st, 0, rows[n].service, sizeof rows[n].service);
        rows[n].requests = sqlite3_column_int(st, 1);
        rows[n].printed = sqlite3_column_int(st, 2);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

int journal_get(journal_t *j, int64_t id, journal_request_row_t *row)
{
    sqlite3_stmt *st;
    memset(row, 0, sizeof *row);
    const char *sql = "SELECT id, tracking_id, token, service_id, print_status, created_at, lang "
                      "FROM requests WHERE id = ?";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0) {
        summary_of(st, &row->s);
        copy_col(st, 6, row->lang, sizeof row->lang);
    }
    sqlite3_finalize(st);
    if (rc < 0 ||
        sqlite3_prepare_v2(j->db, "SELECT field_id, value FROM request_fields WHERE request_id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (row->field_count < JOURNAL_MAX_FIELDS && sqlite3_step(st) == SQLITE_ROW) {
        copy_col(st, 0, row->field_ids[row->field_count], sizeof row->field_ids[0]);
        copy_col(st, 1, row->values[row->field_count], sizeof row->values[0]);
        row->field_count++;
    }
    sqlite3_finalize(st);
    return 0;
}
