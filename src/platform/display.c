/* platform/display.c - SDL windows, renderers, rotation and screenshots. */
#define _DEFAULT_SOURCE /* realpath */
#include "platform/display.h"

#include <SDL.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "image/image.h"

static void logical_size(display_t *d)
{
    bool swap = d->rotation == 90 || d->rotation == 270;
    d->w = swap ? d->panel_h : d->panel_w;
    d->h = swap ? d->panel_w : d->panel_h;
}

static int make_target(display_t *d, char *err, size_t errcap)
{
    if (d->target)
        SDL_DestroyTexture(d->target);
    d->target = NULL;
    if (d->rotation == 0)
        return 0;
    d->target = SDL_CreateTexture(d->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                  d->w, d->h);
    if (!d->target) {
        snprintf(err, errcap, "cannot rotate the display: %s", SDL_GetError());
        return -1;
    }
    return 0;
}

int display_choose_card(const char *path, char *err, size_t errcap)
{
    char real[PATH_MAX], index[16];
    const char *base;
    int n;
    char extra;
    if (!realpath(path, real) || !(base = strrchr(real, '/')) ||
        sscanf(base + 1, "card%d%c", &n, &extra) != 1) {
        snprintf(err, errcap, "%s: not a DRM card (%s)", path, real[0] ? real : "missing");
        return -1;
    }
    snprintf(index, sizeof index, "%d", n);
    SDL_SetHint(SDL_HINT_KMSDRM_DEVICE_INDEX, index);
    return 0;
}

bool display_is_kms(void)
{
    const char *video = SDL_GetCurrentVideoDriver(); /* SDL spells it "KMSDRM" */
    return video && SDL_strcasecmp(video, "kmsdrm") == 0;
}

/* On KMSDRM the window is an EGL surface on GBM: GLES2 is what Mesa gives
 * on every Pi (v3d, vc4) and, through kms_swrast, on a GPU without 3D. SDL would try desktop GL
 * first, which re-creates the window and needs libGL. Elsewhere SDL's own order is right. */
static SDL_Renderer *create_renderer(SDL_Window *window)
{
    if (display_is_kms()) {
        for (int i = 0; i < SDL_GetNumRenderDrivers(); i++) {
            SDL_RendererInfo info;
            if (SDL_GetRenderDriverInfo(i, &info) == 0 && strcmp(info.name, "opengles2") == 0) {
                SDL_Renderer *r = SDL_CreateRenderer(window, i, 0);
                if (r)
                    return r;
            }
        }
    }
    return SDL_CreateRenderer(window, -1, 0);
}

/* SDL's KMSDRM errors ("EGL not initialized") do not say what to fix on the board. */
static const char *window_hint(void)
{
    if (display_is_kms())
        return " (KMSDRM needs libEGL, libGLESv2 and Mesa's drivers installed, and read-write "
               "access to the DRM card: the video group)";
    return "";
}

int display_open_window(display_t *d, bool windowed, int panel_w, int panel_h, int rotation,
                        char *err, size_t errcap)
{
    memset(d, 0, sizeof *d);
    d->rotation = rotation;
    /* A kiosk screen must never blank, and touches must not turn into a second mouse. */
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        snprintf(err, errcap, "no display: %s", SDL_GetError());
        return -1;
    }
    /* Full screen at the desktop (native) mode: a mode switch on KMSDRM can fall back to
     * 640x480, and the panel's own mode is the sharp one. */
    Uint32 flags = windowed ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP;
    d->window = SDL_CreateWindow("Sheba Kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                 panel_w, panel_h, flags);
    if (!d->window) {
        snprintf(err, errcap, "cannot open a window: %s%s", SDL_GetError(), window_hint());
        return -1;
    }
    d->renderer = create_renderer(d->window);
    if (!d->renderer) {
        snprintf(err, errcap, "no renderer: %s", SDL_GetError());
        return -1;
    }
    return display_resize(d, err, errcap);
}

void display_log(const display_t *d)
{
    SDL_RendererInfo ri = {0};
    SDL_GetRendererInfo(d->renderer, &ri);
    fprintf(stderr, "kiosk: display %s, %dx%d, renderer %s\n", SDL_GetCurrentVideoDriver(),
            d->panel_w, d->panel_h, ri.name ? ri.name : "?");
}

int display_resize(display_t *d, char *err, size_t errcap)
{
    if (!d->renderer)
        return -1;
    if (d->window && SDL_GetRendererOutputSize(d->renderer, &d->panel_w, &d->panel_h) != 0) {
        snprintf(err, errcap, "renderer size: %s", SDL_GetError());
        return -1;
    }
    logical_size(d);
    return d->window ? make_target(d, err, errcap) : 0;
}

/* The offscreen pixels are mapped already populated, not left to SDL's allocation: SDL
 * clears its buffer with memset and each of its pages then faults in one by one (about 1,000 at
 * 1280x800, a sixth of a headless start in a profile); MAP_POPULATE hands over zeroed pages in
 * one call. */
static void *map_pixels(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

int display_open_headless(display_t *d, int w, int h, int rotation, char *err, size_t errcap)
{
    memset(d, 0, sizeof *d);
    d->rotation = rotation;
    d->w = d->panel_w = w;
    d->h = d->panel_h = h;
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384) {
        snprintf(err, errcap, "offscreen surface %dx%d: not a size", w, h);
        return -1;
    }
    d->pixels_bytes = (size_t)w * (size_t)h * 4;
    d->pixels = map_pixels(d->pixels_bytes);
    d->surface = d->pixels ? SDL_CreateRGBSurfaceWithFormatFrom(d->pixels, w, h, 32, w * 4,
                                                                SDL_PIXELFORMAT_ARGB8888)
                           : NULL;
    d->renderer = d->surface ? SDL_CreateSoftwareRenderer(d->surface) : NULL;
    if (!d->renderer) {
        snprintf(err, errcap, "offscreen surface %dx%d: %s", w, h,
                 d->pixels ? SDL_GetError() : "out of memory");
        display_close(d);
        return -1;
    }
    return 0;
}

SDL_Renderer *display_begin(display_t *d)
{
    SDL_SetRenderTarget(d->renderer, d->target);
    return d->renderer;
}

void display_present(display_t *d)
{
    if (d->target) {
        SDL_SetRenderTarget(d->renderer, NULL);
        SDL_SetRenderDrawColor(d->renderer, 0, 0, 0, 255);
        SDL_RenderClear(d->renderer);
        /* The logical frame, rotated about its centre onto the panel. */
        SDL_Rect dst = {(d->panel_w - d->w) / 2, (d->panel_h - d->h) / 2, d->w, d->h};
        SDL_RenderCopyEx(d->renderer, d->target, NULL, &dst, (double)d->rotation, NULL,
                         SDL_FLIP_NONE);
    }
    SDL_RenderPresent(d->renderer);
}

int display_screenshot(display_t *d, const char *path, char *err, size_t errcap)
{
    if (d->surface)
        return image_write_argb(path, d->surface->pixels, d->w, d->h, d->surface->pitch, err,
                                errcap);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, d->w, d->h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        snprintf(err, errcap, "screenshot: %s", SDL_GetError());
        return -1;
    }
    SDL_SetRenderTarget(d->renderer, d->target);
    int rc = SDL_RenderReadPixels(d->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    if (rc == 0)
        rc = image_write_argb(path, s->pixels, d->w, d->h, s->pitch, err, errcap);
    else
        snprintf(err, errcap, "screenshot: %s", SDL_GetError());
    SDL_FreeSurface(s);
    return rc;
}

void display_close(display_t *d)
{
    if (d->target)
        SDL_DestroyTexture(d->target);
    if (d->renderer)
        SDL_DestroyRenderer(d->renderer);
    if (d->window)
        SDL_DestroyWindow(d->window);
    if (d->surface)
        SDL_FreeSurface(d->surface); /* does not free pixels it was given */
    if (d->pixels)
        munmap(d->pixels, d->pixels_bytes);
    memset(d, 0, sizeof *d);
}
