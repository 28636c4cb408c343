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

#define CONFIG_PATH_MAX 512

/* A configured folder and a file name in it must fit the paths the kiosk builds. */
_Static_assert(CONFIG_PATH_MAX + 128 <= FILE_PATH_MAX, "configured paths must leave room");

typedef struct {
    char centre_id[32];
    char centre_name[LANG_COUNT][128];
    char terminal_id[32];
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
} config_t;

/* The defaults (a 7" 800x480 panel at 132 dpi, Bangla first, 60 s idle timeout). */
void config_defaults(config_t *c);

/* Read an INI file over the current values. 0, or -1 with "FILE:LINE: ..." in err. */
int config_load(config_t *c, const char *path, char *err, size_t errcap);

/* The same from a buffer (name is used in messages); for tests and fuzzing. */
int config_parse(config_t *c, const char *name, const char *text, size_t len, char *err,
                 size_t errcap);

/* Set one value as if read from a file ("kiosk", "idle_timeout", "90"); used for
 * command-line overrides. 0, or -1 with a message in err. */
int config_set(config_t *c, const char *section, const char *key, const char *value, char *err,
               size_t errcap);

#endif
