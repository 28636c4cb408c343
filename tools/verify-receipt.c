/*
 * tools/verify-receipt.c - is a scanned receipt genuine?
 *
 *   verify-receipt PAYLOAD --key PUBKEY
 *
 * PUBKEY is a terminal's public key (base64url, as in its DATA/signing.pub), a file holding
 * one, or a folder of such files (*.pub: all the centre's terminals; the matching file is
 * named). Exit status: 0 genuine, 1 not genuine, 2 not a receipt payload or a usage error.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store/signing.h"

typedef struct {
    const char *payload;
    char tracking[128], token[128], service[128];
    int result; /* best so far: VERIFY_* */
    char matched[1024];
} check_t;

/* A key as text, or the first line of a file holding one. */
static bool read_key(const char *arg, uint8_t key[SIGNING_PUBLIC_BYTES])
{
    if (signing_public_from_text(arg, key))
        return true;
    FILE *fp = fopen(arg, "r");
    char line[256] = "";
    if (!fp)
        return false;
    bool ok = fgets(line, sizeof line, fp) != NULL;
    fclose(fp);
    line[strcspn(line, "\r\n")] = '\0';
    return ok && signing_public_from_text(line, key);
}

static void try_key(check_t *c, const char *name, const uint8_t key[SIGNING_PUBLIC_BYTES])
{
    verify_result_t r =
        signing_verify(key, c->payload, c->tracking, c->token, c->service, sizeof c->tracking);
    if (r == VERIFY_GENUINE && c->result != VERIFY_GENUINE)
        snprintf(c->matched, sizeof c->matched, "%s", name);
    if (r < (verify_result_t)c->result)
        c->result = r;
}

static int try_folder(check_t *c, const char *dir)
{
    DIR *d = opendir(dir);
    int keys = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        char path[2048];
        uint8_t key[SIGNING_PUBLIC_BYTES];
        if (n < 5 || strcmp(e->d_name + n - 4, ".pub") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (read_key(path, key)) {
            try_key(c, path, key);
            keys++;
        }
    }
    closedir(d);
    return keys;
}

int main(int argc, char **argv)
{
    if (argc != 4 || strcmp(argv[2], "--key") != 0) {
        fprintf(stderr, "usage: verify-receipt PAYLOAD --key PUBKEY|FILE|FOLDER\n");
        return 2;
    }
    check_t c = {.payload = argv[1], .result = VERIFY_MALFORMED};
    struct stat st;
    uint8_t key[SIGNING_PUBLIC_BYTES];
    int keys = 0;
    if (stat(argv[3], &st) == 0 && S_ISDIR(st.st_mode))
        keys = try_folder(&c, argv[3]);
    else if (read_key(argv[3], key) && ++keys)
        try_key(&c, argv[3], key);
    if (keys == 0) {
        fprintf(stderr, "verify-receipt: %s: no public key found\n", argv[3]);
        return 2;
    }
    if (c.result == VERIFY_MALFORMED) {
        printf("not a Sheba Kiosk receipt\n");
        return 2;
    }
    if (c.result == VERIFY_FORGED) {
        printf("NOT GENUINE: the signature does not match (tracking %s, token %s, service %s)\n",
               c.tracking, c.token, c.service);
        return 1;
    }
    printf("genuine: tracking %s, token %s, service %s (key %s)\n", c.tracking, c.token, c.service,
           c.matched);
    return 0;
}
