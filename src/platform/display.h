/*
 * platform/display.h - where frames go: a full-screen (or development) window through
 * whatever video driver SDL finds (KMSDRM on the board, X11/Wayland on a desktop), or an
 * offscreen surface with SDL's software renderer for the headless harness, which makes
 * screenshots byte-identical run after run.
 */
#ifndef PLATFORM_DISPLAY_H
#define PLATFORM_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct SDL_Window SDL_Window;
typedef struct SDL_Renderer SDL_Renderer;
typedef struct SDL_Texture SDL_Texture;
typedef struct SDL_Surface SDL_Surface;

typedef struct {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *target;  /* logical-size target when the UI is rotated */
    SDL_Surface *surface; /* headless */
    void *pixels;         /* the headless surface's pixels, mapped (display.c) */
    size_t pixels_bytes;
    int panel_w, panel_h; /* what the display shows, in pixels */
    int w, h;             /* logical UI size (panel size rotated) */
    int rotation;
} display_t;

/* Which DRM card KMSDRM should use, given a stable path to it (a udev symlink such as
 * /dev/dri/by-path/platform-gpu-card or /dev/dri/sheba-card): card numbers change between
 * boots on the Pi 4/5, a by-path name does not. 0, or -1 when the path is not a DRM card. */
int display_choose_card(const char *path, char *err, size_t errcap);

/* A window: full screen at the display's native mode, or windowed at panel_w x panel_h. */
int display_open_window(display_t *d, bool windowed, int panel_w, int panel_h, int rotation,
                        char *err, size_t errcap);

/* Whether SDL drives the screen through KMSDRM (a board without X or Wayland). */
bool display_is_kms(void);

/* One line on stderr (the journal, on a board) naming the video driver, the panel size and
 * the renderer: which display path the board took, for a technician reading the log. */
void display_log(const display_t *d);

/* An offscreen surface of w x h logical pixels (rotation only changes the touch mapping). */
int display_open_headless(display_t *d, int w, int h, int rotation, char *err, size_t errcap);

/* The renderer to draw the next frame with, targeting the logical surface. */
SDL_Renderer *display_begin(display_t *d);

/* Show the frame (rotating it onto the panel when needed). */
void display_present(display_t *d);

/* Write the logical frame as a PNG. */
int display_screenshot(display_t *d, const char *path, char *err, size_t errcap);

/* The panel size changed (a window was resized): recompute sizes and targets. */
int display_resize(display_t *d, char *err, size_t errcap);

void display_close(display_t *d);

#endif
