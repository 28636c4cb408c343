/* text/locale.c - digits, Indian grouping, taka, Dhaka time and the Bangla calendar. */
#include "text/locale.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/*
 * All Bangla strings below are UTF-8 in NFC. Note that NFC spells য় as U+09AF U+09BC and ঢ় as
 * U+09A2 U+09BC (U+09DF and U+09DD are composition exclusions), so a precomposed code point
 * pasted from elsewhere would make our text compare unequal to NFC text from the catalog.
 */

/* UTF-8 of U+09E6 BENGALI DIGIT ZERO is E0 A7 A6; the ten digits differ only in the last byte. */
#define BN_DIGIT_LEAD0   0xE0u
#define BN_DIGIT_LEAD1   0xA7u
#define BN_DIGIT_ZERO    0xA6u
#define BN_DIGIT_NINE    0xAFu
#define TAKA_SIGN        "\xE0\xA7\xB3" /* U+09F3 */
#define NO_BREAK_SPACE   "\xC2\xA0"     /* U+00A0: keeps ৳ and the amount on one line */
#define SECONDS_PER_DAY  86400
#define DHAKA_OFFSET_SEC (6 * 3600)
#define POHELA_MONTH     4
#define POHELA_DAY       14
#define BANGABDA_OFFSET  593 /* Gregorian year minus Bangla year from Pohela Boishakh on */

static const char *const gregorian_month_bn[12] = {
    "জানুয়ারি", "ফেব্রুয়ারি", "মার্চ",     "এপ্রিল",  "মে",     "জুন",
    "জুলাই",    "আগস্ট",     "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর",
};

static const char *const gregorian_month_en[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

static const char *const bangla_month_bn[12] = {
    "বৈশাখ",  "জ্যৈষ্ঠ",   "আষাঢ়", "শ্রাবণ", "ভাদ্র",  "আশ্বিন",
    "কার্তিক", "অগ্রহায়ণ", "পৌষ",  "মাঘ",   "ফাল্গুন", "চৈত্র",
};

static const char *const bangla_month_en[12] = {
    "Boishakh", "Joishtho",  "Asharh", "Shrabon", "Bhadro", "Ashshin",
    "Kartik",   "Agrahayan", "Poush",  "Magh",    "Falgun", "Chaitra",
};

/* 2019 revision; Falgun (index 10) gains a day when its February is a leap February. */
static const int bangla_month_days[12] = {31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 29, 30};
#define FALGUN_INDEX 10

/* Which part of the day an hour belongs to, as Bangla speakers name it. */
typedef struct {
    int first_hour; /* inclusive; a range runs to the next entry's first_hour */
    const char *word;
} day_part_t;

/* Sorted by first_hour; hours before 4 are still রাত (night), hence the first entry. */
static const day_part_t day_parts[] = {
    {0, "রাত"}, {4, "ভোর"}, {6, "সকাল"}, {12, "দুপুর"}, {15, "বিকাল"}, {18, "সন্ধ্যা"}, {20, "রাত"},
};

/* ---- output sink: every formatter appends here so the cap rules live in one place ---- */

typedef struct {
    char *out;
    size_t cap;
    size_t len; /* bytes written so far; len < cap while !failed, leaving room for the NUL */
    int failed;
} sink_t;

static sink_t sink_open(char *out, size_t cap)
{
    sink_t s = {out, cap, 0, cap == 0 || out == NULL};
    return s;
}

static void sink_bytes(sink_t *s, const char *p, size_t n)
{
    if (s->failed)
        return;
    /* n + 1 must fit in what is left; written this way it cannot overflow size_t. */
    if (n >= s->cap - s->len) {
        s->failed = 1;
        return;
    }
    memcpy(s->out + s->len, p, n);
    s->len += n;
}

static void sink_str(sink_t *s, const char *str)
{
    sink_bytes(s, str, strlen(str));
}

/* Appends ascii with every ASCII digit turned into a Bangla digit when lang is Bangla. */
static void sink_digits(sink_t *s, lang_t lang, const char *ascii)
{
    for (const char *p = ascii; *p != '\0'; p++) {
        if (lang != LANG_EN && *p >= '0' && *p <= '9') {
            const char bn[3] = {(char)BN_DIGIT_LEAD0, (char)BN_DIGIT_LEAD1,
                                (char)(BN_DIGIT_ZERO + (unsigned)(*p - '0'))};
            sink_bytes(s, bn, sizeof bn);
        } else {
            sink_bytes(s, p, 1);
        }
    }
}

/* Terminates the string; on failure leaves out empty (if there is room for even that). */
static int sink_close(sink_t *s)
{
    if (!s->failed && s->len <= (size_t)INT_MAX) {
        s->out[s->len] = '\0';
        return (int)s->len;
    }
    if (s->cap > 0 && s->out != NULL)
        s->out[0] = '\0';
    return -1;
}

/* Rejects invalid input the same way as a too-small buffer: -1 and an empty out. */
static int sink_reject(sink_t *s)
{
    s->failed = 1;
    return sink_close(s);
}

/* Any lang value other than LANG_EN means Bangla, matching lang_code(). */
static int is_bn(lang_t lang)
{
    return lang != LANG_EN;
}

/* ---- calendar arithmetic (proleptic Gregorian, 64-bit so no input can overflow) ---- */

/* Floor division for b > 0: C's '/' truncates toward zero, which is wrong before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static int is_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Days since 1970-01-01 (after Howard Hinnant's days_from_civil). Months outside 1..12 carry
 * into the year and days outside the month carry into the next, like timegm(), so callers can
 * pass unnormalized fields and still get a consistent answer.
 */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y += floor_div(m - 1, 12);
    m = floor_mod(m - 1, 12) + 1;
    y -= m <= 2; /* count years from March so the leap day is the last day of the year */
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                 /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;       /* 0..365, without d */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy + d - 1; /* d may be out of range */
    return era * 146097 + doe - 719468;
}

typedef struct {
    int64_t year;
    int month;
    int day;
} civil_t;

/* The inverse of days_from_civil (Hinnant's civil_from_days). */
static civil_t civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365, from March */
    int64_t mp = (5 * doy + 2) / 153;                                    /* 0..11, March = 0 */
    civil_t c;
    c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}

/* Dhaka seconds since the epoch for the first and last instants whose year fits in an int. */
static int64_t dhaka_min_local(void)
{
    return days_from_civil(INT_MIN, 1, 1) * SECONDS_PER_DAY;
}

static int64_t dhaka_max_local(void)
{
    return days_from_civil(INT_MAX, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;
}

static int clamp_to_int(int64_t v)
{
    if (v > INT_MAX)
        return INT_MAX;
    if (v < INT_MIN)
        return INT_MIN;
    return (int)v;
}

void locale_dhaka_time(int64_t unix_seconds, locale_tm_t *out)
{
    /*
     * locale_tm_t.year is an int, so instants beyond years INT_MIN..INT_MAX saturate at the
     * ends of that range rather than wrap. Clamp before adding the offset: near INT64_MAX the
     * addition itself would overflow.
     */
    int64_t lo = dhaka_min_local() - DHAKA_OFFSET_SEC;
    int64_t hi = dhaka_max_local() - DHAKA_OFFSET_SEC;
    int64_t t = unix_seconds < lo ? lo : (unix_seconds > hi ? hi : unix_seconds);
    int64_t local = t + DHAKA_OFFSET_SEC;
    int64_t days = floor_div(local, SECONDS_PER_DAY);
    int64_t sod = local - days * SECONDS_PER_DAY; /* 0..86399 */
    civil_t c = civil_from_days(days);

    out->year = (int)c.year;
    out->month = c.month;
    out->day = c.day;
    out->hour = (int)(sod / 3600);
    out->min = (int)(sod / 60 % 60);
    out->sec = (int)(sod % 60);
    out->wday = (int)floor_mod(days + 4, 7); /* 1970-01-01 was a Thursday */
}

int64_t locale_dhaka_unix(const locale_tm_t *tm)
{
    /* Every field is an int, so even extreme values stay far inside int64 here. */
    int64_t days = days_from_civil(tm->year, tm->month, tm->day);
    int64_t sod = (int64_t)tm->hour * 3600 + (int64_t)tm->min * 60 + tm->sec;
    return days * SECONDS_PER_DAY + sod - DHAKA_OFFSET_SEC;
}

/* ---- digits ---- */

int locale_digits(lang_t lang, const char *s, char *out, size_t cap)
{
    sink_t k = sink_open(out, cap);
    if (s == NULL)
        return sink_reject(&k);
    sink_digits(&k, lang, s);
    return sink_close(&k);
}

/* Whether p starts a Bangla digit; short-circuiting never reads past a NUL. */
static int is_bn_digit(const unsigned char *p)
{
    return p[0] == BN_DIGIT_LEAD0 && p[1] == BN_DIGIT_LEAD1 && p[2] >= BN_DIGIT_ZERO &&
           p[2] <= BN_DIGIT_NINE;
}

int locale_ascii_digits(const char *s, char *out, size_t cap)
{
    sink_t k = sink_open(out, cap);
    if (s == NULL)
        return sink_reject(&k);
    const unsigned char *p = (const unsigned char *)s;
    while (*p != '\0') {
        if (is_bn_digit(p)) {
            char c = (char)('0' + (p[2] - BN_DIGIT_ZERO));
            sink_bytes(&k, &c, 1);
            p += 3;
        } else {
            /* Anything else, valid UTF-8 or not, is passed through byte for byte. */
            sink_bytes(&k, (const char *)p, 1);
            p++;
        }
    }
    return sink_close(&k);
}

/* ---- numbers and money ---- */

/*
 * Writes v with Indian grouping (last three digits, then pairs) into buf, right-aligned, and
 * returns where it starts. The magnitude is taken as unsigned so LLONG_MIN does not overflow.
 * 32 bytes: '-', 19 digits, 9 commas and the NUL.
 */
static const char *group_indian(long long v, char buf[32])
{
    unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = buf + 31;
    int ndigits = 0;
    *p = '\0';
    do {
        if (ndigits >= 3 && (ndigits - 3) % 2 == 0)
            *--p = ',';
        *--p = (char)('0' + mag % 10);
        mag /= 10;
        ndigits++;
    } while (mag != 0);
    if (v < 0)
        *--p = '-';
    return p;
}

int locale_format_int(lang_t lang, long long v, char *out, size_t cap)
{
    char buf[32];
    sink_t k = sink_open(out, cap);
    sink_digits(&k, lang, group_indian(v, buf));
    return sink_close(&k);
}

int locale_format_taka(lang_t lang, long long taka, char *out, size_t cap)
{
    char buf[32];
    sink_t k = sink_open(out, cap);
    const char *amount = group_indian(taka, buf);
    /* The minus leads the whole amount ("-৳ 500"), as CLDR's currency patterns place it. */
    if (*amount == '-') {
        sink_str(&k, "-");
        amount++;
    }
    sink_str(&k, TAKA_SIGN NO_BREAK_SPACE);
    sink_digits(&k, lang, amount);
    return sink_close(&k);
}

/* ---- dates and times ---- */

static int valid_day_month(int day, int month)
{
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Appends "<day> <month name> <year>"; shared by the Gregorian and Bangla long formats. */
static void sink_long_date(sink_t *k, lang_t lang, int day, const char *month_name, int year)
{
    char num[16];
    snprintf(num, sizeof num, "%d ", day);
    sink_digits(k, lang, num);
    sink_str(k, month_name);
    snprintf(num, sizeof num, " %d", year);
    sink_digits(k, lang, num);
}

int locale_format_date(lang_t lang, const locale_tm_t *tm, char *out, size_t cap)
{
    sink_t k = sink_open(out, cap);
    /* Out-of-range fields would index past the month tables; refuse instead of guessing. */
    if (tm == NULL || !valid_day_month(tm->day, tm->month))
        return sink_reject(&k);
    const char *const *names = is_bn(lang) ? gregorian_month_bn : gregorian_month_en;
    sink_long_date(&k, lang, tm->day, names[tm->month - 1], tm->year);
    return sink_close(&k);
}

int locale_format_date_short(lang_t lang, const locale_tm_t *tm, char *out, size_t cap)
{
    char num[48];
    sink_t k = sink_open(out, cap);
    if (tm == NULL || !valid_day_month(tm->day, tm->month))
        return sink_reject(&k);
    snprintf(num, sizeof num, "%02d/%02d/%d", tm->day, tm->month, tm->year);
    sink_digits(&k, lang, num);
    return sink_close(&k);
}

static const char *day_part_word(int hour)
{
    const char *word = day_parts[0].word;
    for (size_t i = 0; i < sizeof day_parts / sizeof day_parts[0]; i++) {
        if (hour >= day_parts[i].first_hour)
            word = day_parts[i].word;
    }
    return word;
}

int locale_format_time(lang_t lang, const locale_tm_t *tm, char *out, size_t cap)
{
    char num[32];
    sink_t k = sink_open(out, cap);
    if (tm == NULL || tm->hour < 0 || tm->hour > 23 || tm->min < 0 || tm->min > 59)
        return sink_reject(&k);
    int h12 = tm->hour % 12 == 0 ? 12 : tm->hour % 12; /* midnight and noon are 12, not 0 */
    snprintf(num, sizeof num, "%d:%02d", h12, tm->min);
    if (is_bn(lang)) {
        /* Bangla names the part of the day instead of am/pm, and puts it first. */
        sink_str(&k, day_part_word(tm->hour));
        sink_str(&k, " ");
        sink_digits(&k, lang, num);
    } else {
        sink_digits(&k, lang, num);
        sink_str(&k, tm->hour < 12 ? " am" : " pm");
    }
    return sink_close(&k);
}

/* ---- Bangla calendar ---- */

static int bangla_month_length(int index, int64_t falgun_gregorian_year)
{
    if (index == FALGUN_INDEX && is_leap_year(falgun_gregorian_year))
        return bangla_month_days[index] + 1;
    return bangla_month_days[index];
}

void locale_bangla_date(const locale_tm_t *tm, locale_bangla_date_t *out)
{
    /* Normalize first so an unnormalized tm (e.g. 31 April) agrees with locale_dhaka_unix. */
    int64_t days = days_from_civil(tm->year, tm->month, tm->day);
    civil_t c = civil_from_days(days);
    int before_pohela = c.month < POHELA_MONTH || (c.month == POHELA_MONTH && c.day < POHELA_DAY);
    int64_t start_year = c.year - before_pohela; /* Gregorian year of this Pohela Boishakh */
    int64_t doy = days - days_from_civil(start_year, POHELA_MONTH, POHELA_DAY); /* 0..365 */

    /* This Bangla year's Falgun falls in the February of the next Gregorian year. */
    int month = 0;
    while (month < 11 && doy >= bangla_month_length(month, start_year + 1)) {
        doy -= bangla_month_length(month, start_year + 1);
        month++;
    }
    out->year = clamp_to_int(start_year - BANGABDA_OFFSET);
    out->month = month + 1;
    out->day = (int)doy + 1;
}

int locale_format_bangla_date(lang_t lang, const locale_bangla_date_t *bd, char *out, size_t cap)
{
    sink_t k = sink_open(out, cap);
    if (bd == NULL || !valid_day_month(bd->day, bd->month))
        return sink_reject(&k);
    const char *const *names = is_bn(lang) ? bangla_month_bn : bangla_month_en;
    sink_long_date(&k, lang, bd->day, names[bd->month - 1], bd->year);
    if (is_bn(lang))
        sink_str(&k, " বঙ্গাব্দ"); /* "Bangla era"; the Bangla reader expects it after the year */
    return sink_close(&k);
}

int locale_format_when(lang_t lang, int64_t unix_seconds, char *out, size_t cap)
{
    locale_tm_t tm;
    locale_bangla_date_t bd;
    char d[96], b[128], t[64];
    locale_dhaka_time(unix_seconds, &tm);
    if (locale_format_date(lang, &tm, d, sizeof d) < 0 ||
        locale_format_time(lang, &tm, t, sizeof t) < 0)
        return cap ? (out[0] = '\0', -1) : -1;
    int n;
    if (lang == LANG_EN) {
        n = snprintf(out, cap, "%s, %s", d, t);
    } else {
        locale_bangla_date(&tm, &bd);
        if (locale_format_bangla_date(lang, &bd, b, sizeof b) < 0)
            return cap ? (out[0] = '\0', -1) : -1;
        n = snprintf(out, cap, "%s (%s), %s", d, b, t);
    }
    if (n < 0 || (size_t)n >= cap) {
        if (cap)
            out[0] = '\0';
        return -1;
    }
    return n;
}
