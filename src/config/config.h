/*
 * config/config.h - the terminal's configuration: an INI file a technician edits
 * (assets/kiosk.ini documents every key), overridden by command-line flags.
 * Every error names the file and line.
 */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "io/file.h"
#include "text/lang.h"

#define CONFIG_PATH_MAX    512
#define CONFIG_MAX_CHARGES 128 /* per-service service charges */

/* "[fees] charge.SERVICE = TAKA": one service's charge, instead of the default. */
typedef struct {
    char service[32]; /* a catalog service id, checked when the catalog is loaded */
    long long taka;
    char file[64]; /* where it was set, for errors ("" from the command line) */
    int line;
} config_charge_t;

/* The centre's service charge, on top of the official fee (catalog/fees.h adds them up). */
typedef struct {
    long long service_charge; /* Taka, for every service without its own charge */
    config_charge_t charges[CONFIG_MAX_CHARGES];
    int charge_count;
} config_fees_t;

/* A configured folder and a file name in it must fit the paths the kiosk builds. */
_Static_assert(CONFIG_PATH_MAX + 128 <= FILE_PATH_MAX, "configured paths must leave room");

typedef enum {
    CONFIG_ROLE_KIOSK, /* a citizen's self-service terminal */
    CONFIG_ROLE_BOARD  /* the centre's queue board (a TV), serving the counters' web app */
} config_role_t;

/* [sync]: the centre's MQTT broker and the register (docs/protocol.md). */
typedef struct {
    char broker[256]; /* mqtt://host[:1883] or mqtts://host[:8883]; "": no sync */
    char ca_file[CONFIG_PATH_MAX];
    char cert_file[CONFIG_PATH_MAX], key_file[CONFIG_PATH_MAX]; /* client certificate */
    char username[128];
    char password_file[CONFIG_PATH_MAX];
    char topic_prefix[64];              /* P in the topics: "sheba" */
    int max_rate;                       /* events per second while a backlog drains */
    int inflight;                       /* events published and not yet acknowledged, at most */
    char register_key[CONFIG_PATH_MAX]; /* Ed25519 public key that signs pushes and control */
} config_sync_t;

typedef struct {
    char centre_id[32];
    char centre_name[LANG_COUNT][128];
    char terminal_id[32];
    config_role_t role;   /* [terminal] role: what this terminal is in its centre */
    lang_t language;      /* the default for each new citizen */
    int idle_timeout_s;   /* silence before "still there?" */
    int idle_countdown_s; /* how long that dialog waits */
    int rotation;         /* 0, 90, 180, 270 degrees, clockwise */
    float calibration[6]; /* touch: x' = a x + b y + c, y' = d x + e y + f (0..1 units) */
    int dpi;              /* of the panel, for millimetre sizes */
    char drm_device[CONFIG_PATH_MAX]; /* e.g. /dev/dri/by-path/...: the card to draw on */
    char data_dir[CONFIG_PATH_MAX];
    char catalog[CONFIG_PATH_MAX];    /* relative paths are relative to the assets folder */
    char receipt_url[256];            /* QR payload base; empty: the bare tracking id */
    char printer[CONFIG_PATH_MAX];    /* usb, usb:VID:PID, lp:, tcp:, file:, png:; empty: none */
    char paper[CONFIG_PATH_MAX];      /* a profile: 58mm, 80mm, tm-t88 or a path to an INI */
    int retention_days;               /* citizens' entries are erased after this many days */
    char export_dir[CONFIG_PATH_MAX]; /* technician export target; empty: a USB stick */
    char shutdown_command[256];       /* technician "shut down" */
    config_fees_t fees;               /* [fees] */
    int speech_volume;                /* 0..100: speech mode's starting volume */
    char speech_device[128];          /* an SDL audio device; empty: the default; none */
    char board_http[64];              /* [board] http: the counters' web app, HOST:PORT */
    char token_band[2];               /* [terminal] token_band: "1".."9" (B-2012), "" (B-012) */
    char export_key[CONFIG_PATH_MAX]; /* [journal] the register's X25519 public key file */
    config_sync_t sync;
} config_t;

/* The defaults (a 7" 800x480 panel at 132 dpi, Bangla first, 60 s idle timeout). */
void config_defaults(config_t *c);

/* Read an INI file over the current values. 0, or -1 with "FILE:LINE: ..." in err. */
int config_load(config_t *c, const char *path, char *err, size_t errcap);

/* The same from a buffer (name is used in messages); for tests and fuzzing. */
int config_parse(config_t *c, const char *name, const char *text, size_t len, char *err,
                 size_t errcap);

/* The same for an overlay pushed from the register, which may tune a terminal but never set
 * who it is or how it reaches the register: [centre] id, anything in [terminal] or [sync],
 * [kiosk] data, [journal] export_key ("NAME:LINE: [section] key: an overlay may not change
 * ..." in err). The register refuses to sign such an overlay and a kiosk to apply one: the
 * same rule at both ends. */
int config_parse_overlay(config_t *c, const char *name, const char *text, size_t len, char *err,
                         size_t errcap);

/* Split a [sync] broker URL: mqtt://host[:port] (1883) or mqtts://host[:port] (8883, TLS).
 * 0, or -1 with why in err. */
int config_broker_parse(const char *url, bool *tls, char *host, size_t hostcap, int *port,
                        char *err, size_t errcap);

/* Set one value as if read from a file ("kiosk", "idle_timeout", "90"); used for
 * command-line overrides. 0, or -1 with a message in err. */
int config_set(config_t *c, const char *section, const char *key, const char *value, char *err,
               size_t errcap);

#endif
