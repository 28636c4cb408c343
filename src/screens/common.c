/* screens/common.c - value display and press routing shared by the screens. */
#include "screens/common.h"

#include <stdio.h>
#include <string.h>

#include "app/fees.h"
#include "text/i18n.h"
#include "text/locale.h"
#include "ui/widgets.h"

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

void screens_field_error(const app_t *app, const catalog_field_t *f, char *out, size_t cap)
{
    char a[32], b[32], la[48], lb[48];
    snprintf(a, sizeof a, "%lld", f->type == FIELD_TEXT ? (long long)f->max_len : f->min);
    snprintf(b, sizeof b, "%lld", f->max);
    locale_digits(app->lang, a, la, sizeof la);
    locale_digits(app->lang, b, lb, sizeof lb);
    const char *args[] = {la, lb};
    i18n_format(app_tr(app, validate_msgid(app->s.error)), args, 2, out, cap);
}

/* One fee line's boxes: the label takes a third (two fifths in large text), the amount the
 * rest (a total may say "৳ ২০ + সরকারি ফি"). */
static void fee_boxes(ui_t *ui, int w, bool total, text_box_t *label, text_box_t *value, int *lw)
{
    *lw = ui->text_scale > 1.0f ? w * 2 / 5 : w / 3;
    *label = widget_box(ui, SIZE_BODY, total, *lw, 2);
    *value = widget_box(ui, total ? SIZE_LABEL : SIZE_BODY, total, w - *lw - ui_mm(ui, 1.0f), 2);
}

int screens_fee_table(const app_t *app, ui_t *ui, int service, int x, int y, int w)
{
    return screens_fee_lines(app, ui, service, APP_FEE_OFFICIAL, x, y, w);
}

static int layout_h(ui_t *ui, const char *text, const text_box_t *box)
{
    const text_layout_t *l = ui_layout(ui, text, box);
    return l ? l->h : 0;
}

/* The fee lines measured, and drawn too when draw is set: one loop, so that the room the
 * review keeps for them is the room they take. */
static int fee_lines(const app_t *app, ui_t *ui, int service, int first, int x, int y, int w,
                     bool draw)
{
    static const char *const ids[APP_FEE_LINES] = {"fee:official", "fee:charge", "fee:total"};
    app_fees_t f;
    app_fees(app, service, app->lang, &f);
    int y0 = y, gap = ui_mm(ui, 1.0f);
    for (int i = first; i < APP_FEE_LINES; i++) {
        bool total = i == APP_FEE_TOTAL;
        text_box_t lb, vb;
        int lw, lh, vh;
        fee_boxes(ui, w, total, &lb, &vb, &lw);
        if (total) {
            if (draw)
                ui_rect(ui, (ui_rect_t){x, y, w, ui_mm(ui, 0.3f) > 0 ? ui_mm(ui, 0.3f) : 1},
                        COLOR_LINE, 0);
            y += gap;
        }
        if (draw) {
            lh = ui_text(ui, (ui_rect_t){x, y, lw, 0}, f.label[i], &lb,
                         total ? COLOR_TEXT : COLOR_MUTED, TEXT_ALIGN_LEFT, UI_VALIGN_TOP);
            vh = ui_text(ui, (ui_rect_t){x + lw + gap, y, w - lw - gap, 0}, f.value[i], &vb,
                         COLOR_TEXT, TEXT_ALIGN_RIGHT, UI_VALIGN_TOP);
        } else {
            lh = layout_h(ui, f.label[i], &lb);
            vh = layout_h(ui, f.value[i], &vb);
        }
        int h = lh > vh ? lh : vh;
        if (draw)
            ui_mark(ui, ids[i], (ui_rect_t){x, y, w, h});
        y += h + gap;
    }
    return y - y0;
}

int screens_fee_lines_height(const app_t *app, ui_t *ui, int service, int first, int w)
{
    return fee_lines(app, ui, service, first, 0, 0, w, false);
}

int screens_fee_lines(const app_t *app, ui_t *ui, int service, int first, int x, int y, int w)
{
    return fee_lines(app, ui, service, first, x, y, w, true);
}

/* "আনুমানিক ৩ দিন", "the same day": a processing time in the session's language and digits. */
void screens_days_text(const app_t *app, int days, char *out, size_t cap)
{
    char ascii[16], num[48];
    snprintf(ascii, sizeof ascii, "%d", days);
    if (locale_digits(app->lang, ascii, num, sizeof num) < 0)
        snprintf(num, sizeof num, "%s", ascii);
    const char *args[] = {num};
    i18n_format(app_tr(app, days == 0   ? N_("service.same_day")
                            : days == 1 ? N_("service.one_day")
                                        : N_("service.days")),
                args, 1, out, cap);
}

/* "৳ ৫০", "বিনামূল্যে", or "প্রকাশিত নয়" where the catalog publishes no official fee. */
void screens_format_fee(const app_t *app, long long fee, char *out, size_t cap)
{
    if (fee == CATALOG_FEE_UNPUBLISHED)
        snprintf(out, cap, "%s", app_tr(app, "fee.unpublished"));
    else if (fee == 0 || locale_format_taka(app->lang, fee, out, cap) < 0)
        snprintf(out, cap, "%s", app_tr(app, "fee.free"));
}
