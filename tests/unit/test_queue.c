/* tests/unit/test_queue.c - the centre's queue: lifecycle, idempotency, priority policy,
 * figures at known times, transfer, pause, logins, reopening, and kill -9. */
#define _GNU_SOURCE /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "queue/json.h"
#include "queue/mqtt.h"
#include "queue/queue.h"
#include "text/locale.h"

#define SEC 1000LL
#define MIN (60 * SEC)

typedef struct {
    char dir[64];
    queue_t *q;
    int64_t t0; /* 2026-11-29 09:00 in Dhaka */
    int seq;
} fx_t;

static int setup(void **state)
{
    fx_t *f = calloc(1, sizeof *f);
    char err[512];
    snprintf(f->dir, sizeof f->dir, "/tmp/queue-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->q = queue_open(f->dir, err, sizeof err);
    assert_non_null(f->q);
    locale_tm_t tm = {.year = 2026, .month = 11, .day = 29, .hour = 9};
    f->t0 = locale_dhaka_unix(&tm) * 1000;
    queue_err_t e;
    assert_int_equal(queue_counter_set(f->q, 1, "Desk 1", "", &e), QUEUE_OK);
    assert_int_equal(queue_counter_set(f->q, 2, "Desk 2", "A,B", &e), QUEUE_OK);
    assert_int_equal(queue_counter_set(f->q, 3, "Desk 3", "C", &e), QUEUE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_t *f = *state;
    char cmd[128];
    queue_close(f->q);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void reopen(fx_t *f)
{
    char err[512];
    queue_close(f->q);
    f->q = queue_open(f->dir, err, sizeof err);
    assert_non_null(f->q);
}

/* A kiosk's request at t0 + at_ms. */
static void issue(fx_t *f, const char *token, const char *priority, int64_t at_ms)
{
    char tracking[64];
    bool added = false;
    queue_err_t e;
    snprintf(tracking, sizeof tracking, "UDC-1-T01-20261129-%04d", ++f->seq);
    queue_issue_t in = {.tracking = tracking,
                        .token = token,
                        .service = token[0] == 'C' ? "land" : "nid",
                        .priority = priority,
                        .terminal = "T01",
                        .issued_ms = f->t0 + at_ms};
    queue_status_t s = queue_issue(f->q, &in, f->t0 + at_ms, &added, &e);
    if (s != QUEUE_OK)
        fail_msg("issue %s: %s", token, e.msg);
    assert_true(added);
}

static queue_ctx_t at(int counter, fx_t *f, int64_t ms, const char *rid)
{
    return (queue_ctx_t){.counter = counter, .now_ms = f->t0 + ms, .request_id = rid};
}

/* Call next at counter c and return the token (or "" when nobody waits). */
static const char *next(fx_t *f, int c, int64_t ms)
{
    static queue_token_t t;
    queue_err_t e;
    queue_ctx_t ctx = at(c, f, ms, NULL);
    queue_status_t s = queue_next(f->q, &ctx, NULL, &t, &e);
    if (s == QUEUE_EMPTY)
        return "";
    if (s != QUEUE_OK)
        fail_msg("next at counter %d: %s", c, e.msg);
    return t.token;
}

static void done(fx_t *f, int c, const char *token, int64_t ms)
{
    queue_err_t e;
    queue_ctx_t ctx = at(c, f, ms, NULL);
    if (queue_done(f->q, &ctx, token, NULL, &e) != QUEUE_OK)
        fail_msg("done %s: %s", token, e.msg);
}

static void test_lifecycle(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    queue_token_t t;
    issue(f, "B-001", NULL, 0);
    issue(f, "B-002", NULL, 10 * SEC);
    queue_ctx_t c = at(2, f, MIN, NULL);
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_OK);
    assert_string_equal(t.token, "B-001");
    assert_int_equal(t.state, QUEUE_CALLED);
    assert_int_equal(t.counter, 2);
    c.now_ms += 30 * SEC;
    assert_int_equal(queue_recall(f->q, &c, "B-001", &t, &e), QUEUE_OK);
    assert_int_equal(t.calls, 2);
    c.now_ms += 30 * SEC;
    assert_int_equal(queue_serve(f->q, &c, "B-001", &t, &e), QUEUE_OK);
    assert_int_equal(t.state, QUEUE_SERVING);
    /* Serving: no recall, no no-show. */
    assert_int_equal(queue_recall(f->q, &c, "B-001", &t, &e), QUEUE_E_CONFLICT);
    assert_string_equal(e.where, "token");
    assert_int_equal(queue_noshow(f->q, &c, "B-001", &t, &e), QUEUE_E_CONFLICT);
    c.now_ms += 4 * MIN;
    assert_int_equal(queue_done(f->q, &c, "B-001", &t, &e), QUEUE_OK);
    assert_int_equal(t.state, QUEUE_DONE);
    /* The announcements: a call, then a recall, for the speech engine. */
    queue_call_t call;
    assert_true(queue_poll_call(f->q, &call));
    assert_string_equal(call.token, "B-001");
    assert_int_equal(call.counter, 2);
    assert_false(call.recall);
    assert_true(queue_poll_call(f->q, &call));
    assert_true(call.recall);
    assert_false(queue_poll_call(f->q, &call));
    /* The log has the whole life. */
    char kinds[8][16];
    int64_t when[8];
    assert_int_equal(queue_history(f->q, "B-001", kinds, when, 8), 5);
    const char *want[] = {"issued", "called", "recalled", "serving", "done"};
    for (int i = 0; i < 5; i++)
        assert_string_equal(kinds[i], want[i]);
    assert_int_equal(when[4] - when[0], 6 * MIN);
    /* Next one; then a no-show. */
    c.now_ms += SEC;
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_OK);
    assert_string_equal(t.token, "B-002");
    assert_int_equal(queue_noshow(f->q, &c, "B-002", &t, &e), QUEUE_OK);
    assert_int_equal(t.state, QUEUE_NOSHOW);
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_EMPTY);
}

static void test_errors_name_the_field(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    queue_token_t t;
    issue(f, "B-001", NULL, 0);
    queue_ctx_t c2 = at(2, f, MIN, NULL), c1 = at(1, f, MIN, NULL), c9 = at(9, f, MIN, NULL);
    assert_int_equal(queue_done(f->q, &c2, "B-001", &t, &e), QUEUE_E_CONFLICT); /* waiting */
    assert_int_equal(queue_next(f->q, &c2, NULL, &t, &e), QUEUE_OK);
    assert_int_equal(queue_done(f->q, &c1, "B-001", &t, &e), QUEUE_E_FORBIDDEN);
    assert_string_equal(e.where, "token");
    assert_non_null(strstr(e.msg, "counter 2"));
    assert_int_equal(queue_done(f->q, &c2, "B-999", &t, &e), QUEUE_E_UNKNOWN);
    assert_int_equal(queue_done(f->q, &c2, "b-1; DROP TABLE", &t, &e), QUEUE_E_BAD);
    assert_int_equal(queue_done(f->q, &c2, NULL, &t, &e), QUEUE_E_BAD);
    assert_int_equal(queue_next(f->q, &c9, NULL, &t, &e), QUEUE_E_UNKNOWN);
    assert_string_equal(e.where, "counter");
    assert_int_equal(queue_next(f->q, &c1, "b", &t, &e), QUEUE_E_BAD);
    assert_string_equal(e.where, "category");
    assert_int_equal(queue_transfer(f->q, &c2, "B-001", 3, "C", &t, &e), QUEUE_E_BAD);
    assert_int_equal(queue_transfer(f->q, &c2, "B-001", 0, NULL, &t, &e), QUEUE_E_BAD);
    assert_int_equal(queue_transfer(f->q, &c2, "B-001", 2, NULL, &t, &e), QUEUE_E_BAD);
    assert_int_equal(queue_transfer(f->q, &c2, "B-001", 42, NULL, &t, &e), QUEUE_E_UNKNOWN);
    /* None of that changed anything: B-001 is still called at counter 2. */
    queue_counter_t me;
    assert_int_equal(queue_counter_get(f->q, 2, &me, &e), QUEUE_OK);
    assert_string_equal(me.token, "B-001");
    assert_int_equal(queue_http_status(QUEUE_E_FORBIDDEN), 403);
}

static void test_double_click_never_skips(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    queue_token_t t;
    issue(f, "A-001", NULL, 0);
    issue(f, "A-002", NULL, SEC);
    issue(f, "A-003", NULL, 2 * SEC);
    /* The same request twice (a double click, a retried request): one call. */
    queue_ctx_t c = at(2, f, MIN, "press-1");
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_OK);
    assert_string_equal(t.token, "A-001");
    assert_false(t.replayed);
    unsigned long v = queue_version(f->q);
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_OK);
    assert_string_equal(t.token, "A-001");
    assert_true(t.replayed);
    assert_int_equal(queue_version(f->q), v); /* nothing changed */
    queue_call_t call;
    assert_true(queue_poll_call(f->q, &call));
    assert_false(queue_poll_call(f->q, &call)); /* announced once */
    /* Without a request id, the state stops the second "next". */
    c.request_id = NULL;
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_E_CONFLICT);
    assert_non_null(strstr(e.msg, "A-001"));
    /* done twice: the first one counts; the same id answers the same. */
    c.request_id = "press-2";
    assert_int_equal(queue_done(f->q, &c, "A-001", &t, &e), QUEUE_OK);
    assert_int_equal(queue_done(f->q, &c, "A-001", &t, &e), QUEUE_OK);
    assert_true(t.replayed);
    c.request_id = NULL;
    assert_int_equal(queue_done(f->q, &c, "A-001", &t, &e), QUEUE_E_CONFLICT);
    /* An id used for another action is refused, not replayed. */
    c.request_id = "press-2";
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_E_CONFLICT);
    assert_string_equal(e.where, "request");
    /* A-002 is next: nobody was skipped. */
    c.request_id = "press-3";
    assert_int_equal(queue_next(f->q, &c, NULL, &t, &e), QUEUE_OK);
    assert_string_equal(t.token, "A-002");
}

static void test_issue_is_idempotent_on_tracking(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    bool added;
    queue_issue_t in = {
        .tracking = "UDC-1-T01-20261129-0001", .token = "B-001", .issued_ms = f->t0};
    assert_int_equal(queue_issue(f->q, &in, f->t0, &added, &e), QUEUE_OK);
    assert_true(added);
    assert_int_equal(queue_issue(f->q, &in, f->t0, &added, &e), QUEUE_OK);
    assert_false(added);
    in.tracking = "UDC-1-T02-20261129-0001"; /* another terminal with the same token */
    assert_int_equal(queue_issue(f->q, &in, f->t0, &added, &e), QUEUE_E_CONFLICT);
    in.token = "B012";
    assert_int_equal(queue_issue(f->q, &in, f->t0, &added, &e), QUEUE_E_BAD);
    in.token = "B-012";
    in.priority = "vip";
    assert_int_equal(queue_issue(f->q, &in, f->t0, &added, &e), QUEUE_E_BAD);
    assert_string_equal(e.where, "priority");
    queue_snapshot_t *s = malloc(sizeof *s);
    queue_snapshot(f->q, f->t0, s);
    assert_int_equal(s->waiting_total, 1);
    assert_string_equal(s->cats[0].category, "B");
    free(s);
}

/* Calls alternate P R R P R R while both wait; then whatever is left, oldest first. */
static void test_priority_policy(void **state)
{
    fx_t *f = *state;
    issue(f, "A-001", NULL, 0);
    issue(f, "A-002", NULL, 1 * SEC);
    issue(f, "A-003", NULL, 2 * SEC);
    issue(f, "A-004", NULL, 3 * SEC);
    issue(f, "A-005", NULL, 4 * SEC);
    issue(f, "B-001", "elderly", 10 * SEC);
    issue(f, "B-002", "disability", 11 * SEC);
    issue(f, "B-003", "child", 12 * SEC);
    const char *want[] = {"B-001", "A-001", "A-002", "B-002", "A-003",
                          "A-004", "B-003", "A-005", ""};
    for (int i = 0; i < 9; i++) {
        int64_t ms = MIN + i * MIN;
        const char *got = next(f, 1, ms);
        if (strcmp(got, want[i]) != 0)
            fail_msg("call %d: %s, expected %s", i + 1, got, want[i]);
        if (got[0])
            done(f, 1, got, ms + 30 * SEC);
    }
}

/* Many priority tokens cannot starve the regular ones: 2 of every 3 calls stay regular. */
static void test_regular_never_starves(void **state)
{
    fx_t *f = *state;
    char tok[16];
    for (int i = 1; i <= 30; i++) {
        snprintf(tok, sizeof tok, "B-%03d", i);
        issue(f, tok, "pregnancy", i * SEC);
    }
    for (int i = 1; i <= 10; i++) {
        snprintf(tok, sizeof tok, "A-%03d", i);
        issue(f, tok, NULL, 100 * SEC + i * SEC);
    }
    int regular = 0;
    for (int i = 0; i < 15; i++) {
        const char *got = next(f, 1, MIN + i * SEC);
        regular += got[0] == 'A';
        done(f, 1, got, MIN + i * SEC + 1);
    }
    assert_int_equal(regular, 10);
}

static void test_counter_categories_and_choice(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    queue_token_t t;
    issue(f, "C-001", NULL, 0);
    issue(f, "A-001", NULL, SEC);
    /* Counter 2 serves A and B: C-001 is older but not its own. */
    assert_string_equal(next(f, 2, MIN), "A-001");
    done(f, 2, "A-001", 2 * MIN);
    assert_string_equal(next(f, 2, 3 * MIN), "");
    /* Any category when asked for it by name. */
    queue_ctx_t c = at(2, f, 4 * MIN, NULL);
    assert_int_equal(queue_next(f->q, &c, "C", &t, &e), QUEUE_OK);
    assert_string_equal(t.token, "C-001");
}

static void test_transfer(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    queue_token_t t;
    issue(f, "A-001", NULL, 0);
    issue(f, "A-002", NULL, SEC);
    issue(f, "A-003", NULL, 2 * SEC);
    assert_string_equal(next(f, 2, MIN), "A-001");
    queue_ctx_t c = at(2, f, 2 * MIN, NULL);
    assert_int_equal(queue_transfer(f->q, &c, "A-001", 1, NULL, &t, &e), QUEUE_OK);
    assert_int_equal(t.state, QUEUE_WAITING);
    assert_int_equal(t.target_counter, 1);
    /* Counter 2 goes on with A-002; the transferred token waits for counter 1 only. */
    assert_string_equal(next(f, 2, 3 * MIN), "A-002");
    done(f, 2, "A-002", 4 * MIN);
    assert_string_equal(next(f, 2, 5 * MIN), "A-003");
    done(f, 2, "A-003", 6 * MIN);
    assert_string_equal(next(f, 2, 7 * MIN), "");
    assert_string_equal(next(f, 1, 7 * MIN), "A-001");
    /* To a category: counter 3 (C) gets it, keeping its place by issue time. */
    issue(f, "C-001", NULL, 5 * MIN);
    c = at(1, f, 8 * MIN, NULL);
    assert_int_equal(queue_transfer(f->q, &c, "A-001", 0, "C", &t, &e), QUEUE_OK);
    assert_string_equal(t.category, "C");
    assert_string_equal(next(f, 3, 9 * MIN), "A-001");
    char kinds[10][16];
    int64_t when[10];
    int n = queue_history(f->q, "A-001", kinds, when, 10);
    assert_int_equal(n, 6);
    assert_string_equal(kinds[2], "transferred");
    assert_string_equal(kinds[4], "transferred");
}

static void test_pause(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    queue_counter_t me;
    queue_ctx_t c = at(2, f, MIN, NULL);
    assert_int_equal(queue_pause(f->q, &c, true, &e), QUEUE_OK);
    assert_int_equal(queue_counter_get(f->q, 2, &me, &e), QUEUE_OK);
    assert_true(me.paused);
    assert_int_equal(queue_pause(f->q, &c, true, &e), QUEUE_OK); /* again: still paused */
    issue(f, "A-001", NULL, 2 * MIN);
    /* Calling someone opens the counter again. */
    assert_string_equal(next(f, 2, 3 * MIN), "A-001");
    assert_int_equal(queue_counter_get(f->q, 2, &me, &e), QUEUE_OK);
    assert_false(me.paused);
    assert_string_equal(me.token, "A-001");
}

/* Figures from the log at known times: waits 1, 2, 3, 4 and 10 minutes; services of 2, 4,
 * 6 and 8 minutes; one no-show. Nearest rank: median of 5 is the 3rd, p90 the 5th. */
static void test_statistics(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    const char *toks[] = {"A-001", "A-002", "A-003", "A-004", "A-005"};
    for (int i = 0; i < 5; i++)
        issue(f, toks[i], NULL, 0);
    const int wait_min[] = {1, 2, 3, 4, 10};
    const int service_min[] = {2, 4, 6, 8, 0};
    for (int i = 0; i < 5; i++) {
        int counter = i % 2 ? 2 : 1;
        assert_string_equal(next(f, counter, wait_min[i] * MIN), toks[i]);
        queue_ctx_t c = at(counter, f, (wait_min[i] + service_min[i]) * MIN, NULL);
        if (i == 4)
            assert_int_equal(queue_noshow(f->q, &c, toks[i], NULL, &e), QUEUE_OK);
        else
            assert_int_equal(queue_done(f->q, &c, toks[i], NULL, &e), QUEUE_OK);
    }
    queue_snapshot_t *s = malloc(sizeof *s);
    queue_snapshot(f->q, f->t0 + 60 * MIN, s);
    assert_int_equal(s->total.served, 4);
    assert_int_equal(s->total.noshow, 1);
    assert_int_equal(s->total.wait_median_s, 180);
    assert_int_equal(s->total.wait_p90_s, 600);
    assert_int_equal(s->total.service_median_s, 240); /* 2,4,6,8: rank 2 */
    assert_int_equal(s->total.service_p90_s, 480);
    /* Per counter: counter 1 did A-001, A-003 (and the no-show A-005). */
    assert_string_equal(s->by_counter[0].key, "1");
    assert_int_equal(s->by_counter[0].served, 2);
    assert_int_equal(s->by_counter[0].noshow, 1);
    assert_int_equal(s->by_counter[0].service_median_s, 120);
    assert_int_equal(s->by_counter[1].served, 2);
    assert_int_equal(s->by_counter[1].wait_p90_s, 240);
    assert_int_equal(s->by_counter[2].served, 0);
    assert_int_equal(s->by_counter[2].wait_median_s, -1);
    assert_int_equal(s->n_services, 1);
    assert_string_equal(s->services[0].key, "nid");
    /* The kiosks' message: waiting per category, the median service time. */
    char *board = queue_json_board(s);
    cJSON *j = cJSON_Parse(board);
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "service_s"), "A")->valueint, 240);
    assert_int_equal(cJSON_GetObjectItem(j, "v")->valueint, 1);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "last_called"), "A")->valuestring, "A-005");
    cJSON_Delete(j);
    free(board);
    free(s);
}

static void test_reopen_keeps_everything(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    char sid[QUEUE_SESSION_HEX + 1], err[256];
    int retry, counter;
    issue(f, "A-001", NULL, 0);
    issue(f, "A-002", "elderly", SEC);
    assert_string_equal(next(f, 2, MIN), "A-002");
    assert_int_equal(queue_set_pin(f->q, 2, "246810", err, sizeof err), 0);
    assert_int_equal(queue_login(f->q, 2, "246810", f->t0, sid, &retry, &e), QUEUE_OK);
    reopen(f);
    queue_snapshot_t *s = malloc(sizeof *s);
    queue_snapshot(f->q, f->t0 + 2 * MIN, s);
    assert_int_equal(s->waiting_total, 1);
    assert_int_equal(s->n_serving, 1);
    assert_string_equal(s->serving[0].token, "A-002");
    assert_int_equal(s->serving[0].counter, 2);
    assert_int_equal(s->n_counters, 3);
    free(s);
    /* The session survives the restart; the policy too (a priority was just called). */
    assert_int_equal(queue_session(f->q, sid, f->t0 + MIN, &counter, &e), QUEUE_OK);
    assert_int_equal(counter, 2);
    assert_string_equal(next(f, 1, 2 * MIN), "A-001");
}

static void test_login_and_lockout(void **state)
{
    fx_t *f = *state;
    queue_err_t e;
    char sid[QUEUE_SESSION_HEX + 1], sid2[QUEUE_SESSION_HEX + 1], err[256];
    int retry, counter;
    assert_int_equal(queue_set_counter_pin(f->dir, 2, "12345", err, sizeof err), -1);
    assert_non_null(strstr(err, "6"));
    assert_int_equal(queue_set_counter_pin(f->dir, 2, "12a456", err, sizeof err), -1);
    /* Set from "another process" (its own connection) while this one is open. */
    assert_int_equal(queue_set_counter_pin(f->dir, 2, "135790", err, sizeof err), 0);
    assert_int_equal(queue_login(f->q, 4, "135790", f->t0, sid, &retry, &e), QUEUE_E_AUTH);
    assert_int_equal(queue_login(f->q, 2, "135790", f->t0, sid, &retry, &e), QUEUE_OK);
    assert_int_equal(strlen(sid), 32);
    assert_int_equal(queue_login(f->q, 2, "135790", f->t0, sid2, &retry, &e), QUEUE_OK);
    assert_string_not_equal(sid, sid2);
    assert_int_equal(queue_session(f->q, sid, f->t0 + 11 * 3600 * SEC, &counter, &e), QUEUE_OK);
    assert_int_equal(queue_session(f->q, sid, f->t0 + 12 * 3600 * SEC, &counter, &e),
                     QUEUE_E_AUTH); /* expired */
    assert_int_equal(queue_logout(f->q, sid2, &e), QUEUE_OK);
    assert_int_equal(queue_session(f->q, sid2, f->t0, &counter, &e), QUEUE_E_AUTH);
    assert_int_equal(queue_session(f->q, "not-a-session", f->t0, &counter, &e), QUEUE_E_AUTH);
    /* Four wrong PINs are answered "wrong"; the fifth locks for 30 s, the sixth for 60 s. */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(queue_login(f->q, 2, "000000", f->t0, sid, &retry, &e), QUEUE_E_AUTH);
        assert_int_equal(retry, 0);
    }
    assert_int_equal(queue_login(f->q, 2, "000000", f->t0, sid, &retry, &e), QUEUE_E_AUTH);
    assert_int_equal(retry, 30);
    assert_int_equal(queue_login(f->q, 2, "135790", f->t0 + 10 * SEC, sid, &retry, &e),
                     QUEUE_E_LOCKED);
    reopen(f); /* a restart does not lift it */
    assert_int_equal(queue_login(f->q, 2, "135790", f->t0 + 20 * SEC, sid, &retry, &e),
                     QUEUE_E_LOCKED);
    assert_int_equal(retry, 10);
    assert_int_equal(queue_login(f->q, 2, "999999", f->t0 + 31 * SEC, sid, &retry, &e),
                     QUEUE_E_AUTH);
    assert_int_equal(retry, 60);
    assert_int_equal(queue_login(f->q, 2, "135790", f->t0 + 92 * SEC, sid, &retry, &e), QUEUE_OK);
}

static void test_times_and_events(void **state)
{
    fx_t *f = *state;
    char iso[32], err[128];
    queue_iso_time(f->t0 + 5 * SEC, iso);
    assert_string_equal(iso, "2026-11-29T09:00:05+06:00");
    assert_int_equal(queue_parse_iso(iso), f->t0 + 5 * SEC);
    assert_int_equal(queue_parse_iso("2026-11-29T03:00:05Z"), f->t0 + 5 * SEC);
    assert_int_equal(queue_parse_iso("2026-11-29T03:00:05.250Z"), f->t0 + 5 * SEC);
    assert_int_equal(queue_parse_iso("2026-11-29 03:00:05Z"), -1);
    assert_int_equal(queue_parse_iso("2026-11-29T03:00:05+0600"), -1);
    const char *ev = "{\"v\": 1, \"event\": \"X/1\", \"kind\": \"request\", \"tracking\": \"X\","
                     " \"at\": \"2026-11-29T09:00:05+06:00\", \"token\": \"B-2007\","
                     " \"category\": \"B\", \"service\": \"nid\", \"priority\": null}";
    queue_issue_t in;
    cJSON *j;
    assert_int_equal(queue_mqtt_parse_event(ev, strlen(ev), &in, &j, err, sizeof err), 0);
    assert_string_equal(in.token, "B-2007");
    assert_null(in.priority);
    assert_int_equal(in.issued_ms, f->t0 + 5 * SEC);
    cJSON_Delete(j);
    const char *print = "{\"v\": 1, \"kind\": \"print\", \"status\": \"printed\"}";
    assert_int_equal(queue_mqtt_parse_event(print, strlen(print), &in, &j, err, sizeof err), 1);
    cJSON_Delete(j);
    const char *bad[] = {"[1]",
                         "{\"v\": 2, \"kind\": \"request\"}",
                         "{\"v\": 1}",
                         "{\"v\": 1, \"kind\": \"request\", \"token\": 7}",
                         "{\"v\": 1, \"kind\": \"request\", \"at\": \"yesterday\"}",
                         "{"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(queue_mqtt_parse_event(bad[i], strlen(bad[i]), &in, &j, err, sizeof err),
                         -1);
        cJSON_Delete(j);
    }
}

#if !defined(__aarch64__) /* see main() */
/* A child calls and finishes tokens as fast as it can, telling the parent over a pipe each
 * action that returned; the parent kills it with SIGKILL at a random moment. Reopened, the
 * queue must hold every answered action and be consistent: each token's state is what its
 * log's last event says, and the file passes SQLite's integrity check. */
static void run_child(const char *dir, int fd, int64_t t0, int round)
{
    char err[256], tok[16], tracking[32];
    queue_t *q = queue_open(dir, err, sizeof err);
    if (!q)
        _exit(3);
    queue_err_t e;
    queue_token_t t;
    for (int i = 0;; i++) {
        bool added;
        snprintf(tok, sizeof tok, "Z-%d", round * 100000 + i);
        snprintf(tracking, sizeof tracking, "kill-%d-%d", round, i);
        queue_issue_t in = {.tracking = tracking, .token = tok, .issued_ms = t0 + i};
        if (queue_issue(q, &in, t0 + i, &added, &e) != QUEUE_OK)
            _exit(7);
        queue_ctx_t c = {.counter = 1, .now_ms = t0 + i};
        if (queue_next(q, &c, NULL, &t, &e) != QUEUE_OK)
            _exit(4);
        if (queue_done(q, &c, t.token, &t, &e) != QUEUE_OK)
            _exit(5);
        if (write(fd, "d", 1) != 1)
            _exit(6);
    }
}

static void test_survives_kill_9(void **state)
{
    fx_t *f = *state;
    char tok[16];
    for (int i = 1; i <= 400; i++) {
        snprintf(tok, sizeof tok, "A-%03d", i);
        issue(f, tok, i % 5 ? NULL : "elderly", i);
    }
    queue_close(f->q);
    f->q = NULL; /* the child opens its own */
    srand((unsigned)time(NULL));
    long total = 0;
    for (int round = 0; round < 3; round++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            run_child(f->dir, p[1], f->t0 + MIN + round * 100000, round);
        }
        close(p[1]);
        /* Kill it after a random number of answered actions, a random moment later. */
        long answered = 0, target = 5 + rand() % 40;
        char buf[512];
        ssize_t n;
        while (answered < target && (n = read(p[0], buf, 1)) == 1)
            answered++;
        struct timespec ts = {0, (rand() % 5000) * 1000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        if (!WIFSIGNALED(status))
            fail_msg("the child ended by itself: status %d", WEXITSTATUS(status));
        while ((n = read(p[0], buf, sizeof buf)) > 0)
            answered += n;
        close(p[0]);
        reopen(f);
        queue_snapshot_t *s = malloc(sizeof *s);
        queue_snapshot(f->q, f->t0 + 10 * MIN, s);
        /* Each round's answered "done"s are all there (one more may have committed). */
        assert_true(answered > 0);
        assert_true(s->total.served >= total + answered);
        assert_true(s->total.served <= total + answered + 1);
        total = s->total.served;
        assert_true(s->n_serving <= 1); /* killed between next and done at most */
        free(s);
        /* The log and the state agree for every token. */
        sqlite3 *db;
        char path[128];
        snprintf(path, sizeof path, "%s/queue.sqlite", f->dir);
        assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT count(*) FROM tokens t WHERE state != "
                                            "(SELECT CASE kind WHEN 'issued' THEN 'waiting' "
                                            "WHEN 'recalled' THEN 'called' ELSE kind END FROM "
                                            "events WHERE token_id = t.id ORDER BY id DESC "
                                            "LIMIT 1)",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 0);
        sqlite3_finalize(st);
        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
        sqlite3_finalize(st);
        sqlite3_close(db);
        /* A token left called by the kill is finished, so the next round can go on. */
        queue_counter_t me;
        queue_err_t e;
        assert_int_equal(queue_counter_get(f->q, 1, &me, &e), QUEUE_OK);
        if (me.token[0]) {
            done(f, 1, me.token, 11 * MIN);
            total++;
        }
        queue_close(f->q);
        f->q = NULL;
    }
    reopen(f);
}
#endif

static void test_snapshot_json(void **state)
{
    fx_t *f = *state;
    issue(f, "A-001", NULL, 0);
    issue(f, "B-001", "child", SEC);
    assert_string_equal(next(f, 2, MIN), "B-001");
    queue_snapshot_t *s = malloc(sizeof *s);
    queue_snapshot(f->q, f->t0 + 2 * MIN, s);
    char *json = queue_json_snapshot(s, 2);
    cJSON *j = cJSON_Parse(json);
    assert_non_null(j);
    cJSON *w = cJSON_GetObjectItem(j, "waiting");
    assert_int_equal(cJSON_GetArraySize(w), 1);
    cJSON *w0 = cJSON_GetArrayItem(w, 0);
    assert_string_equal(cJSON_GetObjectItem(w0, "token")->valuestring, "A-001");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(w0, "priority")));
    assert_string_equal(cJSON_GetObjectItem(w0, "issued")->valuestring,
                        "2026-11-29T09:00:00+06:00");
    cJSON *sv = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "serving"), 0);
    assert_string_equal(cJSON_GetObjectItem(sv, "token")->valuestring, "B-001");
    assert_int_equal(cJSON_GetObjectItem(sv, "counter")->valueint, 2);
    assert_string_equal(cJSON_GetObjectItem(sv, "called")->valuestring,
                        "2026-11-29T09:01:00+06:00");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "me"), "token")->valuestring,
                        "B-001");
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "today"), "counters"));
    cJSON_Delete(j);
    free(json);
    free(s);
}

/* The lockout rule, written out: free failures cost nothing, then 30 s, 60 s, 120 s ... and
 * never more than 15 minutes, however many. */
static void test_lockout_doubles_to_fifteen_minutes(void **state)
{
    (void)state;
    assert_int_equal(queue_lockout_ms(0, 5), 0);
    assert_int_equal(queue_lockout_ms(4, 5), 0);
    assert_int_equal(queue_lockout_ms(5, 5), 30000);
    assert_int_equal(queue_lockout_ms(6, 5), 60000);
    assert_int_equal(queue_lockout_ms(9, 5), 480000);
    assert_int_equal(queue_lockout_ms(10, 5), 900000); /* 960 s, held at 15 min */
    assert_int_equal(queue_lockout_ms(1000000, 5), 900000);
    assert_int_equal(queue_lockout_ms(10, 10), 30000); /* an address's ten free tries */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lockout_doubles_to_fifteen_minutes),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_click_never_skips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_issue_is_idempotent_on_tracking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_priority_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_regular_never_starves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counter_categories_and_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statistics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_and_lockout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_times_and_events, setup, teardown),
#if !defined(__aarch64__)
        /* The cross build is only ever tested under qemu-user, where a forked child can hang
         * inside the emulator before running any of our code; tests/check-queue.py kills the
         * real server with SIGKILL natively, and this test runs natively on both builds. */
        cmocka_unit_test_setup_teardown(test_survives_kill_9, setup, teardown),
#endif
        cmocka_unit_test_setup_teardown(test_snapshot_json, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
