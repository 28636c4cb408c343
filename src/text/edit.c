/* text/edit.c - a field's text: insert, backspace by code point, caret by cluster. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "text/edit.h"

#include <string.h>

#include "text/unicode.h"
#include "text/utf8.h"

void text_edit_init(text_edit_t *e, size_t max_cps)
{
    text_edit_wipe(e);
    e->max_cps = max_cps;
}

bool text_edit_insert(text_edit_t *e, const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || !utf8_valid(s, n, NULL))
        return n == 0;
    if (e->len + n >= TEXT_EDIT_CAP)
        return false;
    if (utf8_count(e->buf, e->len) + utf8_count(s, n) > e->max_cps)
        return false;
    memmove(e->buf + e->caret + n, e->buf + e->caret, e->len - e->caret);
    memcpy(e->buf + e->caret, s, n);
    e->len += n;
    e->caret += n;
    e->buf[e->len] = '\0';
    return true;
}

bool text_edit_set(text_edit_t *e, const char *s)
{
    size_t max = e->max_cps;
    text_edit_init(e, max);
    if (text_edit_insert(e, s))
        return true;
    text_edit_init(e, max);
    return false;
}

bool text_edit_backspace(text_edit_t *e)
{
    if (e->caret == 0)
        return false;
    size_t start = utf8_prev(e->buf, e->caret);
    size_t n = e->caret - start;
    memmove(e->buf + start, e->buf + e->caret, e->len - e->caret);
    e->len -= n;
    e->caret = start;
    /* Clear the tail so no byte of the removed text lingers past the NUL. */
    memset(e->buf + e->len, 0, n);
    return true;
}

bool text_edit_left(text_edit_t *e)
{
    if (e->caret == 0)
        return false;
    e->caret = unicode_cluster_prev(e->buf, e->len, e->caret);
    return true;
}

bool text_edit_right(text_edit_t *e)
{
    if (e->caret >= e->len)
        return false;
    e->caret = unicode_cluster_next(e->buf, e->len, e->caret);
    return true;
}

bool text_edit_set_caret(text_edit_t *e, size_t at)
{
    size_t b = 0;
    while (b < at && b < e->len)
        b = unicode_cluster_next(e->buf, e->len, b);
    if (b != at)
        return false;
    e->caret = at;
    return true;
}

void text_edit_wipe(text_edit_t *e)
{
    explicit_bzero(e, sizeof *e);
}
