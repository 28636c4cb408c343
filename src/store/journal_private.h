/* store/journal_private.h - for the store layer's other files only. */
#ifndef STORE_JOURNAL_PRIVATE_H
#define STORE_JOURNAL_PRIVATE_H

#include <sqlite3.h>

#include "store/journal.h"

sqlite3 *journal_db(journal_t *j);

#endif
