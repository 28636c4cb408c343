/* shell/journal_cmd.c - the journal's commands: export, import, a new journal. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "io/file.h"
#include "shell/modes.h"
#include "store/export_job.h"
#include "store/journal_export.h"
#include "store/journal.h"

static bool service_known(const char *id, const void *ctx)
{
    return catalog_find_service(ctx, id) >= 0;
}

/* Every line checked, services against the catalog; nothing added from a file with an error. */
static int import_file(journal_t *j, const char *path, const catalog_t *cat)
{
    journal_import_check_t check = {.service_known = service_known, .ctx = cat};
    char err[1200];
    size_t len = 0;
    /* Often on a USB stick: a FIFO or a device there must not hang the import. */
    char *text = file_read(path, 256u << 20, &len, err, sizeof err);
    if (!text) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    long added, skipped;
    int rc = journal_import_checked(j, path, text, len, &check, &added, &skipped, err, sizeof err);
    free(text);
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

static int import_with_catalog(kiosk_t *k, journal_t *j, const char *path)
{
    char err[1200];
    catalog_t *cat = catalog_load(k->catalog_path, NULL, NULL, err, sizeof err);
    if (!cat) {
        fprintf(stderr, "kiosk: --import-journal needs the catalog: %s\n", err);
        return 1;
    }
    int rc = import_file(j, path, cat);
    catalog_free(cat);
    return rc;
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
        rc = import_with_catalog(k, j, o->import);
    journal_close(j);
    return rc;
}

int journal_cmd_open_export(const options_t *o)
{
    char err[1200];
    long rows = 0;
    if (!o->key) {
        fprintf(stderr, "kiosk: --open-export needs --key SECRET_KEY_FILE\n");
        return 2;
    }
    if (export_open(o->open_export, o->key, stdout, &rows, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 1;
    }
    fprintf(stderr, "kiosk: %s: %ld requests\n", o->open_export, rows);
    return 0;
}
