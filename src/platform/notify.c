/* platform/notify.c - sd_notify (libsystemd: it speaks the protocol, we do not re-implement it).
 */
#include "platform/notify.h"

#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

void notify_init(notify_t *s)
{
    memset(s, 0, sizeof *s);
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        s->interval_ms = usec / 2000; /* half the interval, in ms */
}

void notify_ready(notify_t *s)
{
    (void)s;
    sd_notify(0, "READY=1");
}

void notify_tick(notify_t *s, uint64_t now_ms)
{
    if (!s->interval_ms || now_ms < s->next_ping)
        return;
    sd_notify(0, "WATCHDOG=1");
    s->next_ping = now_ms + s->interval_ms;
}

uint64_t notify_deadline(const notify_t *s)
{
    return s->interval_ms ? s->next_ping : UINT64_MAX;
}

void notify_status(notify_t *s, const char *status)
{
    if (strcmp(s->status, status) == 0)
        return;
    snprintf(s->status, sizeof s->status, "%s", status);
    char msg[300];
    snprintf(msg, sizeof msg, "STATUS=%s", status);
    sd_notify(0, msg);
}
