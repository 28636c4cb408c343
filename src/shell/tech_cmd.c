/* shell/tech_cmd.c - the technician's commands: a test page, the PIN, checking a catalog. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "app/print.h"
#include "shell/modes.h"
#include "store/pin.h"

int tech_cmd_print_test(kiosk_t *k)
{
    char detail[800];
    if (!k->has_printer) {
        fprintf(stderr,
                "kiosk: --print-test: no printer configured (--printer or [printer] spec)\n");
        return 1;
    }
    printer_result_t r =
        app_print_test_page(k->fonts, &k->printer, &k->paper, detail, sizeof detail);
    if (r != PRINTER_OK) {
        fprintf(stderr, "kiosk: test page: %s: %s\n", printer_result_name(r), detail);
        return 1;
    }
    printf("test page printed (%s, %d dots)\n", k->paper.name, k->paper.width_dots);
    return 0;
}

/* One line from stdin without echo when it is a terminal. */
static bool read_secret(const char *prompt, char *out, size_t cap)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)cap, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

int tech_cmd_hash_pin(void)
{
    char pin[64] = "", hash[256], err[256] = "";
    if (!read_secret("Technician PIN (4-12 digits): ", pin, sizeof pin) ||
        pin_hash(pin, hash, sizeof hash, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: --hash-pin: %s\n", pin[0] ? err : "no PIN on standard input");
        explicit_bzero(pin, sizeof pin);
        return 1;
    }
    explicit_bzero(pin, sizeof pin);
    printf("%s\n", hash);
    return 0;
}

int tech_cmd_set_pin(const kiosk_t *k)
{
    char pin[64], again[64], err[600];
    if (!read_secret("Technician PIN (4-12 digits): ", pin, sizeof pin)) {
        fprintf(stderr, "kiosk: --set-pin: no PIN on standard input\n");
        return 1;
    }
    if (isatty(STDIN_FILENO) &&
        (!read_secret("Again: ", again, sizeof again) || strcmp(pin, again) != 0)) {
        fprintf(stderr, "kiosk: --set-pin: the two PINs differ\n");
        return 1;
    }
    struct stat st;
    if (stat(k->cfg.data_dir, &st) != 0 && mkdir(k->cfg.data_dir, 0700) != 0) {
        fprintf(stderr, "kiosk: %s: %s\n", k->cfg.data_dir, strerror(errno));
        return 1;
    }
    int rc = pin_set(k->cfg.data_dir, pin, err, sizeof err);
    explicit_bzero(pin, sizeof pin);
    explicit_bzero(again, sizeof again);
    if (rc < 0) {
        fprintf(stderr, "kiosk: --set-pin: %s\n", err);
        return 1;
    }
    printf("technician PIN set in %s/technician.pin\n", k->cfg.data_dir);
    return 0;
}

int tech_cmd_check_catalog(kiosk_t *k, const options_t *o)
{
    const char *path = o->check_catalog ? o->check_catalog : k->catalog_path;
    if (boot_load_assets(k, path) < 0)
        return 1;
    if (o->list_services)
        catalog_list_services(k->catalog, stdout);
    else
        printf("%s: OK, %d categories, %d services\n", path, k->catalog->category_count,
               k->catalog->service_count);
    return 0;
}
