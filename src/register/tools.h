/*
 * register/tools.h - the register's one-shot commands: the export (JSON Lines, one request
 * per line, like the kiosk's --export-journal), the nation's keys, and signed pushes of a
 * catalog or a configuration overlay (docs/protocol.md, "Pushed catalogs and
 * configuration").
 */
#ifndef REGISTER_TOOLS_H
#define REGISTER_TOOLS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "register/mqtt.h"
#include "store/signing.h"

/* Every request created at or after since, oldest first, with its latest status. With
 * box_key (the register's X25519 secret key) the sealed fields are opened into "fields";
 * without, they stay sealed in "fields_sealed". Number of lines, or -1 with err. */
long register_export(const char *store_spec, int64_t since, const char *box_key, FILE *out,
                     char *err, size_t errcap);

/* "YYYY-MM-DD" to unix seconds at the start of that Asia/Dhaka day; -1 when malformed. */
int64_t register_parse_day(const char *s);

/* DIR/register.sign.key and .pub (Ed25519: pushes), DIR/register.box.key and .pub (X25519:
 * sealed fields and exports). Each is one base64url line; secret keys are mode 0600. An
 * existing key is never overwritten. 0, or -1 with err. */
int register_keygen(const char *dir, char *err, size_t errcap);

/* The register's Ed25519 key from register.sign.key (one base64url line, as --keygen writes
 * it), for signing control messages like pushes. 0, or -1 with err naming the file. */
int register_sign_key_load(const char *path, signing_key_t *k, char *err, size_t errcap);

typedef struct {
    const char *what; /* "catalog" or "config" */
    const char *file;
    long version;
    const char *centre; /* NULL: the whole nation */
    const char *sign_key;
    const char *prefix;
    const char *fonts_dir; /* MaterialIcons.codepoints, to check pictogram names */
} register_push_t;

/* Validate (the kiosk's own catalog loader or configuration parser), sign and publish as a
 * retained QoS 1 message; returns after the broker's PUBACK. 0, or -1 with err. */
int register_push(const register_broker_t *b, const register_push_t *p, char *err, size_t errcap);

/* The payload of a push, signed: for tests and tools. payload and sig are malloc'd. */
int register_push_payload(const register_push_t *p, char **payload, size_t *len, char **sig,
                          char *err, size_t errcap);

#endif
