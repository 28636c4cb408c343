/* platform/input.c - finger, mouse and keyboard events into the kiosk's events. */
#include "platform/input.h"

#include <SDL.h>
#include <stdio.h>
#include <string.h>

void input_init(input_state_t *st, const touch_map_t *map, int window_w, int window_h)
{
    st->map = *map;
    st->finger = -1;
    st->mouse_down = false;
    st->window_w = window_w > 0 ? window_w : 1;
    st->window_h = window_h > 0 ? window_h : 1;
}

static bool finger(input_state_t *st, const SDL_TouchFingerEvent *f, Uint32 type, event_t *out)
{
    int64_t id = (int64_t)f->fingerId;
    if (type == SDL_FINGERDOWN) {
        if (st->finger >= 0)
            return false;
        st->finger = id;
        out->kind = EVENT_TOUCH_DOWN;
    } else if (id != st->finger) {
        return false;
    } else if (type == SDL_FINGERUP) {
        st->finger = -1;
        out->kind = EVENT_TOUCH_UP;
    } else {
        out->kind = EVENT_TOUCH_MOVE;
    }
    touch_map_apply(&st->map, f->x, f->y, &out->x, &out->y);
    out->has_raw = true;
    out->raw_x = f->x;
    out->raw_y = f->y;
    return true;
}

static bool mouse(input_state_t *st, const SDL_Event *ev, event_t *out)
{
    int mx, my;
    /* Touches SDL turned into mouse events were already handled as fingers. */
    if (ev->type == SDL_MOUSEMOTION) {
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !st->mouse_down)
            return false;
        mx = ev->motion.x;
        my = ev->motion.y;
        out->kind = EVENT_TOUCH_MOVE;
    } else {
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return false;
        bool down = ev->type == SDL_MOUSEBUTTONDOWN;
        if (down == st->mouse_down)
            return false;
        st->mouse_down = down;
        mx = ev->button.x;
        my = ev->button.y;
        out->kind = down ? EVENT_TOUCH_DOWN : EVENT_TOUCH_UP;
    }
    out->has_raw = true;
    out->raw_x = ((float)mx + 0.5f) / (float)st->window_w;
    out->raw_y = ((float)my + 0.5f) / (float)st->window_h;
    touch_map_rotate(&st->map, out->raw_x, out->raw_y, &out->x, &out->y);
    return true;
}

bool input_translate(input_state_t *st, const SDL_Event *ev, event_t *out)
{
    memset(out, 0, sizeof *out);
    switch (ev->type) {
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP:
        return finger(st, &ev->tfinger, ev->type, out);
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEMOTION:
        return mouse(st, ev, out);
    case SDL_TEXTINPUT:
        out->kind = EVENT_TEXT;
        snprintf(out->text, sizeof out->text, "%s", ev->text.text);
        return true;
    case SDL_KEYDOWN:
        if (ev->key.keysym.sym == SDLK_BACKSPACE)
            out->kind = EVENT_BACKSPACE;
        else if (ev->key.keysym.sym == SDLK_RETURN || ev->key.keysym.sym == SDLK_KP_ENTER)
            out->kind = EVENT_ENTER;
        else
            return false;
        return true;
    default:
        return false;
    }
}
