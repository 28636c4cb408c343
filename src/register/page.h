/*
 * register/page.h - the page a receipt's QR code opens, in Bangla and English: is the
 * receipt genuine, which service, token and date, and what the register knows of the
 * request. One small self-contained HTML document (inline CSS, no scripts, no external
 * resources except the Bangla font beside it, used only when the phone has none), readable
 * on a cheap phone.
 */
#ifndef REGISTER_PAGE_H
#define REGISTER_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "register/store.h"
#include "text/lang.h"

typedef enum {
    PAGE_RECEIVED,  /* genuine, and the register has the request (200) */
    PAGE_PENDING,   /* genuine, not received by the register yet (200) */
    PAGE_MISMATCH,  /* genuine signature, but the register's record says otherwise (403) */
    PAGE_FORGED,    /* the signature does not match (403) */
    PAGE_MALFORMED, /* not a receipt link (400) */
    PAGE_UNKNOWN,   /* no such terminal, or no such page (404) */
    PAGE_BUSY,      /* the register cannot read its store now (503) */
} page_kind_t;

typedef struct {
    page_kind_t kind;
    const char *tracking, *token, *service; /* from the QR code; may be NULL when malformed */
    const char *service_name[LANG_COUNT];   /* the catalog's names, or NULL */
    const register_request_t *request;      /* PAGE_RECEIVED and PAGE_MISMATCH */
    const char *font_base;                  /* URL prefix of the font files, e.g. "_fonts/" */
} page_t;

/* The HTTP status for a kind. */
int register_page_status(page_kind_t kind);

/* The page (malloc'd, NUL-terminated); NULL when out of memory. */
char *register_page_html(const page_t *p, size_t *len);

/* The same facts as JSON (GET /api/request/...). */
char *register_page_json(const page_t *p, size_t *len);

/* A request as one JSON object (the --export line, without fields). */
struct cJSON *register_request_json(const register_request_t *r);

#endif
