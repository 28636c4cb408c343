/*
 * store/state.h - the journal's state file (DATA/journal.state, beside the signing key): the
 * last numbers this terminal issued, kept OUTSIDE journal.sqlite, so that a journal that was
 * deleted, emptied, replaced by an older copy or by another file is noticed at start-up
 * instead of silently starting again at token 1. For the store layer only.
 *
 *   # Sheba Kiosk journal state ...
 *   journal 5f0c2a...          the id of the journal these figures belong to
 *   requests 1234              the highest request id issued in it
 *   seq 2026-11-29 * 17        per day: the tracking sequence ('*') ...
 *   seq 2026-11-29 B 5         ... and the highest token number per prefix
 *
 * Only the newest STATE_DAYS days are kept: tokens and tracking sequences start again every
 * day, so older days cannot be issued again unless the clock goes back more than that.
 */
#ifndef STORE_STATE_H
#define STORE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATE_FILE    "journal.state"
#define STATE_DAYS    35
#define STATE_MAX_SEQ (STATE_DAYS * 27) /* 26 prefixes and '*' a day */

typedef struct {
    char day[11]; /* YYYY-MM-DD, Asia/Dhaka */
    char key;     /* token prefix 'A'..'Z', or '*' for the tracking sequence */
    int last;
} state_seq_t;

typedef struct {
    char journal_id[40]; /* "" until a journal was opened */
    int64_t last_id;     /* highest request id issued in that journal */
    int n;
    state_seq_t seq[STATE_MAX_SEQ];
} state_t;

typedef enum {
    STATE_ABSENT,     /* no file: a new terminal (or one from before the state file) */
    STATE_LOADED,     /* read */
    STATE_MALFORMED,  /* there, but not what this kiosk writes: err says where */
    STATE_UNREADABLE, /* an I/O error: err says which; try again later */
} state_load_t;

/* Read DIR/journal.state into s (zeroed first). */
state_load_t state_load(const char *dir, state_t *s, char *err, size_t errcap);

/* Did this terminal ever open or issue anything, as far as s knows? */
bool state_has_history(const state_t *s);

/* The figure for (day, key), 0 when none. */
int state_get(const state_t *s, const char *day, char key);

/* Raise (day, key) to at least last (the file keeps only the newest STATE_DAYS days). */
void state_raise(state_t *s, const char *day, char key, int last);

/* Write s into DIR/journal.state, merged with what the file holds now, under a lock of the
 * folder: two kiosks on one data folder never lower a figure. Token and tracking figures
 * take the highest of the two; the request id too when both name the same journal and not
 * restart, else s's journal and request id replace the file's (restart: a technician started
 * or kept a journal with --new-journal). Atomic (temporary file, fsync, rename, fsync of the
 * folder). 0, or -1 with err. */
int state_save(const char *dir, const state_t *s, bool restart, char *err, size_t errcap);

#endif
