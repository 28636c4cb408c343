/*
 * app/print.h - the citizen's receipt: composed from the confirmed request in the session's
 * language, encoded as ESC/POS for the configured paper, and printed in the background.
 * The outcome goes to the journal; a failed receipt can be printed again.
 */
#ifndef APP_PRINT_H
#define APP_PRINT_H

#include "app/state.h"
#include "escpos/escpos.h"

/* The receipt of the session's confirmed request as ESC/POS bytes. 0, or -1. */
int app_print_encode(app_t *app, escpos_buf_t *out);

/* Start printing the session's receipt (after a confirm, or "try again"). */
void app_print_start(app_t *app);

/* Print a request's receipt again from the journal (the technician's reprint), in the
 * language it was made in; the outcome is recorded as for any receipt. PRINTER_OK when the
 * job started. */
printer_result_t app_print_again(app_t *app, int64_t request_id);

/* Collect a finished job: record it in the journal and update the session. Called as time
 * passes (app_advance); true when something changed on screen. */
bool app_print_poll(app_t *app);

/* The technician's test page as ESC/POS bytes. 0, or -1. */
int app_print_test_encode(fonts_t *fonts, const printer_profile_t *paper, escpos_buf_t *b);

/* Print the technician's test page: the profile in use, samples, a QR code. */
printer_result_t app_print_test_page(fonts_t *fonts, const printer_spec_t *spec,
                                     const printer_profile_t *paper, char *detail, size_t cap);

#endif
