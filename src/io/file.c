/* io/file.c - bounded reads of regular files, atomic small-file writes, checked paths. */
#define _POSIX_C_SOURCE 200809L
#include "io/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/error.h"

int file_path(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            out[0] = '\0';
        return -1;
    }
    return 0;
}

/* Read until end of file or max + 1 bytes (one more than allowed, to tell "exactly max"
 * from "more"). */
static ssize_t read_up_to(int fd, char *buf, size_t max)
{
    size_t got = 0;
    while (got <= max) {
        ssize_t n = read(fd, buf + got, max + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

char *file_read_fd(int fd, const char *name, size_t max, size_t *len, char *err, size_t errcap)
{
    char *buf = malloc(max + 2);
    ssize_t n = buf ? read_up_to(fd, buf, max) : -1;
    if (!buf || n < 0 || (size_t)n > max) {
        if (!buf)
            error_set(err, errcap, "%s: out of memory", name);
        else if (n < 0)
            error_set(err, errcap, "%s: read error: %s", name, strerror(errno));
        else
            error_set(err, errcap, "%s: larger than %zu bytes", name, max);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

char *file_read(const char *path, size_t max, size_t *len, char *err, size_t errcap)
{
    /* Non-blocking: opening a FIFO for reading would otherwise wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0) {
        error_set(err, errcap, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        error_set(err, errcap, "%s: not a regular file", path);
        return NULL;
    }
    char *buf = file_read_fd(fd, path, max, len, err, errcap);
    close(fd);
    return buf;
}

int file_write_atomic(const char *path, const char *text, mode_t mode)
{
    char tmp[FILE_PATH_MAX + 8];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
    if (!ok) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
    return ok ? 0 : -1;
}
