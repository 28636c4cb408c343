/*
 * platform/touch.h - from where a finger touched the panel to a pixel of the UI.
 *
 * Touch panels report normalized coordinates (0..1 across the panel). A calibration matrix
 * (as libinput's LIBINPUT_CALIBRATION_MATRIX: u = a x + b y + c, v = d x + e y + f) fixes a
 * panel whose axes are swapped, mirrored or offset; then the display rotation (0/90/180/270
 * clockwise) turns panel coordinates into the UI's logical pixels. KMSDRM rotates neither
 * the picture nor the touches, so the kiosk does both itself, with the same numbers.
 */
#ifndef PLATFORM_TOUCH_H
#define PLATFORM_TOUCH_H

#include <stdbool.h>

typedef struct {
    int rotation; /* degrees clockwise */
    float cal[6]; /* calibration matrix */
    float inv[6]; /* its inverse, for the harness's taps */
    int w, h;     /* logical UI size in pixels */
} touch_map_t;

/* False when cal cannot be inverted. */
bool touch_map_init(touch_map_t *m, int rotation, const float cal[6], int logical_w, int logical_h);

/* Raw normalized touch (as SDL_FINGER* reports) to a logical pixel, clamped to the screen. */
void touch_map_apply(const touch_map_t *m, float nx, float ny, int *x, int *y);

/* Panel-normalized position without calibration (a mouse on the window) to a pixel. */
void touch_map_rotate(const touch_map_t *m, float u, float v, int *x, int *y);

/* The raw normalized touch that lands on logical pixel (x, y): the inverse of apply. */
void touch_map_invert(const touch_map_t *m, int x, int y, float *nx, float *ny);

/* Where logical pixel (x, y) is on the panel (0..1), before calibration. */
void touch_map_unrotate(const touch_map_t *m, int x, int y, float *u, float *v);

/*
 * The calibration matrix that takes three raw touches to three panel positions (all 0..1):
 * u = a x + b y + c, v = d x + e y + f, solved exactly. False when the three points are on
 * a line (or the same), which says nothing about the panel.
 */
bool touch_calibration_solve(const float raw[3][2], const float want[3][2], float out[6]);

#endif
