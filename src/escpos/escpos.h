/*
 * escpos/escpos.h - ESC/POS: building the byte stream of a receipt, and reading the
 * printer's real-time status replies.
 *
 * Bangla cannot be printed with any printer font (no ESC/POS code page has it), so a
 * receipt is one 1-bit raster sent as GS v 0 bands. What this encoder emits, exactly:
 *   ESC @                         1B 40                  initialize
 *   GS v 0 0 xL xH yL yH data     1D 76 30 00 ...        a raster band; x = bytes per row
 *                                                        (up to the band's rightmost black
 *                                                        byte), y = rows, data = x * y bytes
 *   ESC J n                       1B 4A n                feed n dots (n <= 255); used instead
 *                                                        of sending blank bands
 *   GS ( k ...                    1D 28 6B ...           native QR (model 2, size, EC, store,
 *                                                        print) where a profile allows it
 *   ESC d n                       1B 64 n                feed n lines before a cut
 *   GS V 1 / GS V 0               1D 56 01 / 1D 56 00    partial / full cut
 *   DLE EOT n                     10 04 n                real-time status request (n = 1, 2, 4)
 */
#ifndef ESCPOS_ESCPOS_H
#define ESCPOS_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "escpos/bitmap.h"

/* A growing byte buffer. */
typedef struct {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* out of memory at some point: the stream is incomplete */
} escpos_buf_t;

void escpos_buf_free(escpos_buf_t *b);
void escpos_bytes(escpos_buf_t *b, const void *p, size_t n);

void escpos_init(escpos_buf_t *b);

/* The raster in bands of at most band_rows rows; runs of blank rows become ESC J feeds
 * instead of bands. Every band's header matches its data. */
void escpos_raster(escpos_buf_t *b, const bitmap_t *img, int band_rows);

/* Feed n dots (any n >= 0: split into ESC J commands of at most 255). */
void escpos_feed_dots(escpos_buf_t *b, int n);

/* The most bytes a QR code holds (version 40, byte mode, error correction L). */
#define ESCPOS_QR_MAX_BYTES 2953

/* Native QR: model 2, module size 1..16 (clamped), error correction 'L', 'M', 'Q' or 'H'
 * (anything else gives 'M'). A payload longer than ESCPOS_QR_MAX_BYTES marks the buffer
 * failed rather than printing a different, cut payload. */
void escpos_qr_native(escpos_buf_t *b, const char *payload, int module, char ec);

/* Feed lines (at most 255) then cut (partial when true). */
void escpos_cut(escpos_buf_t *b, int feed_lines, bool partial);

/* The request for real-time status n (1 printer, 2 offline cause, 4 paper). */
void escpos_status_request(escpos_buf_t *b, int n);

/* What the printer said about itself. */
typedef struct {
    bool valid; /* every reply had the fixed bits of a status byte */
    bool online;
    bool cover_open;
    bool paper_near_end;
    bool paper_out;
    bool error;
} escpos_status_t;

/* Fold one DLE EOT n reply byte into st, which starts zeroed with valid = true: the
 * replies to 1, 2 and 4 each add what they know (paper_out may come from 2 or from 4, so it
 * is only ever set). False (st->valid cleared) when the byte is not a status byte (the
 * fixed bits 0xx1xx10 are wrong). */
bool escpos_status_parse(int n, uint8_t reply, escpos_status_t *st);

#endif
