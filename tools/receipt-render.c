/*
 * tools/receipt-render.c - draw an ESC/POS stream as the printer would print it.
 *
 *   receipt-render IN.bin OUT.png [--width DOTS]
 *
 * IN may be - for stdin (at most 16 MB). The paper is DOTS wide (default: the widest raster
 * in the stream, else 384). Prints "WxH dots, N bands, N cuts, N QR, N bytes of text";
 * exit status 1 with the decoder's message when the stream is not valid, 2 on a usage or
 * file error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escpos/decode.h"
#include "image/image.h"
#include "io/file.h"

#define MAX_INPUT (16u << 20)

/* The whole stream; NULL (with a message printed) when unreadable or too large. */
static uint8_t *slurp(const char *path, size_t *len)
{
    char err[1200];
    char *buf = strcmp(path, "-") == 0 ? file_read_fd(0, "stdin", MAX_INPUT, len, err, sizeof err)
                                       : file_read(path, MAX_INPUT, len, err, sizeof err);
    if (!buf)
        fprintf(stderr, "receipt-render: %s\n", err);
    return (uint8_t *)buf;
}

int main(int argc, char **argv)
{
    int width = 0;
    if (argc == 5 && strcmp(argv[3], "--width") == 0)
        width = atoi(argv[4]);
    if ((argc != 3 && argc != 5) || (argc == 5 && width <= 0)) {
        fprintf(stderr, "usage: receipt-render IN.bin|- OUT.png [--width DOTS]\n");
        return 2;
    }
    size_t len = 0;
    uint8_t *data = slurp(argv[1], &len);
    if (!data)
        return 2;
    bitmap_t page;
    escpos_decode_info_t info;
    char err[512];
    int rc = escpos_decode(data, len, width, &page, &info, err, sizeof err);
    free(data);
    if (rc < 0) {
        fprintf(stderr, "receipt-render: %s: %s\n", argv[1], err);
        bitmap_free(&page);
        return 1;
    }
    int h = page.h;
    /* A PNG needs a row: an empty stream still gives an (empty) white strip. */
    if (page.h == 0 && !bitmap_grow(&page, 1))
        rc = -1;
    if (rc == 0)
        rc = image_write_mono(argv[2], page.bits, page.w, page.h, page.stride, err, sizeof err);
    if (rc == 0)
        printf("%dx%d dots, %d bands, %d cuts, %d QR, %zu bytes of text\n", page.w, h, info.bands,
               info.cuts, info.qr_count, info.text_bytes);
    else
        fprintf(stderr, "receipt-render: %s: %s\n", argv[2], err[0] ? err : "out of memory");
    bitmap_free(&page);
    return rc == 0 ? 0 : 2;
}
