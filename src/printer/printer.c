/* printer/printer.c - profiles, specs, and the job sequence shared by every transport. */
#define _POSIX_C_SOURCE 200809L
#include "printer/printer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/error.h"
#include "io/inifile.h"

#define CHUNK 4096 /* a clone's input buffer is about 4 KB: never hand it more at once */

static const char *const result_names[PRINTER_RESULT_COUNT] = {
    "printed",       "not-found", "offline", "paper-out", "cover-open",
    "printer-error", "io-error",  "timeout", "unknown",
};

const char *printer_result_name(printer_result_t r)
{
    return (unsigned)r < PRINTER_RESULT_COUNT ? result_names[r] : "?";
}

void printer_profile_default(printer_profile_t *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "Generic 58 mm");
    p->width_dots = 384;
    p->dpi = 203;
    p->max_band_rows = 24;
    p->answers_status = true;
}

static bool parse_bool(const char *v, bool *out)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
        return (*out = true), true;
    if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
        return (*out = false), true;
    return false;
}

static bool parse_range(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

static int profile_value(void *ctx, const char *section, const char *key, const char *v, int line,
                         char *err, size_t errcap)
{
    (void)line;
    printer_profile_t *p = ctx;
    bool ok;
    if (strcmp(section, "printer") != 0)
        return error_set(err, errcap, "unknown section [%s]", section);
    if (strcmp(key, "name") == 0)
        ok = strlen(v) < sizeof p->name && snprintf(p->name, sizeof p->name, "%s", v) >= 0;
    else if (strcmp(key, "width_dots") == 0)
        ok = parse_range(v, 64, 2048, &p->width_dots) && p->width_dots % 8 == 0;
    else if (strcmp(key, "dpi") == 0)
        ok = parse_range(v, 100, 600, &p->dpi);
    else if (strcmp(key, "cutter") == 0)
        ok = parse_bool(v, &p->cutter);
    else if (strcmp(key, "native_qr") == 0)
        ok = parse_bool(v, &p->native_qr);
    else if (strcmp(key, "max_band_rows") == 0)
        ok = parse_range(v, 1, 2048, &p->max_band_rows);
    else if (strcmp(key, "answers_status") == 0)
        ok = parse_bool(v, &p->answers_status);
    else
        return error_set(err, errcap, "unknown key \"%s\"", key);
    return ok ? 0 : error_set(err, errcap, "bad value \"%s\"", v);
}

int printer_profile_load(const char *path, printer_profile_t *p, char *err, size_t errcap)
{
    printer_profile_default(p);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return error_set(err, errcap, "%s: cannot open: %s", path, strerror(errno));
    int rc = inifile_read(fp, path, profile_value, p, err, errcap);
    fclose(fp);
    return rc;
}

static int spec_fail(char *err, size_t cap, const char *spec, const char *why)
{
    snprintf(err, cap,
             "printer \"%s\": %s (expected usb, usb:VID:PID, lp:PATH, tcp:HOST:PORT, "
             "file:PATH or png:DIR)",
             spec, why);
    return -1;
}

static int parse_usb(const char *spec, const char *rest, printer_spec_t *s, char *err, size_t cap)
{
    unsigned vid, pid;
    char extra;
    if (!rest)
        return 0;
    if (sscanf(rest, "%4x:%4x%c", &vid, &pid, &extra) != 2 || vid == 0 || pid == 0)
        return spec_fail(err, cap, spec, "expected usb:VID:PID in hex, e.g. usb:0416:5011");
    s->vid = (uint16_t)vid;
    s->pid = (uint16_t)pid;
    return 0;
}

static int parse_tcp(const char *spec, const char *rest, printer_spec_t *s, char *err, size_t cap)
{
    const char *colon = rest ? strrchr(rest, ':') : NULL;
    char *end;
    if (!colon || colon == rest || (size_t)(colon - rest) >= sizeof s->host)
        return spec_fail(err, cap, spec, "expected tcp:HOST:PORT");
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535)
        return spec_fail(err, cap, spec, "the port must be 1 to 65535");
    memcpy(s->host, rest, (size_t)(colon - rest));
    s->host[colon - rest] = '\0';
    s->port = (int)port;
    return 0;
}

int printer_spec_parse(const char *spec, printer_spec_t *s, char *err, size_t errcap)
{
    static const struct {
        const char *name;
        printer_kind_t kind;
    } kinds[] = {{"usb", PRINTER_USB},
                 {"lp", PRINTER_LP},
                 {"tcp", PRINTER_TCP},
                 {"file", PRINTER_FILE},
                 {"png", PRINTER_PNG}};
    memset(s, 0, sizeof *s);
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    const char *rest = colon ? colon + 1 : NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i].name) != n || strncmp(spec, kinds[i].name, n) != 0)
            continue;
        s->kind = kinds[i].kind;
        if (s->kind == PRINTER_USB)
            return parse_usb(spec, rest, s, err, errcap);
        if (s->kind == PRINTER_TCP)
            return parse_tcp(spec, rest, s, err, errcap);
        if (!rest || !rest[0] || strlen(rest) >= sizeof s->path)
            return spec_fail(err, errcap, spec, "a path is needed");
        snprintf(s->path, sizeof s->path, "%s", rest);
        return 0;
    }
    return spec_fail(err, errcap, spec, "unknown kind");
}

printer_t *printer_open(const printer_spec_t *spec, const printer_profile_t *profile,
                        const char *job_name, printer_result_t *why, char *detail, size_t cap)
{
    printer_t *p = calloc(1, sizeof *p);
    if (!p) {
        *why = PRINTER_IO;
        snprintf(detail, cap, "out of memory");
        return NULL;
    }
    p->spec = *spec;
    p->profile = *profile;
    snprintf(p->name, sizeof p->name, "%s", job_name ? job_name : "receipt");
    switch (spec->kind) {
    case PRINTER_USB:
        *why = printer_usb_open(p);
        break;
    case PRINTER_PNG:
        *why = printer_png_open(p);
        break;
    default:
        *why = printer_fd_open(p);
        break;
    }
    if (*why != PRINTER_OK) {
        snprintf(detail, cap, "%s", p->detail);
        free(p);
        return NULL;
    }
    return p;
}

void printer_close(printer_t *p)
{
    if (!p)
        return;
    if (p->ops && p->ops->close)
        p->ops->close(p);
    free(p);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One status byte for DLE EOT n, or -1. */
static int ask(printer_t *p, int n, int timeout_ms)
{
    uint8_t req[3] = {0x10, 0x04, (uint8_t)n}, reply;
    if (p->ops->write(p, req, sizeof req, timeout_ms) != (long)sizeof req)
        return -1;
    long got = p->ops->read(p, &reply, 1, timeout_ms);
    return got == 1 ? reply : -1;
}

int printer_query_status(printer_t *p, escpos_status_t *st, int timeout_ms)
{
    if (!p->ops->read)
        return 0;
    /* A late reply to an earlier question must not be read as this one's answer. */
    uint8_t stale[64];
    for (int i = 0; i < 16 && p->ops->read(p, stale, sizeof stale, 1) > 0; i++)
        ;
    if (!p->ops->read)
        return 0; /* the transport found out it carries no replies (usblp says EINVAL) */
    memset(st, 0, sizeof *st);
    st->valid = true;
    static const int queries[] = {1, 2, 4};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        int r = ask(p, queries[i], timeout_ms);
        if (r < 0 && !p->ops->read)
            return 0; /* the transport found out it carries no replies (usblp says EINVAL) */
        if (r < 0) {
            if (!p->detail[0])
                snprintf(p->detail, sizeof p->detail, "no answer to DLE EOT %d", queries[i]);
            return -1;
        }
        if (!escpos_status_parse(queries[i], (uint8_t)r, st)) {
            snprintf(p->detail, sizeof p->detail, "DLE EOT %d: 0x%02X is not a status byte",
                     queries[i], r);
            return -1;
        }
    }
    return 1;
}

printer_result_t printer_write_all(printer_t *p, const uint8_t *data, size_t len, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    size_t off = 0;
    while (off < len) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            snprintf(p->detail, sizeof p->detail,
                     "sent %zu of %zu bytes, then it stopped taking data", off, len);
            return PRINTER_TIMEOUT;
        }
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        long w = p->ops->write(p, data + off, n, left < 5000 ? (int)left : 5000);
        if (w < 0) {
            if (!p->detail[0])
                snprintf(p->detail, sizeof p->detail, "write failed after %zu of %zu bytes", off,
                         len);
            return PRINTER_IO;
        }
        off += (size_t)w; /* a short write continues from what was taken */
    }
    return PRINTER_OK;
}

static printer_result_t status_result(const escpos_status_t *st)
{
    if (st->paper_out)
        return PRINTER_PAPER_OUT;
    if (st->cover_open)
        return PRINTER_COVER_OPEN;
    if (st->error)
        return PRINTER_ERROR;
    if (!st->online)
        return PRINTER_OFFLINE;
    return PRINTER_OK;
}

#define STATUS_WAIT_MS 1500 /* per status question */

/* The printer's own word on its state: PRINTER_OK when it answered without an error bit, its
 * problem when it reported one, PRINTER_UNKNOWN when it gave no (valid) answer. *asked is
 * cleared when the transport turned out to carry no replies (a unidirectional usblp). */
static printer_result_t ask_state(printer_t *p, bool *asked)
{
    escpos_status_t st;
    int q = printer_query_status(p, &st, STATUS_WAIT_MS);
    if (q == 0) {
        *asked = false;
        return PRINTER_OK;
    }
    if (q < 0)
        return PRINTER_UNKNOWN; /* p->detail says what came instead of an answer */
    printer_result_t r = status_result(&st);
    if (r != PRINTER_OK)
        snprintf(p->detail, sizeof p->detail, "the printer reports %s%s", printer_result_name(r),
                 st.paper_near_end ? " (paper near end)" : "");
    return r;
}

/* Send the job and wait until the transport has delivered it, within timeout_ms. */
static printer_result_t deliver(printer_t *p, const uint8_t *data, size_t len, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    printer_result_t r = printer_write_all(p, data, len, timeout_ms);
    if (r == PRINTER_OK && p->ops->finish && p->ops->finish(p) < 0)
        r = PRINTER_IO;
    if (r == PRINTER_OK && p->ops->drain) {
        long long left = deadline - now_ms();
        r = p->ops->drain(p, left > 0 ? (int)left : 0);
    }
    return r;
}

/* After a delivered job of len bytes: the printer's word on it. */
static printer_result_t confirm(printer_t *p, size_t len)
{
    bool asked = true;
    p->detail[0] = '\0';
    printer_result_t r = ask_state(p, &asked);
    if (r != PRINTER_UNKNOWN)
        return r;
    char why[200]; /* the transport's reason is short; room is kept for the rest */
    snprintf(why, sizeof why, "%.199s", p->detail);
    if (len)
        snprintf(p->detail, sizeof p->detail,
                 "all %zu bytes sent, but the printer did not confirm: %s", len, why);
    else /* the technician's status question: no job at all */
        snprintf(p->detail, sizeof p->detail, "the printer did not answer: %s", why);
    return r;
}

/*
 * Ask before and after sending. Before: a printer out of paper would swallow the job
 * silently, so one that reports a problem gets nothing. One that should answer but does not
 * still gets the job (some clones ignore DLE EOT while working; the receipt may come out),
 * but nothing less than a valid answer after the job counts as printed: a printer that
 * never reads, answers garbage or drops the connection is "unknown" or a failure, never
 * "printed". A printer that cannot answer (a file, a unidirectional printer, a profile
 * with answers_status = false) has printed when every byte was delivered.
 */
printer_result_t printer_print(const printer_spec_t *spec, const printer_profile_t *profile,
                               const char *job_name, const uint8_t *data, size_t len,
                               int timeout_ms, char *detail, size_t cap)
{
    printer_result_t r;
    printer_t *p = printer_open(spec, profile, job_name, &r, detail, cap);
    if (!p)
        return r;
    bool asked = p->ops->read && p->profile.answers_status;
    r = asked ? ask_state(p, &asked) : PRINTER_OK;
    if (r == PRINTER_OK || r == PRINTER_UNKNOWN)
        r = deliver(p, data, len, timeout_ms);
    if (r == PRINTER_OK && asked)
        r = confirm(p, len);
    snprintf(detail, cap, "%s", r == PRINTER_OK ? "" : p->detail);
    printer_close(p);
    return r;
}
