/*
 * app/fees.h - what a service costs at this centre, as it is shown and printed: the official
 * fee (with its source in the catalog), the centre's service charge (shown even when 0, so a
 * charge is never hidden) and the total. A charge is never shown without the official fee
 * beside it; where no official fee is published, the total says the official fee comes on top.
 */
#ifndef APP_FEES_H
#define APP_FEES_H

#include "app/state.h"

enum { APP_FEE_OFFICIAL, APP_FEE_CHARGE, APP_FEE_TOTAL, APP_FEE_LINES };

typedef struct {
    const char *label[APP_FEE_LINES]; /* translated: "সরকারি ফি", "সেবা মূল্য", "মোট" */
    char value[APP_FEE_LINES][128]; /* "৳ ৫০", "বিনামূল্যে", "প্রকাশিত নয়", "৳ ২০ + ..." */
} app_fees_t;

/* The fee lines of services[service] in lang. */
void app_fees(const app_t *app, int service, lang_t lang, app_fees_t *out);

#endif
