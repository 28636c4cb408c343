/* shell/sleep.c - the main loop's sleep and its wake-up. */
#include "shell/sleep.h"

#include <limits.h>
#include <stdio.h>

/* SDL's event queue is thread-safe; on KMSDRM the loop sleeps in the waiter, which
 * SDL_PushEvent cannot reach, so the waiter is woken too. */
void sleep_wake(void *ctx)
{
    kiosk_t *k = ctx;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_USEREVENT;
    SDL_PushEvent(&ev);
    if (k->own_wait)
        waiter_wake(&k->waiter);
}

void sleep_open(kiosk_t *k)
{
    char err[300];
    if (!display_is_kms())
        return;
    k->own_wait = waiter_open(&k->waiter, "/dev/input", err, sizeof err) == 0;
    if (!k->own_wait)
        fprintf(stderr, "kiosk: %s; idling with SDL's polling\n", err);
}

int sleep_next_event(kiosk_t *k, SDL_Event *ev, uint64_t due, uint64_t now)
{
    int timeout = due == UINT64_MAX     ? -1
                  : due <= now          ? 0
                  : due - now > INT_MAX ? INT_MAX
                                        : (int)(due - now);
    if (!k->own_wait)
        return timeout < 0 ? SDL_WaitEvent(ev) : SDL_WaitEventTimeout(ev, timeout);
    if (SDL_PollEvent(ev))
        return 1;
    waiter_wait(&k->waiter, timeout);
    return SDL_PollEvent(ev);
}
