/* tests/unit/test_outbox.c - the journal's outbox: every path that changes a request (commit,
 * print, reprint, retention, import, and the migration of an older journal) queues exactly the
 * events expected, in the same transaction; marks are idempotent and survive reopening; token
 * bands and priorities are stored. Every test works in its own mkdtemp folder on a real file. */
#define _POSIX_C_SOURCE 200809L

#include "store/outbox.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/journal_export.h"
#include "tmpdir.h"

/* 2026-11-29T04:00:00Z = 29 Nov 2026 10:00 in Dhaka. */
#define T_MORNING 1795924800

typedef struct {
    char dir[64];
    char err[512];
    journal_t *j;
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/test_outbox.XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    fx->j = journal_open(fx->dir, fx->err, sizeof fx->err);
    if (!fx->j)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    journal_close(fx->j);
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

static journal_request_t request(char prefix, int64_t now)
{
    static const char *const ids[] = {"name", "mobile"};
    static const char *const values[] = {"আব্দুর রহিম", "01712345678"};
    journal_request_t req = {
        .centre_id = "UDC-0001",
        .terminal_id = "T01",
        .service_id = "birth_reg_new",
        .prefix = prefix,
        .lang = LANG_BN,
        .now = now,
        .field_count = 2,
    };
    for (int i = 0; i < 2; i++) {
        req.field_ids[i] = ids[i];
        req.values[i] = values[i];
    }
    return req;
}

static journal_receipt_t commit(fixture_t *fx, const journal_request_t *req)
{
    journal_receipt_t r;
    int rc = journal_commit(fx->j, req, &r, fx->err, sizeof fx->err);
    if (rc != 0)
        print_error("%s\n", fx->err);
    assert_int_equal(rc, 0);
    return r;
}

/* Every unsynced row after `after`; the count is checked by the caller. */
static int next(fixture_t *fx, int64_t after, outbox_row_t *rows, int max)
{
    int n = outbox_next(fx->j, after, rows, max, fx->err, sizeof fx->err);
    if (n < 0)
        print_error("%s\n", fx->err);
    assert_true(n >= 0);
    return n;
}

static void record(fixture_t *fx, int64_t id, const char *status, const char *detail, int64_t now)
{
    assert_int_equal(journal_record_print(fx->j, id, status, detail, now, fx->err, sizeof fx->err),
                     0);
}

static void test_commit_queues_one_request_event_with_fields(void **state)
{
    fixture_t *fx = *state;
    journal_request_t req = request('B', T_MORNING);
    journal_receipt_t r = commit(fx, &req);
    outbox_row_t rows[4];
    assert_int_equal(next(fx, 0, rows, 4), 1);
    assert_int_equal(rows[0].kind, OUTBOX_REQUEST);
    assert_string_equal(outbox_kind_name(rows[0].kind), "request");
    assert_int_equal(rows[0].request_id, r.id);
    assert_int_equal(rows[0].at, T_MORNING);
    assert_int_equal(rows[0].created, T_MORNING);
    assert_string_equal(rows[0].tracking, r.tracking);
    assert_string_equal(rows[0].token, "B-001");
    assert_string_equal(rows[0].service, "birth_reg_new");
    assert_string_equal(rows[0].lang, "bn");
    assert_int_equal(rows[0].prefix, 'B');
    assert_string_equal(rows[0].priority, "");
    assert_false(rows[0].fields_erased);
    assert_int_equal(rows[0].field_count, 2);
    assert_string_equal(rows[0].field_ids[0], "name");
    assert_string_equal(rows[0].values[0], "আব্দুর রহিম");
    assert_string_equal(rows[0].field_ids[1], "mobile");
    assert_int_equal(outbox_backlog(fx->j), 1);
}

static void test_print_outcomes_queue_print_and_reprint_events(void **state)
{
    fixture_t *fx = *state;
    journal_request_t req = request('A', T_MORNING);
    journal_receipt_t r = commit(fx, &req);
    record(fx, r.id, "paper-out", "no paper", T_MORNING + 5);
    record(fx, r.id, "printed", NULL, T_MORNING + 60);
    record(fx, r.id, "printed", NULL, T_MORNING + 120); /* a reprint */
    record(fx, r.id, "printed", NULL, T_MORNING + 180); /* and another */
    outbox_row_t rows[8];
    assert_int_equal(next(fx, 0, rows, 8), 5);
    assert_int_equal(rows[1].kind, OUTBOX_PRINT);
    assert_string_equal(rows[1].status, "paper-out");
    assert_string_equal(rows[1].detail, "no paper");
    assert_int_equal(rows[1].field_count, 0); /* only a request event carries the fields */
    assert_int_equal(rows[2].kind, OUTBOX_PRINT);
    assert_string_equal(rows[2].status, "printed");
    assert_string_equal(rows[2].detail, "");
    assert_int_equal(rows[2].at, T_MORNING + 60);
    assert_int_equal(rows[3].kind, OUTBOX_REPRINT);
    assert_string_equal(rows[3].status, "reprinted");
    assert_int_equal(rows[3].at, T_MORNING + 120);
    assert_int_equal(rows[4].kind, OUTBOX_REPRINT);
    assert_int_equal(rows[4].at, T_MORNING + 180);
    for (int i = 1; i < 5; i++)
        assert_true(rows[i].id > rows[i - 1].id);
}

/* A print recorded for a request that does not exist queues nothing. */
static void test_failed_record_print_queues_nothing(void **state)
{
    fixture_t *fx = *state;
    assert_int_equal(
        journal_record_print(fx->j, 42, "printed", NULL, T_MORNING, fx->err, sizeof fx->err), -1);
    assert_int_equal(outbox_backlog(fx->j), 0);
}

static void test_retention_queues_one_erasure_and_drops_fields(void **state)
{
    fixture_t *fx = *state;
    journal_request_t req = request('A', T_MORNING);
    commit(fx, &req);
    req.now = T_MORNING + 40 * 86400;
    commit(fx, &req); /* newer: kept */
    assert_int_equal(
        journal_erase_older(fx->j, T_MORNING + 40 * 86400, 30, fx->err, sizeof fx->err), 1);
    /* A second pass erases nothing more and queues nothing more. */
    assert_int_equal(
        journal_erase_older(fx->j, T_MORNING + 40 * 86400, 30, fx->err, sizeof fx->err), 0);
    outbox_row_t rows[8];
    assert_int_equal(next(fx, 0, rows, 8), 3);
    assert_int_equal(rows[0].kind, OUTBOX_REQUEST);
    assert_true(rows[0].fields_erased); /* unsynced until now: it goes without its fields */
    assert_int_equal(rows[0].field_count, 0);
    assert_int_equal(rows[1].kind, OUTBOX_REQUEST);
    assert_false(rows[1].fields_erased);
    assert_int_equal(rows[1].field_count, 2);
    assert_int_equal(rows[2].kind, OUTBOX_ERASURE);
    assert_int_equal(rows[2].request_id, rows[0].request_id);
}

static void test_import_queues_requests_and_their_print_outcomes(void **state)
{
    fixture_t *fx = *state;
    const char *text =
        "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-2001\",\"number\":1,"
        "\"service\":\"birth_reg_new\",\"lang\":\"bn\",\"created\":\"2026-11-29T10:00:00+06:00\","
        "\"printed\":\"2026-11-29T10:00:05+06:00\",\"print_status\":\"printed\","
        "\"print_error\":null,\"erased\":false,\"priority\":\"elderly\","
        "\"fields\":{\"name\":\"x\"}}\n"
        "{\"tracking\":\"UDC-0001-T01-20261129-0002\",\"token\":\"A-2002\",\"number\":2,"
        "\"service\":\"birth_reg_new\",\"lang\":\"en\",\"created\":\"2026-11-29T10:01:00+06:00\","
        "\"printed\":null,\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,"
        "\"fields\":{}}\n";
    long added, skipped;
    assert_int_equal(journal_import(fx->j, "t.jsonl", text, strlen(text), &added, &skipped, fx->err,
                                    sizeof fx->err),
                     0);
    assert_int_equal(added, 2);
    outbox_row_t rows[8];
    assert_int_equal(next(fx, 0, rows, 8), 3);
    assert_int_equal(rows[0].kind, OUTBOX_REQUEST);
    assert_string_equal(rows[0].priority, "elderly");
    assert_string_equal(rows[0].token, "A-2001");
    assert_int_equal(rows[1].kind, OUTBOX_PRINT);
    assert_string_equal(rows[1].status, "printed");
    assert_int_equal(rows[1].at, T_MORNING + 5);
    assert_int_equal(rows[2].kind, OUTBOX_REQUEST);
    assert_string_equal(rows[2].tracking, "UDC-0001-T01-20261129-0002");
    /* The number, not the banded token's digits, moved the sequence: the next is A-003. */
    journal_request_t req = request('A', T_MORNING + 120);
    journal_receipt_t r = commit(fx, &req);
    assert_string_equal(r.token, "A-003");
    /* Importing again adds nothing and queues nothing. */
    assert_int_equal(journal_import(fx->j, "t.jsonl", text, strlen(text), &added, &skipped, fx->err,
                                    sizeof fx->err),
                     0);
    assert_int_equal(skipped, 2);
    assert_int_equal(outbox_backlog(fx->j), 4);
}

/* A commit that fails (two values for one field) rolls back its outbox row with it. */
static void test_rolled_back_commit_queues_nothing(void **state)
{
    fixture_t *fx = *state;
    journal_request_t req = request('A', T_MORNING);
    req.field_ids[1] = "name";
    journal_receipt_t r;
    assert_int_equal(journal_commit(fx->j, &req, &r, fx->err, sizeof fx->err), -1);
    assert_int_equal(outbox_backlog(fx->j), 0);
}

static void test_next_after_cursor_and_limit(void **state)
{
    fixture_t *fx = *state;
    for (int i = 0; i < 5; i++) {
        journal_request_t req = request('A', T_MORNING + i);
        commit(fx, &req);
    }
    outbox_row_t rows[5];
    assert_int_equal(next(fx, 0, rows, 2), 2);
    int64_t second = rows[1].id;
    assert_int_equal(next(fx, second, rows, 5), 3);
    assert_true(rows[0].id > second);
    assert_int_equal(next(fx, rows[2].id, rows, 5), 0);
}

static void test_marks_are_idempotent_and_survive_reopen(void **state)
{
    fixture_t *fx = *state;
    for (int i = 0; i < 3; i++) {
        journal_request_t req = request('A', T_MORNING + i);
        commit(fx, &req);
    }
    outbox_row_t rows[3];
    assert_int_equal(next(fx, 0, rows, 3), 3);
    assert_int_equal(outbox_last_synced(fx->j), 0);
    int64_t ids[3] = {rows[0].id, rows[2].id, 999999}; /* out of order, and one unknown */
    assert_int_equal(outbox_mark_synced(fx->j, ids, 3, T_MORNING + 100, fx->err, sizeof fx->err),
                     0);
    /* Again, later: the first mark's time stays. */
    assert_int_equal(outbox_mark_synced(fx->j, ids, 2, T_MORNING + 200, fx->err, sizeof fx->err),
                     0);
    assert_int_equal(outbox_backlog(fx->j), 1);
    journal_close(fx->j);
    fx->j = journal_open(fx->dir, fx->err, sizeof fx->err);
    assert_non_null(fx->j);
    assert_int_equal(outbox_backlog(fx->j), 1);
    assert_int_equal(outbox_last_synced(fx->j), T_MORNING + 100);
    assert_int_equal(next(fx, 0, rows, 3), 1);
    assert_int_equal(rows[0].id, ids[0] + 1);
    assert_int_equal(outbox_mark_synced(fx->j, NULL, 0, T_MORNING, fx->err, sizeof fx->err), 0);
}

/* Two connections to one journal, as the kiosk's main and sync threads have: the sync one
 * sees the other's commits and marks rows while the other goes on committing. */
static void test_second_connection_reads_and_marks(void **state)
{
    fixture_t *fx = *state;
    journal_t *sync = journal_open(fx->dir, fx->err, sizeof fx->err);
    assert_non_null(sync);
    outbox_relax_marks(sync);
    journal_request_t req = request('A', T_MORNING);
    commit(fx, &req);
    outbox_row_t rows[2];
    assert_int_equal(outbox_next(sync, 0, rows, 2, fx->err, sizeof fx->err), 1);
    commit(fx, &req);
    assert_int_equal(outbox_mark_synced(sync, &rows[0].id, 1, T_MORNING, fx->err, sizeof fx->err),
                     0);
    assert_int_equal(outbox_backlog(fx->j), 1);
    assert_int_equal(outbox_next(sync, rows[0].id, rows, 2, fx->err, sizeof fx->err), 1);
    journal_close(sync);
}

static void test_token_band_and_priority(void **state)
{
    fixture_t *fx = *state;
    journal_request_t req = request('B', T_MORNING);
    req.token_band = '2';
    req.priority = "pregnancy";
    journal_receipt_t r = commit(fx, &req);
    assert_string_equal(r.token, "B-2001");
    assert_int_equal(r.number, 1);
    req.token_band = 0;
    req.priority = NULL;
    r = commit(fx, &req);
    assert_string_equal(r.token, "B-002"); /* one daily count per category, band or not */
    outbox_row_t rows[2];
    assert_int_equal(next(fx, 0, rows, 2), 2);
    assert_string_equal(rows[0].priority, "pregnancy");
    assert_string_equal(rows[1].priority, "");
    req.priority = "vip"; /* not a priority the queue knows: refused whole */
    assert_int_equal(journal_commit(fx->j, &req, &r, fx->err, sizeof fx->err), -1);
    assert_int_equal(outbox_backlog(fx->j), 2);
}

/* The export carries the number and the priority, and reads back the same. */
static void test_export_carries_number_and_priority(void **state)
{
    fixture_t *fx = *state;
    journal_request_t req = request('B', T_MORNING);
    req.token_band = '7';
    req.priority = "child";
    commit(fx, &req);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_int_equal(journal_export(fx->j, 0, fp, fx->err, sizeof fx->err), 1);
    fclose(fp);
    assert_non_null(strstr(buf, "\"token\":\"B-7001\",\"number\":1,"));
    assert_non_null(strstr(buf, "\"priority\":\"child\""));
    free(buf);
}

/* A journal of schema version 2 (before the outbox) gains one, with its history queued. */
static void test_migration_queues_existing_requests(void **state)
{
    fixture_t *fx = *state;
    journal_close(fx->j);
    char path[128];
    snprintf(path, sizeof path, "%s/old", fx->dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/old/journal.sqlite", fx->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *v2 =
        "CREATE TABLE token_seq(day TEXT NOT NULL, prefix TEXT NOT NULL, last INTEGER NOT NULL,"
        " PRIMARY KEY(day, prefix));"
        "CREATE TABLE requests(id INTEGER PRIMARY KEY, tracking_id TEXT NOT NULL UNIQUE,"
        " token TEXT NOT NULL, day TEXT NOT NULL, prefix TEXT NOT NULL, number INTEGER NOT NULL,"
        " service_id TEXT NOT NULL, lang TEXT NOT NULL, created_at INTEGER NOT NULL,"
        " print_status TEXT NOT NULL DEFAULT 'pending', printed_at INTEGER, print_error TEXT,"
        " UNIQUE(day, prefix, number));"
        "CREATE TABLE request_fields(request_id INTEGER NOT NULL REFERENCES requests(id) ON "
        " DELETE CASCADE, field_id TEXT NOT NULL, value TEXT NOT NULL,"
        " PRIMARY KEY(request_id, field_id));"
        "ALTER TABLE requests ADD COLUMN fields_erased INTEGER NOT NULL DEFAULT 0;"
        "CREATE INDEX requests_created ON requests(created_at);"
        "INSERT INTO requests VALUES(1, 'U-T-20261129-0001', 'A-001', '2026-11-29', 'A', 1,"
        " 's', 'bn', 1795924800, 'printed', 1795924805, NULL, 0);"
        "INSERT INTO requests VALUES(2, 'U-T-20261129-0002', 'A-002', '2026-11-29', 'A', 2,"
        " 's', 'bn', 1795924900, 'pending', NULL, NULL, 0);"
        "PRAGMA user_version=2;";
    assert_int_equal(sqlite3_exec(db, v2, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    snprintf(path, sizeof path, "%s/old", fx->dir);
    fx->j = journal_open(path, fx->err, sizeof fx->err);
    if (!fx->j)
        print_error("%s\n", fx->err);
    assert_non_null(fx->j);
    outbox_row_t rows[4];
    assert_int_equal(next(fx, 0, rows, 4), 3);
    assert_int_equal(rows[0].kind, OUTBOX_REQUEST);
    assert_int_equal(rows[0].request_id, 1);
    assert_int_equal(rows[1].kind, OUTBOX_REQUEST);
    assert_int_equal(rows[1].request_id, 2);
    assert_int_equal(rows[2].kind, OUTBOX_PRINT);
    assert_int_equal(rows[2].at, 1795924805);
}

#define OT(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        OT(test_commit_queues_one_request_event_with_fields),
        OT(test_print_outcomes_queue_print_and_reprint_events),
        OT(test_failed_record_print_queues_nothing),
        OT(test_retention_queues_one_erasure_and_drops_fields),
        OT(test_import_queues_requests_and_their_print_outcomes),
        OT(test_rolled_back_commit_queues_nothing),
        OT(test_next_after_cursor_and_limit),
        OT(test_marks_are_idempotent_and_survive_reopen),
        OT(test_second_connection_reads_and_marks),
        OT(test_token_band_and_priority),
        OT(test_export_carries_number_and_priority),
        OT(test_migration_queues_existing_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
