/* app/print.c - composing, encoding and printing the citizen's receipt. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "app/print.h"

#include "app/centre.h"
#include "app/fees.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/mask.h"
#include "receipt/receipt.h"
#include "store/journal.h"
#include "text/locale.h"

/* Strings that live as long as one composition. */
typedef struct {
    char token[32], when[320], priority[160], ahead[200];
    app_fees_t fees;
    char values[RECEIPT_MAX_ITEMS][TEXT_EDIT_CAP];
} texts_t;

/* What a receipt is printed from: a session (just confirmed) or one rebuilt from the journal
 * (a reprint), in the language the citizen used. */
typedef struct {
    const session_t *s;
    lang_t lang;
} source_t;

static void identifiers(const source_t *src, const catalog_service_t *svc, receipt_request_t *rq,
                        texts_t *t)
{
    for (int i = 0; i < svc->field_count && rq->item_count < RECEIPT_MAX_ITEMS; i++) {
        const catalog_field_t *f = &svc->fields[i];
        char *out = t->values[rq->item_count];
        /* The rule the unsealed export follows too (catalog/mask.h): the applicant's name, and
         * only the last digits of an ID, so a receipt left on the counter gives none away. */
        int rule = mask_rule(svc, i);
        if (!mask_apply(rule, src->s->value[i], out, TEXT_EDIT_CAP))
            continue;
        char shown[TEXT_EDIT_CAP];
        if (rule != MASK_CLEAR && locale_digits(src->lang, out, shown, sizeof shown) >= 0)
            snprintf(out, TEXT_EDIT_CAP, "%s", shown);
        rq->labels[rq->item_count] = f->label.s[src->lang];
        rq->values[rq->item_count++] = out;
    }
}

static void fill(app_t *app, const source_t *src, receipt_request_t *rq, texts_t *t)
{
    const session_t *s = src->s;
    const catalog_service_t *svc = &app->catalog->services[s->service];
    lang_t l = src->lang, o = l == LANG_BN ? LANG_EN : LANG_BN;
    memset(rq, 0, sizeof *rq);
    rq->centre[0] = app->cfg->centre_name[l];
    rq->centre[1] = app->cfg->centre_name[o];
    rq->service[0] = svc->name.s[l];
    rq->service[1] = svc->name.s[o];
    rq->token_label = i18n_get(app->i18n, l, "receipt.token");
    locale_digits(l, s->token, t->token, sizeof t->token);
    rq->token = t->token;
    locale_format_when(l, s->confirmed_at, t->when, sizeof t->when);
    rq->when = t->when;
    if (app_priority_text(app, l, s, t->priority, sizeof t->priority) > 0)
        rq->priority = t->priority;
    if (s->ahead >= 0 && app_ahead_text(app, l, s, t->ahead, sizeof t->ahead) > 0)
        rq->ahead = t->ahead;
    app_fees(app, s->service, l, &t->fees);
    for (int i = 0; i < APP_FEE_LINES && i < RECEIPT_FEE_LINES; i++) {
        rq->fee_labels[i] = t->fees.label[i];
        rq->fees[i] = t->fees.value[i];
    }
    rq->fee_count = APP_FEE_LINES;
    identifiers(src, svc, rq, t);
    rq->documents_label = i18n_get(app->i18n, l, "receipt.documents");
    for (int i = 0; i < svc->document_count && i < RECEIPT_MAX_ITEMS; i++)
        rq->documents[rq->document_count++] = svc->documents[i].s[l];
    rq->tracking_label = i18n_get(app->i18n, l, "receipt.tracking");
    rq->tracking = s->tracking;
    rq->qr_payload = s->qr_payload;
    rq->instruction = i18n_get(app->i18n, l, "receipt.instruction");
}

/* Native QR module size so the code takes about three quarters of the paper. */
static int native_module(const char *payload, int width_dots)
{
    QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    int mod = q ? width_dots * 3 / 4 / (q->width + 8) : 4;
    QRcode_free(q);
    return mod < 1 ? 1 : (mod > 16 ? 16 : mod);
}

static int encode(app_t *app, const source_t *src, escpos_buf_t *out)
{
    const printer_profile_t *pp = app->paper;
    receipt_request_t rq;
    /* Large, so on the heap (not on a small stack, and not in a static: no state outlives
     * the call). Printing is not the frame loop, so one allocation here costs nothing. */
    texts_t *t = calloc(1, sizeof *t);
    receipt_t r;
    if (!t)
        return -1;
    fill(app, src, &rq, t);
    int rc = receipt_compose_request(app->fonts, &rq, pp->width_dots, pp->native_qr, &r);
    explicit_bzero(t, sizeof *t); /* masked, but still the citizen's */
    free(t);
    if (rc < 0)
        return -1;
    escpos_init(out);
    escpos_raster(out, &r.top, pp->max_band_rows);
    if (r.native_qr) {
        escpos_qr_native(out, rq.qr_payload, native_module(rq.qr_payload, pp->width_dots), 'M');
        escpos_raster(out, &r.bottom, pp->max_band_rows);
    }
    /* With a cutter: feed past the blade and cut; without: feed to the tear bar. */
    if (pp->cutter)
        escpos_cut(out, 4, true);
    else
        escpos_feed_dots(out, 96);
    receipt_free(&r);
    return out->failed ? -1 : 0;
}

int app_print_encode(app_t *app, escpos_buf_t *out)
{
    source_t src = {&app->s, app->lang};
    return encode(app, &src, out);
}

/* A session rebuilt from the journal: what the receipt needs, nothing more. */
static int rebuild(app_t *app, const journal_request_row_t *row, session_t *s)
{
    memset(s, 0, sizeof *s);
    s->service = catalog_find_service(app->catalog, row->s.service);
    if (s->service < 0)
        return -1; /* the catalog changed since: the service is gone */
    const catalog_service_t *svc = &app->catalog->services[s->service];
    for (int i = 0; i < svc->field_count; i++)
        for (int k = 0; k < row->field_count; k++)
            if (strcmp(svc->fields[i].id, row->field_ids[k]) == 0)
                snprintf(s->value[i], sizeof s->value[i], "%s", row->values[k]);
    snprintf(s->token, sizeof s->token, "%s", row->s.token);
    snprintf(s->tracking, sizeof s->tracking, "%s", row->s.tracking);
    s->confirmed_at = row->s.created;
    s->request_id = row->s.id;
    s->ahead = -1; /* a reprint is later: the place in the queue then is not known now */
    for (int i = 1; i < APP_PRIORITIES; i++)
        if (strcmp(row->priority, app_priority_codes[i]) == 0)
            s->priority = i;
    app_qr_payload(app, s);
    return 0;
}

/* Start printing a request's receipt from the journal (a reprint, or one that waited for
 * the printer), in the language it was made in. False when it cannot start. */
static bool start_request(app_t *app, int64_t request_id)
{
    /* Both are large: on the heap for the length of the call, then wiped. */
    struct {
        journal_request_row_t row;
        session_t s;
    } *w = calloc(1, sizeof *w);
    if (!w)
        return false;
    escpos_buf_t b = {0};
    bool started = false;
    if (app->journal && journal_get(app->journal, request_id, &w->row) == 0 &&
        rebuild(app, &w->row, &w->s) == 0) {
        int l = lang_from_code(w->row.lang);
        source_t src = {&w->s, l < 0 ? LANG_BN : (lang_t)l};
        started =
            encode(app, &src, &b) == 0 && printjob_start(app->job, app->printer, app->paper,
                                                         w->s.tracking, request_id, b.data, b.len);
    }
    escpos_buf_free(&b);
    explicit_bzero(w, sizeof *w); /* it held a citizen's entries */
    free(w);
    return started;
}

printer_result_t app_print_again(app_t *app, int64_t request_id)
{
    if (!app->printer || !app->job)
        return PRINTER_NOT_FOUND;
    return start_request(app, request_id) ? PRINTER_OK : PRINTER_IO;
}

static void record(app_t *app, int64_t id, const char *status, const char *detail)
{
    char err[256];
    if (app->journal && journal_record_print(app->journal, id, status, detail, app_unix_now(app),
                                             err, sizeof err) < 0)
        fprintf(stderr, "kiosk: %s\n", err);
}

/* The printer is busy with an earlier receipt: this one waits its turn, and the journal says
 * so at once (a request is never left "pending" with no reason). */
static void enqueue(app_t *app, int64_t id)
{
    session_t *s = &app->s;
    char detail[96];
    for (int i = 0; i < app->print_queued; i++)
        if (app->print_queue[i] == id) {
            s->receipt = RECEIPT_QUEUED;
            return;
        }
    if (app->print_queued == APP_PRINT_QUEUE) {
        snprintf(detail, sizeof detail, "the printer is stuck: %d receipts already wait for it",
                 APP_PRINT_QUEUE);
        record(app, id, printer_result_name(PRINTER_TIMEOUT), detail);
        fprintf(stderr, "kiosk: receipt of request %lld: %s\n", (long long)id, detail);
        s->receipt = RECEIPT_FAILED;
        s->print_result = PRINTER_TIMEOUT;
        return;
    }
    app->print_queue[app->print_queued++] = id;
    snprintf(detail, sizeof detail, "waiting for the printer: %d receipt%s ahead",
             app->print_queued, app->print_queued > 1 ? "s" : "");
    record(app, id, "queued", detail);
    fprintf(stderr, "kiosk: receipt of request %lld queued, %s\n", (long long)id, detail);
    s->receipt = RECEIPT_QUEUED;
}

/* Once the printer is free, start the oldest waiting receipt. True when the citizen on the
 * done screen sees a change. */
static bool pump(app_t *app)
{
    bool changed = false;
    while (app->print_queued > 0 && !printjob_busy(app->job)) {
        int64_t id = app->print_queue[0];
        app->print_queued--;
        memmove(app->print_queue, app->print_queue + 1,
                (size_t)app->print_queued * sizeof app->print_queue[0]);
        bool started = start_request(app, id);
        if (!started)
            record(app, id, printer_result_name(PRINTER_IO),
                   "the waiting receipt could not be composed from the journal");
        if (app->screen == SCREEN_DONE && app->s.request_id == id) {
            app->s.receipt = started ? RECEIPT_PRINTING : RECEIPT_FAILED;
            app->s.print_result = started ? PRINTER_OK : PRINTER_IO;
            changed = true;
        }
    }
    if (changed)
        app_changed(app);
    return changed;
}

void app_print_start(app_t *app)
{
    if (!app->printer || !app->paper || !app->job) {
        app->s.receipt = RECEIPT_NONE;
        /* Said in the journal, so that no request waits "pending" for a printer that is not
         * there (a restart would have to call it unknown). */
        record(app, app->s.request_id, printer_result_name(PRINTER_NOT_FOUND),
               "no printer is configured");
        return;
    }
    if (printjob_busy(app->job) || app->print_queued > 0) {
        enqueue(app, app->s.request_id);
        pump(app); /* the printer may be free already (its last end not yet collected) */
        app_changed(app);
        return;
    }
    escpos_buf_t b = {0};
    if (app_print_encode(app, &b) == 0 &&
        printjob_start(app->job, app->printer, app->paper, app->s.tracking, app->s.request_id,
                       b.data, b.len)) {
        app->s.receipt = RECEIPT_PRINTING;
    } else {
        app->s.receipt = RECEIPT_FAILED;
        app->s.print_result = PRINTER_IO;
    }
    escpos_buf_free(&b);
    app_changed(app);
}

/* How a job the technician started ended, on the page they are looking at. */
static void tech_report(app_t *app, printer_result_t r, const char *detail)
{
    snprintf(app->tech.message, sizeof app->tech.message, "%s%s%s", printer_result_name(r),
             detail[0] ? ": " : "", detail);
    app->tech.message_error = r != PRINTER_OK;
    app_changed(app);
}

/* Collect a finished job: record it in the journal and update the session. */
static bool collect(app_t *app)
{
    printer_result_t r;
    int64_t id;
    char detail[800];
    if (printjob_poll(app->job, &r, detail, sizeof detail, &id) != JOB_DONE)
        return false;
    app->printed_any = true;
    app->last_print = r;
    if (id <= 0) { /* the technician's test page or status question: no request to record */
        tech_report(app, r, detail);
        return true;
    }
    if (id == app->tech.reprinting) {
        tech_report(app, r, detail);
        app->tech.reprinting = 0;
    }
    record(app, id, printer_result_name(r), detail);
    if (r != PRINTER_OK) /* request ids only: nothing the citizen typed goes to the log */
        fprintf(stderr, "kiosk: receipt of request %lld: %s: %s\n", (long long)id,
                printer_result_name(r), detail);
    /* The citizen may have left already (wiped session): then only the journal hears. */
    if (app->screen == SCREEN_DONE && app->s.request_id == id) {
        app->s.receipt = r == PRINTER_OK        ? RECEIPT_PRINTED
                         : r == PRINTER_UNKNOWN ? RECEIPT_UNKNOWN
                                                : RECEIPT_FAILED;
        app->s.print_result = r;
        app_changed(app);
    }
    return true;
}

bool app_print_poll(app_t *app)
{
    if (!app->job)
        return false;
    bool collected = collect(app);
    return pump(app) || collected;
}

int app_print_test_encode(fonts_t *fonts, const printer_profile_t *paper, escpos_buf_t *b)
{
    char lines[512];
    snprintf(lines, sizeof lines,
             "Profile: %s\nWidth: %d dots at %d dpi\nCutter: %s\nNative QR: %s\n"
             "Raster bands: up to %d rows",
             paper->name, paper->width_dots, paper->dpi, paper->cutter ? "yes" : "no",
             paper->native_qr ? "yes" : "no (raster)", paper->max_band_rows);
    bitmap_t page;
    if (receipt_compose_test(fonts, paper->width_dots, lines, &page) < 0)
        return -1;
    escpos_init(b);
    escpos_raster(b, &page, paper->max_band_rows);
    if (paper->cutter)
        escpos_cut(b, 4, true);
    else
        escpos_feed_dots(b, 96);
    bitmap_free(&page);
    return b->failed ? -1 : 0;
}

printer_result_t app_print_test_page(fonts_t *fonts, const printer_spec_t *spec,
                                     const printer_profile_t *paper, char *detail, size_t cap)
{
    escpos_buf_t b = {0};
    printer_result_t r = PRINTER_IO;
    if (app_print_test_encode(fonts, paper, &b) < 0)
        snprintf(detail, cap, "cannot compose the test page");
    else
        r = printer_print(spec, paper, "test-page", b.data, b.len, PRINTER_JOB_TIMEOUT_MS, detail,
                          cap);
    escpos_buf_free(&b);
    return r;
}
