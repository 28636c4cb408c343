/*
 * image/image.h - PNG files in and out (libpng): screenshots, golden images, the virtual
 * printer's receipts. Output carries no time stamp, so the same pixels give the same bytes.
 */
#ifndef IMAGE_IMAGE_H
#define IMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* An image as 32-bit pixels 0xAARRGGBB, rows of w pixels, no padding. */
typedef struct {
    int w, h;
    uint32_t *px;
} image_t;

/* Write pixels (pitch in bytes) as RGB (alpha ignored). 0, or -1 with a message in err. */
int image_write_argb(const char *path, const uint32_t *px, int w, int h, int pitch, char *err,
                     size_t errcap);

/* Write a 1-bit image: bits MSB first, 1 = black, rows of stride bytes. */
int image_write_mono(const char *path, const uint8_t *bits, int w, int h, int stride, char *err,
                     size_t errcap);

/* Read any PNG into 0xAARRGGBB pixels. 0, or -1 with a message in err. */
int image_read(const char *path, image_t *img, char *err, size_t errcap);

void image_free(image_t *img);

#endif
