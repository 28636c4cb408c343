/* tests/unit/test_journal_safety.c - a journal that existed is never silently replaced (the
 * state file beside the key, missing / shrunk / replaced journals refused, --new-journal
 * moving sequences past the last known), start-up that tells damage from "cannot start now",
 * retention that leaves nothing of what it erased (even after a kill), and an import that
 * validates every field. Each test works in its own mkdtemp folder. */
#define _DEFAULT_SOURCE /* mkdtemp, ftruncate */

#include "store/journal_export.h"
#include "store/journal.h"
#include "tmpdir.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* 2026-11-29T04:00:00Z = 29 Nov 2026 10:00 in Dhaka. */
#define T_29_MORNING 1795924800
/* 40 days earlier: older than the default retention of 30 days. */
#define T_OLD (T_29_MORNING - 40 * 86400)

typedef struct {
    char dir[64];
    char err[1024];
} fixture_t;

static int make_dir(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/test_safety.XXXXXX");
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

static void path_in(const fixture_t *fx, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", fx->dir, name);
}

static bool exists_in(const fixture_t *fx, const char *name)
{
    char p[200];
    struct stat st;
    path_in(fx, name, p, sizeof p);
    return lstat(p, &st) == 0;
}

/* How many journals were moved aside (main files; their -wal and -shm are not counted). */
static int count_aside(const fixture_t *fx)
{
    static const char prefix[] = "journal.sqlite.damaged-";
    DIR *d = opendir(fx->dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0 && !strstr(e->d_name, "-wal") &&
             !strstr(e->d_name, "-shm");
    if (d)
        closedir(d);
    return n;
}

static long count_rows(const fixture_t *fx, const char *sql);

static journal_t *open_ok(fixture_t *fx)
{
    fx->err[0] = '\0';
    journal_t *j = journal_open(fx->dir, fx->err, sizeof fx->err);
    if (!j)
        print_error("%s\n", fx->err);
    assert_non_null(j);
    return j;
}

/* Opening must be refused, with the technician's way out in the message. */
static void open_refused(fixture_t *fx)
{
    fx->err[0] = '\0';
    journal_t *j = journal_open(fx->dir, fx->err, sizeof fx->err);
    if (j)
        journal_close(j);
    assert_null(j);
    print_message("refused: %s\n", fx->err);
    assert_non_null(strstr(fx->err, "--new-journal"));
}

static journal_receipt_t commit_named(journal_t *j, char prefix, int64_t now, const char *name)
{
    journal_request_t req = {
        .centre_id = "UDC-0001",
        .terminal_id = "T01",
        .service_id = "birth_reg_new",
        .prefix = prefix,
        .lang = LANG_BN,
        .now = now,
        .field_count = 2,
        .field_ids = {"name", "mobile"},
        .values = {name, "01712345678"},
    };
    journal_receipt_t r;
    char err[512] = "";
    int rc = journal_commit(j, &req, &r, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

static journal_receipt_t commit_at(journal_t *j, char prefix, int64_t now)
{
    return commit_named(j, prefix, now, "আব্দুর রহিম");
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* ---- a journal that existed is never silently replaced ---- */

/* The state file beside the key holds the last numbers issued, after every commit. */
static void test_state_file_follows_commits(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    commit_at(j, 'B', T_29_MORNING + 60);
    commit_at(j, 'A', T_29_MORNING + 120);
    char p[200], text[4096] = "";
    path_in(fx, "journal.state", p, sizeof p);
    FILE *fp = fopen(p, "r");
    assert_non_null(fp);
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = '\0';
    print_message("%s", text);
    assert_non_null(strstr(text, "seq 2026-11-29 * 3\n"));
    assert_non_null(strstr(text, "seq 2026-11-29 A 2\n"));
    assert_non_null(strstr(text, "seq 2026-11-29 B 1\n"));
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    journal_close(j);
}

/* journal.sqlite gone: refused, and no new journal is made over the loss. */
static void test_missing_journal_refused(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    char p[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    assert_int_equal(unlink(p), 0);
    open_refused(fx);
    assert_false(exists_in(fx, "journal.sqlite"));
    open_refused(fx); /* and again: the refusal lasts */
}

/* The symlink attack of the export: journal.sqlite truncated to 0 bytes. */
static void test_emptied_journal_refused(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    char p[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    assert_int_equal(truncate(p, 0), 0);
    open_refused(fx);
    assert_int_equal(count_aside(fx), 1); /* kept, aside */
    open_refused(fx);
}

/* An older copy put back (it has fewer requests than the terminal issued): refused. */
static void test_older_copy_refused(void **state)
{
    fixture_t *fx = *state;
    char p[200], old[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    path_in(fx, "old.sqlite", old, sizeof old);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j); /* checkpointed: the main file holds everything */
    copy_file(p, old);
    j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING + 60);
    journal_close(j);
    copy_file(old, p);
    open_refused(fx);
    assert_int_equal(count_aside(fx), 1);
    /* The technician may put the older copy back on purpose: --new-journal keeps it, and its
     * numbers go on past the last ones issued. */
    copy_file(old, p);
    assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), 0);
    assert_int_equal(count_rows(fx, "SELECT count(*) FROM requests"), 1);
    j = open_ok(fx);
    journal_receipt_t r = commit_at(j, 'A', T_29_MORNING + 120);
    assert_string_equal(r.token, "A-003");
    assert_string_equal(r.tracking, "UDC-0001-T01-20261129-0003");
    journal_close(j);
    journal_close(open_ok(fx)); /* and it is accepted from now on */
}

/* Another terminal's (or another) journal with MORE requests put in its place: refused. */
static void test_other_journal_refused(void **state)
{
    fixture_t *fx = *state;
    char other[120], p[200], q[200];
    snprintf(other, sizeof other, "%s/other", fx->dir);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    j = journal_open(other, fx->err, sizeof fx->err);
    assert_non_null(j);
    for (int i = 0; i < 5; i++)
        commit_at(j, 'A', T_29_MORNING + i);
    journal_close(j);
    path_in(fx, "journal.sqlite", p, sizeof p);
    snprintf(q, sizeof q, "%s/journal.sqlite", other);
    copy_file(q, p);
    open_refused(fx);
}

/* --new-journal after a loss: the new journal's numbers go on past the last ones issued. */
static void test_new_journal_moves_past_last_known(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    commit_at(j, 'A', T_29_MORNING + 1);
    commit_at(j, 'B', T_29_MORNING + 2);
    journal_close(j);
    char p[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    assert_int_equal(unlink(p), 0);
    open_refused(fx);
    assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), 0);
    j = open_ok(fx);
    journal_receipt_t a = commit_at(j, 'A', T_29_MORNING + 3);
    journal_receipt_t c = commit_at(j, 'C', T_29_MORNING + 4);
    assert_string_equal(a.token, "A-003");
    assert_string_equal(a.tracking, "UDC-0001-T01-20261129-0004");
    assert_string_equal(c.token, "C-001");
    assert_string_equal(c.tracking, "UDC-0001-T01-20261129-0005");
    journal_close(j);
    j = open_ok(fx); /* and the new journal is accepted from now on */
    journal_close(j);
}

/* A crash between the SQLite commit and the state file's update leaves the file behind the
 * journal: that is fine (the journal is ahead, nothing was lost), and the file catches up. */
static void test_state_behind_journal_is_fine(void **state)
{
    fixture_t *fx = *state;
    char st[200], saved[200];
    path_in(fx, "journal.state", st, sizeof st);
    path_in(fx, "saved.state", saved, sizeof saved);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    copy_file(st, saved);
    journal_receipt_t r = commit_at(j, 'A', T_29_MORNING + 1);
    journal_close(j);
    copy_file(saved, st);
    j = open_ok(fx);
    journal_receipt_t next = commit_at(j, 'A', T_29_MORNING + 2);
    assert_int_equal(next.number, r.number + 1);
    journal_close(j);
}

/* A journal kept, its state file lost (or a kiosk from before the state file): the state
 * is made again from the journal, and then protects it. */
static void test_state_remade_from_journal(void **state)
{
    fixture_t *fx = *state;
    char st[200], p[200];
    path_in(fx, "journal.state", st, sizeof st);
    path_in(fx, "journal.sqlite", p, sizeof p);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    unlink(st);
    journal_close(open_ok(fx));
    assert_true(exists_in(fx, "journal.state"));
    assert_int_equal(unlink(p), 0);
    open_refused(fx);
}

/* Random bytes are a damaged journal: moved aside, refused until --new-journal. */
static void test_damaged_journal_moved_aside(void **state)
{
    fixture_t *fx = *state;
    char p[200], junk[4096];
    path_in(fx, "journal.sqlite", p, sizeof p);
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 131 + 7);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fwrite(junk, 1, sizeof junk, fp);
    fclose(fp);
    open_refused(fx);
    assert_true(exists_in(fx, "journal.DAMAGED"));
    assert_int_equal(count_aside(fx), 1);
    assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), 0);
    journal_close(open_ok(fx));
}

/* A healthy journal whose shared-memory file cannot be opened right now (here: a folder in
 * its place) is not damaged: the journal stays where it is, untouched, and opens once the
 * obstacle is gone. (The old code moved it aside as "damaged" with an empty reason.) */
static void test_cannot_open_now_leaves_journal(void **state)
{
    fixture_t *fx = *state;
    char p[200], shm[200], wal[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    path_in(fx, "journal.sqlite-shm", shm, sizeof shm);
    path_in(fx, "journal.sqlite-wal", wal, sizeof wal);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    unlink(shm);
    unlink(wal);
    assert_int_equal(mkdir(shm, 0700), 0);
    fx->err[0] = '\0';
    j = journal_open(fx->dir, fx->err, sizeof fx->err);
    print_message("%s\n", fx->err);
    if (j)
        journal_close(j);
    assert_null(j);
    assert_true(exists_in(fx, "journal.sqlite"));
    assert_false(exists_in(fx, "journal.DAMAGED"));
    assert_int_equal(count_aside(fx), 0);
    assert_int_equal(rmdir(shm), 0);
    j = open_ok(fx);
    journal_receipt_t r = commit_at(j, 'A', T_29_MORNING + 1);
    assert_string_equal(r.token, "A-002");
    journal_close(j);
}

/* The status names what happened, for the start-up screen and STATUS=. */
static journal_status_t open_status(fixture_t *fx)
{
    journal_t *j = NULL;
    fx->err[0] = '\0';
    journal_status_t s = journal_open_status(fx->dir, &j, fx->err, sizeof fx->err);
    print_message("status %s: %s\n", journal_status_name(s), fx->err);
    assert_true((s == JOURNAL_OK) == (j != NULL));
    journal_close(j);
    return s;
}

static void test_status_of_each_case(void **state)
{
    fixture_t *fx = *state;
    char p[200], shm[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    path_in(fx, "journal.sqlite-shm", shm, sizeof shm);
    assert_int_equal(open_status(fx), JOURNAL_OK);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    /* cannot open now: untouched, then fine */
    unlink(shm);
    assert_int_equal(mkdir(shm, 0700), 0);
    assert_int_equal(open_status(fx), JOURNAL_RETRY);
    assert_int_equal(count_aside(fx), 0);
    rmdir(shm);
    assert_int_equal(open_status(fx), JOURNAL_OK);
    /* lost: refused as missing, and still after that */
    assert_int_equal(unlink(p), 0);
    assert_int_equal(open_status(fx), JOURNAL_MISSING);
    assert_int_equal(open_status(fx), JOURNAL_MISSING);
    assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), 0);
    assert_int_equal(open_status(fx), JOURNAL_OK);
    /* damaged: refused as damaged, and still after that */
    FILE *fp = fopen(p, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 16, SEEK_SET), 0); /* the page size: 4096 becomes nonsense */
    fputc(0x7f, fp);
    fputc(0x01, fp);
    fclose(fp);
    assert_int_equal(open_status(fx), JOURNAL_DAMAGED);
    assert_int_equal(open_status(fx), JOURNAL_DAMAGED);
    assert_string_equal(journal_status_name(JOURNAL_RETRY), "retry");
}

/* A byte changed inside a value passes SQLite's integrity check; the row checksums see it. */
static void test_changed_value_is_damage(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    commit_at(j, 'A', T_29_MORNING + 60);
    journal_close(j);
    static const char *const sabotage[] = {
        "UPDATE requests SET token = 'A-0t1' WHERE number = 1",
        "UPDATE request_fields SET value = 'x' WHERE field_id = 'mobile'",
        "UPDATE token_seq SET last = 9 WHERE prefix = 'A'",
    };
    char p[200], copy[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    path_in(fx, "good.sqlite", copy, sizeof copy);
    copy_file(p, copy);
    for (size_t i = 0; i < sizeof sabotage / sizeof sabotage[0]; i++) {
        copy_file(copy, p);
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sabotage[i], NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
        print_message("%s\n", sabotage[i]);
        assert_int_equal(open_status(fx), JOURNAL_DAMAGED);
        assert_non_null(strstr(fx->err, "checksums"));
        assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), 0);
        unlink(p); /* the next round puts the good copy back */
    }
}

/* A byte changed in the schema's text renames a column: the integrity check is content, and
 * the kiosk's own queries then fail with "no such column". That is damage too, not a reason
 * to try again forever. */
static void test_changed_schema_is_damage(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    char p[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = "
                                  "replace(sql, 'tracking_id', 'trackinG_iX') WHERE name = "
                                  "'requests'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(open_status(fx), JOURNAL_DAMAGED);
    assert_int_equal(count_aside(fx), 1);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* A state file that is not what the kiosk writes: with the journal there, the journal is
 * trusted and the file made again (with a note); with the journal gone, refused; and
 * --new-journal does not guess the numbers, naming the file and line instead. */
static void test_malformed_state_file(void **state)
{
    fixture_t *fx = *state;
    char st[200], p[200];
    path_in(fx, "journal.state", st, sizeof st);
    path_in(fx, "journal.sqlite", p, sizeof p);
    journal_t *j = open_ok(fx);
    commit_at(j, 'A', T_29_MORNING);
    journal_close(j);
    write_file(st, "# Sheba Kiosk journal state\nseq 2026-11-29 A lots\n");
    j = NULL;
    assert_int_equal(journal_open_status(fx->dir, &j, fx->err, sizeof fx->err), JOURNAL_OK);
    print_message("note: %s\n", fx->err);
    assert_non_null(strstr(fx->err, "journal.state:2:"));
    journal_close(j);
    write_file(st, "garbage\n");
    assert_int_equal(unlink(p), 0);
    assert_int_equal(open_status(fx), JOURNAL_MISSING);
    assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), -1);
    print_message("--new-journal: %s\n", fx->err);
    assert_non_null(strstr(fx->err, "journal.state:1:"));
    assert_false(exists_in(fx, "journal.sqlite"));
}

/* Two terminals' worth of days: only the newest STATE_DAYS days stay in the file, and a
 * journal deleted after that is still refused, with the new journal going on past them. */
static void test_state_keeps_newest_days(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    for (int d = 0; d < 40; d++)
        commit_at(j, 'A', T_29_MORNING - (int64_t)d * 86400);
    journal_close(j);
    char st[200], text[8192] = "";
    path_in(fx, "journal.state", st, sizeof st);
    FILE *fp = fopen(st, "r");
    assert_non_null(fp);
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = '\0';
    int lines = 0;
    for (char *c = text; (c = strstr(c, "\nseq ")); c++)
        lines++;
    assert_int_equal(lines, 35 * 2); /* 35 days, 'A' and '*' */
    assert_non_null(strstr(text, "seq 2026-11-29 A 1\n"));
    assert_null(strstr(text, "seq 2026-10-21")); /* the oldest days are gone */
    char p[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(open_status(fx), JOURNAL_MISSING);
    assert_int_equal(journal_accept_new(fx->dir, fx->err, sizeof fx->err), 0);
    j = open_ok(fx);
    journal_receipt_t r = commit_at(j, 'A', T_29_MORNING + 60);
    assert_string_equal(r.token, "A-002");
    assert_string_equal(r.tracking, "UDC-0001-T01-20261129-0002");
    journal_close(j);
}

/* ---- retention leaves nothing of what it erased ---- */

/* Does any file of the folder hold needle? */
static bool folder_holds(const fixture_t *fx, const char *needle)
{
    DIR *d = opendir(fx->dir);
    bool found = false;
    size_t nl = strlen(needle);
    for (struct dirent *e; d && !found && (e = readdir(d));) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        FILE *fp = fopen(p, "rb");
        char *buf = malloc((size_t)st.st_size + 1);
        assert_non_null(buf);
        size_t n = fp ? fread(buf, 1, (size_t)st.st_size, fp) : 0;
        if (fp)
            fclose(fp);
        for (size_t i = 0; i + nl <= n && !found; i++)
            if (memcmp(buf + i, needle, nl) == 0) {
                found = true;
                print_message("\"%s\" found in %s at %zu\n", needle, e->d_name, i);
            }
        free(buf);
    }
    if (d)
        closedir(d);
    return found;
}

/* The kiosk takes requests, retention erases the old ones, then the kiosk is killed (no
 * close, no checkpoint): no file of the data folder may still hold the erased names. */
static void test_erased_text_gone_after_kill(void **state)
{
    fixture_t *fx = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[512];
        journal_t *j = journal_open(fx->dir, err, sizeof err);
        if (!j)
            _exit(2);
        for (int i = 0; i < 20; i++) {
            char name[64];
            snprintf(name, sizeof name, "ERASEME-%02d রহিম", i);
            commit_named(j, 'A', T_OLD + i, name);
        }
        commit_named(j, 'A', T_29_MORNING, "KEEPME-01");
        if (journal_erase_older(j, T_29_MORNING, 30, err, sizeof err) != 20)
            _exit(3);
        _exit(0); /* as SIGKILL would: no sqlite3_close, no checkpoint on close */
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(folder_holds(fx, "KEEPME-01")); /* the search itself works */
    assert_false(folder_holds(fx, "ERASEME-"));
}

/* ---- import ---- */

static const char *const good_line =
    "{\"tracking\":\"UDC-0001-T01-20261129-0007\",\"token\":\"A-007\","
    "\"service\":\"birth_reg_new\",\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\","
    "\"printed\":null,\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,"
    "\"fields\":{\"name\":\"রহিম\"}}\n";

static long count_rows(const fixture_t *fx, const char *sql)
{
    char p[200];
    path_in(fx, "journal.sqlite", p, sizeof p);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* A row erased by retention elsewhere carries no fields here, whatever the file says. */
static void test_import_erased_row_drops_fields(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    const char *line = "{\"tracking\":\"UDC-0001-T01-20261129-0007\",\"token\":\"A-007\","
                       "\"service\":\"birth_reg_new\",\"lang\":\"bn\","
                       "\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
                       "\"print_status\":\"pending\",\"print_error\":null,\"erased\":true,"
                       "\"fields\":{\"name\":\"রহিম\",\"nid\":\"1234567890\"}}\n";
    long added, skipped;
    assert_int_equal(
        journal_import(j, "e.jsonl", line, strlen(line), &added, &skipped, fx->err, 1024), 0);
    assert_int_equal(added, 1);
    journal_close(j);
    assert_int_equal(count_rows(fx, "SELECT count(*) FROM request_fields"), 0);
    assert_int_equal(count_rows(fx, "SELECT fields_erased FROM requests"), 1);
}

typedef struct {
    const char *why;
    const char *line; /* the second line of the file; the first is good_line */
    const char *want; /* in the message, after "bad.jsonl:2: " */
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"tracking id dated another day than created",
     "{\"tracking\":\"UDC-0001-T01-20261128-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,\"fields\":{}}",
     "tracking"},
    {"impossible date",
     "{\"tracking\":\"UDC-0001-T01-20260231-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-02-31T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,\"fields\":{}}",
     "created"},
    {"invalid UTF-8 in print_error",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"offline\",\"print_error\":\"bad \xff\xfe here\",\"erased\":false,"
     "\"fields\":{}}",
     "print_error: invalid UTF-8"},
    {"an unknown key",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,\"fields\":{},"
     "\"colour\":\"red\"}",
     "colour"},
    {"erased not a boolean",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":\"yes\",\"fields\":{}}",
     "erased"},
    {"print_error not a string",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"offline\",\"print_error\":42,\"erased\":false,\"fields\":{}}",
     "print_error"},
    {"a key twice",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,\"fields\":{},"
     "\"token\":\"A-002\"}",
     "token"},
    {"a NUL in a field value",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,"
     "\"fields\":{\"name\":\"Rahim\\u0000Karim\"}}",
     "fields: name"},
    {"a control character in a field value",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,"
     "\"fields\":{\"name\":\"Rahim\\u001bKarim\"}}",
     "fields: name"},
    {"a field value that is not a string",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,"
     "\"fields\":{\"age\":42}}",
     "fields: age"},
    {"a missing member",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"printed\":null,\"print_status\":\"pending\",\"print_error\":null,"
     "\"erased\":false,\"fields\":{}}",
     "created"},
    {"something after the object",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,\"fields\":{}} {}",
     "(line)"},
    {"a token already held by another request that day",
     "{\"tracking\":\"UDC-0001-T01-20261129-0008\",\"token\":\"A-007\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T11:30:00+06:00\",\"printed\":null,"
     "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,\"fields\":{}}",
     "token"},
    {"printed before it was created",
     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\",\"service\":\"x\","
     "\"lang\":\"bn\",\"created\":\"2026-11-29T10:30:00+06:00\","
     "\"printed\":\"2026-11-28T10:30:00+06:00\",\"print_status\":\"printed\","
     "\"print_error\":null,\"erased\":false,\"fields\":{}}",
     "printed"},
};

/* Each bad line is refused with file, line and field, and nothing of the file is added. */
static void test_import_rejects_bad_fields(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char text[4096], want[128];
        snprintf(text, sizeof text, "%s%s\n", good_line, bad_cases[i].line);
        snprintf(want, sizeof want, "bad.jsonl:2: %s", bad_cases[i].want);
        long added = -1, skipped = -1;
        fx->err[0] = '\0';
        int rc = journal_import(j, "bad.jsonl", text, strlen(text), &added, &skipped, fx->err,
                                sizeof fx->err);
        print_message("%s: %s\n", bad_cases[i].why, fx->err);
        assert_int_equal(rc, -1);
        assert_int_equal(added, 0);
        assert_non_null(strstr(fx->err, want));
    }
    journal_close(j);
    assert_int_equal(count_rows(fx, "SELECT count(*) FROM requests"), 0);
}

static bool only_birth_reg(const char *id, const void *ctx)
{
    (void)ctx;
    return strcmp(id, "birth_reg_new") == 0;
}

/* With the catalog's services given, a service it does not have is refused. */
static void test_import_rejects_unknown_service(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    char text[4096];
    snprintf(text, sizeof text, "%s%s\n", good_line,
             "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\","
             "\"service\":\"teleportation\",\"lang\":\"bn\","
             "\"created\":\"2026-11-29T10:30:00+06:00\",\"printed\":null,"
             "\"print_status\":\"pending\",\"print_error\":null,\"erased\":false,"
             "\"fields\":{}}");
    journal_import_check_t check = {.service_known = only_birth_reg};
    long added = -1, skipped = -1;
    int rc = journal_import_checked(j, "svc.jsonl", text, strlen(text), &check, &added, &skipped,
                                    fx->err, sizeof fx->err);
    print_message("%s\n", fx->err);
    assert_int_equal(rc, -1);
    assert_int_equal(added, 0);
    assert_non_null(strstr(fx->err, "svc.jsonl:2: service: \"teleportation\""));
    /* the same file without the stranger is taken */
    rc = journal_import_checked(j, "svc.jsonl", good_line, strlen(good_line), &check, &added,
                                &skipped, fx->err, sizeof fx->err);
    assert_int_equal(rc, 0);
    assert_int_equal(added, 1);
    journal_close(j);
}

/* A print_error longer than any the kiosk writes, and 20 MB of it: refused by size. */
static void test_import_rejects_long_print_error(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    char text[8192];
    int n = snprintf(text, sizeof text,
                     "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\","
                     "\"service\":\"x\",\"lang\":\"bn\",\"created\":"
                     "\"2026-11-29T10:30:00+06:00\",\"printed\":null,\"print_status\":"
                     "\"offline\",\"erased\":false,\"fields\":{},\"print_error\":\"");
    memset(text + n, 'x', 2000);
    snprintf(text + n + 2000, sizeof text - (size_t)n - 2000, "\"}\n");
    long added = -1, skipped = -1;
    int rc = journal_import(j, "long.jsonl", text, strlen(text), &added, &skipped, fx->err,
                            sizeof fx->err);
    print_message("%s\n", fx->err);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(fx->err, "long.jsonl:1: print_error: 2000 bytes"));
    journal_close(j);
}

/* A raw zero byte inside a string would cut it as surely as \u0000. */
static void test_import_rejects_zero_byte(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    char text[1024];
    size_t n = strlen(good_line);
    memcpy(text, good_line, n + 1);
    char *name = strstr(text, "রহিম");
    assert_non_null(name);
    name[3] = '\0'; /* inside the name, after its first letter */
    long added = -1, skipped = -1;
    int rc = journal_import(j, "zero.jsonl", text, n, &added, &skipped, fx->err, sizeof fx->err);
    print_message("%s\n", fx->err);
    assert_int_equal(rc, -1);
    assert_int_equal(added, 0);
    assert_non_null(strstr(fx->err, "zero.jsonl:1: (line): a zero byte"));
    journal_close(j);
}

/* 20 MB of print_error: refused by its size, not stored. */
static void test_import_rejects_huge_print_error(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    size_t big = 20u << 20;
    const char *head = "{\"tracking\":\"UDC-0001-T01-20261129-0001\",\"token\":\"A-001\","
                       "\"service\":\"x\",\"lang\":\"bn\",\"created\":"
                       "\"2026-11-29T10:30:00+06:00\",\"printed\":null,\"print_status\":"
                       "\"offline\",\"erased\":false,\"fields\":{},\"print_error\":\"";
    size_t hl = strlen(head);
    char *text = malloc(hl + big + 8);
    assert_non_null(text);
    memcpy(text, head, hl);
    memset(text + hl, 'x', big);
    memcpy(text + hl + big, "\"}\n", 4);
    long added = -1, skipped = -1;
    int rc = journal_import(j, "big.jsonl", text, strlen(text), &added, &skipped, fx->err,
                            sizeof fx->err);
    free(text);
    print_message("%s\n", fx->err);
    assert_int_equal(rc, -1);
    assert_int_equal(added, 0);
    assert_non_null(strstr(fx->err, "big.jsonl:1:"));
    journal_close(j);
    assert_int_equal(count_rows(fx, "SELECT count(*) FROM requests"), 0);
}

/* A file of good lines is still taken, and the date check accepts 29 February of a leap
 * year. */
static void test_import_accepts_good_lines(void **state)
{
    fixture_t *fx = *state;
    journal_t *j = open_ok(fx);
    char text[4096];
    snprintf(text, sizeof text, "%s%s", good_line,
             "{\"tracking\":\"UDC-0001-T01-20280229-0001\",\"token\":\"A-001\","
             "\"service\":\"birth_reg_new\",\"lang\":\"en\","
             "\"created\":\"2028-02-29T23:59:59+06:00\",\"printed\":"
             "\"2028-02-29T23:59:59+06:00\",\"print_status\":\"printed\",\"print_error\":null,"
             "\"erased\":false,\"fields\":{}}\n");
    long added = -1, skipped = -1;
    int rc = journal_import(j, "ok.jsonl", text, strlen(text), &added, &skipped, fx->err,
                            sizeof fx->err);
    if (rc)
        print_error("%s\n", fx->err);
    assert_int_equal(rc, 0);
    assert_int_equal(added, 2);
    journal_close(j);
}

/* A date like 2026-02-31 is not a date, wherever it is read. */
static void test_parse_time_rejects_impossible_dates(void **state)
{
    (void)state;
    assert_true(journal_parse_time("2026-02-28T10:00:00+06:00") > 0);
    assert_true(journal_parse_time("2028-02-29T10:00:00+06:00") > 0);
    assert_int_equal(journal_parse_time("2026-02-29T10:00:00+06:00"), -1);
    assert_int_equal(journal_parse_time("2026-02-31T10:00:00+06:00"), -1);
    assert_int_equal(journal_parse_time("2026-04-31T10:00:00+06:00"), -1);
    assert_int_equal(journal_parse_time("2100-02-29T10:00:00+06:00"), -1);
}

#define JT(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        JT(test_state_file_follows_commits),
        JT(test_missing_journal_refused),
        JT(test_emptied_journal_refused),
        JT(test_older_copy_refused),
        JT(test_other_journal_refused),
        JT(test_new_journal_moves_past_last_known),
        JT(test_state_behind_journal_is_fine),
        JT(test_state_remade_from_journal),
        JT(test_damaged_journal_moved_aside),
        JT(test_cannot_open_now_leaves_journal),
        JT(test_status_of_each_case),
        JT(test_changed_value_is_damage),
        JT(test_changed_schema_is_damage),
        JT(test_malformed_state_file),
        JT(test_state_keeps_newest_days),
        JT(test_erased_text_gone_after_kill),
        JT(test_import_erased_row_drops_fields),
        JT(test_import_rejects_bad_fields),
        JT(test_import_rejects_unknown_service),
        JT(test_import_rejects_long_print_error),
        JT(test_import_rejects_zero_byte),
        JT(test_import_rejects_huge_print_error),
        JT(test_import_accepts_good_lines),
        JT(test_parse_time_rejects_impossible_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
