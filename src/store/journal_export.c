/* store/journal_export.c - JSON Lines export and import, and retention. */
#include "store/journal_export.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "io/error.h"
#include "store/journal_private.h"
#include "text/locale.h"
#include "text/utf8.h"

#define IMPORT_MAX_FIELDS 8

void journal_iso_time(int64_t t, char out[32])
{
    locale_tm_t tm;
    locale_dhaka_time(t, &tm);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d+06:00", tm.year % 10000, tm.month, tm.day,
             tm.hour, tm.min, tm.sec);
}

int64_t journal_parse_time(const char *s)
{
    locale_tm_t tm = {0};
    char tz[8];
    int n = 0;
    if (!s ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%7s%n", &tm.year, &tm.month, &tm.day, &tm.hour, &tm.min,
               &tm.sec, tz, &n) != 7 ||
        s[n] != '\0' || strcmp(tz, "+06:00") != 0)
        return -1;
    if (tm.year < 2000 || tm.year > 9999 || tm.month < 1 || tm.month > 12 || tm.day < 1 ||
        tm.day > 31 || tm.hour > 23 || tm.min > 59 || tm.sec > 59)
        return -1;
    return locale_dhaka_unix(&tm);
}

static int fail(sqlite3 *db, const char *what, char *err, size_t cap)
{
    snprintf(err, cap, "journal: %s: %s", what, sqlite3_errmsg(db));
    return -1;
}

/* The fields of one request as a JSON object. */
static cJSON *fields_of(sqlite3 *db, int64_t id)
{
    sqlite3_stmt *st;
    cJSON *o = cJSON_CreateObject();
    if (sqlite3_prepare_v2(db, "SELECT field_id, value FROM request_fields WHERE request_id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return o;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddStringToObject(o, (const char *)sqlite3_column_text(st, 0),
                                (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    return o;
}

static void add_time(cJSON *o, const char *key, sqlite3_stmt *st, int col)
{
    char iso[32];
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    journal_iso_time(sqlite3_column_int64(st, col), iso);
    cJSON_AddStringToObject(o, key, iso);
}

static cJSON *row_json(sqlite3 *db, sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tracking", (const char *)sqlite3_column_text(st, 1));
    cJSON_AddStringToObject(o, "token", (const char *)sqlite3_column_text(st, 2));
    cJSON_AddStringToObject(o, "service", (const char *)sqlite3_column_text(st, 3));
    cJSON_AddStringToObject(o, "lang", (const char *)sqlite3_column_text(st, 4));
    add_time(o, "created", st, 5);
    add_time(o, "printed", st, 6);
    cJSON_AddStringToObject(o, "print_status", (const char *)sqlite3_column_text(st, 7));
    if (sqlite3_column_type(st, 8) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "print_error");
    else
        cJSON_AddStringToObject(o, "print_error", (const char *)sqlite3_column_text(st, 8));
    cJSON_AddBoolToObject(o, "erased", sqlite3_column_int(st, 9));
    cJSON_AddItemToObject(o, "fields", fields_of(db, sqlite3_column_int64(st, 0)));
    return o;
}

long journal_export(journal_t *j, int64_t since, FILE *out, char *err, size_t errcap)
{
    sqlite3 *db = journal_db(j);
    sqlite3_stmt *st;
    const char *sql = "SELECT id, tracking_id, token, service_id, lang, created_at, printed_at, "
                      "print_status, print_error, fields_erased FROM requests "
                      "WHERE created_at >= ? ORDER BY id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(db, "export", err, errcap);
    sqlite3_bind_int64(st, 1, since);
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = row_json(db, st);
        char *line = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!line || fprintf(out, "%s\n", line) < 0) {
            free(line);
            sqlite3_finalize(st);
            snprintf(err, errcap, "export: cannot write");
            return -1;
        }
        free(line);
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "export", err, errcap);
    return fflush(out) == 0 ? n : (snprintf(err, errcap, "export: cannot write"), -1);
}

/* ---- import ---- */

typedef struct {
    const char *name;
    int line;
    char *err;
    size_t errcap;
} where_t;

__attribute__((format(printf, 3, 4))) static int bad(where_t *w, const char *field, const char *fmt,
                                                     ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    error_vset(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(w->err, w->errcap, "%s:%d: %s: %s", w->name, w->line, field, msg);
    return -1;
}

/* A string member made of allowed characters, 1..max bytes. */
static const char *str_member(where_t *w, const cJSON *o, const char *key, const char *allowed,
                              size_t max)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > max)
        return bad(w, key, "expected a string of 1 to %zu bytes", max), NULL;
    if (allowed && strspn(v->valuestring, allowed) != strlen(v->valuestring))
        return bad(w, key, "unexpected character in \"%.40s\"", v->valuestring), NULL;
    return v->valuestring;
}

#define ID_CHARS    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
#define LOWER_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

typedef struct {
    const char *tracking, *token, *service, *lang, *status, *error;
    int64_t created, printed;
    bool erased;
    char prefix;
    int number, seq;
    const cJSON *fields;
} row_t;

static int parse_times(where_t *w, const cJSON *o, row_t *r)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "created");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "printed");
    r->created = cJSON_IsString(c) ? journal_parse_time(c->valuestring) : -1;
    if (r->created < 0)
        return bad(w, "created", "expected a time like 2026-11-29T10:30:00+06:00");
    r->printed = -1;
    if (p && !cJSON_IsNull(p) &&
        (!cJSON_IsString(p) || (r->printed = journal_parse_time(p->valuestring)) < 0))
        return bad(w, "printed", "expected null or a time like 2026-11-29T10:30:00+06:00");
    return 0;
}

/* A token is one capital letter, '-' and 1 to 5 digits ("A-042"); nothing else. */
static bool parse_token(const char *t, char *prefix, int *number)
{
    if (t[0] < 'A' || t[0] > 'Z' || t[1] != '-')
        return false;
    size_t digits = strspn(t + 2, "0123456789");
    if (digits < 1 || digits > 5 || t[2 + digits] != '\0')
        return false;
    *prefix = t[0];
    *number = (int)strtol(t + 2, NULL, 10);
    return *number >= 1;
}

static int parse_ids(where_t *w, row_t *r)
{
    if (!parse_token(r->token, &r->prefix, &r->number))
        return bad(w, "token", "expected a letter, '-' and a number, like A-042");
    const char *dash = strrchr(r->tracking, '-');
    char *end;
    long seq = dash ? strtol(dash + 1, &end, 10) : 0;
    if (!dash || *end || seq < 1 || seq > 9999999)
        return bad(w, "tracking", "expected an id ending in -NNNN");
    r->seq = (int)seq;
    return 0;
}

static int parse_fields(where_t *w, const cJSON *o, row_t *r)
{
    r->fields = cJSON_GetObjectItemCaseSensitive(o, "fields");
    if (!cJSON_IsObject(r->fields))
        return bad(w, "fields", "expected an object");
    int n = 0;
    for (const cJSON *f = r->fields->child; f; f = f->next, n++) {
        if (n >= IMPORT_MAX_FIELDS)
            return bad(w, "fields", "more than %d fields", IMPORT_MAX_FIELDS);
        if (!f->string[0] || strlen(f->string) > 31 ||
            strspn(f->string, LOWER_CHARS) != strlen(f->string))
            return bad(w, "fields", "bad field id \"%.40s\"", f->string);
        if (!cJSON_IsString(f) || strlen(f->valuestring) > 511 ||
            !utf8_valid(f->valuestring, strlen(f->valuestring), NULL))
            return bad(w, "fields", "%s: expected a UTF-8 string of at most 511 bytes", f->string);
    }
    return 0;
}

static int parse_row(where_t *w, const cJSON *o, row_t *r)
{
    static const char *const statuses[] = {"pending",  "printed",   "reprinted",  "not-found",
                                           "offline",  "paper-out", "cover-open", "printer-error",
                                           "io-error", "timeout",   "unknown",    "queued"};
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(o))
        return bad(w, "(line)", "expected a JSON object");
    if (!(r->tracking = str_member(w, o, "tracking", ID_CHARS, 95)) ||
        !(r->token = str_member(w, o, "token", ID_CHARS, 15)) ||
        !(r->service = str_member(w, o, "service", LOWER_CHARS, 31)) ||
        !(r->lang = str_member(w, o, "lang", NULL, 2)) ||
        !(r->status = str_member(w, o, "print_status", LOWER_CHARS "-", 31)))
        return -1;
    if (lang_from_code(r->lang) < 0)
        return bad(w, "lang", "expected \"bn\" or \"en\"");
    bool known = false;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0] && !known; i++)
        known = strcmp(r->status, statuses[i]) == 0;
    if (!known)
        return bad(w, "print_status", "unknown status \"%.40s\"", r->status);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "print_error");
    r->error = cJSON_IsString(e) ? e->valuestring : NULL;
    r->erased = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "erased"));
    return parse_times(w, o, r) < 0 || parse_ids(w, r) < 0 ? -1 : parse_fields(w, o, r);
}

static bool exists(sqlite3 *db, const char *tracking)
{
    sqlite3_stmt *st;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM requests WHERE tracking_id = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, tracking, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

/* Move a token sequence past number so new requests never reuse it. */
static int bump(sqlite3 *db, const char *day, const char *key, int number)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO token_seq(day, prefix, last) VALUES(?1, ?2, ?3) "
                      "ON CONFLICT(day, prefix) DO UPDATE SET last = MAX(last, ?3)";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, number);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

static int insert_row(sqlite3 *db, const row_t *r)
{
    char day[16], prefix[2] = {r->prefix, '\0'};
    locale_tm_t tm;
    locale_dhaka_time(r->created, &tm);
    snprintf(day, sizeof day, "%04d-%02d-%02d", tm.year % 10000, tm.month, tm.day);
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO requests(tracking_id, token, day, prefix, number, service_id, "
                      "lang, created_at, print_status, printed_at, print_error, fields_erased) "
                      "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, r->tracking, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, r->number);
    sqlite3_bind_text(st, 6, r->service, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, r->lang, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, r->created);
    sqlite3_bind_text(st, 9, r->status, -1, SQLITE_STATIC);
    if (r->printed >= 0)
        sqlite3_bind_int64(st, 10, r->printed);
    if (r->error)
        sqlite3_bind_text(st, 11, r->error, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, r->erased);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    int64_t id = sqlite3_last_insert_rowid(db); /* before bump() inserts rows of its own */
    if (rc < 0 || bump(db, day, prefix, r->number) < 0 || bump(db, day, "*", r->seq) < 0)
        return -1;
    if (sqlite3_prepare_v2(db, "INSERT INTO request_fields VALUES(?,?,?)", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    for (const cJSON *f = r->fields->child; f && rc == 0; f = f->next) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, f->string, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->valuestring, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One line: parsed, then added unless its tracking id is already there. */
static int import_line(sqlite3 *db, where_t *w, const char *p, size_t n, long *added, long *skipped)
{
    cJSON *o = cJSON_ParseWithLength(p, n);
    row_t r;
    int rc = o ? parse_row(w, o, &r) : bad(w, "(line)", "JSON syntax error");
    if (rc == 0 && exists(db, r.tracking)) {
        (*skipped)++;
    } else if (rc == 0) {
        rc = insert_row(db, &r);
        if (rc < 0)
            bad(w, "(line)", "cannot add: %s", sqlite3_errmsg(db));
        else
            (*added)++;
    }
    cJSON_Delete(o);
    return rc;
}

int journal_import(journal_t *j, const char *name, const char *text, size_t len, long *added,
                   long *skipped, char *err, size_t errcap)
{
    sqlite3 *db = journal_db(j);
    where_t w = {.name = name, .err = err, .errcap = errcap};
    *added = *skipped = 0;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "import", err, errcap);
    const char *p = text, *end = text + len;
    int rc = 0;
    while (p < end && rc == 0) {
        w.line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0 && !(n == 1 && p[0] == '\r'))
            rc = import_line(db, &w, p, n, added, skipped);
        p = nl ? nl + 1 : end;
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    *added = 0;
    return -1;
}

long journal_erase_older(journal_t *j, int64_t now, int days, char *err, size_t errcap)
{
    sqlite3 *db = journal_db(j);
    int64_t before = now - (int64_t)days * 86400;
    sqlite3_stmt *st;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "retention", err, errcap);
    const char *del = "DELETE FROM request_fields WHERE request_id IN "
                      "(SELECT id FROM requests WHERE created_at < ?1 AND fields_erased = 0)";
    const char *mark = "UPDATE requests SET fields_erased = 1 WHERE created_at < ?1 AND "
                       "fields_erased = 0";
    long n = -1;
    if (sqlite3_prepare_v2(db, del, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, before);
        bool ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
        if (ok && sqlite3_prepare_v2(db, mark, -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, before);
            n = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(db) : -1;
            sqlite3_finalize(st);
        }
    }
    if (n >= 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return n;
    fail(db, "retention", err, errcap);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}
