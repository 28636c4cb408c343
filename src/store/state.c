/* store/state.c - the journal's state file: read, merged and written atomically. */
#define _DEFAULT_SOURCE /* flock */
#include "store/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file.h"

#define STATE_MAGIC "# Sheba Kiosk journal state"
/* The largest file this kiosk writes is about 22 KB (STATE_MAX_SEQ lines of ~22 bytes). */
#define STATE_MAX_BYTES (64 * 1024)

bool state_has_history(const state_t *s)
{
    return s->journal_id[0] || s->last_id > 0 || s->n > 0;
}

int state_get(const state_t *s, const char *day, char key)
{
    for (int i = 0; i < s->n; i++)
        if (s->seq[i].key == key && strcmp(s->seq[i].day, day) == 0)
            return s->seq[i].last;
    return 0;
}

/* Newest day first, then by key: the order of the file, and what pruning keeps. */
static int by_day_desc(const void *a, const void *b)
{
    const state_seq_t *x = a, *y = b;
    int c = strcmp(y->day, x->day);
    return c ? c : x->key - y->key;
}

/* Keep the newest STATE_DAYS days (s->seq sorted newest first). */
static void prune(state_t *s)
{
    qsort(s->seq, (size_t)s->n, sizeof s->seq[0], by_day_desc);
    int days = 0;
    for (int i = 0; i < s->n; i++) {
        if (i == 0 || strcmp(s->seq[i].day, s->seq[i - 1].day) != 0)
            days++;
        if (days > STATE_DAYS) {
            s->n = i;
            return;
        }
    }
}

/* Pruned only when full and before writing: loading and merging stay linear. */
void state_raise(state_t *s, const char *day, char key, int last)
{
    for (int i = 0; i < s->n; i++)
        if (s->seq[i].key == key && strcmp(s->seq[i].day, day) == 0) {
            if (last > s->seq[i].last)
                s->seq[i].last = last;
            return;
        }
    if (s->n == STATE_MAX_SEQ) {
        prune(s); /* drops the oldest day(s), sorted newest first */
        if (s->n == STATE_MAX_SEQ) {
            if (strcmp(day, s->seq[s->n - 1].day) <= 0)
                return; /* older than everything kept: not worth keeping */
            s->n--;
        }
    }
    state_seq_t *q = &s->seq[s->n++];
    snprintf(q->day, sizeof q->day, "%s", day);
    q->key = key;
    q->last = last;
}

static bool valid_day(const char *d)
{
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? d[i] != '-' : d[i] < '0' || d[i] > '9')
            return false;
    return d[10] == '\0';
}

static bool valid_key(char k)
{
    return k == '*' || (k >= 'A' && k <= 'Z');
}

/* One line of the file into s; false when it is not one this kiosk writes. */
static bool parse_line(state_t *s, const char *line)
{
    char day[16], key[4], hex[48], extra;
    long long n;
    int last;
    if (line[0] == '#' || line[0] == '\0')
        return true;
    if (strcmp(line, "journal ") == 0 || strcmp(line, "journal") == 0)
        return true; /* no journal opened yet */
    if (sscanf(line, "journal %40s %c", hex, &extra) == 1 && strlen(hex) < sizeof s->journal_id &&
        strspn(hex, "0123456789abcdef") == strlen(hex)) {
        snprintf(s->journal_id, sizeof s->journal_id, "%.39s", hex);
        return true;
    }
    if (sscanf(line, "requests %lld %c", &n, &extra) == 1 && n >= 0) {
        s->last_id = n;
        return true;
    }
    if (sscanf(line, "seq %15s %3s %d %c", day, key, &last, &extra) == 3 && valid_day(day) &&
        strlen(key) == 1 && valid_key(key[0]) && last >= 0) {
        state_raise(s, day, key[0], last);
        return true;
    }
    return false;
}

static state_load_t parse(const char *path, char *text, state_t *s, char *err, size_t errcap)
{
    if (strncmp(text, STATE_MAGIC, strlen(STATE_MAGIC)) != 0) {
        snprintf(err, errcap, "%s:1: not a journal state file", path);
        return STATE_MALFORMED;
    }
    int line = 1;
    for (char *p = text, *nl; *p; p = nl + 1, line++) {
        if (!(nl = strchr(p, '\n'))) {
            snprintf(err, errcap, "%s:%d: the last line is cut short", path, line);
            return STATE_MALFORMED;
        }
        *nl = '\0';
        if (!parse_line(s, p)) {
            snprintf(err, errcap, "%s:%d: \"%.40s\": expected journal, requests or seq", path, line,
                     p);
            return STATE_MALFORMED;
        }
    }
    return STATE_LOADED;
}

state_load_t state_load(const char *dir, state_t *s, char *err, size_t errcap)
{
    char path[1100];
    memset(s, 0, sizeof *s);
    snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
    /* Non-blocking and no symlinks: a FIFO or a link in its place is not our file. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return STATE_ABSENT;
    if (fd < 0 && (errno == ELOOP || errno == ENXIO)) {
        snprintf(err, errcap, "%s: not a regular file", path);
        return STATE_MALFORMED;
    }
    if (fd < 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return STATE_UNREADABLE;
    }
    struct stat st;
    char *text = NULL;
    state_load_t rc = STATE_UNREADABLE;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode) || st.st_size > STATE_MAX_BYTES) {
        snprintf(err, errcap, "%s: not a state file (%s)", path,
                 S_ISREG(st.st_mode) ? "too large" : "not a regular file");
        rc = STATE_MALFORMED;
    } else if (!(text = malloc((size_t)st.st_size + 1))) {
        snprintf(err, errcap, "%s: out of memory", path);
    } else {
        ssize_t n = read(fd, text, (size_t)st.st_size);
        if (n < 0) {
            snprintf(err, errcap, "%s: %s", path, strerror(errno));
        } else {
            text[n] = '\0';
            if (strlen(text) != (size_t)n) {
                snprintf(err, errcap, "%s: holds a NUL byte", path);
                rc = STATE_MALFORMED;
            } else {
                rc = parse(path, text, s, err, errcap);
            }
        }
    }
    free(text);
    close(fd);
    return rc;
}

/* The file's text; NULL when out of memory. */
static char *format(const state_t *s)
{
    size_t cap = 256 + (size_t)s->n * 32, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    len += (size_t)snprintf(out + len, cap - len,
                            STATE_MAGIC ": the last numbers this terminal issued, kept outside "
                                        "journal.sqlite.\n# Written after every commit; do not "
                                        "edit (see README, \"The journal\").\n"
                                        "journal %s\nrequests %" PRId64 "\n",
                            s->journal_id, s->last_id);
    for (int i = 0; i < s->n; i++)
        len += (size_t)snprintf(out + len, cap - len, "seq %s %c %d\n", s->seq[i].day,
                                s->seq[i].key, s->seq[i].last);
    return out;
}

int state_save(const char *dir, const state_t *s, bool restart, char *err, size_t errcap)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, STATE_FILE);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || flock(dfd, LOCK_EX) != 0) {
        snprintf(err, errcap, "%s: cannot lock: %s", dir, strerror(errno));
        if (dfd >= 0)
            close(dfd);
        return -1;
    }
    state_t *m = malloc(sizeof *m);
    char why[300];
    int rc = -1;
    state_load_t how = m ? state_load(dir, m, why, sizeof why) : STATE_UNREADABLE;
    char *was = how == STATE_LOADED ? format(m) : NULL;
    if (!m) {
        snprintf(err, errcap, "%s: out of memory", path);
    } else if (how == STATE_UNREADABLE) {
        snprintf(err, errcap, "%s", why); /* do not write over what could not be read */
    } else {
        /* A malformed file is replaced: s comes from a journal that was checked. */
        if (restart || strcmp(m->journal_id, s->journal_id) != 0) {
            snprintf(m->journal_id, sizeof m->journal_id, "%s", s->journal_id);
            m->last_id = s->last_id;
        } else if (s->last_id > m->last_id) {
            m->last_id = s->last_id;
        }
        for (int i = 0; i < s->n; i++)
            state_raise(m, s->seq[i].day, s->seq[i].key, s->seq[i].last);
        prune(m);
        char *text = format(m);
        /* Nothing new (a start on a journal the file already follows): the file stays as it
         * is, without a rewrite and its two fsyncs. Otherwise the rename is made durable by
         * syncing the folder; were it lost in a power cut, the older file would only be
         * behind the journal, which start-up accepts. */
        if (text && was && strcmp(text, was) == 0)
            rc = 0;
        else if (text && file_write_atomic(path, text, 0600) == 0 && fsync(dfd) == 0)
            rc = 0;
        else
            snprintf(err, errcap, "%s: cannot write: %s", path,
                     text ? strerror(errno) : "out of memory");
        free(text);
    }
    free(was);
    free(m);
    close(dfd); /* releases the lock */
    return rc;
}
