/* tests/unit/test_pin.c - the technician PIN: Argon2id hashes (old parameters still verify),
 * a lockout that survives restarts, fails closed on a full or read-only disk, escalates,
 * never lasts longer than its step whatever the clock does, and a log without the PIN. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/journal.h"
#include "store/pin.h"
#include "store/techlog.h"

#define RIGHT "246810"
#define WRONG "975319"   /* no three digits of it in a row appear in any count or time below */
#define T0    1795924800 /* 2026-11-29 10:00 in Dhaka */

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kiosk-pin-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    umount2(dir, MNT_DETACH); /* the full-disk test's tmpfs, if it is still there */
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void read_file(const char *name, char *out, size_t cap)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "r");
    out[0] = '\0';
    if (fp) {
        size_t n = fread(out, 1, cap - 1, fp);
        out[n] = '\0';
        fclose(fp);
    }
}

/* A hash with cheap parameters (as an older kiosk made them): the tests stay fast, and it
 * shows that hashes with other parameters still verify. */
static void cheap_pin(const char *pin)
{
    char hash[crypto_pwhash_STRBYTES], text[crypto_pwhash_STRBYTES + 2];
    assert_true(sodium_init() >= 0);
    assert_int_equal(
        crypto_pwhash_str_alg(hash, pin, strlen(pin), 1, 1u << 20, crypto_pwhash_ALG_ARGON2ID13),
        0);
    snprintf(text, sizeof text, "%s\n", hash);
    write_file("technician.pin", text);
}

static pin_result_t check(const char *pin, int64_t now, int *left, int64_t *until)
{
    return pin_check(dir, NULL, pin, now, left, until);
}

/* The right PIN gets in; then the cheap hash again (entry upgraded it to the slow one). */
static void enter(int64_t now)
{
    int left;
    int64_t until;
    assert_int_equal(check(RIGHT, now, &left, &until), PIN_OK);
    cheap_pin(RIGHT);
}

static void test_not_set(void **state)
{
    (void)state;
    int left;
    int64_t until;
    assert_int_equal(check(RIGHT, 1000, &left, &until), PIN_NOT_SET);
}

static void test_hash_is_argon2id_strong_and_private(void **state)
{
    (void)state;
    char err[256], path[128], line[256] = "";
    /* Setting the PIN is also the way out of a damaged lock file (see below). */
    write_file("technician.lock", "v2 banana\n");
    assert_int_equal(pin_set(dir, RIGHT, err, sizeof err), 0);
    read_file("technician.pin", line, sizeof line);
    assert_true(strncmp(line, "$argon2id$", 10) == 0);
    /* The parameters that cost at least 0.5 s a guess on a Raspberry Pi 4 (store/pin.c). */
    assert_non_null(strstr(line, "$m=65536,t=4,p=1$"));
    assert_null(strstr(line, RIGHT)); /* never the PIN itself */
    struct stat st;
    snprintf(path, sizeof path, "%s/technician.pin", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    int left;
    int64_t until;
    assert_int_equal(check(RIGHT, 1000, &left, &until), PIN_OK);
}

static void test_pins_are_six_to_twelve_digits(void **state)
{
    (void)state;
    char err[256], hash[256];
    assert_int_equal(pin_set(dir, "2468", err, sizeof err), -1);
    assert_non_null(strstr(err, "6 to 12 digits"));
    assert_int_equal(pin_set(dir, "12345", err, sizeof err), -1);
    assert_int_equal(pin_set(dir, "1234567890123", err, sizeof err), -1);
    assert_int_equal(pin_set(dir, "12a456", err, sizeof err), -1);
    assert_int_equal(pin_hash("24681", hash, sizeof hash, err, sizeof err), -1);
    assert_int_equal(pin_hash("2468", hash, sizeof hash, err, sizeof err), -1);
}

static void test_old_hash_verifies_and_is_upgraded_on_entry(void **state)
{
    (void)state;
    char line[256];
    int left;
    int64_t until;
    cheap_pin(RIGHT);
    assert_int_equal(check(WRONG, T0, &left, &until), PIN_WRONG);
    assert_int_equal(check(RIGHT, T0, &left, &until), PIN_OK);
    read_file("technician.pin", line, sizeof line);
    assert_non_null(strstr(line, "$m=65536,t=4,p=1$")); /* test_hash_is_argon2id... verifies it */
}

static void test_right_and_wrong(void **state)
{
    (void)state;
    int left;
    int64_t until;
    cheap_pin(RIGHT);
    assert_int_equal(check(WRONG, 1000, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 1);
    assert_int_equal(check("", 1000, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 2);
    assert_int_equal(check("2468", 1000, &left, &until), PIN_WRONG); /* too short: wrong */
    assert_int_equal(left, PIN_MAX_TRIES - 3);
    /* A right PIN clears the count. */
    enter(1000);
    assert_int_equal(check(WRONG, 1000, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 1);
}

static void lock_out(int64_t now, int64_t *until)
{
    int left;
    for (int i = 0; i < PIN_MAX_TRIES - 1; i++)
        assert_int_equal(check(WRONG, now, &left, until), PIN_WRONG);
    assert_int_equal(check(WRONG, now, &left, until), PIN_LOCKED);
}

static void test_five_wrong_lock_for_five_minutes_even_the_right_pin(void **state)
{
    (void)state;
    int left;
    int64_t until = 0;
    cheap_pin(RIGHT);
    lock_out(T0, &until);
    assert_int_equal(until, T0 + 5 * 60);
    /* Locked: the right PIN is refused too, until the time is up; the lock is in a file, so a
     * restart (a new call with nothing in memory) does not lift it. */
    assert_int_equal(check(RIGHT, T0 + 299, &left, &until), PIN_LOCKED);
    assert_int_equal(pin_state(dir, T0 + 10, &until), PIN_LOCKED);
    enter(T0 + 300);
}

static void test_lockouts_escalate_and_entry_resets_them(void **state)
{
    (void)state;
    static const int64_t minutes[] = {5, 15, 60, 240, 1440, 1440, 1440};
    int left;
    int64_t until, now = T0;
    cheap_pin(RIGHT);
    for (size_t i = 0; i < sizeof minutes / sizeof minutes[0]; i++) {
        lock_out(now, &until);
        assert_int_equal(until - now, minutes[i] * 60);
        assert_int_equal(pin_lock_seconds((int)i + 1), minutes[i] * 60);
        assert_int_equal(check(RIGHT, until - 1, &left, &until), PIN_LOCKED);
        now = until;
    }
    /* The technician gets in: the next lockout is 5 minutes again. */
    enter(now);
    lock_out(now + 10, &until);
    assert_int_equal(until - (now + 10), 5 * 60);
}

/* Issue 9: --now 2020-01-01 after a lock taken in 2026 gave a lock of 3,635,195 minutes. */
static void test_clock_set_back_never_lengthens_a_lock(void **state)
{
    (void)state;
    int left;
    int64_t until;
    const int64_t back = 1577815200; /* 2020-01-01 00:00 in Dhaka */
    cheap_pin(RIGHT);
    lock_out(T0, &until);
    lock_out(until, &until); /* the second lockout: 15 minutes */
    assert_int_equal(pin_state(dir, back, &until), PIN_LOCKED);
    assert_true(until > back && until - back <= 15 * 60);
    assert_int_equal(check(RIGHT, back + 60, &left, &until), PIN_LOCKED);
    assert_true(until - (back + 60) <= 15 * 60);
    /* Counted from when the clock was first seen back: it ends 15 minutes later. */
    enter(back + 15 * 60);
    /* A clock far in the future then back again: still never more than the step. */
    lock_out(4102444800LL, &until); /* 2100 */
    assert_int_equal(check(RIGHT, T0, &left, &until), PIN_LOCKED);
    assert_true(until - T0 <= 5 * 60);
}

/* Fill a file system until it refuses a single more byte. */
static void fill_up(void)
{
    char path[128], block[4096] = {0};
    snprintf(path, sizeof path, "%s/filler", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    while (write(fd, block, sizeof block) > 0) {
    }
    while (write(fd, block, 1) > 0) {
    }
    close(fd);
}

/* Issue 9: 12 wrong PINs on a full disk, and the 13th, right, one got in. */
static void test_full_disk_fails_closed(void **state)
{
    (void)state;
    if (mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") != 0)
        skip(); /* not root: test_read_only_folder_fails_closed covers the same path */
    int left;
    int64_t until;
    cheap_pin(RIGHT);
    fill_up();
    for (int i = 0; i < 12; i++)
        assert_int_not_equal(check(WRONG, T0 + i, &left, &until), PIN_OK);
    assert_int_equal(check(RIGHT, T0 + 13, &left, &until), PIN_ERROR);
    /* Space again: nothing was counted while the disk was full, and counting works again. */
    char path[128];
    snprintf(path, sizeof path, "%s/filler", dir);
    unlink(path);
    assert_int_equal(check(WRONG, T0 + 14, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 1);
    assert_int_equal(umount(dir), 0);
}

/* The same with a folder the kiosk cannot write: as root, in a child that drops to nobody. */
static void test_read_only_folder_fails_closed(void **state)
{
    (void)state;
    cheap_pin(RIGHT);
    char path[128];
    snprintf(path, sizeof path, "%s/technician.pin", dir);
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(chmod(dir, 0555), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        int left, wrong = 0;
        int64_t until;
        for (int i = 0; i < 12; i++)
            wrong += check(WRONG, T0 + i, &left, &until) != PIN_OK;
        _exit(wrong == 12 && check(RIGHT, T0 + 13, &left, &until) == PIN_ERROR ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    chmod(dir, 0700);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_damaged_lock_file_refuses_even_the_right_pin(void **state)
{
    (void)state;
    int left;
    int64_t until;
    cheap_pin(RIGHT);
    write_file("technician.lock", "v2 banana\n");
    assert_int_equal(check(RIGHT, T0, &left, &until), PIN_ERROR);
    assert_int_equal(pin_state(dir, T0, &until), PIN_ERROR);
    /* Setting the PIN again is the way out (test_hash_is_argon2id_strong_and_private). */
}

/* A cut after the last try was counted and before the lock was written: the count at the
 * limit locks at the next try, right PIN or not. An older kiosk's "FAILURES UNTIL" is read. */
static void test_count_at_the_limit_locks_and_old_format_reads(void **state)
{
    (void)state;
    int left;
    int64_t until;
    cheap_pin(RIGHT);
    write_file("technician.lock", "v2 5 0 0\n");
    assert_int_equal(check(RIGHT, T0, &left, &until), PIN_LOCKED);
    assert_int_equal(until, T0 + 300);
    write_file("technician.lock", "3 0\n");
    assert_int_equal(check(WRONG, T0, &left, &until), PIN_WRONG);
    assert_int_equal(left, 1);
    write_file("technician.lock", "0 1795925100\n"); /* locked until T0 + 300 */
    assert_int_equal(check(RIGHT, T0 + 10, &left, &until), PIN_LOCKED);
    assert_int_equal(until, T0 + 300);
}

/* Does s hold three digits of the PIN in a row? */
static bool leaks(const char *s, const char *pin)
{
    for (size_t i = 0; i + 3 <= strlen(pin); i++) {
        char part[4] = {pin[i], pin[i + 1], pin[i + 2], '\0'};
        if (strstr(s, part))
            return true;
    }
    return strstr(s, pin) != NULL;
}

/* Every failure, lockout, refusal and entry is logged, in the journal and on stderr, and no
 * line holds the PIN tried or the right one. */
static void test_log_has_every_event_and_no_pin(void **state)
{
    (void)state;
    char err[512], path[128], text[8192];
    int left;
    int64_t until;
    journal_t *j = journal_open(dir, err, sizeof err);
    assert_non_null(j);
    cheap_pin(RIGHT);
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    for (int i = 0; i < PIN_MAX_TRIES; i++)
        pin_check(dir, j, WRONG, T0, &left, &until);
    pin_check(dir, j, RIGHT, T0 + 60, &left, &until);
    pin_check(dir, j, RIGHT, T0 + 300, &left, &until);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    read_file("stderr.txt", text, sizeof text);
    assert_false(leaks(text, WRONG));
    assert_false(leaks(text, RIGHT));
    assert_non_null(strstr(text, "technician: wrong: wrong PIN, failure 1 of 5"));
    assert_non_null(strstr(text, "technician: lockout:"));
    assert_non_null(strstr(text, "technician: locked:"));
    assert_non_null(strstr(text, "technician: entry:"));
    techlog_row_t rows[16];
    int n = techlog_recent(j, rows, 16);
    assert_int_equal(n, PIN_MAX_TRIES + 2);
    assert_string_equal(rows[0].event, "entry");
    assert_string_equal(rows[1].event, "locked");
    assert_int_equal(rows[1].until, T0 + 300);
    assert_string_equal(rows[2].event, "lockout");
    assert_int_equal(rows[2].step, 1);
    assert_string_equal(rows[3].event, "wrong");
    assert_int_equal(rows[3].failures, 4);
    for (int i = 0; i < n; i++) {
        assert_false(leaks(rows[i].detail, WRONG));
        assert_false(leaks(rows[i].detail, RIGHT));
    }
    journal_close(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_not_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_is_argon2id_strong_and_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pins_are_six_to_twelve_digits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_hash_verifies_and_is_upgraded_on_entry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_right_and_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_five_wrong_lock_for_five_minutes_even_the_right_pin,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockouts_escalate_and_entry_resets_them, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clock_set_back_never_lengthens_a_lock, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_fails_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder_fails_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_lock_file_refuses_even_the_right_pin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_count_at_the_limit_locks_and_old_format_reads, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_has_every_event_and_no_pin, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
