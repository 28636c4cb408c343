/* shell/journal_cmd.c - the journal's commands: export, import, a new journal. */
#include <SDL.h>
#include <stdio.h>
#include <string.h>

#include "shell/modes.h"
#include "store/journal_export.h"
#include "store/journal.h"

static int import_file(journal_t *j, const char *path)
{
    char err[1200];
    size_t len = 0;
    char *text = SDL_LoadFile(path, &len);
    if (!text) {
        fprintf(stderr, "kiosk: %s: cannot read: %s\n", path, SDL_GetError());
        return 1;
    }
    long added, skipped;
    int rc = journal_import(j, path, text, len, &added, &skipped, err, sizeof err);
    SDL_free(text);
    if (rc < 0) {
        fprintf(stderr, "kiosk: %s (nothing was added)\n", err);
        return 1;
    }
    printf("%s: %ld requests added, %ld already in the journal\n", path, added, skipped);
    return 0;
}

static int export_since(journal_t *j, const char *since)
{
    char err[1200], iso[40];
    int64_t from = 0;
    snprintf(iso, sizeof iso, "%.10sT00:00:00+06:00", since ? since : "");
    if (since && (strlen(since) != 10 || (from = journal_parse_time(iso)) < 0)) {
        fprintf(stderr, "kiosk: --since %s: expected YYYY-MM-DD\n", since);
        return 2;
    }
    if (journal_export(j, from, stdout, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    return 0;
}

int journal_cmd_run(kiosk_t *k, const options_t *o)
{
    char err[1200];
    if (o->new_journal && journal_accept_new(k->cfg.data_dir, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    journal_t *j = journal_open(k->cfg.data_dir, err, sizeof err);
    if (!j) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (o->export_journal)
        rc = export_since(j, o->since);
    else if (o->import)
        rc = import_file(j, o->import);
    journal_close(j);
    return rc;
}
