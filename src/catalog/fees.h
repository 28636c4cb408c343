/*
 * catalog/fees.h - what a citizen pays for a service: the official fee from the catalog
 * (which may be unpublished) and this centre's service charge from the configuration
 * ([fees] service_charge, or charge.SERVICE for one service). Screens, the review and the
 * receipt show the two side by side with their total, so a charge never hides the fee.
 */
#ifndef CATALOG_FEES_H
#define CATALOG_FEES_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/catalog.h"
#include "config/config.h"

typedef struct {
    bool official_known; /* false: the catalog publishes no official fee ("official_fee": null) */
    long long official;  /* Taka; 0 when not known */
    long long charge;    /* the centre's service charge, Taka (shown even when 0) */
    long long total;     /* official + charge; the charge alone when the official fee is unknown */
} catalog_fees_t;

/* The fees of services[service] at this centre. */
catalog_fees_t catalog_fees(const catalog_t *c, const config_fees_t *f, int service);

/*
 * Every per-service charge must name a service of the catalog. 0, or -1 with
 * "kiosk.ini:42: [fees] charge.birth_regg: no service has this id in the catalog" in err.
 */
int catalog_check_charges(const catalog_t *c, const config_fees_t *f, char *err, size_t errcap);

#endif
