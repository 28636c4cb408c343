/*
 * sync/push.h - catalogs and configuration overlays pushed by the register (retained MQTT
 * messages, docs/protocol.md). The sync thread checks each one (the register's Ed25519
 * signature, a version newer than the one kept, a catalog or overlay that loads) and keeps
 * the last good one in the data folder, written atomically; the app loads it between
 * citizens, and at start, so a terminal restarted offline still uses it.
 *
 *   DATA/push-catalog.json   {"v": 1, "kind": "catalog", "version": 4, "catalog": {...}}
 *   DATA/push-config.json    {"v": 1, "kind": "config", "version": 2, "config": "[kiosk]\n..."}
 */
#ifndef SYNC_PUSH_H
#define SYNC_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "config/config.h"

typedef enum { PUSH_CATALOG, PUSH_CONFIG } push_kind_t;

typedef enum {
    PUSH_STORED, /* good and newer: kept, *version updated */
    PUSH_SAME,   /* the very message already kept (a retained push seen again): nothing */
    PUSH_REFUSED /* why says why; nothing changed */
} push_result_t;

/* "catalog" or "config". */
const char *push_kind_name(push_kind_t k);

/* Check a pushed message (payload bytes and its `sig` user property, NULL when absent)
 * against the register's key (NULL when none is configured: every push is refused) and the
 * version kept (*version, 0 when none), and keep it when good. base is the terminal's
 * configuration, over which an overlay must load. *pushed gets the version the message
 * claims (0 when unreadable), for the refusal list. */
push_result_t push_receive(const char *data_dir, push_kind_t kind, const config_t *base,
                           const uint8_t *register_key, const void *payload, size_t len,
                           const char *sig, int *version, int *pushed, char *why, size_t whycap);

/* The version kept in the data folder, 0 when none. */
int push_kept_version(const char *data_dir, push_kind_t kind);

/* For the app, at start and between citizens: the kept catalog, validated with the app's
 * pictogram check (which the sync thread, having no fonts, could not run). 0 with *out set
 * (NULL when none is kept) and *version, or -1 with why (keep the catalog in use then). */
int push_load_catalog(const char *data_dir, catalog_icon_check_fn icon_ok, void *ctx,
                      catalog_t **out, int *version, char *err, size_t errcap);

/* The kept configuration overlay applied over cfg. 0 (with *version, 0 when none is kept),
 * or -1 with why and cfg unchanged. */
int push_load_config(const char *data_dir, config_t *cfg, int *version, char *err, size_t errcap);

/* Between citizens (no session open): when the kept catalog is newer than *version, load and
 * check it and put it in place of *catalog (the old one is freed). 1 swapped, 0 nothing newer,
 * -1 with why (the catalog in use stays). Only the main thread calls it: the app borrows
 * the catalog. */
int push_swap_catalog(const char *data_dir, catalog_icon_check_fn icon_ok, void *ctx,
                      catalog_t **catalog, int *version, char *err, size_t errcap);

/* The same for the configuration overlay, read over cfg (keys it does not name keep their
 * values). 1 applied, 0 nothing newer, -1 with why (cfg unchanged). */
int push_swap_config(const char *data_dir, config_t *cfg, int *version, char *err, size_t errcap);

#endif
