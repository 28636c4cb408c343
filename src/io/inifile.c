/* io/inifile.c - inih with line numbers, long-line and duplicate-key checks. */
#include "io/inifile.h"

#include <ini.h>
#include <stdbool.h>
#include <string.h>

#include "io/error.h"

#define SEEN_MAX 96

/* inih does not tell the handler the line number in Debian's build, so the reader counts
 * lines itself; it also catches lines longer than inih's buffer, which inih would
 * otherwise split into two bogus lines. */
typedef struct {
    FILE *fp;
    inifile_fn fn;
    void *ctx;
    int line;
    bool too_long;
    char seen[SEEN_MAX][64]; /* section.key pairs already set: a key given twice is an error */
    int seen_count;
    char msg[384];
    int err_line;
} reader_t;

static char *read_line(char *str, int num, void *stream)
{
    reader_t *r = stream;
    if (!fgets(str, num, r->fp))
        return NULL;
    r->line++;
    size_t n = strlen(str);
    if (n > 0 && str[n - 1] != '\n' && !feof(r->fp) && !r->too_long) {
        r->too_long = true;
        r->err_line = r->line;
        error_set(r->msg, sizeof r->msg, "line longer than %d bytes", num - 3);
    }
    return str;
}

static bool seen_before(reader_t *r, const char *section, const char *key)
{
    char sk[64];
    snprintf(sk, sizeof sk, "%s.%s", section, key);
    for (int i = 0; i < r->seen_count; i++)
        if (strcmp(r->seen[i], sk) == 0)
            return true;
    if (r->seen_count < SEEN_MAX)
        snprintf(r->seen[r->seen_count++], sizeof r->seen[0], "%s", sk);
    return false;
}

static int on_value(void *user, const char *section, const char *key, const char *value)
{
    reader_t *r = user;
    char e[320];
    if (r->err_line)
        return 1; /* keep only the first error */
    if (seen_before(r, section, key)) {
        error_set(r->msg, sizeof r->msg, "[%s] %s is set twice", section, key);
        r->err_line = r->line;
        return 0;
    }
    if (r->fn(r->ctx, section, key, value, e, sizeof e) < 0) {
        error_set(r->msg, sizeof r->msg, "[%s] %s: %s", section, key, e);
        r->err_line = r->line;
        return 0;
    }
    return 1;
}

int inifile_read(FILE *fp, const char *name, inifile_fn fn, void *ctx, char *err, size_t errcap)
{
    static reader_t zero;
    reader_t r = zero;
    r.fp = fp;
    r.fn = fn;
    r.ctx = ctx;
    int rc = ini_parse_stream(read_line, &r, on_value, &r);
    /* inih reports the line of its first error, which may be a syntax error before ours. */
    if (r.err_line && (rc <= 0 || rc >= r.err_line))
        return error_set(err, errcap, "%s:%d: %s", name, r.err_line, r.msg);
    if (rc != 0)
        return error_set(err, errcap, "%s:%d: syntax error (expected [section] or key = value)",
                         name, rc > 0 ? rc : r.line);
    return 0;
}
