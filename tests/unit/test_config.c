/* tests/unit/test_config.c - unit tests for config/config: defaults, assets/kiosk.ini, the INI
 * fixtures under tests/data/config/ (every error names "FILE:LINE:"), and config_set. */
#include "config/config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#define BAD  "tests/data/config/bad/"
#define GOOD "tests/data/config/good/"

static void assert_calibration(const config_t *c, float a, float b, float cc, float d, float e,
                               float f)
{
    const float want[6] = {a, b, cc, d, e, f};
    for (int i = 0; i < 6; i++)
        assert_true(c->calibration[i] == want[i]);
}

/* Load path over the defaults; it must fail with "path:line: ..." containing what. */
static void expect_load_error(const char *path, int line, const char *what)
{
    config_t c;
    config_defaults(&c);
    char err[512] = "", prefix[300];
    int rc = config_load(&c, path, err, sizeof err);
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    if (rc != -1 || strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what)) {
        print_error("rc %d, err \"%s\"\nwant -1 and \"%s...%s...\"\n", rc, err, prefix, what);
        fail();
    }
}

static void load_ok(config_t *c, const char *path)
{
    char err[512] = "";
    config_defaults(c);
    int rc = config_load(c, path, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
}

/* ---- defaults: the values assets/kiosk.ini documents, copied by hand ---- */

static void test_defaults_terminal_kiosk_display_match_kiosk_ini(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    assert_string_equal(c.terminal_id, "T01");
    assert_int_equal(c.language, LANG_BN);
    assert_int_equal(c.idle_timeout_s, 60);
    assert_int_equal(c.idle_countdown_s, 20);
    assert_string_equal(c.data_dir, "var");
    assert_string_equal(c.catalog, "catalog.json");
    assert_int_equal(c.rotation, 0);
    assert_int_equal(c.dpi, 132);
    assert_calibration(&c, 1, 0, 0, 0, 1, 0);
}

/* kiosk.ini: "the values below are the defaults unless marked otherwise"; none is marked. */
static void test_defaults_centre_and_receipt_url_match_kiosk_ini(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    assert_string_equal(c.centre_id, "UDC-0001");
    assert_string_equal(c.centre_name[LANG_BN], "মডেল ইউনিয়ন ডিজিটাল সেন্টার");
    assert_string_equal(c.centre_name[LANG_EN], "Model Union Digital Centre");
    assert_string_equal(c.receipt_url, "");
    assert_int_equal(c.fees.service_charge, 0);
    assert_int_equal(c.fees.charge_count, 0);
}

static void test_defaults_overwrite_everything(void **state)
{
    (void)state;
    config_t c;
    memset(&c, 0x5a, sizeof c);
    config_defaults(&c);
    assert_int_equal(c.dpi, 132);
    assert_string_equal(c.terminal_id, "T01");
    assert_true(strlen(c.receipt_url) < sizeof c.receipt_url);
}

/* ---- good files ---- */

static void test_kiosk_ini_loads(void **state)
{
    (void)state;
    config_t c;
    load_ok(&c, "assets/kiosk.ini");
    assert_string_equal(c.centre_id, "UDC-0001");
    assert_string_equal(c.centre_name[LANG_BN], "মডেল ইউনিয়ন ডিজিটাল সেন্টার");
    assert_string_equal(c.centre_name[LANG_EN], "Model Union Digital Centre");
    assert_string_equal(c.terminal_id, "T01");
    assert_int_equal(c.language, LANG_BN);
    assert_int_equal(c.idle_timeout_s, 60);
    assert_int_equal(c.idle_countdown_s, 20);
    assert_string_equal(c.data_dir, "var");
    assert_string_equal(c.catalog, "catalog.json");
    assert_string_equal(c.receipt_url, "");
    assert_int_equal(c.rotation, 0);
    assert_int_equal(c.dpi, 132);
    assert_calibration(&c, 1, 0, 0, 0, 1, 0);
    assert_int_equal(c.fees.service_charge, 0);
    assert_int_equal(c.fees.charge_count, 0);
}

static void test_all_keys_file_sets_every_value(void **state)
{
    (void)state;
    config_t c;
    load_ok(&c, GOOD "all_keys.ini");
    assert_string_equal(c.centre_id, "UDC-4521");
    assert_string_equal(c.centre_name[LANG_BN], "শ্যামনগর ইউনিয়ন ডিজিটাল সেন্টার");
    assert_string_equal(c.centre_name[LANG_EN], "Shyamnagar Union Digital Centre");
    assert_string_equal(c.terminal_id, "T07");
    assert_int_equal(c.language, LANG_EN);
    assert_int_equal(c.idle_timeout_s, 120);
    assert_int_equal(c.idle_countdown_s, 30);
    assert_string_equal(c.data_dir, "/var/lib/sheba");
    assert_string_equal(c.catalog, "/etc/sheba/catalog.json");
    assert_int_equal(strlen(c.receipt_url), 31 + 150);
    assert_true(strncmp(c.receipt_url, "https://sheba.example.gov.bd/r/aaa", 34) == 0);
    assert_int_equal(c.rotation, 180);
    assert_int_equal(c.dpi, 160);
    assert_calibration(&c, -1, 0, 1, 0, -1, 1);
}

static void test_partial_file_keeps_other_defaults(void **state)
{
    (void)state;
    config_t c;
    load_ok(&c, GOOD "partial.ini");
    assert_int_equal(c.language, LANG_EN);
    assert_int_equal(c.idle_timeout_s, 60);
    assert_int_equal(c.dpi, 132);
    assert_string_equal(c.terminal_id, "T01");
}

static void test_crlf_file_loads(void **state)
{
    (void)state;
    config_t c;
    load_ok(&c, GOOD "crlf.ini");
    assert_int_equal(c.rotation, 270);
    assert_int_equal(c.dpi, 96);
}

static void test_missing_file_names_it(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[512] = "";
    assert_int_equal(config_load(&c, "tests/data/config/none.ini", err, sizeof err), -1);
    assert_non_null(strstr(err, "tests/data/config/none.ini"));
}

/* ---- bad files: "FILE:LINE:" with the line of the fault ---- */

static void test_unknown_section(void **state)
{
    (void)state;
    expect_load_error(BAD "unknown_section.ini", 6, "unknown section [modem]");
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_load_error(BAD "unknown_key.ini", 4, "unknown key \"idle_timout\" in [kiosk]");
}

static void test_rotation_45(void **state)
{
    (void)state;
    expect_load_error(BAD "bad_rotation.ini", 3, "\"45\": expected 0, 90, 180 or 270");
}

static void test_idle_timeout_below_range(void **state)
{
    (void)state;
    expect_load_error(BAD "idle_timeout_low.ini", 5, "from 10 to 3600");
}

static void test_idle_timeout_above_range(void **state)
{
    (void)state;
    expect_load_error(BAD "idle_timeout_high.ini", 2, "\"3601\" is not a whole number");
}

static void test_dpi_not_a_number(void **state)
{
    (void)state;
    expect_load_error(BAD "dpi_not_number.ini", 3, "\"high\" is not a whole number");
}

static void test_dpi_with_trailing_text(void **state)
{
    (void)state;
    expect_load_error(BAD "dpi_trailing_text.ini", 2, "\"132dpi\"");
}

static void test_calibration_five_numbers(void **state)
{
    (void)state;
    expect_load_error(BAD "calibration_five.ini", 4, "expected six numbers");
}

static void test_calibration_singular_matrix(void **state)
{
    (void)state;
    expect_load_error(BAD "calibration_singular.ini", 3, "cannot be inverted");
}

/* NaN compares unequal to everything, so it once slipped past the singular-matrix check. */
static void test_calibration_not_finite(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256] = "";
    assert_int_equal(config_set(&c, "display", "calibration", "nan 0 0 0 1 0", err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "finite"));
    assert_int_equal(config_set(&c, "display", "calibration", "1 0 0 0 inf 0", err, sizeof err),
                     -1);
    assert_int_equal(
        config_set(&c, "display", "calibration", "1e30 1e30 0 -1e30 1e30 0", err, sizeof err), -1);
    assert_calibration(&c, 1, 0, 0, 0, 1, 0);
}

static void test_language_fr(void **state)
{
    (void)state;
    expect_load_error(BAD "language_fr.ini", 3, "\"fr\": expected bn or en");
}

static void test_key_set_twice(void **state)
{
    (void)state;
    expect_load_error(BAD "key_twice.ini", 6, "[display] dpi is set twice");
}

static void test_line_without_equals(void **state)
{
    (void)state;
    expect_load_error(BAD "no_equals.ini", 5, "syntax error");
}

static void test_line_longer_than_200_bytes(void **state)
{
    (void)state;
    expect_load_error(BAD "long_line.ini", 4, "line longer than");
}

static void test_name_bn_invalid_utf8(void **state)
{
    (void)state;
    expect_load_error(BAD "name_bn_invalid_utf8.ini", 3, "not valid UTF-8");
}

static void test_centre_id_with_space(void **state)
{
    (void)state;
    expect_load_error(BAD "centre_id_space.ini", 3, "\"UDC 0001\"");
}

static void test_crlf_file_error_line(void **state)
{
    (void)state;
    expect_load_error(BAD "crlf_countdown_low.ini", 3, "from 5 to 120");
}

/* Two faults: the message must point at the first one, line 3, not the later bad value. */
static void test_first_error_is_reported(void **state)
{
    (void)state;
    expect_load_error(BAD "syntax_then_bad_value.ini", 3, "syntax error");
}

/* ---- [fees]: the centre's service charge ---- */

static void test_all_keys_file_sets_fees_with_their_lines(void **state)
{
    (void)state;
    config_t c;
    load_ok(&c, GOOD "all_keys.ini");
    assert_int_equal(c.fees.service_charge, 20);
    assert_int_equal(c.fees.charge_count, 2);
    assert_string_equal(c.fees.charges[0].service, "birth_reg_new");
    assert_int_equal(c.fees.charges[0].taka, 50);
    assert_string_equal(c.fees.charges[0].file, "all_keys.ini");
    assert_int_equal(c.fees.charges[0].line, 26);
    assert_string_equal(c.fees.charges[1].service, "khatian_copy");
    assert_int_equal(c.fees.charges[1].taka, 0);
    assert_int_equal(c.fees.charges[1].line, 27);
}

static void test_fees_negative(void **state)
{
    (void)state;
    expect_load_error(
        BAD "fees_negative.ini", 2,
        "[fees] service_charge: \"-5\" is not a whole number of Taka from 0 to 100000");
}

static void test_fees_fraction(void **state)
{
    (void)state;
    expect_load_error(BAD "fees_fraction.ini", 5, "\"12.5\" is not a whole number of Taka");
}

static void test_fees_too_big(void **state)
{
    (void)state;
    expect_load_error(BAD "fees_too_big.ini", 2, "[fees] charge.land_tax: \"200000\" is not");
}

static void test_fees_bad_service_id(void **state)
{
    (void)state;
    expect_load_error(BAD "fees_bad_id.ini", 3, "\"Birth_Reg\": expected a service id");
}

static void test_fees_empty_service_id(void **state)
{
    (void)state;
    expect_load_error(BAD "fees_empty_id.ini", 2, "expected a service id");
}

static void test_fees_unknown_key(void **state)
{
    (void)state;
    expect_load_error(BAD "fees_unknown_key.ini", 2, "unknown key \"charge\" in [fees]");
}

static void test_fees_charge_set_twice(void **state)
{
    (void)state;
    expect_load_error(BAD "fees_charge_twice.ini", 4, "[fees] charge.birth_reg_new is set twice");
}

/* "Set twice" still holds far past the first 64 keys of a file (charges add up quickly). */
static void test_fees_many_charges_and_a_late_duplicate(void **state)
{
    (void)state;
    char text[8192] = "[fees]\n";
    for (int i = 0; i < 100; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "charge.s%d = %d\n", i, i);
    config_t c;
    config_defaults(&c);
    char err[512] = "";
    assert_int_equal(config_parse(&c, "many.ini", text, strlen(text), err, sizeof err), 0);
    assert_int_equal(c.fees.charge_count, 100);
    assert_int_equal(c.fees.charges[99].taka, 99);
    assert_int_equal(c.fees.charges[99].line, 101);
    strcat(text, "charge.s3 = 7\n");
    config_defaults(&c);
    assert_int_equal(config_parse(&c, "many.ini", text, strlen(text), err, sizeof err), -1);
    assert_string_equal(err, "many.ini:102: [fees] charge.s3 is set twice");
}

static void test_fees_later_file_replaces_a_charge(void **state)
{
    (void)state;
    static const char a[] = "[fees]\ncharge.land_tax = 5\n";
    static const char b[] = "; centre overlay\n[fees]\ncharge.land_tax = 7\n";
    config_t c;
    config_defaults(&c);
    char err[512] = "";
    assert_int_equal(config_parse(&c, "/etc/sheba/a.ini", a, strlen(a), err, sizeof err), 0);
    assert_int_equal(config_parse(&c, "/etc/sheba/b.ini", b, strlen(b), err, sizeof err), 0);
    assert_int_equal(c.fees.charge_count, 1);
    assert_int_equal(c.fees.charges[0].taka, 7);
    assert_string_equal(c.fees.charges[0].file, "b.ini");
    assert_int_equal(c.fees.charges[0].line, 3);
}

static void test_set_fees_limits(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256] = "", key[48];
    assert_int_equal(config_set(&c, "fees", "service_charge", "100000", err, sizeof err), 0);
    assert_int_equal(c.fees.service_charge, 100000);
    assert_int_equal(config_set(&c, "fees", "service_charge", "100001", err, sizeof err), -1);
    assert_int_equal(config_set(&c, "fees", "service_charge", "", err, sizeof err), -1);
    assert_int_equal(c.fees.service_charge, 100000);
    for (int i = 0; i < CONFIG_MAX_CHARGES; i++) {
        snprintf(key, sizeof key, "charge.s%d", i);
        assert_int_equal(config_set(&c, "fees", key, "1", err, sizeof err), 0);
    }
    assert_int_equal(c.fees.charges[0].line, 0);
    assert_string_equal(c.fees.charges[0].file, "");
    /* Setting a known service again replaces it; one more service is refused. */
    assert_int_equal(config_set(&c, "fees", "charge.s0", "9", err, sizeof err), 0);
    assert_int_equal(c.fees.charges[0].taka, 9);
    assert_int_equal(config_set(&c, "fees", "charge.one_more", "1", err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 128 per-service charges"));
    assert_int_equal(c.fees.charge_count, CONFIG_MAX_CHARGES);
    /* An id longer than a catalog id can be. */
    assert_int_equal(
        config_set(&c, "fees", "charge.abcdefghijklmnopqrstuvwxyz012345", "1", err, sizeof err),
        -1);
}

/* ---- config_set: command-line overrides ---- */

static void test_set_overrides_values(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256] = "";
    assert_int_equal(config_set(&c, "kiosk", "idle_timeout", "90", err, sizeof err), 0);
    assert_int_equal(config_set(&c, "kiosk", "language", "en", err, sizeof err), 0);
    assert_int_equal(config_set(&c, "display", "rotation", "270", err, sizeof err), 0);
    assert_int_equal(config_set(&c, "display", "calibration", "0 1 0 1 0 0", err, sizeof err), 0);
    assert_int_equal(config_set(&c, "terminal", "id", "T02", err, sizeof err), 0);
    assert_int_equal(config_set(&c, "centre", "id", "UDC-0042", err, sizeof err), 0);
    assert_int_equal(config_set(&c, "kiosk", "data", "/tmp/sheba", err, sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 90);
    assert_int_equal(c.language, LANG_EN);
    assert_int_equal(c.rotation, 270);
    assert_calibration(&c, 0, 1, 0, 1, 0, 0);
    assert_string_equal(c.terminal_id, "T02");
    assert_string_equal(c.centre_id, "UDC-0042");
    assert_string_equal(c.data_dir, "/tmp/sheba");
}

static void test_set_idle_timeout_range_inclusive(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256];
    assert_int_equal(config_set(&c, "kiosk", "idle_timeout", "10", err, sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 10);
    assert_int_equal(config_set(&c, "kiosk", "idle_timeout", "3600", err, sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 3600);
    assert_int_equal(config_set(&c, "kiosk", "idle_timeout", "9", err, sizeof err), -1);
    assert_int_equal(config_set(&c, "kiosk", "idle_timeout", "3601", err, sizeof err), -1);
    assert_int_equal(c.idle_timeout_s, 3600);
}

static void test_set_rejects_bad_values_and_keeps_old(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256];
    static const char *const bad[][3] = {
        {"display", "rotation", "45"},  {"display", "rotation", "360"},
        {"display", "rotation", "-90"}, {"display", "dpi", "abc"},
        {"display", "dpi", ""},         {"display", "calibration", "1 2 0 2 4 0"},
        {"kiosk", "language", "fr"},    {"kiosk", "idle_countdown", "121"},
        {"centre", "id", "UDC 0001"},   {"centre", "id", ""},
        {"terminal", "id", "T/01"},     {"kiosk", "receipt_url", "http://a b"},
        {"centre", "name_en", ""},      {"centre", "name_bn", "\xff"},
        {"kiosk", "data", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (config_set(&c, bad[i][0], bad[i][1], bad[i][2], err, sizeof err) != -1) {
            print_error("[%s] %s = \"%s\" accepted\n", bad[i][0], bad[i][1], bad[i][2]);
            fail();
        }
        assert_true(err[0] != '\0');
    }
    config_t fresh;
    config_defaults(&fresh);
    assert_memory_equal(&c, &fresh, sizeof c);
}

static void test_receipt_url_is_checked_when_the_config_loads(void **state)
{
    (void)state;
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    static const char good[] = "[kiosk]\nreceipt_url = https://sheba.example.gov.bd/r\n";
    assert_int_equal(config_parse(&c, "good.ini", good, strlen(good), err, sizeof err), 0);
    assert_string_equal(c.receipt_url, "https://sheba.example.gov.bd/r");
    assert_int_equal(
        config_set(&c, "kiosk", "receipt_url", "http://10.0.0.5:8080", err, sizeof err), 0);
    static const char bad[] = "[kiosk]\nreceipt_url = https://sheba.example.gov.bd/r?x=1\n";
    assert_int_equal(config_parse(&c, "kiosk.ini", bad, strlen(bad), err, sizeof err), -1);
    assert_non_null(strstr(err, "kiosk.ini:2: [kiosk] receipt_url:"));
    assert_non_null(strstr(err, "no query (?) or fragment (#)"));
    assert_string_equal(c.receipt_url, "http://10.0.0.5:8080"); /* the last good value stays */
    assert_int_equal(config_set(&c, "kiosk", "receipt_url", "", err, sizeof err), 0);
    assert_string_equal(c.receipt_url, "");
    /* Issue 9: a query made every receipt unverifiable. Not http(s), no host, a '/' at the
     * end (a "//" before the tracking id) and characters a URL cannot hold are refused too. */
    static const char *const refused[] = {"https://sheba.example.gov.bd/r?lang=bn",
                                          "https://sheba.example.gov.bd/r#top",
                                          "ftp://sheba.example.gov.bd/r",
                                          "sheba.example.gov.bd/r",
                                          "https://",
                                          "https:///r",
                                          "https://sheba.example.gov.bd/r/",
                                          "https://sheba.example.gov.bd/\x01r",
                                          "https://sheba.example.gov.bd/\t",
                                          "https://sheba.example.gov.bd/র"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        err[0] = '\0';
        if (config_set(&c, "kiosk", "receipt_url", refused[i], err, sizeof err) != -1) {
            print_error("receipt_url = \"%s\" accepted\n", refused[i]);
            fail();
        }
        assert_true(err[0] != '\0');
        assert_string_equal(c.receipt_url, "");
    }
}

static void test_set_rejects_unknown_section_and_key(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256] = "";
    assert_int_equal(config_set(&c, "printer", "width", "58", err, sizeof err), -1);
    assert_non_null(strstr(err, "printer"));
    assert_int_equal(config_set(&c, "kiosk", "idle", "60", err, sizeof err), -1);
    assert_non_null(strstr(err, "idle"));
    assert_int_equal(config_set(&c, "terminal", "name", "x", err, sizeof err), -1);
}

static void test_set_id_length_limit(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256];
    const char *id31 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-1234";
    const char *id32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-12345";
    assert_int_equal(config_set(&c, "centre", "id", id31, err, sizeof err), 0);
    assert_string_equal(c.centre_id, id31);
    assert_int_equal(config_set(&c, "centre", "id", id32, err, sizeof err), -1);
    assert_string_equal(c.centre_id, id31);
}

static void test_set_centre_name_stored_nfc(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256];
    /* MA + E sign + AA sign -> MA + O sign (U+09CB). */
    assert_int_equal(
        config_set(&c, "centre", "name_bn", "\u09AE\u09C7\u09BE\u09B9\u09A8", err, sizeof err), 0);
    assert_string_equal(c.centre_name[LANG_BN], "\u09AE\u09CB\u09B9\u09A8");
}

static void test_set_centre_name_byte_limit(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    char err[256], name[200];
    memset(name, 'N', 127);
    name[127] = '\0';
    assert_int_equal(config_set(&c, "centre", "name_en", name, err, sizeof err), 0);
    assert_int_equal(strlen(c.centre_name[LANG_EN]), 127);
    strcat(name, "N");
    assert_int_equal(config_set(&c, "centre", "name_en", name, err, sizeof err), -1);
    assert_int_equal(strlen(c.centre_name[LANG_EN]), 127);
}

/* ---- [speech] ---- */

static void test_speech_defaults_match_kiosk_ini(void **state)
{
    (void)state;
    config_t c, d;
    config_defaults(&d);
    assert_int_equal(d.speech_volume, 80);
    assert_string_equal(d.speech_device, "");
    load_ok(&c, "assets/kiosk.ini");
    assert_int_equal(c.speech_volume, 80);
    assert_string_equal(c.speech_device, "");
}

static void test_speech_values(void **state)
{
    (void)state;
    static const char ini[] = "[speech]\nvolume = 0\ndevice = bcm2835 Headphones, bcm2835 "
                              "Headphones\n";
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    assert_int_equal(config_parse(&c, "s.ini", ini, sizeof ini - 1, err, sizeof err), 0);
    assert_int_equal(c.speech_volume, 0);
    assert_string_equal(c.speech_device, "bcm2835 Headphones, bcm2835 Headphones");
    assert_int_equal(config_set(&c, "speech", "volume", "100", err, sizeof err), 0);
    assert_int_equal(c.speech_volume, 100);
    assert_int_equal(config_set(&c, "speech", "device", "none", err, sizeof err), 0);
    assert_string_equal(c.speech_device, "none");
    assert_int_equal(config_set(&c, "speech", "device", "", err, sizeof err), 0);
    assert_string_equal(c.speech_device, "");
}

static void expect_parse_error(const char *ini, const char *what)
{
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    int rc = config_parse(&c, "s.ini", ini, strlen(ini), err, sizeof err);
    if (rc != -1 || !strstr(err, what)) {
        print_error("rc %d, err \"%s\", want \"%s\"\n", rc, err, what);
        fail();
    }
    assert_int_equal(c.speech_volume, 80); /* the bad value changed nothing */
}

static void test_speech_bad_values(void **state)
{
    (void)state;
    expect_parse_error("[speech]\nvolume = 101\n", "s.ini:2: [speech] volume: \"101\" is not a "
                                                   "whole number from 0 to 100");
    expect_parse_error("[speech]\n\nvolume = -1\n", "s.ini:3: [speech] volume");
    expect_parse_error("[speech]\nvolume = loud\n", "\"loud\" is not a whole number");
    expect_parse_error("[speech]\nvolume = 80%\n", "\"80%\"");
    expect_parse_error("[speech]\nvoice = bn\n",
                       "s.ini:2: [speech] voice: unknown key \"voice\" in [speech]");
    expect_parse_error("[speech]\ndevice = \xff\xfe\n", "s.ini:2: [speech] device: expected an "
                                                        "audio device name");
    char ini[300];
    snprintf(ini, sizeof ini, "[speech]\ndevice = %0128d\n", 0);
    expect_parse_error(ini, "at most 127 bytes");
}

/* [board] http: where the queue board serves the counters. */
static void test_board_http(void **state)
{
    (void)state;
    config_t c;
    char err[256];
    config_defaults(&c);
    assert_string_equal(c.board_http, "0.0.0.0:8080");
    assert_int_equal(config_set(&c, "board", "http", "127.0.0.1:9000", err, sizeof err), 0);
    assert_string_equal(c.board_http, "127.0.0.1:9000");
    assert_int_equal(config_set(&c, "board", "http", "[::1]:8080", err, sizeof err), 0);
    const char *bad[] = {"8080", ":8080", "0.0.0.0:", "0.0.0.0:0", "0.0.0.0:65536", "h:80x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(config_set(&c, "board", "http", bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "HOST:PORT"));
    }
    assert_string_equal(c.board_http, "[::1]:8080");
    assert_int_equal(config_set(&c, "board", "port", "80", err, sizeof err), -1);
    assert_non_null(strstr(err, "[board]"));
}

/* ---- token bands, the export key and [sync] ---- */

/* Parse text over the defaults; on failure err must start with "t.ini:LINE: " and hold what. */
static int parse_text(config_t *c, const char *text, int line, const char *what)
{
    char err[512] = "", prefix[32];
    config_defaults(c);
    int rc = config_parse(c, "t.ini", text, strlen(text), err, sizeof err);
    if (line == 0) {
        if (rc != 0)
            print_error("%s\n", err);
        assert_int_equal(rc, 0);
        return rc;
    }
    snprintf(prefix, sizeof prefix, "t.ini:%d: ", line);
    if (rc != -1 || strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what)) {
        print_error("rc %d, err \"%s\"\nwant -1 and \"%s...%s...\"\n", rc, err, prefix, what);
        fail();
    }
    return rc;
}

static void test_token_band_digit_or_empty(void **state)
{
    (void)state;
    config_t c;
    config_defaults(&c);
    assert_string_equal(c.token_band, "");
    parse_text(&c, "[terminal]\ntoken_band = 7\n", 0, NULL);
    assert_string_equal(c.token_band, "7");
    parse_text(&c, "[terminal]\ntoken_band =\n", 0, NULL);
    assert_string_equal(c.token_band, "");
    parse_text(&c, "[terminal]\nid = T02\ntoken_band = 0\n", 3, "one digit from 1 to 9");
    parse_text(&c, "[terminal]\ntoken_band = 10\n", 2, "one digit from 1 to 9");
    parse_text(&c, "[terminal]\ntoken_band = A\n", 2, "\"A\"");
}

static void test_sync_defaults_match_kiosk_ini(void **state)
{
    (void)state;
    config_t c;
    load_ok(&c, "assets/kiosk.ini");
    assert_string_equal(c.token_band, "");
    assert_string_equal(c.export_key, "");
    assert_string_equal(c.sync.broker, ""); /* no sync: make run stays offline */
    assert_string_equal(c.sync.topic_prefix, "sheba");
    assert_int_equal(c.sync.max_rate, 20);
    assert_int_equal(c.sync.inflight, 10);
    assert_string_equal(c.sync.register_key, "");
    config_t d;
    config_defaults(&d);
    assert_memory_equal(&c.sync, &d.sync, sizeof c.sync);
}

static void test_sync_broker_urls(void **state)
{
    (void)state;
    config_t c;
    bool tls;
    char host[64], err[256];
    int port;
    parse_text(&c, "[sync]\nbroker = mqtt://127.0.0.1:18830\n", 0, NULL);
    assert_int_equal(
        config_broker_parse(c.sync.broker, &tls, host, sizeof host, &port, err, sizeof err), 0);
    assert_false(tls);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 18830);
    assert_int_equal(config_broker_parse("mqtts://broker.example.gov.bd", &tls, host, sizeof host,
                                         &port, err, sizeof err),
                     0);
    assert_true(tls);
    assert_int_equal(port, 8883);
    assert_int_equal(
        config_broker_parse("mqtt://b", &tls, host, sizeof host, &port, err, sizeof err), 0);
    assert_int_equal(port, 1883);
    parse_text(&c, "[sync]\nbroker = http://b:1883\n", 2, "expected mqtt://HOST[:PORT]");
    parse_text(&c, "[sync]\nbroker = mqtt://\n", 2, "host name");
    parse_text(&c, "[sync]\nbroker = mqtt://b:0\n", 2, "1 to 65535");
    parse_text(&c, "[sync]\nbroker = mqtt://b:1883/x\n", 2, "1 to 65535");
    parse_text(&c, "[sync]\nbroker = mqtt://b c\n", 2, "nothing but :PORT");
}

static void test_sync_files_must_be_readable(void **state)
{
    (void)state;
    config_t c;
    parse_text(&c, "[sync]\nca_file = tests/data/signing-test.pub\n", 0, NULL);
    assert_string_equal(c.sync.ca_file, "tests/data/signing-test.pub");
    parse_text(&c, "[sync]\nregister_key = tests/data/signing-test.pub\ncert_file =\n", 0, NULL);
    assert_string_equal(c.sync.register_key, "tests/data/signing-test.pub");
    assert_string_equal(c.sync.cert_file, "");
    parse_text(&c, "[sync]\n\ncert_file = /nonexistent/cert.pem\n", 3,
               "/nonexistent/cert.pem: cannot read");
    parse_text(&c, "[sync]\nkey_file = tests/data\n", 2, "not a regular file");
    parse_text(&c, "[sync]\npassword_file = /nonexistent\n", 2, "cannot read");
    parse_text(&c, "[journal]\nexport_key = /nonexistent/export.pub\n", 2,
               "[journal] export_key: /nonexistent/export.pub: cannot read");
}

static void test_sync_numbers_prefix_and_keys(void **state)
{
    (void)state;
    config_t c;
    parse_text(&c, "[sync]\nmax_rate = 5\ninflight = 1\ntopic_prefix = gov/sheba-2\n", 0, NULL);
    assert_int_equal(c.sync.max_rate, 5);
    assert_int_equal(c.sync.inflight, 1);
    assert_string_equal(c.sync.topic_prefix, "gov/sheba-2");
    parse_text(&c, "[sync]\nmax_rate = 0\n", 2, "from 1 to 1000");
    parse_text(&c, "[sync]\ninflight = 101\n", 2, "from 1 to 100");
    parse_text(&c, "[sync]\ntopic_prefix = sheba/#\n", 2, "topic levels");
    parse_text(&c, "[sync]\ntopic_prefix = /sheba\n", 2, "topic levels");
    parse_text(&c, "[sync]\ntopic_prefix = a//b\n", 2, "topic levels");
    parse_text(&c, "[sync]\ntopic_prefix =\n", 2, "topic levels");
    parse_text(&c, "[sync]\nusername = kiosk-UDC-0001-T01\n", 0, NULL);
    assert_string_equal(c.sync.username, "kiosk-UDC-0001-T01");
    parse_text(&c, "[sync]\nport = 1883\n", 2, "unknown key \"port\" in [sync]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_terminal_kiosk_display_match_kiosk_ini),
        cmocka_unit_test(test_defaults_centre_and_receipt_url_match_kiosk_ini),
        cmocka_unit_test(test_receipt_url_is_checked_when_the_config_loads),
        cmocka_unit_test(test_defaults_overwrite_everything),
        cmocka_unit_test(test_kiosk_ini_loads),
        cmocka_unit_test(test_all_keys_file_sets_every_value),
        cmocka_unit_test(test_partial_file_keeps_other_defaults),
        cmocka_unit_test(test_crlf_file_loads),
        cmocka_unit_test(test_missing_file_names_it),
        cmocka_unit_test(test_unknown_section),
        cmocka_unit_test(test_board_http),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_rotation_45),
        cmocka_unit_test(test_idle_timeout_below_range),
        cmocka_unit_test(test_idle_timeout_above_range),
        cmocka_unit_test(test_dpi_not_a_number),
        cmocka_unit_test(test_dpi_with_trailing_text),
        cmocka_unit_test(test_calibration_five_numbers),
        cmocka_unit_test(test_calibration_singular_matrix),
        cmocka_unit_test(test_calibration_not_finite),
        cmocka_unit_test(test_language_fr),
        cmocka_unit_test(test_key_set_twice),
        cmocka_unit_test(test_line_without_equals),
        cmocka_unit_test(test_line_longer_than_200_bytes),
        cmocka_unit_test(test_name_bn_invalid_utf8),
        cmocka_unit_test(test_centre_id_with_space),
        cmocka_unit_test(test_crlf_file_error_line),
        cmocka_unit_test(test_first_error_is_reported),
        cmocka_unit_test(test_all_keys_file_sets_fees_with_their_lines),
        cmocka_unit_test(test_fees_negative),
        cmocka_unit_test(test_fees_fraction),
        cmocka_unit_test(test_fees_too_big),
        cmocka_unit_test(test_fees_bad_service_id),
        cmocka_unit_test(test_fees_empty_service_id),
        cmocka_unit_test(test_fees_unknown_key),
        cmocka_unit_test(test_fees_charge_set_twice),
        cmocka_unit_test(test_fees_many_charges_and_a_late_duplicate),
        cmocka_unit_test(test_fees_later_file_replaces_a_charge),
        cmocka_unit_test(test_set_fees_limits),
        cmocka_unit_test(test_set_overrides_values),
        cmocka_unit_test(test_set_idle_timeout_range_inclusive),
        cmocka_unit_test(test_set_rejects_bad_values_and_keeps_old),
        cmocka_unit_test(test_set_rejects_unknown_section_and_key),
        cmocka_unit_test(test_set_id_length_limit),
        cmocka_unit_test(test_set_centre_name_stored_nfc),
        cmocka_unit_test(test_set_centre_name_byte_limit),
        cmocka_unit_test(test_speech_defaults_match_kiosk_ini),
        cmocka_unit_test(test_speech_values),
        cmocka_unit_test(test_speech_bad_values),
        cmocka_unit_test(test_token_band_digit_or_empty),
        cmocka_unit_test(test_sync_defaults_match_kiosk_ini),
        cmocka_unit_test(test_sync_broker_urls),
        cmocka_unit_test(test_sync_files_must_be_readable),
        cmocka_unit_test(test_sync_numbers_prefix_and_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
