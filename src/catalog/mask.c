/* catalog/mask.c - the receipt's masking rule, shared by the receipt and the export. */
#include "catalog/mask.h"

#include <stdio.h>
#include <string.h>

int mask_rule(const catalog_service_t *svc, int index)
{
    if (index < 0 || index >= svc->field_count)
        return MASK_HIDDEN;
    switch (svc->fields[index].type) {
    case FIELD_TEXT:
        return index == 0 ? MASK_CLEAR : MASK_HIDDEN; /* the applicant's name */
    case FIELD_NID:
    case FIELD_BRN:
        return 4;
    case FIELD_MOBILE:
        return 3;
    default:
        return MASK_HIDDEN; /* dates of birth, addresses, choices, numbers */
    }
}

void mask_digits(const char *value, int keep, char *out, size_t cap)
{
    size_t n = strlen(value), o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++)
        out[o++] = i + (size_t)keep < n ? '*' : value[i];
    if (cap)
        out[o] = '\0';
}

bool mask_apply(int rule, const char *value, char *out, size_t cap)
{
    if (cap)
        out[0] = '\0';
    if (rule == MASK_HIDDEN || !value[0])
        return false;
    if (rule == MASK_CLEAR)
        snprintf(out, cap, "%s", value);
    else
        mask_digits(value, rule, out, cap);
    return true;
}
