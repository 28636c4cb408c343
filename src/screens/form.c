/* screens/form.c - one field at a time, with the right keyboard and inline validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens/screens.h"
#include "text/locale.h"
#include "text/shape.h"
#include "text/unicode.h"
#include "ui/widgets.h"

#define ICON_NEXT 0xe5c8

/* Longest input per type, in code points: room for spaces people put between groups. */
static size_t field_max_cps(const catalog_field_t *f)
{
    switch (f->type) {
    case FIELD_TEXT:
        return (size_t)f->max_len + 8; /* extra spaces are squeezed later */
    case FIELD_NID:
    case FIELD_BRN:
        return 22;
    case FIELD_MOBILE:
        return 16;
    case FIELD_DATE:
        return 10;
    case FIELD_NUMBER:
        return 12;
    default:
        return CATALOG_ID_MAX;
    }
}

static const catalog_service_t *service(const app_t *app)
{
    return &app->catalog->services[app->s.service];
}

static kb_layout_t layout_for(const app_t *app, const catalog_field_t *f)
{
    switch (f->type) {
    case FIELD_TEXT:
        return app->s.text_kb;
    case FIELD_DATE:
        return KB_DATE;
    default:
        return KB_DIGITS;
    }
}

void screen_form_enter(app_t *app, int field)
{
    session_t *s = &app->s;
    const catalog_service_t *svc = service(app);
    if (s->form_service != s->service) {
        /* Another service than the one typed for: its answers do not belong here. */
        for (int i = 0; i < CATALOG_MAX_FIELDS; i++) {
            text_edit_init(&s->input[i], i < svc->field_count ? field_max_cps(&svc->fields[i]) : 0);
            memset(s->value[i], 0, sizeof s->value[i]);
        }
        s->form_service = s->service;
        s->text_kb = app->lang == LANG_BN ? KB_BANGLA : KB_LATIN;
    }
    s->field = field;
    s->error = VALID_OK;
    s->kb_page = 0;
    screens_go(app, SCREEN_FORM);
}

static void error_text(const app_t *app, const catalog_field_t *f, char *out, size_t cap)
{
    char a[32], b[32], la[48], lb[48];
    snprintf(a, sizeof a, "%lld", f->type == FIELD_TEXT ? (long long)f->max_len : f->min);
    snprintf(b, sizeof b, "%lld", f->max);
    locale_digits(app->lang, a, la, sizeof la);
    locale_digits(app->lang, b, lb, sizeof lb);
    const char *args[] = {la, lb};
    i18n_format(app_tr(app, validate_msgid(app->s.error)), args, 2, out, cap);
}

/* The field box: typed text scrolled so the caret is always visible, and the caret. */
static void field_box(app_t *app, ui_t *ui, const catalog_field_t *f, ui_rect_t r)
{
    const text_edit_t *e = &app->s.input[app->s.field];
    char id[UI_ID_MAX];
    snprintf(id, sizeof id, "field:%s", f->id);
    int radius = ui_mm(ui, 2.0f), border = ui_mm(ui, 0.5f);
    ui_rect(ui, r, COLOR_SURFACE, radius);
    ui_outline(ui, r, app->s.error ? COLOR_ERROR : COLOR_PRIMARY, radius, border > 1 ? border : 1);
    ui_hit(ui, id, r); /* a tap places the caret */
    int pad = ui_mm(ui, 2.5f);
    ui_rect_t in = {r.x + pad, r.y, r.w - 2 * pad, r.h};
    text_style_t st = {.size_px = ui_mm(ui, SIZE_TITLE)};
    text_box_t box = {.style = st, .max_w = 8192, .max_lines = 1};
    if (e->len == 0 && f->type == FIELD_DATE) {
        box.max_w = in.w;
        ui_text(ui, in, app_tr(app, "form.date_placeholder"), &box, COLOR_LINE, TEXT_ALIGN_LEFT,
                UI_VALIGN_MIDDLE);
    }
    int caret_x = text_measure(ui->fonts, st, e->buf, e->caret);
    int room = in.w - ui_mm(ui, 2.0f);
    int offset = caret_x > room ? caret_x - room : 0;
    app->field_text_x = in.x - offset;
    app->field_text_px = st.size_px;
    ui_rect_t saved;
    ui_push_clip(ui, in, &saved);
    if (e->len > 0)
        ui_text(ui, (ui_rect_t){in.x - offset, in.y, 8192, in.h}, e->buf, &box, COLOR_TEXT,
                TEXT_ALIGN_LEFT, UI_VALIGN_MIDDLE);
    int ch = st.size_px * 3 / 2;
    ui_rect(ui, (ui_rect_t){in.x - offset + caret_x, r.y + (r.h - ch) / 2, ui_mm(ui, 0.5f), ch},
            COLOR_PRIMARY, 0);
    ui_pop_clip(ui, saved);
}

static void options(app_t *app, ui_t *ui, const catalog_field_t *f, ui_rect_t area)
{
    int cols = area.w > ui_mm(ui, 120.0f) ? 2 : 1;
    int gap = ui_mm(ui, 2.5f);
    int rows = (f->option_count + cols - 1) / cols;
    int bh = (area.h - (rows - 1) * gap) / rows;
    if (bh > ui_mm(ui, 16.0f))
        bh = ui_mm(ui, 16.0f);
    int bw = (area.w - (cols - 1) * gap) / cols;
    for (int i = 0; i < f->option_count; i++) {
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "opt:%s", f->options[i].value);
        bool chosen = strcmp(app->s.input[app->s.field].buf, f->options[i].value) == 0;
        ui_rect_t r = {area.x + (i % cols) * (bw + gap), area.y + (i / cols) * (bh + gap), bw, bh};
        widget_button(ui, id, r, f->options[i].label.s[app->lang], chosen ? 0xe86c : 0,
                      chosen ? BUTTON_SELECTED : BUTTON_SECONDARY);
    }
}

/* Label, step counter and the hint or the error under it; returns the height. */
static int heading(app_t *app, ui_t *ui, const catalog_field_t *f, int x, int y, int w)
{
    const catalog_service_t *svc = service(app);
    char n[16], m[16], ln[32], lm[32], step[96], err[256];
    snprintf(n, sizeof n, "%d", app->s.field + 1);
    snprintf(m, sizeof m, "%d", svc->field_count);
    locale_digits(app->lang, n, ln, sizeof ln);
    locale_digits(app->lang, m, lm, sizeof lm);
    const char *args[] = {ln, lm};
    i18n_format(app_tr(app, "form.step"), args, 2, step, sizeof step);
    int sw = ui_mm(ui, 22.0f);
    widget_label(ui, (ui_rect_t){x + w - sw, y, sw, 0}, step, SIZE_SMALL, false, COLOR_MUTED,
                 TEXT_ALIGN_RIGHT, 1);
    int h = widget_label(ui, (ui_rect_t){x, y, w - sw, 0}, f->label.s[app->lang], SIZE_LABEL, true,
                         COLOR_TEXT, TEXT_ALIGN_LEFT, 1);
    const char *under = f->hint.s[app->lang];
    ui_color_t color = COLOR_MUTED;
    if (app->s.error != VALID_OK) {
        error_text(app, f, err, sizeof err);
        under = err;
        color = COLOR_ERROR;
        ui_mark(ui, "error", (ui_rect_t){x, y + h, w, ui_mm(ui, 5.0f)});
    } else if (f->optional && !under[0]) {
        under = app_tr(app, "form.optional");
    }
    return h +
           widget_label(ui, (ui_rect_t){x, y + h, w, 0}, under, SIZE_SMALL,
                        app->s.error != VALID_OK, color, TEXT_ALIGN_LEFT, 1) +
           ui_mm(ui, 1.0f);
}

void screen_form_build(app_t *app, ui_t *ui)
{
    const catalog_service_t *svc = service(app);
    const catalog_field_t *f = &svc->fields[app->s.field];
    ui_rect_t body = chrome_top_bar(app, ui, svc->name.s[app->lang]);
    int pad = ui_mm(ui, PAD_MM), w = ui->w - 2 * pad;
    int y = body.y + pad / 2;
    y += heading(app, ui, f, pad, y, w);
    bool last = app->s.field == svc->field_count - 1 || app->s.from_review;
    const char *next_label = app_tr(app, last ? N_("form.review") : N_("form.next"));
    int fh = ui_mm(ui, 13.0f), nw = ui_mm(ui, 30.0f), gap = ui_mm(ui, 2.0f);
    if (f->type == FIELD_CHOICE) {
        int bh = ui_mm(ui, 13.0f);
        ui_rect_t btn = {ui->w - pad - ui_mm(ui, 60.0f), ui->h - pad - bh, ui_mm(ui, 60.0f), bh};
        widget_button(ui, "next", btn, next_label, ICON_NEXT, BUTTON_PRIMARY);
        ui_rect_t area = {pad, y + gap, w, btn.y - y - 2 * gap};
        char id[UI_ID_MAX];
        snprintf(id, sizeof id, "field:%s", f->id);
        ui_mark(ui, id, area);
        options(app, ui, f, area);
        return;
    }
    field_box(app, ui, f, (ui_rect_t){pad, y, w - nw - gap, fh});
    widget_button(ui, "next", (ui_rect_t){pad + w - nw, y, nw, fh}, next_label, 0, BUTTON_PRIMARY);
    y += fh + gap;
    kb_layout_t kb = layout_for(app, f);
    /* Edge to edge: on a 480-pixel portrait panel ten keys need every pixel to stay 9 mm. */
    int kh = keyboard_height(ui, kb, ui->w, ui->h - y - pad / 2);
    keyboard_build(ui, (ui_rect_t){0, ui->h - pad / 2 - kh, ui->w, kh}, kb, app->s.kb_page,
                   app->lang);
}

/* Validate the focused field; on success move on (to the review after the last one). */
static void next(app_t *app)
{
    session_t *s = &app->s;
    const catalog_service_t *svc = service(app);
    locale_tm_t today;
    locale_dhaka_time(app_unix_now(app), &today);
    s->error = validate_field(&svc->fields[s->field], s->input[s->field].buf, &today,
                              s->value[s->field], sizeof s->value[0]);
    if (s->error != VALID_OK)
        return;
    if (s->field + 1 < svc->field_count && !s->from_review) {
        s->field++;
        s->kb_page = 0;
        return;
    }
    s->from_review = false;
    screens_go(app, SCREEN_REVIEW);
}

static bool press_key(app_t *app, const char *name)
{
    session_t *s = &app->s;
    text_edit_t *e = &s->input[s->field];
    if (strcmp(name, "backspace") == 0)
        text_edit_backspace(e);
    else if (strcmp(name, "left") == 0)
        text_edit_left(e);
    else if (strcmp(name, "right") == 0)
        text_edit_right(e);
    else if (strcmp(name, "shift") == 0)
        s->kb_page = s->kb_page ? 0 : 1;
    else if (strcmp(name, "done") == 0)
        next(app);
    else if (strcmp(name, "space") == 0)
        text_edit_insert(e, " ");
    else {
        text_edit_insert(e, name);
        s->kb_page = 0; /* shift applies to one key, as on a phone */
    }
    if (strcmp(name, "done") != 0 && strcmp(name, "shift") != 0)
        s->error = VALID_OK; /* the citizen is fixing it: stop shouting */
    return true;
}

/* A tap in the field puts the caret at the cluster boundary nearest the finger, as phones
 * do: the way to fix one letter in the middle of a name without erasing the rest. */
static void place_caret(app_t *app)
{
    text_edit_t *e = &app->s.input[app->s.field];
    text_style_t st = {.size_px = app->field_text_px};
    int want = app->press_x - app->field_text_x;
    size_t best = 0;
    int best_d = abs(want);
    for (size_t b = 0; b < e->len;) {
        b = unicode_cluster_next(e->buf, e->len, b);
        int d = abs(text_measure(app->fonts, st, e->buf, b) - want);
        if (d < best_d) {
            best = b;
            best_d = d;
        }
    }
    text_edit_set_caret(e, best);
}

bool screen_form_press(app_t *app, const char *id)
{
    session_t *s = &app->s;
    bool choice = service(app)->fields[s->field].type == FIELD_CHOICE;
    if (strncmp(id, "key:", 4) == 0 && id[4])
        return !choice && press_key(app, id + 4);
    if (strcmp(id, "kbd:bn") == 0 || strcmp(id, "kbd:en") == 0) {
        s->text_kb = id[5] == 'b' ? KB_BANGLA : KB_LATIN;
        s->kb_page = 0;
        return true;
    }
    if (strncmp(id, "opt:", 4) == 0 && choice) {
        text_edit_set(&s->input[s->field], id + 4);
        s->error = VALID_OK;
        return true;
    }
    if (strcmp(id, "next") == 0) {
        next(app);
        return true;
    }
    if (strcmp(id, "back") == 0) {
        if (s->from_review) {
            s->from_review = false;
            screens_go(app, SCREEN_REVIEW);
        } else if (s->field > 0) {
            s->field--;
            s->error = VALID_OK;
            s->kb_page = 0;
        } else {
            screens_go(app, SCREEN_SERVICE);
        }
        return true;
    }
    if (strncmp(id, "field:", 6) != 0)
        return false;
    if (!choice && app->fonts && app->field_text_px > 0) /* the focused field is the only one */
        place_caret(app);
    return true;
}

void screen_form_type(app_t *app, const char *text)
{
    const catalog_field_t *f = &service(app)->fields[app->s.field];
    if (f->type != FIELD_CHOICE && text_edit_insert(&app->s.input[app->s.field], text)) {
        app->s.error = VALID_OK;
        app->dirty = true;
    }
}
