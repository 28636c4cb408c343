/*
 * io/inifile.h - INI files read line by line (inih underneath) with what inih leaves out:
 * the line number of every error, lines too long for its buffer caught instead of split in
 * two, a key set twice refused, and only the first error reported.
 */
#ifndef IO_INIFILE_H
#define IO_INIFILE_H

#include <stddef.h>
#include <stdio.h>

/* Called for each "key = value": 0, or -1 with a message (without file or line) in err. */
typedef int (*inifile_fn)(void *ctx, const char *section, const char *key, const char *value,
                          char *err, size_t errcap);

/* Read fp to its end. 0, or -1 with "NAME:LINE: [section] key: why" (or a syntax error at its
 * line) in err. */
int inifile_read(FILE *fp, const char *name, inifile_fn fn, void *ctx, char *err, size_t errcap);

#endif
