/*
 * store/pin.h - the technician's PIN: stored only as an Argon2id hash (libsodium) that costs
 * an attacker with the card at least half a second a guess on a Raspberry Pi 4, and a
 * lockout that survives a restart, fails closed and escalates.
 *
 * Lockout: after PIN_MAX_TRIES wrong PINs in a row, entry is locked for 5 min, then 15 min,
 * 1 h, 4 h, and 24 h for every later lockout, until a right PIN resets the steps. The lock
 * file (DATA/technician.lock) keeps the step and when the lock began, not an end time: a
 * lock never lasts longer than its step from now, whatever the clock does (a Pi without a
 * clock battery boots in the past). Every try is counted in that file before the PIN is
 * checked; when the count cannot be written (a full or read-only disk) nobody gets in.
 * Every failure, lockout, refusal and entry goes to the technician's log (store/techlog.h).
 */
#ifndef STORE_PIN_H
#define STORE_PIN_H

#include <stddef.h>
#include <stdint.h>

#include "store/journal.h"

#define PIN_MIN_DIGITS 6
#define PIN_MAX_DIGITS 12
#define PIN_MAX_TRIES  5

typedef enum { PIN_OK, PIN_WRONG, PIN_LOCKED, PIN_NOT_SET, PIN_ERROR } pin_result_t;

/* How long the step-th lockout (1, 2, ...) lasts, in seconds. */
int64_t pin_lock_seconds(int step);

/* The Argon2id hash of pin (6..12 digits) as text (for provisioning). 0, or -1 with err. */
int pin_hash(const char *pin, char *out, size_t cap, char *err, size_t errcap);

/* Store the hash of pin (6..12 digits) as DIR/technician.pin (mode 0600) and start the
 * lockout afresh. 0, or -1 with err. */
int pin_set(const char *dir, const char *pin, char *err, size_t errcap);

/* Check pin at time now, logging the outcome to log (the journal; may be NULL: stderr only).
 * PIN_WRONG: *left is the tries left before the next lock. PIN_LOCKED: *until is when the
 * lock ends (unix seconds, never more than the step's length after now). PIN_ERROR: the try
 * could not be recorded or the files cannot be read; entry is refused. Hashes made with
 * other parameters (older kiosks) still verify, and are re-hashed on entry. */
pin_result_t pin_check(const char *dir, journal_t *log, const char *pin, int64_t now, int *left,
                       int64_t *until);

/* The lock state without trying a PIN: PIN_LOCKED (with *until), PIN_NOT_SET, PIN_ERROR or
 * PIN_OK. */
pin_result_t pin_state(const char *dir, int64_t now, int64_t *until);

#endif
