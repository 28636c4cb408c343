/* tests/unit/test_usage.c - unit tests for store/usage: requests per service counted from a
 * real journal in a mkdtemp folder, mapped onto the bundled catalog, and fed to the
 * most-used shortcuts and the search ranking. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include "store/journal_usage.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/search.h"
#include "tmpdir.h"

/* 2026-11-29T04:00:00Z = 29 Nov 2026 10:00 in Dhaka. */
#define T_MORNING 1795924800
#define DAY       86400

typedef struct {
    char dir[64];
    char err[512];
    journal_t *j;
    catalog_t *c;
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/test_usage.XXXXXX");
    if (!mkdtemp(fx->dir) || !(fx->j = journal_open(fx->dir, fx->err, sizeof fx->err)) ||
        !(fx->c = catalog_load("assets/catalog.json", NULL, NULL, fx->err, sizeof fx->err))) {
        fprintf(stderr, "%s\n", fx->err);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    journal_close(fx->j);
    catalog_free(fx->c);
    remove_tree(fx->dir);
    free(fx);
    return 0;
}

static void commit(fixture_t *fx, const char *service, int64_t now)
{
    static const char *const ids[] = {"name"};
    static const char *const values[] = {"আব্দুর রহিম"};
    journal_request_t req = {.centre_id = "UDC-0001",
                             .terminal_id = "T01",
                             .service_id = service,
                             .prefix = 'A',
                             .lang = LANG_BN,
                             .now = now,
                             .field_count = 1};
    req.field_ids[0] = ids[0];
    req.values[0] = values[0];
    journal_receipt_t r;
    int rc = journal_commit(fx->j, &req, &r, fx->err, sizeof fx->err);
    if (rc != 0)
        print_error("%s\n", fx->err);
    assert_int_equal(rc, 0);
}

static int index_of(const fixture_t *fx, const char *id)
{
    int i = catalog_find_service(fx->c, id);
    assert_true(i >= 0);
    return i;
}

static void test_counts_per_service_since_a_time(void **state)
{
    fixture_t *fx = *state;
    commit(fx, "khatian_copy", T_MORNING - 40 * DAY); /* before the window */
    commit(fx, "khatian_copy", T_MORNING);
    commit(fx, "khatian_copy", T_MORNING + 60);
    commit(fx, "nid_correction", T_MORNING + 120);
    commit(fx, "retired_service", T_MORNING + 180); /* no longer in the catalog */
    int uses[CATALOG_MAX_SERVICES];
    assert_int_equal(journal_service_uses(fx->j, fx->c, T_MORNING - 30 * DAY, uses), 0);
    assert_int_equal(uses[index_of(fx, "khatian_copy")], 2);
    assert_int_equal(uses[index_of(fx, "nid_correction")], 1);
    int total = 0;
    for (int i = 0; i < fx->c->service_count; i++)
        total += uses[i];
    assert_int_equal(total, 3);
    /* From the beginning: the old requests count too. */
    assert_int_equal(journal_service_uses(fx->j, fx->c, 0, uses), 0);
    assert_int_equal(uses[index_of(fx, "khatian_copy")], 3);
    /* After the last request: nothing, and everything zeroed. */
    memset(uses, 0x55, sizeof uses);
    assert_int_equal(journal_service_uses(fx->j, fx->c, T_MORNING + DAY, uses), 0);
    for (int i = 0; i < fx->c->service_count; i++)
        assert_int_equal(uses[i], 0);
}

/* The counts are what the categories screen and the search rank by. */
static void test_counts_rank_most_used_and_search(void **state)
{
    fixture_t *fx = *state;
    commit(fx, "khatian_search", T_MORNING);
    commit(fx, "khatian_search", T_MORNING + 1);
    commit(fx, "khatian_copy", T_MORNING + 2);
    int uses[CATALOG_MAX_SERVICES], most[3];
    assert_int_equal(journal_service_uses(fx->j, fx->c, 0, uses), 0);
    assert_int_equal(catalog_most_used(fx->c, uses, most, 3), 2);
    assert_int_equal(most[0], index_of(fx, "khatian_search"));
    assert_int_equal(most[1], index_of(fx, "khatian_copy"));
    /* "porcha" is an exact keyword of both: the one used more comes first. */
    search_hit_t hits[3];
    assert_true(catalog_search(fx->c, "porcha", uses, hits, 3) >= 2);
    assert_int_equal(hits[0].service, index_of(fx, "khatian_search"));
    assert_int_equal(hits[1].service, index_of(fx, "khatian_copy"));
    assert_true(catalog_search(fx->c, "porcha", NULL, hits, 3) >= 2);
    assert_int_equal(hits[0].service, index_of(fx, "khatian_copy")); /* catalog order */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_per_service_since_a_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_rank_most_used_and_search, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
