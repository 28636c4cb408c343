/* board/board.c - the queue, its servers and its view, composed once. */
#include "board/board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct board {
    queue_t *q;
    queue_http_t *http;
    queue_mqtt_t *mqtt;
    void (*wake)(void *);
    void *wake_ctx;
    unsigned long shown_version;
    int64_t shown_minute;
    lang_t shown_lang;
    bool shown;
    bool have_snap;        /* snap holds the queue at shown_version and shown_minute */
    queue_snapshot_t snap; /* large: kept here, not on the stack */
};

static void on_change(void *ctx)
{
    board_t *b = ctx;
    if (b->wake)
        b->wake(b->wake_ctx);
}

board_t *board_open(const board_opts_t *o, char *err, size_t errcap)
{
    board_t *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    b->q = queue_open(o->data_dir, err, errcap);
    if (!b->q)
        goto fail;
    queue_set_listener(b->q, on_change, b);
    if (o->http_listen) {
        queue_http_opts_t ho = {.listen = o->http_listen,
                                .web_dir = o->web_dir,
                                .fonts_dir = o->fonts_dir,
                                .clock_offset_ms = o->clock_offset_ms,
                                .heartbeat_ms = o->heartbeat_ms};
        b->http = queue_http_start(b->q, &ho, err, errcap);
        if (!b->http)
            goto fail;
    }
    if (o->broker_host) {
        queue_mqtt_opts_t mo = {.host = o->broker_host,
                                .port = o->broker_port,
                                .prefix = o->prefix,
                                .centre = o->centre,
                                .terminal = o->terminal,
                                .version = o->version,
                                .clock_offset_ms = o->clock_offset_ms};
        b->mqtt = queue_mqtt_start(b->q, &mo, err, errcap);
        if (!b->mqtt)
            goto fail;
    }
    return b;
fail:
    board_close(b);
    return NULL;
}

queue_t *board_queue(board_t *b)
{
    return b->q;
}

int board_http_port(const board_t *b)
{
    return b->http ? queue_http_port(b->http) : 0;
}

void board_set_wake(board_t *b, void (*wake)(void *ctx), void *ctx)
{
    b->wake = wake;
    b->wake_ctx = ctx;
}

bool board_build(board_t *b, ui_t *ui, int64_t now_ms, const char *const centre_name[LANG_COUNT])
{
    unsigned long v = queue_version(b->q);
    lang_t lang = board_view_lang(now_ms);
    int64_t minute = now_ms / 60000;
    if (b->shown && v == b->shown_version && lang == b->shown_lang && minute == b->shown_minute)
        return false;
    /* The language turns every 10 s; the queue (with the day's figures, a query of its own) is
     * read again only when it changed or a minute passed (its waiting times are in minutes). */
    if (!b->have_snap || v != b->shown_version || minute != b->shown_minute) {
        queue_snapshot(b->q, now_ms, &b->snap);
        b->have_snap = true;
    }
    board_view_opts_t o = {.lang = lang, .centre_name = centre_name[lang], .now_ms = now_ms};
    board_view_build(ui, &b->snap, &o);
    b->shown = true;
    b->shown_version = b->snap.version;
    b->shown_lang = lang;
    b->shown_minute = minute;
    return true;
}

void board_redraw(board_t *b)
{
    b->shown = false;
}

int64_t board_next_deadline(const board_t *b, int64_t now_ms)
{
    (void)b;
    int64_t minute = (now_ms / 60000 + 1) * 60000;
    int64_t lang = (now_ms / BOARD_LANG_PERIOD_MS + 1) * BOARD_LANG_PERIOD_MS;
    return minute < lang ? minute : lang;
}

bool board_poll_call(board_t *b, queue_call_t *out)
{
    return queue_poll_call(b->q, out);
}

void board_close(board_t *b)
{
    if (!b)
        return;
    queue_mqtt_stop(b->mqtt);
    queue_http_stop(b->http);
    queue_close(b->q);
    free(b);
}
