/* catalog/validate.c - field validators: IDs, mobile numbers, dates, numbers, names. */
#include "catalog/validate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text/i18n.h"
#include "text/unicode.h"
#include "text/utf8.h"

#define VALUE_MAX 512

static const char *const msgids[VALID_CODE_COUNT] = {
    N_("error.none"),         N_("error.empty"),       N_("error.letters"),
    N_("error.too_long"),     N_("error.digits"),      N_("error.nid"),
    N_("error.brn"),          N_("error.mobile"),      N_("error.date_format"),
    N_("error.date_invalid"), N_("error.date_future"), N_("error.date_past"),
    N_("error.number_range"), N_("error.choice"),
};

const char *validate_msgid(valid_code_t code)
{
    return (unsigned)code < VALID_CODE_COUNT ? msgids[code] : N_("error.none");
}

/* Collect the digits of s (Bangla or Latin) as ASCII; when groups is set, spaces and dashes
 * between groups are allowed, as people write IDs and phone numbers. False on any other
 * character. */
static bool digits_only(const char *s, bool groups, char *out, size_t cap)
{
    size_t n = 0, len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        if (k < 0)
            return false;
        int d = unicode_digit_value(cp);
        if (d >= 0) {
            if (n + 1 >= cap)
                return false;
            out[n++] = (char)('0' + d);
        } else if (!groups || (cp != ' ' && cp != '-')) {
            return false;
        }
        i += (size_t)k;
    }
    out[n] = '\0';
    return true;
}

/* Letters of Bangla or Latin script, marks, ZWNJ/ZWJ (they shape Bangla), and the
 * punctuation names carry: "Md. Abdur-Rahim", "D'Costa". */
static bool name_char_ok(uint32_t cp)
{
    if (cp == ' ' || cp == '.' || cp == '-' || cp == '\'' || cp == 0x200C || cp == 0x200D)
        return true;
    if (unicode_digit_value(cp) >= 0 || !unicode_is_letter_or_mark(cp))
        return false;
    return unicode_is_bengali(cp) || cp < 0x0250; /* Bengali block or Latin */
}

/* Trim and collapse runs of spaces. */
static void squeeze_spaces(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    bool space = false;
    for (; *s && n + 1 < cap; s++) {
        if (*s == ' ') {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < cap)
            out[n++] = ' ';
        space = false;
        out[n++] = *s;
    }
    out[n] = '\0';
}

static valid_code_t check_text(const catalog_field_t *f, const char *s, char *out, size_t cap)
{
    char tmp[VALUE_MAX];
    squeeze_spaces(s, tmp, sizeof tmp);
    size_t len = strlen(tmp), i = 0;
    bool letter = false;
    while (i < len) {
        uint32_t cp;
        int k = utf8_decode(tmp + i, len - i, &cp);
        if (k < 0 || !name_char_ok(cp))
            return VALID_LETTERS;
        letter |= unicode_is_letter_or_mark(cp);
        i += (size_t)k;
    }
    if (!letter)
        return VALID_LETTERS;
    int n = unicode_nfc(tmp, len, out, cap);
    if (n < 0)
        return VALID_TOO_LONG;
    return utf8_count(out, (size_t)n) > (size_t)f->max_len ? VALID_TOO_LONG : VALID_OK;
}

static valid_code_t check_mobile(const char *digits, char *out, size_t cap)
{
    /* +880 1XXXXXXXXX and 880 1XXXXXXXXX are the same number written internationally. */
    if (strncmp(digits, "880", 3) == 0 && strlen(digits) == 13)
        digits += 2;
    if (strlen(digits) != 11 || digits[0] != '0' || digits[1] != '1' || digits[2] < '3')
        return VALID_MOBILE;
    snprintf(out, cap, "%s", digits);
    return VALID_OK;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* D/M/YYYY with one or two digit day and month; '/', '-' or '.' between. */
static bool parse_date(const char *s, int *d, int *m, int *y)
{
    int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0}, idx = 0;
    size_t len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        int k = utf8_decode(s + i, len - i, &cp);
        int v = k > 0 ? unicode_digit_value(cp) : -1;
        if (v >= 0) {
            part[idx] = part[idx] * 10 + v;
            if (++digits[idx] > (idx == 2 ? 4 : 2))
                return false;
        } else if ((cp == '/' || cp == '-' || cp == '.') && idx < 2 && digits[idx] > 0) {
            idx++;
        } else {
            return false;
        }
        i += (size_t)k;
    }
    *d = part[0];
    *m = part[1];
    *y = part[2];
    return idx == 2 && digits[2] == 4;
}

static valid_code_t check_date(const catalog_field_t *f, const char *s, const locale_tm_t *today,
                               char *out, size_t cap)
{
    int d, m, y;
    if (!parse_date(s, &d, &m, &y))
        return VALID_DATE_FORMAT;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return VALID_DATE_INVALID;
    long given = (long)y * 10000 + m * 100 + d;
    long now = (long)today->year * 10000 + today->month * 100 + today->day;
    if (f->when == DATE_PAST && given > now)
        return VALID_DATE_FUTURE;
    if (f->when == DATE_FUTURE && given < now)
        return VALID_DATE_PAST;
    snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
    return VALID_OK;
}

static valid_code_t check_number(const catalog_field_t *f, const char *digits, char *out,
                                 size_t cap)
{
    while (digits[0] == '0' && digits[1])
        digits++;
    if (strlen(digits) > 12)
        return VALID_NUMBER_RANGE;
    long long v = 0;
    for (const char *p = digits; *p; p++)
        v = v * 10 + (*p - '0');
    if (v < f->min || v > f->max)
        return VALID_NUMBER_RANGE;
    snprintf(out, cap, "%lld", v);
    return VALID_OK;
}

static valid_code_t check_choice(const catalog_field_t *f, const char *s, char *out, size_t cap)
{
    for (int i = 0; i < f->option_count; i++) {
        if (strcmp(f->options[i].value, s) == 0) {
            snprintf(out, cap, "%s", s);
            return VALID_OK;
        }
    }
    return VALID_CHOICE;
}

static bool is_blank(const char *s)
{
    while (*s == ' ')
        s++;
    return *s == '\0';
}

static valid_code_t check_digits_type(const catalog_field_t *f, const char *s, char *out,
                                      size_t cap)
{
    char digits[VALUE_MAX];
    /* "+880 1712-345678" is a mobile number written internationally. */
    if (f->type == FIELD_MOBILE && s[0] == '+')
        s++;
    /* A number is digits only: "-5" must not quietly become 5. */
    if (!digits_only(s, f->type != FIELD_NUMBER, digits, sizeof digits) || digits[0] == '\0')
        return VALID_DIGITS;
    size_t n = strlen(digits);
    switch (f->type) {
    case FIELD_NID:
        if (n != 10 && n != 13 && n != 17)
            return VALID_NID;
        break;
    case FIELD_BRN:
        if (n != 17)
            return VALID_BRN;
        break;
    case FIELD_MOBILE:
        return check_mobile(digits, out, cap);
    default:
        return check_number(f, digits, out, cap);
    }
    snprintf(out, cap, "%s", digits);
    return VALID_OK;
}

valid_code_t validate_field(const catalog_field_t *f, const char *input, const locale_tm_t *today,
                            char *out, size_t cap)
{
    out[0] = '\0';
    if (!utf8_valid(input, strlen(input), NULL))
        return f->type == FIELD_TEXT ? VALID_LETTERS : VALID_DIGITS;
    if (is_blank(input))
        return f->optional ? VALID_OK : (f->type == FIELD_CHOICE ? VALID_CHOICE : VALID_EMPTY);
    valid_code_t rc;
    switch (f->type) {
    case FIELD_TEXT:
        rc = check_text(f, input, out, cap);
        break;
    case FIELD_DATE:
        rc = check_date(f, input, today, out, cap);
        break;
    case FIELD_CHOICE:
        rc = check_choice(f, input, out, cap);
        break;
    default:
        rc = check_digits_type(f, input, out, cap);
        break;
    }
    if (rc != VALID_OK)
        out[0] = '\0';
    return rc;
}
