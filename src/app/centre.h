/*
 * app/centre.h - the kiosk as a member of its centre's queue: the priority a citizen may ask
 * for on the review, and "N ahead of you, about M minutes" estimated at confirmation from the
 * queue board's figures (the shell hands them over with app_set_centre; the app never talks
 * to the network).
 */
#ifndef APP_CENTRE_H
#define APP_CENTRE_H

#include <stdbool.h>

#include "app/state.h"

/* The queue priorities of docs/protocol.md; index 0 is "none" (NULL). */
extern const char *const app_priority_codes[APP_PRIORITIES];

/* The review's priority choice: a code of app_priority_codes, or "" / the current one again
 * for none. False for an unknown code. */
bool app_choose_priority(app_t *app, const char *code);

/* The msgid naming a priority (index 1..APP_PRIORITIES-1): "priority.elderly"... */
const char *app_priority_msgid(int priority);

/* "3 ahead of you, about 12 minutes" (or without the minutes, or "you are next") in lang,
 * from what the session was told at confirmation; its length, 0 when nothing is known. */
int app_ahead_text(const app_t *app, lang_t lang, const session_t *s, char *out, size_t cap);

/* "Priority: elderly" in lang for the session's priority; its length, 0 when none. */
int app_priority_text(const app_t *app, lang_t lang, const session_t *s, char *out, size_t cap);

/* The shell's copy of what the board last said (NULL: unchanged since the last call); fresh:
 * online and recent. Estimates are
 * made only from fresh figures, so a stale board shows nothing rather than a wrong number. */
void app_set_centre(app_t *app, const sync_board_t *board, bool fresh);

/* How many will be called before a new token of category cat (the token's letter) with or
 * without priority, by the board's policy (a priority call when none of the centre's last two
 * calls was one), and about how many minutes that takes (-1 when today's service time or
 * the open counters are unknown). False when the board's figures are not fresh. */
bool app_queue_ahead(const app_t *app, char cat, bool priority, int *ahead, int *minutes);

#endif
