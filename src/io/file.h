/*
 * io/file.h - small files read and written safely: read whole and bounded, from regular
 * files only (a FIFO or a device cannot hang the reader); written completely or not at all;
 * paths built with their length checked.
 */
#ifndef IO_FILE_H
#define IO_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Room for any path the kiosk builds: a configured folder (at most 512 bytes, see
 * config/config.h) and a file name in it. */
#define FILE_PATH_MAX 1024

/* "dir/name" into out. 0, or -1 when it does not fit (out then holds "", never a cut path). */
int file_path(char *out, size_t cap, const char *dir, const char *name);

/* The whole of a regular file of at most max bytes, NUL-terminated (len excludes the NUL);
 * free() it. NULL with "PATH: why" in err: cannot open, not a regular file, larger than max,
 * read error, out of memory. */
char *file_read(const char *path, size_t max, size_t *len, char *err, size_t errcap);

/* The same from an open descriptor (standard input, say), to its end; name is for messages.
 * The descriptor stays open. */
char *file_read_fd(int fd, const char *name, size_t max, size_t *len, char *err, size_t errcap);

/* Write text to path through a temporary file that is synced, then renamed over it: a power
 * cut leaves the old file or the new one, never half of one. 0, or -1 with errno set (the
 * temporary file is removed). */
int file_write_atomic(const char *path, const char *text, mode_t mode);

#endif
