/*
 * ui/render.h - draw a display list with an SDL_Renderer: the GPU (GLES2) renderer on the
 * board, the software renderer on a surface in the headless harness. Only this file and
 * the text cache touch SDL's renderer.
 */
#ifndef UI_RENDER_H
#define UI_RENDER_H

#include "ui/ui.h"

typedef struct SDL_Renderer SDL_Renderer;

/* Clear to background (a colour or a theme role, widgets.h's COLOR_BG) and draw every
 * command of ui. */
void ui_render(const ui_t *ui, SDL_Renderer *r, ui_color_t background);

#endif
