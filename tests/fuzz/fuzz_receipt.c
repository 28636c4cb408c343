/*
 * tests/fuzz/fuzz_receipt.c - fuzz target for a scanned receipt's QR payload (signing_parse
 * and signing_check): whatever a camera reads, or anyone prints, reaches it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/signing.h"

static bool only(const char *s, const char *allowed)
{
    return strspn(s, allowed) == strlen(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The public key of tests/data/signing-test.key: the corpus holds payloads it signed. */
    static const uint8_t key[SIGNING_PUBLIC_BYTES] = {
        0x08, 0xe0, 0x5e, 0x35, 0x52, 0xf7, 0x11, 0x4f, 0x22, 0x26, 0xac,
        0xdc, 0xc8, 0xed, 0x03, 0xb2, 0x22, 0x55, 0x3b, 0xbb, 0x67, 0xed,
        0xbb, 0x07, 0x76, 0x32, 0x98, 0xc3, 0x89, 0x4b, 0x0d, 0xcb};
    char payload[2048], why[256] = "";
    signing_receipt_t r;
    if (size >= sizeof payload)
        return 0;
    memcpy(payload, data, size);
    payload[size] = '\0';
    verify_result_t v = signing_check(key, NULL, payload, &r, why, sizeof why);
    if (v == VERIFY_MALFORMED) {
        if (!why[0])
            abort(); /* every refusal says why */
        return 0;
    }
    /* What verify-receipt prints once a payload parsed: plain ASCII ids, a real date. */
    if (!only(r.tracking, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ||
        !only(r.token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") ||
        !only(r.service, "abcdefghijklmnopqrstuvwxyz0123456789_") || !r.terminal[0] ||
        strncmp(r.tracking, r.terminal, strlen(r.terminal)) != 0 || r.month < 1 || r.month > 12 ||
        r.day < 1 || r.day > 31 || strchr(r.url, '?') || strchr(r.url, ' '))
        abort();
    return 0;
}
