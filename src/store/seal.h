/*
 * store/seal.h - sealing citizens' data to the register (libsodium crypto_box_seal): whoever
 * holds only the terminal (or a USB stick, or the broker) cannot read it; the register, which
 * holds the X25519 secret key, can. Used for exports to removable media and for the fields
 * that travel in sync events.
 *
 * Key files are one line of base64url (no padding): a public key of 32 bytes
 * (`[journal] export_key`), or a secret key of 32 bytes (kept by the register only).
 */
#ifndef STORE_SEAL_H
#define STORE_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_BYTES 32
#define SEAL_OVERHEAD  48 /* crypto_box_SEALBYTES */

/* A new key pair, as two lines of text (each ends with a newline). 0, or -1. */
int seal_keygen(char *public_text, size_t pcap, char *secret_text, size_t scap);

/* Read a key file of either kind. 0, or -1 with "PATH: why" in err. */
int seal_key_load(const char *path, uint8_t key[SEAL_KEY_BYTES], char *err, size_t errcap);

/* The same from text (one base64url line; surrounding white space is ignored). */
bool seal_key_from_text(const char *text, uint8_t key[SEAL_KEY_BYTES]);

/* The public key that belongs to a secret key. */
void seal_public_of(const uint8_t secret[SEAL_KEY_BYTES], uint8_t public_key[SEAL_KEY_BYTES]);

/* Seal n bytes to a public key into out (n + SEAL_OVERHEAD bytes). 0, or -1 when out is
 * too small. */
int seal_to(const uint8_t public_key[SEAL_KEY_BYTES], const void *data, size_t n, uint8_t *out,
            size_t cap);

/* Open a sealed box with the secret key into out (n - SEAL_OVERHEAD bytes). Length, or -1
 * when it was not sealed to this key, was changed, or out is too small. */
long seal_open(const uint8_t secret[SEAL_KEY_BYTES], const uint8_t *box, size_t n, uint8_t *out,
               size_t cap);

#endif
