/*
 * tests/fuzz/fuzz_escpos_decode.c - fuzz target for the ESC/POS decoder (escpos_decode):
 * receipt-render and the virtual printer feed it bytes from other programs and files.
 * Each input is decoded at a fixed paper width (384 dots, 58 mm) and at the automatic width
 * (0: the widest raster), which runs the extra measuring pass.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escpos/decode.h"

/* What decode.h promises whatever the result: a page that can be read whole and freed, and
 * an info block within its bounds. */
static void check_page(const bitmap_t *page, const escpos_decode_info_t *info, int width)
{
    if (page->h < 0 || page->h > ESCPOS_DECODE_MAX_ROWS + 1)
        abort();
    if (page->h > 0 && (!page->bits || page->w < 1 || page->w > ESCPOS_DECODE_MAX_WIDTH ||
                        page->stride != (page->w + 7) / 8))
        abort();
    if (width > 0 && page->h > 0 && page->w != width)
        abort();
    /* Reads every byte of every row: ASan checks the page is as big as it says. */
    bitmap_rows_blank(page, 0, page->h);
    if (info->bands < 0 || info->cuts < 0 || info->qr_count < 0 || info->feeds_dots < 0)
        abort();
    for (int i = 0; i < 4; i++)
        if (!memchr(info->qr_payload[i], '\0', sizeof info->qr_payload[i]))
            abort();
}

static void decode(const uint8_t *data, size_t size, int width)
{
    bitmap_t page;
    escpos_decode_info_t info;
    char err[256] = "";
    int rc = escpos_decode(data, size, width, &page, &info, err, sizeof err);
    if (rc < 0 && strncmp(err, "offset ", 7) != 0)
        abort(); /* every error names the byte offset */
    check_page(&page, &info, width);
    bitmap_free(&page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode(data, size, 384);
    decode(data, size, 0);
    return 0;
}
