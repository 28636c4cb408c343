/* tests/unit/test_validate.c - unit tests for catalog/validate (every field type, both digit
 * scripts, normalized output). Expected outputs are written out by hand from docs/catalog.md. */
#include "catalog/validate.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

/* "Today" for every date check: Sunday 29 November 2026 in Dhaka. */
static const locale_tm_t today = {2026, 11, 29, 10, 30, 0, 0};

static const char *const code_names[VALID_CODE_COUNT] = {
    "OK",     "EMPTY",       "LETTERS",      "TOO_LONG",    "DIGITS",    "NID",          "BRN",
    "MOBILE", "DATE_FORMAT", "DATE_INVALID", "DATE_FUTURE", "DATE_PAST", "NUMBER_RANGE", "CHOICE",
};

static const char *code_name(valid_code_t c)
{
    return (unsigned)c < VALID_CODE_COUNT ? code_names[c] : "?";
}

static catalog_field_t make_field(field_type_t type)
{
    catalog_field_t f;
    memset(&f, 0, sizeof f);
    snprintf(f.id, sizeof f.id, "f");
    f.type = type;
    f.label.s[LANG_BN] = f.label.s[LANG_EN] = "";
    f.hint.s[LANG_BN] = f.hint.s[LANG_EN] = "";
    f.max_len = 60;
    f.min = 0;
    f.max = 999999999;
    f.when = DATE_PAST;
    return f;
}

static catalog_field_t make_choice(void)
{
    static const char *const values[] = {"male", "female", "other"};
    catalog_field_t f = make_field(FIELD_CHOICE);
    for (int i = 0; i < 3; i++) {
        snprintf(f.options[i].value, sizeof f.options[i].value, "%s", values[i]);
        f.options[i].label.s[LANG_BN] = f.options[i].label.s[LANG_EN] = "";
    }
    f.option_count = 3;
    return f;
}

/* Validate input against f with `day` as today; on a mismatch print the case, then fail. */
static void check_on(const catalog_field_t *f, const locale_tm_t *day, const char *input,
                     valid_code_t want, const char *want_out)
{
    char out[512];
    memset(out, 'X', sizeof out);
    valid_code_t got = validate_field(f, input, day, out, sizeof out);
    bool terminated = memchr(out, '\0', sizeof out) != NULL;
    if (got != want || !terminated || (want == VALID_OK && strcmp(out, want_out) != 0)) {
        print_error("%s field, input \"%s\": got %s \"%.40s\", want %s \"%s\"\n",
                    catalog_field_type_name(f->type), input, code_name(got),
                    terminated ? out : "(not terminated)", code_name(want),
                    want_out ? want_out : "");
        fail();
    }
}

static void expect_ok(const catalog_field_t *f, const char *input, const char *want_out)
{
    check_on(f, &today, input, VALID_OK, want_out);
}

static void expect_code(const catalog_field_t *f, const char *input, valid_code_t want)
{
    check_on(f, &today, input, want, NULL);
}

/* ---- nid ---- */

static void test_nid_accepts_10_13_17_latin_digits(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NID);
    expect_ok(&f, "1234567890", "1234567890");
    expect_ok(&f, "1990123456789", "1990123456789");
    expect_ok(&f, "19901234567890123", "19901234567890123");
}

static void test_nid_accepts_bangla_digits_stored_latin(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NID);
    expect_ok(&f, "১২৩৪৫৬৭৮৯০", "1234567890");
    expect_ok(&f, "১৯৯০১২৩৪৫৬৭৮৯", "1990123456789");
    expect_ok(&f, "১৯৯০১২৩৪৫৬৭৮৯০১২৩", "19901234567890123");
    expect_ok(&f, "১২৩৪৫67890", "1234567890");
}

static void test_nid_rejects_wrong_lengths(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NID);
    expect_code(&f, "123456789", VALID_NID);
    expect_code(&f, "12345678901", VALID_NID);
    expect_code(&f, "123456789012", VALID_NID);
    expect_code(&f, "1234567890123456", VALID_NID);
    expect_code(&f, "123456789012345678", VALID_NID);
    expect_code(&f, "১২৩৪৫৬৭৮৯", VALID_NID);
}

static void test_nid_rejects_letters_as_digits_error(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NID);
    expect_code(&f, "12345abcde", VALID_DIGITS);
    expect_code(&f, "123456789O", VALID_DIGITS);
    expect_code(&f, "১২৩৪৫কখগঘঙ", VALID_DIGITS);
    expect_code(&f, "1234567890.", VALID_DIGITS);
}

static void test_nid_accepts_spaces_and_dashes_between_groups(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NID);
    expect_ok(&f, "123 456 7890", "1234567890");
    expect_ok(&f, "123-456-7890", "1234567890");
    expect_ok(&f, "১৯৯০ ১২৩৪ ৫৬৭৮৯", "1990123456789");
}

/* ---- brn ---- */

static void test_brn_accepts_17_digits(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_BRN);
    expect_ok(&f, "20101234567890123", "20101234567890123");
    expect_ok(&f, "২০১০১২৩৪৫৬৭৮৯০১২৩", "20101234567890123");
    expect_ok(&f, "2010 1234 5678 90123", "20101234567890123");
}

static void test_brn_rejects_other_lengths_and_letters(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_BRN);
    expect_code(&f, "2010123456789012", VALID_BRN);
    expect_code(&f, "201012345678901234", VALID_BRN);
    expect_code(&f, "1234567890", VALID_BRN);
    expect_code(&f, "২০১০১২৩৪৫৬৭৮৯০১২", VALID_BRN);
    expect_code(&f, "2010123456789012x", VALID_DIGITS);
}

/* ---- mobile ---- */

static void test_mobile_accepts_operators_013_to_019(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_ok(&f, "01312345678", "01312345678");
    expect_ok(&f, "01412345678", "01412345678");
    expect_ok(&f, "01512345678", "01512345678");
    expect_ok(&f, "01612345678", "01612345678");
    expect_ok(&f, "01712345678", "01712345678");
    expect_ok(&f, "01812345678", "01812345678");
    expect_ok(&f, "01912345678", "01912345678");
}

static void test_mobile_accepts_bangla_digits_and_groups(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_ok(&f, "০১৭১২৩৪৫৬৭৮", "01712345678");
    expect_ok(&f, "01712-345678", "01712345678");
    expect_ok(&f, "০১৯ ১২৩৪ ৫৬৭৮", "01912345678");
}

static void test_mobile_rejects_012_011_010_and_non_01(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_code(&f, "01212345678", VALID_MOBILE);
    expect_code(&f, "01112345678", VALID_MOBILE);
    expect_code(&f, "01012345678", VALID_MOBILE);
    expect_code(&f, "02712345678", VALID_MOBILE);
    expect_code(&f, "11712345678", VALID_MOBILE);
}

static void test_mobile_rejects_10_and_12_digits(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_code(&f, "0171234567", VALID_MOBILE);
    expect_code(&f, "017123456789", VALID_MOBILE);
    expect_code(&f, "০১৭১২৩৪৫৬৭", VALID_MOBILE);
}

static void test_mobile_880_prefix_dropped(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_ok(&f, "8801712345678", "01712345678");
    expect_ok(&f, "৮৮০১৭১২৩৪৫৬৭৮", "01712345678");
    expect_code(&f, "8801212345678", VALID_MOBILE);
    expect_code(&f, "880171234567", VALID_MOBILE);
}

static void test_mobile_plus_880_prefix_dropped(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_ok(&f, "+8801712345678", "01712345678");
    expect_ok(&f, "+৮৮০১৭১২৩৪৫৬৭৮", "01712345678");
}

static void test_mobile_rejects_letters(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    expect_code(&f, "0171234567a", VALID_DIGITS);
    expect_code(&f, "017/12345678", VALID_DIGITS);
}

/* ---- date ---- */

static void test_date_dd_mm_yyyy_stored_iso(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_ok(&f, "21/02/1990", "1990-02-21");
    expect_ok(&f, "০১/০১/১৯০০", "1900-01-01");
    expect_ok(&f, "31/12/2020", "2020-12-31");
}

static void test_date_bangla_digits(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_ok(&f, "২১/০২/১৯৯০", "1990-02-21");
    expect_ok(&f, "২১/02/১৯৯০", "1990-02-21");
}

static void test_date_one_digit_day_and_month(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_ok(&f, "1/2/1990", "1990-02-01");
    expect_ok(&f, "৯/৮/২০০১", "2001-08-09");
}

static void test_date_leap_years(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_ok(&f, "29/02/2024", "2024-02-29");
    expect_ok(&f, "29/02/2000", "2000-02-29");
    expect_code(&f, "29/02/2023", VALID_DATE_INVALID);
    expect_code(&f, "29/02/1900", VALID_DATE_INVALID);
    expect_code(&f, "30/02/2024", VALID_DATE_INVALID);
}

static void test_date_rejects_days_that_do_not_exist(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_code(&f, "31/04/2020", VALID_DATE_INVALID);
    expect_code(&f, "31/06/2020", VALID_DATE_INVALID);
    expect_code(&f, "32/01/2020", VALID_DATE_INVALID);
    expect_code(&f, "00/01/2000", VALID_DATE_INVALID);
    expect_code(&f, "01/00/2000", VALID_DATE_INVALID);
    expect_code(&f, "15/13/2000", VALID_DATE_INVALID);
}

static void test_date_rejects_years_before_1900(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_code(&f, "31/12/1899", VALID_DATE_INVALID);
    expect_code(&f, "01/01/1899", VALID_DATE_INVALID);
    expect_code(&f, "01/01/0000", VALID_DATE_INVALID);
}

static void test_date_dash_and_dot_separators(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_ok(&f, "21-02-1990", "1990-02-21");
    expect_ok(&f, "21.02.1990", "1990-02-21");
}

static void test_date_wrong_shape_is_format_error(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    expect_code(&f, "21/02/90", VALID_DATE_FORMAT);
    expect_code(&f, "2/21", VALID_DATE_FORMAT);
    expect_code(&f, "21 Feb 1990", VALID_DATE_FORMAT);
    expect_code(&f, "২১ ফেব্রুয়ারি ১৯৯০", VALID_DATE_FORMAT);
    expect_code(&f, "yesterday", VALID_DATE_FORMAT);
    expect_code(&f, "21/02/19900", VALID_DATE_FORMAT);
    expect_code(&f, "121/02/1990", VALID_DATE_FORMAT);
    expect_code(&f, "21//1990", VALID_DATE_FORMAT);
    expect_code(&f, "/02/1990", VALID_DATE_FORMAT);
    expect_code(&f, "21/02/1990/", VALID_DATE_FORMAT);
}

static void test_date_past_rejects_tomorrow_accepts_today(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    f.when = DATE_PAST;
    expect_code(&f, "30/11/2026", VALID_DATE_FUTURE);
    expect_code(&f, "01/12/2026", VALID_DATE_FUTURE);
    expect_code(&f, "29/11/2027", VALID_DATE_FUTURE);
    expect_ok(&f, "29/11/2026", "2026-11-29");
    expect_ok(&f, "28/11/2026", "2026-11-28");
}

static void test_date_past_across_year_end(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    locale_tm_t new_years_eve = {2026, 12, 31, 23, 59, 0, 4};
    check_on(&f, &new_years_eve, "01/01/2027", VALID_DATE_FUTURE, NULL);
    check_on(&f, &new_years_eve, "31/12/2026", VALID_OK, "2026-12-31");
}

static void test_date_future_rejects_yesterday_accepts_today(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    f.when = DATE_FUTURE;
    expect_code(&f, "28/11/2026", VALID_DATE_PAST);
    expect_code(&f, "30/10/2026", VALID_DATE_PAST);
    expect_ok(&f, "29/11/2026", "2026-11-29");
    expect_ok(&f, "30/11/2026", "2026-11-30");
}

static void test_date_any_accepts_past_and_future(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_DATE);
    f.when = DATE_ANY;
    expect_ok(&f, "28/11/2026", "2026-11-28");
    expect_ok(&f, "30/11/2026", "2026-11-30");
    expect_ok(&f, "01/01/2100", "2100-01-01");
}

/* ---- number ---- */

static void test_number_min_max_inclusive(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NUMBER);
    f.min = 18;
    f.max = 120;
    expect_ok(&f, "18", "18");
    expect_ok(&f, "120", "120");
    expect_ok(&f, "৬৫", "65");
    expect_code(&f, "17", VALID_NUMBER_RANGE);
    expect_code(&f, "121", VALID_NUMBER_RANGE);
    expect_code(&f, "0", VALID_NUMBER_RANGE);
}

static void test_number_leading_zeros_stripped(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NUMBER);
    expect_ok(&f, "0042", "42");
    expect_ok(&f, "০০৪২", "42");
    expect_ok(&f, "000", "0");
    expect_ok(&f, "0", "0");
    expect_ok(&f, "0000000000042", "42");
}

static void test_number_default_range_limits(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NUMBER);
    expect_ok(&f, "999999999", "999999999");
    expect_code(&f, "1000000000", VALID_NUMBER_RANGE);
}

static void test_number_13_or_more_digits_out_of_range(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NUMBER);
    f.max = 999999999;
    expect_code(&f, "1234567890123", VALID_NUMBER_RANGE);
    expect_code(&f, "99999999999999999999999999", VALID_NUMBER_RANGE);
    expect_code(&f, "৯৯৯৯৯৯৯৯৯৯৯৯৯৯৯৯৯৯৯৯", VALID_NUMBER_RANGE);
}

static void test_number_rejects_letters(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NUMBER);
    expect_code(&f, "12a", VALID_DIGITS);
    expect_code(&f, "1.5", VALID_DIGITS);
    expect_code(&f, "+5", VALID_DIGITS);
}

/* docs/catalog.md: a number is "digits only"; a minus sign must not be silently dropped. */
static void test_number_minus_sign_not_silently_dropped(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_NUMBER);
    char out[64];
    valid_code_t got = validate_field(&f, "-5", &today, out, sizeof out);
    if (got == VALID_OK)
        print_error("\"-5\" accepted as \"%s\"\n", out);
    assert_int_not_equal(got, VALID_OK);
}

/* ---- text ---- */

static void test_text_bangla_name(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_ok(&f, "আব্দুর রহিম", "আব্দুর রহিম");
    expect_ok(&f, "মোছাঃ ফাতেমা খাতুন", "মোছাঃ ফাতেমা খাতুন");
}

static void test_text_english_name_with_punctuation(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_ok(&f, "Md. Abdur-Rahim", "Md. Abdur-Rahim");
    expect_ok(&f, "D'Costa", "D'Costa");
    expect_ok(&f, "Nusrat Jahan", "Nusrat Jahan");
}

static void test_text_rejects_digits(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_code(&f, "Rahim2", VALID_LETTERS);
    expect_code(&f, "রহিম১", VALID_LETTERS);
    expect_code(&f, "123", VALID_LETTERS);
}

static void test_text_rejects_symbols(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_code(&f, "rahim@example", VALID_LETTERS);
    expect_code(&f, "Rahim!", VALID_LETTERS);
    expect_code(&f, "Rahim,Karim", VALID_LETTERS);
    expect_code(&f, "...", VALID_LETTERS);
}

static void test_text_only_spaces_is_empty(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_code(&f, "   ", VALID_EMPTY);
    expect_code(&f, "", VALID_EMPTY);
}

static void test_text_spaces_squeezed_and_trimmed(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_ok(&f, "  Md.   Abdur    Rahim  ", "Md. Abdur Rahim");
    expect_ok(&f, " আব্দুর   রহিম ", "আব্দুর রহিম");
}

static void test_text_stored_nfc(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    /* KA + E sign (U+09C7) + AA sign (U+09BE) composes to KA + O sign (U+09CB). */
    expect_ok(&f, "\u0995\u09C7\u09BE\u09A8", "\u0995\u09CB\u09A8");
    expect_ok(&f, "ম\u09C7\u09BEছা", "মোছা");
}

static void test_text_max_len_counts_code_points(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    f.max_len = 5;
    /* স া ল ম া: 5 code points, 15 bytes. */
    expect_ok(&f, "সালমা", "সালমা");
    /* স া ল ম া ন: 6 code points. */
    expect_code(&f, "সালমান", VALID_TOO_LONG);
    expect_ok(&f, "Salma", "Salma");
    expect_code(&f, "Salman", VALID_TOO_LONG);
}

static void test_text_max_len_after_squeezing_and_nfc(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    f.max_len = 3;
    expect_ok(&f, "  A   B  ", "A B");
    f.max_len = 2;
    expect_ok(&f, "\u0995\u09C7\u09BE", "\u0995\u09CB");
}

static void test_text_far_too_long_bangla(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    f.max_len = 60;
    char name[400] = "";
    for (int i = 0; i < 61; i++)
        strcat(name, "ক");
    expect_code(&f, name, VALID_TOO_LONG);
}

static void test_text_rejects_invalid_utf8(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_TEXT);
    expect_code(&f, "Ra\xffhim", VALID_LETTERS);
    expect_code(&f, "\xe0\xa6", VALID_LETTERS);
    expect_code(&f, "\xc0\xaf", VALID_LETTERS);
    expect_code(&f, "\xed\xa0\x80", VALID_LETTERS);
}

/* ---- choice ---- */

static void test_choice_listed_value(void **state)
{
    (void)state;
    catalog_field_t f = make_choice();
    expect_ok(&f, "female", "female");
    expect_ok(&f, "other", "other");
}

static void test_choice_unlisted_or_empty(void **state)
{
    (void)state;
    catalog_field_t f = make_choice();
    expect_code(&f, "unknown", VALID_CHOICE);
    expect_code(&f, "Male", VALID_CHOICE);
    expect_code(&f, "", VALID_CHOICE);
    expect_code(&f, " ", VALID_CHOICE);
}

/* ---- optional and required ---- */

static void test_optional_empty_is_ok_and_empty(void **state)
{
    (void)state;
    for (int t = 0; t < FIELD_TYPE_COUNT; t++) {
        catalog_field_t f = t == FIELD_CHOICE ? make_choice() : make_field((field_type_t)t);
        f.optional = true;
        expect_ok(&f, "", "");
        expect_ok(&f, "  ", "");
    }
}

static void test_optional_filled_is_still_checked(void **state)
{
    (void)state;
    catalog_field_t f = make_field(FIELD_MOBILE);
    f.optional = true;
    expect_code(&f, "01212345678", VALID_MOBILE);
    expect_ok(&f, "01712345678", "01712345678");
}

static void test_required_empty_is_empty(void **state)
{
    (void)state;
    for (int t = 0; t < FIELD_TYPE_COUNT; t++) {
        if (t == FIELD_CHOICE)
            continue;
        catalog_field_t f = make_field((field_type_t)t);
        expect_code(&f, "", VALID_EMPTY);
        expect_code(&f, "   ", VALID_EMPTY);
    }
}

/* ---- messages ---- */

static void test_msgid_distinct_error_ids(void **state)
{
    (void)state;
    for (int i = 0; i < VALID_CODE_COUNT; i++) {
        const char *a = validate_msgid((valid_code_t)i);
        assert_non_null(a);
        assert_true(strncmp(a, "error.", 6) == 0);
        assert_true(strlen(a) > 6);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(a, validate_msgid((valid_code_t)j));
    }
}

static void test_msgid_examples(void **state)
{
    (void)state;
    assert_string_equal(validate_msgid(VALID_NID), "error.nid");
    assert_string_equal(validate_msgid(VALID_MOBILE), "error.mobile");
    assert_non_null(validate_msgid(VALID_CODE_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nid_accepts_10_13_17_latin_digits),
        cmocka_unit_test(test_nid_accepts_bangla_digits_stored_latin),
        cmocka_unit_test(test_nid_rejects_wrong_lengths),
        cmocka_unit_test(test_nid_rejects_letters_as_digits_error),
        cmocka_unit_test(test_nid_accepts_spaces_and_dashes_between_groups),
        cmocka_unit_test(test_brn_accepts_17_digits),
        cmocka_unit_test(test_brn_rejects_other_lengths_and_letters),
        cmocka_unit_test(test_mobile_accepts_operators_013_to_019),
        cmocka_unit_test(test_mobile_accepts_bangla_digits_and_groups),
        cmocka_unit_test(test_mobile_rejects_012_011_010_and_non_01),
        cmocka_unit_test(test_mobile_rejects_10_and_12_digits),
        cmocka_unit_test(test_mobile_880_prefix_dropped),
        cmocka_unit_test(test_mobile_plus_880_prefix_dropped),
        cmocka_unit_test(test_mobile_rejects_letters),
        cmocka_unit_test(test_date_dd_mm_yyyy_stored_iso),
        cmocka_unit_test(test_date_bangla_digits),
        cmocka_unit_test(test_date_one_digit_day_and_month),
        cmocka_unit_test(test_date_leap_years),
        cmocka_unit_test(test_date_rejects_days_that_do_not_exist),
        cmocka_unit_test(test_date_rejects_years_before_1900),
        cmocka_unit_test(test_date_dash_and_dot_separators),
        cmocka_unit_test(test_date_wrong_shape_is_format_error),
        cmocka_unit_test(test_date_past_rejects_tomorrow_accepts_today),
        cmocka_unit_test(test_date_past_across_year_end),
        cmocka_unit_test(test_date_future_rejects_yesterday_accepts_today),
        cmocka_unit_test(test_date_any_accepts_past_and_future),
        cmocka_unit_test(test_number_min_max_inclusive),
        cmocka_unit_test(test_number_leading_zeros_stripped),
        cmocka_unit_test(test_number_default_range_limits),
        cmocka_unit_test(test_number_13_or_more_digits_out_of_range),
        cmocka_unit_test(test_number_rejects_letters),
        cmocka_unit_test(test_number_minus_sign_not_silently_dropped),
        cmocka_unit_test(test_text_bangla_name),
        cmocka_unit_test(test_text_english_name_with_punctuation),
        cmocka_unit_test(test_text_rejects_digits),
        cmocka_unit_test(test_text_rejects_symbols),
        cmocka_unit_test(test_text_only_spaces_is_empty),
        cmocka_unit_test(test_text_spaces_squeezed_and_trimmed),
        cmocka_unit_test(test_text_stored_nfc),
        cmocka_unit_test(test_text_max_len_counts_code_points),
        cmocka_unit_test(test_text_max_len_after_squeezing_and_nfc),
        cmocka_unit_test(test_text_far_too_long_bangla),
        cmocka_unit_test(test_text_rejects_invalid_utf8),
        cmocka_unit_test(test_choice_listed_value),
        cmocka_unit_test(test_choice_unlisted_or_empty),
        cmocka_unit_test(test_optional_empty_is_ok_and_empty),
        cmocka_unit_test(test_optional_filled_is_still_checked),
        cmocka_unit_test(test_required_empty_is_empty),
        cmocka_unit_test(test_msgid_distinct_error_ids),
        cmocka_unit_test(test_msgid_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
