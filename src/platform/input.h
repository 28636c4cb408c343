/*
 * platform/input.h - SDL events to the kiosk's events (event/event.h). Touches come as SDL_FINGER*
 * events (on KMSDRM with window 0 and no mouse emulation), so they are handled directly; the mouse
 * works too for development. Only the first finger down is followed: a second finger
 * (a palm, a child's other hand) is ignored until the first lifts.
 */
#ifndef PLATFORM_INPUT_H
#define PLATFORM_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "event/event.h"
#include "platform/touch.h"

typedef union SDL_Event SDL_Event;

typedef struct {
    touch_map_t map;
    int64_t finger; /* the finger being followed, -1 when none */
    bool mouse_down;
    int window_w, window_h; /* for mouse coordinates */
} input_state_t;

void input_init(input_state_t *st, const touch_map_t *map, int window_w, int window_h);

/* Translate one SDL event; false when it means nothing to the app. */
bool input_translate(input_state_t *st, const SDL_Event *ev, event_t *out);

#endif
