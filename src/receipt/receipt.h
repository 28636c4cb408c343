/*
 * receipt/receipt.h - a receipt composed as one 1-bit raster at the printer's width, with
 * the same text engine as the screen (shaped Bangla, script runs, wrapping), thresholded
 * cleanly: a dot is black where the glyph covers at least half of it, so thermal paper gets
 * crisp edges instead of dithered grey.
 *
 * receipt_builder_* lays out blocks top to bottom; receipt_compose_request lays out the
 * citizen's receipt from strings the app has already translated.
 */
#ifndef RECEIPT_RECEIPT_H
#define RECEIPT_RECEIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "escpos/bitmap.h"
#include "text/fonts.h"
#include "text/layout.h"

typedef struct {
    fonts_t *fonts;
    bitmap_t bmp; /* grows as blocks are added */
    int y;        /* next free row */
    int margin;   /* dots left and right */
    bool failed;  /* out of memory or text that could not be drawn */
} receipt_builder_t;

bool receipt_builder_begin(receipt_builder_t *b, fonts_t *fonts, int width_dots);
/* Text wrapped to the paper width (shrunk to 80%, then ellipsized, past max_lines). */
void receipt_builder_text(receipt_builder_t *b, const char *text, int size_px, bool bold,
                          text_align_t align, int max_lines);
/* Label on the left, value on the right (or under it when they do not fit side by side). */
void receipt_builder_pair(receipt_builder_t *b, const char *label, const char *value, int size_px);
void receipt_builder_space(receipt_builder_t *b, int dots);
void receipt_builder_rule(receipt_builder_t *b);
/* A QR code with whole-dot modules, error correction M, a quiet zone of 4 modules, centred,
 * as large as fits within max_side dots; false when the payload cannot be encoded. */
bool receipt_builder_qr(receipt_builder_t *b, const char *payload, int max_side);
/* Hand over the bitmap (trimmed to the content); the builder is empty afterwards. */
bitmap_t receipt_builder_end(receipt_builder_t *b);

#define RECEIPT_MAX_ITEMS 8
#define RECEIPT_FEE_LINES 3

/* Everything printed on a citizen's receipt, already in the right language. */
typedef struct {
    const char *centre[2]; /* primary, secondary language */
    const char *service[2];
    const char *token_label; /* "টোকেন নম্বর" */
    const char *token;       /* "A-০৪২" */
    const char *when;        /* date and time, formatted */
    const char *priority;    /* "Priority: elderly"; NULL: none */
    const char *ahead;       /* "3 ahead of you, about 12 minutes"; NULL: not known */
    /* What it costs: the official fee, the centre's charge and the total (the last one bold). */
    const char *fee_labels[RECEIPT_FEE_LINES], *fees[RECEIPT_FEE_LINES];
    int fee_count;
    const char *labels[RECEIPT_MAX_ITEMS], *values[RECEIPT_MAX_ITEMS]; /* masked ids */
    int item_count;
    const char *documents_label;
    const char *documents[RECEIPT_MAX_ITEMS];
    int document_count;
    const char *tracking_label, *tracking;
    const char *qr_payload;
    const char *instruction;
} receipt_request_t;

/* The parts of a composed receipt: with native QR the code is printed by the printer between
 * the two rasters; otherwise it is drawn into top and bottom is empty. */
typedef struct {
    bitmap_t top, bottom;
    bool native_qr;
} receipt_t;

int receipt_compose_request(fonts_t *fonts, const receipt_request_t *rq, int width_dots,
                            bool native_qr, receipt_t *out);
void receipt_free(receipt_t *r);

/* A test page for technicians: a width ruler, Bangla and English samples (reph, pre-base
 * vowel signs, conjuncts), a QR code and the profile's description (profile_lines). */
int receipt_compose_test(fonts_t *fonts, int width_dots, const char *profile_lines, bitmap_t *out);

/* Mask an identifier so only its last `keep` digits show: "1234567890" -> "******7890". */
void receipt_mask(const char *value, int keep, char *out, size_t cap);

#endif
