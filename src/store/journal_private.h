/* store/journal_private.h - for the store layer's other files only. */
#ifndef STORE_JOURNAL_PRIVATE_H
#define STORE_JOURNAL_PRIVATE_H

#include <sqlite3.h>

#include "store/journal.h"

sqlite3 *journal_db(journal_t *j);

/*
 * Row checksums (the journal-safety migration). SQLite's integrity check finds a broken page
 * structure but not a changed byte inside a value: a token "A-004" that became "A-0t4" on a
 * failing card would pass it. So each row of requests, request_fields and token_seq carries
 * crc = journal_crc(its columns below), a 64-bit FNV-1a over their types and bytes, checked
 * for every row at start-up. Every INSERT into those tables, and every UPDATE of a column
 * listed here, must set crc from these expressions (journal_crc is registered on the
 * journal's connection only).
 */
#define JOURNAL_REQUEST_CRC                                                                        \
    "journal_crc(id, tracking_id, token, day, prefix, number, service_id, lang, created_at)"
#define JOURNAL_FIELD_CRC "journal_crc(request_id, field_id, value)"
#define JOURNAL_SEQ_CRC   "journal_crc(day, prefix, last)"

/* Set the crc of request id from its columns (after inserting it). 0, or -1. */
int journal_seal_request(sqlite3 *db, int64_t id);

/* Move token_seq (day, key) to at least number, crc included. 0, or -1. */
int journal_bump_seq(sqlite3 *db, const char *day, const char *key, int number);

#endif
