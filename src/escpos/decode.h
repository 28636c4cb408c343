/*
 * escpos/decode.h - an ESC/POS decoder: draws a byte stream onto a 1-bit page the way a
 * thermal printer would, to preview receipts and to check the encoder independently of it.
 *
 * The grammar is strict: the subset of ESC/POS a receipt of ours can contain, plus the few
 * harmless commands other encoders commonly send. Anything else is an error, so a stray byte
 * in the encoder's output is found here rather than on paper.
 *   ESC @          reset (line spacing 30 dots, left justification)
 *   GS v 0 m xL xH yL yH d..   raster band, m 0..3 (1 double width, 2 double height, 3 both)
 *   ESC J n        feed n dots             ESC d n   feed n lines
 *   LF             feed one line           CR        ignored
 *   ESC 2 / ESC 3 n                        line spacing 30 / n dots
 *   ESC a n        justification of rasters (0/48 left, 1/49 centre, 2/50 right)
 *   ESC ! n, ESC E n, GS ! n               text modes: accepted, ignored
 *   GS ( k pL pH 31 fn ..                  QR: fn 65 model (2 only), 67 module size 1..16,
 *                                          69 EC 48..51, 80 store, 81 print (libqrencode,
 *                                          quiet zone of 4 modules, centred)
 *   GS V m (0, 1, 48, 49), GS V 65/66 n    cut (after feeding n dots): a dashed line is drawn
 *   DLE EOT n      status request n = 1..4: counted, nothing drawn
 *   0x20..0x7E, 0x80..0xFF                 text: counted, not drawn (the kiosk sends none)
 */
#ifndef ESCPOS_DECODE_H
#define ESCPOS_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "escpos/bitmap.h"

#define ESCPOS_DECODE_MAX_ROWS  100000 /* longer pages are an error: "page too long" */
#define ESCPOS_DECODE_MAX_WIDTH 4096   /* no thermal printer is wider; bounds the page's memory */

/* What the stream contained. */
typedef struct {
    int bands;            /* GS v 0 commands */
    int max_raster_width; /* widest GS v 0 band as drawn (scaled), in dots */
    int cuts;
    int qr_count;            /* QR codes printed (GS ( k fn 81) */
    char qr_payload[4][512]; /* the first four printed payloads, NUL-terminated, cut at 511 */
    int feeds_dots;          /* paper fed by ESC J, ESC d, LF and GS V 65/66 n */
    size_t text_bytes;       /* printable bytes (not drawn) */
    int status_requests;     /* DLE EOT n */
} escpos_decode_info_t;

/* Decode len bytes onto page. width_dots is the paper's width; <= 0 means the widest raster
 * in the stream, or 384 when there is none. page is always initialised by the call (rows grow
 * as the paper advances; height = how far the paper moved, plus a cut line's row) and must be
 * freed with bitmap_free whatever the result; on error it holds what was printed before the
 * bad command. info may be NULL. Returns 0, or -1 with a message in err naming the byte
 * offset and the command: "offset 123: GS v 0: header says 48x200 = 9600 bytes but only 17
 * remain". Never reads outside data; every command consumes at least one byte. */
int escpos_decode(const uint8_t *data, size_t len, int width_dots, bitmap_t *page,
                  escpos_decode_info_t *info, char *err, size_t errcap);

#endif
