/*
 * sync/board.h - the centre's queue as its board tells the kiosks (docs/protocol.md, "The
 * queue board's state for kiosks"): how many wait in each category, today's service times,
 * and today's figures per service and per counter. Parsed from the board's retained
 * P/C/board/queue message; a kiosk uses it only while the board is online and the message is
 * fresh, so that it never shows a wrong number.
 */
#ifndef SYNC_BOARD_H
#define SYNC_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_BOARD_CATS     16
#define SYNC_BOARD_SERVICES 48 /* today's services listed (the rest are in "all") */
#define SYNC_BOARD_COUNTERS 16
#define SYNC_BOARD_KEY      32

typedef struct {
    char category[4];
    int waiting, priority; /* priority: of those waiting */
    int service_s;         /* today's median service time; -1: nobody served yet */
} sync_board_cat_t;

/* Today's figures of a service or counter; times in seconds, -1 without a sample. */
typedef struct {
    char key[SYNC_BOARD_KEY];
    int served, noshow;
    int wait_median_s, wait_p90_s, service_median_s, service_p90_s;
} sync_board_stat_t;

typedef struct {
    char at[32]; /* the board's time of the snapshot, as it wrote it (ISO 8601) */
    int serving; /* counters open now */
    int n_cats;
    sync_board_cat_t cats[SYNC_BOARD_CATS];
    bool has_today; /* boards before the figures were added to this message lack them */
    sync_board_stat_t all;
    int n_services;
    sync_board_stat_t services[SYNC_BOARD_SERVICES];
    int n_counters;
    sync_board_stat_t counters[SYNC_BOARD_COUNTERS];
} sync_board_t;

/* Parse a P/C/board/queue payload. 0, or -1 with "where: what" in why (nothing is kept). */
int sync_board_parse(const char *json, size_t len, sync_board_t *out, char *why, size_t cap);

/* Today's figures as a JSON document for the technician's export: {"v":1,"at":...,
 * "current":fresh,"all":{...},"services":{...},"counters":{...}} with the board's names and
 * null for times without a sample. Its length, or -1 when it does not fit in cap. */
int sync_board_json(const sync_board_t *b, bool fresh, char *out, size_t cap);

/* The board's presence (P/C/board/status): 1 online, 0 offline, -1 not a presence. */
int sync_board_presence(const char *json, size_t len);

#endif
