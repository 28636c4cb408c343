/* catalog/fees.c - the official fee and the centre's charge of a service, and their total. */
#include "catalog/fees.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

catalog_fees_t catalog_fees(const catalog_t *c, const config_fees_t *f, int service)
{
    assert(service >= 0 && service < c->service_count);
    const catalog_service_t *s = &c->services[service];
    catalog_fees_t out = {.charge = f->service_charge};
    for (int i = 0; i < f->charge_count; i++)
        if (strcmp(f->charges[i].service, s->id) == 0)
            out.charge = f->charges[i].taka;
    out.official_known = s->official_fee != CATALOG_FEE_UNPUBLISHED;
    out.official = out.official_known ? s->official_fee : 0;
    out.total = out.official + out.charge;
    return out;
}

int catalog_check_charges(const catalog_t *c, const config_fees_t *f, char *err, size_t errcap)
{
    for (int i = 0; i < f->charge_count; i++) {
        const config_charge_t *ch = &f->charges[i];
        if (catalog_find_service(c, ch->service) >= 0)
            continue;
        if (ch->line > 0)
            snprintf(err, errcap, "%s:%d: [fees] charge.%s: no service has this id in the catalog",
                     ch->file, ch->line, ch->service);
        else
            snprintf(err, errcap, "[fees] charge.%s: no service has this id in the catalog",
                     ch->service);
        return -1;
    }
    return 0;
}
