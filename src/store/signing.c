/* store/signing.c - Ed25519 receipt signatures with libsodium. */
#define _POSIX_C_SOURCE 200809L
#include "store/signing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* Version 2: the whole payload up to "&sig=" is signed (version 1 signed the tracking id,
 * token, service and date only, so a receipt's URL could be changed to a phishing host). */
#define CONTEXT     "sheba-receipt-v2"

#define PAYLOAD_MAX 1024
#define SIG_TAG     "&sig="

/* What is signed: a fixed context, a newline, then the payload before "&sig=". */
static int message(const char *signed_part, size_t n, char *out, size_t cap)
{
    int len = snprintf(out, cap, "%s\n%.*s", CONTEXT, (int)n, signed_part);
    return len < 0 || (size_t)len >= cap ? -1 : len;
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
    char msg[PAYLOAD_MAX + 32], sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64)];
    uint8_t sig[crypto_sign_BYTES];
    int n =
        snprintf(out, cap, "%s%s%s?t=%s&s=%s", base, base[0] ? "/" : "", tracking, token, service);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    int m = message(out, (size_t)n, msg, sizeof msg);
    if (m < 0)
        return -1;
    crypto_sign_detached(sig, NULL, (const uint8_t *)msg, (unsigned long long)m, k->secret);
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, B64);
    int len = snprintf(out + n, cap - (size_t)n, SIG_TAG "%s", sig64);
    return len < 0 || (size_t)len >= cap - (size_t)n ? -1 : n + len;
}

__attribute__((format(printf, 3, 4))) static verify_result_t malformed(char *why, size_t cap,
                                                                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return VERIFY_MALFORMED;
}

static bool only(const char *s, size_t n, const char *allowed)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(allowed, s[i]))
            return false;
    return true;
}

#define UPPER  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER  "abcdefghijklmnopqrstuvwxyz"
#define DIGITS "0123456789"

/* "<centre>-<terminal>-<YYYYMMDD>-<number>": r->terminal and the date from it. */
static bool parse_tracking(signing_receipt_t *r)
{
    const char *t = r->tracking, *last = strrchr(t, '-');
    size_t n = strlen(t);
    if (!only(t, n, UPPER LOWER DIGITS "-") || !last || last - t < 11 || last[1] == '\0' ||
        !only(last + 1, strlen(last + 1), DIGITS) || last[-9] != '-' ||
        !only(last - 8, 8, DIGITS) || last - 9 - t < 3)
        return false;
    size_t tn = (size_t)(last - 9 - t);
    if (tn >= sizeof r->terminal || t[0] == '-' || t[tn - 1] == '-' || !memchr(t, '-', tn))
        return false;
    memcpy(r->terminal, t, tn);
    r->terminal[tn] = '\0';
    const char *d = last - 8;
    r->year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    r->month = (d[4] - '0') * 10 + (d[5] - '0');
    r->day = (d[6] - '0') * 10 + (d[7] - '0');
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (r->year % 4 == 0 && r->year % 100 != 0) || r->year % 400 == 0;
    return r->year >= 2000 && r->month >= 1 && r->month <= 12 && r->day >= 1 &&
           r->day <= days[r->month - 1] && (r->month != 2 || r->day <= 28 + leap);
}

/* The URL in front of the tracking id: http(s)://host[:port][/path], printable ASCII. */
static bool url_ok(const char *u, size_t n)
{
    size_t scheme = strncmp(u, "https://", 8) == 0 ? 8 : strncmp(u, "http://", 7) == 0 ? 7 : 0;
    return scheme && n > scheme && u[scheme] != '/' &&
           only(u, n, UPPER LOWER DIGITS "-._~:/%!$'()*+,;=@");
}

/* t=, s= (each once, not empty, in either order), then sig= last: nothing else. */
static verify_result_t parse_query(const char *q, size_t n, signing_receipt_t *r, char *why,
                                   size_t cap)
{
    bool seen_t = false, seen_s = false;
    for (const char *p = q, *end = q + n; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t len = amp ? (size_t)(amp - p) : (size_t)(end - p);
        bool is_t = len > 2 && strncmp(p, "t=", 2) == 0, is_s = len > 2 && strncmp(p, "s=", 2) == 0;
        if (!is_t && !is_s)
            return malformed(why, cap, "unknown or empty parameter \"%.20s\"", p);
        if ((is_t && seen_t) || (is_s && seen_s))
            return malformed(why, cap, "the parameter %.1s= is given twice", p);
        const char *v = p + 2;
        size_t vl = len - 2;
        if (is_t && (vl >= sizeof r->token || v[0] < 'A' || v[0] > 'Z' || vl < 3 || v[1] != '-' ||
                     !only(v + 2, vl - 2, DIGITS)))
            return malformed(why, cap, "t=: not a token like B-007");
        if (is_s && (vl >= sizeof r->service || !only(v, vl, LOWER DIGITS "_")))
            return malformed(why, cap, "s=: not a service id");
        char *dst = is_t ? r->token : r->service;
        memcpy(dst, v, vl);
        dst[vl] = '\0';
        seen_t |= is_t;
        seen_s |= is_s;
        p += len + (amp ? 1 : 0);
        if (amp && p == end)
            return malformed(why, cap, "an empty parameter");
    }
    if (!seen_t || !seen_s)
        return malformed(why, cap, "the token (t=) or the service (s=) is missing");
    return VERIFY_GENUINE;
}

verify_result_t signing_parse(const char *payload, signing_receipt_t *r, char *why, size_t cap)
{
    memset(r, 0, sizeof *r);
    size_t n = strlen(payload);
    if (n == 0 || n > PAYLOAD_MAX)
        return malformed(why, cap, "empty or longer than 1024 bytes");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)payload[i] <= ' ' || (unsigned char)payload[i] >= 0x7f)
            return malformed(why, cap, "a space, control or non-ASCII character");
    if (strchr(payload, '#'))
        return malformed(why, cap, "a fragment (#)");
    const char *q = strchr(payload, '?'), *sig = strstr(payload, SIG_TAG);
    if (!q || strchr(q + 1, '?'))
        return malformed(why, cap, "not one query (?) in it");
    if (!sig || sig < q || strstr(sig + 1, SIG_TAG) || strchr(sig + 1, '&') ||
        strchr(sig, '=') != sig + 4)
        return malformed(why, cap, "the signature (&sig=) is missing, twice, or not last");
    const char *slash = q;
    while (slash > payload && slash[-1] != '/')
        slash--;
    size_t tn = (size_t)(q - slash), un = slash > payload ? (size_t)(slash - 1 - payload) : 0;
    if (tn == 0 || tn >= sizeof r->tracking || un >= sizeof r->url || (slash > payload && !un))
        return malformed(why, cap, "no tracking id before the query, or an empty URL");
    memcpy(r->tracking, slash, tn);
    memcpy(r->url, payload, un);
    if (un > 0 && !url_ok(r->url, un))
        return malformed(why, cap, "\"%.80s\": not an http or https URL", r->url);
    if (!parse_tracking(r))
        return malformed(why, cap, "\"%.96s\": not a tracking id", r->tracking);
    if (parse_query(q + 1, (size_t)(sig - q - 1), r, why, cap) != VERIFY_GENUINE)
        return VERIFY_MALFORMED;
    size_t sl = strlen(sig + 5);
    if (sl != sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64) - 1 ||
        !only(sig + 5, sl, UPPER LOWER DIGITS "-_"))
        return malformed(why, cap, "the signature is not 64 bytes of base64url");
    return VERIFY_GENUINE;
}

verify_result_t signing_check(const uint8_t public_key[SIGNING_PUBLIC_BYTES],
                              const char *key_terminal, const char *payload, signing_receipt_t *r,
                              char *why, size_t cap)
{
    char msg[PAYLOAD_MAX + 32];
    uint8_t sig[crypto_sign_BYTES];
    size_t sl = 0;
    if (sodium_init() < 0)
        return malformed(why, cap, "libsodium cannot start");
    if (signing_parse(payload, r, why, cap) != VERIFY_GENUINE)
        return VERIFY_MALFORMED;
    const char *tag = strstr(payload, SIG_TAG);
    int n = message(payload, (size_t)(tag - payload), msg, sizeof msg);
    if (n < 0 ||
        sodium_base642bin(sig, sizeof sig, tag + 5, strlen(tag + 5), NULL, &sl, NULL, B64) != 0 ||
        sl != sizeof sig ||
        crypto_sign_verify_detached(sig, (const uint8_t *)msg, (unsigned long long)n, public_key) !=
            0) {
        snprintf(why, cap, "the signature does not match");
        return VERIFY_FORGED;
    }
    if (key_terminal && strcmp(key_terminal, r->terminal) != 0) {
        snprintf(why, cap, "signed with the key of terminal %s, but the receipt names %s",
                 key_terminal, r->terminal);
        return VERIFY_FORGED;
    }
    return VERIFY_GENUINE;
}

verify_result_t signing_verify(const uint8_t public_key[SIGNING_PUBLIC_BYTES], const char *payload,
                               char *tracking, char *token, char *service, size_t cap)
{
    signing_receipt_t r;
    char why[256];
    verify_result_t v = signing_check(public_key, NULL, payload, &r, why, sizeof why);
    if (v != VERIFY_MALFORMED) {
        if (tracking)
            snprintf(tracking, cap, "%s", r.tracking);
        if (token)
            snprintf(token, cap, "%s", r.token);
        if (service)
            snprintf(service, cap, "%s", r.service);
    }
    return v;
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
