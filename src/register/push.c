/* register/push.c - the nation's keys, and signed retained pushes. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <mqtt_protocol.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "config/config.h"
#include "io/file.h"
#include "register/register.h"
#include "register/tools.h"
#include "store/seal.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

/* ---- keys ---- */

/* A new file with text, created exclusively (an existing key is never replaced) and synced. */
static int write_new(const char *path, const char *text, mode_t mode, char *err, size_t errcap)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    size_t n = strlen(text);
    bool ok = fd >= 0 && write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            unlink(path);
        return -1;
    }
    return 0;
}

int register_keygen(const char *dir, char *err, size_t errcap)
{
    static const char *const names[] = {"register.sign.key", "register.sign.pub",
                                        "register.box.key", "register.box.pub"};
    char path[4][1200], text[4][160];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    if (sodium_init() < 0 || (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
        snprintf(err, errcap, "%s: %s", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", dir, names[i]);
        if (access(path[i], F_OK) == 0) {
            snprintf(err, errcap, "%s: already there (keys are never overwritten)", path[i]);
            return -1;
        }
    }
    crypto_sign_keypair(pk, sk);
    sodium_bin2base64(text[0], sizeof text[0], sk, sizeof sk, B64);
    sodium_bin2base64(text[1], sizeof text[1], pk, sizeof pk, B64);
    strcat(text[0], "\n");
    strcat(text[1], "\n");
    sodium_memzero(sk, sizeof sk);
    int rc = seal_keygen(text[3], sizeof text[3], text[2], sizeof text[2]);
    for (int i = 0; rc == 0 && i < 4; i++)
        rc = write_new(path[i], text[i], i % 2 == 0 ? 0600 : 0644, err, errcap);
    sodium_memzero(text, sizeof text);
    return rc;
}

/* The register's Ed25519 secret key: one base64url line of 64 bytes. */
static int sign_key_load(const char *path, uint8_t sk[crypto_sign_SECRETKEYBYTES], char *err,
                         size_t errcap)
{
    char text[200];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size >= (off_t)sizeof text) {
        snprintf(err, errcap, "--sign-key %s: %s", path,
                 fd < 0 ? strerror(errno) : "not a key file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    text[strcspn(text, "\r\n")] = '\0';
    size_t len = 0;
    const char *end;
    bool ok = sodium_init() >= 0 &&
              sodium_base642bin(sk, crypto_sign_SECRETKEYBYTES, text, strlen(text), NULL, &len,
                                &end, B64) == 0 &&
              len == crypto_sign_SECRETKEYBYTES && *end == '\0';
    sodium_memzero(text, sizeof text);
    if (!ok)
        snprintf(err, errcap, "--sign-key %s: not a register.sign.key", path);
    return ok ? 0 : -1;
}

int register_sign_key_load(const char *path, signing_key_t *k, char *err, size_t errcap)
{
    if (sign_key_load(path, k->secret, err, errcap) < 0)
        return -1;
    crypto_sign_ed25519_sk_to_pk(k->public_key, k->secret);
    return 0;
}

/* ---- pushes ---- */

typedef struct {
    char *names; /* MaterialIcons.codepoints: "name hex" lines */
} icons_t;

static bool icon_known(const char *name, void *ctx)
{
    const icons_t *ic = ctx;
    size_t n = strlen(name);
    for (const char *p = ic->names; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            return true;
    return false;
}

static cJSON *validated(const register_push_t *p, char *err, size_t errcap)
{
    size_t len;
    /* The file may be pretty-printed; what must fit the protocol's limit is the payload. */
    char *text = file_read(p->file, 1 << 20, &len, err, errcap);
    cJSON *body = NULL;
    if (!text)
        return NULL;
    if (strcmp(p->what, "catalog") == 0) {
        char path[1200], why[512];
        icons_t ic = {NULL};
        size_t ilen;
        snprintf(path, sizeof path, "%s/MaterialIcons.codepoints", p->fonts_dir);
        if (!(ic.names = file_read(path, 1 << 20, &ilen, err, errcap))) {
            free(text);
            return NULL;
        }
        catalog_t *cat = catalog_parse(p->file, text, len, icon_known, &ic, why, sizeof why);
        free(ic.names);
        if (!cat)
            snprintf(err, errcap, "%s", why);
        else
            body = cJSON_ParseWithLength(text, len);
        catalog_free(cat);
    } else {
        /* The kiosks' own rule: an overlay they would refuse is not signed. */
        config_t c;
        config_defaults(&c);
        if (config_parse_overlay(&c, p->file, text, len, err, errcap) == 0)
            body = cJSON_CreateString(text);
    }
    free(text);
    return body;
}

int register_push_payload(const register_push_t *p, char **payload, size_t *len, char **sig,
                          char *err, size_t errcap)
{
    uint8_t sk[crypto_sign_SECRETKEYBYTES], bin[crypto_sign_BYTES];
    *payload = *sig = NULL;
    if (strcmp(p->what, "catalog") != 0 && strcmp(p->what, "config") != 0) {
        snprintf(err, errcap, "--push %s: expected catalog or config", p->what);
        return -1;
    }
    if (p->version < 1) {
        snprintf(err, errcap, "--version: expected a number from 1");
        return -1;
    }
    if (p->centre && !register_valid_id(p->centre)) {
        snprintf(err, errcap, "--centre %s: letters, digits and '-' only", p->centre);
        return -1;
    }
    cJSON *body = validated(p, err, errcap);
    if (!body || sign_key_load(p->sign_key, sk, err, errcap) < 0) {
        cJSON_Delete(body);
        return -1;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddStringToObject(o, "kind", p->what);
    cJSON_AddNumberToObject(o, "version", (double)p->version);
    cJSON_AddItemToObject(o, p->what, body);
    *payload = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!*payload || (*len = strlen(*payload)) > REG_MAX_PUSH) {
        snprintf(err, errcap, "%s: the push would be %zu bytes, more than the protocol's %d",
                 p->file, *payload ? *len : 0, REG_MAX_PUSH);
        free(*payload);
        *payload = NULL;
        sodium_memzero(sk, sizeof sk);
        return -1;
    }
    crypto_sign_detached(bin, NULL, (const uint8_t *)*payload, *len, sk);
    sodium_memzero(sk, sizeof sk);
    size_t cap = sodium_base64_ENCODED_LEN(sizeof bin, B64);
    if ((*sig = malloc(cap)))
        sodium_bin2base64(*sig, cap, bin, sizeof bin, B64);
    return *sig ? 0 : -1;
}

typedef struct {
    int mid;
    bool acked;
} publish_t;

static void on_publish(struct mosquitto *m, void *obj, int mid, int rc,
                       const mosquitto_property *props)
{
    publish_t *pb = obj;
    (void)m, (void)props;
    /* Reason codes below 128 are successes: 16, "no matching subscribers", is usual for a
     * retained push that no terminal is listening for right now. */
    if (mid == pb->mid && rc < 128)
        pb->acked = true;
}

int register_push(const register_broker_t *b, const register_push_t *p, char *err, size_t errcap)
{
    char *payload, *sig, topic[256], id[64];
    size_t len;
    if (register_push_payload(p, &payload, &len, &sig, err, errcap) < 0)
        return -1;
    if (p->centre)
        snprintf(topic, sizeof topic, "%s/%s/push/%s", p->prefix, p->centre, p->what);
    else
        snprintf(topic, sizeof topic, "%s/push/%s", p->prefix, p->what);
    snprintf(id, sizeof id, "register-push-%ld", (long)getpid());
    publish_t pb = {0, false};
    mosquitto_property *props = NULL;
    struct mosquitto *m = register_mqtt_new(b, id, false, &pb, err, errcap);
    int rc = m ? register_mqtt_connect_now(m, b, err, errcap) : -1;
    if (rc == 0) {
        mosquitto_publish_v5_callback_set(m, on_publish);
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY, "sig", sig);
        int mrc = mosquitto_publish_v5(m, &pb.mid, topic, (int)len, payload, 1, true, props);
        time_t until = time(NULL) + 15;
        while (mrc == MOSQ_ERR_SUCCESS && !pb.acked && time(NULL) < until)
            mrc = mosquitto_loop(m, 500, 1);
        if (!pb.acked) {
            snprintf(err, errcap, "%s: not acknowledged by %s:%d (%s)", topic, b->host, b->port,
                     mrc ? mosquitto_strerror(mrc) : "timed out, or refused");
            rc = -1;
        } else {
            mosquitto_disconnect(m);
            printf("register: pushed %s version %ld to %s (%zu bytes, retained)\n", p->what,
                   p->version, topic, len);
        }
    }
    mosquitto_property_free_all(&props);
    if (m)
        mosquitto_destroy(m);
    free(payload);
    free(sig);
    return rc;
}
