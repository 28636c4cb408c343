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
    /* A date that does not exist (2026-02-31) would roll over into another day: converting
     * back must give the same date. */
    int64_t t = locale_dhaka_unix(&tm);
    locale_tm_t back;
    locale_dhaka_time(t, &back);
    return back.year == tm.year && back.month == tm.month && back.day == tm.day ? t : -1;
}

static int fail(sqlite3 *db, const char *what, char *err, size_t cap)
{
    snprintf(err, cap, "journal: %s: %s", what, sqlite3_errmsg(db));
    return -1;
}

typedef struct {
    journal_field_filter_t fn;
    void *ctx;
} filter_t;

/* The fields of one request as a JSON object (through the filter when there is one). */
static cJSON *fields_of(sqlite3 *db, int64_t id, const char *service, const filter_t *f)
{
    sqlite3_stmt *st;
    char shown[512];
    cJSON *o = cJSON_CreateObject();
    if (sqlite3_prepare_v2(db, "SELECT field_id, value FROM request_fields WHERE request_id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return o;
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *field = (const char *)sqlite3_column_text(st, 0);
        const char *value = (const char *)sqlite3_column_text(st, 1);
        if (!f->fn)
            cJSON_AddStringToObject(o, field, value);
        else if (f->fn(f->ctx, service, field, value, shown, sizeof shown))
            cJSON_AddStringToObject(o, field, shown);
    }
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

static cJSON *row_json(sqlite3 *db, sqlite3_stmt *st, const filter_t *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tracking", (const char *)sqlite3_column_text(st, 1));
    cJSON_AddStringToObject(o, "token", (const char *)sqlite3_column_text(st, 2));
    /* The daily number apart from the token: with a token band, B-2012 is number 12. */
    cJSON_AddNumberToObject(o, "number", sqlite3_column_int(st, 10));
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
    if (sqlite3_column_type(st, 11) == SQLITE_NULL)
        cJSON_AddNullToObject(o, "priority");
    else
        cJSON_AddStringToObject(o, "priority", (const char *)sqlite3_column_text(st, 11));
    cJSON_AddItemToObject(
        o, "fields",
        fields_of(db, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 3), f));
    return o;
}

long journal_export(journal_t *j, int64_t since, FILE *out, char *err, size_t errcap)
{
    return journal_export_filtered(j, since, NULL, NULL, out, err, errcap);
}

long journal_export_filtered(journal_t *j, int64_t since, journal_field_filter_t filter, void *ctx,
                             FILE *out, char *err, size_t errcap)
{
    filter_t f = {filter, ctx};
    sqlite3 *db = journal_db(j);
    sqlite3_stmt *st;
    const char *sql = "SELECT id, tracking_id, token, service_id, lang, created_at, printed_at, "
                      "print_status, print_error, fields_erased, number, priority "
                      "FROM requests "
                      "WHERE created_at >= ? ORDER BY id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(db, "export", err, errcap);
    sqlite3_bind_int64(st, 1, since);
    long n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = row_json(db, st, &f);
        if (filter) /* so that nobody imports "******7890" as an NID */
            cJSON_AddBoolToObject(o, "masked", true);
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

/* A request's line is about 5 KB at most (8 fields of 511 bytes); anything near this is not
 * one, and is refused before it is parsed. */
#define IMPORT_MAX_LINE  (1024 * 1024)
#define IMPORT_MAX_ERROR 1024 /* print_error: the kiosk's own details are under 800 bytes */

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

/* Text a person could have typed or a printer reported: valid UTF-8, no control characters
 * (a NUL would cut it short). */
static int check_text(where_t *w, const char *field, const char *s, size_t max)
{
    size_t n = strlen(s), at;
    if (n > max)
        return bad(w, field, "%zu bytes, at most %zu", n, max);
    if (!utf8_valid(s, n, &at))
        return bad(w, field, "invalid UTF-8 at byte %zu", at);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return bad(w, field, "a control character (0x%02x) at byte %zu", s[i], i);
    return 0;
}

/* A string member made of allowed characters, 1..max bytes. */
static const char *str_member(where_t *w, const cJSON *o, const char *key, const char *allowed,
                              size_t max)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return bad(w, key, "missing"), NULL;
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > max)
        return bad(w, key, "expected a string of 1 to %zu bytes", max), NULL;
    if (allowed && strspn(v->valuestring, allowed) != strlen(v->valuestring))
        return bad(w, key, "unexpected character in \"%.40s\"",
                   utf8_valid(v->valuestring, strlen(v->valuestring), NULL) ? v->valuestring
                                                                            : "(not UTF-8)"),
               NULL;
    return v->valuestring;
}

#define ID_CHARS    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
#define LOWER_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

typedef struct {
    const char *tracking, *token, *service, *lang, *status, *error, *priority;
    int64_t created, printed;
    bool erased;
    char prefix, day[16];
    int number, seq;
    const cJSON *fields;
} row_t;

/* Every member a line may have; each at most once, and no other. */
static int check_keys(where_t *w, const cJSON *o)
{
    static const char *const keys[] = {
        "tracking",     "token",       "number", "service",  "lang",   "created", "printed",
        "print_status", "print_error", "erased", "priority", "masked", "fields"};
    int seen[sizeof keys / sizeof keys[0]] = {0};
    for (const cJSON *m = o->child; m; m = m->next) {
        size_t i = 0;
        while (i < sizeof keys / sizeof keys[0] && strcmp(m->string, keys[i]) != 0)
            i++;
        if (i == sizeof keys / sizeof keys[0])
            return bad(w, utf8_valid(m->string, strlen(m->string), NULL) ? m->string : "(key)",
                       "unknown key (expected tracking, token, number, service, lang, created, "
                       "printed, print_status, print_error, erased, priority, masked, fields)");
        if (seen[i]++)
            return bad(w, keys[i], "given twice");
    }
    return 0;
}

static int parse_times(where_t *w, const cJSON *o, row_t *r)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "created");
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "printed");
    r->created = cJSON_IsString(c) ? journal_parse_time(c->valuestring) : -1;
    if (r->created < 0)
        return bad(w, "created", "expected a date and time like 2026-11-29T10:30:00+06:00");
    r->printed = -1;
    if (p && !cJSON_IsNull(p) &&
        (!cJSON_IsString(p) || (r->printed = journal_parse_time(p->valuestring)) < 0))
        return bad(w, "printed",
                   "expected null or a date and time like "
                   "2026-11-29T10:30:00+06:00");
    if (r->printed >= 0 && r->printed < r->created)
        return bad(w, "printed", "before the request was created");
    locale_tm_t tm;
    locale_dhaka_time(r->created, &tm);
    snprintf(r->day, sizeof r->day, "%04d-%02d-%02d", tm.year % 10000, tm.month, tm.day);
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

/* "<centre>-<terminal>-<YYYYMMDD>-<seq>": its date must be the day the request was created,
 * since the tracking sequence counts per day (a mismatch made every later confirm of that
 * day fail with a UNIQUE constraint). */
static int parse_ids(where_t *w, const cJSON *o, row_t *r)
{
    if (!parse_token(r->token, &r->prefix, &r->number))
        return bad(w, "token", "expected a letter, '-' and a number, like A-042");
    /* Exports since token bands carry the number (B-2012 is 12); older ones only the token. */
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(o, "number");
    if (num && (!cJSON_IsNumber(num) || num->valuedouble < 1 || num->valuedouble > 99999 ||
                num->valuedouble != (int)num->valuedouble))
        return bad(w, "number", "expected a whole number from 1 to 99999");
    if (num)
        r->number = (int)num->valuedouble;
    size_t n = strlen(r->tracking);
    const char *dash = strrchr(r->tracking, '-');
    size_t digits = dash ? n - (size_t)(dash + 1 - r->tracking) : 0;
    if (!dash || digits < 4 || digits > 7 || strspn(dash + 1, "0123456789") != digits ||
        dash - r->tracking < 11 || dash[-9] != '-' || strspn(dash - 8, "0123456789") < 8)
        return bad(w, "tracking", "expected CENTRE-TERMINAL-YYYYMMDD-NNNN, not \"%.40s\"",
                   r->tracking);
    r->seq = (int)strtol(dash + 1, NULL, 10);
    char date[9];
    snprintf(date, sizeof date, "%.4s%.2s%.2s", r->day, r->day + 5, r->day + 8);
    if (r->seq < 1)
        return bad(w, "tracking", "sequence number 0");
    if (memcmp(dash - 8, date, 8) != 0)
        return bad(w, "tracking", "dated %.8s, but created on %s", dash - 8, r->day);
    return 0;
}

static int parse_fields(where_t *w, const cJSON *o, row_t *r)
{
    r->fields = cJSON_GetObjectItemCaseSensitive(o, "fields");
    if (!cJSON_IsObject(r->fields))
        return bad(w, "fields", "expected an object");
    int n = 0;
    for (const cJSON *f = r->fields->child; f; f = f->next, n++) {
        char where[64];
        if (n >= IMPORT_MAX_FIELDS)
            return bad(w, "fields", "more than %d fields", IMPORT_MAX_FIELDS);
        if (!f->string[0] || strlen(f->string) > 31 ||
            strspn(f->string, LOWER_CHARS) != strlen(f->string))
            return bad(w, "fields", "bad field id \"%.40s\"",
                       utf8_valid(f->string, strlen(f->string), NULL) ? f->string : "(not UTF-8)");
        for (const cJSON *g = r->fields->child; g != f; g = g->next)
            if (strcmp(g->string, f->string) == 0)
                return bad(w, "fields", "%s: given twice", f->string);
        snprintf(where, sizeof where, "fields: %s", f->string);
        if (!cJSON_IsString(f))
            return bad(w, where, "expected a string");
        if (check_text(w, where, f->valuestring, 511) < 0)
            return -1;
    }
    return 0;
}

static int parse_row(where_t *w, const cJSON *o, const journal_import_check_t *check, row_t *r)
{
    /* "unknown" and "queued" are print outcomes of kiosks that tell them apart. */
    static const char *const statuses[] = {"pending",  "printed",   "reprinted",  "not-found",
                                           "offline",  "paper-out", "cover-open", "printer-error",
                                           "io-error", "timeout",   "unknown",    "queued"};
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(o))
        return bad(w, "(line)", "expected a JSON object");
    if (check_keys(w, o) < 0)
        return -1;
    if (!(r->tracking = str_member(w, o, "tracking", ID_CHARS, 95)) ||
        !(r->token = str_member(w, o, "token", ID_CHARS, 15)) ||
        !(r->service = str_member(w, o, "service", LOWER_CHARS, 31)) ||
        !(r->lang = str_member(w, o, "lang", NULL, 2)) ||
        !(r->status = str_member(w, o, "print_status", LOWER_CHARS "-", 31)))
        return -1;
    if (lang_from_code(r->lang) < 0)
        return bad(w, "lang", "expected \"bn\" or \"en\"");
    if (check && check->service_known && !check->service_known(r->service, check->ctx))
        return bad(w, "service", "\"%s\" is not a service of the catalog in use", r->service);
    bool known = false;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0] && !known; i++)
        known = strcmp(r->status, statuses[i]) == 0;
    if (!known)
        return bad(w, "print_status", "unknown status \"%.40s\"", r->status);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "print_error");
    if (e && !cJSON_IsNull(e) && !cJSON_IsString(e))
        return bad(w, "print_error", "expected null or a string");
    r->error = cJSON_IsString(e) ? e->valuestring : NULL;
    if (r->error && check_text(w, "print_error", r->error, IMPORT_MAX_ERROR) < 0)
        return -1;
    const cJSON *er = cJSON_GetObjectItemCaseSensitive(o, "erased");
    if (er && !cJSON_IsBool(er))
        return bad(w, "erased", "expected true or false");
    r->erased = cJSON_IsTrue(er);
    const cJSON *pr = cJSON_GetObjectItemCaseSensitive(o, "priority");
    r->priority = cJSON_IsString(pr) ? pr->valuestring : NULL;
    if ((pr && !cJSON_IsNull(pr) && !r->priority) ||
        (r->priority && strcmp(r->priority, "elderly") != 0 &&
         strcmp(r->priority, "disability") != 0 && strcmp(r->priority, "pregnancy") != 0 &&
         strcmp(r->priority, "child") != 0))
        return bad(w, "priority", "expected null, elderly, disability, pregnancy or child");
    return parse_times(w, o, r) < 0 || parse_ids(w, o, r) < 0 ? -1 : parse_fields(w, o, r);
}

/* cJSON turns \u0000 into a NUL that silently ends the string; find one in the raw line
 * first, with the member (and field) it is in. */
static bool escaped_nul(const char *p, size_t n, char *where, size_t cap)
{
    char key[2][40] = {"", ""}, last[40] = "";
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '{' || p[i] == '[')
            depth++;
        else if (p[i] == '}' || p[i] == ']')
            depth--;
        else if (p[i] == ':' && (depth == 1 || depth == 2))
            snprintf(key[depth - 1], sizeof key[0], "%s", last); /* the string before it */
        if (p[i] != '"')
            continue;
        size_t start = ++i;
        for (; i < n && p[i] != '"'; i++) {
            if (p[i] != '\\')
                continue;
            if (i + 5 < n && p[i + 1] == 'u' && memcmp(p + i + 2, "0000", 4) == 0) {
                if (depth == 2)
                    snprintf(where, cap, "%s: %s", key[0], key[1]);
                else
                    snprintf(where, cap, "%s", depth == 1 && key[0][0] ? key[0] : "(line)");
                return true;
            }
            i++; /* the escaped character */
        }
        size_t len = i - start < sizeof last - 1 ? i - start : sizeof last - 1;
        snprintf(last, sizeof last, "%.*s", (int)len, p + start);
    }
    return false;
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

/* The request that holds a (day, prefix, number) already, into holder; false when none. */
static bool token_taken(sqlite3 *db, const row_t *r, char *holder, size_t cap)
{
    sqlite3_stmt *st;
    bool taken = false;
    char prefix[2] = {r->prefix, '\0'};
    if (sqlite3_prepare_v2(db,
                           "SELECT tracking_id FROM requests WHERE day = ? AND prefix = ? AND "
                           "number = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, r->day, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, prefix, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->number);
        if ((taken = sqlite3_step(st) == SQLITE_ROW))
            snprintf(holder, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return taken;
}

static int insert_row(sqlite3 *db, const row_t *r)
{
    char prefix[2] = {r->prefix, '\0'};
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO requests(tracking_id, token, day, prefix, number, service_id, "
                      "lang, created_at, print_status, printed_at, print_error, fields_erased, "
                      "priority) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, r->tracking, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->token, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->day, -1, SQLITE_STATIC);
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
    if (r->priority)
        sqlite3_bind_text(st, 13, r->priority, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    int64_t id = sqlite3_last_insert_rowid(db); /* before the bumps insert rows of their own */
    if (rc < 0 || journal_seal_request(db, id) < 0 ||
        journal_bump_seq(db, r->day, prefix, r->number) < 0 ||
        journal_bump_seq(db, r->day, "*", r->seq) < 0)
        return -1;
    if (r->erased) /* erased where it came from: what citizens typed stays erased here */
        return 0;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO request_fields(request_id, field_id, value, crc) "
                           "VALUES(?1, ?2, ?3, journal_crc(?1, ?2, ?3))",
                           -1, &st, NULL) != SQLITE_OK)
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

/* The line as JSON: NULL (after bad()) when it is not one object and nothing else. */
static cJSON *parse_line(where_t *w, const char *p, size_t n)
{
    char where[96];
    if (n > IMPORT_MAX_LINE)
        return bad(w, "(line)", "%zu bytes: longer than any request (%d at most)", n,
                   IMPORT_MAX_LINE),
               NULL;
    const char *zero = memchr(p, '\0', n);
    if (zero)
        return bad(w, "(line)", "a zero byte at byte %zu", (size_t)(zero - p)), NULL;
    if (escaped_nul(p, n, where, sizeof where))
        return bad(w, where, "a NUL character (\\u0000)"), NULL;
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(p, n, &end, false);
    if (!o) {
        size_t at = end && end >= p && end <= p + n ? (size_t)(end - p) : 0;
        return bad(w, "(line)", "JSON syntax error at byte %zu", at), NULL;
    }
    while (end < p + n && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    if (end != p + n) {
        cJSON_Delete(o);
        return bad(w, "(line)", "more after the object, at byte %zu", (size_t)(end - p)), NULL;
    }
    return o;
}

/* One line: parsed, then added unless its tracking id is already there. */
static int import_line(sqlite3 *db, where_t *w, const char *p, size_t n,
                       const journal_import_check_t *check, long *added, long *skipped)
{
    cJSON *o = parse_line(w, p, n);
    row_t r;
    char holder[100];
    int rc = o ? parse_row(w, o, check, &r) : -1;
    if (rc == 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "masked")))
        rc = bad(w, "masked", "this export hides identifiers: it cannot restore a journal");
    if (rc == 0 && exists(db, r.tracking)) {
        (*skipped)++;
    } else if (rc == 0 && token_taken(db, &r, holder, sizeof holder)) {
        rc = bad(w, "token", "%s of %s is request %s's already", r.token, r.day, holder);
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

int journal_import_checked(journal_t *j, const char *name, const char *text, size_t len,
                           const journal_import_check_t *check, long *added, long *skipped,
                           char *err, size_t errcap)
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
            rc = import_line(db, &w, p, n, check, added, skipped);
        p = nl ? nl + 1 : end;
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    if (rc == 0)
        fail(db, "import", err, errcap);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    *added = 0;
    return -1;
}

int journal_import(journal_t *j, const char *name, const char *text, size_t len, long *added,
                   long *skipped, char *err, size_t errcap)
{
    return journal_import_checked(j, name, text, len, NULL, added, skipped, err, errcap);
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
    if (n < 0 || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, "retention", err, errcap);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    /* secure_delete overwrote the text in the database's pages, but the WAL still holds the
     * pages as they were before, and would hold them after a kill: copy everything into the
     * database and cut the WAL to nothing. Run every time, so one that could not finish
     * (another kiosk reading) is finished the next time. */
    int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errcap,
                 "retention: %ld requests erased, but the journal's log still holds their "
                 "text (%s); trying again at the next retention",
                 n, sqlite3_errmsg(db));
        return -1;
    }
    return n;
}
