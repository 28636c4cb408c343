/* store/export_job.c - the journal export to a USB stick, in a bounded worker thread. */
#define _GNU_SOURCE /* fopencookie, pthread_timedjoin_np */
#include "store/export_job.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/mask.h"
#include "io/file.h"
#include "store/journal_export.h"
#include "store/journal.h"
#include "text/locale.h"

#define B64      sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define PAD      256                   /* sealed lines are padded to a multiple of this */
#define OPEN_MAX (1024L * 1024 * 1024) /* a sealed export larger than 1 GiB is not ours */

/* One field's masking rule, copied from the catalog when the export starts. */
struct export_mask {
    char service[CATALOG_ID_MAX], field[CATALOG_ID_MAX];
    int rule;
};

static uint64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

void export_file_name(const char *centre, const char *terminal, int64_t now, bool sealed, char *out,
                      size_t cap)
{
    locale_tm_t tm;
    locale_dhaka_time(now, &tm);
    snprintf(out, cap, "sheba-journal-%s-%s-%04d%02d%02d.jsonl%s", centre, terminal,
             tm.year % 10000, tm.month, tm.day, sealed ? ".sealed" : "");
}

static void figures_file_name(const char *centre, const char *terminal, int64_t now, char *out,
                              size_t cap)
{
    locale_tm_t tm;
    locale_dhaka_time(now, &tm);
    snprintf(out, cap, "sheba-queue-%s-%s-%04d%02d%02d.json", centre, terminal, tm.year % 10000,
             tm.month, tm.day);
}

void export_job_init(export_job_t *j, void (*notify)(void *ctx), void *ctx)
{
    memset(j, 0, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    j->notify = notify;
    j->notify_ctx = ctx;
}

/* ---- masking ---- */

static int mask_cmp(const void *a, const void *b)
{
    const export_mask_t *x = a, *y = b;
    int c = strcmp(x->service, y->service);
    return c ? c : strcmp(x->field, y->field);
}

static int copy_masks(export_job_t *j, const catalog_t *c)
{
    int n = 0;
    for (int s = 0; c && s < c->service_count; s++)
        n += c->services[s].field_count;
    free(j->masks);
    j->masks = calloc((size_t)(n ? n : 1), sizeof *j->masks);
    if (!j->masks)
        return -1;
    j->mask_count = 0;
    for (int s = 0; c && s < c->service_count; s++) {
        const catalog_service_t *svc = &c->services[s];
        for (int f = 0; f < svc->field_count; f++) {
            export_mask_t *m = &j->masks[j->mask_count++];
            snprintf(m->service, sizeof m->service, "%s", svc->id);
            snprintf(m->field, sizeof m->field, "%s", svc->fields[f].id);
            m->rule = mask_rule(svc, f);
        }
    }
    qsort(j->masks, (size_t)j->mask_count, sizeof *j->masks, mask_cmp);
    return 0;
}

/* A field of a service the catalog no longer has, or one it never had, is left out. */
static bool mask_filter(void *ctx, const char *service, const char *field, const char *value,
                        char *out, size_t cap)
{
    const export_job_t *j = ctx;
    export_mask_t key = {.rule = MASK_HIDDEN};
    snprintf(key.service, sizeof key.service, "%s", service);
    snprintf(key.field, sizeof key.field, "%s", field);
    const export_mask_t *m =
        bsearch(&key, j->masks, (size_t)j->mask_count, sizeof *j->masks, mask_cmp);
    return mask_apply(m ? m->rule : MASK_HIDDEN, value, out, cap);
}

/* ---- the file on the stick: lines written through a FILE, sealed one by one ---- */

typedef struct {
    export_job_t *job;
    int fd;
    char *line; /* the line being collected */
    size_t len, cap;
    int error; /* errno of the first failure; ETIMEDOUT when the bound passed */
} sink_t;

static bool abandoned(export_job_t *j)
{
    pthread_mutex_lock(&j->lock);
    bool a = j->abandoned;
    pthread_mutex_unlock(&j->lock);
    return a;
}

static int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One complete line (without its newline): sealed and encoded, or as it is. */
static int emit(sink_t *s, const char *line, size_t n)
{
    export_job_t *j = s->job;
    if (abandoned(j)) {
        errno = ETIMEDOUT;
        return -1;
    }
    if (!j->sealed)
        return write_all(s->fd, line, n) < 0 || write_all(s->fd, "\n", 1) < 0 ? -1 : 0;
    size_t padded = (n / PAD + 1) * PAD, boxed = padded + SEAL_OVERHEAD;
    size_t enc = sodium_base64_ENCODED_LEN(boxed, B64);
    uint8_t *plain = malloc(padded), *box = malloc(boxed);
    char *text = malloc(enc + 1);
    int rc = -1;
    if (plain && box && text) {
        memcpy(plain, line, n);
        memset(plain + n, ' ', padded - n);
        if (seal_to(j->key, plain, padded, box, boxed) == 0) {
            sodium_bin2base64(text, enc, box, boxed, B64);
            size_t tl = strlen(text);
            text[tl] = '\n';
            rc = write_all(s->fd, text, tl + 1);
        }
        sodium_memzero(plain, padded);
    } else {
        errno = ENOMEM;
    }
    free(plain);
    free(box);
    free(text);
    return rc;
}

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
    sink_t *s = cookie;
    for (size_t i = 0; i < size && !s->error; i++) {
        if (buf[i] == '\n') {
            if (emit(s, s->line ? s->line : "", s->len) < 0)
                s->error = errno ? errno : EIO;
            if (s->line)
                sodium_memzero(s->line, s->len);
            s->len = 0;
            continue;
        }
        if (s->len + 1 > s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 4096;
            char *p = realloc(s->line, cap);
            if (!p) {
                s->error = ENOMEM;
                break;
            }
            s->line = p;
            s->cap = cap;
        }
        s->line[s->len++] = buf[i];
    }
    if (s->error) {
        errno = s->error;
        return -1;
    }
    return (ssize_t)size;
}

static int sink_close(void *cookie)
{
    sink_t *s = cookie;
    if (!s->error && s->len > 0 && emit(s, s->line, s->len) < 0)
        s->error = errno ? errno : EIO;
    if (s->line)
        sodium_memzero(s->line, s->cap);
    free(s->line);
    s->line = NULL;
    return s->error ? -1 : 0;
}

/* ---- the worker ---- */

typedef struct {
    int dfd;
    char tmp[64];
    bool made;
} place_t;

/* A fresh temporary file in the stick's folder: never an existing name, never a link. */
static int create_temp(place_t *p, char *err, size_t cap, const char *dir)
{
    for (int i = 0; i < 8; i++) {
        snprintf(p->tmp, sizeof p->tmp, ".sheba-export-%ld-%08x.tmp", (long)getpid(),
                 (unsigned)randombytes_random());
        int fd = openat(p->dfd, p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            p->made = true;
            return fd;
        }
        if (errno != EEXIST) {
            snprintf(err, cap, "%s: cannot create a file: %s", dir, strerror(errno));
            return -1;
        }
    }
    snprintf(err, cap, "%s: cannot create a file with a new name", dir);
    return -1;
}

/* The final name may be an earlier export (a regular file, replaced); anything else there
 * (a link, a FIFO, a folder) is refused rather than touched. */
static int check_final(int dfd, const char *dir, const char *name, char *err, size_t cap)
{
    struct stat st;
    if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0
                               : (snprintf(err, cap, "%s/%s: %s", dir, name, strerror(errno)), -1);
    if (S_ISREG(st.st_mode))
        return 0;
    snprintf(err, cap,
             "%s/%s exists and is not a regular file (a link, a pipe?): nothing was "
             "written; remove it and export again",
             dir, name);
    return -1;
}

/* Write every row through the sink into fd. Rows, or -1 with err. */
static long write_rows(export_job_t *j, int fd, char *err, size_t cap)
{
    const export_request_t *rq = &j->rq;
    journal_t *reader = journal_open_reader(rq->data_dir, err, cap);
    if (!reader)
        return -1;
    sink_t s = {.job = j, .fd = fd};
    cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
    FILE *fp = fopencookie(&s, "w", io);
    long n = -1;
    if (!fp) {
        snprintf(err, cap, "out of memory");
    } else {
        /* The head in clear (it says what the rest is), straight to the file. */
        if (j->sealed && write_all(fd, EXPORT_SEALED_HEAD "\n", strlen(EXPORT_SEALED_HEAD) + 1) < 0)
            s.error = errno ? errno : EIO;
        else
            n = journal_export_filtered(reader, rq->since, j->sealed ? NULL : mask_filter, j, fp,
                                        err, cap);
        if (fclose(fp) != 0 || s.error)
            n = -1;
        if (s.error)
            snprintf(err, cap, "%s: %s", rq->dest_dir,
                     s.error == ETIMEDOUT ? "timed out" : strerror(s.error));
    }
    journal_close(reader);
    return n;
}

/* The queue's figures, as given: one write. 1, or -1 with err. */
static long write_figures(export_job_t *j, int fd, char *err, size_t cap)
{
    if (write_all(fd, j->rq.figures, strlen(j->rq.figures)) < 0) {
        snprintf(err, cap, "%s: %s", j->rq.dest_dir, strerror(errno));
        return -1;
    }
    return 1;
}

typedef long (*writer_t)(export_job_t *j, int fd, char *err, size_t cap);

static long export_to(export_job_t *j, place_t *p, const char *name, writer_t write, char *err,
                      size_t cap)
{
    const char *dir = j->rq.dest_dir;
    if (check_final(p->dfd, dir, name, err, cap) < 0)
        return -1;
    int fd = create_temp(p, err, cap, dir);
    if (fd < 0)
        return -1;
    long n = write(j, fd, err, cap);
    /* fsync: the technician pulls the stick out right after reading "done". */
    if (n >= 0 && fsync(fd) != 0) {
        snprintf(err, cap, "%s: %s", dir, strerror(errno));
        n = -1;
    }
    if (close(fd) != 0 && n >= 0) {
        snprintf(err, cap, "%s: %s", dir, strerror(errno));
        n = -1;
    }
    if (n >= 0 && abandoned(j)) {
        snprintf(err, cap, "%s: timed out", dir);
        n = -1;
    }
    if (n >= 0 && (check_final(p->dfd, dir, name, err, cap) < 0 ||
                   renameat(p->dfd, p->tmp, p->dfd, name) != 0)) {
        if (!err[0] || errno)
            snprintf(err, cap, "%s/%s: %s", dir, name, strerror(errno));
        n = -1;
    }
    if (n >= 0) {
        p->made = false;
        fsync(p->dfd); /* the new name itself must survive the stick being pulled */
    }
    return n;
}

static void *run(void *arg)
{
    export_job_t *j = arg;
    export_outcome_t out = {.sealed = j->sealed};
    char err[1024] = "";
    export_file_name(j->rq.centre_id, j->rq.terminal_id, j->rq.now, j->sealed, out.file,
                     sizeof out.file);
    place_t p = {.dfd = open(j->rq.dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (p.dfd < 0)
        snprintf(err, sizeof err, "%s: %s", j->rq.dest_dir, strerror(errno));
    else
        out.rows = export_to(j, &p, out.file, write_rows, err, sizeof err);
    if (out.rows >= 0 && j->rq.figures[0]) {
        /* Beside the journal, the same safe way; the journal is what matters: a failure
         * here is the export's failure too, so the technician tries again. */
        figures_file_name(j->rq.centre_id, j->rq.terminal_id, j->rq.now, out.figures_file,
                          sizeof out.figures_file);
        if (export_to(j, &p, out.figures_file, write_figures, err, sizeof err) < 0)
            out.rows = -1;
    }
    if (p.made)
        unlinkat(p.dfd, p.tmp, 0);
    if (p.dfd >= 0)
        close(p.dfd);
    sodium_memzero(j->key, sizeof j->key);
    pthread_mutex_lock(&j->lock);
    bool failed = p.dfd < 0 || out.rows < 0;
    if (failed)
        snprintf(out.error, sizeof out.error, "%s", err);
    j->outcome = out;
    j->state = j->abandoned ? EXPORT_IDLE : failed ? EXPORT_FAILED : EXPORT_DONE;
    j->alive = false;
    pthread_mutex_unlock(&j->lock);
    if (j->notify)
        j->notify(j->notify_ctx);
    return NULL;
}

int export_job_start(export_job_t *j, const export_request_t *rq, const catalog_t *catalog,
                     char *err, size_t errcap)
{
    pthread_mutex_lock(&j->lock);
    bool alive = j->alive;
    pthread_mutex_unlock(&j->lock);
    if (alive) {
        snprintf(err, errcap, "the last export has not ended yet (is the stick stuck?)");
        return -1;
    }
    if (j->joinable) {
        pthread_join(j->thread, NULL);
        j->joinable = false;
    }
    if (!rq->data_dir[0] || !rq->dest_dir[0]) {
        snprintf(err, errcap, "export: no data folder or no destination");
        return -1;
    }
    j->rq = *rq;
    j->sealed = rq->export_key[0] != '\0';
    if (j->sealed && seal_key_load(rq->export_key, j->key, err, errcap) < 0)
        return -1;
    if (copy_masks(j, catalog) < 0) {
        snprintf(err, errcap, "export: out of memory");
        return -1;
    }
    j->deadline = mono_ms() + (uint64_t)(rq->timeout_ms > 0 ? rq->timeout_ms : EXPORT_TIMEOUT_MS);
    j->state = EXPORT_RUNNING;
    j->alive = true;
    j->abandoned = false;
    /* Every signal blocked in the worker, so SIGTERM lands on the main thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, run, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        j->state = EXPORT_IDLE;
        j->alive = false;
        snprintf(err, errcap, "export: cannot start a thread: %s", strerror(rc));
        return -1;
    }
    j->joinable = true;
    return 0;
}

export_state_t export_job_poll(export_job_t *j, export_outcome_t *out)
{
    pthread_mutex_lock(&j->lock);
    export_state_t s = j->state;
    if (s == EXPORT_RUNNING && !j->abandoned && mono_ms() >= j->deadline) {
        j->abandoned = true;
        j->state = EXPORT_IDLE;
        memset(out, 0, sizeof *out);
        out->sealed = j->sealed;
        snprintf(out->error, sizeof out->error,
                 "%s: no answer within %d s (a slow or stuck stick?): nothing was exported",
                 j->rq.dest_dir,
                 (j->rq.timeout_ms > 0 ? j->rq.timeout_ms : EXPORT_TIMEOUT_MS) / 1000);
        s = EXPORT_TIMED_OUT;
    } else if (s == EXPORT_DONE || s == EXPORT_FAILED) {
        *out = j->outcome;
        j->state = EXPORT_IDLE;
    }
    pthread_mutex_unlock(&j->lock);
    return s;
}

uint64_t export_job_due_in(const export_job_t *j)
{
    uint64_t t = mono_ms();
    return j->state == EXPORT_RUNNING && j->deadline > t ? j->deadline - t : 0;
}

bool export_job_busy(export_job_t *j)
{
    pthread_mutex_lock(&j->lock);
    bool a = j->alive;
    pthread_mutex_unlock(&j->lock);
    return a;
}

int export_job_wait(export_job_t *j, int timeout_ms)
{
    uint64_t end = mono_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
    while (export_job_busy(j)) {
        if (mono_ms() >= end)
            return -1;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (j->joinable) {
        pthread_join(j->thread, NULL);
        j->joinable = false;
    }
    return 0;
}

void export_job_destroy(export_job_t *j)
{
    if (export_job_wait(j, 2000) < 0) {
        /* Stuck in the kernel on a dead stick: leave it (and what it uses) to process exit. */
        pthread_detach(j->thread);
        return;
    }
    free(j->masks);
    j->masks = NULL;
    pthread_mutex_destroy(&j->lock);
}

/* ---- opening a sealed export (the register's side) ---- */

static int open_line(const uint8_t sk[SEAL_KEY_BYTES], const char *line, size_t n, FILE *out)
{
    size_t cap = n / 4 * 3 + 3, len = 0;
    uint8_t *box = malloc(cap), *plain = malloc(cap);
    int rc = -1;
    if (box && plain && sodium_base642bin(box, cap, line, n, NULL, &len, NULL, B64) == 0) {
        long m = seal_open(sk, box, len, plain, cap);
        while (m > 0 && plain[m - 1] == ' ')
            m--;
        if (m > 0 && fwrite(plain, 1, (size_t)m, out) == (size_t)m && fputc('\n', out) != EOF)
            rc = 0;
        if (m > 0)
            sodium_memzero(plain, (size_t)m);
    }
    free(box);
    free(plain);
    return rc;
}

int export_open(const char *path, const char *secret_key_file, FILE *out, long *rows, char *err,
                size_t errcap)
{
    uint8_t sk[SEAL_KEY_BYTES];
    *rows = 0;
    if (seal_key_load(secret_key_file, sk, err, errcap) < 0)
        return -1;
    int fd = file_open_regular(path, false, err, errcap);
    FILE *in = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!in) {
        if (fd >= 0)
            close(fd);
        sodium_memzero(sk, sizeof sk);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    for (long no = 1; rc == 0 && (n = getline(&line, &cap, in)) >= 0; no++) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (no == 1 && strcmp(line, EXPORT_SEALED_HEAD) != 0) {
            snprintf(err, errcap, "%s:1: not a sealed export (a plain one is read as it is)", path);
            rc = -1;
        } else if (no > 1 && n > 0 && open_line(sk, line, (size_t)n, out) < 0) {
            snprintf(err, errcap,
                     "%s:%ld: cannot be opened with this key (sealed to another key, or changed)",
                     path, no);
            rc = -1;
        } else if (no > 1 && n > 0) {
            (*rows)++;
        }
    }
    if (rc == 0 && *rows == 0 && ftell(in) == 0) {
        snprintf(err, errcap, "%s: empty, not a sealed export", path);
        rc = -1;
    }
    free(line);
    fclose(in);
    sodium_memzero(sk, sizeof sk);
    return rc == 0 && fflush(out) != 0 ? (snprintf(err, errcap, "cannot write"), -1) : rc;
}
