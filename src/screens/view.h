/*
 * screens/view.h - the state of the view: what the screens need to remember between frames
 * that is not the app's (which target a finger is on, how far a list is scrolled, where the
 * focused field's text is drawn). Views read the app through a const pointer and keep their
 * own geometry here, so building a screen never changes the app.
 */
#ifndef SCREENS_VIEW_H
#define SCREENS_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "app/state.h"
#include "speech/speech.h"
#include "ui/ui.h"

typedef struct view {
    ui_t *ui; /* the display list (borrowed) */

    /* A finger on the screen. */
    bool pressing, dragging;
    int press_x, press_y, press_scroll;
    char press_id[UI_ID_MAX];
    uint64_t press_started; /* app clock */

    /* A newly shown screen, step or dialog ignores touches until then (app clock), so the
     * second tap of a double tap lands nowhere instead of on what appeared under it. */
    uint64_t guard_until;
    bool ignoring; /* the finger now down came too early: lifting it presses nothing */

    /* The current visit's scrolling: the scroll area sets its range as it is built. */
    int scroll, scroll_max;
    ui_rect_t scroll_area;

    /* Where the focused field's text starts on screen (scrolled) and its size, so a tap in
     * the field can put the caret where the finger was. Set by the form as it is built. */
    int field_text_x, field_text_px;

    /* Speech mode is output like drawing: the view says what it shows (screens/speak.h).
     * The engine is the shell's, borrowed; NULL when it could not start. */
    speech_t *speech;
    /* Or, when speech is NULL, how to open it on first need (the harness: only a script that
     * uses speech mode pays for eSpeak NG's voices); the shell keeps what it returns. */
    speech_t *(*open_speech)(void *ctx);
    void *open_speech_ctx;
    char armed_id[UI_ID_MAX]; /* explore by touch: the target a first touch named... */
    uint64_t armed_at;        /* ...and when (app clock); a second touch in time acts */
    bool announce;            /* say the screen or dialog shown, at the next build */
    bool seen_speech;         /* speech mode as last seen: turning it on is announced */
    int seen_volume;
    valid_code_t seen_error; /* the form's error as last said */
    int seen_error_field;
    receipt_state_t seen_receipt;

    /* What the last build showed, and what of the app this view has caught up with. */
    bool built, dirty;
    unsigned built_changes;
    unsigned seen_visits, seen_wipes;
    dialog_t seen_dialog;
} view_t;

#endif
