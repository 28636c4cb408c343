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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shell/boot.h"
#include "app/print.h"
#include "store/journal.h"
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
    k->view.dirty = true;
    screens_build(&k->view, &k->app);
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
        app_print_encode(&k->app, &b);
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
    app_print_encode(&k->app, &b);
    bitmap_t page;
    escpos_decode_info_t info;
    if (escpos_decode(b.data, b.len, 576, &page, &info, err, sizeof err) == 0)
        compare_bytes(&page, b.len);
    bitmap_free(&page);
    escpos_buf_free(&b);
}

/* A network printer in a thread: answers status questions (ready) and notes when the
 * receipt's first byte (ESC @) arrives. */
typedef struct {
    int fd, port;
    double first_ms;
    pthread_t th;
} listener_t;

static void *listen_run(void *arg)
{
    listener_t *l = arg;
    int c = accept(l->fd, NULL, NULL);
    uint8_t buf[4096];
    ssize_t n;
    while (c >= 0 && (n = read(c, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i + 1 < n; i++) {
            if (buf[i] == 0x10 && buf[i + 1] == 0x04) {
                uint8_t ok = 0x12;
                if (write(c, &ok, 1) != 1)
                    break;
            } else if (buf[i] == 0x1B && buf[i + 1] == '@' && l->first_ms == 0) {
                l->first_ms = now_ms();
            }
        }
    }
    if (c >= 0)
        close(c);
    return NULL;
}

static bool listen_start(listener_t *l)
{
    memset(l, 0, sizeof *l);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(l->fd, 1) != 0 ||
        getsockname(l->fd, (struct sockaddr *)&a, &al) != 0)
        return false;
    l->port = ntohs(a.sin_port);
    return pthread_create(&l->th, NULL, listen_run, l) == 0;
}

/* Press confirm with a network printer attached: how long until the receipt starts. */
static void bench_confirm(kiosk_t *k)
{
    listener_t l;
    char spec[64], err[256], path[1200];
    printer_spec_t ps;
    static printer_profile_t paper;
    snprintf(path, sizeof path, "%s/assets/printers/58mm.ini", k->root);
    if (printer_profile_load(path, &paper, err, sizeof err) < 0 || !listen_start(&l))
        return;
    k->app.paper = &paper;
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", l.port);
    printer_spec_parse(spec, &ps, err, sizeof err);
    k->app.printer = &ps;
    double t0 = now_ms();
    screens_press(&k->view, &k->app, "confirm");
    if (k->app.s.receipt != RECEIPT_PRINTING) { /* nothing will connect: do not wait */
        shutdown(l.fd, SHUT_RDWR);
        printf("confirm: the receipt did not start printing\n");
    }
    printjob_wait(k->app.job);
    app_advance(&k->app, k->app.now_ms);
    pthread_join(l.th, NULL);
    close(l.fd);
    k->app.printer = NULL;
    if (l.first_ms > 0)
        printf("confirm to the receipt's first byte (journal commit with fsync, compose, encode, "
               "connect, status): %.1f ms\n",
               l.first_ms - t0);
}

/* Commits per second with synchronous=FULL on the disk under /tmp (fsync included). */
static void bench_journal(void)
{
    char dir[64] = "/tmp/kiosk-bench-journal-XXXXXX", err[512], cmd[128];
    if (!mkdtemp(dir))
        return;
    journal_t *j = journal_open(dir, err, sizeof err);
    if (j) {
        journal_request_t q = {.centre_id = "UDC-0001",
                               .terminal_id = "T01",
                               .service_id = "soil_test",
                               .prefix = 'H',
                               .lang = LANG_BN,
                               .now = 1796000000,
                               .field_count = 2,
                               .field_ids = {"name", "mobile"},
                               .values = {"রহিমা খাতুন", "01812345678"}};
        journal_receipt_t rec;
        int n = 200;
        double t0 = now_ms();
        for (int i = 0; i < n; i++)
            journal_commit(j, &q, &rec, err, sizeof err);
        double took = now_ms() - t0;
        printf("journal: %d commits in %.0f ms: %.0f commits/s (WAL, synchronous=FULL, on %s)\n", n,
               took, n / (took / 1000.0), "/tmp");
        journal_close(j);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "kiosk-bench: could not remove %s\n", dir);
}

static void press_all(kiosk_t *k, const char *const *ids)
{
    for (; *ids; ids++)
        screens_press(&k->view, &k->app, *ids);
    screens_build(&k->view, &k->app);
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
    /* The idle question, as the app opens it when time passes without a touch. */
    app_advance(&k.app, k.app.last_input_ms + (uint64_t)k.cfg.idle_timeout_s * 1000);
    measure(&k, "idle dialog");
    app_dialog_close(&k.app);
    static const char *const to_review[] = {
        "key:৩", "key:৪", "key:৫", "key:৬", "key:৭", "key:৮", "key:৯", "key:০", "next",  "key:১",
        "key:০", "key:০", "key:০", "key:০", "next",  "key:২", "next",  "key:০", "key:১", "key:৭",
        "key:১", "key:২", "key:৩", "key:৪", "key:৫", "key:৬", "key:৭", "key:৮", "next",  NULL};
    press_all(&k, to_review);
    if (k.app.screen == SCREEN_REVIEW) {
        measure(&k, "review");
        bench_confirm(&k);
        measure(&k, "done (token, QR)");
        bench_receipt(&k);
    } else {
        printf("  (the bench flow did not reach the review screen: %s)\n",
               app_screen_id(k.app.screen));
    }
    bench_journal();
    boot_free(&k);
    TTF_Quit();
    SDL_Quit();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", data);
    return system(cmd) == 0 ? 0 : 1;
}
