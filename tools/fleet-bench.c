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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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
#include <unistd.h>

#include "config/config.h"
#include "store/journal.h"
#include "store/signing.h"
#include "sync/sync.h"

typedef struct {
    sync_engine_t *engine;
    journal_t *journal;               /* the committer's connection (the kiosk's main thread) */
    int64_t *committed_us, *acked_us; /* by outbox row id - 1 */
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

static int make_terminal(terminal_t *t, int i, const char *dir, int port, int requests)
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
    if (!(t->journal = journal_open(data, err, sizeof err)) ||
        signing_load(data, NULL, &key, err, sizeof err) < 0 ||
        !(t->engine = sync_new(&c, data, &key, err, sizeof err))) {
        fprintf(stderr, "fleet-bench: terminal %d: %s\n", i, err);
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
} committer_t;

static void *commit_share(void *arg)
{
    committer_t *c = arg;
    for (int k = 0; k < c->requests && !c->failed; k++) {
        for (int i = c->first; i < c->first + c->count && !c->failed; i++)
            c->failed = commit_one(&c->terms[i], i, k) < 0;
        if (c->first == 0 && (k + 1) % 10 == 0)
            printf("  round %d of %d committed\n", k + 1, c->requests);
    }
    return NULL;
}

static double run_committers(terminal_t *terms, int n, int m, int committers)
{
    int64_t start = now_us();
    pthread_t cth[64];
    committer_t com[64];
    for (int k = 0; k < committers; k++) {
        com[k] = (committer_t){.terms = terms,
                               .first = n * k / committers,
                               .count = n * (k + 1) / committers - n * k / committers,
                               .requests = m};
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

int main(int argc, char **argv)
{
    int n = 200, m = 20, threads = 2, committers = 2, backlog = 0;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    for (int i = 1; i < argc; i += 2) {
        if (strcmp(argv[i], "--backlog") == 0) {
            backlog = 1;
            i--;
        } else if (i + 1 == argc)
            n = 0; /* a flag without its value: usage */
        else if (strcmp(argv[i], "--terminals") == 0)
            n = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--requests") == 0)
            m = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--committers") == 0)
            committers = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--dir") == 0)
            base = argv[i + 1];
    }
    if (n < 1 || m < 1 || threads < 1 || threads > 64 || committers < 1 || committers > 64) {
        fprintf(stderr, "usage: fleet-bench [--terminals N] [--requests M] [--threads K] "
                        "[--committers K] [--dir DIR] [--backlog]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress survives a kill */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl); /* the broker inherits it too */
    char dir[600], conf[700], log[700], subout[700], portarg[16];
    snprintf(dir, sizeof dir, "%s/fleet-bench.XXXXXX", base);
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
    pid_t sub = spawn((char *const[]){"mosquitto_sub", "-V", "mqttv5", "-p", portarg, "-q", "1",
                                      "-t", "$share/register/sheba/+/+/event", NULL},
                      subout);
    usleep(500000);

    printf("fleet-bench: %d terminals x %d requests, %d driver and %d committer threads, "
           "journals in %s\n",
           n, m, threads, committers, dir);
    terminal_t *terms = calloc((size_t)n, sizeof *terms);
    int64_t t0 = now_us();
    for (int i = 0; i < n; i++)
        if (make_terminal(&terms[i], i, dir, port, m) < 0)
            return 1;
    printf("  set up (journals, keys, engines): %.1f s\n", (double)(now_us() - t0) / 1e6);
    /* --backlog: every terminal's requests are committed while it is offline, then the
     * engines start: the drain alone, and its CPU, are measured. */
    double commit_s = 0, cpu0 = 0;
    int64_t start = now_us();
    if (backlog) {
        if ((commit_s = run_committers(terms, n, m, committers)) < 0)
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
        if ((commit_s = run_committers(terms, n, m, committers)) < 0)
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
    qsort(lat, (size_t)nl, sizeof *lat, cmp64);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double self_cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
                      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    double broker_cpu;
    long broker_kb;
    proc_usage(broker, &broker_cpu, &broker_kb);
    for (int i = 0; i < n; i++) {
        sync_free(terms[i].engine);
        journal_close(terms[i].journal);
        free(terms[i].committed_us);
        free(terms[i].acked_us);
    }
    usleep(500000);
    kill(sub, SIGTERM);
    waitpid(sub, NULL, 0);
    long delivered = 0, distinct = 0;
    count_deliveries(subout, n, m, &delivered, &distinct);
    kill(broker, SIGTERM);
    waitpid(broker, NULL, 0);

    printf("  committed %ld requests in %.2f s (%.0f/s)\n", total, commit_s,
           (double)total / commit_s);
    printf("  acknowledged by the broker: %ld of %ld in %.2f s: %.0f requests/s end to end\n",
           total - lost, total, all_s, (double)(total - lost) / all_s);
    if (nl > 0)
        printf("  commit -> PUBACK latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               (double)lat[nl / 2] / 1000.0, (double)lat[nl * 99 / 100] / 1000.0,
               (double)lat[nl - 1] / 1000.0);
    if (backlog)
        printf("  draining the backlog alone: %.2f s CPU (%.2f s per 1000 events)\n",
               cpu_now() - cpu0, (cpu_now() - cpu0) * 1000.0 / (double)total);
    printf("  this process: %.2f s CPU (%.2f s per 1000 requests), peak RSS %ld MB\n", self_cpu,
           self_cpu * 1000.0 / (double)total, ru.ru_maxrss / 1024);
    printf("  mosquitto: %.2f s CPU (%.3f s per 1000 requests), peak RSS %ld MB\n", broker_cpu,
           broker_cpu * 1000.0 / (double)total, broker_kb / 1024);
    printf("  stand-in register received %ld messages, %ld distinct events (%ld duplicates)\n",
           delivered, distinct, delivered - distinct);
    printf("  lost (not acknowledged): %ld\n", lost);
    free(lat);
    free(terms);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fleet-bench: could not remove %s\n", dir);
    return lost == 0 ? 0 : 1;
}
