/* tests/unit/test_theme.c - the themes: every text/background pair at least 7:1 (WCAG 2 AAA),
 * roles resolved to colours, literal colours kept, blending. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ui/theme.h"
#include "ui/widgets.h"

static void test_every_pair_of_every_theme_is_aaa(void **state)
{
    (void)state;
    int n;
    const theme_pair_t *pairs = theme_pairs(&n);
    assert_true(n >= 10);
    for (int t = 0; t < THEME_COUNT; t++) {
        const theme_t *th = theme_get((theme_id_t)t);
        for (int i = 0; i < n; i++) {
            ui_color_t fg = th->color[pairs[i].text], bg = th->color[pairs[i].bg];
            double r = theme_contrast(fg, bg);
            if (r < 7.0)
                fail_msg("theme %s: text role %d (%06X) on role %d (%06X) is %.2f:1", th->name,
                         pairs[i].text, fg & 0xFFFFFF, pairs[i].bg, bg & 0xFFFFFF, r);
        }
    }
}

/* The contrast formula against WCAG's own figures: black on white is 21:1, a colour on itself
 * 1:1, and #777777 on white about 4.48:1. */
static void test_contrast_formula(void **state)
{
    (void)state;
    assert_true(theme_contrast(0xFF000000u, 0xFFFFFFFFu) > 20.99);
    assert_true(theme_contrast(0xFFFFFFFFu, 0xFF000000u) > 20.99);
    assert_true(theme_contrast(0xFF123456u, 0xFF123456u) < 1.0001);
    double grey = theme_contrast(0xFF777777u, 0xFFFFFFFFu);
    assert_true(grey > 4.47 && grey < 4.49);
}

static void test_roles_resolve_and_literals_stay(void **state)
{
    (void)state;
    const theme_t *def = theme_get(THEME_DEFAULT), *hc = theme_get(THEME_CONTRAST);
    assert_int_equal(theme_resolve(def, COLOR_PRIMARY), def->color[THEME_PRIMARY]);
    assert_int_equal(theme_resolve(hc, COLOR_BG), 0xFF000000u);
    assert_int_equal(theme_resolve(def, 0xFF123456u), 0xFF123456u);
    assert_int_equal(theme_resolve(hc, 0x66FFFFFFu), 0x66FFFFFFu);
    /* Every role of every theme is a colour, never left at 0 (transparent black). */
    for (int t = 0; t < THEME_COUNT; t++)
        for (int r = 0; r < THEME_ROLE_COUNT; r++)
            assert_true(theme_get((theme_id_t)t)->color[r] >> 24 != 0);
    assert_ptr_equal(theme_get((theme_id_t)99), def);
}

static void test_blend(void **state)
{
    (void)state;
    assert_int_equal(theme_blend(0xFF112233u, 0xFFFFFFFFu), 0xFF112233u);
    assert_int_equal(theme_blend(0x00112233u, 0xFFABCDEFu), 0xFFABCDEFu);
    /* The default scrim (60 % black) over white. */
    assert_int_equal(theme_blend(0x99000000u, 0xFFFFFFFFu), 0xFF666666u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_pair_of_every_theme_is_aaa),
        cmocka_unit_test(test_contrast_formula),
        cmocka_unit_test(test_roles_resolve_and_literals_stay),
        cmocka_unit_test(test_blend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
