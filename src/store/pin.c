/* store/pin.c - Argon2id PIN hashes and a persistent lockout. */
#define _POSIX_C_SOURCE 200809L
#include "store/pin.h"
#include "io/file.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Argon2id with 16 MB: a PIN is short, so the hash must be slow to guess offline, yet quick
 * enough (well under a second) on a Raspberry Pi 3 with the kiosk running. */
#define OPS 3
#define MEM (16u * 1024 * 1024)

static void path_of(const char *dir, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static bool digits_ok(const char *pin)
{
    size_t n = strlen(pin);
    return n >= PIN_MIN_DIGITS && n <= PIN_MAX_DIGITS && strspn(pin, "0123456789") == n;
}

/* The hash and the lockout are the kiosk's own: mode 0600, written atomically. */
static int put(const char *path, const char *text)
{
    return file_write_atomic(path, text, 0600);
}

int pin_hash(const char *pin, char *out, size_t cap, char *err, size_t errcap)
{
    char hash[crypto_pwhash_STRBYTES];
    if (!digits_ok(pin)) {
        snprintf(err, errcap, "a PIN is %d to %d digits", PIN_MIN_DIGITS, PIN_MAX_DIGITS);
        return -1;
    }
    if (sodium_init() < 0 ||
        crypto_pwhash_str_alg(hash, pin, strlen(pin), OPS, MEM, crypto_pwhash_ALG_ARGON2ID13)) {
        snprintf(err, errcap, "cannot hash the PIN (out of memory?)");
        return -1;
    }
    if (strlen(hash) >= cap) {
        snprintf(err, errcap, "hash too long");
        return -1;
    }
    strcpy(out, hash);
    return 0;
}

int pin_set(const char *dir, const char *pin, char *err, size_t errcap)
{
    char hash[crypto_pwhash_STRBYTES + 2], path[1100];
    if (pin_hash(pin, hash, sizeof hash - 1, err, errcap) < 0)
        return -1;
    path_of(dir, "technician.pin", path, sizeof path);
    strcat(hash, "\n");
    if (put(path, hash) < 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    path_of(dir, "technician.lock", path, sizeof path);
    unlink(path); /* a new PIN starts with a clean slate */
    return 0;
}

/* "failures until" from DIR/technician.lock (0 0 when absent). */
static void read_lock(const char *dir, int *failures, int64_t *until)
{
    char path[1100];
    long long u = 0;
    *failures = 0;
    path_of(dir, "technician.lock", path, sizeof path);
    FILE *fp = fopen(path, "r");
    if (fp) {
        if (fscanf(fp, "%d %lld", failures, &u) != 2)
            *failures = 0, u = 0;
        fclose(fp);
    }
    *until = u;
}

static void write_lock(const char *dir, int failures, int64_t until)
{
    char path[1100], text[64];
    path_of(dir, "technician.lock", path, sizeof path);
    snprintf(text, sizeof text, "%d %lld\n", failures, (long long)until);
    put(path, text);
}

static bool read_hash(const char *dir, char *hash, size_t cap)
{
    char path[1100];
    path_of(dir, "technician.pin", path, sizeof path);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return false;
    bool ok = fgets(hash, (int)cap, fp) != NULL;
    fclose(fp);
    hash[strcspn(hash, "\n")] = '\0';
    return ok && hash[0];
}

pin_result_t pin_state(const char *dir, int64_t now, int64_t *until)
{
    char hash[crypto_pwhash_STRBYTES + 2];
    int failures;
    if (!read_hash(dir, hash, sizeof hash))
        return PIN_NOT_SET;
    read_lock(dir, &failures, until);
    return *until > now ? PIN_LOCKED : PIN_OK;
}

pin_result_t pin_check(const char *dir, const char *pin, int64_t now, int *left, int64_t *until)
{
    char hash[crypto_pwhash_STRBYTES + 2];
    int failures;
    *left = 0;
    if (!read_hash(dir, hash, sizeof hash))
        return PIN_NOT_SET;
    read_lock(dir, &failures, until);
    if (*until > now)
        return PIN_LOCKED;
    if (sodium_init() < 0)
        return PIN_ERROR;
    if (digits_ok(pin) && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0) {
        write_lock(dir, 0, 0);
        return PIN_OK;
    }
    /* Count the failure before answering: the count must survive a power cut right now. */
    if (++failures >= PIN_MAX_TRIES) {
        *until = now + PIN_LOCK_SECONDS;
        write_lock(dir, 0, *until);
        return PIN_LOCKED;
    }
    write_lock(dir, failures, 0);
    *left = PIN_MAX_TRIES - failures;
    return PIN_WRONG;
}
