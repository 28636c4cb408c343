/*
 * register/event.h - reading what terminals publish (docs/protocol.md): the topic, the
 * Ed25519 signature over the exact payload bytes, the JSON, and the request's receipt
 * signature. Pure functions of their inputs and the key folder, so every bad input is
 * tested without a broker (tests/unit/test_register.c).
 */
#ifndef REGISTER_EVENT_H
#define REGISTER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "register/register.h"
#include "store/signing.h"

typedef enum {
    REG_KIND_REQUEST,
    REG_KIND_PRINT,
    REG_KIND_REPRINT,
    REG_KIND_ERASURE
} register_kind_t;

/* What a topic under the prefix is. */
typedef enum {
    REG_TOPIC_OTHER,    /* not ours */
    REG_TOPIC_EVENT,    /* P/C/T/event */
    REG_TOPIC_STATUS,   /* P/C/T/status */
    REG_TOPIC_REGISTER, /* P/registers/<client id>: another register's presence */
} register_topic_t;

/* One event, checked. The strings point into json (freed by register_event_free). */
typedef struct {
    struct cJSON *json;
    char centre[REG_ID_MAX], terminal[REG_ID_MAX];
    const char *event_id, *tracking;
    long long seq; /* the outbox row id after the '/' of event_id */
    register_kind_t kind;
    int64_t at;
    /* kind request */
    const char *token, *service, *category, *lang, *priority; /* priority may be NULL */
    const char *qr, *fields_sealed;                           /* fields_sealed may be NULL */
    bool fields_erased;
    /* kinds print and reprint */
    const char *status, *detail; /* detail may be NULL */
} register_event_t;

/* A terminal's presence, checked. */
typedef struct {
    char centre[REG_ID_MAX], terminal[REG_ID_MAX];
    bool online;
    char role[16];
    bool has_band;
    char band[4]; /* "" or "1".."9" */
} register_status_t;

/* Split topic: P/C/T/event, P/C/T/status or P/registers/ID; centre and terminal (or the
 * register's client id in terminal) are filled when given. */
register_topic_t register_topic_parse(const char *prefix, const char *topic,
                                      char centre[REG_ID_MAX], char terminal[REG_ID_MAX]);

/* A terminal's public key from DIR/<name>.pub, name being "<centre>-<terminal>" (one
 * base64url line, as the kiosk writes DATA/signing.pub). 1 found, 0 no such file, -1 a file
 * that is not a key (why says so). */
int register_key_load(const char *keys_dir, const char *name, uint8_t key[SIGNING_PUBLIC_BYTES],
                      char *why, size_t whycap);

/* Check an event message completely. REG_OK fills ev (free it with register_event_free);
 * anything else says why. sig may be NULL (no user property). */
register_reason_t register_event_check(const char *keys_dir, const char *prefix, const char *topic,
                                       const void *payload, size_t len, const char *sig,
                                       register_event_t *ev, char *why, size_t whycap);

void register_event_free(register_event_t *ev);

/* Check a presence message (not empty: an empty retained message only clears one). */
register_reason_t register_status_check(const char *prefix, const char *topic, const void *payload,
                                        size_t len, register_status_t *st, char *why,
                                        size_t whycap);

/* The centre-terminal part of a tracking id ("UDC-0001-T01" of
 * "UDC-0001-T01-20261129-0007"), which names its key file. false when it has no such shape. */
bool register_tracking_owner(const char *tracking, char *owner, size_t cap);

/* Verify payload bytes against a base64url Ed25519 signature. */
bool register_signature_ok(const uint8_t key[SIGNING_PUBLIC_BYTES], const void *payload, size_t len,
                           const char *sig);

#endif
