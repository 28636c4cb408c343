/* register/mqtt.c - libmosquitto clients for the register and its tools. */
#define _POSIX_C_SOURCE 200809L
#include "register/mqtt.h"

#include <errno.h>
#include <mqtt_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEPALIVE 30

int register_broker_parse(const char *url, register_broker_t *b, char *err, size_t errcap)
{
    const char *rest;
    if (strncmp(url, "mqtt://", 7) == 0)
        rest = url + 7, b->tls = false, b->port = 1883;
    else if (strncmp(url, "mqtts://", 8) == 0)
        rest = url + 8, b->tls = true, b->port = 8883;
    else {
        snprintf(err, errcap, "--broker %s: expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT]",
                 url);
        return -1;
    }
    const char *host = rest, *end;
    size_t hn;
    if (*rest == '[') { /* [::1]:1883 */
        end = strchr(rest, ']');
        host = rest + 1;
        hn = end ? (size_t)(end - host) : 0;
        end = end ? end + 1 : rest;
    } else {
        hn = strcspn(rest, ":/");
        end = rest + hn;
    }
    if (hn == 0 || hn >= sizeof b->host) {
        snprintf(err, errcap, "--broker %s: no host", url);
        return -1;
    }
    memcpy(b->host, host, hn);
    b->host[hn] = '\0';
    if (*end == ':') {
        char *stop;
        errno = 0;
        long port = strtol(end + 1, &stop, 10);
        if (errno || stop == end + 1 || port < 1 || port > 65535 || (*stop && *stop != '/')) {
            snprintf(err, errcap, "--broker %s: bad port", url);
            return -1;
        }
        b->port = (int)port;
        end = stop;
    }
    if (*end && strcmp(end, "/") != 0) {
        snprintf(err, errcap, "--broker %s: unexpected \"%s\"", url, end);
        return -1;
    }
    return 0;
}

/* The first line of a password file, without its newline. */
static int read_password(const char *path, char *out, size_t cap, char *err, size_t errcap)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errcap, "--password-file %s: %s", path, strerror(errno));
        return -1;
    }
    bool ok = fgets(out, (int)cap, fp) != NULL;
    fclose(fp);
    out[strcspn(out, "\r\n")] = '\0';
    if (!ok || !out[0]) {
        snprintf(err, errcap, "--password-file %s: empty", path);
        return -1;
    }
    return 0;
}

static int secure(struct mosquitto *m, const register_broker_t *b, char *err, size_t errcap)
{
    int rc = MOSQ_ERR_SUCCESS;
    if (b->tls && !b->ca_file)
        rc = mosquitto_int_option(m, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (rc == MOSQ_ERR_SUCCESS && (b->tls || b->ca_file))
        rc = mosquitto_tls_set(m, b->ca_file, b->ca_file ? NULL : "/etc/ssl/certs", b->cert_file,
                               b->key_file, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        snprintf(err, errcap, "TLS: %s (--ca-file %s, --cert-file %s, --key-file %s)",
                 mosquitto_strerror(rc), b->ca_file ? b->ca_file : "-",
                 b->cert_file ? b->cert_file : "-", b->key_file ? b->key_file : "-");
        return -1;
    }
    if (b->username) {
        char pw[512] = "";
        if (b->password_file && read_password(b->password_file, pw, sizeof pw, err, errcap) < 0)
            return -1;
        rc = mosquitto_username_pw_set(m, b->username, b->password_file ? pw : NULL);
        memset(pw, 0, sizeof pw);
        if (rc != MOSQ_ERR_SUCCESS) {
            snprintf(err, errcap, "--username: %s", mosquitto_strerror(rc));
            return -1;
        }
    }
    return 0;
}

struct mosquitto *register_mqtt_new(const register_broker_t *b, const char *client_id,
                                    bool persistent, void *obj, char *err, size_t errcap)
{
    struct mosquitto *m = mosquitto_new(client_id, !persistent, obj);
    if (!m) {
        snprintf(err, errcap, "mqtt: cannot make a client \"%s\": %s", client_id, strerror(errno));
        return NULL;
    }
    mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(m, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_reconnect_delay_set(m, 1, 30, true);
    if (secure(m, b, err, errcap) < 0) {
        mosquitto_destroy(m);
        return NULL;
    }
    return m;
}

/* CONNECT properties: the session expiry, and a packet size limit (1 MiB) so that nothing
 * far beyond the protocol's 64 KiB is ever read into memory (the broker drops those for us;
 * the ones between are read, counted and refused). */
static mosquitto_property *connect_props(uint32_t session_expiry)
{
    mosquitto_property *p = NULL;
    if (mosquitto_property_add_int32(&p, MQTT_PROP_SESSION_EXPIRY_INTERVAL, session_expiry) ||
        mosquitto_property_add_int32(&p, MQTT_PROP_MAXIMUM_PACKET_SIZE, 1024 * 1024)) {
        mosquitto_property_free_all(&p);
        return NULL;
    }
    return p;
}

int register_mqtt_start(struct mosquitto *m, const register_broker_t *b, uint32_t session_expiry,
                        char *err, size_t errcap)
{
    mosquitto_property *p = connect_props(session_expiry);
    if (!p) {
        snprintf(err, errcap, "mqtt: no memory");
        return -1;
    }
    /* connect_bind_async would not take properties; the first attempt is made here, and if
     * the broker is not there yet the loop thread keeps trying. */
    int rc = mosquitto_connect_bind_v5(m, b->host, b->port, KEEPALIVE, NULL, p);
    mosquitto_property_free_all(&p);
    if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO && rc != MOSQ_ERR_CONN_REFUSED &&
        rc != MOSQ_ERR_NO_CONN && rc != MOSQ_ERR_TLS) {
        snprintf(err, errcap, "mqtt: %s:%d: %s", b->host, b->port, mosquitto_strerror(rc));
        return -1;
    }
    /* A broker down, or a certificate being replaced, may come right: keep trying (the loop
     * thread does), and say why now. */
    if (rc != MOSQ_ERR_SUCCESS)
        fprintf(stderr, "register: broker %s:%d not reachable yet (%s%s); retrying\n", b->host,
                b->port, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc),
                rc == MOSQ_ERR_TLS ? ": does --ca-file sign the broker's certificate?" : "");
    rc = mosquitto_loop_start(m);
    if (rc != MOSQ_ERR_SUCCESS) {
        snprintf(err, errcap, "mqtt: cannot start its thread: %s", mosquitto_strerror(rc));
        return -1;
    }
    return 0;
}

int register_mqtt_connect_now(struct mosquitto *m, const register_broker_t *b, char *err,
                              size_t errcap)
{
    int rc = mosquitto_connect_bind_v5(m, b->host, b->port, KEEPALIVE, NULL, NULL);
    if (rc != MOSQ_ERR_SUCCESS) {
        snprintf(err, errcap, "mqtt: %s:%d: %s", b->host, b->port,
                 rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        return -1;
    }
    return 0;
}

bool register_mqtt_user_property(const mosquitto_property *props, const char *name, char *out,
                                 size_t cap)
{
    bool skip = false;
    for (const mosquitto_property *p = props;; skip = true) {
        char *k = NULL, *v = NULL;
        p = mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &k, &v, skip);
        if (!p)
            return false;
        bool match = k && strcmp(k, name) == 0;
        bool fits = match && v && strlen(v) < cap;
        if (fits)
            snprintf(out, cap, "%s", v);
        free(k);
        free(v);
        if (match)
            return fits;
    }
}
