/* tests/unit/test_export_job.c - the journal export to a USB stick: a link or a FIFO planted
 * under the export's name neither destroys the journal nor hangs anything, the worker has a
 * time bound, a sealed export opens only with the register's secret key and holds no
 * identifier in clear, an export without a key is masked as the receipt is, and files that
 * the kiosk does not control are read without blocking. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/mask.h"
#include "store/journal_export.h"
#include "store/export_job.h"
#include "io/file.h"
#include "store/journal.h"
#include "store/seal.h"

#define T0     1795924800 /* 2026-11-29 10:00 in Dhaka */
#define NAME   "আব্দুর রহিম"
#define NID    "19901234567890123"
#define DOB    "15/08/1990"
#define MOBILE "01712345678"
#define EXPORT "sheba-journal-UDC-0001-T01-20261129.jsonl"
#define SEALED EXPORT ".sealed"
#define ROWS   3

typedef struct {
    char dir[64], data[96], usb[96], pub[128], sec[128], err[1024];
    catalog_t *cat;
} fx_t;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static long slurp(const char *path, char *out, size_t cap)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    size_t n = fread(out, 1, cap - 1, fp);
    out[n] = '\0';
    fclose(fp);
    return (long)n;
}

static void commit_rows(fx_t *f)
{
    static const char *const ids[] = {"name", "nid", "dob", "correction", "mobile"};
    static const char *const values[] = {NAME, NID, DOB, "name", MOBILE};
    journal_t *j = journal_open(f->data, f->err, sizeof f->err);
    assert_non_null(j);
    for (int i = 0; i < ROWS; i++) {
        journal_request_t rq = {.centre_id = "UDC-0001",
                                .terminal_id = "T01",
                                .service_id = "nid_correction",
                                .prefix = 'B',
                                .lang = LANG_BN,
                                .now = T0 + i,
                                .field_count = 5};
        memcpy(rq.field_ids, ids, sizeof ids);
        memcpy(rq.values, values, sizeof values);
        journal_receipt_t r;
        assert_int_equal(journal_commit(j, &rq, &r, f->err, sizeof f->err), 0);
    }
    journal_close(j);
}

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    char pt[128], st[128];
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/kiosk-export-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->data, sizeof f->data, "%s/data", f->dir);
    snprintf(f->usb, sizeof f->usb, "%s/usb", f->dir);
    snprintf(f->pub, sizeof f->pub, "%s/register.pub", f->dir);
    snprintf(f->sec, sizeof f->sec, "%s/register.key", f->dir);
    mkdir(f->usb, 0755);
    f->cat = catalog_load("assets/catalog.json", NULL, NULL, f->err, sizeof f->err);
    if (!f->cat || seal_keygen(pt, sizeof pt, st, sizeof st) < 0)
        return -1;
    put(f->pub, pt);
    put(f->sec, st);
    *state = f;
    commit_rows(f);
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    catalog_free(f->cat);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static export_request_t request(const fx_t *f, bool sealed)
{
    export_request_t rq = {.now = T0, .timeout_ms = 20000};
    snprintf(rq.data_dir, sizeof rq.data_dir, "%s", f->data);
    snprintf(rq.dest_dir, sizeof rq.dest_dir, "%s", f->usb);
    snprintf(rq.centre_id, sizeof rq.centre_id, "UDC-0001");
    snprintf(rq.terminal_id, sizeof rq.terminal_id, "T01");
    if (sealed)
        snprintf(rq.export_key, sizeof rq.export_key, "%s", f->pub);
    return rq;
}

/* Start, then poll as the main loop would until the outcome. */
static export_state_t run(fx_t *f, const export_request_t *rq, export_outcome_t *out)
{
    export_job_t j;
    export_job_init(&j, NULL, NULL);
    assert_int_equal(export_job_start(&j, rq, f->cat, f->err, sizeof f->err), 0);
    export_state_t s;
    double end = now_s() + 30;
    while ((s = export_job_poll(&j, out)) == EXPORT_RUNNING && now_s() < end) {
        struct timespec t = {0, 5000000};
        nanosleep(&t, NULL);
    }
    assert_int_equal(export_job_wait(&j, 30000), 0);
    export_job_destroy(&j);
    return s;
}

static int journal_rows(const fx_t *f)
{
    char path[160];
    sqlite3 *db;
    sqlite3_stmt *st;
    int n = -1;
    snprintf(path, sizeof path, "%s/journal.sqlite", f->data);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM requests", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

static void no_temporary_files(const fx_t *f)
{
    char cmd[256], out[256] = "";
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -c '\\.tmp$'", f->usb);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, sizeof out, p));
    pclose(p);
    assert_string_equal(out, "0\n");
}

/* Issue 9: a link named like the export, pointing at journal.sqlite, truncated the journal
 * to 0 bytes. */
static void test_link_on_the_stick_leaves_the_journal_intact(void **state)
{
    fx_t *f = *state;
    char journal[160], link[160];
    struct stat before, after;
    snprintf(journal, sizeof journal, "%s/journal.sqlite", f->data);
    snprintf(link, sizeof link, "%s/" EXPORT, f->usb);
    assert_int_equal(stat(journal, &before), 0);
    assert_int_equal(symlink(journal, link), 0);
    export_outcome_t out;
    export_request_t rq = request(f, false);
    assert_int_equal(run(f, &rq, &out), EXPORT_FAILED);
    assert_non_null(strstr(out.error, "not a regular file"));
    assert_int_equal(stat(journal, &after), 0);
    assert_int_equal(after.st_size, before.st_size);
    assert_int_equal(journal_rows(f), ROWS);
    struct stat l;
    assert_int_equal(lstat(link, &l), 0);
    assert_true(S_ISLNK(l.st_mode)); /* left alone, not followed, not replaced */
    no_temporary_files(f);
}

/* Issue 9: a FIFO of that name hung the kiosk. */
static void test_fifo_on_the_stick_does_not_hang(void **state)
{
    fx_t *f = *state;
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/" SEALED, f->usb);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    export_outcome_t out;
    export_request_t rq = request(f, true);
    double t0 = now_s();
    assert_int_equal(run(f, &rq, &out), EXPORT_FAILED);
    assert_true(now_s() - t0 < 5);
    assert_non_null(strstr(out.error, "not a regular file"));
    no_temporary_files(f);
    /* The same FIFO opened as a key or a file to read: refused at once. */
    size_t len;
    t0 = now_s();
    assert_null(file_read_nofollow(fifo, 64, &len, f->err, sizeof f->err));
    assert_non_null(strstr(f->err, "not a regular file"));
    long rows;
    assert_int_equal(export_open(fifo, f->sec, stdout, &rows, f->err, sizeof f->err), -1);
    assert_true(now_s() - t0 < 2);
}

/* An earlier export of the same day (a regular file) is replaced by a complete new one. */
static void test_masked_export_shows_only_what_the_receipt_shows(void **state)
{
    fx_t *f = *state;
    char path[160], text[16384];
    snprintf(path, sizeof path, "%s/" EXPORT, f->usb);
    put(path, "an older export\n");
    export_outcome_t out;
    export_request_t rq = request(f, false);
    assert_int_equal(run(f, &rq, &out), EXPORT_DONE);
    assert_int_equal(out.rows, ROWS);
    assert_false(out.sealed);
    assert_string_equal(out.file, EXPORT);
    assert_true(slurp(path, text, sizeof text) > 0);
    assert_null(strstr(text, "an older export"));
    assert_null(strstr(text, NID));
    assert_null(strstr(text, "1990123")); /* no long run of the NID */
    assert_null(strstr(text, DOB));
    assert_null(strstr(text, MOBILE));
    assert_null(strstr(text, "\"correction\""));
    assert_non_null(strstr(text, "\"nid\":\"*************0123\""));
    assert_non_null(strstr(text, "\"mobile\":\"********678\""));
    assert_non_null(strstr(text, "\"name\":\"" NAME "\"")); /* as on the receipt */
    assert_non_null(strstr(text, "\"masked\":true"));
    assert_non_null(strstr(text, "\"token\":\"B-003\""));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    no_temporary_files(f);
    /* A masked export cannot be imported as if its stars were identifiers. */
    char data2[128];
    long added, skipped;
    snprintf(data2, sizeof data2, "%s/data2", f->dir);
    journal_t *j = journal_open(data2, f->err, sizeof f->err);
    assert_non_null(j);
    assert_int_equal(
        journal_import(j, path, text, strlen(text), &added, &skipped, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, ":1: masked:"));
    journal_close(j);
}

static void test_sealed_export_opens_only_with_the_secret_key(void **state)
{
    fx_t *f = *state;
    char path[160], text[65536], opened[160], plain[65536], wrong[160], pt[128], st[128];
    snprintf(path, sizeof path, "%s/" SEALED, f->usb);
    export_outcome_t out;
    export_request_t rq = request(f, true);
    assert_int_equal(run(f, &rq, &out), EXPORT_DONE);
    assert_true(out.sealed);
    assert_int_equal(out.rows, ROWS);
    assert_string_equal(out.file, SEALED);
    long n = slurp(path, text, sizeof text);
    assert_true(n > 0);
    assert_true(strncmp(text, EXPORT_SEALED_HEAD "\n", strlen(EXPORT_SEALED_HEAD) + 1) == 0);
    /* Nothing a citizen typed, and nothing else either, in clear: after the head, only
     * base64url lines. (Short fragments such as a masked ID's last digits are not looked for:
     * random base64 holds "678" in about one run of 250.) */
    static const char *const clear[] = {
        NID, DOB, MOBILE, NAME, "রহিম", "*", "nid_correction", "B-001", "tracking"};
    for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
        assert_null(strstr(text, clear[i]));
    const char *body = text + strlen(EXPORT_SEALED_HEAD) + 1;
    assert_int_equal(strspn(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_\n"),
                     strlen(body));
    /* Padded: every sealed line has the same length here (each row is under 256 bytes). */
    char *l1 = strchr(text, '\n') + 1, *l2 = strchr(l1, '\n') + 1;
    assert_int_equal(strchr(l1, '\n') - l1, strchr(l2, '\n') - l2);
    /* The register's secret key opens it: the full journal, as --export-journal gives it. */
    snprintf(opened, sizeof opened, "%s/opened.jsonl", f->dir);
    FILE *o = fopen(opened, "w");
    long rows = 0;
    assert_int_equal(export_open(path, f->sec, o, &rows, f->err, sizeof f->err), 0);
    fclose(o);
    assert_int_equal(rows, ROWS);
    journal_t *j = journal_open(f->data, f->err, sizeof f->err);
    FILE *m = fmemopen(plain, sizeof plain, "w");
    assert_int_equal(journal_export(j, 0, m, f->err, sizeof f->err), ROWS);
    fputc('\0', m);
    fclose(m);
    journal_close(j);
    assert_true(slurp(opened, text, sizeof text) > 0);
    assert_string_equal(text, plain);
    assert_non_null(strstr(text, NID));
    /* Another key, the public key, or a changed byte: refused, naming the line. */
    assert_int_equal(seal_keygen(pt, sizeof pt, st, sizeof st), 0);
    snprintf(wrong, sizeof wrong, "%s/other.key", f->dir);
    put(wrong, st);
    assert_int_equal(export_open(path, wrong, stdout, &rows, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, ":2: cannot be opened with this key"));
    assert_int_equal(export_open(path, f->pub, stdout, &rows, f->err, sizeof f->err), -1);
    FILE *fp = fopen(path, "r+");
    fseek(fp, (long)strlen(EXPORT_SEALED_HEAD) + 40, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, -1, SEEK_CUR);
    fputc(c == 'A' ? 'B' : 'A', fp);
    fclose(fp);
    assert_int_equal(export_open(path, f->sec, stdout, &rows, f->err, sizeof f->err), -1);
    /* A plain export is not a sealed one. */
    snprintf(wrong, sizeof wrong, "%s/plain.jsonl", f->dir);
    put(wrong, "{\"tracking\":\"x\"}\n");
    assert_int_equal(export_open(wrong, f->sec, stdout, &rows, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "not a sealed export"));
}

static void test_bad_key_or_folder_is_a_clear_error(void **state)
{
    fx_t *f = *state;
    export_job_t j;
    export_request_t rq = request(f, true);
    export_outcome_t out;
    snprintf(rq.export_key, sizeof rq.export_key, "%s/missing.pub", f->dir);
    export_job_init(&j, NULL, NULL);
    assert_int_equal(export_job_start(&j, &rq, f->cat, f->err, sizeof f->err), -1);
    assert_non_null(strstr(f->err, "missing.pub"));
    export_job_destroy(&j);
    rq = request(f, false);
    snprintf(rq.dest_dir, sizeof rq.dest_dir, "%s/no-stick", f->dir);
    assert_int_equal(run(f, &rq, &out), EXPORT_FAILED);
    assert_non_null(strstr(out.error, "no-stick"));
}

/* The bound: a reader that cannot get at the journal (another connection holds it
 * exclusively) makes the export outlast it; the main loop hears "timed out" at the bound, and
 * the worker, when it gets going again, gives up and removes its temporary file. */
static void test_time_bound(void **state)
{
    fx_t *f = *state;
    char path[160];
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/journal.sqlite", f->data);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; "
                                  "UPDATE requests SET lang = lang;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    export_job_t j;
    export_outcome_t out;
    export_request_t rq = request(f, false);
    rq.timeout_ms = 300;
    export_job_init(&j, NULL, NULL);
    double t0 = now_s();
    assert_int_equal(export_job_start(&j, &rq, f->cat, f->err, sizeof f->err), 0);
    export_state_t s;
    while ((s = export_job_poll(&j, &out)) == EXPORT_RUNNING && now_s() - t0 < 10) {
        struct timespec t = {0, 5000000};
        nanosleep(&t, NULL);
    }
    double took = now_s() - t0;
    assert_int_equal(s, EXPORT_TIMED_OUT);
    assert_true(took >= 0.29 && took < 2);
    assert_non_null(strstr(out.error, "no answer within"));
    assert_int_equal(export_job_poll(&j, &out), EXPORT_IDLE);
    /* Still winding down: a second export waits for it. */
    assert_true(export_job_busy(&j));
    assert_int_equal(export_job_start(&j, &rq, f->cat, f->err, sizeof f->err), -1);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_int_equal(export_job_wait(&j, 20000), 0);
    assert_int_equal(export_job_poll(&j, &out), EXPORT_IDLE); /* nobody is told twice */
    export_job_destroy(&j);
    char final[160];
    snprintf(final, sizeof final, "%s/" EXPORT, f->usb);
    assert_int_not_equal(access(final, F_OK), 0);
    no_temporary_files(f);
}

/* Files the kiosk makes are its own (issue 9: journal.sqlite was 0644). */
static void test_data_folder_files_are_private(void **state)
{
    fx_t *f = *state;
    char data[128], path[192];
    mode_t old = umask(022);
    file_private_umask();
    snprintf(data, sizeof data, "%s/private", f->dir);
    journal_t *j = journal_open(data, f->err, sizeof f->err);
    assert_non_null(j);
    static const char *const names[] = {"journal.sqlite", "journal.sqlite-wal",
                                        "journal.sqlite-shm"};
    for (size_t i = 0; i < 3; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", data, names[i]);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0077, 0);
    }
    journal_close(j);
    umask(old);
}

static void test_reading_files_we_do_not_control(void **state)
{
    fx_t *f = *state;
    char path[160], link[160];
    size_t len;
    snprintf(path, sizeof path, "%s/small.txt", f->dir);
    snprintf(link, sizeof link, "%s/link.txt", f->dir);
    put(path, "0123456789");
    assert_int_equal(symlink(path, link), 0);
    char *text = file_read_nofollow(path, 100, &len, f->err, sizeof f->err);
    assert_non_null(text);
    assert_string_equal(text, "0123456789");
    free(text);
    assert_null(file_read_nofollow(link, 100, &len, f->err, sizeof f->err));
    assert_non_null(strstr(f->err, "a symbolic link"));
    text = file_read(link, 100, &len, f->err, sizeof f->err); /* the kiosk's own files */
    assert_non_null(text);
    free(text);
    assert_null(file_read_nofollow(path, 5, &len, f->err, sizeof f->err));
    assert_null(file_read_nofollow(f->dir, 100, &len, f->err, sizeof f->err));
    assert_non_null(strstr(f->err, "not a regular file"));
}

static void test_masking_rule(void **state)
{
    fx_t *f = *state;
    char out[64];
    int s = catalog_find_service(f->cat, "nid_correction");
    assert_true(s >= 0);
    const catalog_service_t *svc = &f->cat->services[s];
    assert_int_equal(mask_rule(svc, 0), MASK_CLEAR);  /* name */
    assert_int_equal(mask_rule(svc, 1), 4);           /* nid */
    assert_int_equal(mask_rule(svc, 2), MASK_HIDDEN); /* dob */
    assert_int_equal(mask_rule(svc, 3), MASK_HIDDEN); /* choice */
    assert_int_equal(mask_rule(svc, 4), 3);           /* mobile */
    assert_int_equal(mask_rule(svc, 5), MASK_HIDDEN);
    assert_true(mask_apply(4, "1234567890", out, sizeof out));
    assert_string_equal(out, "******7890");
    assert_false(mask_apply(MASK_HIDDEN, "x", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(mask_apply(4, "", out, sizeof out));
}

/* Issue 12: today's figures of the centre's queue go beside the journal, the same safe way. */
static void test_queue_figures_beside_the_journal(void **state)
{
    fx_t *f = *state;
    const char *figures = "{\"v\":1,\"at\":\"2026-11-29T10:31:00+06:00\",\"current\":true}\n";
    char path[512], got[256], journal[160];
    export_outcome_t out;
    export_request_t rq = request(f, true);
    snprintf(rq.figures, sizeof rq.figures, "%s", figures);
    assert_int_equal(run(f, &rq, &out), EXPORT_DONE);
    assert_string_equal(out.figures_file, "sheba-queue-UDC-0001-T01-20261129.json");
    snprintf(path, sizeof path, "%s/%s", f->usb, out.figures_file);
    assert_true(slurp(path, got, sizeof got) > 0);
    assert_string_equal(got, figures);
    no_temporary_files(f);
    /* A link planted under the figures' name: refused, not followed, the journal intact. */
    unlink(path);
    snprintf(journal, sizeof journal, "%s/journal.sqlite", f->data);
    assert_int_equal(symlink(journal, path), 0);
    assert_int_equal(run(f, &rq, &out), EXPORT_FAILED);
    assert_non_null(strstr(out.error, "not a regular file"));
    assert_int_equal(journal_rows(f), ROWS);
    no_temporary_files(f);
    /* Without figures (no board heard from): the journal alone, as before. */
    unlink(path);
    rq.figures[0] = '\0';
    assert_int_equal(run(f, &rq, &out), EXPORT_DONE);
    assert_string_equal(out.figures_file, "");
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_link_on_the_stick_leaves_the_journal_intact),
        T(test_fifo_on_the_stick_does_not_hang),
        T(test_masked_export_shows_only_what_the_receipt_shows),
        T(test_sealed_export_opens_only_with_the_secret_key),
        T(test_bad_key_or_folder_is_a_clear_error),
        T(test_time_bound),
        T(test_data_folder_files_are_private),
        T(test_reading_files_we_do_not_control),
        T(test_masking_rule),
        T(test_queue_figures_beside_the_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
