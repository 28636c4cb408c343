/* io/error.c - formatting errors into the caller's buffer. */
#include "io/error.h"

#include <stdio.h>

int error_vset(char *err, size_t errcap, const char *fmt, va_list ap)
{
    if (err && errcap > 0)
        vsnprintf(err, errcap, fmt, ap);
    return -1;
}

int error_set(char *err, size_t errcap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, errcap, fmt, ap);
    va_end(ap);
    return -1;
}
