/* app/fees.c - the official fee, the centre's charge and the total, in words and digits. */
#include "app/fees.h"

#include <assert.h>
#include <stdio.h>

#include "catalog/fees.h"
#include "text/locale.h"

static void taka(lang_t lang, long long amount, char *out, size_t cap)
{
    if (locale_format_taka(lang, amount, out, cap) < 0)
        snprintf(out, cap, "%lld", amount);
}

void app_fees(const app_t *app, int service, lang_t lang, app_fees_t *out)
{
    assert(service >= 0 && service < app->catalog->service_count);
    catalog_fees_t f = catalog_fees(app->catalog, &app->cfg->fees, service);
    out->label[APP_FEE_OFFICIAL] = i18n_get(app->i18n, lang, "fee.official");
    out->label[APP_FEE_CHARGE] = i18n_get(app->i18n, lang, "fee.charge");
    out->label[APP_FEE_TOTAL] = i18n_get(app->i18n, lang, "fee.total");
    if (!f.official_known)
        snprintf(out->value[APP_FEE_OFFICIAL], sizeof out->value[0], "%s",
                 i18n_get(app->i18n, lang, "fee.unpublished"));
    else if (f.official == 0)
        snprintf(out->value[APP_FEE_OFFICIAL], sizeof out->value[0], "%s",
                 i18n_get(app->i18n, lang, "fee.free"));
    else
        taka(lang, f.official, out->value[APP_FEE_OFFICIAL], sizeof out->value[0]);
    taka(lang, f.charge, out->value[APP_FEE_CHARGE], sizeof out->value[0]);
    char total[64];
    taka(lang, f.total, total, sizeof total);
    if (f.official_known) {
        snprintf(out->value[APP_FEE_TOTAL], sizeof out->value[0], "%s", total);
    } else {
        /* Never a total that looks complete when the official fee is not known. */
        const char *args[] = {total};
        i18n_format(i18n_get(app->i18n, lang, "fee.total_plus"), args, 1, out->value[APP_FEE_TOTAL],
                    sizeof out->value[0]);
    }
}
