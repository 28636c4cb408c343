/* queue/http.c - the counters' JSON API, live updates and the web app's files. */
#define _GNU_SOURCE /* realpath, strcasestr */
#include "queue/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "queue/json.h"
#include "queue/mhd.h"

#define ADDR_SLOTS 64
#define ADDR_FREE  10 /* wrong PINs from one address before it must wait */

/* libmicrohttpd, set by queue_http_start before its daemon can call anything here. */
static const queue_mhd_t *mhd;

typedef struct {
    char addr[INET6_ADDRSTRLEN];
    int failures;
    int64_t locked_until, last_ms;
} addr_slot_t;

struct queue_http {
    queue_t *q;
    struct MHD_Daemon *d;
    char web[PATH_MAX], fonts[PATH_MAX];
    int64_t offset_ms;
    int heartbeat_ms;
    int port;
    _Atomic int stopping;
    pthread_mutex_t mu; /* addrs */
    addr_slot_t addrs[ADDR_SLOTS];
    /* The last snapshot the counters were sent, shared: a change wakes every open stream at
     * once, and one read of the queue serves them all (snap_mu; snap: NULL until the first). */
    pthread_mutex_t snap_mu;
    queue_snapshot_t *snap;
    int64_t snap_at;
};

/* One request: its body, collected while it arrives. */
typedef struct {
    char *body;
    size_t len;
    bool too_big;
} req_t;

static int64_t now_ms(const queue_http_t *h)
{
    return queue_wall_ms() + h->offset_ms;
}

/* --- answers --------------------------------------------------------------------------- */

static void common_headers(struct MHD_Response *r)
{
    mhd->add_response_header(r, "X-Content-Type-Options", "nosniff");
    mhd->add_response_header(r, "X-Frame-Options", "DENY");
    mhd->add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, char *text,
                                 const char *type)
{
    if (!text)
        return MHD_NO; /* out of memory: MHD closes the connection */
    struct MHD_Response *r =
        mhd->create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    mhd->add_response_header(r, "Content-Type", type);
    mhd->add_response_header(r, "Cache-Control", "no-store");
    common_headers(r);
    enum MHD_Result ok = mhd->queue_response(c, status, r);
    mhd->destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, char *json)
{
    return send_text(c, status, json, "application/json; charset=utf-8");
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *where,
                                  const char *msg)
{
    return send_json(c, status, queue_json_error(msg, where));
}

static enum MHD_Result send_status(struct MHD_Connection *c, queue_status_t s, const queue_err_t *e)
{
    return send_error(c, (unsigned)queue_http_status(s), e->where, e->msg);
}

static enum MHD_Result send_method(struct MHD_Connection *c, const char *allow)
{
    char msg[64];
    snprintf(msg, sizeof msg, "use %s here", allow);
    char *json = queue_json_error(msg, "method");
    struct MHD_Response *r =
        json ? mhd->create_response_from_buffer(strlen(json), json, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!r) {
        free(json);
        return MHD_NO;
    }
    mhd->add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    mhd->add_response_header(r, "Allow", allow);
    common_headers(r);
    enum MHD_Result ok = mhd->queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
    mhd->destroy_response(r);
    return ok;
}

/* --- the client's address and its login failures --------------------------------------- */

static void client_addr(struct MHD_Connection *c, char out[INET6_ADDRSTRLEN])
{
    const union MHD_ConnectionInfo *ci =
        mhd->get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, INET6_ADDRSTRLEN, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  INET6_ADDRSTRLEN);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  INET6_ADDRSTRLEN);
}

/* The slot of an address (the least recently used one is reused). Lock held. */
static addr_slot_t *addr_slot(queue_http_t *h, const char *addr, int64_t now)
{
    addr_slot_t *old = &h->addrs[0];
    for (int i = 0; i < ADDR_SLOTS; i++) {
        if (strcmp(h->addrs[i].addr, addr) == 0)
            return &h->addrs[i];
        if (h->addrs[i].last_ms < old->last_ms)
            old = &h->addrs[i];
    }
    memset(old, 0, sizeof *old);
    snprintf(old->addr, sizeof old->addr, "%s", addr);
    old->last_ms = now;
    return old;
}

static int addr_locked_s(queue_http_t *h, const char *addr, int64_t now)
{
    pthread_mutex_lock(&h->mu);
    addr_slot_t *s = addr_slot(h, addr, now);
    int left = s->locked_until > now ? (int)((s->locked_until - now + 999) / 1000) : 0;
    pthread_mutex_unlock(&h->mu);
    return left;
}

static void addr_result(queue_http_t *h, const char *addr, bool ok, int64_t now)
{
    pthread_mutex_lock(&h->mu);
    addr_slot_t *s = addr_slot(h, addr, now);
    s->last_ms = now;
    if (ok) {
        s->failures = 0;
        s->locked_until = 0;
    } else if (++s->failures >= ADDR_FREE) {
        s->locked_until = now + queue_lockout_ms(s->failures, ADDR_FREE);
    }
    pthread_mutex_unlock(&h->mu);
}

/* --- requests -------------------------------------------------------------------------- */

/* The body as a JSON object: an empty body is {} where allowed; NULL with an answer sent. */
static cJSON *parse_body(struct MHD_Connection *c, req_t *r, bool empty_ok, enum MHD_Result *ans)
{
    if (r->too_big) {
        *ans = send_error(c, 413, "body", "the body is over 16 KiB");
        return NULL;
    }
    if (r->len == 0 && empty_ok)
        return cJSON_CreateObject();
    const char *type = mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    size_t tl = strlen("application/json");
    if (!type || strncasecmp(type, "application/json", tl) != 0 ||
        (type[tl] && type[tl] != ';' && type[tl] != ' ')) {
        *ans = send_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content-type",
                          "send the body as application/json");
        return NULL;
    }
    const char *end = NULL;
    cJSON *j = r->len ? cJSON_ParseWithLengthOpts(r->body, r->len, &end, false) : NULL;
    if (!j || !cJSON_IsObject(j) ||
        (end && end != r->body + r->len &&
         strspn(end, " \t\r\n") != (size_t)(r->body + r->len - end))) {
        cJSON_Delete(j);
        *ans = send_error(c, MHD_HTTP_BAD_REQUEST, "body", "the body is not a JSON object");
        return NULL;
    }
    return j;
}

/* A string field: NULL when absent; *bad when present but not a string. */
static const char *str_field(const cJSON *j, const char *name, bool *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v)) {
        *bad = true;
        return NULL;
    }
    return v->valuestring;
}

/* An integer field 1..999: 0 when absent, -1 when malformed. */
static int counter_field(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!v || cJSON_IsNull(v))
        return 0;
    /* The range first: converting 1e300 to int would be undefined. */
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 1 && v->valuedouble <= 999) ||
        v->valuedouble != (double)(int)v->valuedouble)
        return -1;
    return v->valueint;
}

/* The session of a request: "Authorization: Bearer <id>" (or ?session= for event streams,
 * which browsers open without headers). */
static const char *session_of(struct MHD_Connection *c, bool query_ok)
{
    const char *a = mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (a && strncasecmp(a, "Bearer ", 7) == 0)
        return a + 7;
    return query_ok ? mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "session") : NULL;
}

static enum MHD_Result login(queue_http_t *h, struct MHD_Connection *c, req_t *r)
{
    enum MHD_Result ans;
    char addr[INET6_ADDRSTRLEN], sid[QUEUE_SESSION_HEX + 1], msg[128];
    int64_t now = now_ms(h);
    client_addr(c, addr);
    int wait = addr_locked_s(h, addr, now);
    if (wait > 0) {
        snprintf(msg, sizeof msg, "too many wrong PINs from this address: try again in %d s", wait);
        return send_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "pin", msg);
    }
    cJSON *j = parse_body(c, r, false, &ans);
    if (!j)
        return ans;
    bool bad = false;
    int counter = counter_field(j, "counter");
    const char *pin = str_field(j, "pin", &bad);
    if (counter <= 0) {
        cJSON_Delete(j);
        return send_error(c, MHD_HTTP_BAD_REQUEST, "counter", "\"counter\" is a number 1 to 999");
    }
    if (bad || !pin) {
        cJSON_Delete(j);
        return send_error(c, MHD_HTTP_BAD_REQUEST, "pin", "\"pin\" is a string of digits");
    }
    queue_err_t e;
    int retry = 0;
    queue_status_t s = queue_login(h->q, counter, pin, now, sid, &retry, &e);
    cJSON_Delete(j);
    if (s == QUEUE_E_AUTH || s == QUEUE_E_LOCKED) {
        addr_result(h, addr, false, now);
        /* Never the PIN itself, nor its length. */
        fprintf(stderr, "queue-http: login refused: counter %d from %s: %s\n", counter, addr,
                e.msg);
        return send_status(c, s, &e);
    }
    if (s != QUEUE_OK)
        return send_status(c, s, &e);
    addr_result(h, addr, true, now);
    queue_counter_t me;
    queue_counter_get(h->q, counter, &me, &e);
    cJSON *o = cJSON_CreateObject();
    char iso[32];
    queue_iso_time(now + QUEUE_SESSION_MS, iso);
    cJSON_AddStringToObject(o, "session", sid);
    cJSON_AddNumberToObject(o, "counter", counter);
    cJSON_AddStringToObject(o, "name", me.name);
    cJSON_AddStringToObject(o, "expires", iso);
    char *out = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    fprintf(stderr, "queue-http: counter %d logged in from %s\n", counter, addr);
    return send_json(c, MHD_HTTP_OK, out);
}

typedef enum {
    A_NEXT,
    A_RECALL,
    A_SERVE,
    A_DONE,
    A_NOSHOW,
    A_TRANSFER,
    A_PAUSE,
    A_LOGOUT
} action_t;

static const struct {
    const char *path;
    action_t a;
} actions[] = {{"/api/next", A_NEXT},   {"/api/recall", A_RECALL}, {"/api/serve", A_SERVE},
               {"/api/done", A_DONE},   {"/api/noshow", A_NOSHOW}, {"/api/transfer", A_TRANSFER},
               {"/api/pause", A_PAUSE}, {"/api/logout", A_LOGOUT}};

static queue_status_t run_action(queue_http_t *h, action_t a, const queue_ctx_t *ctx,
                                 const cJSON *j, queue_token_t *t, queue_err_t *e)
{
    bool bad = false;
    const char *token = str_field(j, "token", &bad);
    const char *cat = str_field(j, "category", &bad);
    if (bad) {
        queue_err(e, "body", "\"token\" and \"category\" are strings");
        return QUEUE_E_BAD;
    }
    if (a != A_NEXT && a != A_PAUSE && !token) {
        queue_err(e, "token", "name the token: {\"token\": \"B-012\"}");
        return QUEUE_E_BAD;
    }
    switch (a) {
    case A_NEXT:
        return queue_next(h->q, ctx, cat, t, e);
    case A_RECALL:
        return queue_recall(h->q, ctx, token, t, e);
    case A_SERVE:
        return queue_serve(h->q, ctx, token, t, e);
    case A_DONE:
        return queue_done(h->q, ctx, token, t, e);
    case A_NOSHOW:
        return queue_noshow(h->q, ctx, token, t, e);
    case A_TRANSFER: {
        int to = counter_field(j, "counter");
        if (to < 0) {
            queue_err(e, "counter", "\"counter\" is a number 1 to 999");
            return QUEUE_E_BAD;
        }
        return queue_transfer(h->q, ctx, token, to, cat, t, e);
    }
    default: {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "paused");
        if (p && !cJSON_IsBool(p)) {
            queue_err(e, "paused", "\"paused\" is true or false");
            return QUEUE_E_BAD;
        }
        return queue_pause(h->q, ctx, !p || cJSON_IsTrue(p), e);
    }
    }
}

static enum MHD_Result action(queue_http_t *h, struct MHD_Connection *c, req_t *r, action_t a)
{
    queue_err_t e;
    int counter = 0;
    int64_t now = now_ms(h);
    const char *sid = session_of(c, false);
    queue_status_t s = queue_session(h->q, sid, now, &counter, &e);
    if (s != QUEUE_OK)
        return send_status(c, s, &e);
    enum MHD_Result ans;
    cJSON *j = parse_body(c, r, true, &ans);
    if (!j)
        return ans;
    if (a == A_LOGOUT) {
        cJSON_Delete(j);
        s = queue_logout(h->q, sid, &e);
        return s == QUEUE_OK ? send_json(c, MHD_HTTP_OK, strdup("{\"ok\":true}"))
                             : send_status(c, s, &e);
    }
    bool bad = false;
    const char *rid = str_field(j, "request", &bad);
    if (bad) {
        cJSON_Delete(j);
        return send_error(c, MHD_HTTP_BAD_REQUEST, "request", "\"request\" is a string");
    }
    queue_ctx_t ctx = {.counter = counter, .now_ms = now, .request_id = rid};
    queue_token_t t;
    s = run_action(h, a, &ctx, j, &t, &e);
    cJSON_Delete(j);
    if (s == QUEUE_EMPTY)
        return send_json(c, MHD_HTTP_OK, strdup("{\"token\":null}"));
    if (s != QUEUE_OK)
        return send_status(c, s, &e);
    if (a == A_PAUSE) {
        queue_counter_t me;
        queue_counter_get(h->q, counter, &me, &e);
        return send_json(c, MHD_HTTP_OK,
                         strdup(me.paused ? "{\"paused\":true}" : "{\"paused\":false}"));
    }
    return send_json(c, MHD_HTTP_OK, queue_json_token(&t));
}

/* The queue as one counter sees it (its stream, or GET /api/queue), from the shared snapshot when
 * that is of the queue's current version and under a second old (waiting times move with the
 * clock); *v becomes the version sent. NULL when out of memory. */
static char *shared_snapshot_json(queue_http_t *h, int counter, unsigned long *v)
{
    char *json = NULL;
    int64_t now = now_ms(h);
    pthread_mutex_lock(&h->snap_mu);
    if (!h->snap)
        h->snap = calloc(1, sizeof *h->snap);
    if (h->snap) {
        if (h->snap_at == 0 || h->snap->version != queue_version(h->q) ||
            now - h->snap_at >= 1000 || now < h->snap_at) {
            queue_snapshot(h->q, now, h->snap);
            h->snap_at = now;
        }
        json = queue_json_snapshot(h->snap, counter);
        *v = h->snap->version;
    }
    pthread_mutex_unlock(&h->snap_mu);
    return json;
}

static enum MHD_Result get_queue(queue_http_t *h, struct MHD_Connection *c)
{
    queue_err_t e;
    int counter = 0;
    int64_t now = now_ms(h);
    queue_status_t s = queue_session(h->q, session_of(c, false), now, &counter, &e);
    if (s != QUEUE_OK)
        return send_status(c, s, &e);
    unsigned long v;
    char *json = shared_snapshot_json(h, counter, &v);
    return json ? send_json(c, MHD_HTTP_OK, json) : MHD_NO;
}

/* --- server-sent events ------------------------------------------------------------------ */

typedef struct {
    queue_http_t *h;
    char session[QUEUE_SESSION_HEX + 1];
    int counter;
    unsigned long sent;
    char *buf;
    size_t len, off;
    bool ending; /* the session ended: the stream closes after this chunk */
} sse_t;

/* The next chunk for the stream: the queue when it changed, otherwise a heartbeat. */
static void sse_fill(sse_t *s)
{
    queue_http_t *h = s->h;
    queue_err_t e;
    int counter;
    free(s->buf);
    s->buf = NULL;
    s->len = s->off = 0;
    unsigned long v = s->sent ? queue_wait(h->q, s->sent, h->heartbeat_ms) : queue_version(h->q);
    if (h->stopping)
        return;
    if (queue_session(h->q, s->session, now_ms(h), &counter, &e) != QUEUE_OK) {
        s->buf = strdup("event: logout\ndata: {}\n\n");
        s->ending = true;
    } else if (v != s->sent) {
        char *json = shared_snapshot_json(h, s->counter, &v);
        size_t n = json ? strlen(json) + 96 : 0; /* the JSON and the event's lines */
        s->buf = json ? malloc(n) : NULL;
        if (s->buf)
            snprintf(s->buf, n, "%sid: %lu\nevent: queue\ndata: %s\n\n",
                     s->sent ? "" : "retry: 3000\n", v, json);
        free(json);
        s->sent = v;
    } else {
        s->buf = strdup(": heartbeat\n\n");
    }
    s->len = s->buf ? strlen(s->buf) : 0;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    sse_t *s = cls;
    if (s->off == s->len) {
        if (s->ending)
            return MHD_CONTENT_READER_END_OF_STREAM;
        sse_fill(s);
        if (!s->buf) /* stopping, or out of memory */
            return MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t n = s->len - s->off < max ? s->len - s->off : max;
    memcpy(out, s->buf + s->off, n);
    s->off += n;
    return (ssize_t)n;
}

static void sse_free(void *cls)
{
    sse_t *s = cls;
    free(s->buf);
    free(s);
}

static enum MHD_Result events(queue_http_t *h, struct MHD_Connection *c)
{
    queue_err_t e;
    int counter = 0;
    const char *sid = session_of(c, true);
    queue_status_t st = queue_session(h->q, sid, now_ms(h), &counter, &e);
    if (st != QUEUE_OK)
        return send_status(c, st, &e);
    sse_t *s = calloc(1, sizeof *s);
    if (!s)
        return MHD_NO;
    s->h = h;
    s->counter = counter;
    snprintf(s->session, sizeof s->session, "%s", sid);
    struct MHD_Response *r =
        mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, sse_read, s, sse_free);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    mhd->add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    mhd->add_response_header(r, "Cache-Control", "no-store");
    common_headers(r);
    enum MHD_Result ok = mhd->queue_response(c, MHD_HTTP_OK, r);
    mhd->destroy_response(r);
    return ok;
}

/* --- static files ------------------------------------------------------------------------ */

static const struct {
    const char *ext, *type, *cache;
} types[] = {
    {".html", "text/html; charset=utf-8", "no-cache"},
    {".css", "text/css; charset=utf-8", "no-cache"},
    {".js", "text/javascript; charset=utf-8", "no-cache"},
    {".json", "application/json; charset=utf-8", "no-cache"},
    {".svg", "image/svg+xml", "no-cache"},
    {".png", "image/png", "public, max-age=86400"},
    {".ico", "image/x-icon", "public, max-age=86400"},
    /* Fonts change only with a new release. */
    {".ttf", "font/ttf", "public, max-age=604800"},
};

/* A URL path we are willing to map to a file: letters, digits, '-', '_', '.', '/', no
 * segment starting with a dot (no "..", no hidden files). */
static bool path_ok(const char *p)
{
    if (p[0] != '/' || strlen(p) > 200)
        return false;
    for (const char *s = p; *s; s++) {
        bool plain = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                     (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' || *s == '/';
        if (!plain || (*s == '/' && (s[1] == '.' || s[1] == '/')))
            return false;
    }
    return true;
}

static enum MHD_Result send_file(queue_http_t *h, struct MHD_Connection *c, const char *url)
{
    char rel[256], path[PATH_MAX + 256], real[PATH_MAX], etag[64];
    const char *root = h->web;
    if (!path_ok(url))
        return send_error(c, MHD_HTTP_NOT_FOUND, "path", "no such file");
    snprintf(rel, sizeof rel, "%s", strcmp(url, "/") == 0 ? "/index.html" : url);
    if (strncmp(rel, "/fonts/", 7) == 0) {
        root = h->fonts;
        memmove(rel, rel + 6, strlen(rel + 6) + 1);
    }
    const char *dot = strrchr(rel, '.');
    int t = -1;
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            t = (int)i;
    snprintf(path, sizeof path, "%s%s", root, rel);
    size_t rl = strlen(root);
    /* The file must really be inside its folder (no link out of it). */
    if (t < 0 || !realpath(path, real) || strncmp(real, root, rl) != 0 || real[rl] != '/')
        return send_error(c, MHD_HTTP_NOT_FOUND, "path", "no such file");
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return send_error(c, MHD_HTTP_NOT_FOUND, "path", "no such file");
    }
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_mtime,
             (unsigned long long)st.st_size);
    const char *inm = mhd->lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    struct MHD_Response *r;
    unsigned status = MHD_HTTP_OK;
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        r = mhd->create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_NOT_MODIFIED;
    } else {
        r = mhd->create_response_from_fd((uint64_t)st.st_size, fd);
        if (!r)
            close(fd);
    }
    if (!r)
        return MHD_NO;
    mhd->add_response_header(r, "Content-Type", types[t].type);
    mhd->add_response_header(r, "Cache-Control", types[t].cache);
    mhd->add_response_header(r, "ETag", etag);
    if (strcmp(dot, ".html") == 0)
        mhd->add_response_header(r, "Content-Security-Policy",
                                 "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                 "frame-ancestors 'none'");
    common_headers(r);
    enum MHD_Result ok = mhd->queue_response(c, status, r);
    mhd->destroy_response(r);
    return ok;
}

/* --- routing ----------------------------------------------------------------------------- */

static enum MHD_Result route(queue_http_t *h, struct MHD_Connection *c, req_t *r, const char *url,
                             const char *method)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/api/login") == 0)
        return post ? login(h, c, r) : send_method(c, "POST");
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(url, actions[i].path) == 0)
            return post ? action(h, c, r, actions[i].a) : send_method(c, "POST");
    if (strcmp(url, "/api/queue") == 0)
        return get ? get_queue(h, c) : send_method(c, "GET");
    if (strcmp(url, "/api/events") == 0)
        return get ? events(h, c) : send_method(c, "GET");
    if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
        return send_error(c, MHD_HTTP_NOT_FOUND, "path", "no such API call");
    return get ? send_file(h, c, url) : send_method(c, "GET");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    queue_http_t *h = cls;
    req_t *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        /* A declared length over the limit is refused before its body is read. */
        const char *cl = mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > HTTP_MAX_BODY) {
            r->too_big = true;
            return send_error(c, 413, "body", "the body is over 16 KiB");
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big && r->len + *upload_size <= HTTP_MAX_BODY) {
            char *nb = realloc(r->body, r->len + *upload_size + 1);
            if (!nb)
                return MHD_NO;
            r->body = nb;
            memcpy(r->body + r->len, upload, *upload_size);
            r->len += *upload_size;
            r->body[r->len] = '\0';
        } else {
            r->too_big = true; /* read on (bounded by the timeout), answer 413 at the end */
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return route(h, c, r, url, method);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    req_t *r = *con_cls;
    if (r) {
        free(r->body);
        free(r);
        *con_cls = NULL;
    }
}

/* Percent-decoding as MHD does, except that %00 stays as it is: a NUL would cut the path
 * short ("/app.js%00.html" is not /app.js), and '%' is refused by path_ok. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    char *w = s;
    for (const char *r = s; *r; r++) {
        unsigned v;
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2]) &&
            sscanf(r + 1, "%2x", &v) == 1 && v != 0) {
            *w++ = (char)v;
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fprintf(stderr, "queue-http: ");
    vfprintf(stderr, fmt, ap);
}

/* "HOST:PORT" (IPv4 or [IPv6]) into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof host)
        return -1;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535)
        return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    size_t hl = strlen(host);
    if (host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) != 1)
            return -1;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
        return AF_INET6;
    }
    if (inet_pton(AF_INET, host, &v4->sin_addr) != 1)
        return -1;
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return AF_INET;
}

queue_http_t *queue_http_start(queue_t *q, const queue_http_opts_t *o, char *err, size_t errcap)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int family = parse_listen(o->listen, &ss, &sl);
    if (family < 0) {
        snprintf(err, errcap, "[board] http: \"%s\" is not HOST:PORT (e.g. 0.0.0.0:8080)",
                 o->listen);
        return NULL;
    }
    mhd = queue_mhd_load(err, errcap);
    if (!mhd)
        return NULL;
    queue_http_t *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    if (!realpath(o->web_dir, h->web) || !realpath(o->fonts_dir, h->fonts)) {
        snprintf(err, errcap, "%s or %s: %s", o->web_dir, o->fonts_dir, strerror(errno));
        free(h);
        return NULL;
    }
    h->q = q;
    h->offset_ms = o->clock_offset_ms;
    h->heartbeat_ms = o->heartbeat_ms > 0 ? o->heartbeat_ms : HTTP_HEARTBEAT_MS;
    pthread_mutex_init(&h->mu, NULL);
    pthread_mutex_init(&h->snap_mu, NULL);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG | (family == AF_INET6 ? MHD_USE_IPv6 : 0);
    h->d = mhd->start_daemon(
        flags, 0, NULL, NULL, handle, h, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
        MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        completed, h, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
    if (!h->d) {
        snprintf(err, errcap, "[board] http: cannot listen on %s (in use, or no such address)",
                 o->listen);
        pthread_mutex_destroy(&h->mu);
        pthread_mutex_destroy(&h->snap_mu);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *di = mhd->get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : 0;
    (void)sl;
    return h;
}

int queue_http_port(const queue_http_t *h)
{
    return h->port;
}

void queue_http_stop(queue_http_t *h)
{
    if (!h)
        return;
    h->stopping = 1;
    queue_wake(h->q);
    mhd->stop_daemon(h->d);
    pthread_mutex_destroy(&h->mu);
    pthread_mutex_destroy(&h->snap_mu);
    free(h->snap);
    free(h);
}
