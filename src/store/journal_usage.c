/* store/journal_usage.c - requests per service since a time, mapped onto the catalog's services. */
#include "store/journal_usage.h"

#include <string.h>

#include "store/journal_private.h"

int journal_service_uses(journal_t *j, const catalog_t *c, int64_t since, int *uses)
{
    sqlite3_stmt *st;
    memset(uses, 0, (size_t)c->service_count * sizeof *uses);
    /* requests_created makes this a range scan, however long the journal has grown. */
    if (sqlite3_prepare_v2(journal_db(j),
                           "SELECT service_id, COUNT(*) FROM requests WHERE created_at >= ? "
                           "GROUP BY service_id",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, since);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(st, 0);
        int i = id ? catalog_find_service(c, (const char *)id) : -1;
        if (i >= 0)
            uses[i] = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        memset(uses, 0, (size_t)c->service_count * sizeof *uses);
        return -1;
    }
    return 0;
}
