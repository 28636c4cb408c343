/*
 * register/mqtt.h - reaching the broker with libmosquitto: the URL (mqtt://host:1883,
 * mqtts://host:8883), TLS (a CA file, or the system's CAs; a client certificate), a user
 * name with a password file, and MQTT 5 persistent sessions.
 */
#ifndef REGISTER_MQTT_H
#define REGISTER_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mosquitto.h>

typedef struct {
    char host[256];
    int port;
    bool tls;
    const char *ca_file, *cert_file, *key_file; /* NULL when not given */
    const char *username, *password_file;
} register_broker_t;

/* Parse mqtt://HOST[:PORT] or mqtts://HOST[:PORT] ([v6] hosts in brackets). 0, or -1. */
int register_broker_parse(const char *url, register_broker_t *b, char *err, size_t errcap);

/* A new MQTT 5 client (clean start off when persistent) with TLS and credentials set;
 * obj is handed to its callbacks. NULL with err. */
struct mosquitto *register_mqtt_new(const register_broker_t *b, const char *client_id,
                                    bool persistent, void *obj, char *err, size_t errcap);

/* Start connecting in the background (mosquitto_loop_start's thread keeps reconnecting),
 * asking for a session that outlives session_expiry seconds of absence. 0, or -1. */
int register_mqtt_start(struct mosquitto *m, const register_broker_t *b, uint32_t session_expiry,
                        char *err, size_t errcap);

/* Connect in the foreground, for --push and the test tools (the caller then runs
 * mosquitto_loop itself). 0, or -1 with err. */
int register_mqtt_connect_now(struct mosquitto *m, const register_broker_t *b, char *err,
                              size_t errcap);

/* Copy the value of the first user property called name into out; false when there is none
 * (or it does not fit). */
bool register_mqtt_user_property(const mosquitto_property *props, const char *name, char *out,
                                 size_t cap);

#endif
