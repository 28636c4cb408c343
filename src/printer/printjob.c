/* printer/printjob.c - a printing thread per receipt. */
#include "printer/printjob.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void printjob_init(printjob_t *j, void (*notify)(void *ctx), void *ctx)
{
    memset(j, 0, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    j->notify = notify;
    j->notify_ctx = ctx;
}

static void *run(void *arg)
{
    printjob_t *j = arg;
    char detail[800] = "";
    printer_result_t r = printer_print(&j->spec, &j->profile, j->name, j->data, j->len,
                                       PRINTER_JOB_TIMEOUT_MS, detail, sizeof detail);
    pthread_mutex_lock(&j->lock);
    j->result = r;
    snprintf(j->detail, sizeof j->detail, "%s", detail);
    j->state = JOB_DONE;
    pthread_mutex_unlock(&j->lock);
    if (j->notify)
        j->notify(j->notify_ctx);
    return NULL;
}

bool printjob_start(printjob_t *j, const printer_spec_t *spec, const printer_profile_t *profile,
                    const char *name, int64_t tag, const uint8_t *data, size_t len)
{
    if (printjob_busy(j))
        return false;
    if (j->joinable) {
        pthread_join(j->thread, NULL);
        j->joinable = false;
    }
    free(j->data);
    j->data = malloc(len ? len : 1);
    if (!j->data)
        return false;
    if (len)
        memcpy(j->data, data, len);
    j->len = len;
    j->spec = *spec;
    j->profile = *profile;
    snprintf(j->name, sizeof j->name, "%s", name);
    j->tag = tag;
    j->state = JOB_RUNNING;
    /* The thread starts with every signal blocked, so SIGTERM always lands on the main
     * thread and interrupts its wait (a signal taken by this thread would not). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, run, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        j->state = JOB_IDLE;
        return false;
    }
    j->joinable = true;
    return true;
}

bool printjob_busy(printjob_t *j)
{
    pthread_mutex_lock(&j->lock);
    bool busy = j->state != JOB_IDLE;
    pthread_mutex_unlock(&j->lock);
    return busy;
}

job_state_t printjob_poll(printjob_t *j, printer_result_t *result, char *detail, size_t cap,
                          int64_t *tag)
{
    pthread_mutex_lock(&j->lock);
    job_state_t s = j->state;
    if (s == JOB_DONE) {
        *result = j->result;
        *tag = j->tag;
        snprintf(detail, cap, "%s", j->detail);
        j->state = JOB_IDLE;
    }
    pthread_mutex_unlock(&j->lock);
    return s;
}

void printjob_wait(printjob_t *j)
{
    if (j->joinable) {
        pthread_join(j->thread, NULL);
        j->joinable = false;
    }
}

void printjob_destroy(printjob_t *j)
{
    printjob_wait(j);
    free(j->data);
    j->data = NULL;
    pthread_mutex_destroy(&j->lock);
}
