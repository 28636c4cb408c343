/* app/search.c - the search field, its results, and the most-used shortcuts. */
#include "app/search.h"

#include <assert.h>
#include <string.h>

#include "store/journal_usage.h"

#define QUERY_MAX_CPS 40          /* a name, not a sentence */
#define USES_DAYS     90          /* what "most used" looks back on */
#define DAY_SECONDS   (24 * 3600) /* Asia/Dhaka has no daylight saving */

void app_load_uses(app_t *app)
{
    memset(app->uses, 0, sizeof app->uses);
    if (app->journal)
        journal_service_uses(app->journal, app->catalog,
                             app_unix_now(app) - (int64_t)USES_DAYS * DAY_SECONDS, app->uses);
    app->shortcut_count = catalog_most_used(app->catalog, app->uses, app->shortcuts, APP_SHORTCUTS);
}

static void refresh(app_t *app)
{
    session_t *s = &app->s;
    s->hit_count = s->query.len ? catalog_search(app->catalog, s->query.buf, app->uses, s->hits,
                                                 APP_SEARCH_HITS)
                                : 0;
    app_changed(app);
}

void app_search_open(app_t *app)
{
    session_t *s = &app->s;
    text_edit_init(&s->query, QUERY_MAX_CPS);
    s->text_script = app->lang;
    s->kb_page = 0;
    s->hit_count = 0;
    app_go(app, SCREEN_SEARCH);
}

static bool is_hit(const app_t *app, int service)
{
    for (int i = 0; i < app->s.hit_count; i++)
        if (app->s.hits[i].service == service)
            return true;
    return false;
}

/* The service screen, remembering where the choice was made. */
static void open_service(app_t *app, int service, screen_t from)
{
    assert(service >= 0 && service < app->catalog->service_count);
    app->s.category = app->catalog->services[service].category;
    app->s.service = service;
    app->s.service_from = from;
    app_go(app, SCREEN_SERVICE);
}

bool app_search_key(app_t *app, const char *key)
{
    session_t *s = &app->s;
    text_edit_t *q = &s->query;
    if (app->screen != SCREEN_SEARCH)
        return false;
    if (strcmp(key, "done") == 0) {
        if (s->hit_count > 0)
            open_service(app, s->hits[0].service, SCREEN_SEARCH);
        return true;
    }
    if (strcmp(key, "backspace") == 0)
        text_edit_backspace(q);
    else if (strcmp(key, "left") == 0)
        text_edit_left(q);
    else if (strcmp(key, "right") == 0)
        text_edit_right(q);
    else if (strcmp(key, "shift") == 0)
        s->kb_page = s->kb_page ? 0 : 1;
    else if (strcmp(key, "space") == 0)
        text_edit_insert(q, " ");
    else {
        text_edit_insert(q, key);
        s->kb_page = 0;
    }
    refresh(app);
    return true;
}

void app_search_script(app_t *app, lang_t script)
{
    assert((unsigned)script < LANG_COUNT);
    app->s.text_script = script;
    app->s.kb_page = 0;
    app_changed(app);
}

void app_search_type(app_t *app, const char *text)
{
    if (app->screen == SCREEN_SEARCH && text_edit_insert(&app->s.query, text))
        refresh(app);
}

bool app_search_choose(app_t *app, int service)
{
    if (app->screen != SCREEN_SEARCH || !is_hit(app, service))
        return false;
    open_service(app, service, SCREEN_SEARCH);
    return true;
}

bool app_search_category(app_t *app, int category)
{
    if (app->screen != SCREEN_SEARCH || category < 0 || category >= app->catalog->category_count)
        return false;
    app->s.category = category;
    app_go(app, SCREEN_SERVICES);
    return true;
}

bool app_choose_shortcut(app_t *app, int service)
{
    if (app->screen != SCREEN_CATEGORIES)
        return false;
    for (int i = 0; i < app->shortcut_count; i++)
        if (app->shortcuts[i] == service) {
            open_service(app, service, SCREEN_CATEGORIES);
            return true;
        }
    return false;
}
