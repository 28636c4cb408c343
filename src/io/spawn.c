/* io/spawn.c - posix_spawn with a non-blocking, bounded reap. */
#define _GNU_SOURCE /* posix_spawnattr_setsigdefault and friends in glibc */
#include "io/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

void spawn_init(spawn_t *s)
{
    memset(s, 0, sizeof *s);
}

/* Default handlers and an empty mask: what a command expects, whatever the kiosk changed. */
static int child_attrs(posix_spawnattr_t *a)
{
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    static const int sigs[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
                               SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&dfl, sigs[i]);
    if (posix_spawnattr_init(a) != 0)
        return -1;
    /* Its own process group, so the bound kills what it started too. */
    return posix_spawnattr_setflags(a, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                           POSIX_SPAWN_SETPGROUP) == 0 &&
                   posix_spawnattr_setsigmask(a, &none) == 0 &&
                   posix_spawnattr_setsigdefault(a, &dfl) == 0 &&
                   posix_spawnattr_setpgroup(a, 0) == 0
               ? 0
               : -1;
}

int spawn_start(spawn_t *s, const char *cmd, int bound_ms, char *err, size_t errcap)
{
    char buf[512], *argv[SPAWN_MAX_ARGS + 1];
    int argc = 0;
    if (spawn_busy(s)) {
        snprintf(err, errcap, "the last command (process %d) has not ended yet", (int)s->pid);
        return -1;
    }
    if (snprintf(buf, sizeof buf, "%s", cmd) >= (int)sizeof buf) {
        snprintf(err, errcap, "command too long");
        return -1;
    }
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ", &save); tok && argc < SPAWN_MAX_ARGS;
         tok = strtok_r(NULL, " ", &save))
        argv[argc++] = tok;
    argv[argc] = NULL;
    if (argc == 0) {
        snprintf(err, errcap, "no command to run");
        return -1;
    }
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    pid_t pid = 0;
    int rc = child_attrs(&attr) < 0 ? ENOMEM : posix_spawn_file_actions_init(&fa);
    if (rc == 0) {
        rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        if (rc == 0)
            rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
    }
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        snprintf(err, errcap, "%s: cannot start: %s", argv[0], strerror(rc));
        return -1;
    }
    s->pid = pid;
    s->killed = s->report_timeout = false;
    s->deadline = now_ms() + (uint64_t)(bound_ms > 0 ? bound_ms : 0);
    return 0;
}

bool spawn_busy(const spawn_t *s)
{
    return s->pid > 0;
}

uint64_t spawn_due_in(const spawn_t *s)
{
    uint64_t t = now_ms();
    return s->pid > 0 && !s->killed && s->deadline > t ? s->deadline - t : 0;
}

spawn_state_t spawn_poll(spawn_t *s, int *status)
{
    int st = 0;
    if (s->pid > 0) {
        pid_t r = waitpid(s->pid, &st, WNOHANG);
        if (r == s->pid || (r < 0 && errno == ECHILD)) {
            bool killed = s->killed;
            s->pid = 0;
            if (!killed) {
                *status = r < 0 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                return SPAWN_EXITED;
            }
        } else if (!s->killed && now_ms() >= s->deadline) {
            /* The whole group: a script's children must not outlive the bound either. */
            kill(-s->pid, SIGKILL);
            kill(s->pid, SIGKILL);
            s->killed = s->report_timeout = true;
        }
    }
    if (s->report_timeout) {
        s->report_timeout = false;
        return SPAWN_TIMED_OUT;
    }
    return s->pid > 0 && !s->killed ? SPAWN_RUNNING : SPAWN_IDLE;
}
