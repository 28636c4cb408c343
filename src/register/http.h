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
typedef struct reg_http reg_http_t;

typedef struct {
    const char *listen;      /* ADDR:PORT, [V6]:PORT or :PORT */
    const char *receipt_url; /* the kiosks' [kiosk] receipt_url */
    const char *store_spec;
    const char *keys_dir;
    const char *fonts_dir;
    const struct catalog *catalog; /* service names; may be NULL */
    reg_stats_t *stats;            /* counters; connected is used when broker is true */
    bool broker;
} reg_http_options_t;

/* Start serving. NULL with err. */
reg_http_t *reg_http_start(const reg_http_options_t *o, char *err, size_t errcap);
void reg_http_stop(reg_http_t *h);

#endif
