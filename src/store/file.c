/* store/file.c - atomic small-file writes (temporary file, fsync, rename). */
#define _POSIX_C_SOURCE 200809L
#include "store/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int file_write_atomic(const char *path, const char *text, mode_t mode)
{
    char tmp[1200];
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
