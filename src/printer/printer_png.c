/*
 * printer/printer_png.c - the virtual printer: what would be printed becomes DIR/<name>.png.
 * It runs the job's bytes through the same ESC/POS decoder as receipt-render, so what lands
 * in the PNG is what the byte stream says, not what the kiosk meant to send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "escpos/decode.h"
#include "image/image.h"
#include "printer/printer.h"

static long png_write(printer_t *p, const uint8_t *data, size_t n, int timeout_ms)
{
    (void)timeout_ms;
    escpos_buf_t *b = p->impl;
    escpos_bytes(b, data, n);
    return b->failed ? -1 : (long)n;
}

/* Keep only characters that are safe in a file name. */
static void safe_name(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++)
        out[o++] = (*in >= 'A' && *in <= 'Z') || (*in >= 'a' && *in <= 'z') ||
                           (*in >= '0' && *in <= '9') || *in == '-' || *in == '_'
                       ? *in
                       : '_';
    out[o] = '\0';
}

static int png_finish(printer_t *p)
{
    escpos_buf_t *b = p->impl;
    bitmap_t page;
    escpos_decode_info_t info;
    char err[256], name[128], path[800];
    if (escpos_decode(b->data, b->len, p->profile.width_dots, &page, &info, err, sizeof err) < 0) {
        snprintf(p->detail, sizeof p->detail, "the receipt's bytes do not decode: %s", err);
        bitmap_free(&page); /* the decoder leaves the page to its caller, even on failure */
        return -1;
    }
    safe_name(p->name, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s.png", p->spec.path, name);
    /* An empty job still leaves a (one-row, white) file: a PNG cannot have zero rows. */
    int rc = image_write_mono(path, page.bits, page.w, page.h > 0 ? page.h : 1, page.stride, err,
                              sizeof err);
    if (rc < 0)
        snprintf(p->detail, sizeof p->detail, "%s", err);
    bitmap_free(&page);
    return rc;
}

static void png_close(printer_t *p)
{
    escpos_buf_t *b = p->impl;
    if (b) {
        escpos_buf_free(b);
        free(b);
    }
}

static const printer_ops_t png_ops = {png_write, NULL, png_finish, png_close, NULL};

printer_result_t printer_png_open(printer_t *p)
{
    struct stat st;
    if (mkdir(p->spec.path, 0755) != 0 && errno != EEXIST) {
        snprintf(p->detail, sizeof p->detail, "%s: %s", p->spec.path, strerror(errno));
        return PRINTER_NOT_FOUND;
    }
    if (stat(p->spec.path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(p->detail, sizeof p->detail, "%s: not a folder", p->spec.path);
        return PRINTER_NOT_FOUND;
    }
    p->impl = calloc(1, sizeof(escpos_buf_t));
    if (!p->impl)
        return PRINTER_IO;
    p->ops = &png_ops;
    return PRINTER_OK;
}
