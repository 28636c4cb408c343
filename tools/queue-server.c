/*
 * tools/queue-server.c - the board's queue without its display: the model, the counters'
 * web app and API, and the MQTT side. What `kiosk --mode board` runs under its screen; tests
 * start it on their own ports and folders.
 *
 *   queue-server [--data DIR] [--http HOST:PORT] [--web DIR] [--fonts DIR]
 *                [--broker HOST:PORT] [--prefix P] [--centre C] [--terminal T]
 *                [--counter N:NAME:CATS]... [--heartbeat-ms MS] [--exit-after MS]
 *   echo PIN | queue-server --set-counter-pin N [--data DIR]
 *
 * Prints "http port N" once listening, and one line per announcement ("call B-012 2",
 * "recall B-012 2"), which is what the shell hands the speech engine.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board/board.h"

typedef struct {
    const char *data, *listen, *web, *fonts, *broker, *prefix, *centre, *terminal;
    const char *counters[32];
    int n_counters;
    int set_pin; /* counter number, or 0 */
    int heartbeat_ms;
    long exit_after_ms;
} opts_t;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int usage(void)
{
    fprintf(stderr, "usage: queue-server [--data DIR] [--http HOST:PORT] [--web DIR] "
                    "[--fonts DIR] [--broker HOST:PORT] [--prefix P] [--centre C] "
                    "[--terminal T] [--counter N:NAME:CATS]... [--heartbeat-ms MS] "
                    "[--exit-after MS]\n       echo PIN | queue-server --set-counter-pin N "
                    "[--data DIR]\n");
    return 2;
}

static int parse(int argc, char **argv, opts_t *o)
{
    *o = (opts_t){.data = "var/board",
                  .listen = "127.0.0.1:8080",
                  .web = "assets/web",
                  .fonts = "fonts",
                  .prefix = "sheba",
                  .centre = "CENTRE",
                  .terminal = "BOARD"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return -1;
        i++;
        if (strcmp(a, "--data") == 0)
            o->data = v;
        else if (strcmp(a, "--http") == 0)
            o->listen = v;
        else if (strcmp(a, "--web") == 0)
            o->web = v;
        else if (strcmp(a, "--fonts") == 0)
            o->fonts = v;
        else if (strcmp(a, "--broker") == 0)
            o->broker = v;
        else if (strcmp(a, "--prefix") == 0)
            o->prefix = v;
        else if (strcmp(a, "--centre") == 0)
            o->centre = v;
        else if (strcmp(a, "--terminal") == 0)
            o->terminal = v;
        else if (strcmp(a, "--counter") == 0 && o->n_counters < 32)
            o->counters[o->n_counters++] = v;
        else if (strcmp(a, "--set-counter-pin") == 0)
            o->set_pin = atoi(v);
        else if (strcmp(a, "--heartbeat-ms") == 0)
            o->heartbeat_ms = atoi(v);
        else if (strcmp(a, "--exit-after") == 0)
            o->exit_after_ms = atol(v);
        else
            return -1;
    }
    return 0;
}

/* "echo PIN | ... --set-counter-pin N": the PIN from standard input, never an argument
 * (arguments are visible to every user in ps). */
static int set_pin(const opts_t *o)
{
    char pin[64] = "", err[512];
    if (!fgets(pin, sizeof pin, stdin)) {
        fprintf(stderr, "queue-server: give the PIN on standard input\n");
        return 1;
    }
    pin[strcspn(pin, "\r\n")] = '\0';
    int rc = queue_set_counter_pin(o->data, o->set_pin, pin, err, sizeof err);
    memset(pin, 0, sizeof pin);
    if (rc < 0) {
        fprintf(stderr, "queue-server: %s\n", err);
        return 1;
    }
    printf("counter %d: PIN set\n", o->set_pin);
    return 0;
}

/* "N:NAME:CATS" */
static int add_counter(queue_t *q, const char *spec)
{
    char buf[256], *name, *cats;
    queue_err_t e;
    snprintf(buf, sizeof buf, "%s", spec);
    name = strchr(buf, ':');
    cats = name ? strchr(name + 1, ':') : NULL;
    if (!cats) {
        fprintf(stderr, "queue-server: --counter %s: expected N:NAME:CATS\n", spec);
        return -1;
    }
    *name++ = '\0';
    *cats++ = '\0';
    if (queue_counter_set(q, atoi(buf), name, cats, &e) != QUEUE_OK) {
        fprintf(stderr, "queue-server: --counter %s: %s: %s\n", spec, e.where, e.msg);
        return -1;
    }
    return 0;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The board's options from ours ("HOST:PORT" of the broker split). */
static int board_options(const opts_t *o, char *host, size_t cap, board_opts_t *bo)
{
    *bo = (board_opts_t){.data_dir = o->data,
                         .http_listen = o->listen,
                         .web_dir = o->web,
                         .fonts_dir = o->fonts,
                         .prefix = o->prefix,
                         .centre = o->centre,
                         .terminal = o->terminal,
                         .version = KIOSK_VERSION,
                         .heartbeat_ms = o->heartbeat_ms};
    if (!o->broker)
        return 0;
    const char *colon = strrchr(o->broker, ':');
    if (!colon || (size_t)(colon - o->broker) >= cap) {
        fprintf(stderr, "queue-server: --broker %s: expected HOST:PORT\n", o->broker);
        return -1;
    }
    snprintf(host, cap, "%.*s", (int)(colon - o->broker), o->broker);
    bo->broker_host = host;
    bo->broker_port = atoi(colon + 1);
    return 0;
}

/* Announcements, as the shell hands them to the speech engine; until a signal or the end. */
static void serve(queue_t *q, const opts_t *o)
{
    int64_t start = mono_ms();
    unsigned long seen = 0;
    while (!stop_signal && (o->exit_after_ms <= 0 || mono_ms() - start < o->exit_after_ms)) {
        seen = queue_wait(q, seen, 200);
        queue_call_t call;
        while (queue_poll_call(q, &call)) {
            printf("%s %s %d\n", call.recall ? "recall" : "call", call.token, call.counter);
            fflush(stdout);
        }
    }
}

int main(int argc, char **argv)
{
    opts_t o;
    board_opts_t bo;
    char err[512], host[128];
    if (parse(argc, argv, &o) < 0)
        return usage();
    if (o.set_pin)
        return set_pin(&o);
    if (board_options(&o, host, sizeof host, &bo) < 0)
        return 1;
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    board_t *b = board_open(&bo, err, sizeof err);
    if (!b) {
        fprintf(stderr, "queue-server: %s\n", err);
        return 1;
    }
    for (int i = 0; i < o.n_counters; i++)
        if (add_counter(board_queue(b), o.counters[i]) < 0)
            return board_close(b), 1;
    printf("http port %d\n", board_http_port(b));
    fflush(stdout);
    serve(board_queue(b), &o);
    board_close(b);
    return 0;
}
