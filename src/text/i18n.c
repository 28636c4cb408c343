/*
 * text/i18n.c - a strict reader for the PO subset the kiosk uses.
 *
 * Why not libgettextpo: its error callback has no context pointer, so reporting a file's
 * errors would need global state, and its fatal errors must not return. The subset we need
 * (comments, the fuzzy flag, msgid/msgstr with continuation lines and C escapes) is small,
 * and the tests run msgfmt --check on the same files, so they stay valid for translators.
 */
#define _GNU_SOURCE /* memmem */
#include "text/i18n.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"
#include "text/utf8.h"

#define PO_FILE_MAX (1024 * 1024)
#define PO_STR_MAX  2048

typedef struct {
    char *id;
    char *str[LANG_COUNT];       /* NULL when missing in that language */
    int line[LANG_COUNT];        /* where the msgid is, 0 when absent */
    const char *why[LANG_COUNT]; /* "fuzzy" or "empty" when present but unusable */
} entry_t;

struct i18n {
    entry_t *e;
    int count, cap;
    bool sorted;
};

typedef struct {
    const char *name;
    const char *p, *end;
    int line;
    char *err;
    size_t errcap;
} po_reader_t;

i18n_t *i18n_new(void)
{
    return calloc(1, sizeof(i18n_t));
}

void i18n_free(i18n_t *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->count; i++) {
        free(t->e[i].id);
        for (int l = 0; l < LANG_COUNT; l++)
            free(t->e[i].str[l]);
    }
    free(t->e);
    free(t);
}

static int po_fail_at(po_reader_t *r, int line, const char *msg, const char *detail)
{
    snprintf(r->err, r->errcap, "%s:%d: %s%s", r->name, line, msg, detail ? detail : "");
    return -1;
}

static int po_fail(po_reader_t *r, const char *msg, const char *detail)
{
    return po_fail_at(r, r->line, msg, detail);
}

/* The current line without its newline; advances to the next. */
static size_t next_line(po_reader_t *r, const char **line)
{
    *line = r->p;
    const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
    size_t n = nl ? (size_t)(nl - r->p) : (size_t)(r->end - r->p);
    r->p = nl ? nl + 1 : r->end;
    r->line++;
    if (n > 0 && (*line)[n - 1] == '\r')
        n--;
    return n;
}

static const char *skip_ws(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

/* Append the C-escaped string literal at s (starting at its quote) to buf. */
static int append_literal(po_reader_t *r, const char *s, const char *end, char *buf, size_t *n)
{
    size_t start = *n;
    s = skip_ws(s, end);
    if (s >= end || *s != '"')
        return po_fail(r, "expected a quoted string", NULL);
    for (s++; s < end && *s != '"'; s++) {
        char ch = *s;
        if (ch == '\\') {
            if (++s >= end)
                break;
            switch (*s) {
            case 'n':
                ch = '\n';
                break;
            case 't':
                ch = '\t';
                break;
            case '"':
                ch = '"';
                break;
            case '\\':
                ch = '\\';
                break;
            default:
                return po_fail(r, "unknown escape sequence", NULL);
            }
        }
        if (*n + 1 >= PO_STR_MAX)
            return po_fail(r, "string too long", NULL);
        buf[(*n)++] = ch;
    }
    if (s >= end)
        return po_fail(r, "unterminated string", NULL);
    if (skip_ws(s + 1, end) != end)
        return po_fail(r, "unexpected text after the string", NULL);
    buf[*n] = '\0';
    /* Checked per line, so the error names the line with the bad byte. A sequence split
     * across two quoted pieces is invalid in PO files too (msgfmt rejects it). */
    if (!utf8_valid(buf + start, *n - start, NULL))
        return po_fail(r, "invalid UTF-8", NULL);
    return 0;
}

/* A keyword line ("msgid \"...\"") and its continuation lines. */
static int read_string(po_reader_t *r, const char *line, size_t len, const char *kw, char *buf)
{
    size_t kl = strlen(kw), n = 0;
    if (len <= kl || strncmp(line, kw, kl) != 0 || (line[kl] != ' ' && line[kl] != '\t'))
        return po_fail(r, "expected ", kw);
    if (append_literal(r, line + kl, line + len, buf, &n) < 0)
        return -1;
    const char *q;
    while ((q = skip_ws(r->p, r->end)) < r->end && *q == '"') {
        const char *l;
        size_t ll = next_line(r, &l);
        if (append_literal(r, l, l + ll, buf, &n) < 0)
            return -1;
    }
    return 0;
}

static entry_t *find(const i18n_t *t, const char *id)
{
    for (int i = 0; i < t->count; i++)
        if (strcmp(t->e[i].id, id) == 0)
            return &t->e[i];
    return NULL;
}

static int add(po_reader_t *r, i18n_t *t, lang_t lang, const char *id, const char *str, int line,
               const char *why)
{
    entry_t *e = find(t, id);
    if (e && e->line[lang])
        return po_fail_at(r, line, "duplicate msgid ", id);
    if (!e) {
        if (t->count == t->cap) {
            int cap = t->cap ? t->cap * 2 : 128;
            entry_t *ne = realloc(t->e, (size_t)cap * sizeof *ne);
            if (!ne)
                return po_fail(r, "out of memory", NULL);
            t->e = ne;
            t->cap = cap;
        }
        e = &t->e[t->count++];
        memset(e, 0, sizeof *e);
        if (!(e->id = strdup(id)))
            return po_fail(r, "out of memory", NULL);
    }
    e->line[lang] = line;
    e->why[lang] = why;
    if (!why && !(e->str[lang] = strdup(str)))
        return po_fail(r, "out of memory", NULL);
    t->sorted = false;
    return 0;
}

int i18n_parse(i18n_t *t, lang_t lang, const char *name, const char *text, size_t len, char *err,
               size_t errcap)
{
    po_reader_t r = {.name = name, .p = text, .end = text + len, .err = err, .errcap = errcap};
    char id[PO_STR_MAX], str[PO_STR_MAX];
    bool fuzzy = false;
    while (r.p < r.end) {
        const char *line;
        size_t n = next_line(&r, &line);
        const char *s = skip_ws(line, line + n);
        if (s == line + n)
            continue;
        if (*s == '#') {
            /* "#," carries flags; a fuzzy entry is a translator's guess, not a translation. */
            if (n > 1 && line[1] == ',' && memmem(line, n, "fuzzy", 5))
                fuzzy = true;
            continue;
        }
        if (line + n - s >= 7 && strncmp(s, "msgctxt", 7) == 0)
            return po_fail(&r, "msgctxt is not used by the kiosk", NULL);
        int id_line = r.line;
        if (read_string(&r, s, (size_t)(line + n - s), "msgid", id) < 0)
            return -1;
        if (r.p >= r.end)
            return po_fail_at(&r, id_line, "msgid without msgstr", NULL);
        const char *sl;
        size_t sn = next_line(&r, &sl);
        if (sn >= 12 && strncmp(sl, "msgid_plural", 12) == 0)
            return po_fail(&r, "plural forms are not used by the kiosk", NULL);
        if (sn < 6 || strncmp(sl, "msgstr", 6) != 0)
            return po_fail_at(&r, id_line, "msgid without msgstr", NULL);
        if (read_string(&r, sl, sn, "msgstr", str) < 0)
            return -1;
        /* The header (empty msgid) describes the file; fuzzy and empty strings count as
         * missing, which i18n_check reports with their line. */
        const char *why = fuzzy ? "fuzzy" : str[0] == '\0' ? "empty" : NULL;
        if (id[0] != '\0' && add(&r, t, lang, id, str, id_line, why) < 0)
            return -1;
        fuzzy = false;
    }
    return 0;
}

/* Placeholders {1}..{9} used by s, as a bit set. */
static unsigned placeholders(const char *s)
{
    unsigned set = 0;
    for (; *s; s++)
        if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}')
            set |= 1u << (s[1] - '0');
    return set;
}

static int check_entry(const entry_t *e, const char *names[LANG_COUNT], char *err, size_t cap)
{
    for (int l = 0; l < LANG_COUNT; l++) {
        int other = 1 - l;
        if (e->why[l]) {
            snprintf(err, cap, "%s:%d: the translation of \"%s\" is %s", names[l], e->line[l],
                     e->id, e->why[l]);
            return -1;
        }
        if (!e->line[l]) {
            snprintf(err, cap, "%s: \"%s\" is missing (it is in %s:%d)", names[l], e->id,
                     names[other], e->line[other]);
            return -1;
        }
    }
    if (placeholders(e->str[LANG_BN]) != placeholders(e->str[LANG_EN])) {
        snprintf(err, cap, "%s:%d: \"%s\" uses other {N} placeholders than in %s:%d",
                 names[LANG_EN], e->line[LANG_EN], e->id, names[LANG_BN], e->line[LANG_BN]);
        return -1;
    }
    return 0;
}

int i18n_check(const i18n_t *t, const char *names[LANG_COUNT], char *err, size_t errcap)
{
    for (int i = 0; i < t->count; i++)
        if (check_entry(&t->e[i], names, err, errcap) < 0)
            return -1;
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->id, ((const entry_t *)b)->id);
}

/* bsearch's comparison: the key is the msgid itself. */
static int msgid_cmp(const void *key, const void *entry)
{
    return strcmp(key, ((const entry_t *)entry)->id);
}

static int load_file(i18n_t *t, lang_t lang, const char *path, char *err, size_t errcap)
{
    size_t n;
    char *buf = file_read(path, PO_FILE_MAX, &n, err, errcap);
    int rc = buf ? i18n_parse(t, lang, path, buf, n, err, errcap) : -1;
    free(buf);
    return rc;
}

i18n_t *i18n_load(const char *dir, char *err, size_t errcap)
{
    i18n_t *t = i18n_new();
    char paths[LANG_COUNT][FILE_PATH_MAX], name[16];
    const char *names[LANG_COUNT];
    if (!t) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    for (int l = 0; l < LANG_COUNT; l++) {
        snprintf(name, sizeof name, "%s.po", lang_code((lang_t)l));
        if (file_path(paths[l], sizeof paths[l], dir, name) < 0) {
            snprintf(err, errcap, "%s: the folder's name is too long", dir);
            i18n_free(t);
            return NULL;
        }
        names[l] = paths[l];
        if (load_file(t, (lang_t)l, paths[l], err, errcap) < 0) {
            i18n_free(t);
            return NULL;
        }
    }
    if (i18n_check(t, names, err, errcap) < 0) {
        i18n_free(t);
        return NULL;
    }
    qsort(t->e, (size_t)t->count, sizeof *t->e, entry_cmp);
    t->sorted = true;
    return t;
}

const char *i18n_get(const i18n_t *t, lang_t lang, const char *msgid)
{
    const entry_t *e = t && t->sorted
                           ? bsearch(msgid, t->e, (size_t)t->count, sizeof *t->e, msgid_cmp)
                           : (t ? find(t, msgid) : NULL);
    return e && e->str[lang] ? e->str[lang] : msgid;
}

int i18n_count(const i18n_t *t)
{
    return t ? t->count : 0;
}

int i18n_format(const char *tmpl, const char *const *args, int n, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *s = tmpl; *s; s++) {
        const char *piece = s;
        size_t len = 1;
        if (s[0] == '{' && s[1] >= '1' && s[1] <= '9' && s[2] == '}' && s[1] - '1' < n) {
            piece = args[s[1] - '1'];
            len = strlen(piece);
            s += 2;
        }
        if (o + len >= cap) {
            if (cap)
                out[0] = '\0';
            return -1;
        }
        memcpy(out + o, piece, len);
        o += len;
    }
    if (cap == 0)
        return -1;
    out[o] = '\0';
    return (int)o;
}
