/*
 * platform/waiter.h - sleep until input, a wake-up or a deadline, where SDL cannot.
 *
 * On KMSDRM, SDL 2.26 has no way to block: SDL_WaitEventTimeout pumps events and sleeps
 * 1 ms in a loop, a thousand wake-ups a second on an idle kiosk (measured in qemu: 16.7 s
 * of CPU per idle minute; 0.1 s with this). The waiter blocks in poll() on the same input devices
 * SDL reads (every open of an evdev node gets its own copy of each event, so draining ours takes
 * nothing from SDL), on an eventfd that other threads write to wake the loop, and on
 * inotify over the device folder so a touch screen plugged in later is waited on too.
 * After it returns, SDL_PollEvent reads the events as usual.
 */
#ifndef PLATFORM_WAITER_H
#define PLATFORM_WAITER_H

#include <stdbool.h>
#include <stddef.h>

#define WAIT_MAX_DEVICES 32
/* More event nodes than that (never seen on a terminal): input on the ones left out must
 * still be noticed, so waits are cut to this many milliseconds, SDL's own pace but 10x. */
#define WAIT_OVERFLOW_MS 10

enum {
    WAIT_TIMEOUT = 0,
    WAIT_INPUT = 1,   /* a device had something to read */
    WAIT_WAKE = 2,    /* waiter_wake was called */
    WAIT_DEVICES = 4, /* a device came or went (the set was re-read) */
};

typedef struct {
    char dir[256]; /* where the devices are: /dev/input */
    int devices[WAIT_MAX_DEVICES];
    int device_count;
    bool overflow; /* some event nodes are not watched: waits are capped */
    int notify;    /* inotify on dir; -1 when unavailable (no hot-plug then) */
    int wake;      /* eventfd */
} waiter_t;

/* Watch the event* nodes in dir. 0, or -1 with why in err (nothing is left open). */
int waiter_open(waiter_t *w, const char *dir, char *err, size_t errcap);

/* From any thread (or a signal handler): make the current or next wait return. */
void waiter_wake(waiter_t *w);

/* Block until something happens or timeout_ms passes (-1: no deadline). Returns the
 * WAIT_* bits of what happened; what was read from our own descriptors is discarded. */
int waiter_wait(waiter_t *w, int timeout_ms);

/* How many devices are watched now, and whether some had no room. */
int waiter_device_count(const waiter_t *w);
bool waiter_overflow(const waiter_t *w);

void waiter_close(waiter_t *w);

#endif
