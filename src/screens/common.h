/*
 * screens/common.h - what the screens share: spacing, how values and fees read back to the
 * citizen, and routing a pressed id to its handler by a table.
 */
#ifndef SCREENS_COMMON_H
#define SCREENS_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "app/state.h"
#include "screens/view.h"
#include "ui/ui.h"

/* Standard spacing in design millimetres. */
#define PAD_MM 3.0f

/* One entry of a press table: an exact id ("next"), or a prefix ending in ':' ("svc:") whose
 * handler gets the rest of the id ("birth_reg"). */
typedef struct {
    const char *id;
    bool (*handler)(view_t *v, app_t *app, const char *arg);
} screens_route_t;

/* Call the handler of the first entry that matches id. False when none does or it refused. */
bool screens_route(const screens_route_t *routes, size_t n, view_t *v, app_t *app, const char *id);

/* A value as the citizen should read it back (localized digits, dates, option labels). */
void screens_display_value(const app_t *app, const catalog_field_t *f, const char *value, char *out,
                           size_t cap);

/* The focused field's error as the form shows it (its limits in the session's digits). */
void screens_field_error(const app_t *app, const catalog_field_t *f, char *out, size_t cap);

/* The official fee, the centre's charge and the total of a service, one per line, label on
 * the left and amount on the right (the total bold, under a rule), from y in a column w wide;
 * returns the height. */
int screens_fee_table(const app_t *app, ui_t *ui, int service, int x, int y, int w);

/* The same from line first on (APP_FEE_TOTAL: the total alone, where large text leaves no room
 * for the rest). */
int screens_fee_lines(const app_t *app, ui_t *ui, int service, int first, int x, int y, int w);
int screens_fee_lines_height(const app_t *app, ui_t *ui, int service, int first, int w);

/* A service's processing time as shown and said ("the same day", "3 days"). */
void screens_days_text(const app_t *app, int days, char *out, size_t cap);

/* A fee as shown: "৳ ৫০", or "free" in the session's language. */
void screens_format_fee(const app_t *app, long long fee, char *out, size_t cap);

#endif
