/* tests/unit/test_signing.c - receipt signatures: the whole payload up to "&sig=" is signed
 * (URL included), payloads are parsed strictly (no parameter twice, none unknown, nothing
 * after the signature), and a key only vouches for its own terminal's receipts. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/signing.h"

#define URL      "https://sheba.example.gov.bd/r"
#define TRACKING "UDC-0001-T01-20261129-0007"

static signing_key_t key, other;

static int setup(void **state)
{
    (void)state;
    char err[512];
    if (signing_load(NULL, "tests/data/signing-test.key", &key, err, sizeof err) < 0) {
        print_error("%s\n", err);
        return -1;
    }
    /* Another terminal's key, from a fixed seed. */
    unsigned char seed[crypto_sign_SEEDBYTES] = {7};
    return crypto_sign_seed_keypair(other.public_key, other.secret, seed);
}

static void sign(const signing_key_t *k, const char *base, const char *tracking, char *out,
                 size_t cap)
{
    assert_true(signing_payload(k, base, tracking, "B-007", "nid_correction", out, cap) > 0);
}

static verify_result_t verify(const signing_key_t *k, const char *payload)
{
    char t[128], tk[128], s[128];
    return signing_verify(k->public_key, payload, t, tk, s, sizeof t);
}

static void test_round_trip_and_parts(void **state)
{
    (void)state;
    char p[1100], why[256];
    signing_receipt_t r;
    sign(&key, URL, TRACKING, p, sizeof p);
    assert_true(strncmp(p, URL "/" TRACKING "?t=B-007&s=nid_correction&sig=", 80) == 0);
    assert_int_equal(verify(&key, p), VERIFY_GENUINE);
    assert_int_equal(signing_check(key.public_key, "UDC-0001-T01", p, &r, why, sizeof why),
                     VERIFY_GENUINE);
    assert_string_equal(r.url, URL);
    assert_string_equal(r.tracking, TRACKING);
    assert_string_equal(r.terminal, "UDC-0001-T01");
    assert_string_equal(r.token, "B-007");
    assert_string_equal(r.service, "nid_correction");
    assert_int_equal(r.year, 2026);
    assert_int_equal(r.month, 11);
    assert_int_equal(r.day, 29);
    /* Without a URL the payload starts with the tracking id. */
    sign(&key, "", TRACKING, p, sizeof p);
    assert_true(strncmp(p, TRACKING "?t=", strlen(TRACKING) + 3) == 0);
    assert_int_equal(verify(&key, p), VERIFY_GENUINE);
    assert_int_equal(verify(&other, p), VERIFY_FORGED);
}

/* Issue 9: a phishing host (or http for https) in front of a genuine tracking id passed. */
static void test_url_is_signed(void **state)
{
    (void)state;
    char p[1100], changed[1200];
    sign(&key, URL, TRACKING, p, sizeof p);
    const char *rest = p + strlen(URL);
    static const char *const hosts[] = {
        "https://sheba.example.gov.bd.evil.example/r", "http://sheba.example.gov.bd/r",
        "https://sheba-example.gov.bd/r", "https://sheba.example.gov.bd/x", "https://evil.example"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        snprintf(changed, sizeof changed, "%s%s", hosts[i], rest);
        assert_int_equal(verify(&key, changed), VERIFY_FORGED);
    }
    /* A receipt made without a URL cannot be given one, nor the other way round. */
    snprintf(changed, sizeof changed, "%s", rest + 1);
    assert_int_equal(verify(&key, changed), VERIFY_FORGED);
}

/* Issue 9: "&t=A-999&s=land_tax" appended passed (the first value won). */
static void test_duplicate_unknown_and_trailing_parameters_are_malformed(void **state)
{
    (void)state;
    char p[1100], changed[1200];
    sign(&key, URL, TRACKING, p, sizeof p);
    const char *sig = strstr(p, "&sig=");
    static const char *const after[] = {
        "&t=A-999&s=land_tax", "&t=A-999", "&x=1", "&", "#top", "&sig=AAAA"};
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
        snprintf(changed, sizeof changed, "%s%s", p, after[i]);
        assert_int_equal(verify(&key, changed), VERIFY_MALFORMED);
    }
    /* Inserted before the signature. */
    static const char *const before[] = {"&t=A-999", "&s=land_tax", "&x=1", "&"};
    for (size_t i = 0; i < sizeof before / sizeof before[0]; i++) {
        snprintf(changed, sizeof changed, "%.*s%s%s", (int)(sig - p), p, before[i], sig);
        assert_int_equal(verify(&key, changed), VERIFY_MALFORMED);
    }
    static const char *const bad[] = {
        "",
        "hello world",
        URL "/" TRACKING "?t=B-007&s=nid_correction",
        URL "/" TRACKING "?s=nid_correction&sig=" /* no token */,
        URL "/ " TRACKING "?t=B-007&s=nid_correction&sig=x",
        "ftp://x/" TRACKING "?t=B-007&s=nid_correction&sig=x",
        URL "/UDC-0001-T01-20260231-0007?t=B-007&s=nid_correction&sig=x" /* 31 Feb */,
        URL "/T01-20261129-0007?t=B-007&s=nid_correction&sig=x" /* no centre */,
        URL "/" TRACKING "?t=b-007&s=nid_correction&sig=x",
        URL "/" TRACKING "?t=B-007&s=NID&sig=x",
        URL "/" TRACKING "?t=B-007&s=nid_correction&sig=x\x1b[2J",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(verify(&key, bad[i]), VERIFY_MALFORMED);
}

/* Issue 9: a T02 tracking id signed with T01's key passed against the centre's keys. */
static void test_key_vouches_for_its_own_terminal_only(void **state)
{
    (void)state;
    char p[1100], why[256];
    signing_receipt_t r;
    sign(&key, URL, "UDC-0001-T02-20261129-0001", p, sizeof p); /* T01's key, T02's id */
    assert_int_equal(signing_check(key.public_key, "UDC-0001-T01", p, &r, why, sizeof why),
                     VERIFY_FORGED);
    assert_non_null(strstr(why, "UDC-0001-T02"));
    assert_int_equal(signing_check(other.public_key, "UDC-0001-T02", p, &r, why, sizeof why),
                     VERIFY_FORGED);
    assert_string_equal(r.terminal, "UDC-0001-T02");
    /* Ids with '-' in the centre and the terminal: the terminal is what precedes the date. */
    sign(&key, URL, "UDC-45-01-T-07-20261129-0012", p, sizeof p);
    assert_int_equal(signing_check(key.public_key, "UDC-45-01-T-07", p, &r, why, sizeof why),
                     VERIFY_GENUINE);
    assert_int_equal(r.day, 29);
}

static void test_every_character_matters(void **state)
{
    (void)state;
    char p[1100];
    sign(&key, URL, TRACKING, p, sizeof p);
    size_t n = strlen(p);
    /* Every position before the signature's last character (which carries 2 bits only). */
    for (size_t i = 0; i + 1 < n; i++) {
        char c = p[i];
        p[i] = c == 'A' ? 'B' : 'A';
        assert_int_not_equal(verify(&key, p), VERIFY_GENUINE);
        p[i] = c;
    }
    assert_int_equal(verify(&key, p), VERIFY_GENUINE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_parts),
        cmocka_unit_test(test_url_is_signed),
        cmocka_unit_test(test_duplicate_unknown_and_trailing_parameters_are_malformed),
        cmocka_unit_test(test_key_vouches_for_its_own_terminal_only),
        cmocka_unit_test(test_every_character_matters),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
