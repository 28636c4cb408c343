/* screens/common.c - value display and press routing shared by the screens. */
#include "screens/common.h"

#include <stdio.h>
#include <string.h>

#include "text/locale.h"

bool screens_route(const screens_route_t *routes, size_t n, view_t *v, app_t *app, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(routes[i].id);
        bool prefix = len > 0 && routes[i].id[len - 1] == ':';
        if (prefix ? strncmp(id, routes[i].id, len) == 0 : strcmp(id, routes[i].id) == 0)
            return routes[i].handler(v, app, prefix ? id + len : "");
    }
    return false;
}

static void display_date(const app_t *app, const char *iso, char *out, size_t cap)
{
    int y, m, d;
    if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3) {
        snprintf(out, cap, "%s", iso);
        return;
    }
    locale_tm_t tm = {.year = y, .month = m, .day = d};
    if (locale_format_date(app->lang, &tm, out, cap) < 0)
        snprintf(out, cap, "%s", iso);
}

void screens_display_value(const app_t *app, const catalog_field_t *f, const char *value, char *out,
                           size_t cap)
{
    if (!value[0]) {
        snprintf(out, cap, "%s", app_tr(app, "review.empty"));
        return;
    }
    switch (f->type) {
    case FIELD_TEXT:
        snprintf(out, cap, "%s", value);
        return;
    case FIELD_DATE:
        display_date(app, value, out, cap);
        return;
    case FIELD_CHOICE:
        for (int i = 0; i < f->option_count; i++)
            if (strcmp(f->options[i].value, value) == 0) {
                snprintf(out, cap, "%s", f->options[i].label.s[app->lang]);
                return;
            }
        snprintf(out, cap, "%s", value);
        return;
    default:
        if (locale_digits(app->lang, value, out, cap) < 0)
            snprintf(out, cap, "%s", value);
        return;
    }
}

/* "৳ ৫০" or "বিনামূল্যে". */
void screens_format_fee(const app_t *app, long long fee, char *out, size_t cap)
{
    if (fee == 0 || locale_format_taka(app->lang, fee, out, cap) < 0)
        snprintf(out, cap, "%s", app_tr(app, "fee.free"));
}
