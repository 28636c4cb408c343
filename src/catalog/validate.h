/*
 * catalog/validate.h - checking and normalizing what a citizen typed into one field.
 *
 * Digits may be typed in Bangla (০-৯) or Latin; they are stored as Latin digits so the
 * journal, exports and receipts agree. Text is trimmed, single-spaced and stored NFC.
 * Dates are stored as YYYY-MM-DD.
 */
#ifndef CATALOG_VALIDATE_H
#define CATALOG_VALIDATE_H

#include <stddef.h>

#include "catalog/catalog.h"
#include "text/locale.h"

typedef enum {
    VALID_OK,
    VALID_EMPTY,        /* a required field left empty */
    VALID_LETTERS,      /* text: something other than letters, spaces, . - ' */
    VALID_TOO_LONG,     /* text: more than max characters */
    VALID_DIGITS,       /* an ID or number with something other than digits */
    VALID_NID,          /* not 10, 13 or 17 digits */
    VALID_BRN,          /* not 17 digits */
    VALID_MOBILE,       /* not 01[3-9] + 8 digits */
    VALID_DATE_FORMAT,  /* not DD/MM/YYYY */
    VALID_DATE_INVALID, /* no such day, or before 1900 */
    VALID_DATE_FUTURE,  /* after today where the date must be past */
    VALID_DATE_PAST,    /* before today where the date must be future */
    VALID_NUMBER_RANGE, /* outside min..max */
    VALID_CHOICE,       /* no option chosen */
    VALID_CODE_COUNT
} valid_code_t;

/*
 * Validate input for field f, with today's date in Asia/Dhaka. On VALID_OK the normalized
 * value is in out (empty for an empty optional field). out is always NUL-terminated.
 */
valid_code_t validate_field(const catalog_field_t *f, const char *input, const locale_tm_t *today,
                            char *out, size_t cap);

/* The translation id of a result's message, e.g. "error.nid". */
const char *validate_msgid(valid_code_t code);

#endif
