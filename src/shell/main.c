/*
 * shell/main.c - the kiosk program: read the command line and the configuration, then run
 * the one mode asked for. Everything is loaded and validated before the first frame; any
 * problem stops the program with a message naming the file and place, and a non-zero exit
 * status.
 */
#include <SDL.h>
#include <SDL_ttf.h>

#include "io/file.h"
#include "shell/boot.h"
#include "shell/modes.h"
#include "shell/options.h"
#include "sync/sync.h"

/* --sync-now gives up after this long (the count left is printed; nothing is lost). */
#define SYNC_NOW_SECONDS 60

/* Modes that need the fonts, catalog, translations and printer loaded first. */
static int run_loaded(kiosk_t *k, const options_t *o, options_mode_t mode)
{
    if (boot_load_assets(k, k->catalog_path) < 0 || boot_load_printer(k) < 0)
        return 1; /* it said why */
    if (k->cfg.sync.broker[0] && mode != MODE_PRINT_TEST)
        boot_apply_pushes(k); /* the register's newest catalog and overlay, kept earlier */
    switch (mode) {
    case MODE_BOARD:
        return queue_board_run(k, o);
    case MODE_PRINT_TEST:
        return tech_cmd_print_test(k);
    case MODE_HEADLESS:
        return harness_run(k, o);
    default:
        return run_kiosk(k, o);
    }
}

static int run_mode(kiosk_t *k, const options_t *o)
{
    options_mode_t mode = options_mode(o, k->cfg.role == CONFIG_ROLE_BOARD);
    switch (mode) {
    case MODE_HASH_PIN:
        return tech_cmd_hash_pin();
    case MODE_ERROR_SCREEN:
        return error_screen_run(k, o);
    case MODE_SET_PIN:
        return tech_cmd_set_pin(k);
    case MODE_JOURNAL:
        return journal_cmd_run(k, o);
    case MODE_OPEN_EXPORT:
        return journal_cmd_open_export(o);
    case MODE_CHECK_CATALOG:
        return tech_cmd_check_catalog(k, o);
    case MODE_COUNTER_PIN:
        return queue_board_set_pin(k, o->counter_pin);
    case MODE_SYNC_NOW:
        return sync_now(&k->cfg, k->cfg.data_dir, o->signing_key, SYNC_NOW_SECONDS, stdout);
    default:
        return run_loaded(k, o, mode);
    }
}

int main(int argc, char **argv)
{
    file_private_umask(); /* before any file: journal, keys and PIN are the kiosk user's alone */
    options_t o;
    int rc = options_parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    static kiosk_t k; /* large: not on the stack */
    boot_find_root(o.assets, k.root, sizeof k.root);
    k.key_file = o.signing_key;
    if (boot_load_config(&k, &o) < 0)
        return 1;
    rc = run_mode(&k, &o);
    boot_free(&k);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
