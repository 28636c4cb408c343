/* store/pin.c - Argon2id PIN hashes and an escalating, fail-closed lockout. */
#define _POSIX_C_SOURCE 200809L
#include "store/pin.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/error.h"
#include "io/file.h"
#include "store/techlog.h"

/* Argon2id, 64 MiB, 4 passes: 0.25 to 0.3 s of CPU here (one core of a 2 GHz AMD EPYC, which
 * libsodium runs with AVX2/AVX-512 code; the 16 MiB, 3 pass hashes of before took 0.04 to
 * 0.07 s). A Raspberry Pi 4 (Cortex-A72, 1.5 GHz) runs libsodium's portable Argon2 code. About
 * 4,000 64-bit operations per 1 KiB block at 1.5 to 2 a cycle, plus 3 KiB of memory traffic
 * per block at 3 to 4 GB/s, make 0.55 to 0.75 s for the 262,144 blocks of 64 MiB x 4; scaling
 * the reference code's 5.6 s on a Pi 2 for the same parameters by the 5 to 8 times a Pi 4 is
 * faster at 64-bit arithmetic gives 0.7 to 1.1 s. Three passes could be 0.4 s there, so four:
 * every guess costs an attacker with the card at least half a second of a Pi, and the
 * technician waits about a second at the PIN pad. 64 MiB is allocated only while a PIN is
 * checked. The parameters travel in each hash ("$argon2id$v=19$m=65536,t=4,p=1$"), so hashes
 * made with others (an older kiosk's) still verify; they are made again on the next entry. */
#define OPS       4
#define MEM       (64u * 1024 * 1024)

#define LOCK_FILE "technician.lock"

/* What DIR/technician.lock holds: "v2 FAILURES STEP LOCKED_AT". */
typedef struct {
    int failures;      /* wrong PINs in a row, counted before each check */
    int step;          /* lockouts since the last entry: how long the next one lasts */
    int64_t locked_at; /* when the current lock began; 0: not locked */
} lock_t;

int64_t pin_lock_seconds(int step)
{
    static const int64_t steps[] = {5 * 60, 15 * 60, 60 * 60, 4 * 60 * 60, 24 * 60 * 60};
    int n = (int)(sizeof steps / sizeof steps[0]);
    return steps[step < 1 ? 0 : step > n ? n - 1 : step - 1];
}

static bool digits_ok(const char *pin)
{
    size_t n = strlen(pin);
    return n >= PIN_MIN_DIGITS && n <= PIN_MAX_DIGITS && strspn(pin, "0123456789") == n;
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

static int put_hash(const char *dir, const char *hash)
{
    char path[FILE_PATH_MAX], text[crypto_pwhash_STRBYTES + 2];
    if (file_path(path, sizeof path, dir, "technician.pin") < 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(text, sizeof text, "%s\n", hash);
    return file_write_atomic(path, text, 0600);
}

int pin_set(const char *dir, const char *pin, char *err, size_t errcap)
{
    char hash[crypto_pwhash_STRBYTES], path[FILE_PATH_MAX];
    if (pin_hash(pin, hash, sizeof hash, err, errcap) < 0)
        return -1;
    if (put_hash(dir, hash) < 0)
        return error_set(err, errcap, "%s/technician.pin: %s", dir, strerror(errno));
    if (file_path(path, sizeof path, dir, LOCK_FILE) == 0)
        unlink(path); /* a new PIN starts with a clean slate */
    return 0;
}

/* A small file of ours that may be absent: 0 absent, 1 read (NUL-terminated into out), -1
 * unreadable or too large (why says so). Never through a link, never blocking. */
static int read_own(const char *dir, const char *name, char *out, size_t cap, char *why,
                    size_t whycap)
{
    char path[FILE_PATH_MAX];
    size_t len;
    if (file_path(path, sizeof path, dir, name) < 0)
        return error_set(why, whycap, "%s/%s: path too long", dir, name);
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return 0;
    char *text = file_read_nofollow(path, cap - 1, &len, why, whycap);
    if (!text)
        return -1;
    memcpy(out, text, len + 1);
    free(text);
    return 1;
}

/* The lock file; absent means no failures. -1 with why when it cannot be read or makes no
 * sense: then nobody gets in until the PIN is set again. */
static int read_lock(const char *dir, lock_t *l, char *why, size_t cap)
{
    char text[128];
    long long a = 0, b = 0, c = 0;
    int n = 0;
    memset(l, 0, sizeof *l);
    int got = read_own(dir, LOCK_FILE, text, sizeof text, why, cap);
    if (got <= 0)
        return got;
    if (sscanf(text, "v2 %lld %lld %lld %n", &a, &b, &c, &n) == 3 && text[n] == '\0') {
        l->failures = (int)a, l->step = (int)b, l->locked_at = c;
    } else if (sscanf(text, "%lld %lld %n", &a, &b, &n) == 2 && text[n] == '\0') {
        /* An older kiosk's "FAILURES UNTIL": a lock of 5 minutes ending at UNTIL. */
        l->failures = (int)a, l->step = b > 0, l->locked_at = b > 0 ? b - pin_lock_seconds(1) : 0;
    } else {
        a = -1;
    }
    if (a < 0 || a > PIN_MAX_TRIES || l->step < 0 || l->step > 1000 || l->locked_at < 0)
        return error_set(why, cap,
                         "%s/" LOCK_FILE ": damaged (set the PIN again with kiosk --set-pin)", dir);
    return 0;
}

static int write_lock(const char *dir, const lock_t *l)
{
    char path[FILE_PATH_MAX], text[96];
    if (file_path(path, sizeof path, dir, LOCK_FILE) < 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(text, sizeof text, "v2 %d %d %lld\n", l->failures, l->step, (long long)l->locked_at);
    return file_write_atomic(path, text, 0600);
}

/* 1 set, 0 not set, -1 unreadable (why says so). */
static int read_hash(const char *dir, char *hash, size_t cap, char *why, size_t whycap)
{
    int got = read_own(dir, "technician.pin", hash, cap, why, whycap);
    if (got <= 0)
        return got;
    hash[strcspn(hash, "\r\n")] = '\0';
    return hash[0] ? 1 : 0;
}

static void log_event(journal_t *log, int64_t now, const char *event, const lock_t *l,
                      int64_t until, const char *fmt, ...)
{
    techlog_row_t row = {.at = now, .failures = l->failures, .step = l->step, .until = until};
    va_list ap;
    snprintf(row.event, sizeof row.event, "%s", event);
    va_start(ap, fmt);
    vsnprintf(row.detail, sizeof row.detail, fmt, ap);
    va_end(ap);
    techlog_add(log, &row);
}

typedef enum { LOCK_OPEN, LOCK_HELD, LOCK_NEW, LOCK_ERROR } lock_state_t;

/* The lock at now. A lock that began in the future (the clock went back) starts again from
 * now, so it never lasts longer than its step; when that cannot be written it is held from
 * now anyway. Failures left at the limit (a cut after counting the last try) lock now. */
static lock_state_t current(const char *dir, int64_t now, lock_t *l, int64_t *until, char *why,
                            size_t cap)
{
    *until = 0;
    if (read_lock(dir, l, why, cap) < 0)
        return LOCK_ERROR;
    if (l->locked_at > 0) {
        if (now < l->locked_at) {
            l->locked_at = now;
            write_lock(dir, l); /* if this fails, the next check re-anchors again */
        }
        *until = l->locked_at + pin_lock_seconds(l->step);
        if (now < *until)
            return LOCK_HELD;
        l->locked_at = 0;
        l->failures = 0;
        *until = 0;
    }
    if (l->failures >= PIN_MAX_TRIES) {
        l->step++;
        l->failures = 0;
        l->locked_at = now;
        *until = now + pin_lock_seconds(l->step);
        if (write_lock(dir, l) < 0) {
            error_set(why, cap, "%s/" LOCK_FILE ": %s", dir, strerror(errno));
            return LOCK_ERROR;
        }
        return LOCK_NEW;
    }
    return LOCK_OPEN;
}

pin_result_t pin_state(const char *dir, int64_t now, int64_t *until)
{
    char hash[crypto_pwhash_STRBYTES + 2], why[1300];
    lock_t l;
    *until = 0;
    int h = read_hash(dir, hash, sizeof hash, why, sizeof why);
    if (h <= 0)
        return h == 0 ? PIN_NOT_SET : PIN_ERROR;
    lock_state_t s = current(dir, now, &l, until, why, sizeof why);
    return s == LOCK_ERROR ? PIN_ERROR : s == LOCK_OPEN ? PIN_OK : PIN_LOCKED;
}

/* A right PIN: the count and the steps start again; a hash made with other parameters is
 * made again with ours (best effort: entry does not depend on it). */
static void entered(const char *dir, journal_t *log, const char *pin, const char *hash, int64_t now)
{
    lock_t clean = {0};
    char fresh[crypto_pwhash_STRBYTES], e[256];
    bool reset = write_lock(dir, &clean) == 0;
    bool rehash = crypto_pwhash_str_needs_rehash(hash, OPS, MEM) != 0 &&
                  pin_hash(pin, fresh, sizeof fresh, e, sizeof e) == 0 && put_hash(dir, fresh) == 0;
    sodium_memzero(fresh, sizeof fresh);
    log_event(log, now, "entry", &clean, 0, "technician mode entered%s%s",
              reset ? "" : " (the failure count could not be reset)",
              rehash ? "; the PIN hash was upgraded" : "");
}

pin_result_t pin_check(const char *dir, journal_t *log, const char *pin, int64_t now, int *left,
                       int64_t *until)
{
    char hash[crypto_pwhash_STRBYTES + 2], why[1300];
    lock_t l;
    *left = 0;
    *until = 0;
    int h = read_hash(dir, hash, sizeof hash, why, sizeof why);
    if (h <= 0) {
        lock_t none = {0};
        log_event(log, now, "error", &none, 0, "entry refused: %s", h == 0 ? "no PIN is set" : why);
        return h == 0 ? PIN_NOT_SET : PIN_ERROR;
    }
    lock_state_t s = current(dir, now, &l, until, why, sizeof why);
    if (s == LOCK_ERROR) {
        log_event(log, now, "error", &l, 0, "entry refused: %s", why);
        return PIN_ERROR;
    }
    if (s != LOCK_OPEN) {
        long mins = (long)((*until - now + 59) / 60);
        log_event(log, now, s == LOCK_NEW ? "lockout" : "locked", &l, *until,
                  "entry refused: locked for %ld more min (lockout %d)", mins, l.step);
        return PIN_LOCKED;
    }
    /* Count this try as failed before checking it: a power cut during the slow hash, or a
     * disk that cannot take the count, must never give a try for free. */
    l.failures++;
    if (write_lock(dir, &l) < 0) {
        log_event(log, now, "error", &l, 0,
                  "entry refused: the try cannot be recorded (%s/" LOCK_FILE ": %s)", dir,
                  strerror(errno));
        return PIN_ERROR;
    }
    if (sodium_init() < 0)
        return PIN_ERROR;
    if (digits_ok(pin) && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0) {
        entered(dir, log, pin, hash, now);
        return PIN_OK;
    }
    if (l.failures >= PIN_MAX_TRIES) {
        l.step++;
        l.failures = 0;
        l.locked_at = now;
        *until = now + pin_lock_seconds(l.step);
        /* If this cannot be written, the count already at the limit locks at the next try. */
        write_lock(dir, &l);
        log_event(log, now, "lockout", &l, *until,
                  "wrong PIN; entry locked for %lld min (lockout %d)",
                  (long long)(pin_lock_seconds(l.step) / 60), l.step);
        return PIN_LOCKED;
    }
    *left = PIN_MAX_TRIES - l.failures;
    log_event(log, now, "wrong", &l, 0, "wrong PIN, failure %d of %d", l.failures, PIN_MAX_TRIES);
    return PIN_WRONG;
}
