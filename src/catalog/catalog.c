/* catalog/catalog.c - load and validate the service catalog (cJSON underneath). */
#include "catalog/catalog.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "io/error.h"
#include "io/file.h"
#include "text/unicode.h"
#include "text/utf8.h"

#define CATALOG_FILE_MAX (4 * 1024 * 1024)

/* All strings of a catalog live in a few big blocks, freed together. */
struct catalog_arena {
    struct catalog_arena *next;
    size_t used, cap;
    char data[];
};

typedef struct {
    const char *file;
    char path[256];
    char *err;
    size_t errcap;
    catalog_t *cat;
    catalog_icon_check_fn icon_ok;
    void *icon_ctx;
} loader_t;

static const char *const type_names[FIELD_TYPE_COUNT] = {
    "text", "nid", "brn", "mobile", "date", "number", "choice",
};

const char *catalog_field_type_name(field_type_t t)
{
    return (unsigned)t < FIELD_TYPE_COUNT ? type_names[t] : "?";
}

static char *arena_strdup(catalog_t *c, const char *s, size_t n)
{
    struct catalog_arena *a = c->arena;
    if (!a || a->cap - a->used < n + 1) {
        size_t cap = n + 1 > 64 * 1024 ? n + 1 : 64 * 1024;
        a = malloc(sizeof *a + cap);
        if (!a)
            return NULL;
        a->next = c->arena;
        a->used = 0;
        a->cap = cap;
        c->arena = a;
    }
    char *p = a->data + a->used;
    memcpy(p, s, n);
    p[n] = '\0';
    a->used += n + 1;
    return p;
}

__attribute__((format(printf, 2, 3))) static bool fail(loader_t *L, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    error_vset(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(L->err, L->errcap, "%s: %s: %s", L->file, L->path[0] ? L->path : "(top)", msg);
    return false;
}

/* The JSON path grows as we descend ("services[3].fields[1]") and shrinks on return. */
static size_t path_push(loader_t *L, const char *key, int index)
{
    size_t old = strlen(L->path);
    if (key)
        snprintf(L->path + old, sizeof L->path - old, "%s%s", old ? "." : "", key);
    else
        snprintf(L->path + old, sizeof L->path - old, "[%d]", index);
    return old;
}

static void path_pop(loader_t *L, size_t old)
{
    L->path[old] = '\0';
}

/* Reject unknown and duplicate keys: a typo must not silently drop a setting. */
static bool check_keys(loader_t *L, const cJSON *obj, const char *const *allowed)
{
    if (!cJSON_IsObject(obj))
        return fail(L, "expected an object");
    for (const cJSON *k = obj->child; k; k = k->next) {
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++)
            known = strcmp(k->string, allowed[i]) == 0;
        if (!known)
            return fail(L, "unknown key \"%s\"", k->string);
        for (const cJSON *d = k->next; d; d = d->next)
            if (strcmp(d->string, k->string) == 0)
                return fail(L, "key \"%s\" appears twice", k->string);
    }
    return true;
}

/* Valid UTF-8, no control characters (a newline only in long texts), non-empty, within max
 * bytes. Names are one line: they end up in tab-separated listings and on one screen line. */
static bool check_text(loader_t *L, const char *s, size_t max_bytes)
{
    size_t n = strlen(s), bad;
    if (!utf8_valid(s, n, &bad))
        return fail(L, "invalid UTF-8 at byte %zu", bad);
    if (n == 0)
        return fail(L, "must not be empty");
    if (n > max_bytes)
        return fail(L, "too long: %zu bytes, at most %zu", n, max_bytes);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 && (s[i] != '\n' || max_bytes < 600))
            return fail(L, "control character at byte %zu", i);
    return true;
}

static const cJSON *member(loader_t *L, const cJSON *obj, const char *key, bool required, bool *ok)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *ok = v != NULL || !required;
    if (!v && required)
        fail(L, "missing \"%s\"", key);
    return v;
}

/* An identifier: [a-z0-9_], 1..31 characters. */
static bool get_id(loader_t *L, const cJSON *obj, const char *key, char *out, size_t cap)
{
    bool ok;
    const cJSON *v = member(L, obj, key, true, &ok);
    if (!ok)
        return false;
    size_t old = path_push(L, key, 0);
    if (!cJSON_IsString(v))
        return fail(L, "expected a string");
    size_t n = strlen(v->valuestring);
    if (n == 0 || n >= cap)
        return fail(L, "must be 1 to %zu characters", cap - 1);
    for (size_t i = 0; i < n; i++) {
        char ch = v->valuestring[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return fail(L, "\"%s\": only a-z, 0-9 and _ are allowed", v->valuestring);
    }
    memcpy(out, v->valuestring, n + 1);
    path_pop(L, old);
    return true;
}

/* A {"bn": ..., "en": ...} pair at the current path. */
static bool parse_pair(loader_t *L, const cJSON *v, size_t max_bytes, catalog_text_t *out)
{
    static const char *const keys[] = {"bn", "en", NULL};
    if (!check_keys(L, v, keys))
        return false;
    for (int lang = 0; lang < LANG_COUNT; lang++) {
        bool ok;
        const cJSON *s = member(L, v, lang_code((lang_t)lang), true, &ok);
        if (!ok)
            return false;
        size_t old = path_push(L, lang_code((lang_t)lang), 0);
        if (!cJSON_IsString(s))
            return fail(L, "expected a string");
        if (!check_text(L, s->valuestring, max_bytes))
            return false;
        /* Stored NFC, so what a centre typed in any form compares and renders the same. */
        char nfc[2048];
        int n = unicode_nfc(s->valuestring, strlen(s->valuestring), nfc, sizeof nfc);
        if (n < 0 || !(out->s[lang] = arena_strdup(L->cat, nfc, (size_t)n)))
            return fail(L, "cannot normalize text");
        path_pop(L, old);
    }
    return true;
}

static bool get_pair(loader_t *L, const cJSON *obj, const char *key, bool required,
                     size_t max_bytes, catalog_text_t *out)
{
    bool ok;
    const cJSON *v = member(L, obj, key, required, &ok);
    out->s[LANG_BN] = out->s[LANG_EN] = "";
    if (!v)
        return ok;
    size_t old = path_push(L, key, 0);
    if (!parse_pair(L, v, max_bytes, out))
        return false;
    path_pop(L, old);
    return true;
}

static bool get_int(loader_t *L, const cJSON *obj, const char *key, bool required, long long lo,
                    long long hi, long long *out)
{
    bool ok;
    const cJSON *v = member(L, obj, key, required, &ok);
    if (!v)
        return ok;
    size_t old = path_push(L, key, 0);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble))
        return fail(L, "expected a whole number");
    if (v->valuedouble < (double)lo || v->valuedouble > (double)hi)
        return fail(L, "%.0f is out of range %lld..%lld", v->valuedouble, lo, hi);
    *out = (long long)v->valuedouble;
    path_pop(L, old);
    return true;
}

static bool get_bool(loader_t *L, const cJSON *obj, const char *key, bool *out)
{
    bool ok;
    const cJSON *v = member(L, obj, key, false, &ok);
    if (!v)
        return true;
    size_t old = path_push(L, key, 0);
    if (!cJSON_IsBool(v))
        return fail(L, "expected true or false");
    *out = cJSON_IsTrue(v);
    path_pop(L, old);
    return true;
}

static const cJSON *get_array(loader_t *L, const cJSON *obj, const char *key, bool required,
                              int min, int max)
{
    bool ok;
    const cJSON *v = member(L, obj, key, required, &ok);
    if (!v)
        return NULL;
    size_t old = path_push(L, key, 0);
    int n = cJSON_GetArraySize(v);
    if (!cJSON_IsArray(v))
        return fail(L, "expected an array"), NULL;
    if (n < min || n > max)
        return fail(L, "has %d entries, expected %d to %d", n, min, max), NULL;
    path_pop(L, old);
    return v;
}

static bool load_category(loader_t *L, const cJSON *o, catalog_category_t *c)
{
    static const char *const keys[] = {"id", "prefix", "pictogram", "name", NULL};
    if (!check_keys(L, o, keys) || !get_id(L, o, "id", c->id, sizeof c->id))
        return false;
    for (int i = 0; i < L->cat->category_count; i++)
        if (strcmp(L->cat->categories[i].id, c->id) == 0)
            return fail(L, "category id \"%s\" is used twice", c->id);
    bool ok;
    const cJSON *p = member(L, o, "prefix", true, &ok);
    if (!ok)
        return false;
    size_t old = path_push(L, "prefix", 0);
    if (!cJSON_IsString(p) || strlen(p->valuestring) != 1 || p->valuestring[0] < 'A' ||
        p->valuestring[0] > 'Z')
        return fail(L, "expected one letter A-Z");
    c->prefix = p->valuestring[0];
    for (int i = 0; i < L->cat->category_count; i++)
        if (L->cat->categories[i].prefix == c->prefix)
            return fail(L, "prefix \"%c\" is already used by category \"%s\"", c->prefix,
                        L->cat->categories[i].id);
    path_pop(L, old);
    const cJSON *pic = member(L, o, "pictogram", true, &ok);
    if (!ok)
        return false;
    old = path_push(L, "pictogram", 0);
    if (!cJSON_IsString(pic) || strlen(pic->valuestring) >= sizeof c->pictogram)
        return fail(L, "expected an icon name");
    if (L->icon_ok && !L->icon_ok(pic->valuestring, L->icon_ctx))
        return fail(L, "unknown pictogram \"%s\" (see fonts/MaterialIcons.codepoints)",
                    pic->valuestring);
    strcpy(c->pictogram, pic->valuestring);
    path_pop(L, old);
    return get_pair(L, o, "name", true, 80, &c->name);
}

static bool load_options(loader_t *L, const cJSON *o, catalog_field_t *f)
{
    static const char *const keys[] = {"value", "label", NULL};
    const cJSON *arr = get_array(L, o, "options", true, 2, CATALOG_MAX_OPTIONS);
    if (!arr)
        return false;
    size_t old = path_push(L, "options", 0);
    const cJSON *opt;
    cJSON_ArrayForEach(opt, arr)
    {
        catalog_option_t *op = &f->options[f->option_count];
        size_t o2 = path_push(L, NULL, f->option_count);
        if (!check_keys(L, opt, keys) || !get_id(L, opt, "value", op->value, sizeof op->value) ||
            !get_pair(L, opt, "label", true, 80, &op->label))
            return false;
        for (int i = 0; i < f->option_count; i++)
            if (strcmp(f->options[i].value, op->value) == 0)
                return fail(L, "option value \"%s\" is used twice", op->value);
        f->option_count++;
        path_pop(L, o2);
    }
    path_pop(L, old);
    return true;
}

static bool parse_type(loader_t *L, const cJSON *o, catalog_field_t *f)
{
    bool ok;
    const cJSON *t = member(L, o, "type", true, &ok);
    if (!ok)
        return false;
    size_t old = path_push(L, "type", 0);
    if (!cJSON_IsString(t))
        return fail(L, "expected a string");
    for (int i = 0; i < FIELD_TYPE_COUNT; i++) {
        if (strcmp(t->valuestring, type_names[i]) == 0) {
            f->type = (field_type_t)i;
            path_pop(L, old);
            return true;
        }
    }
    return fail(L, "unknown type \"%s\" (expected text, nid, brn, mobile, date, number or choice)",
                t->valuestring);
}

/* Keys that only one type may carry; anything else on that type is an error. */
static bool check_type_keys(loader_t *L, const cJSON *o, field_type_t type)
{
    static const struct {
        const char *key;
        field_type_t type;
    } only[] = {{"min", FIELD_NUMBER}, {"when", FIELD_DATE}, {"options", FIELD_CHOICE}};
    for (size_t i = 0; i < sizeof only / sizeof only[0]; i++)
        if (cJSON_HasObjectItem(o, only[i].key) && type != only[i].type)
            return fail(L, "\"%s\" is only allowed on %s fields", only[i].key,
                        type_names[only[i].type]);
    if (cJSON_HasObjectItem(o, "max") && type != FIELD_TEXT && type != FIELD_NUMBER)
        return fail(L, "\"max\" is only allowed on text and number fields");
    return true;
}

static bool parse_when(loader_t *L, const cJSON *o, catalog_field_t *f)
{
    static const char *const names[] = {"past", "future", "any"};
    f->when = DATE_PAST;
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "when");
    if (!w)
        return true;
    size_t old = path_push(L, "when", 0);
    for (int i = 0; i < 3; i++) {
        if (cJSON_IsString(w) && strcmp(w->valuestring, names[i]) == 0) {
            f->when = (date_when_t)i;
            path_pop(L, old);
            return true;
        }
    }
    return fail(L, "expected \"past\", \"future\" or \"any\"");
}

static bool load_type_options(loader_t *L, const cJSON *o, catalog_field_t *f)
{
    long long v;
    switch (f->type) {
    case FIELD_TEXT:
        v = 60;
        if (!get_int(L, o, "max", false, 1, 120, &v))
            return false;
        f->max_len = (int)v;
        return true;
    case FIELD_NUMBER:
        f->min = 0;
        f->max = 999999999;
        if (!get_int(L, o, "min", false, 0, 999999999, &f->min) ||
            !get_int(L, o, "max", false, 0, 999999999, &f->max))
            return false;
        return f->min <= f->max || fail(L, "\"min\" %lld is above \"max\" %lld", f->min, f->max);
    case FIELD_DATE:
        return parse_when(L, o, f);
    case FIELD_CHOICE:
        return load_options(L, o, f);
    default:
        return true;
    }
}

static bool load_field(loader_t *L, const cJSON *o, catalog_service_t *s, catalog_field_t *f)
{
    static const char *const keys[] = {"id",  "type", "label", "hint",    "optional",
                                       "max", "min",  "when",  "options", NULL};
    if (!check_keys(L, o, keys) || !get_id(L, o, "id", f->id, sizeof f->id))
        return false;
    for (int i = 0; i < s->field_count; i++)
        if (strcmp(s->fields[i].id, f->id) == 0)
            return fail(L, "field id \"%s\" is used twice in this service", f->id);
    if (!parse_type(L, o, f) || !check_type_keys(L, o, f->type) ||
        !get_pair(L, o, "label", true, 80, &f->label) ||
        !get_pair(L, o, "hint", false, 160, &f->hint) || !get_bool(L, o, "optional", &f->optional))
        return false;
    return load_type_options(L, o, f);
}

static bool load_fields(loader_t *L, const cJSON *o, catalog_service_t *s)
{
    const cJSON *arr = get_array(L, o, "fields", true, 1, CATALOG_MAX_FIELDS);
    if (!arr)
        return false;
    size_t old = path_push(L, "fields", 0);
    const cJSON *fo;
    cJSON_ArrayForEach(fo, arr)
    {
        size_t o2 = path_push(L, NULL, s->field_count);
        catalog_field_t *f = &s->fields[s->field_count];
        if (!load_field(L, fo, s, f))
            return false;
        /* Every request needs to say whose it is, and the receipt prints it first. */
        if (s->field_count == 0 && (strcmp(f->id, "name") != 0 || f->type != FIELD_TEXT))
            return fail(L, "the first field must be {\"id\": \"name\", \"type\": \"text\"}");
        if (s->field_count == 0 && f->optional)
            return fail(L, "the applicant's name cannot be optional");
        s->field_count++;
        path_pop(L, o2);
    }
    path_pop(L, old);
    return true;
}

static bool load_documents(loader_t *L, const cJSON *o, catalog_service_t *s)
{
    bool ok;
    if (!member(L, o, "documents", false, &ok))
        return true;
    const cJSON *arr = get_array(L, o, "documents", false, 0, CATALOG_MAX_DOCUMENTS);
    if (!arr)
        return false;
    size_t old = path_push(L, "documents", 0);
    const cJSON *d;
    cJSON_ArrayForEach(d, arr)
    {
        size_t o2 = path_push(L, NULL, s->document_count);
        if (!parse_pair(L, d, 160, &s->documents[s->document_count]))
            return false;
        s->document_count++;
        path_pop(L, o2);
    }
    path_pop(L, old);
    return true;
}

static bool load_service(loader_t *L, const cJSON *o, catalog_service_t *s)
{
    static const char *const keys[] = {"id",     "category", "name",      "description",
                                       "fee",    "fee_note", "documents", "processing_days",
                                       "fields", NULL};
    if (!check_keys(L, o, keys) || !get_id(L, o, "id", s->id, sizeof s->id))
        return false;
    for (int i = 0; i < L->cat->service_count; i++)
        if (strcmp(L->cat->services[i].id, s->id) == 0)
            return fail(L, "service id \"%s\" is used twice", s->id);
    char cat[CATALOG_ID_MAX];
    if (!get_id(L, o, "category", cat, sizeof cat))
        return false;
    s->category = catalog_find_category(L->cat, cat);
    if (s->category < 0) {
        size_t old = path_push(L, "category", 0);
        fail(L, "no category has the id \"%s\"", cat);
        path_pop(L, old);
        return false;
    }
    long long days = 0;
    if (!get_pair(L, o, "name", true, 120, &s->name) ||
        !get_pair(L, o, "description", true, 600, &s->description) ||
        !get_int(L, o, "fee", true, 0, 1000000, &s->fee) ||
        !get_pair(L, o, "fee_note", false, 160, &s->fee_note) || !load_documents(L, o, s) ||
        !get_int(L, o, "processing_days", true, 0, 365, &days))
        return false;
    s->processing_days = (int)days;
    return load_fields(L, o, s);
}

static bool load_root(loader_t *L, const cJSON *root)
{
    static const char *const keys[] = {"version", "categories", "services", NULL};
    long long version = 0;
    if (!check_keys(L, root, keys) || !get_int(L, root, "version", true, 1, 1, &version))
        return false;
    const cJSON *cats = get_array(L, root, "categories", true, 1, CATALOG_MAX_CATEGORIES);
    if (!cats)
        return false;
    const cJSON *o;
    cJSON_ArrayForEach(o, cats)
    {
        size_t old = path_push(L, "categories", 0);
        path_push(L, NULL, L->cat->category_count);
        if (!load_category(L, o, &L->cat->categories[L->cat->category_count]))
            return false;
        L->cat->category_count++;
        path_pop(L, old);
    }
    const cJSON *svcs = get_array(L, root, "services", true, 1, CATALOG_MAX_SERVICES);
    if (!svcs)
        return false;
    cJSON_ArrayForEach(o, svcs)
    {
        size_t old = path_push(L, "services", 0);
        path_push(L, NULL, L->cat->service_count);
        if (!load_service(L, o, &L->cat->services[L->cat->service_count]))
            return false;
        L->cat->service_count++;
        path_pop(L, old);
    }
    /* A category nobody can use would be a dead tile on the screen. */
    for (int i = 0; i < L->cat->category_count; i++) {
        bool used = false;
        for (int j = 0; j < L->cat->service_count && !used; j++)
            used = L->cat->services[j].category == i;
        if (!used) {
            snprintf(L->path, sizeof L->path, "categories[%d]", i);
            return fail(L, "category \"%s\" has no services", L->cat->categories[i].id);
        }
    }
    return true;
}

static void syntax_error(loader_t *L, const char *json, size_t len, const char *at,
                         const char *what)
{
    size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : 0;
    int line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        if (json[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)json[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    snprintf(L->err, L->errcap, "%s:%d:%d: %s", L->file, line, col, what);
}

/* A zero byte, or \u0000 in a string: cJSON would keep it, and every C string made from that
 * text would end there, silently cutting a name short. NULL when there is none. */
static const char *find_nul(const char *json, size_t len)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        if (json[i] == '\0')
            return json + i;
        if (json[i] == '"')
            in_string = !in_string;
        else if (in_string && json[i] == '\\') {
            if (i + 5 < len && json[i + 1] == 'u' && memcmp(json + i + 2, "0000", 4) == 0)
                return json + i;
            i++; /* the escaped character */
        }
    }
    return NULL;
}

catalog_t *catalog_parse(const char *name, const char *json, size_t len,
                         catalog_icon_check_fn icon_ok, void *ctx, char *err, size_t errcap)
{
    loader_t L = {.file = name, .err = err, .errcap = errcap, .icon_ok = icon_ok, .icon_ctx = ctx};
    L.cat = calloc(1, sizeof *L.cat);
    if (!L.cat) {
        snprintf(err, errcap, "%s: out of memory", name);
        return NULL;
    }
    const char *end = NULL, *nul = find_nul(json, len);
    cJSON *root = nul ? NULL : cJSON_ParseWithLengthOpts(json, len, &end, 0);
    bool ok;
    if (nul) {
        syntax_error(&L, json, len, nul,
                     "a NUL character (\\u0000 or a zero byte) would cut the text short");
        ok = false;
    } else if (!root) {
        syntax_error(&L, json, len, end ? end : cJSON_GetErrorPtr(), "JSON syntax error");
        ok = false;
    } else {
        /* cJSON stops at the end of the first value; anything but space after it is an
         * error (two objects pasted into one file, say). */
        while (end && end < json + len &&
               (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t' || *end == '\0'))
            end++;
        if (end && end < json + len) {
            syntax_error(&L, json, len, end, "JSON syntax error");
            ok = false;
        } else {
            ok = load_root(&L, root);
        }
    }
    cJSON_Delete(root);
    if (!ok) {
        catalog_free(L.cat);
        return NULL;
    }
    return L.cat;
}

catalog_t *catalog_load(const char *path, catalog_icon_check_fn icon_ok, void *ctx, char *err,
                        size_t errcap)
{
    size_t n;
    char *buf = file_read(path, CATALOG_FILE_MAX, &n, err, errcap);
    catalog_t *c = buf ? catalog_parse(path, buf, n, icon_ok, ctx, err, errcap) : NULL;
    free(buf);
    return c;
}

void catalog_free(catalog_t *c)
{
    if (!c)
        return;
    while (c->arena) {
        struct catalog_arena *next = c->arena->next;
        free(c->arena);
        c->arena = next;
    }
    free(c);
}

int catalog_find_category(const catalog_t *c, const char *id)
{
    for (int i = 0; i < c->category_count; i++)
        if (strcmp(c->categories[i].id, id) == 0)
            return i;
    return -1;
}

int catalog_find_service(const catalog_t *c, const char *id)
{
    for (int i = 0; i < c->service_count; i++)
        if (strcmp(c->services[i].id, id) == 0)
            return i;
    return -1;
}

static void print_fields(const catalog_service_t *s, FILE *out)
{
    for (int i = 0; i < s->field_count; i++) {
        const catalog_field_t *f = &s->fields[i];
        fprintf(out, "%s%s:%s", i ? "," : "", f->id, type_names[f->type]);
        if (f->type != FIELD_CHOICE)
            continue;
        fputc('(', out);
        for (int j = 0; j < f->option_count; j++)
            fprintf(out, "%s%s", j ? "|" : "", f->options[j].value);
        fputc(')', out);
    }
}

void catalog_list_services(const catalog_t *c, FILE *out)
{
    for (int i = 0; i < c->service_count; i++) {
        const catalog_service_t *s = &c->services[i];
        fprintf(out, "%s\t%s\t", s->id, c->categories[s->category].id);
        print_fields(s, out);
        fprintf(out, "\t%s\t%s\n", s->name.s[LANG_BN], s->name.s[LANG_EN]);
    }
}
