/*
 * event/event.h - what the platform hands upward: a touch, a key, typed text. Its own small
 * header, below both the platform (which makes events from SDL's) and the screens (which turn
 * them into the app's actions), so neither has to know the other.
 *
 * Coordinates are logical pixels: already rotated and calibrated for the screen as drawn.
 */
#ifndef EVENT_EVENT_H
#define EVENT_EVENT_H

#include <stdbool.h>

typedef enum {
    EVENT_TOUCH_DOWN,
    EVENT_TOUCH_MOVE,
    EVENT_TOUCH_UP,
    EVENT_TEXT,      /* text from a physical keyboard (development) */
    EVENT_BACKSPACE, /* physical keys, same meaning as the on-screen ones */
    EVENT_ENTER,
} event_kind_t;

typedef struct {
    event_kind_t kind;
    int x, y;
    char text[32];
    bool has_raw; /* touches: where on the panel, before calibration (0..1) */
    float raw_x, raw_y;
} event_t;

#endif
