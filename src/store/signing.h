/*
 * store/signing.h - receipts that cannot be forged: each QR code carries an Ed25519
 * signature (libsodium) over the tracking id, token, service and date, made with the
 * terminal's own key. A counter checks a scanned receipt with verify-receipt and the
 * terminal's public key (or a folder of all the centre's terminal keys).
 *
 * Payload: <base>/<tracking>?t=<token>&s=<service>&sig=<base64url signature>
 * (token and service travel in the payload so that the signature can be checked from the
 * QR code alone; the date is part of the tracking id).
 */
#ifndef STORE_SIGNING_H
#define STORE_SIGNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGNING_PUBLIC_BYTES 32
#define SIGNING_SECRET_BYTES 64

typedef struct {
    uint8_t secret[SIGNING_SECRET_BYTES];
    uint8_t public_key[SIGNING_PUBLIC_BYTES];
} signing_key_t;

/* Load DIR/signing.key, creating the key pair (mode 0600, and DIR/signing.pub with the
 * public key in base64url for the centre's register) when there is none; or load file
 * when given (tests use a fixed key so their screenshots do not change). 0, or -1. */
int signing_load(const char *dir, const char *file, signing_key_t *k, char *err, size_t errcap);

/* The QR payload for a request: base may be empty (then it starts with the tracking id).
 * Length, or -1 when out is too small. */
int signing_payload(const signing_key_t *k, const char *base, const char *tracking,
                    const char *token, const char *service, char *out, size_t cap);

typedef enum {
    VERIFY_GENUINE,
    VERIFY_FORGED,   /* well formed, but the signature does not match */
    VERIFY_MALFORMED /* not a Sheba receipt payload at all */
} verify_result_t;

/* Check a scanned payload against a public key (32 bytes). On VERIFY_GENUINE and
 * VERIFY_FORGED the parsed parts are filled (when the pointers are given). */
verify_result_t signing_verify(const uint8_t public_key[SIGNING_PUBLIC_BYTES], const char *payload,
                               char *tracking, char *token, char *service, size_t cap);

/* Sign bytes that are not a receipt (sync events, presence: JSON objects, which never begin
 * like a receipt's signed message, so one can never pass for the other): the Ed25519
 * signature in base64url without padding (86 characters) into out. Length, or -1 when out is
 * too small. */
#define SIGNING_SIG_TEXT 88 /* room for one signature as text, with its NUL */
int signing_sign_bytes(const signing_key_t *k, const void *data, size_t n, char *out, size_t cap);

/* Check such a signature against a public key. */
bool signing_verify_bytes(const uint8_t public_key[SIGNING_PUBLIC_BYTES], const void *data,
                          size_t n, const char *sig_text);

/* Read a public key file (one base64url line, like DATA/signing.pub). 0, or -1 with
 * "PATH: why" in err. */
int signing_public_load(const char *path, uint8_t key[SIGNING_PUBLIC_BYTES], char *err,
                        size_t errcap);

/* base64url (no padding) <-> 32-byte public keys. */
int signing_public_to_text(const uint8_t key[SIGNING_PUBLIC_BYTES], char *out, size_t cap);
bool signing_public_from_text(const char *text, uint8_t key[SIGNING_PUBLIC_BYTES]);

/* Wipe a key from memory. */
void signing_wipe(signing_key_t *k);

#endif
