/* shell/boot.c - loading and wiring the kiosk's parts. */
#define _DEFAULT_SOURCE /* readlink */
#include "shell/boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/fees.h"
#include "sync/push.h"
#include "io/file.h"
#include "store/journal.h"
#include "text/fonts.h"
#include "text/locale.h"
#include "ui/textcache.h"

#ifndef KIOSK_DATADIR
#define KIOSK_DATADIR "/usr/share/sheba-kiosk"
#endif

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Beside the program in a source tree (build/kiosk -> ./assets), else the installed copy. */
void boot_find_root(const char *given, char *root, size_t cap)
{
    if (given) {
        snprintf(root, cap, "%s", given);
        return;
    }
    char exe[1024], probe[1200];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(probe, sizeof probe, "%s/assets/catalog.json", exe);
            if (is_file(probe)) {
                snprintf(root, cap, "%s", exe);
                return;
            }
        }
    }
    snprintf(root, cap, "%s", KIOSK_DATADIR);
}

static int override(config_t *c, const char *sec, const char *key, const char *val,
                    const char *flag)
{
    char err[256];
    if (!val || config_set(c, sec, key, val, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "kiosk: %s: %s\n", flag, err);
    return -1;
}

/* The technician's calibration (DATA/calibration.ini) overrides the configuration's. */
static int load_calibration(kiosk_t *k, const options_t *o)
{
    char path[FILE_PATH_MAX], err[FILE_PATH_MAX + 256];
    const char *dir = o->data ? o->data : k->cfg.data_dir;
    if (file_path(path, sizeof path, dir, "calibration.ini") < 0 || access(path, R_OK) != 0)
        return 0;
    if (config_load(&k->cfg, path, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

int boot_load_config(kiosk_t *k, const options_t *o)
{
    char err[512];
    config_defaults(&k->cfg);
    for (int i = 0; i < o->config_count; i++)
        if (config_load(&k->cfg, o->configs[i], err, sizeof err) < 0) {
            fprintf(stderr, "kiosk: %s\n", err);
            return -1;
        }
    if (load_calibration(k, o) < 0)
        return -1;
    /* A configuration overlay pushed by the register, kept from an earlier run. */
    if (push_load_config(o->data ? o->data : k->cfg.data_dir, &k->cfg, &k->config_version, err,
                         sizeof err) < 0)
        fprintf(stderr, "kiosk: pushed configuration not used: %s\n", err);
    if (override(&k->cfg, "kiosk", "data", o->data, "--data") < 0 ||
        override(&k->cfg, "kiosk", "language", o->lang, "--lang") < 0 ||
        override(&k->cfg, "printer", "spec", o->printer, "--printer") < 0 ||
        override(&k->cfg, "printer", "paper", o->paper, "--paper") < 0 ||
        override(&k->cfg, "display", "rotation", o->rotation, "--rotation") < 0 ||
        override(&k->cfg, "display", "dpi", o->dpi, "--dpi") < 0 ||
        override(&k->cfg, "kiosk", "idle_timeout", o->idle_timeout, "--idle-timeout") < 0)
        return -1;
    const char *cat = o->catalog ? o->catalog : k->cfg.catalog;
    if (o->catalog || cat[0] == '/')
        snprintf(k->catalog_path, sizeof k->catalog_path, "%s", cat);
    else
        snprintf(k->catalog_path, sizeof k->catalog_path, "%s/assets/%s", k->root, cat);
    return 0;
}

static bool icon_known(const char *name, void *ctx)
{
    return fonts_icon_codepoint(ctx, name) != 0;
}

int boot_load_assets(kiosk_t *k, const char *catalog_path)
{
    char err[FILE_PATH_MAX + 256], dir[FILE_PATH_MAX];
    file_path(dir, sizeof dir, k->root, "fonts");
    if (!(k->fonts = fonts_open(dir, err, sizeof err))) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    if (!(k->catalog = catalog_load(catalog_path, icon_known, k->fonts, err, sizeof err)) ||
        catalog_check_charges(k->catalog, &k->cfg.fees, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    file_path(dir, sizeof dir, k->root, "assets/i18n");
    if (!(k->i18n = i18n_load(dir, err, sizeof err))) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

bool boot_apply_pushes(kiosk_t *k)
{
    char err[FILE_PATH_MAX + 256];
    bool changed = false;
    int rc = push_swap_catalog(k->cfg.data_dir, icon_known, k->fonts, &k->catalog,
                               &k->catalog_version, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiosk: pushed catalog not used: %s\n", err);
    changed |= rc == 1;
    rc = push_swap_config(k->cfg.data_dir, &k->cfg, &k->config_version, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "kiosk: pushed configuration not used: %s\n", err);
    changed |= rc == 1;
    if (changed) {
        fprintf(stderr, "kiosk: now using catalog push %d, configuration push %d\n",
                k->catalog_version, k->config_version);
        k->app.catalog = k->catalog; /* the app borrows it: swapped between citizens only */
        app_load_uses(&k->app);      /* service indexes may have moved */
        k->view.dirty = true;
    }
    return changed;
}

/* "2026-11-29T10:30" in Asia/Dhaka. */
int boot_parse_now(const char *s, int64_t *out)
{
    locale_tm_t tm = {0};
    char extra;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &tm.year, &tm.month, &tm.day, &tm.hour, &tm.min,
               &extra) != 5 ||
        tm.month < 1 || tm.month > 12 || tm.day < 1 || tm.day > 31 || tm.hour > 23 || tm.min > 59)
        return -1;
    *out = locale_dhaka_unix(&tm);
    return 0;
}

void boot_free(kiosk_t *k)
{
    speech_close(k->speech); /* what waits is still written to --audio-out */
    sync_free(k->sync);      /* waits a moment for acknowledgements, then leaves with its will */
    signing_wipe(&k->key);
    if (k->job_ready) {
        printjob_destroy(&k->job);          /* waits for a receipt still printing: bounded */
        export_job_destroy(&k->export_job); /* a stick stuck in the kernel is left behind */
    }
    display_close(&k->display);
    textcache_free(k->cache);
    free(k->ui);
    journal_close(k->journal);
    i18n_free(k->i18n);
    catalog_free(k->catalog);
    fonts_close(k->fonts);
}

/* Journal, text cache, display list and app, for a w x h logical screen. */
int boot_load_printer(kiosk_t *k)
{
    char err[1024], path[1700];
    const char *paper = k->cfg.paper;
    if (strchr(paper, '/') || strstr(paper, ".ini"))
        snprintf(path, sizeof path, "%s", paper);
    else
        snprintf(path, sizeof path, "%s/assets/printers/%s.ini", k->root, paper);
    if (printer_profile_load(path, &k->paper, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: paper \"%s\": %s\n", paper, err);
        return -1;
    }
    k->has_printer = k->cfg.printer[0] != '\0';
    if (k->has_printer && printer_spec_parse(k->cfg.printer, &k->printer, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

journal_status_t boot_open_journal(kiosk_t *k)
{
    char err[sizeof k->journal_reason];
    k->journal_status = journal_open_status(k->cfg.data_dir, &k->journal, err, sizeof err);
    if (k->journal_status != JOURNAL_OK) {
        snprintf(k->journal_reason, sizeof k->journal_reason, "%s", err);
        fprintf(stderr, "kiosk: journal %s: %s\n", journal_status_name(k->journal_status), err);
    } else if (err[0]) {
        fprintf(stderr, "kiosk: %s\n", err); /* a note, e.g. what --new-journal kept */
    }
    return k->journal_status;
}

int boot_start_app(kiosk_t *k, int64_t epoch, void (*notify)(void *ctx), void *ctx)
{
    char err[1200];
    if (!k->journal && boot_open_journal(k) != JOURNAL_OK)
        return -1; /* it said why */
    if (signing_load(k->cfg.data_dir, k->key_file, &k->key, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    /* The network in its own thread: the screen never waits for it. */
    if (k->cfg.sync.broker[0] &&
        (!(k->sync = sync_new(&k->cfg, k->cfg.data_dir, &k->key, err, sizeof err)) ||
         sync_start(k->sync, err, sizeof err) < 0)) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    k->cache = textcache_new(k->fonts);
    k->ui = calloc(1, sizeof *k->ui);
    if (!k->cache || !k->ui) {
        fprintf(stderr, "kiosk: out of memory\n");
        return -1;
    }
    ui_init(k->ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, k->cache);
    app_init(&k->app, &k->cfg, k->catalog, k->i18n, k->fonts, k->journal, epoch);
    screens_init(&k->view, k->ui);
    printjob_init(&k->job, notify, ctx);
    k->job_ready = true;
    k->app.job = &k->job;
    export_job_init(&k->export_job, notify, ctx);
    k->app.export_job = &k->export_job;
    k->app.paper = &k->paper;
    k->app.printer = k->has_printer ? &k->printer : NULL;
    k->app.key = &k->key;
    k->app.data_dir = k->cfg.data_dir;
    return 0;
}

void boot_update_centre(kiosk_t *k)
{
    bool fresh;
    if (k->sync) {
        bool changed = sync_board_get(k->sync, &k->board_seq, &k->board, &fresh);
        app_set_centre(&k->app, changed ? &k->board : NULL, fresh);
    }
}
