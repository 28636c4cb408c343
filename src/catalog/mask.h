/*
 * catalog/mask.h - what of a citizen's entries may be shown where anyone can read it: on the
 * printed receipt, and in a journal export that is not sealed to the register. The applicant's
 * name (the service's first text field) in clear, an NID or birth registration number by its
 * last 4 digits, a mobile number by its last 3; every other field not at all.
 */
#ifndef CATALOG_MASK_H
#define CATALOG_MASK_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"

#define MASK_HIDDEN (-1) /* the field is not shown */
#define MASK_CLEAR  0    /* shown as typed */

/* How the index-th field of svc is shown: MASK_HIDDEN, MASK_CLEAR, or the number of last
 * digits kept (4 for NID and BRN, 3 for a mobile number). */
int mask_rule(const catalog_service_t *svc, int index);

/* Apply a rule to a value into out: false when the field is not shown (out is then ""). */
bool mask_apply(int rule, const char *value, char *out, size_t cap);

/* Only the last keep characters of value show: "1234567890", 4 -> "******7890". */
void mask_digits(const char *value, int keep, char *out, size_t cap);

#endif
