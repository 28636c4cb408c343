/* store/signing.c - Ed25519 receipt signatures with libsodium. */
#define _POSIX_C_SOURCE 200809L
#include "store/signing.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define B64     sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define CONTEXT "sheba-receipt-v1"

/* What is signed: a fixed context, then each part on its own line, so no two different
 * receipts can produce the same message. */
static int message(const char *tracking, const char *token, const char *service, char *out,
                   size_t cap)
{
    /* The date is the tracking id's YYYYMMDD part: "...-20261129-0007". */
    const char *last = strrchr(tracking, '-');
    const char *date = last && last - tracking >= 9 && last[-9] == '-' ? last - 8 : "";
    int n = snprintf(out, cap, "%s\n%s\n%s\n%s\n%.8s", CONTEXT, tracking, token, service, date);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* Write a file completely or not at all: a temporary file, synced, then linked into place.
 * link() (unlike rename) fails if the name exists: two kiosks starting together keep one key.
 * 1 written, 0 someone else's is already there, -1 error. */
static int write_once(const char *path, const void *data, size_t n, mode_t mode)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    bool ok = write(fd, data, n) == (ssize_t)n && fsync(fd) == 0;
    if (close(fd) != 0 || !ok) {
        unlink(tmp);
        return -1;
    }
    int rc = link(tmp, path) == 0 ? 1 : (errno == EEXIST ? 0 : -1);
    unlink(tmp);
    return rc;
}

/* DATA/signing.pub from the key, when it is missing (a kill between the two files). */
static int ensure_public(const char *dir, const signing_key_t *k, char *err, size_t errcap)
{
    char path[1100], pub[64];
    snprintf(path, sizeof path, "%s/signing.pub", dir);
    if (access(path, F_OK) == 0)
        return 0;
    signing_public_to_text(k->public_key, pub, sizeof pub);
    strcat(pub, "\n");
    if (write_once(path, pub, strlen(pub), 0644) < 0) {
        snprintf(err, errcap, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int load_file(const char *path, signing_key_t *k, bool warn, char *err, size_t errcap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    ssize_t n = read(fd, k->secret, sizeof k->secret);
    bool shared = fstat(fd, &st) == 0 && (st.st_mode & 077);
    close(fd);
    if (n != (ssize_t)sizeof k->secret) {
        snprintf(err, errcap, "%s: not a signing key (%zd bytes)", path, n);
        return -1;
    }
    if (shared && warn)
        fprintf(stderr, "kiosk: warning: %s is readable by others; chmod 600 it\n", path);
    crypto_sign_ed25519_sk_to_pk(k->public_key, k->secret);
    return 0;
}

int signing_load(const char *dir, const char *file, signing_key_t *k, char *err, size_t errcap)
{
    char path[1100];
    if (sodium_init() < 0) {
        snprintf(err, errcap, "libsodium cannot start");
        return -1;
    }
    if (file)
        return load_file(file, k, false, err, errcap);
    snprintf(path, sizeof path, "%s/signing.key", dir);
    if (access(path, F_OK) != 0) {
        /* Readable by the kiosk user only: whoever reads it can forge this terminal's
         * receipts. If another kiosk made one first, that one is used. */
        signing_key_t fresh;
        crypto_sign_keypair(fresh.public_key, fresh.secret);
        int w = write_once(path, fresh.secret, sizeof fresh.secret, 0600);
        signing_wipe(&fresh);
        if (w < 0) {
            snprintf(err, errcap, "%s: cannot create: %s", path, strerror(errno));
            return -1;
        }
    }
    if (load_file(path, k, true, err, errcap) < 0)
        return -1;
    return ensure_public(dir, k, err, errcap);
}

int signing_public_to_text(const uint8_t key[SIGNING_PUBLIC_BYTES], char *out, size_t cap)
{
    if (cap < sodium_base64_ENCODED_LEN(SIGNING_PUBLIC_BYTES, B64))
        return -1;
    sodium_bin2base64(out, cap, key, SIGNING_PUBLIC_BYTES, B64);
    return (int)strlen(out);
}

bool signing_public_from_text(const char *text, uint8_t key[SIGNING_PUBLIC_BYTES])
{
    size_t n = 0;
    const char *end;
    return sodium_init() >= 0 &&
           sodium_base642bin(key, SIGNING_PUBLIC_BYTES, text, strlen(text), "\n\r ", &n, &end,
                             B64) == 0 &&
           n == SIGNING_PUBLIC_BYTES && *end == '\0';
}

int signing_payload(const signing_key_t *k, const char *base, const char *tracking,
                    const char *token, const char *service, char *out, size_t cap)
{
    char msg[512], sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64)];
    uint8_t sig[crypto_sign_BYTES];
    int n = message(tracking, token, service, msg, sizeof msg);
    if (n < 0)
        return -1;
    crypto_sign_detached(sig, NULL, (const uint8_t *)msg, (unsigned long long)n, k->secret);
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, B64);
    int len = snprintf(out, cap, "%s%s%s?t=%s&s=%s&sig=%s", base, base[0] ? "/" : "", tracking,
                       token, service, sig64);
    return len < 0 || (size_t)len >= cap ? -1 : len;
}

/* The value of "&key=" (or "?key=") in a query, copied into out; false when absent. */
static bool param(const char *query, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = query; p && *p; p = strchr(p, '&')) {
        if (*p == '&' || *p == '?')
            p++;
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t n = strcspn(p + kl + 1, "&");
            if (n == 0 || n >= cap)
                return false;
            memcpy(out, p + kl + 1, n);
            out[n] = '\0';
            return true;
        }
    }
    return false;
}

verify_result_t signing_verify(const uint8_t public_key[SIGNING_PUBLIC_BYTES], const char *payload,
                               char *tracking, char *token, char *service, size_t cap)
{
    char tr[128], tk[32], sv[64], s64[128], msg[512];
    const char *q = strchr(payload, '?');
    if (!q || sodium_init() < 0)
        return VERIFY_MALFORMED;
    const char *slash = q;
    while (slash > payload && slash[-1] != '/')
        slash--;
    size_t tn = (size_t)(q - slash);
    if (tn == 0 || tn >= sizeof tr || !param(q, "t", tk, sizeof tk) ||
        !param(q, "s", sv, sizeof sv) || !param(q, "sig", s64, sizeof s64))
        return VERIFY_MALFORMED;
    memcpy(tr, slash, tn);
    tr[tn] = '\0';
    if (tracking)
        snprintf(tracking, cap, "%s", tr);
    if (token)
        snprintf(token, cap, "%s", tk);
    if (service)
        snprintf(service, cap, "%s", sv);
    uint8_t sig[crypto_sign_BYTES];
    size_t sl = 0;
    const char *end;
    int n = message(tr, tk, sv, msg, sizeof msg);
    if (n < 0 || sodium_base642bin(sig, sizeof sig, s64, strlen(s64), NULL, &sl, &end, B64) != 0 ||
        sl != sizeof sig || *end != '\0')
        return VERIFY_FORGED;
    return crypto_sign_verify_detached(sig, (const uint8_t *)msg, (unsigned long long)n,
                                       public_key) == 0
               ? VERIFY_GENUINE
               : VERIFY_FORGED;
}

int signing_sign_bytes(const signing_key_t *k, const void *data, size_t n, char *out, size_t cap)
{
    uint8_t sig[crypto_sign_BYTES];
    if (cap < sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64))
        return -1;
    crypto_sign_detached(sig, NULL, data, (unsigned long long)n, k->secret);
    sodium_bin2base64(out, cap, sig, sizeof sig, B64);
    return (int)strlen(out);
}

bool signing_verify_bytes(const uint8_t public_key[SIGNING_PUBLIC_BYTES], const void *data,
                          size_t n, const char *sig_text)
{
    uint8_t sig[crypto_sign_BYTES];
    size_t sl = 0;
    const char *end;
    return sig_text && sodium_init() >= 0 &&
           sodium_base642bin(sig, sizeof sig, sig_text, strlen(sig_text), NULL, &sl, &end, B64) ==
               0 &&
           sl == sizeof sig && *end == '\0' &&
           crypto_sign_verify_detached(sig, data, (unsigned long long)n, public_key) == 0;
}

int signing_public_load(const char *path, uint8_t key[SIGNING_PUBLIC_BYTES], char *err,
                        size_t errcap)
{
    char text[256];
    /* Non-blocking and checked to be a regular file: a FIFO in its place must not hang us. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    if (!signing_public_from_text(text, key)) {
        snprintf(err, errcap, "%s: not an Ed25519 public key (one base64url line)", path);
        return -1;
    }
    return 0;
}

void signing_wipe(signing_key_t *k)
{
    sodium_memzero(k, sizeof *k);
}
