/*
 * tests/fuzz/fuzz_config.c - fuzz target for the terminal's INI configuration
 * (config_parse over config_defaults): a file a technician edits on the SD card.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "platform/touch.h"
#include "text/utf8.h"

static bool is_id(const char *s)
{
    size_t n = strlen(s);
    return n > 0 &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* What the rest of the kiosk relies on once a file was accepted; a violation is a bug in the
 * validation, so it stops the fuzzer like a crash would. */
static void check_accepted(const config_t *c)
{
    if (!is_id(c->centre_id) || !is_id(c->terminal_id) || (unsigned)c->language >= LANG_COUNT ||
        c->rotation % 90 != 0 || c->rotation < 0 || c->rotation > 270)
        abort();
    for (int l = 0; l < LANG_COUNT; l++)
        if (!c->centre_name[l][0] ||
            !utf8_valid(c->centre_name[l], strlen(c->centre_name[l]), NULL))
            abort();
    /* The calibration is inverted for every touch: it must be a finite, invertible matrix. */
    for (int i = 0; i < 6; i++)
        if (!isfinite(c->calibration[i]))
            abort();
    /* Charges are whole Taka in range, each for a well-formed service id, none twice. */
    if (c->fees.service_charge < 0 || c->fees.service_charge > 100000 || c->fees.charge_count < 0 ||
        c->fees.charge_count > CONFIG_MAX_CHARGES)
        abort();
    for (int i = 0; i < c->fees.charge_count; i++) {
        const config_charge_t *ch = &c->fees.charges[i];
        if (ch->taka < 0 || ch->taka > 100000 || !ch->service[0] || ch->line < 1 ||
            strspn(ch->service, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(ch->service))
            abort();
        for (int j = 0; j < i; j++)
            if (strcmp(c->fees.charges[j].service, ch->service) == 0)
                abort();
    }
    touch_map_t m;
    if (!touch_map_init(&m, c->rotation, c->calibration, 800, 480))
        abort();
    int x, y;
    touch_map_apply(&m, 0.5f, 0.5f, &x, &y);
    if (x < 0 || x >= 800 || y < 0 || y >= 480)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    config_t c;
    char err[512] = "";
    config_defaults(&c);
    if (config_parse(&c, "fuzz.ini", (const char *)data, size, err, sizeof err) == 0)
        check_accepted(&c);
    else if (strncmp(err, "fuzz.ini:", 9) != 0)
        abort(); /* every error names the file */
    return 0;
}
