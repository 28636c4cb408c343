/* store/seal.c - crypto_box_seal with key files of one base64url line. */
#define _POSIX_C_SOURCE 200809L
#include "store/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(SEAL_KEY_BYTES == crypto_box_PUBLICKEYBYTES, "X25519 public key size");
_Static_assert(SEAL_KEY_BYTES == crypto_box_SECRETKEYBYTES, "X25519 secret key size");
_Static_assert(SEAL_OVERHEAD == crypto_box_SEALBYTES, "sealed box overhead");

static int key_line(const uint8_t key[SEAL_KEY_BYTES], char *out, size_t cap)
{
    if (cap < sodium_base64_ENCODED_LEN(SEAL_KEY_BYTES, B64) + 1)
        return -1;
    sodium_bin2base64(out, cap, key, SEAL_KEY_BYTES, B64);
    strcat(out, "\n");
    return 0;
}

int seal_keygen(char *public_text, size_t pcap, char *secret_text, size_t scap)
{
    uint8_t pk[SEAL_KEY_BYTES], sk[SEAL_KEY_BYTES];
    if (sodium_init() < 0)
        return -1;
    crypto_box_keypair(pk, sk);
    int rc = key_line(pk, public_text, pcap) < 0 || key_line(sk, secret_text, scap) < 0 ? -1 : 0;
    sodium_memzero(sk, sizeof sk);
    return rc;
}

bool seal_key_from_text(const char *text, uint8_t key[SEAL_KEY_BYTES])
{
    size_t n = 0, len = strlen(text);
    const char *end;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    while (len > 0 && *text == ' ')
        text++, len--;
    return sodium_init() >= 0 &&
           sodium_base642bin(key, SEAL_KEY_BYTES, text, len, NULL, &n, &end, B64) == 0 &&
           n == SEAL_KEY_BYTES && end == text + len;
}

/* Key files are tiny: anything that is not a small regular file (a FIFO, a device, a folder)
 * is refused before it is read, so a bad path cannot hang the caller. */
int seal_key_load(const char *path, uint8_t key[SEAL_KEY_BYTES], char *err, size_t errcap)
{
    char text[128];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size >= (off_t)sizeof text) {
        close(fd);
        snprintf(err, errcap, "%s: not a key file (a small regular file is expected)", path);
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    bool ok = n > 0 && seal_key_from_text(text, key);
    sodium_memzero(text, sizeof text);
    if (!ok) {
        snprintf(err, errcap, "%s: not a key (one line of base64url, 32 bytes)", path);
        return -1;
    }
    return 0;
}

void seal_public_of(const uint8_t secret[SEAL_KEY_BYTES], uint8_t public_key[SEAL_KEY_BYTES])
{
    crypto_scalarmult_base(public_key, secret);
}

int seal_to(const uint8_t public_key[SEAL_KEY_BYTES], const void *data, size_t n, uint8_t *out,
            size_t cap)
{
    if (sodium_init() < 0 || cap < n + SEAL_OVERHEAD)
        return -1;
    return crypto_box_seal(out, data, n, public_key) == 0 ? 0 : -1;
}

long seal_open(const uint8_t secret[SEAL_KEY_BYTES], const uint8_t *box, size_t n, uint8_t *out,
               size_t cap)
{
    uint8_t pk[SEAL_KEY_BYTES];
    if (sodium_init() < 0 || n < SEAL_OVERHEAD || cap < n - SEAL_OVERHEAD)
        return -1;
    seal_public_of(secret, pk);
    return crypto_box_seal_open(out, box, n, pk, secret) == 0 ? (long)(n - SEAL_OVERHEAD) : -1;
}
