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
        cmocka_unit_test(test_set_overrides_values),
        cmocka_unit_test(test_set_idle_timeout_range_inclusive),
        cmocka_unit_test(test_set_rejects_bad_values_and_keeps_old),
        cmocka_unit_test(test_set_rejects_unknown_section_and_key),
        cmocka_unit_test(test_set_id_length_limit),
        cmocka_unit_test(test_set_centre_name_stored_nfc),
        cmocka_unit_test(test_set_centre_name_byte_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
