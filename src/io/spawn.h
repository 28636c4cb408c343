/*
 * io/spawn.h - running a command (the technician's "shut down") without ever blocking
 * the main thread: posix_spawn, then a non-blocking reap from the main loop, with a time
 * bound after which the command and everything it started are killed.
 *
 * The command is split at spaces and run without a shell (nothing to quote, nothing to
 * inject), with stdin from /dev/null, default signal handling (the kiosk ignores some
 * signals, and ignored signals would be inherited) and its own process group.
 */
#ifndef IO_SPAWN_H
#define IO_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPAWN_MAX_ARGS 15

typedef enum {
    SPAWN_IDLE,      /* nothing started, or the last outcome was already reported */
    SPAWN_RUNNING,   /* still within its bound */
    SPAWN_EXITED,    /* ended: *status is its exit status, or 128 + the signal that ended it */
    SPAWN_TIMED_OUT, /* the bound passed: it was killed (reported once) */
} spawn_state_t;

typedef struct {
    pid_t pid;           /* 0: none to reap */
    uint64_t deadline;   /* CLOCK_MONOTONIC milliseconds */
    bool killed;         /* the bound passed and SIGKILL was sent; still to be reaped */
    bool report_timeout; /* SPAWN_TIMED_OUT not yet returned */
} spawn_t;

void spawn_init(spawn_t *s);

/* Start cmd, to end within bound_ms. Returns at once: 0, or -1 with err (nothing to run,
 * the program cannot be started, or the last command has not been reaped yet). */
int spawn_start(spawn_t *s, const char *cmd, int bound_ms, char *err, size_t errcap);

/* Never blocks. Call it from the main loop until it stops answering SPAWN_RUNNING; a killed
 * command is reaped by later calls (spawn_busy says whether one is left). */
spawn_state_t spawn_poll(spawn_t *s, int *status);

/* A child that has not been reaped yet (running, or killed and not yet gone). */
bool spawn_busy(const spawn_t *s);

/* The milliseconds until the bound, for the main loop's sleep (0 when due or idle). */
uint64_t spawn_due_in(const spawn_t *s);

#endif
