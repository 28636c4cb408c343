/*
 * tools/fleet-bench.c - many terminals in one process: N journals in a temp folder, each with
 * the kiosk's own sync engine (sync/sync.h), all through one local Mosquitto. A committer
 * commits M requests per terminal round-robin (as N kiosks would, waking each engine after a
 * commit as the kiosk does); a few driver threads run the engines from one poll() each.
 * Measures until the broker's PUBACK (the register is the next stage): requests per second,
 * commit-to-PUBACK latency p50/p99, CPU and memory of this process and of the broker, and
 * lost and duplicated events (a shared-subscription mosquitto_sub stands in for the register
 * so the broker has somewhere to deliver them).
 *
 *   fleet-bench [--terminals N] [--requests M] [--threads K] [--committers K] [--dir DIR]
 *               [--backlog]     (commit everything while offline, then measure the drain)
 *               [--rate R]      (offer R requests a second in all, not as many as possible)
 *               [--register PROGRAM --store SPEC [--registers K] [--pg-pid PID]]
 *
 * With --register, K real registers (build/register, --verbose, a shared subscription) take
 * the stream into SPEC (tools/bench-fleet makes a throwaway PostgreSQL): then the latency is
 * from the commit to the register's "stored" line for the event, and the figures include the
 * registers' CPU and memory per 1,000 requests (and PostgreSQL's, with --pg-pid: the
 * postmaster, its children and the children it reaped), and lost and duplicated requests are
 * counted by comparing `register --export` with the tracking ids in the terminals' journals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <dirent.h>
#include <sqlite3.h>
#include <unistd.h>

#include "config/config.h"
#include "store/journal.h"
#include "store/signing.h"
#include "sync/sync.h"

typedef struct {
    sync_engine_t *engine;
    journal_t *journal;               /* the committer's connection (the kiosk's main thread) */
    int64_t *committed_us, *acked_us; /* by outbox row id - 1 */
    int64_t *stored_us;               /* when a register said it stored the row's event */
    int requests;
    char centre[32], terminal[32];
} terminal_t;

typedef struct {
    terminal_t *terms;
    int first, count;
    atomic_bool *stop;
} driver_t;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_ack(void *ctx, int64_t row)
{
    terminal_t *t = ctx;
    if (row >= 1 && row <= t->requests && t->acked_us[row - 1] == 0)
        t->acked_us[row - 1] = now_us();
}

/* One poll() over a share of the engines; an engine steps when its fds are ready or it is due. */
static void *drive(void *arg)
{
    driver_t *d = arg;
    struct pollfd *pfd = calloc((size_t)d->count * 2, sizeof *pfd);
    int *cnt = calloc((size_t)d->count, sizeof *cnt);
    int64_t *due = calloc((size_t)d->count, sizeof *due);
    while (!atomic_load(d->stop)) {
        int64_t now = sync_clock_ms(), wait = 1000;
        for (int i = 0; i < d->count; i++) {
            int t = sync_poll(d->terms[d->first + i].engine, &pfd[2 * i], &cnt[i], now);
            if (cnt[i] < 2)
                pfd[2 * i + 1] = (struct pollfd){.fd = -1};
            due[i] = now + t;
            if (t < wait)
                wait = t;
        }
        poll(pfd, (nfds_t)d->count * 2, (int)wait);
        now = sync_clock_ms();
        for (int i = 0; i < d->count; i++)
            if (now >= due[i] || pfd[2 * i].revents || pfd[2 * i + 1].revents)
                sync_step(d->terms[d->first + i].engine, &pfd[2 * i], cnt[i], now);
    }
    free(pfd);
    free(cnt);
    free(due);
    return NULL;
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(s, (struct sockaddr *)&a, sizeof a);
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

static pid_t spawn(char *const argv[], const char *out)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* CPU seconds and peak memory (kB) of another process, from /proc. */
static void proc_usage(pid_t pid, double *cpu_s, long *hwm_kb)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *fp = fopen(path, "r");
    unsigned long ut = 0, st = 0;
    if (fp && fgets(buf, sizeof buf, fp)) {
        char *p = strrchr(buf, ')');
        if (p)
            sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    }
    if (fp)
        fclose(fp);
    *cpu_s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    fp = fopen(path, "r");
    *hwm_kb = 0;
    while (fp && fgets(buf, sizeof buf, fp))
        if (sscanf(buf, "VmHWM: %ld", hwm_kb) == 1)
            break;
    if (fp)
        fclose(fp);
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The terminal's public key where the registers look for it: KEYS/<centre>-<terminal>.pub. */
static int publish_key(const char *data, const char *keys, const terminal_t *t)
{
    char from[800], to[800], text[128] = "";
    snprintf(from, sizeof from, "%s/signing.pub", data);
    snprintf(to, sizeof to, "%s/%s-%s.pub", keys, t->centre, t->terminal);
    FILE *in = fopen(from, "r"), *out = NULL;
    bool ok = in && fgets(text, sizeof text, in) && (out = fopen(to, "w")) && fputs(text, out) >= 0;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    return ok ? 0 : -1;
}

static int make_terminal(terminal_t *t, int i, const char *dir, int port, int requests,
                         const char *keys)
{
    char data[700], err[1200], v[64];
    config_t c;
    signing_key_t key;
    config_defaults(&c);
    snprintf(data, sizeof data, "%s/t%05d", dir, i);
    snprintf(c.centre_id, sizeof c.centre_id, "UDC-%04d", i / 9);
    snprintf(c.terminal_id, sizeof c.terminal_id, "T%02d", i % 9 + 1);
    snprintf(c.token_band, sizeof c.token_band, "%d", i % 9 + 1);
    snprintf(v, sizeof v, "mqtt://127.0.0.1:%d", port);
    config_set(&c, "sync", "broker", v, err, sizeof err);
    t->requests = requests;
    snprintf(t->centre, sizeof t->centre, "%s", c.centre_id);
    snprintf(t->terminal, sizeof t->terminal, "%s", c.terminal_id);
    t->committed_us = calloc((size_t)requests, sizeof(int64_t));
    t->acked_us = calloc((size_t)requests, sizeof(int64_t));
    t->stored_us = calloc((size_t)requests, sizeof(int64_t));
    if (!(t->journal = journal_open(data, err, sizeof err)) ||
        signing_load(data, NULL, &key, err, sizeof err) < 0 ||
        !(t->engine = sync_new(&c, data, &key, err, sizeof err))) {
        fprintf(stderr, "fleet-bench: terminal %d: %s\n", i, err);
        return -1;
    }
    if (keys && publish_key(data, keys, t) < 0) {
        fprintf(stderr, "fleet-bench: terminal %d: cannot copy its key to %s\n", i, keys);
        return -1;
    }
    signing_wipe(&key);
    sync_set_log(t->engine, NULL);
    sync_set_ack_hook(t->engine, on_ack, t);
    return 0;
}

static int commit_one(terminal_t *t, int i, int k)
{
    char err[600], name[32];
    snprintf(name, sizeof name, "citizen %d", k);
    journal_request_t q = {.centre_id = t->centre,
                           .terminal_id = t->terminal,
                           .service_id = "nid_correction",
                           .prefix = 'B',
                           .lang = LANG_BN,
                           .now = (int64_t)time(NULL),
                           .field_count = 1,
                           .token_band = (char)('1' + i % 9)};
    q.field_ids[0] = "name";
    q.values[0] = name;
    journal_receipt_t r;
    if (journal_commit(t->journal, &q, &r, err, sizeof err) < 0) {
        fprintf(stderr, "fleet-bench: %s\n", err);
        return -1;
    }
    t->committed_us[k] = now_us(); /* from the moment the request is durable */
    sync_wake(t->engine);          /* as the kiosk does after a commit */
    return 0;
}

/* Kiosks' main threads: a share of the terminals, one request each per round. */
typedef struct {
    terminal_t *terms;
    int first, count, requests, failed;
    double rate; /* this committer's commits a second (--rate); 0: as fast as it can */
} committer_t;

static void *commit_share(void *arg)
{
    committer_t *c = arg;
    int64_t start = now_us(), done = 0;
    for (int k = 0; k < c->requests && !c->failed; k++) {
        for (int i = c->first; i < c->first + c->count && !c->failed; i++) {
            int64_t due = c->rate > 0 ? start + (int64_t)((double)done * 1e6 / c->rate) : 0;
            if (due > now_us())
                usleep((useconds_t)(due - now_us()));
            c->failed = commit_one(&c->terms[i], i, k) < 0;
            done++;
        }
        if (c->first == 0 && (k + 1) % 10 == 0)
            printf("  round %d of %d committed\n", k + 1, c->requests);
    }
    return NULL;
}

static double run_committers(terminal_t *terms, int n, int m, int committers, double rate)
{
    int64_t start = now_us();
    pthread_t cth[64];
    committer_t com[64];
    for (int k = 0; k < committers; k++) {
        com[k] = (committer_t){.terms = terms,
                               .first = n * k / committers,
                               .count = n * (k + 1) / committers - n * k / committers,
                               .requests = m,
                               .rate = rate / committers};
        pthread_create(&cth[k], NULL, commit_share, &com[k]);
    }
    int failed = 0;
    for (int k = 0; k < committers; k++) {
        pthread_join(cth[k], NULL);
        failed |= com[k].failed;
    }
    return failed ? -1 : (double)(now_us() - start) / 1e6;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Deliveries to the stand-in register, and how many distinct events: terminal i is centre
 * i / 9, terminal i % 9 + 1; its k-th request is outbox row k + 1. */
static void count_deliveries(const char *path, int n, int m, long *delivered, long *distinct)
{
    FILE *fp = fopen(path, "r");
    char *seen = calloc((size_t)n * (size_t)m, 1), line[4096];
    *delivered = *distinct = 0;
    while (fp && seen && fgets(line, sizeof line, fp)) {
        int centre, term, row;
        char *e = strstr(line, "\"event\":\"UDC-");
        if (!e || sscanf(e, "\"event\":\"UDC-%d-T%d-%*d-%*d/%d", &centre, &term, &row) != 3)
            continue;
        long i = (long)centre * 9 + term - 1;
        (*delivered)++;
        if (i >= 0 && i < n && row >= 1 && row <= m && !seen[i * m + row - 1]) {
            seen[i * m + row - 1] = 1;
            (*distinct)++;
        }
    }
    if (fp)
        fclose(fp);
    free(seen);
}

/* ---- --register: real registers, their "stored" lines, CPU and memory ---- */

#define MAX_REGISTERS 16

typedef struct {
    terminal_t *terms;
    int n, m, count;
    int fds[MAX_REGISTERS];
    FILE *log; /* every line but "stored": connections, refusals, the final summary */
    atomic_long stored, duplicates, connected, refused;
} reg_reader_t;

/* One line of a register's log. Terminal i is centre i / 9, terminal i % 9 + 1; its k-th
 * request is outbox row k + 1 (the event id is <tracking>/<row>). */
static void reg_line(reg_reader_t *r, int k, const char *line)
{
    int centre, term, row;
    const char *e = strstr(line, "register: stored UDC-");
    if (e && sscanf(e, "register: stored UDC-%d-T%d-%*d-%*d/%d", &centre, &term, &row) == 3) {
        long i = (long)centre * 9 + term - 1;
        if (i >= 0 && i < r->n && row >= 1 && row <= r->m && !r->terms[i].stored_us[row - 1]) {
            r->terms[i].stored_us[row - 1] = now_us();
            atomic_fetch_add(&r->stored, 1);
        }
        return;
    }
    if (strstr(line, "register: duplicate "))
        atomic_fetch_add(&r->duplicates, 1);
    else if (strstr(line, "connected to"))
        atomic_fetch_add(&r->connected, 1);
    else if (strstr(line, "register: refused") && atomic_fetch_add(&r->refused, 1) < 5)
        fprintf(stderr, "fleet-bench: register %d: %s", k + 1, line);
    fprintf(r->log, "[%d] %s", k, line);
    fflush(r->log);
}

/* Reads every register's stderr as it comes (a register must never block on its log), and
 * stamps each stored event. Ends when all of them closed their end. */
static void *read_registers(void *arg)
{
    reg_reader_t *r = arg;
    struct pollfd pfd[MAX_REGISTERS];
    static char buf[MAX_REGISTERS][8192];
    size_t len[MAX_REGISTERS] = {0};
    int open_fds = r->count;
    for (int k = 0; k < r->count; k++)
        pfd[k] = (struct pollfd){.fd = r->fds[k], .events = POLLIN};
    while (open_fds > 0) {
        if (poll(pfd, (nfds_t)r->count, 1000) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < r->count; k++) {
            if (pfd[k].fd < 0 || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t got = read(pfd[k].fd, buf[k] + len[k], sizeof buf[k] - 1 - len[k]);
            if (got <= 0) {
                close(pfd[k].fd);
                pfd[k].fd = -1;
                open_fds--;
                continue;
            }
            len[k] += (size_t)got;
            buf[k][len[k]] = '\0';
            char *start = buf[k], *nl;
            while ((nl = strchr(start, '\n'))) {
                char save = nl[1];
                nl[1] = '\0';
                reg_line(r, k, start);
                nl[1] = save;
                start = nl + 1;
            }
            len[k] -= (size_t)(start - buf[k]);
            memmove(buf[k], start, len[k]);
            if (len[k] == sizeof buf[k] - 1)
                len[k] = 0; /* a line longer than the buffer: dropped */
        }
    }
    return NULL;
}

/* A register with its stderr (and stdout) into a pipe: its pid, and the pipe's read end. */
static pid_t spawn_register(char *const argv[], int *fd)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    *fd = p[0];
    return pid;
}

static long proc_rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = 0;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *fp = fopen(path, "r");
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (fp)
        fclose(fp);
    return kb;
}

/* CPU seconds of a PostgreSQL cluster: the postmaster, the children it has reaped (cutime,
 * cstime: backends of connections already closed) and its live children. */
static double pg_cpu_s(pid_t postmaster)
{
    char path[300], buf[2048];
    double total = 0, tick = (double)sysconf(_SC_CLK_TCK);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%d/stat", pid);
        FILE *fp = fopen(path, "r");
        if (!fp)
            continue;
        int ppid = 0;
        unsigned long ut = 0, st = 0;
        long cut = 0, cst = 0;
        char *p = fgets(buf, sizeof buf, fp) ? strrchr(buf, ')') : NULL;
        if (p)
            sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", &ppid, &ut,
                   &st, &cut, &cst);
        fclose(fp);
        if (pid == postmaster)
            total += (double)(ut + st) + (double)(cut + cst);
        else if (ppid == postmaster)
            total += (double)(ut + st);
    }
    if (d)
        closedir(d);
    return total / tick;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A list of strings twice as long; a benchmark out of memory has nothing left to measure. */
static char **grow(char **v, long *cap)
{
    char **nv = realloc(v, (size_t)(*cap * 2) * sizeof *v);
    if (!nv) {
        fprintf(stderr, "fleet-bench: out of memory\n");
        exit(1);
    }
    *cap *= 2;
    return nv;
}

/* Every tracking id in the terminals' journals (what the kiosks confirmed). */
static long journal_trackings(const char *dir, int n, char ***out)
{
    long cap = 1024, count = 0;
    char **v = grow(NULL, &cap), path[700];
    for (int i = 0; i < n; i++) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        snprintf(path, sizeof path, "%s/t%05d/journal.sqlite", dir, i);
        int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_busy_timeout(db, 5000)) == SQLITE_OK)
            rc = sqlite3_prepare_v2(db, "SELECT tracking_id FROM requests", -1, &st, NULL);
        while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (count == cap)
                v = grow(v, &cap);
            v[count++] = strdup((const char *)sqlite3_column_text(st, 0));
            rc = SQLITE_OK;
        }
        if (rc != SQLITE_DONE)
            fprintf(stderr, "fleet-bench: %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    *out = v;
    return count;
}

/* Every tracking id in `register --store SPEC --export` (one request per line). */
static long register_trackings(const char *program, const char *spec, char ***out)
{
    int fd;
    char prog[512], store[1024]; /* execv's argv is not const */
    snprintf(prog, sizeof prog, "%s", program);
    snprintf(store, sizeof store, "%s", spec);
    char *argv[] = {prog, "--store", store, "--export", NULL};
    pid_t pid = spawn_register(argv, &fd);
    FILE *fp = pid > 0 ? fdopen(fd, "r") : NULL;
    if (!fp)
        fprintf(stderr, "fleet-bench: cannot run %s --export: %s\n", program, strerror(errno));
    long cap = 1024, count = 0;
    char **v = grow(NULL, &cap), line[16384];
    while (fp && fgets(line, sizeof line, fp)) {
        char *t = strstr(line, "\"tracking\":\""), *end;
        if (!t || !(end = strchr(t + 12, '"'))) {
            if (strncmp(line, "register: exported ", 19) != 0)
                fprintf(stderr, "fleet-bench: register --export: %s", line);
            continue;
        }
        *end = '\0';
        if (count == cap)
            v = grow(v, &cap);
        v[count++] = strdup(t + 12);
    }
    if (fp)
        fclose(fp);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    *out = v;
    return count;
}

/* Lost (in a journal, not in the register), extra and duplicated rows of the register. */
static void compare_trackings(char **jv, long jn, char **rv, long rn, long *lost, long *extra,
                              long *dup)
{
    qsort(jv, (size_t)jn, sizeof *jv, cmp_str);
    qsort(rv, (size_t)rn, sizeof *rv, cmp_str);
    long a = 0, b = 0;
    *lost = *extra = *dup = 0;
    while (a < jn || b < rn) {
        int c = a == jn ? 1 : b == rn ? -1 : strcmp(jv[a], rv[b]);
        if (c < 0) {
            (*lost)++;
            a++;
        } else if (c > 0) {
            (*extra)++;
            b++;
        } else {
            a++;
            for (b++; b < rn && strcmp(rv[b], rv[b - 1]) == 0; b++)
                (*dup)++;
        }
    }
}

typedef struct {
    int n, m, threads, committers, backlog, registers, store_timeout_s;
    double rate; /* --rate: requests a second offered by all committers; 0: as fast as they can */
    const char *base, *program, *store;
    pid_t pg_pid;
} bench_opts_t;

static int parse_options(int argc, char **argv, bench_opts_t *o)
{
    for (int i = 1; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(k, "--backlog") == 0) {
            o->backlog = 1;
            i--;
        } else if (!v)
            return -1; /* a flag without its value */
        else if (strcmp(k, "--terminals") == 0)
            o->n = atoi(v);
        else if (strcmp(k, "--requests") == 0)
            o->m = atoi(v);
        else if (strcmp(k, "--threads") == 0)
            o->threads = atoi(v);
        else if (strcmp(k, "--committers") == 0)
            o->committers = atoi(v);
        else if (strcmp(k, "--dir") == 0)
            o->base = v;
        else if (strcmp(k, "--register") == 0)
            o->program = v;
        else if (strcmp(k, "--store") == 0)
            o->store = v;
        else if (strcmp(k, "--registers") == 0)
            o->registers = atoi(v);
        else if (strcmp(k, "--pg-pid") == 0)
            o->pg_pid = (pid_t)atoi(v);
        else if (strcmp(k, "--store-timeout") == 0)
            o->store_timeout_s = atoi(v);
        else if (strcmp(k, "--rate") == 0)
            o->rate = atof(v);
        else
            return -1;
    }
    if (o->n < 1 || o->m < 1 || o->threads < 1 || o->threads > 64 || o->committers < 1 ||
        o->committers > 64 || o->registers < 1 || o->registers > MAX_REGISTERS ||
        !o->program != !o->store || o->store_timeout_s < 1 || o->rate < 0)
        return -1;
    return 0;
}

/* The registers (--register): started before the terminals, connected and subscribed before
 * the first commit. Their pids in pids[], their logs read by r on thread *th. */
static int start_registers(const bench_opts_t *o, const char *dir, int port, reg_reader_t *r,
                           pid_t *pids, long *rss0, pthread_t *th)
{
    char url[64], keys[700], id[MAX_REGISTERS][32], log[700], prog[512], store[1024];
    snprintf(prog, sizeof prog, "%s", o->program); /* execv's argv is not const */
    snprintf(store, sizeof store, "%s", o->store);
    snprintf(url, sizeof url, "mqtt://127.0.0.1:%d", port);
    snprintf(keys, sizeof keys, "%s/keys", dir);
    snprintf(log, sizeof log, "%s/registers.log", dir);
    if (mkdir(keys, 0700) < 0 || !(r->log = fopen(log, "w")))
        return -1;
    for (int k = 0; k < o->registers; k++) {
        snprintf(id[k], sizeof id[k], "fleet-register-%d", k + 1);
        char *argv[] = {prog, "--broker",    url,   "--store",   store, "--keys",
                        keys, "--client-id", id[k], "--verbose", NULL};
        if ((pids[k] = spawn_register(argv, &r->fds[k])) < 0)
            return -1;
    }
    r->count = o->registers;
    pthread_create(th, NULL, read_registers, r);
    for (int64_t until = now_us() + 60 * 1000000LL;
         atomic_load(&r->connected) < o->registers && now_us() < until;)
        usleep(50000);
    if (atomic_load(&r->connected) < o->registers) {
        fprintf(stderr, "fleet-bench: %ld of %d registers connected; see %s\n",
                atomic_load(&r->connected), o->registers, log);
        return -1;
    }
    usleep(500000); /* their subscriptions are granted */
    for (int k = 0; k < o->registers; k++)
        rss0[k] = proc_rss_kb(pids[k]);
    return 0;
}

/* Wait until every request is stored (or the bound passes), with progress every 10 s. The
 * time of the last one stored, relative to start. */
static double wait_stored(reg_reader_t *r, long total, int64_t start, int timeout_s)
{
    int64_t until = now_us() + (int64_t)timeout_s * 1000000, next = now_us() + 10000000;
    while (atomic_load(&r->stored) < total && now_us() < until) {
        usleep(50000);
        if (now_us() >= next) {
            printf("  stored by the registers: %ld of %ld after %.0f s\n", atomic_load(&r->stored),
                   total, (double)(now_us() - start) / 1e6);
            next += 10000000;
        }
    }
    int64_t last = start;
    for (int i = 0; i < r->n; i++)
        for (int k = 0; k < r->m; k++)
            if (r->terms[i].stored_us[k] > last)
                last = r->terms[i].stored_us[k];
    return (double)(last - start) / 1e6;
}

static void percentiles(const char *what, int64_t *lat, long nl)
{
    if (nl == 0)
        return;
    qsort(lat, (size_t)nl, sizeof *lat, cmp64);
    printf("  %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what, (double)lat[nl / 2] / 1000.0,
           (double)lat[nl * 99 / 100] / 1000.0, (double)lat[nl - 1] / 1000.0);
}

/* The registers' figures, then stop them. */
static int finish_registers(const bench_opts_t *o, reg_reader_t *r, const pid_t *pids,
                            const long *rss0, pthread_t th, double pg0, long total, double stored_s)
{
    double cpu = 0;
    long hwm = 0, grown = 0;
    for (int k = 0; k < o->registers; k++) {
        double c;
        long h;
        proc_usage(pids[k], &c, &h);
        cpu += c;
        hwm += h;
        grown += proc_rss_kb(pids[k]) - rss0[k];
    }
    double pg = o->pg_pid > 0 ? pg_cpu_s(o->pg_pid) - pg0 : 0;
    for (int k = 0; k < o->registers; k++)
        kill(pids[k], SIGTERM);
    for (int k = 0; k < o->registers; k++)
        waitpid(pids[k], NULL, 0);
    pthread_join(th, NULL);
    fclose(r->log);
    long stored = atomic_load(&r->stored);
    printf("  stored in the register: %ld of %ld in %.2f s: %.0f requests/s end to end\n", stored,
           total, stored_s, (double)stored / stored_s);
    long nl = 0;
    int64_t *lat = calloc((size_t)total, sizeof *lat);
    for (int i = 0; i < r->n; i++)
        for (int k = 0; k < r->m; k++)
            if (r->terms[i].stored_us[k])
                lat[nl++] = r->terms[i].stored_us[k] - r->terms[i].committed_us[k];
    percentiles("commit -> stored in the register", lat, nl);
    free(lat);
    printf("  registers (%d): %.2f s CPU (%.3f s per 1000 requests); peak RSS %ld MB in all, "
           "%+.1f kB per 1000 requests after connecting\n",
           o->registers, cpu, cpu * 1000.0 / (double)total, hwm / 1024,
           (double)grown * 1000.0 / (double)total);
    if (o->pg_pid > 0)
        printf("  PostgreSQL: %.2f s CPU (%.3f s per 1000 requests)\n", pg,
               pg * 1000.0 / (double)total);
    return 0;
}

/* The register's rows against the journals (closed by now): 0 when every request is there
 * once and nothing else is. */
static int compare_rows(const bench_opts_t *o, const char *dir, const reg_reader_t *r, long total)
{
    char **jv, **rv;
    long jn = journal_trackings(dir, r->n, &jv), rn = register_trackings(o->program, o->store, &rv);
    long lost, extra, dup;
    compare_trackings(jv, jn, rv, rn, &lost, &extra, &dup);
    printf("  journals hold %ld requests, the register %ld rows: %ld lost, %ld duplicated, %ld "
           "not from a journal; %ld repeated deliveries dropped by event id, %ld refusals\n",
           jn, rn, lost, dup, extra, atomic_load(&r->duplicates), atomic_load(&r->refused));
    for (long i = 0; i < jn; i++)
        free(jv[i]);
    for (long i = 0; i < rn; i++)
        free(rv[i]);
    free(jv);
    free(rv);
    return lost == 0 && dup == 0 && extra == 0 && jn == total ? 0 : 1;
}

int main(int argc, char **argv)
{
    bench_opts_t o = {.n = 200,
                      .m = 20,
                      .threads = 2,
                      .committers = 2,
                      .registers = 4,
                      .store_timeout_s = 3600,
                      .base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"};
    if (parse_options(argc, argv, &o) < 0) {
        fprintf(stderr,
                "usage: fleet-bench [--terminals N] [--requests M] [--threads K] [--committers K] "
                "[--dir DIR] [--backlog] [--rate R]\n"
                "                   [--register PROGRAM --store SPEC [--registers K (1-%d)] "
                "[--pg-pid PID] [--store-timeout S]]\n",
                MAX_REGISTERS);
        return 2;
    }
    int n = o.n, m = o.m, threads = o.threads, committers = o.committers, backlog = o.backlog;
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress survives a kill */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl); /* the broker inherits it too */
    char dir[600], conf[700], log[700], subout[700], portarg[16];
    snprintf(dir, sizeof dir, "%s/fleet-bench.XXXXXX", o.base);
    if (!mkdtemp(dir))
        return perror(dir), 1;
    int port = free_port();
    snprintf(portarg, sizeof portarg, "%d", port);
    snprintf(conf, sizeof conf, "%s/mosquitto.conf", dir);
    snprintf(log, sizeof log, "%s/mosquitto.log", dir);
    snprintf(subout, sizeof subout, "%s/register.jsonl", dir);
    FILE *fp = fopen(conf, "w");
    fprintf(fp,
            "listener %d 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
            "persistence false\n",
            port);
    fclose(fp);
    pid_t broker = spawn((char *const[]){"mosquitto", "-c", conf, NULL}, log);
    usleep(500000);
    terminal_t *terms = calloc((size_t)n, sizeof *terms);
    reg_reader_t reg = {.terms = terms, .n = n, .m = m};
    pid_t regs[MAX_REGISTERS], sub = 0;
    long rss0[MAX_REGISTERS];
    pthread_t reader;
    double pg0 = o.pg_pid > 0 ? pg_cpu_s(o.pg_pid) : 0;
    if (o.program) {
        if (start_registers(&o, dir, port, &reg, regs, rss0, &reader) < 0)
            return 1;
    } else {
        sub = spawn((char *const[]){"mosquitto_sub", "-V", "mqttv5", "-p", portarg, "-q", "1", "-t",
                                    "$share/register/sheba/+/+/event", NULL},
                    subout);
        usleep(500000);
    }

    printf("fleet-bench: %d terminals x %d requests, %d driver and %d committer threads, "
           "journals in %s%s%s\n",
           n, m, threads, committers, dir, o.program ? ", registers: " : "",
           o.program ? o.store : "");
    char keys[700];
    snprintf(keys, sizeof keys, "%s/keys", dir);
    int64_t t0 = now_us();
    for (int i = 0; i < n; i++)
        if (make_terminal(&terms[i], i, dir, port, m, o.program ? keys : NULL) < 0)
            return 1;
    printf("  set up (journals, keys, engines): %.1f s\n", (double)(now_us() - t0) / 1e6);
    /* --backlog: every terminal's requests are committed while it is offline, then the
     * engines start: the drain alone, and its CPU, are measured. */
    double commit_s = 0, cpu0 = 0;
    int64_t start = now_us();
    if (backlog) {
        if ((commit_s = run_committers(terms, n, m, committers, o.rate)) < 0)
            return 1;
        cpu0 = cpu_now();
        start = now_us();
    }
    atomic_bool stop = false;
    pthread_t th[64];
    driver_t drv[64];
    for (int k = 0; k < threads; k++) {
        drv[k] = (driver_t){.terms = terms,
                            .first = n * k / threads,
                            .count = n * (k + 1) / threads - n * k / threads,
                            .stop = &stop};
        pthread_create(&th[k], NULL, drive, &drv[k]);
    }
    /* Steady state: every terminal connected before the first citizen confirms. */
    int connected = 0;
    for (int64_t until = now_us() + 120 * 1000000LL; connected < n && now_us() < until;) {
        connected = 0;
        for (int i = 0; i < n; i++) {
            sync_status_t st;
            sync_get_status(terms[i].engine, &st);
            connected += st.connected;
        }
        usleep(50000);
    }
    printf("  %d of %d terminals connected after %.1f s\n", connected, n,
           (double)(now_us() - t0) / 1e6);
    if (!backlog) {
        start = now_us();
        if ((commit_s = run_committers(terms, n, m, committers, o.rate)) < 0)
            return 1;
    }
    long total = (long)n * m, acked = 0;
    int64_t deadline = now_us() + 300 * 1000000LL;
    while (now_us() < deadline) {
        acked = 0;
        for (int i = 0; i < n; i++) {
            sync_status_t st;
            sync_get_status(terms[i].engine, &st);
            acked += st.acked;
        }
        if (acked >= total)
            break;
        usleep(20000);
    }
    double all_s = (double)(now_us() - start) / 1e6;
    double stored_s = o.program ? wait_stored(&reg, total, start, o.store_timeout_s) : 0;
    atomic_store(&stop, true);
    for (int k = 0; k < threads; k++)
        pthread_join(th[k], NULL);

    int64_t *lat = calloc((size_t)total, sizeof *lat);
    long nl = 0, lost = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < m; k++) {
            if (terms[i].acked_us[k])
                lat[nl++] = terms[i].acked_us[k] - terms[i].committed_us[k];
            else
                lost++;
        }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double self_cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    double broker_cpu;
    long broker_kb;
    proc_usage(broker, &broker_cpu, &broker_kb);

    printf("  committed %ld requests in %.2f s (%.0f/s)\n", total, commit_s,
           (double)total / commit_s);
    printf("  acknowledged by the broker: %ld of %ld in %.2f s: %.0f requests/s\n", total - lost,
           total, all_s, (double)(total - lost) / all_s);
    percentiles("commit -> PUBACK", lat, nl);
    free(lat);
    if (backlog)
        printf("  draining the backlog alone: %.2f s CPU (%.2f s per 1000 events)\n",
               cpu_now() - cpu0, (cpu_now() - cpu0) * 1000.0 / (double)total);
    printf("  the terminals' process: %.2f s CPU (%.2f s per 1000 requests), peak RSS %ld MB\n",
           self_cpu, self_cpu * 1000.0 / (double)total, ru.ru_maxrss / 1024);
    printf("  mosquitto: %.2f s CPU (%.3f s per 1000 requests), peak RSS %ld MB\n", broker_cpu,
           broker_cpu * 1000.0 / (double)total, broker_kb / 1024);
    int rc = lost == 0 ? 0 : 1;
    if (o.program) {
        rc |= finish_registers(&o, &reg, regs, rss0, reader, pg0, total, stored_s);
    }
    for (int i = 0; i < n; i++) {
        sync_free(terms[i].engine);
        journal_close(terms[i].journal);
        free(terms[i].committed_us);
        free(terms[i].acked_us);
        free(terms[i].stored_us);
    }
    if (o.program)
        rc |= compare_rows(&o, dir, &reg, total);
    if (!o.program) {
        usleep(500000);
        kill(sub, SIGTERM);
        waitpid(sub, NULL, 0);
        long delivered = 0, distinct = 0;
        count_deliveries(subout, n, m, &delivered, &distinct);
        printf("  stand-in register received %ld messages, %ld distinct events (%ld "
               "duplicates)\n",
               delivered, distinct, delivered - distinct);
    }
    kill(broker, SIGTERM);
    waitpid(broker, NULL, 0);
    printf("  lost (not acknowledged by the broker): %ld\n", lost);
    free(terms);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fleet-bench: could not remove %s\n", dir);
    return rc;
}
