/*
 * tests/fuzz/fuzz_catalog.c - fuzz target for the service catalog (catalog_parse): the JSON a
 * centre edits by hand, so any byte sequence must be rejected cleanly or loaded whole.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/search.h"

/* The icon font knows lowercase names with '_' (Material Symbols); anything else is rejected
 * here, so both answers of the check run without loading the real font for every input. */
static bool icon_ok(const char *name, void *ctx)
{
    (void)ctx;
    return name[0] && strspn(name, "abcdefghijklmnopqrstuvwxyz_") == strlen(name);
}

/* What a loaded catalog promises its users: every text set, every index in range. */
static void check_loaded(const catalog_t *c)
{
    if (c->category_count < 1 || c->category_count > CATALOG_MAX_CATEGORIES ||
        c->service_count < 1 || c->service_count > CATALOG_MAX_SERVICES)
        abort();
    for (int i = 0; i < c->service_count; i++) {
        const catalog_service_t *s = &c->services[i];
        if (s->category < 0 || s->category >= c->category_count || s->field_count < 0 ||
            s->field_count > CATALOG_MAX_FIELDS || !s->name.s[LANG_BN] || !s->name.s[LANG_EN])
            abort();
        if (catalog_find_service(c, s->id) != i)
            abort(); /* ids are unique, so the lookup finds this one */
    }
    /* Searching for a service's own name finds it (an exact match), unless the list is full
     * of others ranked as high; every hit is a service, best first. */
    for (int i = 0; i < c->service_count; i++) {
        search_hit_t hits[8];
        char skel[SEARCH_SKELETON_MAX + 1];
        const char *name = c->services[i].name.s[i % LANG_COUNT];
        int n = catalog_search(c, name, NULL, hits, 8);
        bool found = false;
        if (n < 0 || n > 8)
            abort();
        for (int h = 0; h < n; h++) {
            if (hits[h].service < 0 || hits[h].service >= c->service_count ||
                (h > 0 && hits[h].score > hits[h - 1].score))
                abort();
            found |= hits[h].service == i;
        }
        if (n < 8 && search_skeleton(name, skel, NULL) > 0 && !found)
            abort();
    }
    /* Prints every service's strings: reads each of them to its end. */
    static FILE *sink;
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    catalog_list_services(c, sink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    catalog_t *c =
        catalog_parse("fuzz.json", (const char *)data, size, icon_ok, NULL, err, sizeof err);
    if (c) {
        check_loaded(c);
        catalog_free(c);
    } else if (strncmp(err, "fuzz.json:", 10) != 0) {
        abort(); /* every error names the file */
    }
    return 0;
}
