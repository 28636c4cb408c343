/*
 * shell/main.c - the kiosk program: read the command line and the configuration, then run
 * the one mode asked for. Everything is loaded and validated before the first frame; any
 * problem stops the program with a message naming the file and place, and a non-zero exit
 * status.
 */
#include <SDL.h>
#include <SDL_ttf.h>

#include "shell/boot.h"
#include "shell/modes.h"
#include "shell/options.h"

/* Modes that need the fonts, catalog, translations and printer loaded first. */
static int run_loaded(kiosk_t *k, const options_t *o, options_mode_t mode)
{
    if (boot_load_assets(k, k->catalog_path) < 0 || boot_load_printer(k) < 0)
        return 1; /* it said why */
    switch (mode) {
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
    options_mode_t mode = options_mode(o);
    switch (mode) {
    case MODE_HASH_PIN:
        return tech_cmd_hash_pin();
    case MODE_ERROR_SCREEN:
        return error_screen_run(k, o);
    case MODE_SET_PIN:
        return tech_cmd_set_pin(k);
    case MODE_JOURNAL:
        return journal_cmd_run(k, o);
    case MODE_CHECK_CATALOG:
        return tech_cmd_check_catalog(k, o);
    default:
        return run_loaded(k, o, mode);
    }
}

int main(int argc, char **argv)
{
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
