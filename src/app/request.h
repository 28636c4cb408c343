/*
 * app/request.h - confirming the citizen's request, and what follows on the done screen.
 */
#ifndef APP_REQUEST_H
#define APP_REQUEST_H

#include "app/state.h"

/* Commit the reviewed request to the journal and issue its token, then print its receipt.
 * Nothing is shown as confirmed unless the journal kept it: a failed commit leaves the
 * review with everything typed and an error dialog. */
void app_confirm(app_t *app);

/* The done screen's "print again" after a failed receipt. */
void app_print_retry(app_t *app);

/* The citizen is done: forget everything. */
void app_finish(app_t *app);

/* Another request from the same citizen: same language, nothing of this one kept. */
void app_another(app_t *app);

#endif
