/*
 * tools/png-diff.c - compare a screenshot with its golden image.
 *
 *   png-diff GOLDEN ACTUAL [--tolerance N] [--max-pixels N] [--diff OUT.png] [--rotate DEG]
 *
 * ACTUAL may also be a BMP (SDL's dummy video driver saves window frames as BMP), and
 * --rotate turns GOLDEN clockwise first: a rotated panel must show the upright UI turned.
 * A pixel differs when any channel differs by more than the tolerance (default 24 of 255:
 * anti-aliasing noise, not a moved glyph). The images match when at most max-pixels
 * (default 0.05% of the image) differ. On a mismatch OUT.png shows the actual image faded
 * with every differing pixel in red, and the exit status is 1; 2 means a usage or file error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "image/image.h"

static int channel_diff(uint32_t a, uint32_t b)
{
    int m = 0;
    for (int s = 0; s < 24; s += 8) {
        int d = abs((int)((a >> s) & 0xFF) - (int)((b >> s) & 0xFF));
        m = d > m ? d : m;
    }
    return m;
}

/* The actual image at a third of its contrast, differences in red. */
static void write_diff(const char *path, const image_t *act, const image_t *gold, int tol)
{
    uint32_t *px = malloc((size_t)act->w * (size_t)act->h * 4);
    if (!px)
        return;
    for (int i = 0; i < act->w * act->h; i++) {
        uint32_t p = act->px[i];
        int grey = (int)(((p >> 16) & 0xFF) + ((p >> 8) & 0xFF) + (p & 0xFF)) / 3;
        uint32_t g = (uint32_t)(170 + grey / 3);
        px[i] =
            channel_diff(p, gold->px[i]) > tol ? 0xFFFF0000u : (0xFF000000u | g << 16 | g << 8 | g);
    }
    char err[256];
    if (image_write_argb(path, px, act->w, act->h, act->w * 4, err, sizeof err) < 0)
        fprintf(stderr, "png-diff: %s\n", err);
    free(px);
}

/* A BMP through SDL, into the same 0xAARRGGBB layout as image_read. */
static int read_bmp(const char *path, image_t *img, char *err, size_t cap)
{
    SDL_Surface *raw = SDL_LoadBMP(path);
    SDL_Surface *s = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(raw);
    if (!s) {
        snprintf(err, cap, "%s: %s", path, SDL_GetError());
        return -1;
    }
    img->w = s->w;
    img->h = s->h;
    img->px = malloc((size_t)s->w * (size_t)s->h * 4);
    for (int y = 0; img->px && y < s->h; y++)
        memcpy(img->px + (size_t)y * (size_t)s->w, (uint8_t *)s->pixels + y * s->pitch,
               (size_t)s->w * 4);
    SDL_FreeSurface(s);
    return img->px ? 0 : -1;
}

static int read_any(const char *path, image_t *img, char *err, size_t cap)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".bmp") == 0)
        return read_bmp(path, img, err, cap);
    return image_read(path, img, err, cap);
}

/* Turn an image clockwise by 90, 180 or 270 degrees. */
static int rotate(image_t *img, int deg)
{
    if (deg % 360 == 0)
        return 0;
    int w = img->w, h = img->h, nw = deg % 180 ? h : w, nh = deg % 180 ? w : h;
    uint32_t *out = malloc((size_t)w * (size_t)h * 4);
    if (!out)
        return -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int nx = deg == 90 ? h - 1 - y : deg == 180 ? w - 1 - x : y;
            int ny = deg == 90 ? x : deg == 180 ? h - 1 - y : w - 1 - x;
            out[ny * nw + nx] = img->px[y * w + x];
        }
    free(img->px);
    img->px = out;
    img->w = nw;
    img->h = nh;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: png-diff GOLDEN ACTUAL [--tolerance N] [--max-pixels N] "
                        "[--diff OUT.png] [--rotate DEG]\n");
        return 2;
    }
    int tol = 24, deg = 0;
    long max_px = -1;
    const char *diff = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--tolerance") == 0)
            tol = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-pixels") == 0)
            max_px = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--diff") == 0)
            diff = argv[i + 1];
        else if (strcmp(argv[i], "--rotate") == 0)
            deg = atoi(argv[i + 1]);
    }
    image_t gold, act;
    char err[512];
    if (read_any(argv[1], &gold, err, sizeof err) < 0 ||
        read_any(argv[2], &act, err, sizeof err) < 0 || rotate(&gold, deg) < 0) {
        fprintf(stderr, "png-diff: %s\n", err);
        return 2;
    }
    int rc = 0;
    if (gold.w != act.w || gold.h != act.h) {
        fprintf(stderr, "png-diff: %s is %dx%d but %s is %dx%d\n", argv[2], act.w, act.h, argv[1],
                gold.w, gold.h);
        rc = 1;
    } else {
        long n = 0;
        for (int i = 0; i < act.w * act.h; i++)
            n += channel_diff(act.px[i], gold.px[i]) > tol;
        if (max_px < 0)
            max_px = (long)act.w * act.h / 2000;
        if (n > max_px) {
            fprintf(stderr, "png-diff: %s differs from %s in %ld pixels (allowed %ld)%s%s\n",
                    argv[2], argv[1], n, max_px, diff ? "; see " : "", diff ? diff : "");
            if (diff)
                write_diff(diff, &act, &gold, tol);
            rc = 1;
        }
    }
    image_free(&gold);
    image_free(&act);
    return rc;
}
