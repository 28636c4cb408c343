/* tests/unit/test_seal.c - sealing to the register's key: round trip, wrong key, tampering,
 * key files (good, damaged, a FIFO that must not hang the reader). */
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
#include <unistd.h>

#include "store/seal.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kiosk-seal-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void keys(uint8_t pk[SEAL_KEY_BYTES], uint8_t sk[SEAL_KEY_BYTES])
{
    char pt[80], st[80];
    assert_int_equal(seal_keygen(pt, sizeof pt, st, sizeof st), 0);
    assert_true(seal_key_from_text(pt, pk));
    assert_true(seal_key_from_text(st, sk));
    uint8_t derived[SEAL_KEY_BYTES];
    seal_public_of(sk, derived);
    assert_memory_equal(derived, pk, SEAL_KEY_BYTES);
}

static void test_round_trip(void **state)
{
    (void)state;
    uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES], box[200], out[200];
    const char *msg = "{\"name\":\"রহিম উদ্দিন\",\"nid\":\"1234567890\"}";
    size_t n = strlen(msg);
    keys(pk, sk);
    assert_int_equal(seal_to(pk, msg, n, box, n + SEAL_OVERHEAD - 1), -1); /* too small */
    assert_int_equal(seal_to(pk, msg, n, box, sizeof box), 0);
    assert_null(memmem(box, n + SEAL_OVERHEAD, "1234567890", 10)); /* nothing in clear */
    assert_int_equal(seal_open(sk, box, n + SEAL_OVERHEAD, out, sizeof out), (long)n);
    assert_memory_equal(out, msg, n);
}

static void test_wrong_key_and_tampering(void **state)
{
    (void)state;
    uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES], pk2[SEAL_KEY_BYTES], sk2[SEAL_KEY_BYTES];
    uint8_t box[100], out[100];
    keys(pk, sk);
    keys(pk2, sk2);
    assert_int_equal(seal_to(pk, "secret", 6, box, sizeof box), 0);
    assert_int_equal(seal_open(sk2, box, 6 + SEAL_OVERHEAD, out, sizeof out), -1);
    box[SEAL_OVERHEAD + 2] ^= 1;
    assert_int_equal(seal_open(sk, box, 6 + SEAL_OVERHEAD, out, sizeof out), -1);
    assert_int_equal(seal_open(sk, box, SEAL_OVERHEAD - 1, out, sizeof out), -1);
}

static void test_key_files(void **state)
{
    (void)state;
    char pt[80], st[80], path[128], err[256];
    uint8_t a[SEAL_KEY_BYTES], b[SEAL_KEY_BYTES];
    assert_int_equal(seal_keygen(pt, sizeof pt, st, sizeof st), 0);
    snprintf(path, sizeof path, "%s/register.pub", dir);
    write_text(path, pt);
    assert_int_equal(seal_key_load(path, a, err, sizeof err), 0);
    assert_true(seal_key_from_text(pt, b));
    assert_memory_equal(a, b, SEAL_KEY_BYTES);

    write_text(path, "not a key\n");
    assert_int_equal(seal_key_load(path, a, err, sizeof err), -1);
    assert_non_null(strstr(err, "register.pub: not a key"));

    snprintf(path, sizeof path, "%s/missing.pub", dir);
    assert_int_equal(seal_key_load(path, a, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing.pub"));

    snprintf(path, sizeof path, "%s/fifo.pub", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(seal_key_load(path, a, err, sizeof err), -1); /* at once, no hang */
    assert_non_null(strstr(err, "not a key file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_key_and_tampering),
        cmocka_unit_test_setup_teardown(test_key_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
