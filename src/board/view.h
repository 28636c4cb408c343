/*
 * board/view.h - the queue board's screen, built as a display list (ui/) from a snapshot of
 * the queue. A view like screens/ is for the kiosk: it reads, it never changes the queue.
 * It lives beside screens/ and not in queue/ so that the queue (model, HTTP, MQTT) stays
 * below the UI and builds and runs without a display (tools/queue-server).
 *
 * What it shows, sized to be read from 8 m on 1920x1080 (the newest call's token is about
 * 100 px tall in capitals there) and laid out the same at 1280x720 (everything scales with
 * the screen's height): the centre's name and the time on top; on the left the tokens being
 * served and their counters, the newest call highlighted; on the right how many wait in each
 * category and the last calls.
 *
 * Language: one at a time, alternating (board_view_lang): a line in both scripts at once would
 * halve the letters' size. Bangla shows Bangla digits (B-০১২, কাউন্টার ২).
 */
#ifndef BOARD_VIEW_H
#define BOARD_VIEW_H

#include <stdint.h>

#include "queue/queue.h"
#include "text/lang.h"
#include "ui/ui.h"

#define BOARD_LANG_PERIOD_MS 10000 /* each language stays this long */

typedef struct {
    lang_t lang;
    const char *centre_name; /* in lang */
    int64_t now_ms;          /* wall clock, Unix ms: the time shown in Asia/Dhaka */
} board_view_opts_t;

/* Build the board into ui (ui_begin is called here). */
void board_view_build(ui_t *ui, const queue_snapshot_t *s, const board_view_opts_t *o);

/* The language to show at now_ms (Bangla first, then English, each for the period). */
lang_t board_view_lang(int64_t now_ms);

/* The newest call among the served tokens (the one highlighted), or NULL. */
const queue_token_t *board_view_newest(const queue_snapshot_t *s);

#endif
