/*
 * screens/speak.h - speech mode: what the view says, from what it shows and what was touched.
 * Speaking is output, like drawing: these functions read the app (const) and the display
 * list and hand utterances to the speech engine the view borrows (v->speech); they never
 * change the app, and do nothing when speech mode is off or there is no engine.
 *
 *   a screen or dialog appears   its title and what to do there (the review field by field;
 *                                the done screen's token character by character, where to go
 *                                and what the receipt says; the idle warning with a chime)
 *   a first touch on a target    its name (the label it shows, or ui_say's name for an icon;
 *                                keys by speech_phrase_key)
 *   a key typed                  the character's name, then the word so far
 *   an error appears             the error
 *
 * A new announcement interrupts what is being said. What is said is a citizen's data: it
 * goes to the engine only (which writes it nowhere but --audio-out), never to a log.
 */
#ifndef SCREENS_SPEAK_H
#define SCREENS_SPEAK_H

#include "app/state.h"
#include "screens/view.h"
#include "speech/speech.h"

/* After a build: announce what appeared (a screen, a dialog, speech mode itself), an error,
 * a receipt's new state; apply the citizen's volume. */
void speak_update(view_t *v, const app_t *app);

/* A first touch in speech mode: say what the target under the finger is. */
void speak_target(view_t *v, const app_t *app, const ui_hit_t *h);

/* After a press that kept the screen: a typed key and the word so far, an option chosen, a
 * toggle's new state, the volume. */
void speak_pressed(view_t *v, const app_t *app, const char *id);

/* Synthesize the fixed sentences of speech mode into the engine's cache at start-up, so that
 * their first saying is quick too. */
void speak_prepare(speech_t *sp, const i18n_t *i18n);

#endif
