/*
 * app/tech.h - technician mode: entered by holding one corner for 3 s, then the opposite
 * corner for 3 s (no citizen does that by chance), then a PIN. It has its own pages (printer
 * status and test page, reprints, today's counts, journal export to a USB stick, the
 * configuration, a touch test and calibration, restart and shutdown) and leaves by itself
 * after 60 s of silence. Entering it wipes any citizen's session.
 */
#ifndef APP_TECH_H
#define APP_TECH_H

#include <stdbool.h>

#include "app/app.h"

#define TECH_HOLD_MS    3000
#define TECH_GESTURE_MS 10000 /* time allowed between the two corners */
#define TECH_IDLE_MS    60000
#define TECH_CORNER_MM  15.0f

/* A finger went down: a hold (for the gesture) starts now. */
void tech_touch_down(app_t *app);

/* The finger lifted after holding held_ms: true when that was part of the gesture (and is
 * then not a press). */
bool tech_touch_up(app_t *app, int x, int y, uint64_t held_ms);

/* A touch on a tech page that draws or calibrates (touch test, calibration). */
void tech_touch(app_t *app, const app_input_t *in);

/* Act on a pressed id on the PIN pad or a tech page. */
bool tech_press(app_t *app, const char *id);

/* Leave technician mode for the welcome screen. */
void tech_leave(app_t *app);

/* Where the calibration targets are, for target i of 3, on a w x h screen. */
void tech_calibration_target(const app_t *app, int i, int *x, int *y);

#endif
