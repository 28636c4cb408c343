/*
 * app/tech.h - technician mode: entered by holding one corner for 3 s, then the opposite
 * corner for 3 s (no citizen does that by chance), then a PIN. It has its own pages (printer
 * status and test page, reprints, today's counts, journal export to a USB stick, the
 * configuration, a touch test and calibration, restart and shutdown) and leaves by itself
 * after 60 s of silence. Entering it wipes any citizen's session.
 *
 * The gesture's geometry (which corner, how long a hold) is the view's to measure; the app
 * keeps the sequence and its time limit.
 */
#ifndef APP_TECH_H
#define APP_TECH_H

#include <stdbool.h>
#include <stdint.h>

#include "app/state.h"

#define TECH_GESTURE_MS 10000 /* time allowed between the two corners */
#define TECH_IDLE_MS    60000

typedef enum { TECH_CORNER_NONE, TECH_CORNER_FIRST, TECH_CORNER_SECOND } tech_corner_t;

/* A long hold ended in a corner (the first: top left, the second: bottom right) or
 * elsewhere: the gesture goes on, starts again or opens the PIN pad. */
void app_tech_corner(app_t *app, tech_corner_t corner);

/* True while the technician's screens are up. */
bool app_in_tech(const app_t *app);

/* The PIN pad: a digit, "backspace" or "done" (checks the PIN). False for other keys. */
bool app_tech_pin_key(app_t *app, const char *key);

/* Open a page (the menu too); a page's rows are read from the journal now. */
void app_tech_open(app_t *app, tech_page_t page);

/* Back: from a page to the menu; from the menu or the PIN pad out of technician mode. */
void app_tech_back(app_t *app);

/* Leave technician mode for the welcome screen. */
void app_tech_leave(app_t *app);

/* Ask the printer's status, or print the test page, in the printing thread. */
void app_tech_print(app_t *app, bool test_page);

/* Print a request's receipt again. */
void app_tech_reprint(app_t *app, int64_t request_id);

/* Export the journal to the USB stick (or [technician] export_dir). */
void app_tech_export(app_t *app);

/* The touch test: a point of the trail, and clearing it. */
void app_tech_touch_point(app_t *app, int x, int y);
void app_tech_clear_touch(app_t *app);

/* Calibration: the panel's raw position (0..1) of a touch aimed at the current target, which
 * is at target_x, target_y in logical pixels. After the third, calibration_ready is set. */
void app_tech_calibration_touch(app_t *app, float raw_x, float raw_y, int target_x, int target_y);

/* The shell solved, applied and saved the calibration (or could not). */
void app_tech_calibrated(app_t *app, bool ok);

/* Restart the kiosk (the service manager starts it again), or shut the terminal down. */
void app_tech_restart(app_t *app);
void app_tech_shutdown(app_t *app);

#endif
