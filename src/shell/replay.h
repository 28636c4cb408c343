/*
 * shell/replay.h - the headless harness: runs a script of taps, presses, typing and
 * waits against the real app on an offscreen display, with simulated time.
 *
 *   tap X Y          finger down and up at logical pixel X,Y (SDL finger events, window 0)
 *   drag X1 Y1 X2 Y2 finger down, moved in steps, up (scrolling)
 *   hold X Y MS      finger down, MS milliseconds pass, up (long presses)
 *   press ID         tap the centre of the visible widget with that id, first waiting (on the
 *                    simulated clock) until a newly shown screen takes touches and scrolling a
 *                    list to it (down, then back up) when it is out of view, as a person
 *                    would; tap stays a raw touch at the current time. In speech mode a first
 *                    touch only names a target (explore by touch), so press touches it twice,
 *                    400 ms apart
 *   type TEXT        press the on-screen keys that type TEXT, switching pages as a person would
 *                    (each key touched twice in speech mode)
 *   wait MS          advance the app clock by MS milliseconds, running timers on the way
 *   shot NAME        write SHOTS/NAME.png
 *   expect ID        fail unless a widget or screen with that id is visible
 *   absent ID        fail if a widget with that id is visible
 * Before each command, what the speech engine was given is rendered (and written to
 * --audio-out), so a script's speech.log is the same on every run.
 * Lines starting with # are comments. The first failure stops the script with
 * "SCRIPT:LINE: what went wrong".
 */
#ifndef SHELL_REPLAY_H
#define SHELL_REPLAY_H

#include <stddef.h>

#include "app/app.h"
#include "platform/display.h"
#include "platform/input.h"
#include "screens/screens.h"

typedef struct {
    app_t *app;
    view_t *view;
    display_t *display;
    input_state_t input;
    const char *shots_dir;
} replay_t;

/* Run a script file. 0 when it ran to the end, -1 with "SCRIPT:LINE: ..." in err. */
int replay_file(replay_t *r, const char *path, char *err, size_t errcap);

/* Run a script held in memory (name is used in messages). */
int replay_text(replay_t *r, const char *name, const char *text, size_t len, char *err,
                size_t errcap);

/* Draw the current frame into the display (rebuilding the app's display list if needed). */
void replay_render(replay_t *r);

#endif
