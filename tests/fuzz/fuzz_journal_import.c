/*
 * tests/fuzz/fuzz_journal_import.c - fuzz target for the journal import (journal_import):
 * JSON Lines restored from a backup or another terminal's export.
 *
 * One journal in a temporary folder serves every input (static state: opening a journal
 * creates its schema, too slow to repeat for each input). An import that adds rows would
 * change how the next inputs behave, so the journal is started afresh after one.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/journal_export.h"
#include "store/journal.h"

static char dir[64];
static journal_t *journal;

/* Every file of the journal (main file, WAL, shared memory), not the folder. */
static void remove_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[sizeof dir + 256];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
}

static void open_journal(void)
{
    char err[512];
    if (!(journal = journal_open(dir, err, sizeof err))) {
        fprintf(stderr, "fuzz_journal_import: %s\n", err);
        abort();
    }
}

/* At exit: close the journal (leak checkers run after this) and leave no folder behind. */
static void cleanup(void)
{
    journal_close(journal);
    journal = NULL;
    remove_files();
    rmdir(dir);
}

/* The journal syncs every commit: in memory (/dev/shm) that costs nothing. */
static void setup(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/kiosk-fuzz-XXXXXX", base);
    if (!mkdtemp(dir))
        abort();
    open_journal();
    atexit(cleanup);
}

static void start_afresh(void)
{
    journal_close(journal);
    remove_files();
    open_journal();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!journal)
        setup();
    char err[512] = "";
    long added = -1, skipped = -1;
    const char *text = (const char *)data;
    if (journal_import(journal, "fuzz.jsonl", text, size, &added, &skipped, err, sizeof err) < 0) {
        if (added != 0 || strncmp(err, "fuzz.jsonl:", 11) != 0)
            abort(); /* nothing is added on error, and the error names the input */
        return 0;
    }
    /* The same lines again add nothing: every tracking id is known now. */
    long added2 = -1, skipped2 = -1;
    if (journal_import(journal, "fuzz.jsonl", text, size, &added2, &skipped2, err, sizeof err) <
            0 ||
        added2 != 0 || skipped2 != added + skipped)
        abort();
    if (added > 0)
        start_afresh();
    return 0;
}
