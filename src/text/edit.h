/*
 * text/edit.h - the text a citizen is typing into one field.
 *
 * Text is kept exactly as typed, in logical order: a Bangla keyboard emits ক, ি and the
 * shaper draws ি on the left. Backspace removes one code point, as Bangla keyboards do
 * (ক্ষি → ক্ষ → ক্ → ক), so a mistyped vowel sign can be fixed without retyping the conjunct;
 * the caret moves by whole grapheme clusters so it never sits inside a conjunct.
 * Storage is a fixed buffer inside the struct: nothing to free, and wiping is one call.
 */
#ifndef TEXT_EDIT_H
#define TEXT_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_EDIT_CAP 512 /* bytes, including the NUL: 120 Bangla code points fit easily */

typedef struct {
    char buf[TEXT_EDIT_CAP];
    size_t len;     /* bytes in buf, excluding the NUL */
    size_t caret;   /* byte offset, always on a cluster boundary after moves */
    size_t max_cps; /* most code points the field takes */
} text_edit_t;

void text_edit_init(text_edit_t *e, size_t max_cps);

/* Insert valid UTF-8 at the caret. False (and nothing changed) when s is not valid UTF-8
 * or the field would exceed its limit. */
bool text_edit_insert(text_edit_t *e, const char *s);

/* Replace the whole text (caret at the end); same checks as insert. */
bool text_edit_set(text_edit_t *e, const char *s);

/* Remove the code point before the caret. False when the caret is at the start. */
bool text_edit_backspace(text_edit_t *e);

/* Move the caret one grapheme cluster. False when it cannot move. */
bool text_edit_left(text_edit_t *e);
bool text_edit_right(text_edit_t *e);

/* Put the caret at byte offset `at`. False (and nothing changed) unless `at` is a grapheme
 * cluster boundary: the caret never lands inside a conjunct or before a vowel sign. */
bool text_edit_set_caret(text_edit_t *e, size_t at);

/* Zero everything typed (explicit_bzero, so the compiler cannot skip it). */
void text_edit_wipe(text_edit_t *e);

#endif
