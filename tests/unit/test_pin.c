/* tests/unit/test_pin.c - the technician PIN: Argon2id hash, lockout that survives restarts. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/pin.h"

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
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_not_set(void **state)
{
    (void)state;
    int left;
    int64_t until;
    assert_int_equal(pin_check(dir, "1234", 1000, &left, &until), PIN_NOT_SET);
}

static void test_hash_is_argon2id_and_private(void **state)
{
    (void)state;
    char err[256], path[128], line[256] = "";
    assert_int_equal(pin_set(dir, "246810", err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/technician.pin", dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    fclose(fp);
    assert_true(strncmp(line, "$argon2id$", 10) == 0);
    assert_null(strstr(line, "246810")); /* never the PIN itself */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_rejects_bad_pins(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(pin_set(dir, "123", err, sizeof err), -1);
    assert_int_equal(pin_set(dir, "1234567890123", err, sizeof err), -1);
    assert_int_equal(pin_set(dir, "12a4", err, sizeof err), -1);
    assert_non_null(strstr(err, "4 to 12 digits"));
}

static void test_right_and_wrong(void **state)
{
    (void)state;
    char err[256];
    int left;
    int64_t until;
    assert_int_equal(pin_set(dir, "2468", err, sizeof err), 0);
    assert_int_equal(pin_check(dir, "2468", 1000, &left, &until), PIN_OK);
    assert_int_equal(pin_check(dir, "2469", 1000, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 1);
    assert_int_equal(pin_check(dir, "", 1000, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 2);
    /* A right PIN clears the count. */
    assert_int_equal(pin_check(dir, "2468", 1000, &left, &until), PIN_OK);
    assert_int_equal(pin_check(dir, "0000", 1000, &left, &until), PIN_WRONG);
    assert_int_equal(left, PIN_MAX_TRIES - 1);
}

static void test_five_wrong_lock_for_five_minutes_even_the_right_pin(void **state)
{
    (void)state;
    char err[256];
    int left;
    int64_t until = 0;
    assert_int_equal(pin_set(dir, "2468", err, sizeof err), 0);
    for (int i = 0; i < PIN_MAX_TRIES - 1; i++)
        assert_int_equal(pin_check(dir, "1111", 5000, &left, &until), PIN_WRONG);
    assert_int_equal(pin_check(dir, "1111", 5000, &left, &until), PIN_LOCKED);
    assert_int_equal(until, 5000 + 5 * 60);
    /* Locked: the right PIN is refused too, until the time is up; the lock is in a file, so a
     * restart (a new call with nothing in memory) does not lift it. */
    assert_int_equal(pin_check(dir, "2468", 5000 + 299, &left, &until), PIN_LOCKED);
    assert_int_equal(pin_state(dir, 5000 + 10, &until), PIN_LOCKED);
    assert_int_equal(pin_check(dir, "2468", 5000 + 300, &left, &until), PIN_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_not_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_is_argon2id_and_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejects_bad_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_right_and_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_five_wrong_lock_for_five_minutes_even_the_right_pin,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
