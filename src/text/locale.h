/*
 * text/locale.h - numbers, money and dates the way a Bangla or an English reader expects.
 *
 * Bangla mode writes Bangla digits (U+09E6..U+09EF), Indian digit grouping (3;2, as glibc's
 * bn_BD and CLDR "bn" do: ১২,৩৪,৫৬৭), the taka sign ৳ (U+09F3) and Bangla month names.
 * English mode writes Latin digits with the same Indian grouping (Bangladeshi English writes
 * lakhs too: 12,34,567) and English month names.
 *
 * Time is Asia/Dhaka: UTC+06:00 with no daylight saving since 2010 (the only DST ran from
 * 19 Jun 2009 to 31 Dec 2009), so a fixed offset is exact for any date the kiosk sees and
 * does not depend on the board's tzdata or TZ variable.
 *
 * Every function writes a NUL-terminated UTF-8 string into out (capacity cap bytes) and
 * returns its length in bytes, or -1 if it did not fit (out is then an empty string).
 * None allocates. All are pure: same input, same output.
 */
#ifndef TEXT_LOCALE_H
#define TEXT_LOCALE_H

#include <stddef.h>
#include <stdint.h>

#include "text/lang.h"

/* A civil date and time in Asia/Dhaka. */
typedef struct {
    int year;  /* e.g. 2026 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
    int hour;  /* 0..23 */
    int min;   /* 0..59 */
    int sec;   /* 0..59 */
    int wday;  /* 0 = Sunday .. 6 = Saturday */
} locale_tm_t;

/* A date in the Bangla calendar (bangabda), Bangladesh revision of 2019. */
typedef struct {
    int year;  /* e.g. 1433 */
    int month; /* 1 = Boishakh .. 12 = Chaitra */
    int day;   /* 1..31 */
} locale_bangla_date_t;

/* Unix seconds to Asia/Dhaka civil time. */
void locale_dhaka_time(int64_t unix_seconds, locale_tm_t *out);

/* Asia/Dhaka civil time (wday ignored) to Unix seconds. */
int64_t locale_dhaka_unix(const locale_tm_t *tm);

/* Copy s, turning ASCII digits into Bangla digits in LANG_BN; a plain copy in LANG_EN. */
int locale_digits(lang_t lang, const char *s, char *out, size_t cap);

/* Copy s, turning Bangla digits (০-৯) into ASCII digits; everything else unchanged. */
int locale_ascii_digits(const char *s, char *out, size_t cap);

/* An integer with Indian grouping: bn "১২,৩৪,৫৬৭", en "12,34,567"; negatives get '-'. */
int locale_format_int(lang_t lang, long long v, char *out, size_t cap);

/* An amount of taka: bn "৳ ১,১৭০", en "৳ 1,170" (the sign, a no-break space U+00A0, the amount). */
int locale_format_taka(lang_t lang, long long taka, char *out, size_t cap);

/* A Gregorian date: bn "২৯ নভেম্বর ২০২৬", en "29 November 2026". */
int locale_format_date(lang_t lang, const locale_tm_t *tm, char *out, size_t cap);

/* A short numeric date: bn "২৯/১১/২০২৬", en "29/11/2026". */
int locale_format_date_short(lang_t lang, const locale_tm_t *tm, char *out, size_t cap);

/*
 * A time of day on the 12-hour clock as people in Bangladesh say it:
 * bn "সকাল ১০:০৫" (ভোর 4-5, সকাল 6-11, দুপুর 12-14, বিকাল 15-17, সন্ধ্যা 18-19, রাত 20-3),
 * en "10:05 am" / "12:00 pm".
 */
int locale_format_time(lang_t lang, const locale_tm_t *tm, char *out, size_t cap);

/* The Bangla calendar date of a Gregorian date (2019 revision, Pohela Boishakh = 14 April). */
void locale_bangla_date(const locale_tm_t *tm, locale_bangla_date_t *out);

/* A Bangla calendar date: bn "১৫ অগ্রহায়ণ ১৪৩৩ বঙ্গাব্দ", en "15 Agrahayan 1433". */
int locale_format_bangla_date(lang_t lang, const locale_bangla_date_t *bd, char *out, size_t cap);

/*
 * When something happened, as a receipt or a screen says it: bn "২৯ নভেম্বর ২০২৬ (১৪ অগ্রহায়ণ
 * ১৪৩৩ বঙ্গাব্দ), সকাল ১০:৩০" (Bangla readers get the Bangla calendar date too, as official
 * notices print both), en "29 November 2026, 10:30 am".
 */
int locale_format_when(lang_t lang, int64_t unix_seconds, char *out, size_t cap);

#endif
