/*
 * register/register.h - what the parts of the register share: the reasons a message is
 * rejected, the counters every connection and the status page see, and the limits of the
 * wire contract (docs/protocol.md).
 *
 * The register is its own program (build/register): it links libmosquitto, libpq and
 * libmicrohttpd, which the kiosk never does.
 */
#ifndef REGISTER_REGISTER_H
#define REGISTER_REGISTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REG_MAX_PAYLOAD    (64 * 1024)   /* protocol: at most 64 KiB */
#define REG_MAX_PUSH       (1024 * 1024) /* protocol: a pushed catalog or config, 1 MiB */
#define REG_ID_MAX         64            /* buffers for ids (centre and terminal: at most 31) */
#define REG_TRACKING_MAX   96
#define REG_EVENT_ID_MAX   128
#define REG_PREFIX_MAX     64
#define REG_IDS            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
#define REG_LOWER          "abcdefghijklmnopqrstuvwxyz0123456789_"
#define REG_SESSION_DAYS   30 /* the register's broker session outlives a long outage */
#define REG_SESSION_EXPIRY ((uint32_t)REG_SESSION_DAYS * 86400u)

/* Why a message was refused. Every refused message is still acknowledged: a poison
 * message must never block the stream behind it. */
typedef enum {
    REG_OK = 0,
    REG_OVERSIZED,        /* more than 64 KiB */
    REG_MALFORMED,        /* not UTF-8, not JSON, or a field missing or wrong */
    REG_BAD_SIGNATURE,    /* no "sig" user property, or it does not verify */
    REG_UNKNOWN_TERMINAL, /* no KEYS/<centre>-<terminal>.pub */
    REG_TOPIC_MISMATCH,   /* the payload's centre, terminal or tracking id is not the topic's */
    REG_BAD_RECEIPT,      /* the request's QR payload does not verify or does not match it */
    REG_DB_REFUSED,       /* the database refused it for good (never a passing outage) */
    REG_REASON_COUNT
} register_reason_t;

/* "malformed", "bad_signature"... as logged and shown on /healthz. */
const char *register_reason_name(register_reason_t r);

/* Counters shared by the MQTT threads (writers) and the HTTP threads (readers). */
typedef struct {
    atomic_long stored;     /* events stored (each exactly once) */
    atomic_long duplicates; /* events already stored: acknowledged and dropped */
    atomic_long statuses;   /* presence messages recorded */
    atomic_long rejected[REG_REASON_COUNT];
    atomic_long store_retries; /* transient store errors waited out */
    atomic_int connected;      /* main broker connection up */
} register_stats_t;

/* A "C" or "T" id: 1..31 characters of letters, digits and '-'. */
bool register_valid_id(const char *s);

#endif
