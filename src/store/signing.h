/*
 * store/signing.h - receipts that cannot be forged: each QR code carries an Ed25519
 * signature (libsodium) made with the terminal's own key over the whole payload before
 * "&sig=": the receipt URL (scheme and host included), the tracking id (which holds the
 * centre, the terminal and the date), the token and the service. A counter checks a scanned
 * receipt with verify-receipt and the terminal's public key, or a folder of the centre's
 * keys named <centre>-<terminal>.pub: the key that verifies must be the one of the terminal
 * the tracking id names.
 *
 * Payload: [<receipt_url>/]<tracking>?t=<token>&s=<service>&sig=<base64url signature>
 * and nothing else: a parameter twice, an unknown one, anything after the signature, a
 * fragment, spaces or control characters make it malformed.
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

/* A payload's parts, once it is well formed. */
typedef struct {
    char url[256];        /* what precedes "/<tracking>"; "" when the payload starts with it */
    char tracking[96];    /* "UDC-0001-T01-20261129-0007" */
    char terminal[64];    /* the tracking id without its date and number: "UDC-0001-T01" */
    char token[16];       /* "B-007" */
    char service[32];     /* "nid_correction" */
    int year, month, day; /* the date in the tracking id (Asia/Dhaka) */
} signing_receipt_t;

/* Parse a payload strictly (no signature check). VERIFY_GENUINE when well formed (then r is
 * filled), VERIFY_MALFORMED with why otherwise. */
verify_result_t signing_parse(const char *payload, signing_receipt_t *r, char *why, size_t cap);

/* Check a payload against the public key of key_terminal ("<centre>-<terminal>", as in the
 * key file's name; NULL when the key's owner is not known). VERIFY_GENUINE only when the
 * signature over everything before "&sig=" matches and the tracking id names key_terminal.
 * VERIFY_FORGED (why says which) when well formed but not so; r is filled then too. */
verify_result_t signing_check(const uint8_t public_key[SIGNING_PUBLIC_BYTES],
                              const char *key_terminal, const char *payload, signing_receipt_t *r,
                              char *why, size_t cap);

/* The earlier interface, kept for callers that have one key of unknown owner: the same
 * strict check as signing_check(key, NULL, ...). On VERIFY_GENUINE and VERIFY_FORGED the
 * parsed parts are filled (when the pointers are given). Prefer signing_check with the
 * terminal the key belongs to. */
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
