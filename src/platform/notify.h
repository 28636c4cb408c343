/*
 * platform/notify.h - talking to the service manager (systemd): READY=1 once the first frame
 * is on screen, WATCHDOG=1 from the main loop at half the interval systemd asks for (a hung
 * loop stops the pings and systemd restarts the kiosk), STATUS= with the printer's state.
 * Without systemd (no NOTIFY_SOCKET) every call quietly does nothing.
 */
#ifndef PLATFORM_NOTIFY_H
#define PLATFORM_NOTIFY_H

#include <stdint.h>

typedef struct {
    uint64_t interval_ms; /* half of WATCHDOG_USEC; 0: no watchdog */
    uint64_t next_ping;   /* ms on the app clock */
    char status[256];     /* last STATUS= sent, to send only changes */
} notify_t;

void notify_init(notify_t *s);
void notify_ready(notify_t *s);
/* Ping the watchdog if due at now_ms. */
void notify_tick(notify_t *s, uint64_t now_ms);
/* When the next ping is due (UINT64_MAX when there is no watchdog). */
uint64_t notify_deadline(const notify_t *s);
void notify_status(notify_t *s, const char *status);

#endif
