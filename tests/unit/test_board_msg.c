/* tests/unit/test_board_msg.c - the queue board's message for kiosks: read strictly (one
 * wrong member drops the whole message, with where it was wrong), and written back for the
 * technician's export. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue/json.h"
#include "queue/queue.h"
#include "sync/board.h"

static const char *good =
    "{\"v\":1,\"at\":\"2026-11-29T10:31:00+06:00\",\"waiting\":{\"B\":4,\"C\":1},"
    "\"priority\":{\"B\":1,\"C\":0},\"serving\":3,\"service_s\":{\"B\":240},"
    "\"last_called\":{\"B\":\"B-1004\"},\"today\":{\"all\":{\"served\":9,\"noshow\":1,"
    "\"wait_median_s\":600,\"wait_p90_s\":1500,\"service_median_s\":240,\"service_p90_s\":"
    "400},\"services\":{\"birth_reg\":{\"served\":5,\"noshow\":0,\"wait_median_s\":500,"
    "\"wait_p90_s\":900,\"service_median_s\":200,\"service_p90_s\":300}},\"categories\":{},"
    "\"counters\":{\"2\":{\"served\":9,\"noshow\":1,\"wait_median_s\":null,\"wait_p90_s\":null,"
    "\"service_median_s\":null,\"service_p90_s\":null}}}}";

static void test_reads_a_board_message(void **state)
{
    (void)state;
    sync_board_t b;
    char why[160];
    assert_int_equal(sync_board_parse(good, strlen(good), &b, why, sizeof why), 0);
    assert_string_equal(b.at, "2026-11-29T10:31:00+06:00");
    assert_int_equal(b.serving, 3);
    assert_int_equal(b.n_cats, 2);
    assert_string_equal(b.cats[0].category, "B");
    assert_int_equal(b.cats[0].waiting, 4);
    assert_int_equal(b.cats[0].priority, 1);
    assert_int_equal(b.cats[0].service_s, 240);
    assert_int_equal(b.cats[1].service_s, -1); /* nobody served in C yet */
    assert_true(b.has_today);
    assert_int_equal(b.all.served, 9);
    assert_int_equal(b.n_services, 1);
    assert_string_equal(b.services[0].key, "birth_reg");
    assert_int_equal(b.services[0].wait_p90_s, 900);
    assert_int_equal(b.n_counters, 1);
    assert_int_equal(b.counters[0].wait_median_s, -1);

    char json[4096];
    assert_true(sync_board_json(&b, true, json, sizeof json) > 0);
    assert_non_null(strstr(json, "\"current\":true"));
    assert_non_null(strstr(json, "\"birth_reg\":{\"served\":5,\"noshow\":0,\"wait_median_s\":500"));
    assert_non_null(strstr(json, "\"wait_median_s\":null"));
    assert_int_equal(sync_board_json(&b, true, json, 40), -1); /* does not fit: nothing */
}

/* Each bad message is refused whole, saying where. */
static void test_refuses_bad_messages(void **state)
{
    (void)state;
    static const struct {
        const char *json, *why;
    } cases[] = {
        {"", "not JSON"},
        {"[1]", "not a JSON object"},
        {"{\"v\":2,\"at\":\"x\",\"serving\":1,\"waiting\":{}}", "\"v\""},
        {"{\"v\":1,\"serving\":1,\"waiting\":{}}", "\"at\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":-1,\"waiting\":{}}", "\"serving\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1}", "\"waiting\": missing"},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{\"B\":-2}}", "\"waiting\".\"B\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{\"B\":1.5}}", "\"waiting\".\"B\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{\"LONGCAT\":1}}", "not a category"},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":[]}", "\"waiting\": expected an object"},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{},\"service_s\":{\"B\":\"4\"}}",
         "\"service_s\".\"B\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{},\"today\":7}", "\"today\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{},\"today\":{\"all\":{\"served\":1}}}",
         "\"today\".\"all\""},
        {"{\"v\":1,\"at\":\"x\",\"serving\":1,\"waiting\":{},\"today\":{\"all\":{\"served\":1,"
         "\"noshow\":0,\"wait_median_s\":null,\"wait_p90_s\":null,\"service_median_s\":null,"
         "\"service_p90_s\":null},\"services\":{\"x\":{}},\"counters\":{}}}",
         "\"today\".\"services\".\"x\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sync_board_t b;
        char why[160] = "";
        memset(&b, 0x55, sizeof b);
        if (sync_board_parse(cases[i].json, strlen(cases[i].json), &b, why, sizeof why) == 0)
            fail_msg("accepted %s", cases[i].json);
        if (!strstr(why, cases[i].why))
            fail_msg("%s: said \"%s\", expected \"%s\"", cases[i].json, why, cases[i].why);
        assert_int_equal(b.n_cats, 0); /* nothing half-kept */
    }
}

static void test_presence(void **state)
{
    (void)state;
    const char *on = "{\"v\":1,\"online\":true,\"role\":\"board\"}";
    const char *off = "{\"v\":1,\"online\":false}";
    assert_int_equal(sync_board_presence(on, strlen(on)), 1);
    assert_int_equal(sync_board_presence(off, strlen(off)), 0);
    assert_int_equal(sync_board_presence("{}", 2), -1);
    assert_int_equal(sync_board_presence("nope", 4), -1);
}

/* What the board publishes is what a kiosk reads: the two ends agree. */
static void test_the_board_writes_what_kiosks_read(void **state)
{
    (void)state;
    static queue_snapshot_t s;
    memset(&s, 0, sizeof s);
    s.at_ms = 1796000000000LL;
    s.n_cats = 1;
    snprintf(s.cats[0].category, sizeof s.cats[0].category, "B");
    s.cats[0].waiting = 6;
    s.cats[0].priority_waiting = 2;
    s.n_by_cat = 1;
    s.by_cat[0] = (queue_stat_t){"B", 3, 0, 60, 90, 200, 260};
    s.open_counters = 2;
    s.total = (queue_stat_t){"all", 3, 1, 60, 90, 200, 260};
    s.n_services = 1;
    s.services[0] = (queue_stat_t){"nid_correction", 3, 1, 60, 90, 200, 260};
    s.n_counters = 1;
    s.n_by_counter = 1;
    s.by_counter[0] = (queue_stat_t){"1", 3, 1, -1, -1, 200, 260};
    char *json = queue_json_board(&s);
    assert_non_null(json);
    sync_board_t b;
    char why[160] = "";
    if (sync_board_parse(json, strlen(json), &b, why, sizeof why) != 0)
        fail_msg("%s: %s", json, why);
    assert_int_equal(b.cats[0].waiting, 6);
    assert_int_equal(b.cats[0].priority, 2);
    assert_int_equal(b.cats[0].service_s, 200);
    assert_int_equal(b.serving, 2);
    assert_int_equal(b.n_services, 1);
    assert_string_equal(b.services[0].key, "nid_correction");
    assert_int_equal(b.counters[0].wait_median_s, -1);
    assert_int_equal(b.counters[0].service_p90_s, 260);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_a_board_message),
        cmocka_unit_test(test_refuses_bad_messages),
        cmocka_unit_test(test_presence),
        cmocka_unit_test(test_the_board_writes_what_kiosks_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
