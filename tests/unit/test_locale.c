/* tests/unit/test_locale.c - unit tests for text/locale (digits, taka, dates, bangabda). */
#include "text/locale.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * Expected values here are written out by hand or derived from independent, deliberately naive
 * oracles (a day-by-day Gregorian walker, month-length tables), never from the code under test.
 */

/* ---- rendering harness: every expected string is also checked at every capacity ---- */

typedef int (*render_fn)(const void *arg, char *out, size_t cap);

typedef struct {
    lang_t lang;
    const char *s;
} str_arg_t;

typedef struct {
    lang_t lang;
    long long v;
} num_arg_t;

typedef struct {
    lang_t lang;
    locale_tm_t tm;
} tm_arg_t;

typedef struct {
    lang_t lang;
    locale_bangla_date_t bd;
} bd_arg_t;

static int render_digits(const void *arg, char *out, size_t cap)
{
    const str_arg_t *a = arg;
    return locale_digits(a->lang, a->s, out, cap);
}

static int render_ascii(const void *arg, char *out, size_t cap)
{
    const str_arg_t *a = arg;
    return locale_ascii_digits(a->s, out, cap);
}

static int render_int(const void *arg, char *out, size_t cap)
{
    const num_arg_t *a = arg;
    return locale_format_int(a->lang, a->v, out, cap);
}

static int render_taka(const void *arg, char *out, size_t cap)
{
    const num_arg_t *a = arg;
    return locale_format_taka(a->lang, a->v, out, cap);
}

static int render_date(const void *arg, char *out, size_t cap)
{
    const tm_arg_t *a = arg;
    return locale_format_date(a->lang, &a->tm, out, cap);
}

static int render_date_short(const void *arg, char *out, size_t cap)
{
    const tm_arg_t *a = arg;
    return locale_format_date_short(a->lang, &a->tm, out, cap);
}

static int render_time(const void *arg, char *out, size_t cap)
{
    const tm_arg_t *a = arg;
    return locale_format_time(a->lang, &a->tm, out, cap);
}

static int render_bangla(const void *arg, char *out, size_t cap)
{
    const bd_arg_t *a = arg;
    return locale_format_bangla_date(a->lang, &a->bd, out, cap);
}

/*
 * Checks fn(arg) renders exactly expected, and the cap contract: cap == len + 1 fits exactly,
 * every smaller cap (including cap == len) returns -1 with an empty string, and cap == 0 writes
 * nothing. Buffers are malloc'd at exactly cap bytes so ASan flags any write past cap.
 */
static void check_render(render_fn fn, const void *arg, const char *expected)
{
    size_t len = strlen(expected);
    char big[512];
    memset(big, 'X', sizeof big);
    assert_int_equal(fn(arg, big, sizeof big), (int)len);
    assert_string_equal(big, expected);

    char *exact = malloc(len + 1);
    assert_non_null(exact);
    memset(exact, 'X', len + 1);
    assert_int_equal(fn(arg, exact, len + 1), (int)len);
    assert_memory_equal(exact, expected, len + 1);
    free(exact);

    for (size_t cap = 1; cap <= len; cap++) {
        char *small = malloc(cap);
        assert_non_null(small);
        memset(small, 'X', cap);
        assert_int_equal(fn(arg, small, cap), -1);
        assert_int_equal(small[0], '\0');
        free(small);
    }

    char sentinel = 'X';
    assert_int_equal(fn(arg, &sentinel, 0), -1);
    assert_int_equal(sentinel, 'X');
}

/* Checks fn(arg) is rejected: -1 and an empty string even with plenty of room. */
static void check_render_fails(render_fn fn, const void *arg)
{
    char buf[128];
    memset(buf, 'X', sizeof buf);
    assert_int_equal(fn(arg, buf, sizeof buf), -1);
    assert_int_equal(buf[0], '\0');
}

static void check_digits(lang_t lang, const char *s, const char *expected)
{
    str_arg_t a = {lang, s};
    check_render(render_digits, &a, expected);
}

static void check_ascii(const char *s, const char *expected)
{
    str_arg_t a = {LANG_BN, s};
    check_render(render_ascii, &a, expected);
}

static void check_int(lang_t lang, long long v, const char *expected)
{
    num_arg_t a = {lang, v};
    check_render(render_int, &a, expected);
}

static void check_taka(lang_t lang, long long v, const char *expected)
{
    num_arg_t a = {lang, v};
    check_render(render_taka, &a, expected);
}

static locale_tm_t mk_tm(int year, int month, int day, int hour, int min, int sec)
{
    locale_tm_t tm = {year, month, day, hour, min, sec, 0};
    return tm;
}

static void check_date(lang_t lang, int y, int m, int d, const char *expected)
{
    tm_arg_t a = {lang, mk_tm(y, m, d, 12, 0, 0)};
    check_render(render_date, &a, expected);
}

static void check_date_short(lang_t lang, int y, int m, int d, const char *expected)
{
    tm_arg_t a = {lang, mk_tm(y, m, d, 12, 0, 0)};
    check_render(render_date_short, &a, expected);
}

static void check_time(lang_t lang, int hour, int min, const char *expected)
{
    tm_arg_t a = {lang, mk_tm(2026, 11, 29, hour, min, 0)};
    check_render(render_time, &a, expected);
}

static void check_bangla_fmt(lang_t lang, int y, int m, int d, const char *expected)
{
    bd_arg_t a = {lang, {y, m, d}};
    check_render(render_bangla, &a, expected);
}

/* ---- a naive Gregorian oracle, independent of the closed-form algorithm under test ---- */

typedef struct {
    int y, m, d;
} ymd_t;

static int oracle_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int oracle_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && oracle_leap(y) ? 29 : days[m - 1];
}

static ymd_t oracle_next_day(ymd_t g)
{
    if (++g.d > oracle_month_days(g.y, g.m)) {
        g.d = 1;
        if (++g.m > 12) {
            g.m = 1;
            g.y++;
        }
    }
    return g;
}

static ymd_t oracle_prev_day(ymd_t g)
{
    if (--g.d < 1) {
        if (--g.m < 1) {
            g.m = 12;
            g.y--;
        }
        g.d = oracle_month_days(g.y, g.m);
    }
    return g;
}

static ymd_t oracle_add_days(ymd_t g, int n)
{
    while (n-- > 0)
        g = oracle_next_day(g);
    return g;
}

static void assert_tm(const locale_tm_t *tm, int y, int mo, int d, int h, int mi, int s, int wday)
{
    assert_int_equal(tm->year, y);
    assert_int_equal(tm->month, mo);
    assert_int_equal(tm->day, d);
    assert_int_equal(tm->hour, h);
    assert_int_equal(tm->min, mi);
    assert_int_equal(tm->sec, s);
    assert_int_equal(tm->wday, wday);
}

/* ---- locale_digits ---- */

static void test_digits_bn(void **state)
{
    (void)state;
    check_digits(LANG_BN, "0123456789", "০১২৩৪৫৬৭৮৯");
    check_digits(LANG_BN, "Counter 7, token A-042", "Counter ৭, token A-০৪২");
    check_digits(LANG_BN, "", "");
    check_digits(LANG_BN, "no digits", "no digits");
    /* Already-Bangla text and digits pass through untouched. */
    check_digits(LANG_BN, "কাউন্টার ৩ / 3", "কাউন্টার ৩ / ৩");
    /* Each Bangla digit is three bytes: U+09E6 is E0 A7 A6. */
    check_digits(LANG_BN, "0", "\xE0\xA7\xA6");
    check_digits(LANG_BN, "9", "\xE0\xA7\xAF");
}

static void test_digits_en(void **state)
{
    (void)state;
    check_digits(LANG_EN, "0123456789", "0123456789");
    check_digits(LANG_EN, "Counter 7 / কাউন্টার ৭", "Counter 7 / কাউন্টার ৭");
    check_digits(LANG_EN, "", "");
}

static void test_digits_null_input(void **state)
{
    (void)state;
    str_arg_t a = {LANG_BN, NULL};
    check_render_fails(render_digits, &a);
    check_render_fails(render_ascii, &a);
}

/* ---- locale_ascii_digits ---- */

static void test_ascii_digits_maps_bangla_digits(void **state)
{
    (void)state;
    check_ascii("০১২৩৪৫৬৭৮৯", "0123456789");
    check_ascii("৳ ১,১৭০", "৳ 1,170");
    check_ascii("টোকেন ক-০৪২", "টোকেন ক-042");
    check_ascii("already 123", "already 123");
    check_ascii("", "");
}

static void test_ascii_digits_leaves_neighbours_alone(void **state)
{
    (void)state;
    check_ascii("\xE0\xA7\xA5", "\xE0\xA7\xA5"); /* U+09E5, just below ০ */
    check_ascii("\xE0\xA7\xB0", "\xE0\xA7\xB0"); /* U+09F0 ৰ, just above ৯ */
    check_ascii("\xE0\xA6\xA6", "\xE0\xA6\xA6"); /* U+09A6 দ: right last byte, wrong middle */
    check_ascii("\xE0\xA7\xB3", "\xE0\xA7\xB3"); /* U+09F3 taka sign */
    check_ascii("\xE0\xA5\xA6", "\xE0\xA5\xA6"); /* U+0966 Devanagari zero is not Bangla */
}

static void test_ascii_digits_invalid_utf8(void **state)
{
    (void)state;
    check_ascii("\xE0\xA7", "\xE0\xA7"); /* truncated at the end */
    check_ascii("\xE0", "\xE0");         /* lone lead byte at the end */
    check_ascii("\xA7\xA6", "\xA7\xA6"); /* continuation bytes alone */
    check_ascii("\xFF\xE0\xA7\xA7\xC0", "\xFF"
                                        "1\xC0"); /* junk around a digit */
    check_ascii("\xE0\xE0\xA7\xA6", "\xE0"
                                    "0");     /* stray lead before a digit */
    check_ascii("\xE0\xA7\xA6\xA6", "0\xA6"); /* extra continuation after */
}

static void test_ascii_digits_round_trip(void **state)
{
    (void)state;
    const char *samples[] = {"", "0", "2026-11-29 10:05", "৳ 1,23,456", "a1b2c3 ক৪"};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char bn[128];
        char back[128];
        assert_true(locale_digits(LANG_BN, samples[i], bn, sizeof bn) >= 0);
        int n = locale_ascii_digits(bn, back, sizeof back);
        /* samples[4] has a Bangla digit to begin with, which comes back as ASCII too. */
        const char *expected = i == 4 ? "a1b2c3 ক4" : samples[i];
        assert_int_equal(n, (int)strlen(expected));
        assert_string_equal(back, expected);
    }
}

/* ---- locale_format_int ---- */

typedef struct {
    long long v;
    const char *en;
    const char *bn;
} int_case_t;

static const int_case_t int_cases[] = {
    {0, "0", "০"},
    {7, "7", "৭"},
    {10, "10", "১০"},
    {999, "999", "৯৯৯"},
    {1000, "1,000", "১,০০০"},
    {9999, "9,999", "৯,৯৯৯"},
    {10000, "10,000", "১০,০০০"},
    {99999, "99,999", "৯৯,৯৯৯"},
    {100000, "1,00,000", "১,০০,০০০"},
    {999999, "9,99,999", "৯,৯৯,৯৯৯"},
    {1000000, "10,00,000", "১০,০০,০০০"},
    {1234567, "12,34,567", "১২,৩৪,৫৬৭"},
    {12345678, "1,23,45,678", "১,২৩,৪৫,৬৭৮"},
    {100000000, "10,00,00,000", "১০,০০,০০,০০০"},
    {-1, "-1", "-১"},
    {-999, "-999", "-৯৯৯"},
    {-1000, "-1,000", "-১,০০০"},
    {-100000, "-1,00,000", "-১,০০,০০০"},
    {-1234567, "-12,34,567", "-১২,৩৪,৫৬৭"},
    {LLONG_MAX, "92,23,37,20,36,85,47,75,807", "৯২,২৩,৩৭,২০,৩৬,৮৫,৪৭,৭৫,৮০৭"},
    {LLONG_MIN, "-92,23,37,20,36,85,47,75,808", "-৯২,২৩,৩৭,২০,৩৬,৮৫,৪৭,৭৫,৮০৮"},
    {LLONG_MIN + 1, "-92,23,37,20,36,85,47,75,807", "-৯২,২৩,৩৭,২০,৩৬,৮৫,৪৭,৭৫,৮০৭"},
};

static void test_format_int_en(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++)
        check_int(LANG_EN, int_cases[i].v, int_cases[i].en);
}

static void test_format_int_bn(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++)
        check_int(LANG_BN, int_cases[i].v, int_cases[i].bn);
}

static void test_format_int_group_widths(void **state)
{
    (void)state;
    /* Sweep powers of ten: commas sit before the last 3 digits, then every 2 (never 3;3). */
    long long v = 1;
    for (int digits = 1; digits <= 18; digits++, v *= 10) {
        char out[64];
        int n = locale_format_int(LANG_EN, v, out, sizeof out);
        int commas = digits > 3 ? (digits - 2) / 2 : 0;
        assert_int_equal(n, digits + commas);
        assert_int_equal(out[0], '1');
        /* Walk from the right: a comma after 3 digits, then after every 2. */
        int since = 0;
        int group = 3;
        for (int i = n - 1; i > 0; i--) {
            if (out[i] == ',') {
                assert_int_equal(since, group);
                since = 0;
                group = 2;
            } else {
                assert_int_equal(out[i], '0');
                since++;
            }
        }
    }
}

/* ---- locale_format_taka ---- */

static void test_format_taka(void **state)
{
    (void)state;
    /* The separator is U+00A0 NO-BREAK SPACE (C2 A0), not an ASCII space. */
    check_taka(LANG_BN, 1170,
               "\xE0\xA7\xB3\xC2\xA0\xE0\xA7\xA7\x2C\xE0\xA7\xA7\xE0\xA7\xAD\xE0\xA7\xA6");
    check_taka(LANG_BN, 1170, "৳\u00a0১,১৭০");
    check_taka(LANG_EN, 1170, "৳\u00a01,170");
    check_taka(LANG_EN, 0, "৳\u00a00");
    check_taka(LANG_BN, 0, "৳\u00a0০");
    check_taka(LANG_EN, 50, "৳\u00a050");
    check_taka(LANG_EN, 999, "৳\u00a0999");
    check_taka(LANG_EN, 1000, "৳\u00a01,000");
    check_taka(LANG_EN, 123456, "৳\u00a01,23,456");
    check_taka(LANG_BN, 12345678, "৳\u00a0১,২৩,৪৫,৬৭৮");
    check_taka(LANG_EN, LLONG_MAX, "৳\u00a092,23,37,20,36,85,47,75,807");
}

static void test_format_taka_negative(void **state)
{
    (void)state;
    /* Refunds are not expected; if one appears the minus leads, as in CLDR ("-৳ 500"). */
    check_taka(LANG_EN, -500, "-৳\u00a0500");
    check_taka(LANG_BN, -1170, "-৳\u00a0১,১৭০");
    check_taka(LANG_EN, LLONG_MIN, "-৳\u00a092,23,37,20,36,85,47,75,808");
}

/* ---- locale_format_date / locale_format_date_short ---- */

static const char *const month_bn[12] = {
    "জানুয়ারি", "ফেব্রুয়ারি", "মার্চ",     "এপ্রিল",  "মে",     "জুন",
    "জুলাই",    "আগস্ট",     "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
};

static const char *const month_en[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

static void test_format_date_examples(void **state)
{
    (void)state;
    check_date(LANG_EN, 2026, 11, 29, "29 November 2026");
    check_date(LANG_BN, 2026, 11, 29, "২৯ নভেম্বর ২০২৬");
    check_date(LANG_EN, 2024, 1, 1, "1 January 2024"); /* no zero padding in the long form */
    check_date(LANG_BN, 2024, 1, 5, "৫ জানুয়ারি ২০২৪");
    check_date(LANG_EN, 2024, 2, 29, "29 February 2024");
    check_date(LANG_BN, 1971, 12, 16, "১৬ ডিসেম্বর ১৯৭১"); /* years are not grouped */
    check_date(LANG_EN, 12026, 3, 26, "26 March 12026");
}

static void test_format_date_all_months(void **state)
{
    (void)state;
    for (int m = 1; m <= 12; m++) {
        char expected[128];
        strcpy(expected, "১০ ");
        strcat(expected, month_bn[m - 1]);
        strcat(expected, " ২০২৫");
        check_date(LANG_BN, 2025, m, 10, expected);

        strcpy(expected, "10 ");
        strcat(expected, month_en[m - 1]);
        strcat(expected, " 2025");
        check_date(LANG_EN, 2025, m, 10, expected);
    }
}

static void test_format_date_nfc_bytes(void **state)
{
    (void)state;
    /* NFC writes য় as U+09AF U+09BC (E0 A6 AF E0 A6 BC), never the precomposed U+09DF. */
    check_date(LANG_BN, 2026, 1, 1,
               "\xE0\xA7\xA7 "
               "\xE0\xA6\x9C\xE0\xA6\xBE\xE0\xA6\xA8\xE0\xA7\x81\xE0\xA6\xAF\xE0\xA6\xBC\xE0\xA6"
               "\xBE\xE0\xA6\xB0\xE0\xA6\xBF"
               " \xE0\xA7\xA8\xE0\xA7\xA6\xE0\xA7\xA8\xE0\xA7\xAC");
    check_date(LANG_BN, 2026, 2, 1,
               "\xE0\xA7\xA7 "
               "\xE0\xA6\xAB\xE0\xA7\x87\xE0\xA6\xAC\xE0\xA7\x8D\xE0\xA6\xB0\xE0\xA7\x81\xE0\xA6"
               "\xAF\xE0\xA6\xBC\xE0\xA6\xBE\xE0\xA6\xB0\xE0\xA6\xBF"
               " \xE0\xA7\xA8\xE0\xA7\xA6\xE0\xA7\xA8\xE0\xA7\xAC");
}

static void test_format_date_invalid(void **state)
{
    (void)state;
    const int bad[][2] = {{0, 1}, {13, 1}, {-1, 1}, {1, 0}, {1, 32}, {INT_MAX, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tm_arg_t a = {LANG_BN, mk_tm(2026, bad[i][0], bad[i][1], 0, 0, 0)};
        check_render_fails(render_date, &a);
        check_render_fails(render_date_short, &a);
        a.lang = LANG_EN;
        check_render_fails(render_date, &a);
        check_render_fails(render_date_short, &a);
    }
}

static void test_format_date_short(void **state)
{
    (void)state;
    check_date_short(LANG_EN, 2026, 11, 29, "29/11/2026");
    check_date_short(LANG_BN, 2026, 11, 29, "২৯/১১/২০২৬");
    check_date_short(LANG_EN, 2024, 1, 5, "05/01/2024");
    check_date_short(LANG_BN, 2024, 1, 5, "০৫/০১/২০২৪");
    check_date_short(LANG_EN, 2025, 12, 31, "31/12/2025");
    check_date_short(LANG_EN, 999, 3, 9, "09/03/999");
}

/* ---- locale_format_time ---- */

/* Written out per hour so each boundary (3|4, 5|6, 11|12, 14|15, 17|18, 19|20, 23|0) shows. */
static const char *const time_bn_on_the_hour[24] = {
    "রাত ১২:০০",  "রাত ১:০০",   "রাত ২:০০",  "রাত ৩:০০",   "ভোর ৪:০০",   "ভোর ৫:০০",
    "সকাল ৬:০০",  "সকাল ৭:০০",  "সকাল ৮:০০", "সকাল ৯:০০",  "সকাল ১০:০০", "সকাল ১১:০০",
    "দুপুর ১২:০০",  "দুপুর ১:০০",   "দুপুর ২:০০",  "বিকাল ৩:০০", "বিকাল ৪:০০", "বিকাল ৫:০০",
    "সন্ধ্যা ৬:০০", "সন্ধ্যা ৭:০০", "রাত ৮:০০",  "রাত ৯:০০",   "রাত ১০:০০",  "রাত ১১:০০",
};

static const char *const time_en_on_the_hour[24] = {
    "12:00 am", "1:00 am", "2:00 am",  "3:00 am",  "4:00 am",  "5:00 am", "6:00 am",  "7:00 am",
    "8:00 am",  "9:00 am", "10:00 am", "11:00 am", "12:00 pm", "1:00 pm", "2:00 pm",  "3:00 pm",
    "4:00 pm",  "5:00 pm", "6:00 pm",  "7:00 pm",  "8:00 pm",  "9:00 pm", "10:00 pm", "11:00 pm",
};

static void test_format_time_every_hour(void **state)
{
    (void)state;
    for (int h = 0; h < 24; h++) {
        check_time(LANG_BN, h, 0, time_bn_on_the_hour[h]);
        check_time(LANG_EN, h, 0, time_en_on_the_hour[h]);
    }
}

static void test_format_time_last_minute_before_boundaries(void **state)
{
    (void)state;
    check_time(LANG_BN, 3, 59, "রাত ৩:৫৯");
    check_time(LANG_BN, 5, 59, "ভোর ৫:৫৯");
    check_time(LANG_BN, 11, 59, "সকাল ১১:৫৯");
    check_time(LANG_BN, 14, 59, "দুপুর ২:৫৯");
    check_time(LANG_BN, 17, 59, "বিকাল ৫:৫৯");
    check_time(LANG_BN, 19, 59, "সন্ধ্যা ৭:৫৯");
    check_time(LANG_BN, 23, 59, "রাত ১১:৫৯");
    check_time(LANG_EN, 11, 59, "11:59 am");
    check_time(LANG_EN, 23, 59, "11:59 pm");
    check_time(LANG_EN, 0, 59, "12:59 am");
}

static void test_format_time_examples(void **state)
{
    (void)state;
    check_time(LANG_BN, 10, 5, "সকাল ১০:০৫");
    check_time(LANG_BN, 0, 30, "রাত ১২:৩০");
    check_time(LANG_EN, 10, 5, "10:05 am");
    check_time(LANG_EN, 12, 0, "12:00 pm");
    check_time(LANG_EN, 0, 30, "12:30 am");
    check_time(LANG_EN, 12, 1, "12:01 pm");
    check_time(LANG_EN, 9, 7, "9:07 am"); /* the hour is not padded, the minutes are */
}

static void test_format_time_invalid(void **state)
{
    (void)state;
    const int bad[][2] = {{24, 0}, {-1, 0}, {0, 60}, {0, -1}, {INT_MIN, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tm_arg_t a = {LANG_BN, mk_tm(2026, 1, 1, bad[i][0], bad[i][1], 0)};
        check_render_fails(render_time, &a);
        a.lang = LANG_EN;
        check_render_fails(render_time, &a);
    }
}

/* ---- locale_dhaka_time / locale_dhaka_unix ---- */

static void test_dhaka_time_known_instants(void **state)
{
    (void)state;
    locale_tm_t tm;
    locale_dhaka_time(0, &tm);
    assert_tm(&tm, 1970, 1, 1, 6, 0, 0, 4);
    locale_dhaka_time(-1, &tm);
    assert_tm(&tm, 1970, 1, 1, 5, 59, 59, 4);
    locale_dhaka_time(-21600, &tm); /* Dhaka midnight is 18:00 UTC the day before */
    assert_tm(&tm, 1970, 1, 1, 0, 0, 0, 4);
    locale_dhaka_time(-21601, &tm);
    assert_tm(&tm, 1969, 12, 31, 23, 59, 59, 3);
    locale_dhaka_time(1700000000, &tm);
    assert_tm(&tm, 2023, 11, 15, 4, 13, 20, 3);
    locale_dhaka_time(1709229599, &tm);
    assert_tm(&tm, 2024, 2, 29, 23, 59, 59, 4);
    locale_dhaka_time(951760800, &tm);
    assert_tm(&tm, 2000, 2, 29, 0, 0, 0, 2);
    locale_dhaka_time(4102444800, &tm);
    assert_tm(&tm, 2100, 1, 1, 6, 0, 0, 5);
    locale_dhaka_time(253402300799, &tm); /* 9999-12-31 23:59:59 UTC */
    assert_tm(&tm, 10000, 1, 1, 5, 59, 59, 6);
    locale_dhaka_time(-62135596800, &tm); /* 0001-01-01 00:00:00 UTC, a Monday */
    assert_tm(&tm, 1, 1, 1, 6, 0, 0, 1);
    locale_dhaka_time(-62135596800 - 366 * 86400, &tm); /* year 0 is a leap year */
    assert_tm(&tm, 0, 1, 1, 6, 0, 0, 6);
}

static void test_dhaka_time_weekdays(void **state)
{
    (void)state;
    locale_tm_t tm;
    locale_dhaka_time(locale_dhaka_unix(&(locale_tm_t){2026, 11, 29, 9, 0, 0, 0}), &tm);
    assert_tm(&tm, 2026, 11, 29, 9, 0, 0, 0); /* 29 Nov 2026 is a Sunday */
    locale_dhaka_time(locale_dhaka_unix(&(locale_tm_t){2000, 1, 1, 0, 0, 0, 0}), &tm);
    assert_int_equal(tm.wday, 6); /* Saturday */
    locale_dhaka_time(locale_dhaka_unix(&(locale_tm_t){1971, 12, 16, 12, 0, 0, 0}), &tm);
    assert_int_equal(tm.wday, 4); /* Victory Day 1971 was a Thursday */
    locale_dhaka_time(locale_dhaka_unix(&(locale_tm_t){1952, 2, 21, 12, 0, 0, 0}), &tm);
    assert_int_equal(tm.wday, 4); /* 21 Feb 1952 was a Thursday */
    locale_dhaka_time(locale_dhaka_unix(&(locale_tm_t){1900, 1, 1, 0, 0, 0, 0}), &tm);
    assert_int_equal(tm.wday, 1); /* Monday */
}

/* Walks every day 1900..2100 with the naive oracle; both directions must agree with it. */
static void test_dhaka_time_matches_day_walk(void **state)
{
    (void)state;
    ymd_t g = {1900, 1, 1};
    int64_t midnight = -2209010400; /* 1900-01-01 00:00 in Dhaka, from an external tz library */
    int wday = 1;
    while (g.y <= 2100) {
        locale_tm_t tm;
        locale_dhaka_time(midnight, &tm);
        assert_tm(&tm, g.y, g.m, g.d, 0, 0, 0, wday);
        locale_dhaka_time(midnight + 86399, &tm);
        assert_tm(&tm, g.y, g.m, g.d, 23, 59, 59, wday);
        locale_tm_t noon = mk_tm(g.y, g.m, g.d, 12, 34, 56);
        assert_true(locale_dhaka_unix(&noon) == midnight + 12 * 3600 + 34 * 60 + 56);
        g = oracle_next_day(g);
        midnight += 86400;
        wday = (wday + 1) % 7;
    }
}

static void check_round_trip(int64_t t)
{
    locale_tm_t tm;
    locale_dhaka_time(t, &tm);
    assert_in_range(tm.month, 1, 12);
    assert_in_range(tm.day, 1, 31);
    assert_in_range(tm.hour, 0, 23);
    assert_in_range(tm.min, 0, 59);
    assert_in_range(tm.sec, 0, 59);
    assert_in_range(tm.wday, 0, 6);
    assert_true(locale_dhaka_unix(&tm) == t);
}

static void test_dhaka_round_trip(void **state)
{
    (void)state;
    for (int64_t t = -200000; t <= 200000; t += 7)
        check_round_trip(t);
    for (int64_t t = -10000000000000LL; t <= 10000000000000LL; t += 999999937LL)
        check_round_trip(t);
    const int64_t edges[] = {INT32_MIN,           INT32_MAX,      (int64_t)INT32_MAX + 1,
                             4102444799,          -62135596801LL, 60000000000000000LL,
                             -60000000000000000LL};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        check_round_trip(edges[i]);
}

static void test_dhaka_time_extremes_saturate(void **state)
{
    (void)state;
    /* tm.year is an int: instants beyond its range pin to the first/last representable second. */
    locale_tm_t tm;
    locale_dhaka_time(INT64_MAX, &tm);
    assert_tm(&tm, INT_MAX, 12, 31, 23, 59, 59, tm.wday);
    assert_in_range(tm.wday, 0, 6);
    int64_t last = locale_dhaka_unix(&tm);
    check_round_trip(last);
    locale_dhaka_time(last + 1, &tm);
    assert_int_equal(tm.year, INT_MAX);

    locale_dhaka_time(INT64_MIN, &tm);
    assert_tm(&tm, INT_MIN, 1, 1, 0, 0, 0, tm.wday);
    assert_in_range(tm.wday, 0, 6);
    int64_t first = locale_dhaka_unix(&tm);
    check_round_trip(first);
    assert_true(first > INT64_MIN);
}

static void test_dhaka_unix_normalizes_and_ignores_wday(void **state)
{
    (void)state;
    locale_tm_t a = {2024, 5, 1, 0, 0, 0, 0};
    locale_tm_t b = {2024, 4, 31, 0, 0, 0, 5}; /* 31 April = 1 May; wday is ignored */
    assert_true(locale_dhaka_unix(&a) == locale_dhaka_unix(&b));
    locale_tm_t c = {2025, 1, 1, 0, 0, 0, 0};
    locale_tm_t d = {2024, 13, 1, 0, 0, 0, 0};
    locale_tm_t e = {2024, 12, 31, 24, 0, 0, 0};
    assert_true(locale_dhaka_unix(&c) == locale_dhaka_unix(&d));
    assert_true(locale_dhaka_unix(&c) == locale_dhaka_unix(&e));
    assert_true(locale_dhaka_unix(&c) == 1735668000); /* 2024-12-31 18:00 UTC */
    locale_tm_t f = {2024, 0, 1, 0, 0, 0, 0};
    locale_tm_t g = {2023, 12, 1, 0, 0, 0, 0};
    assert_true(locale_dhaka_unix(&f) == locale_dhaka_unix(&g));
}

/* ---- locale_bangla_date ---- */

static void check_bangla(int y, int m, int d, int by, int bm, int bday)
{
    locale_tm_t tm = mk_tm(y, m, d, 10, 0, 0);
    locale_bangla_date_t bd = {-1, -1, -1};
    locale_bangla_date(&tm, &bd);
    assert_int_equal(bd.year, by);
    assert_int_equal(bd.month, bm);
    assert_int_equal(bd.day, bday);
}

enum {
    BOISHAKH = 1,
    JOISHTHO,
    ASHARH,
    SHRABON,
    BHADRO,
    ASHSHIN,
    KARTIK,
    AGRAHAYAN,
    POUSH,
    MAGH,
    FALGUN,
    CHAITRA
};

static void test_bangla_date_check_points(void **state)
{
    (void)state;
    check_bangla(2024, 4, 14, 1431, BOISHAKH, 1); /* Pohela Boishakh */
    check_bangla(2024, 4, 19, 1431, BOISHAKH, 6);
    check_bangla(2024, 4, 13, 1430, CHAITRA, 30);
    check_bangla(2025, 2, 21, 1431, FALGUN, 8); /* Language Martyrs' Day */
    check_bangla(2024, 2, 21, 1430, FALGUN, 8);
    check_bangla(2025, 3, 26, 1431, CHAITRA, 12); /* Independence Day */
    check_bangla(2024, 12, 16, 1431, POUSH, 1);   /* Victory Day */
    check_bangla(2025, 4, 13, 1431, CHAITRA, 30);
    check_bangla(2025, 4, 14, 1432, BOISHAKH, 1);
    check_bangla(2026, 1, 1, 1432, POUSH, 17);
    check_bangla(2026, 11, 30, 1433, AGRAHAYAN, 15);
    /* 2019 revision: Ashshin has 31 days, so 16 Oct is still Ashshin (the old rule said Kartik). */
    check_bangla(2019, 10, 16, 1426, ASHSHIN, 31);
    check_bangla(2019, 10, 17, 1426, KARTIK, 1);
}

static void test_bangla_date_leap_falgun(void **state)
{
    (void)state;
    /* Falgun 1430 holds February 2024 (leap): 30 days. Falgun 1431 holds Feb 2025: 29 days. */
    check_bangla(2024, 2, 14, 1430, FALGUN, 1);
    check_bangla(2024, 2, 29, 1430, FALGUN, 16);
    check_bangla(2024, 3, 1, 1430, FALGUN, 17);
    check_bangla(2024, 3, 13, 1430, FALGUN, 29);
    check_bangla(2024, 3, 14, 1430, FALGUN, 30);
    check_bangla(2024, 3, 15, 1430, CHAITRA, 1);
    check_bangla(2025, 2, 28, 1431, FALGUN, 15);
    check_bangla(2025, 3, 1, 1431, FALGUN, 16);
    check_bangla(2025, 3, 13, 1431, FALGUN, 28);
    check_bangla(2025, 3, 14, 1431, FALGUN, 29);
    check_bangla(2025, 3, 15, 1431, CHAITRA, 1);
    /* Century rule: 2100 is not leap, 2000 is. */
    check_bangla(2100, 3, 14, 1506, FALGUN, 29);
    check_bangla(2000, 3, 14, 1406, FALGUN, 30);
}

/* Month starts of 1431 (14 Apr 2024 - 13 Apr 2025), worked out by hand from the month lengths. */
static void test_bangla_month_boundaries_1431(void **state)
{
    (void)state;
    static const struct {
        int month, first_y, first_m, first_d, prev_len;
    } starts[] = {
        {BOISHAKH, 2024, 4, 14, 30}, {JOISHTHO, 2024, 5, 15, 31},   {ASHARH, 2024, 6, 15, 31},
        {SHRABON, 2024, 7, 16, 31},  {BHADRO, 2024, 8, 16, 31},     {ASHSHIN, 2024, 9, 16, 31},
        {KARTIK, 2024, 10, 17, 31},  {AGRAHAYAN, 2024, 11, 16, 30}, {POUSH, 2024, 12, 16, 30},
        {MAGH, 2025, 1, 15, 30},     {FALGUN, 2025, 2, 14, 30},     {CHAITRA, 2025, 3, 15, 29},
    };
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        ymd_t first = {starts[i].first_y, starts[i].first_m, starts[i].first_d};
        ymd_t last_of_prev = oracle_prev_day(first);
        check_bangla(first.y, first.m, first.d, 1431, starts[i].month, 1);
        int prev_month = starts[i].month == BOISHAKH ? CHAITRA : starts[i].month - 1;
        int prev_year = starts[i].month == BOISHAKH ? 1430 : 1431;
        check_bangla(last_of_prev.y, last_of_prev.m, last_of_prev.d, prev_year, prev_month,
                     starts[i].prev_len);
    }
}

/*
 * For each Bangla year, walks every day from 14 April with the naive oracle and the month
 * lengths of the 2019 revision, and checks the year closes exactly on the next 13 April.
 */
static void walk_bangla_year(int gregorian_year)
{
    int lengths[12] = {31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30};
    if (oracle_leap(gregorian_year + 1))
        lengths[FALGUN - 1] = 30;
    ymd_t g = {gregorian_year, 4, 14};
    int total = 0;
    for (int m = 0; m < 12; m++) {
        for (int d = 1; d <= lengths[m]; d++) {
            check_bangla(g.y, g.m, g.d, gregorian_year - 593, m + 1, d);
            g = oracle_next_day(g);
            total++;
        }
    }
    assert_int_equal(total, oracle_leap(gregorian_year + 1) ? 366 : 365);
    assert_int_equal(g.y, gregorian_year + 1);
    assert_int_equal(g.m, 4);
    assert_int_equal(g.d, 14);
}

static void test_bangla_date_every_day(void **state)
{
    (void)state;
    for (int y = 1990; y <= 2060; y++)
        walk_bangla_year(y);
    walk_bangla_year(2099); /* Falgun in Feb 2100, not leap */
    walk_bangla_year(1999); /* Falgun in Feb 2000, leap */
}

static void test_bangla_date_month_starts_by_offset(void **state)
{
    (void)state;
    /* Independent of the walk: month k starts sum(lengths[0..k-1]) days after 14 April. */
    const int lengths[12] = {31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 30}; /* 1430: leap */
    ymd_t pohela = {2023, 4, 14};
    int offset = 0;
    for (int m = 0; m < 12; m++) {
        ymd_t first = oracle_add_days(pohela, offset);
        ymd_t last = oracle_add_days(pohela, offset + lengths[m] - 1);
        check_bangla(first.y, first.m, first.d, 1430, m + 1, 1);
        check_bangla(last.y, last.m, last.d, 1430, m + 1, lengths[m]);
        offset += lengths[m];
    }
    assert_int_equal(offset, 366);
}

static void test_bangla_date_unnormalized_input(void **state)
{
    (void)state;
    check_bangla(2025, 2, 29, 1431, FALGUN, 16);   /* 29 Feb 2025 does not exist: 1 March */
    check_bangla(2024, 4, 31, 1431, BOISHAKH, 18); /* 31 April = 1 May */
    /* Extreme years must not overflow; a Bangla year below INT_MIN saturates. */
    check_bangla(INT_MAX, 12, 31, INT_MAX - 593, POUSH, 16);
    check_bangla(INT_MIN, 1, 1, INT_MIN, POUSH, 17);
}

/* ---- locale_format_bangla_date ---- */

static const char *const bangla_month_bn_names[12] = {
    "বৈশাখ",  "জ্যৈষ্ঠ",   "আষাঢ়", "শ্রাবণ", "ভাদ্র",  "আশ্বিন",
    "কার্তিক", "অগ্রহায়ণ", "পৌষ",  "মাঘ",   "ফাল্গুন", "চৈত্র",
};

static const char *const bangla_month_en_names[12] = {
    "Boishakh", "Joishtho",  "Asharh", "Shrabon", "Bhadro", "Ashshin",
    "Kartik",   "Agrahayan", "Poush",  "Magh",    "Falgun", "Chaitra",
};

static void test_format_bangla_date_examples(void **state)
{
    (void)state;
    check_bangla_fmt(LANG_BN, 1433, AGRAHAYAN, 15, "১৫ অগ্রহায়ণ ১৪৩৩ বঙ্গাব্দ");
    check_bangla_fmt(LANG_EN, 1433, AGRAHAYAN, 15, "15 Agrahayan 1433");
    check_bangla_fmt(LANG_BN, 1431, BOISHAKH, 1, "১ বৈশাখ ১৪৩১ বঙ্গাব্দ");
    check_bangla_fmt(LANG_EN, 1431, FALGUN, 8, "8 Falgun 1431");
    /* NFC bytes: অগ্রহায়ণ with য় as U+09AF U+09BC, আষাঢ় with ঢ় as U+09A2 U+09BC. */
    check_bangla_fmt(LANG_BN, 1, AGRAHAYAN, 2,
                     "\xE0\xA7\xA8 \xE0\xA6\x85\xE0\xA6\x97\xE0\xA7\x8D\xE0\xA6\xB0\xE0\xA6\xB9\xE0"
                     "\xA6\xBE\xE0\xA6\xAF\xE0\xA6\xBC\xE0\xA6\xA3 \xE0\xA7\xA7 বঙ্গাব্দ");
    check_bangla_fmt(LANG_BN, 1, ASHARH, 2,
                     "\xE0\xA7\xA8 \xE0\xA6\x86\xE0\xA6\xB7\xE0\xA6\xBE\xE0\xA6\xA2\xE0\xA6\xBC "
                     "\xE0\xA7\xA7 বঙ্গাব্দ");
}

static void test_format_bangla_date_all_months(void **state)
{
    (void)state;
    for (int m = 1; m <= 12; m++) {
        char expected[128];
        strcpy(expected, "৩০ ");
        strcat(expected, bangla_month_bn_names[m - 1]);
        strcat(expected, " ১৪৩২ বঙ্গাব্দ");
        check_bangla_fmt(LANG_BN, 1432, m, 30, expected);

        strcpy(expected, "30 ");
        strcat(expected, bangla_month_en_names[m - 1]);
        strcat(expected, " 1432");
        check_bangla_fmt(LANG_EN, 1432, m, 30, expected);
    }
}

static void test_format_bangla_date_invalid(void **state)
{
    (void)state;
    const int bad[][2] = {{0, 1}, {13, 1}, {1, 0}, {1, 32}, {INT_MIN, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bd_arg_t a = {LANG_BN, {1431, bad[i][0], bad[i][1]}};
        check_render_fails(render_bangla, &a);
        a.lang = LANG_EN;
        check_render_fails(render_bangla, &a);
    }
}

/* No Bangla output may contain the NFC-excluded precomposed ড় ঢ় য় (U+09DC, U+09DD, U+09DF). */
static void test_bangla_output_is_nfc(void **state)
{
    (void)state;
    static const char *const excluded[] = {"\xE0\xA7\x9C", "\xE0\xA7\x9D", "\xE0\xA7\x9F"};
    for (int m = 1; m <= 12; m++) {
        char out[2][128];
        locale_tm_t tm = mk_tm(2026, m, 1, 0, 0, 0);
        locale_bangla_date_t bd = {1433, m, 1};
        assert_true(locale_format_date(LANG_BN, &tm, out[0], sizeof out[0]) > 0);
        assert_true(locale_format_bangla_date(LANG_BN, &bd, out[1], sizeof out[1]) > 0);
        for (size_t i = 0; i < 2; i++)
            for (size_t j = 0; j < 3; j++)
                assert_null(strstr(out[i], excluded[j]));
    }
}

/* ---- end to end: one instant through the whole pipeline ---- */

static void test_pipeline_receipt_line(void **state)
{
    (void)state;
    locale_tm_t tm;
    locale_bangla_date_t bd;
    char out[128];
    locale_dhaka_time(1796012700, &tm); /* 2026-11-30 04:25 UTC = 10:25 in Dhaka */
    assert_tm(&tm, 2026, 11, 30, 10, 25, 0, 1);
    locale_bangla_date(&tm, &bd);
    assert_int_equal(locale_format_bangla_date(LANG_BN, &bd, out, sizeof out),
                     (int)strlen("১৫ অগ্রহায়ণ ১৪৩৩ বঙ্গাব্দ"));
    assert_string_equal(out, "১৫ অগ্রহায়ণ ১৪৩৩ বঙ্গাব্দ");
    assert_true(locale_format_time(LANG_BN, &tm, out, sizeof out) > 0);
    assert_string_equal(out, "সকাল ১০:২৫");
    assert_true(locale_format_date(LANG_EN, &tm, out, sizeof out) > 0);
    assert_string_equal(out, "30 November 2026");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits_bn),
        cmocka_unit_test(test_digits_en),
        cmocka_unit_test(test_digits_null_input),
        cmocka_unit_test(test_ascii_digits_maps_bangla_digits),
        cmocka_unit_test(test_ascii_digits_leaves_neighbours_alone),
        cmocka_unit_test(test_ascii_digits_invalid_utf8),
        cmocka_unit_test(test_ascii_digits_round_trip),
        cmocka_unit_test(test_format_int_en),
        cmocka_unit_test(test_format_int_bn),
        cmocka_unit_test(test_format_int_group_widths),
        cmocka_unit_test(test_format_taka),
        cmocka_unit_test(test_format_taka_negative),
        cmocka_unit_test(test_format_date_examples),
        cmocka_unit_test(test_format_date_all_months),
        cmocka_unit_test(test_format_date_nfc_bytes),
        cmocka_unit_test(test_format_date_invalid),
        cmocka_unit_test(test_format_date_short),
        cmocka_unit_test(test_format_time_every_hour),
        cmocka_unit_test(test_format_time_last_minute_before_boundaries),
        cmocka_unit_test(test_format_time_examples),
        cmocka_unit_test(test_format_time_invalid),
        cmocka_unit_test(test_dhaka_time_known_instants),
        cmocka_unit_test(test_dhaka_time_weekdays),
        cmocka_unit_test(test_dhaka_time_matches_day_walk),
        cmocka_unit_test(test_dhaka_round_trip),
        cmocka_unit_test(test_dhaka_time_extremes_saturate),
        cmocka_unit_test(test_dhaka_unix_normalizes_and_ignores_wday),
        cmocka_unit_test(test_bangla_date_check_points),
        cmocka_unit_test(test_bangla_date_leap_falgun),
        cmocka_unit_test(test_bangla_month_boundaries_1431),
        cmocka_unit_test(test_bangla_date_every_day),
        cmocka_unit_test(test_bangla_date_month_starts_by_offset),
        cmocka_unit_test(test_bangla_date_unnormalized_input),
        cmocka_unit_test(test_format_bangla_date_examples),
        cmocka_unit_test(test_format_bangla_date_all_months),
        cmocka_unit_test(test_format_bangla_date_invalid),
        cmocka_unit_test(test_bangla_output_is_nfc),
        cmocka_unit_test(test_pipeline_receipt_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
