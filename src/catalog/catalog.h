/*
 * catalog/catalog.h - the services a citizen can ask for, loaded from a JSON file a centre
 * edits (docs/catalog.md). Loading validates everything up front: a bad file is rejected
 * whole with the file, the place and the reason, so a kiosk never half-starts.
 */
#ifndef CATALOG_CATALOG_H
#define CATALOG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "text/lang.h"

#define CATALOG_MAX_CATEGORIES 16
#define CATALOG_MAX_SERVICES   512
#define CATALOG_MAX_FIELDS     8
#define CATALOG_MAX_DOCUMENTS  8
#define CATALOG_MAX_OPTIONS    8
#define CATALOG_MAX_KEYWORDS   32
#define CATALOG_ID_MAX         32 /* bytes including NUL */

/* "official_fee": null in the catalog: no official fee is published for the service. */
#define CATALOG_FEE_UNPUBLISHED (-1)

/* A text in both languages; never NULL once loaded (optional texts are ""). */
typedef struct {
    const char *s[LANG_COUNT];
} catalog_text_t;

typedef enum {
    FIELD_TEXT,
    FIELD_NID,
    FIELD_BRN,
    FIELD_MOBILE,
    FIELD_DATE,
    FIELD_NUMBER,
    FIELD_CHOICE,
    FIELD_TYPE_COUNT
} field_type_t;

typedef enum { DATE_PAST, DATE_FUTURE, DATE_ANY } date_when_t;

typedef struct {
    char value[CATALOG_ID_MAX];
    catalog_text_t label;
} catalog_option_t;

typedef struct {
    char id[CATALOG_ID_MAX];
    field_type_t type;
    catalog_text_t label, hint;
    bool optional;
    int max_len;        /* text: code points */
    long long min, max; /* number */
    date_when_t when;   /* date */
    catalog_option_t options[CATALOG_MAX_OPTIONS];
    int option_count;
} catalog_field_t;

typedef struct {
    char id[CATALOG_ID_MAX];
    char prefix; /* token prefix letter */
    char pictogram[48];
    catalog_text_t name;
} catalog_category_t;

typedef struct {
    char id[CATALOG_ID_MAX];
    int category; /* index into categories */
    catalog_text_t name, description, fee_note;
    long long official_fee; /* taka, or CATALOG_FEE_UNPUBLISHED */
    const char *fee_source; /* where the official fee comes from (one line, for staff) */
    const char *keywords[CATALOG_MAX_KEYWORDS]; /* synonyms for search, NFC */
    int keyword_count;
    catalog_text_t documents[CATALOG_MAX_DOCUMENTS];
    int document_count;
    int processing_days;
    catalog_field_t fields[CATALOG_MAX_FIELDS];
    int field_count;
} catalog_service_t;

typedef struct catalog {
    catalog_category_t categories[CATALOG_MAX_CATEGORIES];
    int category_count;
    catalog_service_t services[CATALOG_MAX_SERVICES];
    int service_count;
    struct catalog_arena *arena; /* owns every string */
    struct search_index *search; /* built at load (catalog/search.h), freed with the catalog */
} catalog_t;

/* Tells whether a pictogram name can be drawn (the icon font knows it). */
typedef bool (*catalog_icon_check_fn)(const char *name, void *ctx);

/* Load and validate path. NULL on any problem, with "FILE: PLACE: what is wrong" in err. */
catalog_t *catalog_load(const char *path, catalog_icon_check_fn icon_ok, void *ctx, char *err,
                        size_t errcap);

/* Same, from a buffer (name is used in messages). */
catalog_t *catalog_parse(const char *name, const char *json, size_t len,
                         catalog_icon_check_fn icon_ok, void *ctx, char *err, size_t errcap);

void catalog_free(catalog_t *c);

const char *catalog_field_type_name(field_type_t t);

/* Index of a category or service by id, or -1. */
int catalog_find_category(const catalog_t *c, const char *id);
int catalog_find_service(const catalog_t *c, const char *id);

/* One line per service for --list-services: id, category, fields, bn name, en name. */
void catalog_list_services(const catalog_t *c, FILE *out);

#endif
