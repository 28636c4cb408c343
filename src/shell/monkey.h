/*
 * shell/monkey.h - a random citizen: N random touches, drags, presses of whatever is on
 * screen, typing, language switches and clock jumps, against the real app, to find crashes,
 * hangs, leaks and growth that scripted tests do not reach. Reproducible from its seed.
 */
#ifndef SHELL_MONKEY_H
#define SHELL_MONKEY_H

#include <stdint.h>

#include "shell/replay.h"

typedef struct {
    long events;
    long presses, taps, drags, texts, jumps, renders;
    long confirms; /* requests that reached the done screen */
    long screens[SCREEN_COUNT];
    long rss_kb_warm, rss_kb_end; /* after the first tenth, and at the end */
} monkey_stats_t;

/* Run n events with seed on the harness r (headless app). */
void monkey_run(replay_t *r, long n, uint64_t seed, monkey_stats_t *st);

#endif
