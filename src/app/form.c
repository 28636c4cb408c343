/* app/form.c - typing, choosing and validating the form's fields. */
#include "app/form.h"

#include <assert.h>
#include <string.h>

#include "text/locale.h"

/* Longest input per type, in code points: room for spaces people put between groups. */
static size_t field_max_cps(const catalog_field_t *f)
{
    switch (f->type) {
    case FIELD_TEXT:
        return (size_t)f->max_len + 8; /* extra spaces are squeezed later */
    case FIELD_NID:
    case FIELD_BRN:
        return 22;
    case FIELD_MOBILE:
        return 16;
    case FIELD_DATE:
        return 10;
    case FIELD_NUMBER:
        return 12;
    default:
        return CATALOG_ID_MAX;
    }
}

const catalog_field_t *app_form_field(const app_t *app)
{
    const catalog_service_t *svc = app_service(app);
    assert(app->s.field >= 0 && app->s.field < svc->field_count);
    return &svc->fields[app->s.field];
}

static text_edit_t *focused(app_t *app)
{
    return &app->s.input[app->s.field];
}

void app_form_enter(app_t *app, int field)
{
    session_t *s = &app->s;
    const catalog_service_t *svc = app_service(app);
    assert(field >= 0 && field < svc->field_count);
    if (s->form_service != s->service) {
        /* Another service than the one typed for: its answers do not belong here. */
        for (int i = 0; i < CATALOG_MAX_FIELDS; i++) {
            text_edit_init(&s->input[i], i < svc->field_count ? field_max_cps(&svc->fields[i]) : 0);
            memset(s->value[i], 0, sizeof s->value[i]);
        }
        s->form_service = s->service;
        s->text_script = app->lang;
    }
    s->field = field;
    s->error = VALID_OK;
    s->kb_page = 0;
    app_go(app, SCREEN_FORM);
}

bool app_form_key(app_t *app, const char *key)
{
    session_t *s = &app->s;
    text_edit_t *e = focused(app);
    if (app_form_field(app)->type == FIELD_CHOICE)
        return false;
    if (strcmp(key, "backspace") == 0)
        text_edit_backspace(e);
    else if (strcmp(key, "left") == 0)
        text_edit_left(e);
    else if (strcmp(key, "right") == 0)
        text_edit_right(e);
    else if (strcmp(key, "shift") == 0)
        s->kb_page = s->kb_page ? 0 : 1;
    else if (strcmp(key, "done") == 0)
        app_form_next(app);
    else if (strcmp(key, "space") == 0)
        text_edit_insert(e, " ");
    else {
        text_edit_insert(e, key);
        s->kb_page = 0; /* shift applies to one key, as on a phone */
    }
    if (strcmp(key, "done") != 0 && strcmp(key, "shift") != 0)
        s->error = VALID_OK; /* the citizen is fixing it: stop shouting */
    app_changed(app);
    return true;
}

void app_form_script(app_t *app, lang_t script)
{
    assert((unsigned)script < LANG_COUNT);
    app->s.text_script = script;
    app->s.kb_page = 0;
    app_changed(app);
}

bool app_form_choose(app_t *app, const char *value)
{
    if (app_form_field(app)->type != FIELD_CHOICE)
        return false;
    text_edit_set(focused(app), value);
    app->s.error = VALID_OK;
    app_changed(app);
    return true;
}

void app_form_next(app_t *app)
{
    session_t *s = &app->s;
    const catalog_service_t *svc = app_service(app);
    locale_tm_t today;
    locale_dhaka_time(app_unix_now(app), &today);
    s->error = validate_field(&svc->fields[s->field], s->input[s->field].buf, &today,
                              s->value[s->field], sizeof s->value[0]);
    app_changed(app);
    if (s->error != VALID_OK)
        return;
    if (s->field + 1 < svc->field_count && !s->from_review) {
        s->field++;
        s->kb_page = 0;
        return;
    }
    s->from_review = false;
    app_go(app, SCREEN_REVIEW);
}

void app_form_back(app_t *app)
{
    session_t *s = &app->s;
    if (s->from_review) {
        s->from_review = false;
        app_go(app, SCREEN_REVIEW);
    } else if (s->field > 0) {
        s->field--;
        s->error = VALID_OK;
        s->kb_page = 0;
        app_changed(app);
    } else {
        app_go(app, SCREEN_SERVICE);
    }
}

void app_form_set_caret(app_t *app, size_t offset)
{
    if (app_form_field(app)->type != FIELD_CHOICE && text_edit_set_caret(focused(app), offset))
        app_changed(app);
}

void app_form_type(app_t *app, const char *text)
{
    if (app_form_field(app)->type != FIELD_CHOICE && text_edit_insert(focused(app), text)) {
        app->s.error = VALID_OK;
        app_changed(app);
    }
}

void app_form_set_text(app_t *app, const char *text)
{
    text_edit_set(focused(app), text);
    app_changed(app);
}
