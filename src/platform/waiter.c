/* platform/waiter.c - poll() on the input devices, a wake eventfd and device hot-plug. */
#define _GNU_SOURCE /* O_CLOEXEC, eventfd, inotify */
#include "platform/waiter.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

static void close_devices(waiter_t *w)
{
    for (int i = 0; i < w->device_count; i++)
        close(w->devices[i]);
    w->device_count = 0;
}

/* (Re)open every event* node. A node we may not read (yet: udev sets the group just after
 * creating it, which inotify reports as IN_ATTRIB) is skipped until the next change. */
static void scan(waiter_t *w)
{
    close_devices(w);
    w->overflow = false;
    DIR *d = opendir(w->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        if (w->device_count == WAIT_MAX_DEVICES) {
            w->overflow = true;
            break;
        }
        char path[512];
        snprintf(path, sizeof path, "%s/%s", w->dir, e->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0)
            w->devices[w->device_count++] = fd;
    }
    closedir(d);
}

int waiter_open(waiter_t *w, const char *dir, char *err, size_t errcap)
{
    memset(w, 0, sizeof *w);
    w->notify = -1;
    if (strlen(dir) >= sizeof w->dir) {
        snprintf(err, errcap, "%s: path too long", dir);
        return -1;
    }
    snprintf(w->dir, sizeof w->dir, "%s", dir);
    w->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->wake < 0) {
        snprintf(err, errcap, "eventfd: %s", strerror(errno));
        return -1;
    }
    w->notify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->notify >= 0 &&
        inotify_add_watch(w->notify, dir, IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_TO) < 0) {
        close(w->notify);
        w->notify = -1;
    }
    scan(w);
    return 0;
}

void waiter_wake(waiter_t *w)
{
    uint64_t one = 1;
    /* A full counter (never in practice) already means "wake": nothing to do on failure. */
    if (write(w->wake, &one, sizeof one) < 0)
        return;
}

static void drain(int fd)
{
    char buf[1024];
    while (read(fd, buf, sizeof buf) > 0)
        ;
}

int waiter_wait(waiter_t *w, int timeout_ms)
{
    struct pollfd p[WAIT_MAX_DEVICES + 2];
    int n = 0;
    p[n++] = (struct pollfd){.fd = w->wake, .events = POLLIN};
    if (w->notify >= 0)
        p[n++] = (struct pollfd){.fd = w->notify, .events = POLLIN};
    int first_device = n;
    for (int i = 0; i < w->device_count; i++)
        p[n++] = (struct pollfd){.fd = w->devices[i], .events = POLLIN};
    if (w->overflow && (timeout_ms < 0 || timeout_ms > WAIT_OVERFLOW_MS))
        timeout_ms = WAIT_OVERFLOW_MS;
    /* EINTR (a signal such as SIGTERM, whose handler SDL installed) returns at once: the
     * caller pumps SDL's events and sees the quit. */
    if (poll(p, (nfds_t)n, timeout_ms) <= 0)
        return WAIT_TIMEOUT;
    int what = 0;
    if (p[0].revents & POLLIN) {
        drain(w->wake);
        what |= WAIT_WAKE;
    }
    bool rescan = false;
    if (w->notify >= 0 && (p[1].revents & POLLIN)) {
        drain(w->notify);
        rescan = true;
    }
    for (int i = first_device; i < n; i++) {
        if (p[i].revents & POLLIN) {
            drain(p[i].fd);
            what |= WAIT_INPUT;
        }
        if (p[i].revents & (POLLERR | POLLHUP | POLLNVAL))
            rescan = true; /* unplugged: stop polling a dead node */
    }
    if (rescan) {
        scan(w);
        what |= WAIT_DEVICES;
    }
    return what;
}

int waiter_device_count(const waiter_t *w)
{
    return w->device_count;
}

bool waiter_overflow(const waiter_t *w)
{
    return w->overflow;
}

void waiter_close(waiter_t *w)
{
    close_devices(w);
    if (w->notify >= 0)
        close(w->notify);
    if (w->wake >= 0)
        close(w->wake);
    w->notify = -1;
    w->wake = -1;
}
