/* register/event.c - checking what terminals publish, before anything is stored. */
#define _POSIX_C_SOURCE 200809L
#include "register/event.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/journal_export.h"
#include "text/utf8.h"

#define B64       sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define B64_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

const char *register_reason_name(register_reason_t r)
{
    static const char *const names[REG_REASON_COUNT] = {"ok",
                                                        "oversized",
                                                        "malformed",
                                                        "bad_signature",
                                                        "unknown_terminal",
                                                        "topic_mismatch",
                                                        "bad_receipt",
                                                        "store_refused"};
    return r >= 0 && r < REG_REASON_COUNT ? names[r] : "?";
}

static bool only(const char *s, const char *allowed, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, allowed) == n;
}

bool register_valid_id(const char *s)
{
    return only(s, REG_IDS, 1, 31);
}

static register_reason_t refuse(register_reason_t r, char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
    return r;
}

/* The next topic level into out (at most cap - 1 bytes); the rest after it, or NULL. */
static const char *level(const char *s, char *out, size_t cap)
{
    size_t n = strcspn(s, "/");
    if (n >= cap)
        return NULL;
    memcpy(out, s, n);
    out[n] = '\0';
    return s[n] == '/' ? s + n + 1 : s + n;
}

register_topic_t register_topic_parse(const char *prefix, const char *topic,
                                      char centre[REG_ID_MAX], char terminal[REG_ID_MAX])
{
    char a[REG_ID_MAX], b[REG_ID_MAX], c[16];
    size_t pl = strlen(prefix);
    if (strncmp(topic, prefix, pl) != 0 || topic[pl] != '/')
        return REG_TOPIC_OTHER;
    const char *rest = level(topic + pl + 1, a, sizeof a);
    if (!rest)
        return REG_TOPIC_OTHER;
    if (strcmp(a, "registers") == 0) {
        const char *end = level(rest, b, sizeof b);
        if (!end || *end || !only(b, REG_IDS "._", 1, REG_ID_MAX - 1))
            return REG_TOPIC_OTHER;
        if (terminal)
            snprintf(terminal, REG_ID_MAX, "%s", b);
        return REG_TOPIC_REGISTER;
    }
    if (!(rest = level(rest, b, sizeof b)) || !(rest = level(rest, c, sizeof c)) || *rest ||
        topic[strlen(topic) - 1] == '/')
        return REG_TOPIC_OTHER;
    register_topic_t t = strcmp(c, "event") == 0    ? REG_TOPIC_EVENT
                         : strcmp(c, "status") == 0 ? REG_TOPIC_STATUS
                                                    : REG_TOPIC_OTHER;
    if (t != REG_TOPIC_OTHER && centre)
        snprintf(centre, REG_ID_MAX, "%s", a);
    if (t != REG_TOPIC_OTHER && terminal)
        snprintf(terminal, REG_ID_MAX, "%s", b);
    return t;
}

int register_key_load(const char *keys_dir, const char *name, uint8_t key[SIGNING_PUBLIC_BYTES],
                      char *why, size_t whycap)
{
    char path[1200], text[128];
    if (!only(name, REG_IDS, 1, 80)) /* it becomes a file name: no '/' or ".." */
        return 0;
    snprintf(path, sizeof path, "%s/%s.pub", keys_dir, name);
    /* A small regular file only: a FIFO or a device under KEYS must not hang the stream. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size >= (off_t)sizeof text) {
        snprintf(why, whycap, "%s: not a key file (%s)", path,
                 fd < 0 ? strerror(errno) : "a small regular file is expected");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    text[strcspn(text, "\r\n")] = '\0';
    if (!signing_public_from_text(text, key)) {
        snprintf(why, whycap, "%s: not a public key (one base64url line of 32 bytes)", path);
        return -1;
    }
    return 1;
}

bool register_signature_ok(const uint8_t key[SIGNING_PUBLIC_BYTES], const void *payload, size_t len,
                           const char *sig)
{
    uint8_t bin[crypto_sign_BYTES];
    size_t n = 0;
    const char *end;
    return sig && sodium_init() >= 0 &&
           sodium_base642bin(bin, sizeof bin, sig, strlen(sig), NULL, &n, &end, B64) == 0 &&
           n == sizeof bin && *end == '\0' &&
           crypto_sign_verify_detached(bin, payload, len, key) == 0;
}

bool register_tracking_owner(const char *tracking, char *owner, size_t cap)
{
    /* <owner>-YYYYMMDD-N: the last two parts are the date and the sequence. */
    size_t n = strlen(tracking);
    const char *seq = strrchr(tracking, '-');
    if (!only(tracking, REG_IDS, 1, REG_TRACKING_MAX - 1) || !seq || seq - tracking < 11)
        return false;
    size_t digits = n - (size_t)(seq + 1 - tracking);
    const char *date = seq - 8;
    if (digits < 1 || digits > 9 || strspn(seq + 1, "0123456789") != digits || date[-1] != '-' ||
        strspn(date, "0123456789") != 8)
        return false;
    size_t on = (size_t)(date - 1 - tracking);
    if (on == 0 || on >= cap)
        return false;
    memcpy(owner, tracking, on);
    owner[on] = '\0';
    return true;
}

/* ---- JSON members ---- */

typedef struct {
    const cJSON *o;
    char *why;
    size_t cap;
} obj_t;

/* A string member of allowed characters (NULL: any UTF-8), min..max bytes; NULL when it is
 * absent or wrong (why says which). */
static const char *str(obj_t *j, const char *key, const char *allowed, size_t min, size_t max)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j->o, key);
    if (!cJSON_IsString(v)) {
        snprintf(j->why, j->cap, "\"%s\": expected a string", key);
        return NULL;
    }
    size_t n = strlen(v->valuestring);
    if (n < min || n > max || (allowed && strspn(v->valuestring, allowed) != n)) {
        snprintf(j->why, j->cap, "\"%s\": unexpected value \"%.40s\"", key, v->valuestring);
        return NULL;
    }
    return v->valuestring;
}

/* The same for a member that may be absent or null: *out is NULL then. */
static bool opt_str(obj_t *j, const char *key, const char *allowed, size_t max, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j->o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    return (*out = str(j, key, allowed, 0, max)) != NULL;
}

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* UTF-8, JSON, one object with "v": 1. */
static cJSON *parse_object(const void *payload, size_t len, char *why, size_t cap)
{
    size_t bad;
    if (!utf8_valid(payload, len, &bad)) {
        snprintf(why, cap, "not UTF-8 (byte %zu)", bad);
        return NULL;
    }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(payload, len, &end, false);
    if (o && end)
        end += strspn(end, " \t\r\n");
    if (!o || end != (const char *)payload + len || !cJSON_IsObject(o)) {
        snprintf(why, cap, "not one JSON object");
        cJSON_Delete(o);
        return NULL;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "v");
    if (!cJSON_IsNumber(v) || v->valuedouble != 1) {
        snprintf(why, cap, "\"v\": expected 1");
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static register_reason_t check_ids(obj_t *j, register_event_t *ev)
{
    const char *centre, *terminal, *slash;
    char owner[2 * REG_ID_MAX + 2], *end;
    if (!(ev->event_id = str(j, "event", REG_IDS "/", 3, REG_EVENT_ID_MAX - 1)) ||
        !(ev->tracking = str(j, "tracking", REG_IDS, 1, REG_TRACKING_MAX - 1)) ||
        !(centre = str(j, "centre", REG_IDS, 1, 31)) ||
        !(terminal = str(j, "terminal", REG_IDS, 1, 31)))
        return REG_MALFORMED;
    slash = strchr(ev->event_id, '/');
    size_t tn = strlen(ev->tracking);
    if (!slash || (size_t)(slash - ev->event_id) != tn ||
        strncmp(ev->event_id, ev->tracking, tn) != 0 || !only(slash + 1, "0123456789", 1, 18) ||
        (ev->seq = strtoll(slash + 1, &end, 10)) < 1)
        return refuse(REG_MALFORMED, j->why, j->cap,
                      "\"event\": expected <tracking>/<outbox row id>, got \"%.60s\"",
                      ev->event_id);
    if (!register_tracking_owner(ev->tracking, owner, sizeof owner))
        return refuse(REG_MALFORMED, j->why, j->cap,
                      "\"tracking\": expected <centre>-<terminal>-YYYYMMDD-N, got \"%.60s\"",
                      ev->tracking);
    if (strcmp(centre, ev->centre) != 0 || strcmp(terminal, ev->terminal) != 0)
        return refuse(REG_TOPIC_MISMATCH, j->why, j->cap, "payload says %s/%s, the topic %s/%s",
                      centre, terminal, ev->centre, ev->terminal);
    char want[2 * REG_ID_MAX + 2];
    snprintf(want, sizeof want, "%s-%s", centre, terminal);
    if (strcmp(owner, want) != 0)
        return refuse(REG_TOPIC_MISMATCH, j->why, j->cap,
                      "tracking id %.60s does not belong to terminal %s", ev->tracking, want);
    return REG_OK;
}

static register_reason_t check_request(obj_t *j, const uint8_t key[SIGNING_PUBLIC_BYTES],
                                       register_event_t *ev)
{
    static const char *const langs[] = {"bn", "en", NULL};
    static const char *const priorities[] = {"elderly", "disability", "pregnancy", "child", NULL};
    char tr[128], tk[128], sv[128];
    if (!(ev->token = str(j, "token", REG_IDS, 3, 15)) ||
        !(ev->service = str(j, "service", REG_LOWER, 1, 31)) ||
        !(ev->category = str(j, "category", REG_IDS "_", 1, 31)) ||
        !(ev->lang = str(j, "lang", NULL, 2, 2)) || !(ev->qr = str(j, "qr", NULL, 1, 1024)) ||
        !opt_str(j, "priority", REG_LOWER, 15, &ev->priority) ||
        !opt_str(j, "fields_sealed", B64_CHARS, REG_MAX_PAYLOAD, &ev->fields_sealed))
        return REG_MALFORMED;
    if (ev->token[0] < 'A' || ev->token[0] > 'Z' || ev->token[1] != '-' ||
        !only(ev->token + 2, "0123456789", 1, 6))
        return refuse(REG_MALFORMED, j->why, j->cap, "\"token\": expected like B-2012");
    if (!one_of(ev->lang, langs))
        return refuse(REG_MALFORMED, j->why, j->cap, "\"lang\": expected bn or en");
    if (ev->priority && !one_of(ev->priority, priorities))
        return refuse(REG_MALFORMED, j->why, j->cap, "\"priority\": unknown \"%s\"", ev->priority);
    const cJSON *erased = cJSON_GetObjectItemCaseSensitive(j->o, "fields_erased");
    if (erased && !cJSON_IsBool(erased))
        return refuse(REG_MALFORMED, j->why, j->cap, "\"fields_erased\": expected true or false");
    ev->fields_erased = cJSON_IsTrue(erased);
    /* The receipt in the citizen's hand must be this request's, signed by this terminal. */
    verify_result_t r = signing_verify(key, ev->qr, tr, tk, sv, sizeof tr);
    if (r != VERIFY_GENUINE)
        return refuse(REG_BAD_RECEIPT, j->why, j->cap, "\"qr\": %s",
                      r == VERIFY_FORGED ? "the receipt signature does not verify"
                                         : "not a receipt payload");
    if (strcmp(tr, ev->tracking) != 0 || strcmp(tk, ev->token) != 0 || strcmp(sv, ev->service) != 0)
        return refuse(REG_BAD_RECEIPT, j->why, j->cap,
                      "\"qr\": the receipt is for %.60s %.15s %.31s, not this request", tr, tk, sv);
    return REG_OK;
}

static register_reason_t check_body(obj_t *j, const uint8_t key[SIGNING_PUBLIC_BYTES],
                                    register_event_t *ev)
{
    static const char *const kinds[] = {"request", "print", "reprint", "erasure", NULL};
    const char *kind, *at;
    register_reason_t r = check_ids(j, ev);
    if (r != REG_OK)
        return r;
    if (!(kind = str(j, "kind", REG_LOWER, 1, 15)) || !(at = str(j, "at", NULL, 1, 40)))
        return REG_MALFORMED;
    if ((ev->at = journal_parse_time(at)) < 0)
        return refuse(REG_MALFORMED, j->why, j->cap,
                      "\"at\": expected a time like 2026-11-29T10:30:05+06:00");
    if (!one_of(kind, kinds))
        return refuse(REG_MALFORMED, j->why, j->cap, "\"kind\": unknown \"%s\"", kind);
    ev->kind = strcmp(kind, "request") == 0   ? REG_KIND_REQUEST
               : strcmp(kind, "print") == 0   ? REG_KIND_PRINT
               : strcmp(kind, "reprint") == 0 ? REG_KIND_REPRINT
                                              : REG_KIND_ERASURE;
    if (ev->kind == REG_KIND_REQUEST)
        return check_request(j, key, ev);
    if (ev->kind == REG_KIND_ERASURE)
        return REG_OK;
    if (!(ev->status = str(j, "status", REG_LOWER "-", 1, 31)) ||
        !opt_str(j, "detail", NULL, 512, &ev->detail))
        return REG_MALFORMED;
    return REG_OK;
}

register_reason_t register_event_check(const char *keys_dir, const char *prefix, const char *topic,
                                       const void *payload, size_t len, const char *sig,
                                       register_event_t *ev, char *why, size_t whycap)
{
    uint8_t key[SIGNING_PUBLIC_BYTES];
    char name[2 * REG_ID_MAX + 2];
    memset(ev, 0, sizeof *ev);
    if (len > REG_MAX_PAYLOAD)
        return refuse(REG_OVERSIZED, why, whycap, "%zu bytes (at most %d)", len, REG_MAX_PAYLOAD);
    if (register_topic_parse(prefix, topic, ev->centre, ev->terminal) != REG_TOPIC_EVENT ||
        !register_valid_id(ev->centre) || !register_valid_id(ev->terminal))
        return refuse(REG_MALFORMED, why, whycap, "not a P/C/T/event topic");
    snprintf(name, sizeof name, "%s-%s", ev->centre, ev->terminal);
    int k = register_key_load(keys_dir, name, key, why, whycap);
    if (k == 0)
        return refuse(REG_UNKNOWN_TERMINAL, why, whycap, "no key %s/%s.pub", keys_dir, name);
    if (k < 0)
        return REG_UNKNOWN_TERMINAL;
    if (!sig)
        return refuse(REG_BAD_SIGNATURE, why, whycap, "no \"sig\" user property");
    if (!register_signature_ok(key, payload, len, sig))
        return refuse(REG_BAD_SIGNATURE, why, whycap, "the signature does not verify with %s.pub",
                      name);
    cJSON *o = parse_object(payload, len, why, whycap);
    if (!o)
        return REG_MALFORMED;
    ev->json = o;
    obj_t j = {o, why, whycap};
    register_reason_t r = check_body(&j, key, ev);
    if (r != REG_OK)
        register_event_free(ev);
    return r;
}

void register_event_free(register_event_t *ev)
{
    cJSON_Delete(ev->json);
    memset(ev, 0, sizeof *ev);
}

static register_reason_t status_members(obj_t j, register_status_t *st)
{
    const cJSON *online = cJSON_GetObjectItemCaseSensitive(j.o, "online");
    const char *role, *band = NULL;
    if (!cJSON_IsBool(online))
        return refuse(REG_MALFORMED, j.why, j.cap, "\"online\": expected true or false");
    if (!(role = str(&j, "role", REG_LOWER, 1, sizeof st->role - 1)) ||
        !opt_str(&j, "token_band", "123456789", 1, &band))
        return REG_MALFORMED;
    st->online = cJSON_IsTrue(online);
    snprintf(st->role, sizeof st->role, "%s", role);
    st->has_band = band != NULL;
    snprintf(st->band, sizeof st->band, "%s", band ? band : "");
    return REG_OK;
}

register_reason_t register_status_check(const char *prefix, const char *topic, const void *payload,
                                        size_t len, register_status_t *st, char *why, size_t whycap)
{
    memset(st, 0, sizeof *st);
    if (len > REG_MAX_PAYLOAD)
        return refuse(REG_OVERSIZED, why, whycap, "%zu bytes (at most %d)", len, REG_MAX_PAYLOAD);
    if (register_topic_parse(prefix, topic, st->centre, st->terminal) != REG_TOPIC_STATUS ||
        !register_valid_id(st->centre) || !register_valid_id(st->terminal))
        return refuse(REG_MALFORMED, why, whycap, "not a P/C/T/status topic");
    cJSON *o = parse_object(payload, len, why, whycap);
    if (!o)
        return REG_MALFORMED;
    register_reason_t r = status_members((obj_t){o, why, whycap}, st);
    cJSON_Delete(o);
    return r;
}
