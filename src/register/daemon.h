/*
 * register/daemon.h - the running register: its broker connection (a persistent MQTT 5
 * session, the shared subscription and the terminals' presence), how each message is
 * checked, stored and only then acknowledged, and taking over the sessions of registers
 * that went away (docs/protocol.md, "Registers").
 *
 * Threads: libmosquitto's loop thread per connection (it runs the message callbacks, and
 * each connection has a store handle of its own); the main thread waits for signals and
 * looks after adoptions once a second; libmicrohttpd's threads serve the status page.
 */
#ifndef REGISTER_DAEMON_H
#define REGISTER_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "register/mqtt.h"
#include "register/register.h"
#include "store/signing.h"

#define REG_MAX_PEERS 64

typedef struct register_conn register_conn_t;

typedef struct {
    char id[REG_ID_MAX];
    int online;               /* 1 online, 0 offline (its last will), -1 not known */
    register_conn_t *adopter; /* our connection holding its session, or NULL */
    int64_t retry_after;      /* no adoption before this (after it took its session back) */
} register_peer_t;

typedef struct {
    /* options */
    const char *store_spec, *keys_dir, *prefix, *client_id, *version;
    register_broker_t broker;
    bool verbose;
    /* --plain-subscription: P/+/+/event without the shared group (a centre's only register
     * on Mosquitto 2.0, which forgets shared subscriptions when it restarts) */
    bool plain_subscription;
    long die_before_commit; /* tests: SIGKILL before the Nth commit (0: never) */
    /* Signs control messages (a refused token band): terminals act only on those signed with
     * the register's key. NULL: sent unsigned, and terminals ignore them. */
    const signing_key_t *sign_key;
    /* state */
    bool started; /* register_daemon_start was called */
    register_stats_t stats;
    atomic_int stopping;
    register_conn_t *main;
    pthread_mutex_t peers_lock;
    register_peer_t peers[REG_MAX_PEERS];
    int peer_count;
} register_app_t;

/* Connect the main session (stable client id, clean start off) and start its thread.
 * 0, or -1 with err. */
int register_daemon_start(register_app_t *app, char *err, size_t errcap);

/* Once a second from the main thread: adopt the sessions of registers that are gone, give
 * them back when they return. */
void register_daemon_tick(register_app_t *app);

/* Leave: adopted sessions are closed, the main one disconnects with its will (so another
 * register adopts it), messages being stored are finished and acknowledged. */
void register_daemon_stop(register_app_t *app);

#endif
