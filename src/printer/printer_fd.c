/* printer/printer_fd.c - printers behind a file descriptor: lp:, tcp:, file:. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "printer/printer.h"

typedef struct {
    int fd;
} fd_impl_t;

static int fd_of(printer_t *p)
{
    return ((fd_impl_t *)p->impl)->fd;
}

/* Wait until fd is ready for events, at most timeout_ms: 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    for (;;) {
        int r = poll(&pfd, 1, timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0 && (pfd.revents & (POLLERR | POLLNVAL)))
            return -1;
        return r > 0 ? 1 : r;
    }
}

static long fd_write(printer_t *p, const uint8_t *data, size_t n, int timeout_ms)
{
    int fd = fd_of(p);
    int r = wait_fd(fd, POLLOUT, timeout_ms);
    if (r <= 0)
        return r; /* 0: nothing taken this time; the caller's deadline decides */
    ssize_t w = write(fd, data, n);
    if (w < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (w < 0)
        snprintf(p->detail, sizeof p->detail, "write: %s", strerror(errno));
    return w;
}

static const printer_ops_t lp_out_ops;

static long fd_read(printer_t *p, uint8_t *data, size_t n, int timeout_ms)
{
    int fd = fd_of(p);
    ssize_t got = read(fd, data, n); /* usblp says at once when it cannot read (EINVAL) */
    if (got < 0 && errno == EAGAIN) {
        int r = wait_fd(fd, POLLIN, timeout_ms);
        if (r <= 0)
            return r;
        got = read(fd, data, n);
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (got < 0 && errno == EINVAL && p->spec.kind == PRINTER_LP) {
        /* A unidirectional printer behind usblp: it can take jobs but never answer. */
        p->ops = &lp_out_ops;
        return -1;
    }
    return got == 0 ? -1 : got; /* end of stream: the peer went away */
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A write to a socket only hands bytes to the kernel: the job has left the kiosk when the
 * printer's TCP stack acknowledged every byte (SIOCOUTQ, bytes not sent or not yet
 * acknowledged, reaches 0). A printer that stops reading closes its window and the count
 * stays up; a reset or a dead link shows as a socket error. */
static printer_result_t tcp_drain(printer_t *p, int timeout_ms)
{
    int fd = fd_of(p);
    long long deadline = mono_ms() + timeout_ms;
    for (;;) {
        int err = 0, left = 0;
        socklen_t len = sizeof err;
        if (ioctl(fd, SIOCOUTQ, &left) < 0) {
            snprintf(p->detail, sizeof p->detail, "SIOCOUTQ: %s", strerror(errno));
            return PRINTER_IO;
        }
        if (left == 0)
            return PRINTER_OK;
        /* No event is asked for: poll reports only an error or a hang-up, at once. */
        struct pollfd pfd = {.fd = fd, .events = 0};
        if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len); /* reading it clears it */
            snprintf(p->detail, sizeof p->detail,
                     "the connection %s before the printer took the whole job%s%s",
                     err ? "broke" : "was closed", err ? ": " : "", err ? strerror(err) : "");
            return PRINTER_IO;
        }
        long long wait = deadline - mono_ms();
        if (wait <= 0) {
            snprintf(p->detail, sizeof p->detail,
                     "the printer stopped taking data: %d bytes of the job never reached it", left);
            return PRINTER_TIMEOUT;
        }
        poll(&pfd, 1, wait < 20 ? (int)wait : 20);
    }
}

/* usblp with O_NONBLOCK returns from write() once its transfer is queued; poll says
 * POLLOUT when the last one has finished (or the printer reported paper out, which the
 * status question after the job will tell). */
static printer_result_t lp_drain(printer_t *p, int timeout_ms)
{
    int r = wait_fd(fd_of(p), POLLOUT, timeout_ms);
    if (r > 0)
        return PRINTER_OK;
    snprintf(p->detail, sizeof p->detail, "%s",
             r == 0 ? "the printer did not finish taking the job" : "the device failed");
    return r == 0 ? PRINTER_TIMEOUT : PRINTER_IO;
}

static void fd_close(printer_t *p)
{
    fd_impl_t *f = p->impl;
    if (f) {
        close(f->fd);
        free(f);
    }
}

static const printer_ops_t file_ops = {fd_write, NULL, NULL, fd_close, NULL};
static const printer_ops_t tcp_ops = {fd_write, fd_read, NULL, fd_close, tcp_drain};
static const printer_ops_t lp_ops = {fd_write, fd_read, NULL, fd_close, lp_drain};
static const printer_ops_t lp_out_ops = {fd_write, NULL, NULL, fd_close, lp_drain};

/* A TCP connection made within timeout_ms (a dead address must not hang the job). */
static int connect_tcp(printer_t *p, int timeout_ms)
{
    char port[16];
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
    snprintf(port, sizeof port, "%d", p->spec.port);
    int e = getaddrinfo(p->spec.host, port, &hints, &res);
    if (e) {
        snprintf(p->detail, sizeof p->detail, "%s: %s", p->spec.host, gai_strerror(e));
        return -1;
    }
    int fd = -1;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if ((connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
             (errno == EINPROGRESS && wait_fd(fd, POLLOUT, timeout_ms) == 1 &&
              getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)))
            break;
        snprintf(p->detail, sizeof p->detail, "%s:%d: %s", p->spec.host, p->spec.port,
                 soerr                  ? strerror(soerr)
                 : errno == EINPROGRESS ? "no answer"
                                        : strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

printer_result_t printer_fd_open(printer_t *p)
{
    int fd;
    const printer_ops_t *ops = &tcp_ops;
    struct stat st;
    if (p->spec.kind == PRINTER_TCP) {
        fd = connect_tcp(p, 3000);
    } else if (p->spec.kind == PRINTER_LP) {
        /* usblp answers reads with the printer's replies: status works through it. Only a
         * device can answer; anything else given as lp: is written like a file. */
        fd = open(p->spec.path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            snprintf(p->detail, sizeof p->detail, "%s: %s", p->spec.path, strerror(errno));
        ops = fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) ? &lp_ops : &file_ops;
    } else {
        fd = open(p->spec.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        ops = &file_ops;
        if (fd < 0)
            snprintf(p->detail, sizeof p->detail, "%s: %s", p->spec.path, strerror(errno));
    }
    if (fd < 0)
        return PRINTER_NOT_FOUND;
    fd_impl_t *f = malloc(sizeof *f);
    if (!f) {
        close(fd);
        return PRINTER_IO;
    }
    f->fd = fd;
    p->impl = f;
    p->ops = ops;
    return PRINTER_OK;
}
