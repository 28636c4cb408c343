/*
 * tools/kiosk-bench.c - in-process figures for `make bench`: time from start to the first
 * frame, and the time to build and draw each screen at a size (default 1280x800), cold
 * (nothing cached: what a screen change costs) and warm (the median redraw of a screen
 * whose texts are cached).
 *
 *   kiosk-bench [--size WxH] [--data DIR]
 */
#define _GNU_SOURCE /* mkdtemp */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/boot.h"
#include "app/print.h"
#include "escpos/decode.h"
#include "receipt/receipt.h"
#include "ui/render.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

#define WARM_RUNS 41

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double frame(kiosk_t *k)
{
    double t = now_ms();
    k->app.dirty = true;
    app_build(&k->app);
    ui_render(k->ui, display_begin(&k->display), COLOR_BG);
    display_present(&k->display);
    return now_ms() - t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void measure(kiosk_t *k, const char *name)
{
    textcache_clear(k->cache);
    double cold = frame(k);
    double t[WARM_RUNS];
    for (int i = 0; i < WARM_RUNS; i++)
        t[i] = frame(k);
    qsort(t, WARM_RUNS, sizeof t[0], cmp_double);
    printf("  %-28s cold %7.2f ms   warm median %6.2f ms\n", name, cold, t[WARM_RUNS / 2]);
}

/* Bytes other encoders would send for the same raster (formulas from their source, see
 * escpos.md): one full-width GS v 0 in 960-row fragments (python-escpos), and ESC * 24-dot
 * column strips (ReceiptPrinterEncoder's default): 5 + 3 * w bytes and LF per strip. */
static void compare_bytes(const bitmap_t *img, size_t ours)
{
    size_t full = 0;
    for (int y = 0; y < img->h; y += 960)
        full += 8 + (size_t)img->stride * (size_t)(img->h - y < 960 ? img->h - y : 960);
    size_t column = 3 + 2 + (size_t)((img->h + 23) / 24) * (5 + 3 * (size_t)img->w + 1);
    printf("  bytes for the same receipt: ours %zu, one full-width raster (python-escpos) %zu "
           "(%.1fx), column mode (ReceiptPrinterEncoder) %zu (%.1fx)\n",
           ours, full, (double)full / (double)ours, column, (double)column / (double)ours);
}

/* Compose + encode the done screen's receipt at 576 dots (80 mm). */
static void bench_receipt(kiosk_t *k)
{
    printer_profile_t p;
    char err[256], path[1200];
    snprintf(path, sizeof path, "%s/assets/printers/80mm.ini", k->root);
    if (printer_profile_load(path, &p, err, sizeof err) < 0)
        return;
    k->app.paper = &p;
    double t[WARM_RUNS];
    size_t bytes = 0;
    for (int i = 0; i < WARM_RUNS; i++) {
        escpos_buf_t b = {0};
        double t0 = now_ms();
        print_encode(&k->app, &b);
        t[i] = now_ms() - t0;
        bytes = b.len;
        escpos_buf_free(&b);
    }
    qsort(t, WARM_RUNS, sizeof t[0], cmp_double);
    printf("receipt at 576 dots (Bangla, raster QR): compose + encode median %.2f ms, "
           "%zu bytes sent (target < 5 ms)\n",
           t[WARM_RUNS / 2], bytes);
    /* The raster itself, to compare what other encoders would send for it. */
    escpos_buf_t b = {0};
    print_encode(&k->app, &b);
    bitmap_t page;
    escpos_decode_info_t info;
    if (escpos_decode(b.data, b.len, 576, &page, &info, err, sizeof err) == 0)
        compare_bytes(&page, b.len);
    bitmap_free(&page);
    escpos_buf_free(&b);
}

static void press_all(kiosk_t *k, const char *const *ids)
{
    for (; *ids; ids++)
        app_press(&k->app, *ids);
    app_build(&k->app);
}

int main(int argc, char **argv)
{
    double t0 = now_ms();
    int w = 1280, h = 800;
    char data[64] = "/tmp/kiosk-bench-XXXXXX";
    for (int i = 1; i + 1 < argc; i += 2)
        if (strcmp(argv[i], "--size") == 0 && sscanf(argv[i + 1], "%dx%d", &w, &h) != 2)
            return 2;
    if (!mkdtemp(data))
        return 1;
    static kiosk_t k;
    char err[256];
    boot_find_root(NULL, k.root, sizeof k.root);
    config_defaults(&k.cfg);
    snprintf(k.cfg.data_dir, sizeof k.cfg.data_dir, "%s", data);
    snprintf(k.catalog_path, sizeof k.catalog_path, "%s/assets/catalog.json", k.root);
    if (boot_load_assets(&k, k.catalog_path) < 0 ||
        display_open_headless(&k.display, w, h, 0, err, sizeof err) < 0 ||
        boot_start_app(&k, 1796000000, NULL, NULL) < 0)
        return 1;
    frame(&k);
    printf("start to first frame (in process, %dx%d): %.1f ms\n", w, h, now_ms() - t0);
    printf("build + draw per screen at %dx%d:\n", w, h);
    measure(&k, "welcome");
    static const char *const to_categories[] = {"lang:bn", NULL};
    press_all(&k, to_categories);
    measure(&k, "categories");
    static const char *const to_services[] = {"cat:up_certificates", NULL};
    press_all(&k, to_services);
    measure(&k, "services");
    static const char *const to_service[] = {"svc:income_cert", NULL};
    press_all(&k, to_service);
    measure(&k, "service details");
    static const char *const to_form[] = {"next", "key:ক", "key:ি", "key:র", "key:ণ", NULL};
    press_all(&k, to_form);
    measure(&k, "form, Bangla keyboard");
    static const char *const to_num[] = {"next", "key:১", "key:২", NULL};
    press_all(&k, to_num);
    measure(&k, "form, number pad");
    k.app.dialog = DIALOG_IDLE;
    measure(&k, "idle dialog");
    k.app.dialog = DIALOG_NONE;
    static const char *const to_review[] = {
        "key:৩", "key:৪", "key:৫", "key:৬", "key:৭", "key:৮", "key:৯", "key:০", "next",  "key:১",
        "key:০", "key:০", "key:০", "key:০", "next",  "key:২", "next",  "key:০", "key:১", "key:৭",
        "key:১", "key:২", "key:৩", "key:৪", "key:৫", "key:৬", "key:৭", "key:৮", "next",  NULL};
    press_all(&k, to_review);
    if (k.app.screen == SCREEN_REVIEW) {
        measure(&k, "review");
        static const char *const confirm[] = {"confirm", NULL};
        press_all(&k, confirm);
        measure(&k, "done (token, QR)");
        bench_receipt(&k);
    } else {
        printf("  (the bench flow did not reach the review screen: %s)\n",
               app_screen_id(k.app.screen));
    }
    boot_free(&k);
    TTF_Quit();
    SDL_Quit();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", data);
    return system(cmd) == 0 ? 0 : 1;
}
