/*
 * shell/speaker.h - the speech engine from the configuration, for the kiosk's speech mode and
 * the queue board's calls: recorded clips from assets/voice, [speech] device and volume,
 * --audio-out DIR. Headless runs play nothing (every utterance counts as said when
 * rendered, so runs are repeatable); --audio-out still writes each one.
 */
#ifndef SHELL_SPEAKER_H
#define SHELL_SPEAKER_H

#include <stdbool.h>

#include "shell/boot.h"
#include "shell/options.h"
#include "speech/speech.h"

/* The engine, or NULL when it cannot start (said once on stderr, without anything a citizen
 * typed: the reason names a file or eSpeak NG's data). */
speech_t *speaker_open(const kiosk_t *k, const options_t *o, bool headless);

#endif
