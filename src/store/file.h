/*
 * store/file.h - small files written completely or not at all.
 */
#ifndef STORE_FILE_H
#define STORE_FILE_H

#include <sys/types.h>

/* Write text to path through a temporary file that is synced, then renamed over it: a power
 * cut leaves the old file or the new one, never half of one. 0, or -1 with errno set (the
 * temporary file is removed). */
int file_write_atomic(const char *path, const char *text, mode_t mode);

#endif
