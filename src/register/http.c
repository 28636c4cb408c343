/* register/http.c - the status page, its JSON and /healthz over libmicrohttpd. */
#define _POSIX_C_SOURCE 200809L
#include "register/http.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "register/event.h"
#include "register/page.h"
#include "register/store.h"

#define QUERY_MAX 512
#define SAFE      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
#define FONT_DIR  "/_fonts/"

struct register_http {
    struct MHD_Daemon *mhd;
    register_http_options_t o;
    char base[512];       /* the receipt URL, without a trailing '/' */
    char path[512];       /* its path: "/r" */
    pthread_mutex_t lock; /* the reader store is used by one request at a time */
    register_store_t *store;
    time_t started;
};

/* ---- responses ---- */

static enum MHD_Result send_body(struct MHD_Connection *c, int status, const char *type, char *body,
                                 size_t len)
{
    struct MHD_Response *r =
        body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* The link carries the receipt's signature: it goes nowhere else. */
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result send_page(struct MHD_Connection *c, const page_t *p, bool json)
{
    size_t len = 0;
    char *body = json ? register_page_json(p, &len) : register_page_html(p, &len);
    return send_body(c, register_page_status(p->kind),
                     json ? "application/json" : "text/html; charset=utf-8", body, len);
}

static enum MHD_Result send_font(register_http_t *h, struct MHD_Connection *c, const char *name)
{
    char path[1200];
    page_t nf = {.kind = PAGE_UNKNOWN, .font_base = "_fonts/"};
    if (strcmp(name, "NotoSansBengali-Regular.ttf") != 0 &&
        strcmp(name, "NotoSansBengali-Bold.ttf") != 0)
        return send_page(c, &nf, false);
    snprintf(path, sizeof path, "%s/%s", h->o.fonts_dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "register: http: cannot serve %s\n", path);
        return send_page(c, &nf, false);
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "font/ttf");
    MHD_add_response_header(r, "Cache-Control", "public, max-age=604800");
    enum MHD_Result rc = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

/* ---- the receipt ---- */

typedef struct {
    char q[QUERY_MAX];
    size_t n;
    bool bad;
} query_t;

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    query_t *q = cls;
    (void)kind;
    /* A receipt's query is token, service and signature: nothing needs escaping, so it can
     * be rebuilt byte for byte; anything else is not a receipt. */
    if (!value || !key[0] || strspn(key, SAFE) != strlen(key) ||
        strspn(value, SAFE) != strlen(value)) {
        q->bad = true;
        return MHD_NO;
    }
    int n = snprintf(q->q + q->n, sizeof q->q - q->n, "%s%s=%s", q->n ? "&" : "", key, value);
    if (n < 0 || (size_t)n >= sizeof q->q - q->n) {
        q->bad = true;
        return MHD_NO;
    }
    q->n += (size_t)n;
    return MHD_YES;
}

static const char *service_name(register_http_t *h, const char *service, lang_t lang)
{
    const catalog_t *cat = h->o.catalog;
    int i = cat && service ? catalog_find_service(cat, service) : -1;
    return i >= 0 ? cat->services[i].name.s[lang] : NULL;
}

/* Which page a receipt link gets: rebuild the exact QR payload, check its signature with
 * its terminal's key, then look the request up. */
static void check_receipt(register_http_t *h, struct MHD_Connection *c, const char *tracking,
                          page_t *p, register_request_t *req, char parts[3][128])
{
    char owner[128], payload[1200], why[512];
    uint8_t key[SIGNING_PUBLIC_BYTES];
    query_t q = {.n = 0};
    memset(p, 0, sizeof *p);
    p->font_base = "_fonts/";
    p->kind = PAGE_MALFORMED;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, &q);
    if (q.bad || q.n == 0 || strspn(tracking, REG_IDS) != strlen(tracking) ||
        !register_tracking_owner(tracking, owner, sizeof owner))
        return;
    snprintf(payload, sizeof payload, "%s/%s?%s", h->base, tracking, q.q);
    int k = register_key_load(h->o.keys_dir, owner, key, why, sizeof why);
    if (k < 0)
        fprintf(stderr, "register: http: %s\n", why);
    if (k <= 0) {
        p->kind = PAGE_UNKNOWN;
        p->tracking = tracking;
        return;
    }
    verify_result_t v = signing_verify(key, payload, parts[0], parts[1], parts[2], 128);
    if (v == VERIFY_MALFORMED)
        return;
    p->tracking = parts[0], p->token = parts[1], p->service = parts[2];
    if (v == VERIFY_FORGED || strcmp(parts[0], tracking) != 0) {
        p->kind = PAGE_FORGED;
        return;
    }
    for (int l = 0; l < LANG_COUNT; l++)
        p->service_name[l] = service_name(h, p->service, (lang_t)l);
    pthread_mutex_lock(&h->lock);
    int found = register_store_request(h->store, tracking, req, why, sizeof why);
    if (found < 0 && register_store_reconnect(h->store, why, sizeof why) == 0)
        found = register_store_request(h->store, tracking, req, why, sizeof why);
    pthread_mutex_unlock(&h->lock);
    if (found < 0) {
        fprintf(stderr, "register: http: store: %s\n", why);
        p->kind = PAGE_BUSY;
    } else if (found == 0) {
        p->kind = PAGE_PENDING;
    } else {
        p->request = req;
        bool same = strcmp(req->token, p->token) == 0 && strcmp(req->service, p->service) == 0;
        p->kind = same ? PAGE_RECEIVED : PAGE_MISMATCH;
    }
}

static enum MHD_Result receipt(register_http_t *h, struct MHD_Connection *c, const char *tracking,
                               bool json)
{
    page_t p;
    register_request_t req = {0};
    char parts[3][128];
    check_receipt(h, c, tracking, &p, &req, parts);
    enum MHD_Result rc = send_page(c, &p, json);
    register_request_free(&req);
    return rc;
}

/* ---- health ---- */

static enum MHD_Result health(register_http_t *h, struct MHD_Connection *c)
{
    register_stats_t *s = h->o.stats;
    register_request_t none = {0};
    char why[256];
    pthread_mutex_lock(&h->lock);
    int probe = register_store_request(h->store, "-", &none, why, sizeof why);
    if (probe < 0 && register_store_reconnect(h->store, why, sizeof why) == 0)
        probe = register_store_request(h->store, "-", &none, why, sizeof why);
    pthread_mutex_unlock(&h->lock);
    if (probe > 0)
        register_request_free(&none);
    bool mqtt = !h->o.broker || atomic_load(&s->connected);
    cJSON *o = cJSON_CreateObject(), *r = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "ok", probe >= 0 && mqtt);
    cJSON_AddStringToObject(o, "store", register_store_kind(h->store));
    cJSON_AddBoolToObject(o, "store_ok", probe >= 0);
    cJSON_AddStringToObject(o, "mqtt",
                            !h->o.broker                 ? "off"
                            : atomic_load(&s->connected) ? "connected"
                                                         : "disconnected");
    cJSON_AddNumberToObject(o, "stored", (double)atomic_load(&s->stored));
    cJSON_AddNumberToObject(o, "duplicates", (double)atomic_load(&s->duplicates));
    cJSON_AddNumberToObject(o, "statuses", (double)atomic_load(&s->statuses));
    cJSON_AddNumberToObject(o, "store_retries", (double)atomic_load(&s->store_retries));
    for (int i = 1; i < REG_REASON_COUNT; i++)
        cJSON_AddNumberToObject(r, register_reason_name((register_reason_t)i),
                                (double)atomic_load(&s->rejected[i]));
    cJSON_AddItemToObject(o, "refused", r);
    cJSON_AddNumberToObject(o, "uptime_s", (double)(time(NULL) - h->started));
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return send_body(c, probe >= 0 && mqtt ? 200 : 503, "application/json", body,
                     body ? strlen(body) : 0);
}

/* ---- routing ---- */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    register_http_t *h = cls;
    size_t pl = strlen(h->path);
    (void)version, (void)upload, (void)state;
    page_t nf = {.kind = PAGE_UNKNOWN, .font_base = "_fonts/"};
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        char *body = strdup("GET only\n");
        return send_body(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", body, body ? 9 : 0);
    }
    if (*upload_size)
        return MHD_NO;
    if (strcmp(url, "/healthz") == 0)
        return health(h, c);
    if (strncmp(url, "/api/request/", 13) == 0 && url[13] && !strchr(url + 13, '/'))
        return receipt(h, c, url + 13, true);
    if (strncmp(url, h->path, pl) == 0 && strncmp(url + pl, FONT_DIR, strlen(FONT_DIR)) == 0)
        return send_font(h, c, url + pl + strlen(FONT_DIR));
    if (strncmp(url, h->path, pl) == 0 && url[pl] == '/' && url[pl + 1] &&
        !strchr(url + pl + 1, '/'))
        return receipt(h, c, url + pl + 1, false);
    return send_page(c, &nf, false);
}

/* ---- start and stop ---- */

static int parse_listen(const char *s, struct sockaddr_storage *ss, char *err, size_t errcap)
{
    char host[128] = "";
    const char *colon = strrchr(s, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    memset(ss, 0, sizeof *ss);
    if (!colon || colon[1] == '\0' || *end || port < 1 || port > 65535 ||
        (size_t)(colon - s) >= sizeof host) {
        snprintf(err, errcap, "--http %s: expected ADDR:PORT, [V6ADDR]:PORT or :PORT", s);
        return -1;
    }
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    size_t hn = strlen(host);
    if (hn > 2 && host[0] == '[' && host[hn - 1] == ']') {
        host[hn - 1] = '\0';
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1)
            return 0;
    } else {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        if (!host[0] || inet_pton(AF_INET, host, &v4->sin_addr) == 1)
            return 0;
    }
    snprintf(err, errcap, "--http %s: \"%s\" is not an IP address", s, host);
    return -1;
}

/* "https://host/r/" -> base "https://host/r", path "/r"; a bare path is both. */
static int split_receipt_url(register_http_t *h, const char *url, char *err, size_t errcap)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    if (n >= sizeof h->base) {
        snprintf(err, errcap, "--receipt-url: too long");
        return -1;
    }
    memcpy(h->base, url, n);
    h->base[n] = '\0';
    const char *scheme = strstr(h->base, "://");
    const char *path = scheme ? strchr(scheme + 3, '/') : h->base;
    if (!path)
        path = "";
    if ((path[0] && path[0] != '/') || strlen(path) >= sizeof h->path || strchr(path, '?')) {
        snprintf(err, errcap, "--receipt-url %s: expected https://HOST/PATH or /PATH", url);
        return -1;
    }
    snprintf(h->path, sizeof h->path, "%s", path);
    return 0;
}

register_http_t *register_http_start(const register_http_options_t *o, char *err, size_t errcap)
{
    struct sockaddr_storage ss;
    register_http_t *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errcap, "no memory");
        return NULL;
    }
    h->o = *o;
    h->started = time(NULL);
    pthread_mutex_init(&h->lock, NULL);
    if (split_receipt_url(h, o->receipt_url, err, errcap) < 0 ||
        parse_listen(o->listen, &ss, err, errcap) < 0 ||
        !(h->store = register_store_open(o->store_spec, err, errcap))) {
        register_http_stop(h);
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    /* Two threads, bounded connections, memory and time: a phone on a slow link is served,
     * a flood is refused. */
    h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR,
                              (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, 2u,
                              MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                              16u, MHD_OPTION_CONNECTION_TIMEOUT, 15u,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_END);
    if (!h->mhd) {
        snprintf(err, errcap, "--http %s: cannot listen (address in use, or not this host's)",
                 o->listen);
        register_http_stop(h);
        return NULL;
    }
    fprintf(stderr, "register: serving http://%s%s/<tracking id>\n", o->listen, h->path);
    return h;
}

void register_http_stop(register_http_t *h)
{
    if (!h)
        return;
    if (h->mhd)
        MHD_stop_daemon(h->mhd);
    register_store_close(h->store);
    pthread_mutex_destroy(&h->lock);
    free(h);
}
