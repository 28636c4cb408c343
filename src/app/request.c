/* app/request.c - the main transaction: commit first, then show the token, then print. */
#include "app/request.h"

#include <stdio.h>

#include "app/centre.h"
#include "app/print.h"
#include "app/search.h"

void app_confirm(app_t *app)
{
    session_t *s = &app->s;
    const catalog_service_t *svc = app_service(app);
    journal_request_t req = {
        .centre_id = app->cfg->centre_id,
        .terminal_id = app->cfg->terminal_id,
        .service_id = svc->id,
        .prefix = app->catalog->categories[svc->category].prefix,
        .lang = app->lang,
        .now = app_unix_now(app),
        .token_band = app->cfg->token_band[0],
        .field_count = svc->field_count,
        .priority = app_priority_codes[s->priority],
    };
    for (int i = 0; i < svc->field_count; i++) {
        req.field_ids[i] = svc->fields[i].id;
        req.values[i] = s->value[i];
    }
    journal_receipt_t rec;
    char err[256];
    app_changed(app);
    if (app->band_refused) {
        /* Kept on screen with everything typed, as for any refusal: staff can help. */
        fprintf(stderr, "kiosk: not confirmed: the register refused this terminal's token band\n");
        snprintf(app->error_msgid, sizeof app->error_msgid, N_("error.band"));
        app->dialog = DIALOG_ERROR;
        return;
    }
    if (!app->journal || journal_commit(app->journal, &req, &rec, err, sizeof err) < 0) {
        /* Kept on screen with everything typed; the citizen can try again or ask staff. */
        fprintf(stderr, "kiosk: %s\n", app->journal ? err : "journal: not open");
        snprintf(app->error_msgid, sizeof app->error_msgid, N_("error.journal"));
        app->dialog = DIALOG_ERROR;
        return;
    }
    snprintf(s->token, sizeof s->token, "%s", rec.token);
    snprintf(s->tracking, sizeof s->tracking, "%s", rec.tracking);
    app_qr_payload(app, s);
    s->confirmed_at = req.now;
    s->request_id = rec.id;
    /* The place in the queue as the board saw it a moment ago (our token is not in it yet). */
    app_queue_ahead(app, req.prefix, s->priority > 0, &s->ahead, &s->ahead_minutes);
    /* Ids only, never what the citizen typed: logs leave the kiosk for support. */
    char prio[48] = "", ahead[64] = "";
    if (s->priority > 0)
        snprintf(prio, sizeof prio, " priority %s", req.priority);
    if (s->ahead >= 0)
        snprintf(ahead, sizeof ahead, " (%d ahead, about %d min)", s->ahead, s->ahead_minutes);
    fprintf(stderr, "kiosk: confirmed request %s token %s%s%s\n", rec.tracking, rec.token, prio,
            ahead);     /* one write: a crash never leaves half a line */
    app_load_uses(app); /* the shortcuts follow what this terminal issues */
    app_go(app, SCREEN_DONE);
    app_print_start(app); /* kept in the journal first: a failed print loses nothing */
}

void app_print_retry(app_t *app)
{
    if (app->screen == SCREEN_DONE &&
        (app->s.receipt == RECEIPT_FAILED || app->s.receipt == RECEIPT_UNKNOWN))
        app_print_start(app);
    app_changed(app);
}

void app_finish(app_t *app)
{
    app_wipe(app);
}

void app_another(app_t *app)
{
    lang_t lang = app->lang;
    app_wipe(app);
    app->lang = lang;
    app_go(app, SCREEN_CATEGORIES);
}
