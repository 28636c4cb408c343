/* tests/unit/test_ui_hits.c - unit tests for the hit list of ui/ui: targets clipped by a
 * scrolled area keep their visible part, and a sliver under the 9 mm minimum that a scroll
 * left at the edge is seen but not pressed. */
#include "ui/ui.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ui/widgets.h"

/* 132 dpi (the 7" panel): 9 mm is 46.8 px. */
static ui_t *ui_800x480(void)
{
    ui_t *ui = calloc(1, sizeof *ui);
    assert_non_null(ui);
    ui_init(ui, 800, 480, 132, NULL, NULL);
    return ui;
}

static const ui_hit_t *find(const ui_t *ui, const char *id)
{
    for (int i = 0; i < ui->hit_count; i++)
        if (strcmp(ui->hits[i].id, id) == 0)
            return &ui->hits[i];
    return NULL;
}

static void test_clipped_rows_keep_their_visible_part(void **state)
{
    (void)state;
    ui_t *ui = ui_800x480();
    ui_rect_t saved;
    ui_push_clip(ui, (ui_rect_t){0, 100, 800, 300}, &saved); /* a list from y 100 to 400 */
    ui_hit(ui, "svc:whole", (ui_rect_t){0, 120, 700, 80});
    ui_hit(ui, "svc:half", (ui_rect_t){0, 340, 700, 80});    /* 60 px visible: still a target */
    ui_hit(ui, "svc:sliver", (ui_rect_t){710, 380, 80, 80}); /* 20 px visible: not one */
    ui_hit(ui, "svc:above", (ui_rect_t){0, 70, 700, 80});    /* 50 px visible at the top */
    ui_hit(ui, "svc:gone", (ui_rect_t){0, 400, 700, 80});    /* nothing visible: no entry */
    ui_pop_clip(ui, saved);
    /* Small by design, not by clipping: stays pressable (the 9 mm test must see it). */
    ui_hit(ui, "tiny", (ui_rect_t){10, 10, 20, 20});
    const ui_hit_t *h = find(ui, "svc:whole");
    assert_true(h && h->active && h->r.h == 80);
    h = find(ui, "svc:half");
    assert_true(h && h->active && h->r.y == 340 && h->r.h == 60);
    h = find(ui, "svc:sliver");
    assert_true(h && !h->active && h->r.h == 20);
    h = find(ui, "svc:above");
    assert_true(h && h->active && h->r.y == 100 && h->r.h == 50);
    assert_null(find(ui, "svc:gone"));
    h = find(ui, "tiny");
    assert_true(h && h->active);
    /* A touch on the sliver presses nothing. */
    assert_null(ui_hit_at(ui, 750, 390));
    assert_string_equal(ui_hit_at(ui, 300, 390 - 30)->id, "svc:half");
    free(ui);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clipped_rows_keep_their_visible_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
