/* tests/unit/test_waiter.c - the KMSDRM waiter, on FIFOs standing in for evdev nodes. */
#define _GNU_SOURCE /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform/waiter.h"

typedef struct {
    char dir[64];
    waiter_t w;
} fx_t;

static void node(fx_t *f, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    assert_int_equal(mkfifo(path, 0600), 0);
}

/* A writer on a node (kept open: a FIFO whose writer left reads as hung up). */
static int writer(fx_t *f, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    int fd = open(path, O_WRONLY | O_NONBLOCK);
    assert_true(fd >= 0);
    return fd;
}

static fx_t *fx_new(void)
{
    fx_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/kiosk-wait-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    node(f, "event0");
    node(f, "mouse0"); /* not an event node: SDL does not read it, neither do we */
    char err[256];
    assert_int_equal(waiter_open(&f->w, f->dir, err, sizeof err), 0);
    return f;
}

static void fx_free(fx_t *f)
{
    char cmd[128];
    waiter_close(&f->w);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
}

static void test_input_wakes_and_is_drained(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    assert_int_equal(waiter_device_count(&f->w), 1);
    int wfd = writer(f, "event0");
    assert_int_equal(waiter_wait(&f->w, 0), WAIT_TIMEOUT);
    assert_int_equal(write(wfd, "0123456789abcdef", 16), 16); /* one input_event's worth */
    assert_int_equal(waiter_wait(&f->w, 5000), WAIT_INPUT);
    /* Drained: nothing left to wake for. */
    assert_int_equal(waiter_wait(&f->w, 0), WAIT_TIMEOUT);
    close(wfd);
    fx_free(f);
}

static void *wake_later(void *arg)
{
    struct timespec t = {0, 20 * 1000 * 1000};
    nanosleep(&t, NULL);
    waiter_wake(arg);
    return NULL;
}

static void test_wake_from_another_thread(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wake_later, &f->w), 0);
    assert_int_equal(waiter_wait(&f->w, 10000), WAIT_WAKE);
    pthread_join(t, NULL);
    assert_int_equal(waiter_wait(&f->w, 0), WAIT_TIMEOUT);
    /* A wake before the wait is not lost either. */
    waiter_wake(&f->w);
    assert_int_equal(waiter_wait(&f->w, 10000), WAIT_WAKE);
    fx_free(f);
}

static void test_hot_plugged_device_is_waited_on(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    node(f, "event1");
    assert_true(waiter_wait(&f->w, 5000) & WAIT_DEVICES);
    assert_int_equal(waiter_device_count(&f->w), 2);
    int wfd = writer(f, "event1");
    assert_int_equal(write(wfd, "x", 1), 1);
    assert_true(waiter_wait(&f->w, 5000) & WAIT_INPUT);
    close(wfd);
    /* Unplugged: no longer watched. */
    char path[128];
    snprintf(path, sizeof path, "%s/event1", f->dir);
    assert_int_equal(unlink(path), 0);
    int what = 0;
    for (int i = 0; i < 3 && waiter_device_count(&f->w) != 1; i++)
        what |= waiter_wait(&f->w, 5000);
    assert_true(what & WAIT_DEVICES);
    assert_int_equal(waiter_device_count(&f->w), 1);
    fx_free(f);
}

static void test_more_devices_than_slots_is_reported(void **state)
{
    (void)state;
    fx_t *f = fx_new();
    assert_false(waiter_overflow(&f->w));
    for (int i = 1; i <= WAIT_MAX_DEVICES; i++) {
        char name[24];
        snprintf(name, sizeof name, "event%d", i);
        node(f, name);
    }
    int what = 0;
    for (int i = 0; i < 40 && !waiter_overflow(&f->w); i++)
        what |= waiter_wait(&f->w, 5000);
    assert_true(what & WAIT_DEVICES);
    assert_int_equal(waiter_device_count(&f->w), WAIT_MAX_DEVICES);
    assert_true(waiter_overflow(&f->w));
    fx_free(f);
}

static void test_missing_folder_still_waits_and_wakes(void **state)
{
    (void)state;
    waiter_t w;
    char err[256];
    assert_int_equal(waiter_open(&w, "/nonexistent/input", err, sizeof err), 0);
    assert_int_equal(waiter_device_count(&w), 0);
    assert_int_equal(waiter_wait(&w, 0), WAIT_TIMEOUT);
    waiter_wake(&w);
    assert_int_equal(waiter_wait(&w, 5000), WAIT_WAKE);
    waiter_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_wakes_and_is_drained),
        cmocka_unit_test(test_wake_from_another_thread),
        cmocka_unit_test(test_hot_plugged_device_is_waited_on),
        cmocka_unit_test(test_more_devices_than_slots_is_reported),
        cmocka_unit_test(test_missing_folder_still_waits_and_wakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
