/*
 * store/journal_usage.h - how often this terminal issued each service: the use counts that rank
 * search results (catalog_search) and pick the categories screen's most-used shortcuts
 * (catalog_most_used).
 */
#ifndef STORE_JOURNAL_USAGE_H
#define STORE_JOURNAL_USAGE_H

#include <stdint.h>

#include "catalog/catalog.h"
#include "store/journal.h"

/*
 * uses[i] = the requests for c->services[i] created at or after since (unix seconds); uses
 * has c->service_count entries and is zeroed first. Requests for services the catalog no
 * longer has are left out. 0, or -1 when the journal cannot be read (uses is then all 0).
 */
int journal_service_uses(journal_t *j, const catalog_t *c, int64_t since, int *uses);

#endif
