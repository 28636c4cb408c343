/*
 * board/board.h - the queue board's parts put together once: the queue (DATA/queue.sqlite),
 * the counters' web server ([board] http) and the MQTT side ([sync] broker), and the view
 * rebuilt when something it shows changed. `kiosk --mode board` and tools/queue-server use
 * it, so a test of the server tests the board's own start-up.
 */
#ifndef BOARD_BOARD_H
#define BOARD_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board/view.h"
#include "queue/http.h"
#include "queue/mqtt.h"
#include "queue/queue.h"

typedef struct {
    const char *data_dir;
    const char *http_listen; /* [board] http; NULL: no web server */
    const char *web_dir;     /* assets/web */
    const char *fonts_dir;   /* fonts/ */
    const char *broker_host; /* [sync] broker; NULL: no MQTT */
    int broker_port;
    const char *prefix, *centre, *terminal, *version;
    int64_t clock_offset_ms; /* the harness's --now: added to the wall clock */
    int heartbeat_ms;        /* event streams; 0: the default */
} board_opts_t;

typedef struct board board_t;

/* Open the queue, start the web server and the MQTT client. NULL with err. */
board_t *board_open(const board_opts_t *o, char *err, size_t errcap);

queue_t *board_queue(board_t *b);
int board_http_port(const board_t *b);

/* Called after each change of the queue, from whichever thread made it (e.g. to push an
 * SDL user event that wakes the main loop). */
void board_set_wake(board_t *b, void (*wake)(void *ctx), void *ctx);

/* Rebuild ui when the queue changed, the minute turned or the language alternated; true when
 * it did (then draw it, and write --shots DIR/board.png). centre_name is per language. */
bool board_build(board_t *b, ui_t *ui, int64_t now_ms, const char *const centre_name[LANG_COUNT]);

/* The next board_build builds whatever changed (the display lost its picture). */
void board_redraw(board_t *b);

/* The next call to announce (Bangla then English, by the speech engine); false when none. */
bool board_poll_call(board_t *b, queue_call_t *out);

/* When board_build must run next at the latest (the next minute or language change). */
int64_t board_next_deadline(const board_t *b, int64_t now_ms);

/* Stop the servers, close the queue. */
void board_close(board_t *b);

#endif
