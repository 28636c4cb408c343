/* screens/speak.c - what speech mode says: screens as they appear, targets as they are first
 * touched, keys as they type, errors as they come. */
#include "screens/speak.h"

#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "screens/common.h"
#include "text/locale.h"
#include "text/utf8.h"

#define TAKA_SIGN "\u09f3"

/* One announcement: its utterances go out one after another; the first interrupts what is
 * being said (and may bring the chime). */
typedef struct {
    view_t *v;
    const app_t *app;
    unsigned flags;
} talk_t;

static bool active(const view_t *v, const app_t *app)
{
    return v->speech && app->s.access.speech && !app_in_tech(app);
}

/* The voice for a text: Bangla when it holds a Bangla character (a service name with "NID"
 * in it too), English otherwise ("English" on the language toggle, "ABC" on the keyboard). */
static lang_t voice_for(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (p[0] == 0xE0 && (p[1] == 0xA6 || p[1] == 0xA7)) /* U+0980..U+09FF */
            return LANG_BN;
    return LANG_EN;
}

/* The taka sign as a word the synthesizer says ("৳ ৫০" -> "টাকা ৫০", "Taka 50"). */
static void words_for_signs(lang_t lang, const char *text, char *out, size_t cap)
{
    const char *word = lang == LANG_BN ? "টাকা" : "Taka";
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < cap;) {
        if (strncmp(p, TAKA_SIGN, strlen(TAKA_SIGN)) == 0 && n + strlen(word) + 1 < cap) {
            memcpy(out + n, word, strlen(word));
            n += strlen(word);
            p += strlen(TAKA_SIGN);
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
}

/* Where a text longer than one utterance may be is cut: after the last sentence end, else the
 * last space, before max bytes. */
static size_t cut_at(const char *s, size_t max)
{
    size_t space = 0;
    for (size_t i = 1; i < max && s[i]; i++) {
        if (s[i] != ' ')
            continue;
        space = i;
        if (s[i - 1] == '.' || (i >= 3 && strncmp(s + i - 3, "।", 3) == 0))
            return i;
    }
    return space ? space : max;
}

static void talk(talk_t *t, const char *text)
{
    if (!text || !text[0])
        return;
    char buf[2 * SPEECH_TEXT_MAX];
    words_for_signs(t->app->lang, text, buf, sizeof buf);
    for (const char *p = buf; *p;) {
        size_t len = strlen(p);
        if (len >= SPEECH_TEXT_MAX)
            len = cut_at(p, SPEECH_TEXT_MAX - 1);
        char chunk[SPEECH_TEXT_MAX];
        memcpy(chunk, p, len);
        chunk[len] = '\0';
        /* The queue holds SPEECH_QUEUE_MAX; a longer announcement loses its tail, never the
         * screen. */
        speech_say_text(t->v->speech, voice_for(chunk), chunk, app_unix_now(t->app), t->flags);
        t->flags = 0;
        p += len;
        p += strspn(p, " ");
    }
}

static void talk_phrase(talk_t *t, const speech_phrase_t *p)
{
    speech_say_phrase(t->v->speech, p, app_unix_now(t->app), t->flags);
    t->flags = 0;
}

static void talk_msg(talk_t *t, const char *msgid)
{
    talk(t, app_tr(t->app, msgid));
}

/* A translated template with one or two arguments. */
static void talk_fmt(talk_t *t, const char *msgid, const char *a, const char *b)
{
    char out[SPEECH_TEXT_MAX];
    const char *args[] = {a, b ? b : ""};
    if (i18n_format(app_tr(t->app, msgid), args, b ? 2 : 1, out, sizeof out) >= 0)
        talk(t, out);
}

/* "label: value" as one sentence. */
static void talk_pair(talk_t *t, const char *label, const char *value)
{
    char out[SPEECH_TEXT_MAX];
    if (snprintf(out, sizeof out, "%s: %s", label, value) >= 0) /* cut short at worst */
        talk(t, out);
}

static void number_text(const app_t *app, long n, char *out, size_t cap)
{
    char ascii[24];
    snprintf(ascii, sizeof ascii, "%ld", n);
    if (locale_digits(app->lang, ascii, out, cap) < 0)
        snprintf(out, cap, "%s", ascii);
}

/* Digits and signs one by one ("০১৭১" -> "শূন্য এক সাত এক"): an NID or a mobile number is
 * checked digit by digit, never heard as one large number. */
static void spelled(const app_t *app, const char *s, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; s[i];) {
        uint32_t cp;
        int len = utf8_decode(s + i, strlen(s + i), &cp);
        if (len <= 0)
            break;
        char ch[8];
        memcpy(ch, s + i, (size_t)len);
        ch[len] = '\0';
        speech_phrase_t p;
        const char *word = speech_phrase_char(&p, app->lang, ch) == 0 ? p.text[0] : ch;
        int w = snprintf(out + n, cap - n, "%s%s", n ? " " : "", word);
        if (w < 0 || (size_t)w >= cap - n)
            break;
        n += (size_t)w;
        i += (size_t)len;
    }
}

/* A field's content as it should be heard: text as it is, a date as the review shows it
 * (validated values only: typed dates are spelled), numbers digit by digit. */
static void field_content(const app_t *app, const catalog_field_t *f, const char *value,
                          bool validated, char *out, size_t cap)
{
    if (f->type == FIELD_TEXT || f->type == FIELD_CHOICE || (f->type == FIELD_DATE && validated)) {
        screens_display_value(app, f, value, out, cap);
        return;
    }
    spelled(app, value, out, cap);
}

/* ---- screens ---- */

static void welcome(talk_t *t)
{
    /* Both languages: nobody has chosen one yet. */
    for (int l = 0; l < LANG_COUNT; l++) {
        talk(t, i18n_get(t->app->i18n, (lang_t)l, "welcome.title"));
        talk(t, i18n_get(t->app->i18n, (lang_t)l, "speech.welcome"));
    }
}

static void fees(talk_t *t, int service, bool all)
{
    app_fees_t f;
    app_fees(t->app, service, t->app->lang, &f);
    for (int i = all ? 0 : APP_FEE_TOTAL; i < APP_FEE_LINES; i++)
        talk_pair(t, f.label[i], f.value[i]);
}

static void service(talk_t *t)
{
    const app_t *app = t->app;
    const catalog_service_t *s = app_service(app);
    char days[128];
    talk(t, s->name.s[app->lang]);
    talk(t, s->description.s[app->lang]);
    fees(t, app->s.service, true);
    screens_days_text(app, s->processing_days, days, sizeof days);
    talk_pair(t, app_tr(app, "service.time"), days);
    talk_msg(t, N_("service.documents"));
    if (s->document_count == 0)
        talk_msg(t, N_("service.no_documents"));
    for (int i = 0; i < s->document_count; i++)
        talk(t, s->documents[i].s[app->lang]);
    talk_msg(t, N_("speech.service"));
}

static void form(talk_t *t)
{
    const app_t *app = t->app;
    const catalog_service_t *svc = app_service(app);
    const catalog_field_t *f = app_form_field(app);
    char n[24], m[24], text[TEXT_EDIT_CAP * 8];
    number_text(app, app->s.field + 1, n, sizeof n);
    number_text(app, svc->field_count, m, sizeof m);
    talk_fmt(t, N_("speech.step"), n, m);
    talk(t, f->label.s[app->lang]);
    if (app->s.error != VALID_OK) {
        screens_field_error(app, f, text, sizeof text);
        talk(t, text);
    } else if (f->hint.s[app->lang][0]) {
        talk(t, f->hint.s[app->lang]);
    } else if (f->optional) {
        talk_msg(t, N_("form.optional"));
    }
    const char *typed = app->s.input[app->s.field].buf;
    if (typed[0]) {
        field_content(app, f, typed, false, text, sizeof text);
        talk_fmt(t, N_("speech.typed"), text, NULL);
    }
    talk_msg(t, f->type == FIELD_CHOICE ? N_("speech.form_choice")
                : f->type == FIELD_TEXT ? N_("speech.form_text")
                                        : N_("speech.form_digits"));
}

/* "label: answer", numbers digit by digit. */
static void answer(talk_t *t, const catalog_field_t *f, const char *value)
{
    const app_t *app = t->app;
    char text[TEXT_EDIT_CAP * 8];
    if (value[0])
        field_content(app, f, value, true, text, sizeof text);
    else
        snprintf(text, sizeof text, "%s", app_tr(app, "review.empty"));
    talk_pair(t, f->label.s[app->lang], text);
}

static void review(talk_t *t)
{
    const app_t *app = t->app;
    const catalog_service_t *svc = app_service(app);
    talk_msg(t, N_("review.title"));
    talk(t, svc->name.s[app->lang]);
    /* Field by field, as the rows show them. */
    for (int i = 0; i < svc->field_count; i++)
        answer(t, &svc->fields[i], app->s.value[i]);
    fees(t, app->s.service, false);
    talk_msg(t, N_("speech.review"));
}

/* The receipt's state as the done screen shows it (its "receipt:" mark names it). */
static void receipt(talk_t *t)
{
    const ui_t *ui = t->v->ui;
    for (int i = 0; i < ui->hit_count; i++)
        if (strncmp(ui->hits[i].id, "receipt:", 8) == 0 && ui->hits[i].say) {
            talk(t, ui->hits[i].say);
            if (strcmp(ui->hits[i].id, "receipt:failed") == 0)
                talk_msg(t, N_("print.kept")); /* and what to do about it */
        }
}

static void token(talk_t *t)
{
    speech_phrase_t p;
    if (speech_phrase_token(&p, t->app->lang, t->app->s.token) == 0)
        talk_phrase(t, &p);
}

static void done(talk_t *t)
{
    const app_t *app = t->app;
    const catalog_service_t *s = app_service(app);
    talk_msg(t, N_("done.title"));
    talk(t, s->name.s[app->lang]);
    token(t);
    receipt(t);
    talk_msg(t, N_("done.next_steps"));
    /* What the receipt says that matters at the counter: the documents to bring. */
    talk_msg(t, N_("speech.receipt"));
    for (int i = 0; i < s->document_count; i++)
        talk(t, s->documents[i].s[app->lang]);
    talk_msg(t, N_("speech.done"));
}

static void screen(talk_t *t)
{
    const app_t *app = t->app;
    switch (app->screen) {
    case SCREEN_WELCOME:
        welcome(t);
        break;
    case SCREEN_CATEGORIES:
        talk_msg(t, N_("categories.title"));
        talk_msg(t, N_("speech.categories"));
        break;
    case SCREEN_SEARCH:
        talk_msg(t, N_("search.title"));
        talk_msg(t, N_("speech.search"));
        break;
    case SCREEN_SERVICES:
        talk(t, app->catalog->categories[app->s.category].name.s[app->lang]);
        talk_msg(t, N_("speech.services"));
        break;
    case SCREEN_SERVICE:
        service(t);
        break;
    case SCREEN_FORM:
        form(t);
        break;
    case SCREEN_REVIEW:
        review(t);
        break;
    case SCREEN_DONE:
        done(t);
        break;
    default:
        break;
    }
}

static void dialog(talk_t *t)
{
    const app_t *app = t->app;
    switch (app->dialog) {
    case DIALOG_IDLE: {
        /* Warned by sound as well as by words: a chime first. */
        t->flags |= SPEECH_CHIME;
        char n[24];
        talk_msg(t, N_("idle.title"));
        number_text(app, app->cfg->idle_countdown_s, n, sizeof n);
        talk_fmt(t, N_("idle.body"), n, NULL);
        talk_msg(t, app_more_time_left(app) ? N_("speech.idle_more") : N_("speech.idle"));
        break;
    }
    case DIALOG_HOME:
        talk_msg(t, N_("leave.title"));
        talk_msg(t, N_("leave.body"));
        break;
    case DIALOG_ERROR:
        talk_msg(t, N_("error.title"));
        talk_msg(t, app->error_msgid);
        break;
    default:
        break;
    }
}

static void announce(talk_t *t)
{
    if (t->app->dialog != DIALOG_NONE)
        dialog(t);
    else
        screen(t);
}

/* ---- changes ---- */

static void catch_up(view_t *v, const app_t *app)
{
    v->seen_error = app->s.error;
    v->seen_error_field = app->s.field;
    v->seen_receipt = app->s.receipt;
}

void speak_update(view_t *v, const app_t *app)
{
    if (!v->speech)
        return;
    if (v->seen_volume != app->s.access.volume) {
        speech_set_volume(v->speech, app->s.access.volume);
        v->seen_volume = app->s.access.volume;
    }
    talk_t t = {v, app, SPEECH_INTERRUPT};
    bool on = active(v, app);
    if (on != v->seen_speech) {
        v->seen_speech = on;
        if (on && app->screen == SCREEN_WELCOME) {
            /* Before a language is chosen: in both, as the welcome itself. */
            for (int l = 0; l < LANG_COUNT; l++)
                talk(&t, i18n_get(app->i18n, (lang_t)l, "speech.on"));
            announce(&t);
        } else if (on) {
            talk_msg(&t, N_("speech.on"));
            announce(&t);
        }
        v->announce = false;
    } else if (on && v->announce) {
        v->announce = false;
        announce(&t);
    } else if (on && app->screen == SCREEN_FORM && app->dialog == DIALOG_NONE &&
               app->s.error != VALID_OK &&
               (app->s.error != v->seen_error || app->s.field != v->seen_error_field)) {
        char err[512];
        screens_field_error(app, app_form_field(app), err, sizeof err);
        talk(&t, err);
    } else if (on && app->screen == SCREEN_DONE && app->s.receipt != v->seen_receipt) {
        receipt(&t);
    }
    catch_up(v, app);
}

/* ---- touches ---- */

static const text_edit_t *typing_into(const app_t *app)
{
    if (app->screen == SCREEN_SEARCH)
        return &app->s.query;
    if (app->screen == SCREEN_FORM && app_form_field(app)->type != FIELD_CHOICE)
        return &app->s.input[app->s.field];
    return NULL;
}

static bool is_key(const char *id)
{
    return strncmp(id, "key:", 4) == 0 || strncmp(id, "kbd:", 4) == 0;
}

void speak_target(view_t *v, const app_t *app, const ui_hit_t *h)
{
    if (!active(v, app))
        return;
    talk_t t = {v, app, SPEECH_INTERRUPT};
    speech_phrase_t p;
    if (is_key(h->id) && speech_phrase_key(&p, app->lang, h->id) == 0) {
        talk_phrase(&t, &p);
    } else if (strcmp(h->id, "token") == 0) {
        token(&t);
    } else if (strncmp(h->id, "field:", 6) == 0 && app->screen == SCREEN_FORM) {
        /* A field's content on request. */
        const catalog_field_t *f = app_form_field(app);
        const char *typed = app->s.input[app->s.field].buf;
        char text[TEXT_EDIT_CAP * 8];
        talk(&t, f->label.s[app->lang]);
        if (typed[0])
            field_content(app, f, typed, false, text, sizeof text);
        else
            snprintf(text, sizeof text, "%s", app_tr(app, "speech.empty"));
        talk(&t, text);
    } else if (strncmp(h->id, "edit:", 5) == 0 && app->screen == SCREEN_REVIEW) {
        /* A review row: its answer as the review reads it. */
        const catalog_service_t *svc = app_service(app);
        for (int i = 0; i < svc->field_count; i++)
            if (strcmp(svc->fields[i].id, h->id + 5) == 0)
                answer(&t, &svc->fields[i], app->s.value[i]);
    } else if (h->say) {
        talk(&t, h->say);
    }
}

/* The word the caret ends: from the last space before it. */
static void word_so_far(const text_edit_t *e, char *out, size_t cap)
{
    size_t end = e->caret, start = end;
    while (start > 0 && e->buf[start - 1] != ' ')
        start--;
    size_t n = end - start < cap - 1 ? end - start : cap - 1;
    memcpy(out, e->buf + start, n);
    out[n] = '\0';
}

static void typed(talk_t *t, const char *id)
{
    const app_t *app = t->app;
    speech_phrase_t p;
    bool character = strncmp(id, "key:", 4) == 0 && speech_phrase_char(&p, app->lang, id + 4) == 0;
    if (character || speech_phrase_key(&p, app->lang, id) == 0)
        talk_phrase(t, &p);
    const text_edit_t *e = typing_into(app);
    if (!e || !(character || strcmp(id, "key:backspace") == 0 || strcmp(id, "key:space") == 0))
        return;
    bool text = app->screen == SCREEN_SEARCH || app_form_field(app)->type == FIELD_TEXT;
    /* A name is heard as it grows; a number would only be read back as digits again. */
    char word[TEXT_EDIT_CAP];
    word_so_far(e, word, sizeof word);
    /* The word, unless it is just the letter that was named. */
    if (text && word[0] && !(character && strcmp(word, id + 4) == 0))
        talk(t, word);
    if (app->screen == SCREEN_SEARCH && app->s.query.len > 0) {
        char n[24];
        number_text(app, app->s.hit_count, n, sizeof n);
        if (app->s.hit_count == 0)
            talk_msg(t, N_("search.none"));
        else
            talk_fmt(t, N_("speech.results"), n, NULL);
    }
}

static void toggled(talk_t *t, const char *id)
{
    const app_t *app = t->app;
    bool large = strcmp(id, "text:large") == 0;
    if (large || strcmp(id, "theme:contrast") == 0) {
        bool on = large ? app->s.access.large_text : app->s.access.contrast;
        talk_fmt(t, on ? N_("access.on") : N_("access.off"),
                 app_tr(app, large ? N_("access.large_text") : N_("access.contrast")), NULL);
    } else if (strncmp(id, "volume:", 7) == 0) {
        char n[24];
        number_text(app, app->s.access.volume, n, sizeof n);
        talk_fmt(t, N_("speech.volume"), n, NULL);
    } else if (strncmp(id, "opt:", 4) == 0) {
        const catalog_field_t *f = app_form_field(app);
        for (int i = 0; i < f->option_count; i++)
            if (strcmp(f->options[i].value, id + 4) == 0)
                talk_fmt(t, N_("speech.chosen"), f->options[i].label.s[app->lang], NULL);
    }
}

void speak_pressed(view_t *v, const app_t *app, const char *id)
{
    if (!v->speech)
        return;
    talk_t t = {v, app, SPEECH_INTERRUPT};
    if (strcmp(id, "speech") == 0 && !app->s.access.speech) {
        talk_msg(&t, N_("speech.off")); /* the last thing said until it is turned on again */
        return;
    }
    if (!active(v, app))
        return;
    if (is_key(id))
        typed(&t, id);
    else
        toggled(&t, id);
}

void speak_prepare(speech_t *sp, const i18n_t *i18n)
{
    static const char *const fixed[] = {
        N_("speech.on"),          "welcome.title",         N_("speech.welcome"),
        N_("categories.title"),   N_("speech.categories"), N_("speech.services"),
        N_("speech.service"),     N_("speech.form_text"),  N_("speech.form_digits"),
        N_("speech.form_choice"), N_("speech.review"),     N_("speech.done"),
        N_("idle.title"),         N_("speech.idle_more"),
    };
    for (int l = 0; l < LANG_COUNT; l++)
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
            speech_part_t part = {.key = NULL, .text = i18n_get(i18n, (lang_t)l, fixed[i])};
            speech_prepare(sp, voice_for(part.text), &part, 1);
        }
}
