/*
 * shell/sleep.h - sleeping until the next event or timer, so an idle kiosk uses no CPU:
 * SDL_WaitEventTimeout on X11 and Wayland; on KMSDRM, where SDL 2.26 cannot block, the
 * platform's waiter (poll() on the input devices and a wake-up descriptor).
 */
#ifndef SHELL_SLEEP_H
#define SHELL_SLEEP_H

#include <SDL.h>
#include <stdint.h>

#include "shell/boot.h"

/* On KMSDRM, open the waiter (k->own_wait); elsewhere nothing. */
void sleep_open(kiosk_t *k);

/* The next event, waiting at most until `due` (UINT64_MAX: no deadline; both on the clock
 * of now). 0 when none came (a timeout, or a wake that SDL had nothing for). */
int sleep_next_event(kiosk_t *k, SDL_Event *ev, uint64_t due, uint64_t now);

/* From another thread (the printing thread): wake the main loop. ctx is the kiosk_t. */
void sleep_wake(void *ctx);

#endif
