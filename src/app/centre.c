/* app/centre.c - priority and the place in the centre's queue. */
#include "app/centre.h"

#include <stdio.h>
#include <string.h>

#include "text/locale.h"

const char *const app_priority_codes[APP_PRIORITIES] = {NULL, "elderly", "disability", "pregnancy",
                                                        "child"};

bool app_choose_priority(app_t *app, const char *code)
{
    int k = 0;
    for (int i = 1; i < APP_PRIORITIES && code && code[0]; i++)
        if (strcmp(code, app_priority_codes[i]) == 0)
            k = i;
    if (code && code[0] && k == 0)
        return false;
    app->s.priority = app->s.priority == k ? 0 : k; /* a second touch takes it back */
    app_changed(app);
    return true;
}

const char *app_priority_msgid(int priority)
{
    static const char *const ids[APP_PRIORITIES] = {NULL, N_("priority.elderly"),
                                                    N_("priority.disability"),
                                                    N_("priority.pregnancy"), N_("priority.child")};
    return priority > 0 && priority < APP_PRIORITIES ? ids[priority] : N_("priority.none");
}

int app_ahead_text(const app_t *app, lang_t lang, const session_t *s, char *out, size_t cap)
{
    char n[16], m[16], ln[32], lm[32];
    out[0] = '\0';
    if (s->ahead < 0)
        return 0;
    snprintf(n, sizeof n, "%d", s->ahead);
    snprintf(m, sizeof m, "%d", s->ahead_minutes);
    locale_digits(lang, n, ln, sizeof ln);
    locale_digits(lang, m, lm, sizeof lm);
    const char *args[] = {ln, lm};
    const char *fmt = s->ahead == 0           ? N_("queue.next")
                      : s->ahead_minutes >= 0 ? N_("queue.ahead_minutes")
                                              : N_("queue.ahead");
    i18n_format(i18n_get(app->i18n, lang, fmt), args, 2, out, cap);
    return (int)strlen(out);
}

void app_set_centre(app_t *app, const sync_board_t *board, bool fresh)
{
    fresh = fresh && (board || app->centre.at[0]); /* fresh means: something was heard */
    if (!board && fresh == app->centre_fresh)
        return; /* nothing shown changes: keep the view asleep */
    if (board)
        app->centre = *board;
    app->centre_fresh = fresh;
    if (app->screen == SCREEN_TECH)
        app_changed(app); /* the technician's figures */
}

int app_priority_text(const app_t *app, lang_t lang, const session_t *s, char *out, size_t cap)
{
    out[0] = '\0';
    if (s->priority <= 0)
        return 0;
    const char *args[] = {i18n_get(app->i18n, lang, app_priority_msgid(s->priority))};
    i18n_format(i18n_get(app->i18n, lang, N_("receipt.priority")), args, 1, out, cap);
    return (int)strlen(out);
}

bool app_queue_ahead(const app_t *app, char cat, bool priority, int *ahead, int *minutes)
{
    *ahead = *minutes = -1;
    if (!app->centre_fresh)
        return false;
    const sync_board_cat_t *c = NULL;
    for (int i = 0; i < app->centre.n_cats; i++)
        if (app->centre.cats[i].category[0] == cat && app->centre.cats[i].category[1] == '\0')
            c = &app->centre.cats[i];
    int p = c ? c->priority : 0, r = c ? c->waiting - p : 0;
    if (r < 0)
        r = 0;
    /* Calls go P R R P R R... while both wait. A priority token is preceded by the priority
     * tokens before it and at most two regular ones each (one more when a priority call is
     * not due yet); a regular token by the regular ones before it and a priority call every
     * two of them. New priority tokens may still come in between: it is "about". */
    *ahead =
        priority ? p + (r < 2 * p + 1 ? r : 2 * p + 1) : r + (p < (r + 2) / 2 ? p : (r + 2) / 2);
    int per = c ? c->service_s : -1, open = app->centre.serving;
    if (*ahead == 0)
        *minutes = 0;
    else if (per >= 0 && open > 0) {
        long m = ((long)*ahead * per + open * 60L - 1) / (open * 60L);
        *minutes = m < 1 ? 1 : (int)m; /* someone ahead is never "0 minutes" */
    }
    return true;
}
