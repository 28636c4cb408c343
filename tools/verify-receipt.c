/*
 * tools/verify-receipt.c - is a scanned receipt genuine?
 *
 *   verify-receipt PAYLOAD --key PUBKEY|FILE|FOLDER [--now YYYY-MM-DD]
 *
 * PUBKEY is a terminal's public key (base64url, as in its DATA/signing.pub), a file holding
 * one, or the centre's folder of keys named <centre>-<terminal>.pub (as the register keeps
 * them). The key must belong to the terminal the tracking id names: from a folder only that
 * terminal's file is read, and a single file named like a terminal (letters, digits and '-',
 * with a '-' and a digit: UDC-0001-T01.pub) must be that terminal's; a bare key, or a file
 * named otherwise (DATA/signing.pub), says nothing of its owner. Key files are opened without
 * blocking and must be regular files (a FIFO in the folder cannot hang the check; in a folder,
 * links are not followed either).
 *
 * Prints the receipt's parts, its date and its age (in days, Asia/Dhaka; --now sets today).
 * Exit status: 0 genuine, 1 not genuine (or no key for its terminal), 2 not a receipt
 * payload or a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "io/error.h"
#include "io/file.h"
#include "store/signing.h"
#include "text/locale.h"

typedef struct {
    uint8_t key[SIGNING_PUBLIC_BYTES];
    char terminal[64]; /* whose key it is; "" when not known */
    char name[1100];   /* where it came from, for the output */
} found_key_t;

static int usage(void)
{
    fprintf(stderr, "usage: verify-receipt PAYLOAD --key PUBKEY|FILE|FOLDER [--now YYYY-MM-DD]\n");
    return 2;
}

/* The first line of a key file; -1 with why. */
static int key_from_file(const char *path, bool follow, uint8_t key[SIGNING_PUBLIC_BYTES],
                         char *why, size_t cap)
{
    size_t len;
    char *text = follow ? file_read(path, 255, &len, why, cap)
                        : file_read_nofollow(path, 255, &len, why, cap);
    if (!text)
        return -1;
    text[strcspn(text, "\r\n")] = '\0';
    bool ok = signing_public_from_text(text, key);
    free(text);
    return ok ? 0
              : error_set(why, cap, "%s: not a public key (one line of base64url, 32 bytes)", path);
}

/* "keys/UDC-0001-T01.pub" names terminal UDC-0001-T01; "signing.pub" names nobody. */
static void owner_of(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    out[0] = '\0';
    if (n <= 4 || strcmp(base + n - 4, ".pub") != 0 || n - 4 >= cap)
        return;
    n -= 4;
    /* Named like the register names them: letters, digits and '-', with a '-' between the
     * centre and the terminal and a digit somewhere (UDC-0001-T01; not signing-test). */
    if (strspn(base, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") < n ||
        !memchr(base, '-', n) || strcspn(base, "0123456789") >= n)
        return;
    memcpy(out, base, n);
    out[n] = '\0';
}

/* 0 found, 1 no key for this terminal (not genuine), 2 a bad --key. */
static int find_key(const char *arg, const char *terminal, found_key_t *k, char *why, size_t cap)
{
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* Only the named terminal's file: the others are never opened. */
        size_t n = strlen(arg);
        while (n > 1 && arg[n - 1] == '/')
            n--;
        snprintf(k->name, sizeof k->name, "%.*s/%s.pub", (int)n, arg, terminal);
        snprintf(k->terminal, sizeof k->terminal, "%s", terminal);
        return key_from_file(k->name, false, k->key, why, cap) < 0 ? 1 : 0;
    }
    snprintf(k->name, sizeof k->name, "%s", arg);
    if (signing_public_from_text(arg, k->key)) {
        snprintf(k->name, sizeof k->name, "given");
        return 0;
    }
    owner_of(arg, k->terminal, sizeof k->terminal);
    return key_from_file(arg, true, k->key, why, cap) < 0 ? 2 : 0;
}

static int64_t day_start(int y, int m, int d)
{
    locale_tm_t tm = {.year = y, .month = m, .day = d};
    return locale_dhaka_unix(&tm);
}

/* Days from the receipt's date to today (Asia/Dhaka); -1 with a bad --now. */
static int age_days(const signing_receipt_t *r, const char *now, long *days)
{
    int y, m, d, n = 0;
    if (now) {
        if (sscanf(now, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || now[n] || m < 1 || m > 12 ||
            d < 1 || d > 31 || y < 2000)
            return -1;
    } else {
        locale_tm_t tm;
        locale_dhaka_time((int64_t)time(NULL), &tm);
        y = tm.year, m = tm.month, d = tm.day;
    }
    *days = (long)((day_start(y, m, d) - day_start(r->year, r->month, r->day)) / 86400);
    return 0;
}

static void print_age(const signing_receipt_t *r, long days)
{
    printf("issued %04d-%02d-%02d (Asia/Dhaka) by terminal %s, ", r->year, r->month, r->day,
           r->terminal);
    if (days == 0)
        printf("today\n");
    else if (days > 0)
        printf("%ld day%s ago\n", days, days == 1 ? "" : "s");
    else
        printf("dated %ld day%s in the future: check the terminal's clock\n", -days,
               days == -1 ? "" : "s");
}

int main(int argc, char **argv)
{
    const char *payload = NULL, *keyarg = NULL, *now = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            keyarg = argv[++i];
        else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
            now = argv[++i];
        else if (!payload && strncmp(argv[i], "--", 2) != 0)
            payload = argv[i];
        else
            return usage();
    }
    if (!payload || !keyarg)
        return usage();
    signing_receipt_t r;
    found_key_t k = {0};
    char why[1300];
    long days = 0;
    if (signing_parse(payload, &r, why, sizeof why) != VERIFY_GENUINE) {
        printf("not a Sheba Kiosk receipt: %s\n", why);
        return 2;
    }
    if (age_days(&r, now, &days) < 0) {
        fprintf(stderr, "verify-receipt: --now %s: expected YYYY-MM-DD\n", now);
        return 2;
    }
    int found = find_key(keyarg, r.terminal, &k, why, sizeof why);
    if (found == 2) {
        fprintf(stderr, "verify-receipt: %s: no public key found (%s)\n", keyarg, why);
        return 2;
    }
    if (found == 1) {
        printf("NOT GENUINE: no key of terminal %s (%s)\n", r.terminal, why);
        return 1;
    }
    verify_result_t v =
        signing_check(k.key, k.terminal[0] ? k.terminal : NULL, payload, &r, why, sizeof why);
    if (v != VERIFY_GENUINE) {
        printf("NOT GENUINE: %s (tracking %s, token %s, service %s)\n", why, r.tracking, r.token,
               r.service);
        return 1;
    }
    printf("genuine: tracking %s, token %s, service %s (key %s)\n", r.tracking, r.token, r.service,
           k.name);
    print_age(&r, days);
    if (r.url[0])
        printf("link %s/%s\n", r.url, r.tracking);
    return 0;
}
