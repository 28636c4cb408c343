/*
 * register/http.h - the register's web side (libmicrohttpd, its own threads, bounded
 * connections and timeouts):
 *
 *   GET <path>/<tracking>?t=..&s=..&sig=..   the QR status page (path from --receipt-url)
 *   GET <path>/_fonts/NotoSansBengali-*.ttf  the page's Bangla font (when the phone has none)
 *   GET /api/request/<tracking>?t=..&s=..&sig=..   the same facts as JSON
 *   GET /healthz                             the register's health and counters, JSON
 */
#ifndef REGISTER_HTTP_H
#define REGISTER_HTTP_H

#include <stddef.h>

#include "register/register.h"

struct catalog;
typedef struct register_http register_http_t;

typedef struct {
    const char *listen;      /* ADDR:PORT, [V6]:PORT or :PORT */
    const char *receipt_url; /* the kiosks' [kiosk] receipt_url */
    const char *store_spec;
    const char *keys_dir;
    const char *fonts_dir;
    const struct catalog *catalog; /* service names; may be NULL */
    register_stats_t *stats;       /* counters; connected is used when broker is true */
    bool broker;
} register_http_options_t;

/* Start serving. NULL with err. */
register_http_t *register_http_start(const register_http_options_t *o, char *err, size_t errcap);
void register_http_stop(register_http_t *h);

#endif
