/*
 * shell/error_screen.c - the crash-loop fallback: a still screen in both languages, drawn
 * with nothing but the fonts (the catalog, translations or journal may be what is broken),
 * until SIGTERM. Its texts are built in for the same reason.
 */
#include <SDL.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/file.h"
#include "shell/modes.h"
#include "shell/sleep.h"
#include "text/fonts.h"
#include "ui/render.h"
#include "ui/textcache.h"
#include "ui/widgets.h"

void error_screen_build(ui_t *ui, const char *bn, const char *en, const char *detail)
{
    int pad = ui_mm(ui, 8.0f), w = ui->w - 2 * pad, isz = ui_mm(ui, 16.0f), y = pad;
    ui_begin(ui);
    ui_rect(ui, (ui_rect_t){0, 0, ui->w, ui->h}, COLOR_ERROR_BG, 0);
    ui_icon(ui, (ui_rect_t){(ui->w - isz) / 2, y, isz, isz}, 0xe002, COLOR_ERROR);
    y += isz + pad / 2;
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, bn, SIZE_TITLE, true, COLOR_ERROR,
                      TEXT_ALIGN_CENTER, 3);
    y += pad / 2;
    y += widget_label(ui, (ui_rect_t){pad, y, w, 0}, en, SIZE_LABEL, false, COLOR_ERROR,
                      TEXT_ALIGN_CENTER, 3);
    widget_label(ui, (ui_rect_t){pad, y + pad, w, 0}, detail, SIZE_SMALL, false, COLOR_MUTED,
                 TEXT_ALIGN_CENTER, 4);
    ui_mark(ui, "screen:error", (ui_rect_t){0, 0, ui->w, ui->h});
}

/* Draw the still screen, then redraw only when the window asks, until SIGTERM. */
static int loop(kiosk_t *k, const options_t *o)
{
    char err[300];
    for (bool draw = true;;) {
        if (draw) {
            ui_render(k->ui, display_begin(&k->display), COLOR_ERROR_BG);
            display_present(&k->display);
        }
        if (o->headless) /* tests: one frame, as a PNG when --shots is given */
            return o->shots && display_screenshot(&k->display, o->shots, err, sizeof err) < 0;
        SDL_Event ev;
        if (!sleep_next_event(k, &ev, UINT64_MAX, 0)) {
            if (!k->own_wait)
                return 0; /* SDL_WaitEvent itself failed */
            draw = false; /* woken for nothing SDL reports: sleep again */
            continue;
        }
        if (ev.type == SDL_QUIT)
            return 0;
        draw = ev.type == SDL_WINDOWEVENT;
    }
}

int error_screen_run(kiosk_t *k, const options_t *o)
{
    char err[768], dir[1100];
    int w = o->size_w ? o->size_w : 1280, h = o->size_h ? o->size_h : 800;
    snprintf(dir, sizeof dir, "%s/fonts", k->root);
    k->fonts = fonts_open(dir, err, sizeof err); /* no fonts: a plain red screen still says it */
    int rc = o->headless ? display_open_headless(&k->display, w, h, 0, err, sizeof err)
                         : display_open_window(&k->display, o->windowed, w, h, 0, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    if (!o->headless) {
        display_log(&k->display);
        sleep_open(k); /* a still screen, maybe for hours: it must not poll */
    }
    k->cache = k->fonts ? textcache_new(k->fonts) : NULL;
    k->ui = calloc(1, sizeof *k->ui);
    if (!k->ui)
        return 1;
    ui_init(k->ui, k->display.w, k->display.h, k->cfg.dpi, k->fonts, k->cache);
    if (k->fonts)
        error_screen_build(k->ui,
                           "এই টার্মিনালটি এখন চালু হচ্ছে না। অনুগ্রহ করে সেন্টারের কর্মী বা "
                           "টেকনিশিয়ানকে জানান।",
                           "This terminal cannot start right now. Please tell the centre staff "
                           "or a technician.",
                           o->error_screen);
    else
        ui_rect(k->ui, (ui_rect_t){0, 0, k->ui->w, k->ui->h}, COLOR_ERROR, 0);
    if (!o->windowed && !o->headless) {
        SDL_ShowCursor(SDL_DISABLE);
        signal(SIGINT, SIG_IGN);
    }
    return loop(k, o);
}
