/*
 * store/journal_export.h - the journal as JSON Lines, one request per line, for centre
 * staff and for sync; the same format read back (restoring onto a new journal after a disk
 * failure); and retention, which erases what citizens typed after some days but keeps the counts.
 *
 *   {"tracking":"UDC-0001-T01-20261129-0007","token":"A-007","number":7,
 *    "service":"birth_reg_new","lang":"bn","created":"2026-11-29T10:30:00+06:00",
 *    "printed":"2026-11-29T10:30:02+06:00","print_status":"printed","print_error":null,
 *    "erased":false,"priority":null,"fields":{"name":"রহিম","mobile":"01712345678"}}
 *
 * ("number" and "priority" are optional on import: exports before token bands lack them.)
 */
#ifndef STORE_JOURNAL_EXPORT_H
#define STORE_JOURNAL_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/journal.h"

/* Write every request created at or after since (unix seconds; 0: all) to out, oldest
 * first. Number of requests written, or -1 with err. */
long journal_export(journal_t *j, int64_t since, FILE *out, char *err, size_t errcap);

/* What leaves the terminal in clear (an export not sealed to the register): called for each
 * field of each request; writes what to show into out and returns true, or returns false to
 * leave the field out. */
typedef bool (*journal_field_filter_t)(void *ctx, const char *service, const char *field,
                                       const char *value, char *out, size_t cap);

/* journal_export through a filter (NULL: every field as typed); with a filter each line says
 * "masked": true. */
long journal_export_filtered(journal_t *j, int64_t since, journal_field_filter_t filter, void *ctx,
                             FILE *out, char *err, size_t errcap);

/* Read JSON Lines (name is used in messages): requests whose tracking id is new are added,
 * in one transaction, and the token sequences are moved past them so no token is issued
 * twice. 0, or -1 with "NAME:LINE: field: what is wrong" in err (nothing is added then). */
int journal_import(journal_t *j, const char *name, const char *text, size_t len, long *added,
                   long *skipped, char *err, size_t errcap);

/* What an import checks beyond the format, from outside the store. */
typedef struct {
    /* Is id a service of the catalog in use? NULL: any well-formed id is taken. */
    bool (*service_known)(const char *id, const void *ctx);
    const void *ctx;
} journal_import_check_t;

/* journal_import with check (may be NULL). Every field of every line is validated (types,
 * sizes, UTF-8 without control characters, real dates, a tracking id dated the day it was
 * created, no unknown or repeated key, no token another request holds); the first error
 * names file, line and field, and nothing of the file is added. Rows marked erased are added
 * without their fields. */
int journal_import_checked(journal_t *j, const char *name, const char *text, size_t len,
                           const journal_import_check_t *check, long *added, long *skipped,
                           char *err, size_t errcap);

/* Erase the fields of requests created before now - days (the requests and their tokens
 * stay). Number of requests erased, or -1 with err. */
long journal_erase_older(journal_t *j, int64_t now, int days, char *err, size_t errcap);

/* "2026-11-29T10:30:00+06:00" for a unix time (Asia/Dhaka). */
void journal_iso_time(int64_t t, char out[32]);

/* The reverse: unix seconds, or -1 when malformed (only +06:00 is accepted). */
int64_t journal_parse_time(const char *s);

#endif
