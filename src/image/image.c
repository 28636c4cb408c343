/* image/image.c - libpng reading and writing with errors reported, not longjmp'd away. */
#include "image/image.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows are handed to libpng one at a time, so no whole-image copy is needed. */
typedef void (*row_fill_fn)(const void *src, int y, int w, png_bytep row);

typedef struct {
    const uint32_t *px;
    int pitch;
} argb_src_t;

typedef struct {
    const uint8_t *bits;
    int stride;
} mono_src_t;

static void fill_rgb(const void *src, int y, int w, png_bytep row)
{
    const argb_src_t *a = src;
    const uint32_t *p = (const uint32_t *)((const uint8_t *)a->px + (size_t)y * (size_t)a->pitch);
    for (int x = 0; x < w; x++) {
        row[3 * x + 0] = (png_byte)(p[x] >> 16);
        row[3 * x + 1] = (png_byte)(p[x] >> 8);
        row[3 * x + 2] = (png_byte)p[x];
    }
}

static void fill_mono(const void *src, int y, int w, png_bytep row)
{
    const mono_src_t *m = src;
    /* PNG grey 1-bit is 1 = white; our raster is 1 = black (ink), so invert. */
    const uint8_t *r = m->bits + (size_t)y * (size_t)m->stride;
    for (int i = 0; i < (w + 7) / 8; i++)
        row[i] = (png_byte)~r[i];
}

static int write_png(const char *path, int w, int h, int color, int depth, size_t rowbytes,
                     row_fill_fn fill, const void *src, char *err, size_t errcap)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep row = malloc(rowbytes);
    int rc = -1;
    if (!png || !info || !row) {
        snprintf(err, errcap, "%s: out of memory", path);
        goto done;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(err, errcap, "%s: libpng write error", path);
        goto done;
    }
    png_init_io(png, fp);
    png_set_compression_level(png, 6);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        fill(src, y, w, row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    rc = 0;
done:
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(fp) != 0 && rc == 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int image_write_argb(const char *path, const uint32_t *px, int w, int h, int pitch, char *err,
                     size_t errcap)
{
    argb_src_t src = {px, pitch};
    return write_png(path, w, h, PNG_COLOR_TYPE_RGB, 8, (size_t)w * 3, fill_rgb, &src, err, errcap);
}

int image_write_mono(const char *path, const uint8_t *bits, int w, int h, int stride, char *err,
                     size_t errcap)
{
    mono_src_t src = {bits, stride};
    return write_png(path, w, h, PNG_COLOR_TYPE_GRAY, 1, (size_t)(w + 7) / 8, fill_mono, &src, err,
                     errcap);
}

int image_read(const char *path, image_t *img, char *err, size_t errcap)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    memset(img, 0, sizeof *img);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path)) {
        snprintf(err, errcap, "%s: %s", path, pi.message);
        return -1;
    }
    pi.format = PNG_FORMAT_BGRA; /* little-endian bytes B,G,R,A = 0xAARRGGBB words */
    img->px = malloc(PNG_IMAGE_SIZE(pi));
    if (!img->px) {
        png_image_free(&pi);
        snprintf(err, errcap, "%s: out of memory", path);
        return -1;
    }
    if (!png_image_finish_read(&pi, NULL, img->px, 0, NULL)) {
        snprintf(err, errcap, "%s: %s", path, pi.message);
        free(img->px);
        img->px = NULL;
        return -1;
    }
    img->w = (int)pi.width;
    img->h = (int)pi.height;
    return 0;
}

void image_free(image_t *img)
{
    free(img->px);
    img->px = NULL;
}
