/*
 * sync/event.h - what a terminal says on the wire (docs/protocol.md): one outbox row as an
 * event, and its presence. Pure functions of their inputs, so tests and the fleet benchmark
 * build exactly the bytes the kiosk sends.
 */
#ifndef SYNC_EVENT_H
#define SYNC_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/outbox.h"
#include "store/seal.h"
#include "store/signing.h"

#define EVENT_MAX_BYTES 65536 /* the protocol's limit for one payload */

/* Who is speaking, and the keys it speaks with. */
typedef struct {
    const char *centre, *terminal;
    const char *receipt_url;   /* the QR payload's base, as on the receipt */
    const signing_key_t *key;  /* signs the QR and every payload */
    const uint8_t *export_key; /* X25519 key the fields are sealed to; NULL: no fields */
} event_identity_t;

/* The event's JSON for one outbox row (malloc'd, NUL-terminated; *len without the NUL), or
 * NULL when out of memory. The citizen's fields appear only sealed. */
char *event_json(const event_identity_t *id, const outbox_row_t *row, size_t *len);

/* A pushed catalog or configuration that was refused. */
typedef struct {
    char kind[8]; /* "catalog" or "config" */
    int version;  /* as the push said; 0 when it could not be read */
    char why[160];
} event_refusal_t;

typedef struct {
    const char *role;       /* "kiosk" */
    const char *version;    /* the program's */
    const char *token_band; /* "" when none */
    const char *printer, *paper;
    long backlog;
    int64_t last_sync; /* unix seconds; 0: never */
    int64_t uptime_s;
    int catalog_version, config_version;
    const event_refusal_t *refused;
    int refused_count;
} presence_t;

/* Presence as JSON (malloc'd, NUL-terminated), or NULL when out of memory; "online": true. */
char *event_presence_json(const presence_t *p);

/* The last will: {"v": 1, "online": false, "role": ROLE}. */
char *event_offline_json(const char *role);

#endif
