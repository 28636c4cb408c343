/*
 * printer/printjob.h - one receipt printing in the background, so the screen never freezes on a
 * slow or stuck printer. The job owns a copy of its bytes; the main loop polls for the end
 * (and is woken by the notify callback when it comes). Every step of a job has a timeout,
 * so a job always ends.
 */
#ifndef PRINTER_PRINTJOB_H
#define PRINTER_PRINTJOB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "printer/printer.h"

typedef enum { JOB_IDLE, JOB_RUNNING, JOB_DONE } job_state_t;

typedef struct {
    pthread_mutex_t lock;
    pthread_t thread;
    bool joinable;
    job_state_t state;       /* under lock */
    printer_result_t result; /* under lock, once JOB_DONE */
    char detail[800];        /* under lock */
    /* Owned by the running thread. */
    printer_spec_t spec;
    printer_profile_t profile;
    uint8_t *data;
    size_t len;
    char name[128];
    int64_t tag; /* the caller's id for the job (the journal's request id) */
    void (*notify)(void *ctx);
    void *notify_ctx;
} printjob_t;

void printjob_init(printjob_t *j, void (*notify)(void *ctx), void *ctx);

/* Start printing a copy of data; false when a job is still running or out of memory. */
bool printjob_start(printjob_t *j, const printer_spec_t *spec, const printer_profile_t *profile,
                    const char *name, int64_t tag, const uint8_t *data, size_t len);

/* True while a job runs or its end has not been collected by printjob_poll yet: a new job
 * would be refused. */
bool printjob_busy(printjob_t *j);

/* The state; when JOB_DONE, the result, detail and tag too (the job becomes idle again). */
job_state_t printjob_poll(printjob_t *j, printer_result_t *result, char *detail, size_t cap,
                          int64_t *tag);

/* Wait for a running job to end (the harness, and shutdown). */
void printjob_wait(printjob_t *j);

void printjob_destroy(printjob_t *j);

#endif
