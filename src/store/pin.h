/*
 * store/pin.h - the technician's PIN: stored only as an Argon2id hash (libsodium), with a
 * lockout after 5 wrong tries for 5 minutes that survives a restart (pulling the plug must
 * not reset the count).
 */
#ifndef STORE_PIN_H
#define STORE_PIN_H

#include <stddef.h>
#include <stdint.h>

#define PIN_MIN_DIGITS   4
#define PIN_MAX_DIGITS   12
#define PIN_MAX_TRIES    5
#define PIN_LOCK_SECONDS (5 * 60)

typedef enum { PIN_OK, PIN_WRONG, PIN_LOCKED, PIN_NOT_SET, PIN_ERROR } pin_result_t;

/* The Argon2id hash of pin (4..12 digits) as text (for provisioning). 0, or -1 with err. */
int pin_hash(const char *pin, char *out, size_t cap, char *err, size_t errcap);

/* Store the hash of pin (4..12 digits) as DIR/technician.pin (mode 0600). 0, or -1. */
int pin_set(const char *dir, const char *pin, char *err, size_t errcap);

/* Check pin at time now. On PIN_WRONG, *left is the tries left before the lock; on
 * PIN_LOCKED, *until is when the lock ends (unix seconds). */
pin_result_t pin_check(const char *dir, const char *pin, int64_t now, int *left, int64_t *until);

/* The lock state without trying a PIN: PIN_LOCKED (with *until), PIN_NOT_SET or PIN_OK. */
pin_result_t pin_state(const char *dir, int64_t now, int64_t *until);

#endif
