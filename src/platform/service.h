/*
 * platform/service.h - talking to the service manager (systemd): READY=1 once the first frame
 * is on screen, WATCHDOG=1 from the main loop at half the interval systemd asks for (a hung
 * loop stops the pings and systemd restarts the kiosk), STATUS= with the printer's state.
 * Without systemd (no NOTIFY_SOCKET) every call quietly does nothing.
 */
#ifndef PLATFORM_SERVICE_H
#define PLATFORM_SERVICE_H

#include <stdint.h>

typedef struct {
    uint64_t interval_ms; /* half of WATCHDOG_USEC; 0: no watchdog */
    uint64_t next_ping;   /* ms on the app clock */
    char status[256];     /* last STATUS= sent, to send only changes */
} service_t;

void service_init(service_t *s);
void service_ready(service_t *s);
/* Ping the watchdog if due at now_ms. */
void service_tick(service_t *s, uint64_t now_ms);
/* When the next ping is due (UINT64_MAX when there is no watchdog). */
uint64_t service_deadline(const service_t *s);
void service_status(service_t *s, const char *status);

#endif
