/*
 * shell/modes.h - what the program can be asked to do, one file each: the kiosk on a display
 * (run.c), the headless harness (harness.c), the crash-loop error screen (error_screen.c),
 * the technician's commands (tech_cmd.c) and the journal's commands (journal_cmd.c).
 * main.c decides which one runs (options_mode). Each returns the exit status.
 */
#ifndef SHELL_MODES_H
#define SHELL_MODES_H

#include "shell/boot.h"
#include "shell/options.h"

/* The kiosk on a display: a window, or full screen on KMSDRM, X11 or Wayland. */
int run_kiosk(kiosk_t *k, const options_t *o);

/* Offscreen with simulated time: --replay SCRIPT (--shots DIR), --monkey N. */
int harness_run(kiosk_t *k, const options_t *o);

/* A still error screen in both languages until SIGTERM (the service's crash-loop fallback). */
int error_screen_run(kiosk_t *k, const options_t *o);

/* The still screen itself: a message in Bangla and English and a detail for staff. Its texts
 * are built in by its callers: it is drawn when translations may be what is broken. */
void error_screen_build(ui_t *ui, const char *bn, const char *en, const char *detail);

/* Technicians: --print-test, --set-pin, --hash-pin, --check-catalog, --list-services. */
int tech_cmd_print_test(kiosk_t *k);
int tech_cmd_set_pin(const kiosk_t *k);
int tech_cmd_hash_pin(void);
int tech_cmd_check_catalog(kiosk_t *k, const options_t *o);

/* The centre's queue board on a TV (--mode board, or [terminal] role = board), and setting a
 * counter's PIN for its web app (--mode board --set-counter-pin N, the PIN on stdin). */
int queue_board_run(kiosk_t *k, const options_t *o);
int queue_board_set_pin(const kiosk_t *k, int counter);

/* The journal: --export-journal [--since], --import-journal FILE, --new-journal. */
int journal_cmd_run(kiosk_t *k, const options_t *o);

/* The register's side of a sealed USB export: --open-export FILE --key SECRET. */
int journal_cmd_open_export(const options_t *o);

#endif
