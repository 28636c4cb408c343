/* store/journal.c - SQLite journal: schema, migrations, start-up checks, token issue. */
#define _DEFAULT_SOURCE /* EDQUOT */
#include "store/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "io/error.h"
#include "io/file.h"
#include "store/journal_private.h"
#include "store/state.h"
#include "text/locale.h"

#define SCHEMA_VERSION 5

struct journal {
    sqlite3 *db;
    char dir[1024];
    char id[40]; /* journal_meta's id: journal.state names the journal its figures are of */
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
    /* 3, "outbox": every change of a request queues an event for the register in the same
     * transaction. Triggers fill it, so no code path (commit, print, reprint, retention,
     * import) can forget; the sync thread publishes rows in id order and sets synced_at on
     * the broker's PUBACK (store/outbox.h). AUTOINCREMENT: an id is never reused, since
     * <tracking>/<id> is the event's idempotency key. Also the citizen's queue priority. */
    "ALTER TABLE requests ADD COLUMN priority TEXT "
    "  CHECK(priority IN ('elderly', 'disability', 'pregnancy', 'child'));"
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  request_id INTEGER NOT NULL REFERENCES requests(id),"
    "  kind TEXT NOT NULL CHECK(kind IN ('request', 'print', 'reprint', 'erasure')),"
    "  status TEXT, detail TEXT,"
    "  at INTEGER NOT NULL,"
    "  synced_at INTEGER);"
    "CREATE INDEX outbox_unsynced ON outbox(id) WHERE synced_at IS NULL;"
    /* Requests from before this version are queued too: the register learns the history. */
    "INSERT INTO outbox(request_id, kind, at) SELECT id, 'request', created_at FROM requests"
    "  ORDER BY id;"
    "INSERT INTO outbox(request_id, kind, status, detail, at)"
    "  SELECT id, CASE print_status WHEN 'reprinted' THEN 'reprint' ELSE 'print' END,"
    "    print_status, print_error, COALESCE(printed_at, created_at) FROM requests"
    "  WHERE print_status <> 'pending' ORDER BY id;"
    /* An imported request that was already printed also queues its print outcome. */
    "CREATE TRIGGER outbox_request AFTER INSERT ON requests BEGIN"
    "  INSERT INTO outbox(request_id, kind, at) VALUES(NEW.id, 'request', NEW.created_at);"
    "  INSERT INTO outbox(request_id, kind, status, detail, at)"
    "    SELECT NEW.id, CASE NEW.print_status WHEN 'reprinted' THEN 'reprint' ELSE 'print' END,"
    "      NEW.print_status, NEW.print_error, COALESCE(NEW.printed_at, NEW.created_at)"
    "    WHERE NEW.print_status <> 'pending';"
    "END;"
    /* Every recorded print outcome, a repeated failure or reprint too (record_print always
     * sets print_status). A failure has no time of its own in requests: the wall clock. */
    "CREATE TRIGGER outbox_print AFTER UPDATE OF print_status ON requests BEGIN"
    "  INSERT INTO outbox(request_id, kind, status, detail, at) VALUES(NEW.id,"
    "    CASE NEW.print_status WHEN 'reprinted' THEN 'reprint' ELSE 'print' END,"
    "    NEW.print_status, NEW.print_error,"
    "    CASE WHEN NEW.printed_at IS NOT OLD.printed_at THEN NEW.printed_at"
    "      ELSE CAST(strftime('%s', 'now') AS INTEGER) END);"
    "END;"
    "CREATE TRIGGER outbox_erasure AFTER UPDATE OF fields_erased ON requests"
    "  WHEN OLD.fields_erased = 0 AND NEW.fields_erased = 1 BEGIN"
    "  INSERT INTO outbox(request_id, kind, at)"
    "    VALUES(NEW.id, 'erasure', CAST(strftime('%s', 'now') AS INTEGER));"
    "END;",
    /* 4, "security": the technician's log (store/techlog.c): every wrong PIN, lockout, refusal
     * and entry, with counts and the lock's end but never a digit of a PIN. */
    "CREATE TABLE technician_log("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  event TEXT NOT NULL,"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  lock_step INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER,"
    "  detail TEXT NOT NULL DEFAULT '');",
    /* 5, "journal-safety": an id for this journal file, which journal.state records beside the
     * last numbers issued, so that another journal put in its place is noticed. */
    "CREATE TABLE journal_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO journal_meta VALUES('id', lower(hex(randomblob(16))));"
    /* ... and row checksums (journal_private.h), so that a changed byte is noticed. */
    "ALTER TABLE requests ADD COLUMN crc INTEGER;"
    "ALTER TABLE request_fields ADD COLUMN crc INTEGER;"
    "ALTER TABLE token_seq ADD COLUMN crc INTEGER;"
    "UPDATE requests SET crc = " JOURNAL_REQUEST_CRC ";"
    "UPDATE request_fields SET crc = " JOURNAL_FIELD_CRC ";"
    "UPDATE token_seq SET crc = " JOURNAL_SEQ_CRC ";",
};

/* journal_crc(...): 64-bit FNV-1a over each argument's type and bytes. FNV-1a changes its
 * result for any change of one byte (each step is a bijection), which is what a bit flip on
 * a card is; it is a checksum against damage, not a defence against someone with the file. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

static void crc_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t h = 14695981039346656037ULL;
    for (int i = 0; i < argc; i++) {
        unsigned char type = (unsigned char)sqlite3_value_type(argv[i]);
        h = fnv(h, &type, 1);
        if (type == SQLITE_INTEGER) {
            uint64_t v = (uint64_t)sqlite3_value_int64(argv[i]);
            unsigned char le[8];
            for (int k = 0; k < 8; k++)
                le[k] = (unsigned char)(v >> (8 * k));
            h = fnv(h, le, sizeof le);
        } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
            const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_value_text(argv[i])
                                                : sqlite3_value_blob(argv[i]);
            uint32_t n = (uint32_t)sqlite3_value_bytes(argv[i]);
            h = fnv(h, &n, sizeof n);
            h = fnv(h, p, n);
        } else if (type == SQLITE_FLOAT) {
            double d = sqlite3_value_double(argv[i]);
            h = fnv(h, &d, sizeof d);
        }
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)h);
}

int journal_seal_request(sqlite3 *db, int64_t id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "UPDATE requests SET crc = " JOURNAL_REQUEST_CRC " WHERE id = ?", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1 ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

int journal_bump_seq(sqlite3 *db, const char *day, const char *key, int number)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO token_seq(day, prefix, last, crc) "
                      "VALUES(?1, ?2, ?3, journal_crc(?1, ?2, ?3)) "
                      "ON CONFLICT(day, prefix) DO UPDATE SET last = MAX(last, ?3), "
                      "crc = journal_crc(day, prefix, MAX(last, ?3))";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, number);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

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
/* Below this much room on the data partition the kiosk does not start taking requests: a
 * commit writes a few pages to the WAL (which may grow to 4 MB before a checkpoint), and
 * journal.state is written beside its old copy. A citizen should not fill in a form that
 * cannot be kept. */
#define JOURNAL_MIN_FREE (256 * 1024)

const char *journal_status_name(journal_status_t s)
{
    static const char *const names[] = {"ok", "damaged", "missing", "retry", "failed"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Only SQLite's own finding of corruption means damaged. Anything else (a full disk, an I/O
 * error, a file that cannot be opened now, another kiosk's lock) may pass, and must leave
 * the journal where it is. */
static journal_status_t status_of(int rc)
{
    int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? JOURNAL_DAMAGED : JOURNAL_RETRY;
}

/* A query of this kiosk's own tables failing after the integrity check passed: a plain
 * SQL error ("no such column: tracking_id") means the schema text itself was changed by
 * damage, since a schema newer than this kiosk's was refused before; the rest as status_of. */
static journal_status_t query_status(journal_t *j)
{
    int rc = sqlite3_extended_errcode(j->db);
    return (rc & 0xff) == SQLITE_ERROR ? JOURNAL_DAMAGED : status_of(rc);
}

/* The technician's way out, after the reason. */
static void refusal(const char *dir, const char *why, char *err, size_t errcap)
{
    snprintf(err, errcap,
             "%s: %s. Save that file, then start a new journal with "
             "`kiosk --new-journal --data %s`: its token and tracking numbers go on past the "
             "last ones this terminal issued (restore the last export with --import-journal "
             "to bring the requests back).",
             dir, why, dir);
}

/* Refuse to start over a journal that was found damaged or lost until a technician says
 * so. JOURNAL_OK when there is no marker. */
static journal_status_t refused_before(const char *dir, char *err, size_t errcap)
{
    char path[1100], text[2100] = "";
    snprintf(path, sizeof path, "%s/%s", dir, MARKER);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return JOURNAL_OK;
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0)
        close(fd);
    if (n < 0 && fd < 0 && errno != EISDIR && errno != ENXIO) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return JOURNAL_RETRY;
    }
    text[n > 0 ? n : 0] = '\0';
    bool missing = strstr(text, "\nkind: missing") != NULL;
    text[strcspn(text, "\n")] = '\0';
    refusal(dir, text[0] ? text : "the journal was found damaged or missing (" MARKER ")", err,
            errcap);
    return missing ? JOURNAL_MISSING : JOURNAL_DAMAGED;
}

/* Move what is left of a journal (main file, WAL, shared memory) aside to
 * journal.sqlite.damaged-TIME[-N], and, unless a new journal is started right away, leave a
 * marker saying why and where. The message goes to err. */
static void move_aside(const char *dir, const char *path, journal_status_t kind, const char *reason,
                       bool marker, char *err, size_t errcap)
{
    static const char *const parts[] = {"", "-wal", "-shm"};
    char to[1200], from[1100], base[1150] = "", text[2000];
    long long t = (long long)time(NULL);
    struct stat st;
    for (int k = 0; k < 100 && !base[0]; k++) { /* a name no earlier move took */
        snprintf(base, sizeof base, k ? "%s.damaged-%lld-%d" : "%s.damaged-%lld", path, t, k);
        if (lstat(base, &st) == 0)
            base[0] = '\0';
    }
    bool moved = false;
    for (int i = 0; i < 3; i++) {
        snprintf(from, sizeof from, "%s%s", path, parts[i]);
        snprintf(to, sizeof to, "%s%s", base, parts[i]);
        moved |= rename(from, to) == 0 && i == 0;
    }
    if (moved)
        snprintf(text, sizeof text, "the journal %s (%.700s) and was moved to %s",
                 kind == JOURNAL_DAMAGED ? "was damaged" : "was lost", reason, base);
    else
        snprintf(text, sizeof text, "the journal is missing (%.700s)", reason);
    if (marker) {
        char mpath[1100], body[2100];
        snprintf(mpath, sizeof mpath, "%s/%s", dir, MARKER);
        snprintf(body, sizeof body, "%s\nkind: %s\n", text,
                 kind == JOURNAL_DAMAGED ? "damaged" : "missing");
        /* If even this cannot be written (a full disk), journal.state still refuses. */
        file_write_atomic(mpath, body, 0600);
    }
    refusal(dir, text, err, errcap);
}

/* A problem the integrity check reports: a page it could not read says "unable to get the
 * page. error code=N", and unless N is itself SQLITE_CORRUPT or SQLITE_NOTADB that is an I/O
 * error of the moment (266 is SQLITE_IOERR_READ), not damage. */
static journal_status_t row_status(const char *row)
{
    const char *code = strstr(row, "error code=");
    return code ? status_of(atoi(code + strlen("error code="))) : JOURNAL_DAMAGED;
}

/* integrity_check reads every page and checks every index against its table: a damaged file
 * fails here, not at the first confirm (quick_check, about four times faster, misses a
 * changed index entry: 0.3 s against 0.07 s for 50,000 requests here). */
static journal_status_t check_health(journal_t *j, char *why, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(j->db, "PRAGMA integrity_check", -1, &st, NULL);
    journal_status_t s = JOURNAL_OK;
    why[0] = '\0';
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        journal_status_t r = !t                     ? JOURNAL_DAMAGED
                             : strcmp(t, "ok") == 0 ? JOURNAL_OK
                                                    : row_status(t);
        if (r != JOURNAL_OK && (s == JOURNAL_OK || r == JOURNAL_RETRY)) {
            snprintf(why, cap, "integrity check: %.300s", t ? t : "no answer");
            s = r; /* one page that could not be read now outweighs the rest */
        }
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        s = status_of(sqlite3_extended_errcode(j->db));
        snprintf(why, cap, "integrity check: %s", sqlite3_errmsg(j->db));
    }
    sqlite3_finalize(st);
    for (char *c = why; *c; c++) /* one line: it goes into the marker and the log */
        if (*c == '\n')
            *c = ' ';
    return s;
}

/* One integer from sql (with an optional text parameter); -1 on an error. */
static int64_t query_int(journal_t *j, const char *sql, const char *p1, const char *p2)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (p1)
        sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
    if (p2)
        sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else if (rc == SQLITE_DONE)
        v = 0;
    sqlite3_finalize(st);
    return v;
}

/* The journal's id (journal_meta, from the journal-safety migration), "" when it has none. */
static int read_id(journal_t *j)
{
    j->id[0] = '\0';
    int64_t has =
        query_int(j, "SELECT count(*) FROM sqlite_master WHERE name = 'journal_meta'", NULL, NULL);
    if (has <= 0)
        return has < 0 ? -1 : 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(j->db, "SELECT value FROM journal_meta WHERE key = 'id'", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(j->id, sizeof j->id, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Is the journal at least where journal.state says this terminal got to? The state file is
 * read before this (see journal_open_status), and only ever written after a commit, so a
 * journal behind it lost requests: it shrank, or another file took its place. */
static journal_status_t check_figures(journal_t *j, const state_t *s, char *why, size_t cap)
{
    int64_t tables = query_int(j,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                               "name IN ('requests', 'token_seq')",
                               NULL, NULL);
    if (tables < 0 || read_id(j) < 0) {
        snprintf(why, cap, "reading the journal: %s", sqlite3_errmsg(j->db));
        return query_status(j);
    }
    if (tables < 2) {
        snprintf(why, cap,
                 "journal.sqlite is empty, but journal.state says this terminal "
                 "issued requests");
        return JOURNAL_MISSING;
    }
    if (s->journal_id[0] && strcmp(s->journal_id, j->id) != 0) {
        snprintf(why, cap,
                 "journal.sqlite is not the journal this terminal was using (%s, "
                 "journal.state names %s)",
                 j->id[0] ? j->id : "no id", s->journal_id);
        return JOURNAL_MISSING;
    }
    int64_t top = query_int(j, "SELECT coalesce(max(id), 0) FROM requests", NULL, NULL);
    if (top >= 0 && top < s->last_id) {
        snprintf(why, cap,
                 "journal.sqlite shrank: its last request is number %lld, journal."
                 "state says %lld were issued",
                 (long long)top, (long long)s->last_id);
        return JOURNAL_MISSING;
    }
    for (int i = 0; i < s->n && top >= 0; i++) {
        char key[2] = {s->seq[i].key, '\0'};
        int64_t have = query_int(j,
                                 "SELECT coalesce(max(last), 0) FROM token_seq WHERE day = ? "
                                 "AND prefix = ?",
                                 s->seq[i].day, key);
        if (have < 0) {
            top = -1;
        } else if (have < s->seq[i].last) {
            snprintf(why, cap,
                     "journal.sqlite shrank: on %s it has %s %lld, journal.state says "
                     "%d were issued",
                     s->seq[i].day, key[0] == '*' ? "tracking number" : "token", (long long)have,
                     s->seq[i].last);
            if (key[0] != '*')
                snprintf(why + strlen(why), cap - strlen(why), " (token prefix %s)", key);
            return JOURNAL_MISSING;
        }
    }
    if (top < 0) {
        snprintf(why, cap, "reading the journal: %s", sqlite3_errmsg(j->db));
        return query_status(j);
    }
    return JOURNAL_OK;
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

static journal_status_t configure(journal_t *j, char *err, size_t errcap)
{
    /* A file from a newer kiosk is refused before anything about it changes. */
    int v = user_version(j);
    if (v > SCHEMA_VERSION) {
        snprintf(err, errcap, "schema version %d is newer than this kiosk (%d)", v, SCHEMA_VERSION);
        return JOURNAL_FAILED;
    }
    /* WAL with full sync: a commit survives power loss and costs one fsync of the log.
     * secure_delete: what retention erases is overwritten, not left in free pages. */
    if (wal(j, err, errcap) < 0 || exec(j, "PRAGMA synchronous=FULL", err, errcap) < 0 ||
        exec(j, "PRAGMA secure_delete=ON", err, errcap) < 0 ||
        exec(j, "PRAGMA foreign_keys=ON", err, errcap) < 0 || migrate(j, err, errcap) < 0)
        return user_version(j) > SCHEMA_VERSION ? JOURNAL_FAILED
                                                : status_of(sqlite3_extended_errcode(j->db));
    return read_id(j) < 0 ? (db_fail(j, "reading the journal id", err, errcap), JOURNAL_RETRY)
                          : JOURNAL_OK;
}

/* A new journal started over a lost one: its sequences go on past the last known. */
static int seed(journal_t *j, const state_t *s, char *err, size_t errcap)
{
    if (exec(j, "BEGIN IMMEDIATE", err, errcap) < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < s->n && rc == 0; i++) {
        char key[2] = {s->seq[i].key, '\0'};
        rc = journal_bump_seq(j->db, s->seq[i].day, key, s->seq[i].last);
    }
    if (rc == 0 && exec(j, "COMMIT", err, errcap) == 0)
        return 0;
    db_fail(j, "starting the new journal past the last numbers", err, errcap);
    sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Bring journal.state up to the journal: after an upgrade from a kiosk without it, after a
 * crash between a commit and the file's update, and for a journal a technician started or
 * kept with --new-journal (restart: its request ids become the file's). Failing to write it
 * is not fatal: the figures only stay behind. */
static void refresh_state(journal_t *j, state_t *s, bool restart, char *note, size_t cap)
{
    sqlite3_stmt *st;
    snprintf(s->journal_id, sizeof s->journal_id, "%s", j->id);
    int64_t top = query_int(j, "SELECT coalesce(max(id), 0) FROM requests", NULL, NULL);
    s->last_id = top < 0 ? 0 : top;
    const char *sql = "SELECT day, prefix, last FROM token_seq WHERE day IN "
                      "(SELECT DISTINCT day FROM token_seq ORDER BY day DESC LIMIT ?)";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, STATE_DAYS);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *day = (const char *)sqlite3_column_text(st, 0);
            const char *key = (const char *)sqlite3_column_text(st, 1);
            if (day && key && strlen(day) == 10 && strlen(key) == 1)
                state_raise(s, day, key[0], sqlite3_column_int(st, 2));
        }
    }
    sqlite3_finalize(st);
    char why[600];
    if (state_save(j->dir, s, restart, why, sizeof why) < 0 && note[0] == '\0')
        snprintf(note, cap,
                 "%s (the journal is used; a loss of it would go unnoticed until "
                 "this file is written)",
                 why);
}

/* The state file's figures as they were before the journal is read: see check_figures. */
typedef struct {
    state_t st;
    state_load_t how;
    char why[600];
} known_t;

/* Whether a journal file is there, with any content: 1, 0, or -1 (err: cannot tell). */
static int has_content(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return st.st_size > 0;
    return errno == ENOENT ? 0 : -1;
}

static journal_status_t open_db(journal_t *j, const char *path, bool create, char *err,
                                size_t errcap)
{
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &j->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errcap, "%s: %s", path, j->db ? sqlite3_errmsg(j->db) : "cannot open");
        sqlite3_close(j->db);
        j->db = NULL;
        return status_of(rc);
    }
    sqlite3_extended_result_codes(j->db, 1);
    sqlite3_busy_timeout(j->db, 5000);
    sqlite3_create_function(j->db, "journal_crc", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            crc_function, NULL, NULL);
    return JOURNAL_OK;
}

/* Close without the checkpoint SQLite makes on close: a journal about to be moved aside
 * keeps its WAL exactly as it was found, frames SQLite could not use included. */
static void close_as_found(journal_t *j)
{
    if (j->db)
        sqlite3_db_config(j->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    sqlite3_close(j->db);
    j->db = NULL;
}

/* Every row against its checksum (journals from before the journal-safety migration have
 * none yet: the migration adds them). */
static journal_status_t check_rows(journal_t *j, char *why, size_t cap)
{
    static const char *const tables[][2] = {{"requests", JOURNAL_REQUEST_CRC},
                                            {"request_fields", JOURNAL_FIELD_CRC},
                                            {"token_seq", JOURNAL_SEQ_CRC}};
    /* journal_meta comes with the checksums (one migration): a journal that has it but a
     * table without crc had its schema changed by damage. */
    if (query_int(j, "SELECT count(*) FROM sqlite_master WHERE name = 'journal_meta'", NULL,
                  NULL) <= 0)
        return JOURNAL_OK;
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s') WHERE name = 'crc'",
                 tables[i][0]);
        if (query_int(j, sql, NULL, NULL) != 1) {
            snprintf(why, cap, "the schema of %s has lost its crc column", tables[i][0]);
            return JOURNAL_DAMAGED;
        }
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE crc IS NOT %s", tables[i][0],
                 tables[i][1]);
        int64_t bad = query_int(j, sql, NULL, NULL);
        if (bad < 0) {
            snprintf(why, cap, "checking rows: %s", sqlite3_errmsg(j->db));
            return query_status(j);
        }
        if (bad > 0) {
            snprintf(why, cap, "%lld rows of %s do not match their checksums", (long long)bad,
                     tables[i][0]);
            return JOURNAL_DAMAGED;
        }
    }
    return JOURNAL_OK;
}

/* The existing journal, checked: its pages, its rows, and its figures against journal.state. */
static journal_status_t check_existing(journal_t *j, const known_t *k, char *why, size_t cap)
{
    journal_status_t s = check_health(j, why, cap);
    if (s == JOURNAL_OK)
        s = check_rows(j, why, cap);
    if (s == JOURNAL_OK && k->how == STATE_LOADED)
        s = check_figures(j, &k->st, why, cap);
    return s;
}

static journal_status_t open_checked(journal_t *j, known_t *k, bool start_new, char *err,
                                     size_t errcap)
{
    char path[1100], wal_path[1120], why[700] = "";
    snprintf(path, sizeof path, "%s/journal.sqlite", j->dir);
    snprintf(wal_path, sizeof wal_path, "%s-wal", path);
    bool history = k->how == STATE_MALFORMED || state_has_history(&k->st);
    int present = has_content(path), wal_there = has_content(wal_path);
    if (present < 0 || wal_there < 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return JOURNAL_RETRY;
    }
    journal_status_t s = JOURNAL_OK;
    if (!present && (history || wal_there)) {
        s = JOURNAL_MISSING;
        snprintf(why, sizeof why, "%s",
                 has_content(path) == 0 && access(path, F_OK) == 0
                     ? "journal.sqlite is empty, but journal.state says this terminal issued "
                       "requests"
                     : "journal.sqlite is not there, but journal.state says this terminal "
                       "issued requests");
    } else if (present) {
        if ((s = open_db(j, path, false, err, errcap)) != JOURNAL_OK)
            return s; /* cannot even open it: not a finding about its content */
        int v = user_version(j);
        if (v > SCHEMA_VERSION) { /* a newer kiosk's: refused before anything reads it */
            snprintf(err, errcap, "%s: schema version %d is newer than this kiosk (%d)", path, v,
                     SCHEMA_VERSION);
            return JOURNAL_FAILED;
        }
        s = check_existing(j, k, why, sizeof why);
        if (s == JOURNAL_MISSING && start_new)
            s = JOURNAL_OK; /* sound, but behind journal.state: the technician keeps it */
        else if (s != JOURNAL_OK)
            close_as_found(j);
    }
    if (s == JOURNAL_RETRY) {
        snprintf(err, errcap, "%s: %s", path, why);
        return s;
    }
    if (s != JOURNAL_OK) {
        move_aside(j->dir, path, s, why, !start_new, err, errcap);
        if (!start_new)
            return s;
    }
    if (!j->db && (s = open_db(j, path, true, err, errcap)) != JOURNAL_OK)
        return s;
    if ((s = configure(j, why, sizeof why)) == JOURNAL_DAMAGED) {
        close_as_found(j); /* corruption the integrity check did not see: the same way out */
        move_aside(j->dir, path, s, why, true, err, errcap);
        return s;
    } else if (s != JOURNAL_OK) {
        snprintf(err, errcap, "%s: %s", path, why);
        return s;
    }
    /* --new-journal: whatever journal is now in place goes on past the last numbers known. */
    if (start_new && seed(j, &k->st, err, errcap) < 0)
        return JOURNAL_RETRY;
    err[0] = '\0';
    if (k->how == STATE_MALFORMED)
        snprintf(err, errcap, "%s: made again from the journal", k->why);
    refresh_state(j, &k->st, start_new, err, errcap);
    return JOURNAL_OK;
}

/* The data folder: made if absent (0700), and a folder. */
static journal_status_t prepare_folder(const char *dir, char *err, size_t errcap)
{
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        int e = errno;
        snprintf(err, errcap, "%s: cannot create the data folder: %s", dir, strerror(e));
        return e == ENOSPC || e == EIO || e == EDQUOT || e == ENOMEM || e == EROFS ? JOURNAL_RETRY
                                                                                   : JOURNAL_FAILED;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errcap, "%s: the data folder is not a folder", dir);
        return JOURNAL_FAILED;
    }
    return JOURNAL_OK;
}

static journal_status_t open_journal(const char *dir, bool start_new, bool need_room,
                                     journal_t **out, char *err, size_t errcap)
{
    *out = NULL;
    if (errcap)
        err[0] = '\0';
    journal_status_t s = prepare_folder(dir, err, errcap);
    if (s != JOURNAL_OK || (!start_new && (s = refused_before(dir, err, errcap)) != JOURNAL_OK))
        return s;
    struct statvfs fs;
    if (need_room && statvfs(dir, &fs) == 0 &&
        (uint64_t)fs.f_bavail * fs.f_frsize < JOURNAL_MIN_FREE) {
        snprintf(err, errcap, "%s: the data partition is full (%llu KB free, %d KB needed)", dir,
                 (unsigned long long)fs.f_bavail * fs.f_frsize / 1024, JOURNAL_MIN_FREE / 1024);
        return JOURNAL_RETRY;
    }
    journal_t *j = calloc(1, sizeof *j);
    known_t *k = malloc(sizeof *k);
    if (!j || !k) {
        free(j);
        free(k);
        snprintf(err, errcap, "journal: out of memory");
        return JOURNAL_RETRY;
    }
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    /* Read before the journal: a kiosk committing meanwhile only ever moves the journal
     * ahead of these figures, never behind. */
    k->why[0] = '\0';
    k->how = state_load(dir, &k->st, k->why, sizeof k->why);
    if (k->how == STATE_UNREADABLE) {
        snprintf(err, errcap, "%s", k->why);
        s = JOURNAL_RETRY;
    } else if (k->how == STATE_MALFORMED && start_new) {
        snprintf(err, errcap,
                 "%s: so the last numbers this terminal issued are unknown. Fix or "
                 "delete that file, run --new-journal again and restore the last export with "
                 "--import-journal.",
                 k->why);
        s = JOURNAL_FAILED;
    } else {
        s = open_checked(j, k, start_new, err, errcap);
    }
    free(k);
    if (s != JOURNAL_OK)
        journal_close(j);
    else
        *out = j;
    return s;
}

journal_status_t journal_open_status(const char *dir, journal_t **out, char *err, size_t errcap)
{
    return open_journal(dir, false, true, out, err, errcap);
}

journal_t *journal_open(const char *dir, char *err, size_t errcap)
{
    journal_t *j;
    if (open_journal(dir, false, false, &j, err, errcap) == JOURNAL_OK && err[0])
        fprintf(stderr, "kiosk: %s\n", err);
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
    journal_t *j;
    if (open_journal(dir, true, false, &j, err, errcap) != JOURNAL_OK)
        return -1;
    if (err[0])
        fprintf(stderr, "kiosk: %s\n", err);
    journal_close(j);
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
    const char *sql = "INSERT INTO token_seq(day, prefix, last, crc) "
                      "VALUES(?1, ?2, 1, journal_crc(?1, ?2, 1)) ON CONFLICT(day, prefix) "
                      "DO UPDATE SET last = last + 1, crc = journal_crc(day, prefix, last + 1) "
                      "RETURNING last";
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
                      "lang, created_at, priority) VALUES(?,?,?,?,?,?,?,?,?)";
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
    if (q->priority)
        sqlite3_bind_text(st, 9, q->priority, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    out->id = sqlite3_last_insert_rowid(j->db);
    return rc < 0 ? -1 : journal_seal_request(j->db, out->id);
}

static int insert_fields(journal_t *j, const journal_request_t *q, int64_t id)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO request_fields(request_id, field_id, value, crc) "
                      "VALUES(?1, ?2, ?3, journal_crc(?1, ?2, ?3))";
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

static int commit_body(journal_t *j, const journal_request_t *q, char day[16], int *seq,
                       journal_receipt_t *out)
{
    locale_tm_t tm;
    locale_dhaka_time(q->now, &tm);
    char prefix[2] = {q->prefix, '\0'};
    snprintf(day, 16, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
    if (next_number(j, day, prefix, &out->number) < 0 || next_number(j, day, "*", seq) < 0)
        return -1;
    if (q->token_band) /* B-2012: band 2's 12th B token today (unique across a centre) */
        snprintf(out->token, sizeof out->token, "%c-%c%03d", q->prefix, q->token_band, out->number);
    else
        snprintf(out->token, sizeof out->token, "%c-%03d", q->prefix, out->number);
    snprintf(out->tracking, sizeof out->tracking, "%s-%s-%04d%02d%02d-%04d", q->centre_id,
             q->terminal_id, tm.year, tm.month, tm.day, *seq);
    if (insert_request(j, q, day, out) < 0)
        return -1;
    return insert_fields(j, q, out->id);
}

/* journal.state follows the commit, never precedes it. A crash (or a full disk) between
 * the two leaves the file behind the journal, which start-up accepts: it takes the higher
 * of the journal's own figures and the file's, and brings the file up to the journal. Were
 * the file written first, a commit that then failed would leave it ahead of the journal,
 * and start-up would take a healthy journal for one that lost requests. */
static void note_commit(journal_t *j, const char *day, int seq, const journal_receipt_t *r)
{
    state_t *s = calloc(1, sizeof *s);
    char err[1200];
    if (!s) {
        fprintf(stderr, "kiosk: %s/%s: out of memory\n", j->dir, STATE_FILE);
        return;
    }
    snprintf(s->journal_id, sizeof s->journal_id, "%s", j->id);
    s->last_id = r->id;
    state_raise(s, day, r->token[0], r->number);
    state_raise(s, day, '*', seq);
    /* The citizen has the token already: a file that stays behind is only reported. */
    if (state_save(j->dir, s, false, err, sizeof err) < 0)
        fprintf(stderr, "kiosk: %s\n", err);
    free(s);
}

int journal_commit(journal_t *j, const journal_request_t *req, journal_receipt_t *out, char *err,
                   size_t errcap)
{
    char day[16];
    int seq = 0;
    memset(out, 0, sizeof *out);
    if (exec(j, "BEGIN IMMEDIATE", err, errcap) < 0)
        return -1;
    if (commit_body(j, req, day, &seq, out) < 0) {
        db_fail(j, "committing a request", err, errcap);
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (exec(j, "COMMIT", err, errcap) < 0) {
        /* Some failures (an I/O error) leave the transaction open: close it, or every later
         * confirm would fail with "cannot start a transaction within a transaction". */
        if (!sqlite3_get_autocommit(j->db))
            sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    note_commit(j, day, seq, out);
    return 0;
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
    const char *sql = "SELECT id, tracking_id, token, service_id, print_status, created_at, lang, "
                      "priority FROM requests WHERE id = ?";
    if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
    if (rc == 0) {
        summary_of(st, &row->s);
        copy_col(st, 6, row->lang, sizeof row->lang);
        copy_col(st, 7, row->priority, sizeof row->priority);
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

journal_t *journal_open_reader(const char *dir, char *err, size_t errcap)
{
    char path[FILE_PATH_MAX];
    if (file_path(path, sizeof path, dir, "journal.sqlite") < 0) {
        error_set(err, errcap, "%s: path too long", dir);
        return NULL;
    }
    journal_t *j = calloc(1, sizeof *j);
    if (!j) {
        error_set(err, errcap, "journal: out of memory");
        return NULL;
    }
    /* Read-only and never created: a reader must not make an empty journal where the real
     * one is missing. NOMUTEX: the connection belongs to one thread. */
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        error_set(err, errcap, "%s: %s", path, j->db ? sqlite3_errmsg(j->db) : "cannot open");
        journal_close(j);
        return NULL;
    }
    sqlite3_busy_timeout(j->db, 5000);
    int v = user_version(j);
    if (v < 1 || v > SCHEMA_VERSION) {
        error_set(err, errcap, "%s: %s", path,
                  v < 0 ? sqlite3_errmsg(j->db) : "not a journal of this kiosk's schema");
        journal_close(j);
        return NULL;
    }
    return j;
}
