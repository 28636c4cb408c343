/* tests/unit/test_journal.c - unit tests for store/journal: token numbers per prefix per Dhaka
 * day, tracking ids, durability across reopen, what is stored, and refusing bad folders or
 * newer files. Every test works in its own mkdtemp folder. Times are written as UTC instants
 * (converted by hand with `date -u -d ... +%s`); Dhaka is UTC+06:00. */
#define _POSIX_C_SOURCE 200809L

#include "store/journal.h"
#include "tmpdir.h"

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

/* 2026-11-28T18:00:00Z = 29 Nov 2026 00:00:00 in Dhaka, the first second of that day. */
#define T_29_FIRST 1795888800
/* 2026-11-29T04:00:00Z = 29 Nov 2026 10:00 in Dhaka. */
#define T_29_MORNING 1795924800
/* 2026-11-29T17:59:59Z = 29 Nov 2026 23:59:59 in Dhaka, the last second of that day. */
#define T_29_LAST 1795975199
/* 2026-11-29T18:00:00Z = 30 Nov 2026 00:00:00 in Dhaka. */
#define T_30_FIRST 1795975200

typedef struct {
    char dir[64];
    char err[512];
} fixture_t;

static int make_dir(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/test_journal.XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int remove_dir(void **state)
{
    fixture_t *fx = *state;
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

static journal_t *open_ok(fixture_t *fx)
{
    fx->err[0] = '\0';
    journal_t *j = journal_open(fx->dir, fx->err, sizeof fx->err);
    if (!j)
        print_error("%s\n", fx->err);
    assert_non_null(j);
    return j;
}

static journal_receipt_t commit_at(journal_t *j, char prefix, int64_t now)
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
    journal_receipt_t r;
    char err[512] = "";
    int rc = journal_commit(j, &req, &r, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

static void expect_receipt(const journal_receipt_t *r, const char *token, int number,
                           const char *tracking)
{
    assert_string_equal(r->token, token);
    assert_int_equal(r->number, number);
    assert_string_equal(r->tracking, tracking);
}

static sqlite3 *open_db(const fixture_t *fx)
{
    char path[128];
    snprintf(path, sizeof path, "%s/journal.sqlite", fx->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    return db;
}

/* The first column of the first row of sql, as text, into out. */
static void query_text(sqlite3 *db, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* ---- opening ---- */

static void test_open_creates_journal_sqlite(void **state)
{
    fixture_t *fx = *state;
    journal_close(open_ok(fx));
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "%s/journal.sqlite", fx->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_true(st.st_size > 0);
}

static void test_open_creates_missing_folder_private(void **state)
{
    fixture_t *fx = *state;
    char sub[128], path[160];
    snprintf(sub, sizeof sub, "%s/data", fx->dir);
    journal_t *j = journal_open(sub, fx->err, sizeof fx->err);
    assert_non_null(j);
    journal_close(j);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/journal.sqlite", sub);
    assert_int_equal(stat(path, &st), 0);
}

static void test_journal_mode_is_wal(void **state)
{
    fixture_t *fx = *state;
    journal_close(open_ok(fx));
    sqlite3 *db = open_db(fx);
    char mode[32];
    query_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    sqlite3_close(db);
}

/* DIR names a regular file: the message must say the folder is the problem. */
static void test_open_folder_that_is_a_file_fails_clearly(void **state)
{
    fixture_t *fx = *state;
    char file[128];
    snprintf(file, sizeof file, "%s/plain", fx->dir);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fputs("not a folder\n", fp);
    fclose(fp);
    char err[512] = "";
    assert_null(journal_open(file, err, sizeof err));
    print_message("message: %s\n", err);
    assert_non_null(strstr(err, file));
    assert_true(strstr(err, "folder") || strstr(err, "directory"));
}

static void test_open_newer_schema_fails(void **state)
{
    fixture_t *fx = *state;
    sqlite3 *db = NULL;
    char path[128], err[512] = "";
    snprintf(path, sizeof path, "%s/journal.sqlite", fx->dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(journal_open(fx->dir, err, sizeof err));
    print_message("message: %s\n", err);
    assert_non_null(strstr(err, "99"));
    assert_non_null(strstr(err, "newer"));
}

/* ---- tokens ---- */

static void test_tokens_count_per_prefix(void **state)
{
    journal_t *j = open_ok(*state);
    journal_receipt_t a1 = commit_at(j, 'A', T_29_MORNING);
    journal_receipt_t a2 = commit_at(j, 'A', T_29_MORNING + 60);
    journal_receipt_t b1 = commit_at(j, 'B', T_29_MORNING + 120);
    assert_string_equal(a1.token, "A-001");
    assert_int_equal(a1.number, 1);
    assert_string_equal(a2.token, "A-002");
    assert_int_equal(a2.number, 2);
    assert_string_equal(b1.token, "B-001");
    assert_int_equal(b1.number, 1);
    journal_close(j);
}

static void test_token_restarts_at_dhaka_midnight(void **state)
{
    journal_t *j = open_ok(*state);
    journal_receipt_t before1 = commit_at(j, 'A', T_29_LAST);
    journal_receipt_t before2 = commit_at(j, 'A', T_29_LAST);
    journal_receipt_t after = commit_at(j, 'A', T_30_FIRST);
    expect_receipt(&before1, "A-001", 1, "UDC-0001-T01-20261129-0001");
    expect_receipt(&before2, "A-002", 2, "UDC-0001-T01-20261129-0002");
    expect_receipt(&after, "A-001", 1, "UDC-0001-T01-20261130-0001");
    journal_close(j);
}

/* 18:00Z on the 28th and 17:59:59Z on the 29th are both 29 November in Dhaka. */
static void test_one_dhaka_day_spans_two_utc_dates(void **state)
{
    journal_t *j = open_ok(*state);
    journal_receipt_t first = commit_at(j, 'C', T_29_FIRST);
    journal_receipt_t last = commit_at(j, 'C', T_29_LAST);
    expect_receipt(&first, "C-001", 1, "UDC-0001-T01-20261129-0001");
    expect_receipt(&last, "C-002", 2, "UDC-0001-T01-20261129-0002");
    journal_close(j);
}

static void test_earlier_day_after_later_day_has_own_count(void **state)
{
    journal_t *j = open_ok(*state);
    commit_at(j, 'A', T_30_FIRST);
    journal_receipt_t r = commit_at(j, 'A', T_29_LAST);
    expect_receipt(&r, "A-001", 1, "UDC-0001-T01-20261129-0001");
    journal_close(j);
}

/* ---- tracking ids ---- */

static void test_tracking_ids_sequential_across_prefixes(void **state)
{
    journal_t *j = open_ok(*state);
    journal_receipt_t r1 = commit_at(j, 'A', T_29_MORNING);
    journal_receipt_t r2 = commit_at(j, 'B', T_29_MORNING + 1);
    journal_receipt_t r3 = commit_at(j, 'A', T_29_MORNING + 2);
    expect_receipt(&r1, "A-001", 1, "UDC-0001-T01-20261129-0001");
    expect_receipt(&r2, "B-001", 1, "UDC-0001-T01-20261129-0002");
    expect_receipt(&r3, "A-002", 2, "UDC-0001-T01-20261129-0003");
    assert_true(r1.id != r2.id && r2.id != r3.id && r1.id != r3.id);
    journal_close(j);
}

static void test_tracking_ids_unique_over_many(void **state)
{
    journal_t *j = open_ok(*state);
    char seen[30][96];
    for (int i = 0; i < 30; i++) {
        journal_receipt_t r = commit_at(j, (char)('A' + i % 3), T_29_MORNING + i);
        char want[96];
        snprintf(want, sizeof want, "UDC-0001-T01-20261129-%04d", i + 1);
        assert_string_equal(r.tracking, want);
        snprintf(seen[i], sizeof seen[i], "%s", r.tracking);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(seen[k], seen[i]);
    }
    journal_close(j);
}

/* ---- durability ---- */

static void test_reopen_continues_numbers(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    commit_at(j, 'A', T_29_MORNING + 1);
    journal_close(j);
    j = open_ok(fx);
    journal_receipt_t a3 = commit_at(j, 'A', T_29_MORNING + 2);
    journal_receipt_t b1 = commit_at(j, 'B', T_29_MORNING + 3);
    expect_receipt(&a3, "A-003", 3, "UDC-0001-T01-20261129-0003");
    expect_receipt(&b1, "B-001", 1, "UDC-0001-T01-20261129-0004");
    journal_close(j);
}

static void test_field_values_stored(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    journal_receipt_t r = commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    sqlite3 *db = open_db(fx);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT field_id, value FROM request_fields "
                                        "WHERE request_id = ? ORDER BY field_id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, r.id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "mobile");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "01712345678");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "name");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "আব্দুর রহিম");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_request_row_stored(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'B', T_29_MORNING);
    journal_close(j);
    sqlite3 *db = open_db(fx);
    char text[256];
    query_text(db,
               "SELECT token || '|' || service_id || '|' || lang || '|' || created_at "
               "FROM requests WHERE tracking_id = 'UDC-0001-T01-20261129-0001'",
               text, sizeof text);
    assert_string_equal(text, "B-001|birth_reg_new|bn|1795924800");
    query_text(db, "SELECT count(*) FROM requests", text, sizeof text);
    assert_string_equal(text, "1");
    sqlite3_close(db);
}

#define JT(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        JT(test_open_creates_journal_sqlite),
        JT(test_open_creates_missing_folder_private),
        JT(test_journal_mode_is_wal),
        JT(test_open_folder_that_is_a_file_fails_clearly),
        JT(test_open_newer_schema_fails),
        JT(test_tokens_count_per_prefix),
        JT(test_token_restarts_at_dhaka_midnight),
        JT(test_one_dhaka_day_spans_two_utc_dates),
        JT(test_earlier_day_after_later_day_has_own_count),
        JT(test_tracking_ids_sequential_across_prefixes),
        JT(test_tracking_ids_unique_over_many),
        JT(test_reopen_continues_numbers),
        JT(test_field_values_stored),
        JT(test_request_row_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
