/* tests/unit/test_touch.c - unit tests for platform/touch: calibration, rotation, inverse. */
#include "platform/touch.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/*
 * Expected corners are worked out from the geometry, not from the code: with the display
 * rotated 90 degrees clockwise the UI's top edge lies along the panel's right edge, so the UI's
 * top-left corner is the panel's top-right corner, raw (1, 0).
 */

static const float IDENTITY[6] = {1, 0, 0, 0, 1, 0};

/* Calibrations a real panel may need, all invertible. */
static const float CALS[][6] = {
    {1, 0, 0, 0, 1, 0},                           /* identity */
    {0, 1, 0, 1, 0, 0},                           /* axes swapped */
    {-1, 0, 1, 0, 1, 0},                          /* x mirrored */
    {1, 0, 0, 0, -1, 1},                          /* y mirrored */
    {1.1f, 0, -0.05f, 0, 0.95f, 0.02f},           /* scaled with an offset */
    {0, -1.05f, 1.02f, 0.98f, 0, -0.01f},         /* swapped, mirrored, scaled and offset */
    {1.02f, 0.03f, -0.02f, -0.04f, 0.97f, 0.01f}, /* slightly skewed */
};
#define CAL_COUNT (int)(sizeof CALS / sizeof CALS[0])

static const int ROTATIONS[] = {0, 90, 180, 270};

/* Logical size for a rotation: a landscape 800x480 panel shows a portrait UI at 90/270. */
static void logical_size(int rotation, int *w, int *h)
{
    bool portrait = rotation == 90 || rotation == 270;
    *w = portrait ? 480 : 800;
    *h = portrait ? 800 : 480;
}

static touch_map_t make_map(int rotation, const float cal[6])
{
    touch_map_t m;
    int w, h;
    logical_size(rotation, &w, &h);
    assert_true(touch_map_init(&m, rotation, cal, w, h));
    return m;
}

static void expect_apply(const touch_map_t *m, float nx, float ny, int ex, int ey)
{
    int x = -1, y = -1;
    touch_map_apply(m, nx, ny, &x, &y);
    if (x != ex || y != ey)
        fail_msg("rotation %d: raw (%g, %g) -> (%d, %d), expected (%d, %d)", m->rotation,
                 (double)nx, (double)ny, x, y, ex, ey);
}

static void test_rotation_0_corners(void **state)
{
    (void)state;
    touch_map_t m = make_map(0, IDENTITY);
    expect_apply(&m, 0, 0, 0, 0);
    expect_apply(&m, 1, 0, 799, 0);
    expect_apply(&m, 0, 1, 0, 479);
    expect_apply(&m, 1, 1, 799, 479);
    expect_apply(&m, 0.5f, 0.25f, 400, 120);
}

static void test_rotation_90_corners(void **state)
{
    (void)state;
    touch_map_t m = make_map(90, IDENTITY); /* 480x800 UI */
    expect_apply(&m, 1, 0, 0, 0);           /* panel top-right: UI top-left */
    expect_apply(&m, 1, 1, 479, 0);         /* panel bottom-right: UI top-right */
    expect_apply(&m, 0, 0, 0, 799);         /* panel top-left: UI bottom-left */
    expect_apply(&m, 0, 1, 479, 799);       /* panel bottom-left: UI bottom-right */
    expect_apply(&m, 0.75f, 0.25f, 120, 200);
}

static void test_rotation_180_corners(void **state)
{
    (void)state;
    touch_map_t m = make_map(180, IDENTITY);
    expect_apply(&m, 1, 1, 0, 0);
    expect_apply(&m, 0, 1, 799, 0);
    expect_apply(&m, 1, 0, 0, 479);
    expect_apply(&m, 0, 0, 799, 479);
    expect_apply(&m, 0.75f, 0.75f, 200, 120);
}

static void test_rotation_270_corners(void **state)
{
    (void)state;
    touch_map_t m = make_map(270, IDENTITY); /* 480x800 UI */
    expect_apply(&m, 0, 1, 0, 0);            /* panel bottom-left: UI top-left */
    expect_apply(&m, 0, 0, 479, 0);          /* panel top-left: UI top-right */
    expect_apply(&m, 1, 1, 0, 799);          /* panel bottom-right: UI bottom-left */
    expect_apply(&m, 1, 0, 479, 799);        /* panel top-right: UI bottom-right */
    expect_apply(&m, 0.25f, 0.75f, 120, 200);
}

static void test_rotate_without_calibration_matches_identity_apply(void **state)
{
    (void)state;
    float cal[6] = {0, 1, 0, 1, 0, 0}; /* rotate must ignore this */
    for (int r = 0; r < 4; r++) {
        touch_map_t m = make_map(ROTATIONS[r], cal);
        touch_map_t id = make_map(ROTATIONS[r], IDENTITY);
        for (float u = 0.05f; u < 1.0f; u += 0.1f) {
            int x1, y1, x2, y2;
            touch_map_rotate(&m, u, 1.0f - u / 2, &x1, &y1);
            touch_map_apply(&id, u, 1.0f - u / 2, &x2, &y2);
            assert_int_equal(x1, x2);
            assert_int_equal(y1, y2);
        }
    }
}

static void test_calibration_is_applied_before_rotation(void **state)
{
    (void)state;
    /* A panel with swapped axes: raw x is the panel's v. Raw (0, 1) is panel (1, 0), which
     * at rotation 90 is the UI's top-left. */
    float swapped[6] = {0, 1, 0, 1, 0, 0};
    touch_map_t m = make_map(90, swapped);
    expect_apply(&m, 0, 1, 0, 0);
    /* A mirrored x with rotation 0: raw (1, 0) is the left edge. */
    float mirrored[6] = {-1, 0, 1, 0, 1, 0};
    touch_map_t mm = make_map(0, mirrored);
    expect_apply(&mm, 1, 0, 0, 0);
    expect_apply(&mm, 0.25f, 0.5f, 600, 240);
}

/* Samples 0, step, 2*step... and always the last pixel n - 1. */
static int next_sample(int v, int step, int n)
{
    if (v == n - 1)
        return n;
    return v + step < n - 1 ? v + step : n - 1;
}

/* apply(invert(x, y)) lands on (x, y) for a grid of pixels, including the edges. */
static void check_round_trip(const touch_map_t *m)
{
    for (int y = 0; y < m->h; y = next_sample(y, 7, m->h)) {
        for (int x = 0; x < m->w; x = next_sample(x, 5, m->w)) {
            float nx, ny;
            int bx = -1, by = -1;
            touch_map_invert(m, x, y, &nx, &ny);
            touch_map_apply(m, nx, ny, &bx, &by);
            if (bx != x || by != y)
                fail_msg("rotation %d cal {%g %g %g; %g %g %g}: (%d, %d) -> raw (%g, %g) -> "
                         "(%d, %d)",
                         m->rotation, (double)m->cal[0], (double)m->cal[1], (double)m->cal[2],
                         (double)m->cal[3], (double)m->cal[4], (double)m->cal[5], x, y, (double)nx,
                         (double)ny, bx, by);
        }
    }
}

static void test_invert_round_trips_every_rotation_and_calibration(void **state)
{
    (void)state;
    for (int c = 0; c < CAL_COUNT; c++)
        for (int r = 0; r < 4; r++) {
            touch_map_t m = make_map(ROTATIONS[r], CALS[c]);
            check_round_trip(&m);
        }
}

static void test_invert_round_trips_on_a_large_screen(void **state)
{
    (void)state;
    touch_map_t m;
    assert_true(touch_map_init(&m, 90, CALS[5], 1080, 1920));
    check_round_trip(&m);
}

/* For identity calibration, invert gives raw coordinates inside the panel. */
static void test_invert_identity_stays_on_the_panel(void **state)
{
    (void)state;
    for (int r = 0; r < 4; r++) {
        touch_map_t m = make_map(ROTATIONS[r], IDENTITY);
        int corners[4][2] = {{0, 0}, {m.w - 1, 0}, {0, m.h - 1}, {m.w - 1, m.h - 1}};
        for (int i = 0; i < 4; i++) {
            float nx, ny;
            touch_map_invert(&m, corners[i][0], corners[i][1], &nx, &ny);
            assert_true(nx > 0.0f && nx < 1.0f);
            assert_true(ny > 0.0f && ny < 1.0f);
        }
    }
}

static void test_init_rejects_singular_matrix(void **state)
{
    (void)state;
    touch_map_t m;
    float zero[6] = {0, 0, 0, 0, 0, 0};
    float dependent[6] = {1, 2, 0.1f, 2, 4, 0.3f};
    float one_axis[6] = {1, 0, 0, 1, 0, 0};
    assert_false(touch_map_init(&m, 0, zero, 800, 480));
    assert_false(touch_map_init(&m, 0, dependent, 800, 480));
    assert_false(touch_map_init(&m, 90, one_axis, 480, 800));
    assert_true(touch_map_init(&m, 0, CALS[5], 800, 480));
}

static void test_out_of_range_touches_clamp_into_screen(void **state)
{
    (void)state;
    touch_map_t m0 = make_map(0, IDENTITY);
    expect_apply(&m0, -0.5f, -0.2f, 0, 0);
    expect_apply(&m0, 1.5f, 2.0f, 799, 479);
    expect_apply(&m0, -3.0f, 0.5f, 0, 240);
    expect_apply(&m0, 0.5f, 7.0f, 400, 479);
    touch_map_t m90 = make_map(90, IDENTITY);
    expect_apply(&m90, 1.2f, -0.3f, 0, 0);
    expect_apply(&m90, -1.0f, 1.5f, 479, 799);
}

static void test_offset_calibration_clamps_into_screen(void **state)
{
    (void)state;
    float shifted[6] = {1.2f, 0, -0.1f, 0, 1.2f, -0.1f}; /* raw 0 and 1 land off the panel */
    for (int r = 0; r < 4; r++) {
        touch_map_t m = make_map(ROTATIONS[r], shifted);
        for (float nx = 0.0f; nx <= 1.0f; nx += 0.125f)
            for (float ny = 0.0f; ny <= 1.0f; ny += 0.125f) {
                int x, y;
                touch_map_apply(&m, nx, ny, &x, &y);
                assert_in_range(x, 0, m.w - 1);
                assert_in_range(y, 0, m.h - 1);
            }
    }
}

/* A misbehaving driver can report anything: a far-off value still lands on the nearest edge. */
static void test_far_out_of_range_touches_clamp_to_nearest_edge(void **state)
{
    (void)state;
    touch_map_t m = make_map(0, IDENTITY);
    expect_apply(&m, 1e9f, 1e9f, 799, 479);
    expect_apply(&m, -1e9f, -1e9f, 0, 0);
    expect_apply(&m, 1e9f, 0.5f, 799, 240);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotation_0_corners),
        cmocka_unit_test(test_rotation_90_corners),
        cmocka_unit_test(test_rotation_180_corners),
        cmocka_unit_test(test_rotation_270_corners),
        cmocka_unit_test(test_rotate_without_calibration_matches_identity_apply),
        cmocka_unit_test(test_calibration_is_applied_before_rotation),
        cmocka_unit_test(test_invert_round_trips_every_rotation_and_calibration),
        cmocka_unit_test(test_invert_round_trips_on_a_large_screen),
        cmocka_unit_test(test_invert_identity_stays_on_the_panel),
        cmocka_unit_test(test_init_rejects_singular_matrix),
        cmocka_unit_test(test_out_of_range_touches_clamp_into_screen),
        cmocka_unit_test(test_offset_calibration_clamps_into_screen),
        cmocka_unit_test(test_far_out_of_range_touches_clamp_to_nearest_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
