/* screens/screens.c - the screen table, navigation and value display shared by screens. */
#include "screens/screens.h"

#include <stdio.h>
#include <string.h>

#include "text/locale.h"

typedef struct {
    void (*build)(app_t *app, ui_t *ui);
    bool (*press)(app_t *app, const char *id);
} screen_ops_t;

static const screen_ops_t ops[SCREEN_COUNT] = {
    [SCREEN_WELCOME] = {screen_welcome_build, screen_welcome_press},
    [SCREEN_CATEGORIES] = {screen_categories_build, screen_categories_press},
    [SCREEN_SERVICES] = {screen_services_build, screen_services_press},
    [SCREEN_SERVICE] = {screen_service_build, screen_service_press},
    [SCREEN_FORM] = {screen_form_build, screen_form_press},
    [SCREEN_REVIEW] = {screen_review_build, screen_review_press},
    [SCREEN_DONE] = {screen_done_build, screen_done_press},
    [SCREEN_TECH_PIN] = {screen_tech_pin_build, screen_tech_pin_press},
    [SCREEN_TECH] = {screen_tech_build, screen_tech_press},
};

void screens_build(app_t *app)
{
    ui_t *ui = app->ui;
    ui_mark(ui, app_screen_id(app->screen), (ui_rect_t){0, 0, ui->w, ui->h});
    ops[app->screen].build(app, ui);
    if (app->dialog != DIALOG_NONE)
        chrome_dialog(app, ui);
}

bool screens_press(app_t *app, const char *id)
{
    return ops[app->screen].press(app, id);
}

void screens_go(app_t *app, screen_t to)
{
    app->screen = to;
    app->s.scroll = 0;
    app->pressing = false;
    app->press_id[0] = '\0';
    app->dirty = true;
}

void screens_type_text(app_t *app, const char *text)
{
    if (app->screen == SCREEN_FORM && app->dialog == DIALOG_NONE)
        screen_form_type(app, text);
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
