/*
 * io/error.h - the one way errors are written: into a caller's buffer (char *err, size_t
 * errcap), formatted like printf, so every message can name the file, line or field that
 * was wrong. Returning -1 lets a failing function end with `return error_set(...)`.
 */
#ifndef IO_ERROR_H
#define IO_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* Format into err (always NUL-terminated when errcap > 0). Returns -1. */
__attribute__((format(printf, 3, 4))) int error_set(char *err, size_t errcap, const char *fmt, ...);

/* The same with a va_list, for functions that add their own context first. */
__attribute__((format(printf, 3, 0))) int error_vset(char *err, size_t errcap, const char *fmt,
                                                     va_list ap);

#endif
