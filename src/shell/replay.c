/* shell/replay.c - the replay script interpreter. */
#include "shell/replay.h"

#include <SDL.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/error.h"
#include "io/file.h"
#include "shell/calibrate.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "ui/render.h"
#include "ui/widgets.h"

#define SCRIPT_MAX     (1024 * 1024)
#define LINE_MAX_BYTES 4096
#define DRAG_STEPS     8
#define SCROLL_TRIES   12 /* screenfuls a press scrolls through to find its target */
/* Speech mode: a person touches a target to hear it, then again to use it, this long after. */
#define SECOND_TOUCH_MS 400

typedef struct {
    replay_t *r;
    const char *name;
    int line;
    char *err;
    size_t errcap;
} ctx_t;

__attribute__((format(printf, 2, 3))) static int fail(ctx_t *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    error_vset(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errcap, "%s:%d: %s", c->name, c->line, msg);
    return -1;
}

void replay_render(replay_t *r)
{
    screens_build(r->view, r->app);
    ui_render(r->view->ui, display_begin(r->display), COLOR_BG);
    display_present(r->display);
}

/* Deliver a finger event exactly as a Pi touchscreen does: normalized, window 0. */
static void finger(replay_t *r, Uint32 type, int x, int y)
{
    SDL_Event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.tfinger.timestamp = (Uint32)r->app->now_ms;
    ev.tfinger.touchId = 1;
    ev.tfinger.fingerId = 1;
    ev.tfinger.windowID = 0;
    ev.tfinger.pressure = type == SDL_FINGERUP ? 0.0f : 1.0f;
    touch_map_invert(&r->input.map, x, y, &ev.tfinger.x, &ev.tfinger.y);
    event_t in;
    if (input_translate(&r->input, &ev, &in))
        screens_input(r->view, r->app, &in);
    calibrate_apply(&r->input, r->app, r->app->data_dir ? r->app->data_dir : ".");
    screens_build(r->view, r->app);
}

static void pass_time(replay_t *r, uint64_t ms);

static void tap(replay_t *r, int x, int y)
{
    /* Speech mode without playback: what the last touch made the kiosk say is rendered before
     * the next touch, so nothing waits in a full queue and speech.log is always the same. */
    if (r->view->speech)
        speech_wait_idle(r->view->speech, 60000);
    finger(r, SDL_FINGERDOWN, x, y);
    finger(r, SDL_FINGERUP, x, y);
}

/* A finger using a target: in speech mode (explore by touch) the first touch only names it,
 * so a person touches twice. */
static void use(replay_t *r, int x, int y)
{
    bool twice = r->app->s.access.speech && r->view->speech;
    tap(r, x, y);
    if (!twice)
        return;
    pass_time(r, SECOND_TOUCH_MS);
    tap(r, x, y);
}

static int cmd_tap(ctx_t *c, const char *args)
{
    int x, y;
    char extra;
    if (sscanf(args, "%d %d %c", &x, &y, &extra) != 2)
        return fail(c, "tap: expected \"tap X Y\"");
    if (x < 0 || y < 0 || x >= c->r->display->w || y >= c->r->display->h)
        return fail(c, "tap: %d,%d is outside the %dx%d screen", x, y, c->r->display->w,
                    c->r->display->h);
    tap(c->r, x, y);
    return 0;
}

/* Let simulated time pass while nothing else happens (timers run on the way). */
static void pass_time(replay_t *r, uint64_t ms)
{
    app_t *app = r->app;
    uint64_t target = app->now_ms + ms;
    for (uint64_t next = app_next_deadline(app); next <= target; next = app_next_deadline(app)) {
        app_advance(app, next > app->now_ms ? next : app->now_ms + 1);
        screens_build(r->view, app);
    }
    app_advance(app, target);
    screens_build(r->view, app);
}

static int cmd_hold(ctx_t *c, const char *args)
{
    int x, y;
    long ms;
    char extra;
    if (sscanf(args, "%d %d %ld %c", &x, &y, &ms, &extra) != 3 || ms < 0 || ms > 600000)
        return fail(c, "hold: expected \"hold X Y MS\"");
    if (x < 0 || y < 0 || x >= c->r->display->w || y >= c->r->display->h)
        return fail(c, "hold: %d,%d is outside the %dx%d screen", x, y, c->r->display->w,
                    c->r->display->h);
    finger(c->r, SDL_FINGERDOWN, x, y);
    pass_time(c->r, (uint64_t)ms);
    finger(c->r, SDL_FINGERUP, x, y);
    return 0;
}

static void drag(replay_t *r, int x0, int y0, int x1, int y1)
{
    finger(r, SDL_FINGERDOWN, x0, y0);
    for (int i = 1; i <= DRAG_STEPS; i++)
        finger(r, SDL_FINGERMOTION, x0 + (x1 - x0) * i / DRAG_STEPS,
               y0 + (y1 - y0) * i / DRAG_STEPS);
    finger(r, SDL_FINGERUP, x1, y1);
}

static int cmd_drag(ctx_t *c, const char *args)
{
    int x0, y0, x1, y1;
    char extra;
    if (sscanf(args, "%d %d %d %d %c", &x0, &y0, &x1, &y1, &extra) != 4)
        return fail(c, "drag: expected \"drag X1 Y1 X2 Y2\"");
    int w = c->r->display->w, h = c->r->display->h;
    if (x0 < 0 || x1 < 0 || y0 < 0 || y1 < 0 || x0 >= w || x1 >= w || y0 >= h || y1 >= h)
        return fail(c, "drag: a point is outside the %dx%d screen", w, h);
    drag(c->r, x0, y0, x1, y1);
    return 0;
}

/* A pressable widget with that id, respecting an open dialog. */
static const ui_hit_t *pressable(const ui_t *ui, const char *id)
{
    int from = ui->modal_from >= 0 ? ui->modal_from : 0;
    for (int i = ui->hit_count - 1; i >= from; i--)
        if (ui->hits[i].active && strcmp(ui->hits[i].id, id) == 0)
            return &ui->hits[i];
    return NULL;
}

/* Wait, as a person does, until what just appeared takes touches. */
static void wait_ready(replay_t *r)
{
    uint64_t ready = screens_ready_at(r->view, r->app);
    if (ready > r->app->now_ms)
        pass_time(r, ready - r->app->now_ms);
}

/* Not in view: scroll the list down a screenful at a time, as a person looking for it would,
 * until it can be pressed or the list ends; then back up, for what was scrolled past. */
static const ui_hit_t *scroll_to(replay_t *r, const char *id)
{
    bool up = false;
    for (int tries = 0; tries < 2 * SCROLL_TRIES; tries++) {
        screens_build(r->view, r->app);
        const ui_hit_t *h = pressable(r->view->ui, id);
        ui_rect_t a = r->view->scroll_area;
        if (h || a.h <= 0)
            return h;
        if (!up && r->view->scroll >= r->view->scroll_max)
            up = true;
        if (up && r->view->scroll <= 0)
            return NULL;
        int from = a.y + a.h * 4 / 5, to = a.y + a.h / 5;
        drag(r, a.x + a.w / 2, up ? to : from, a.x + a.w / 2, up ? from : to);
    }
    return NULL;
}

/* As a person would: wait until what just appeared takes touches, find it (scrolling when it
 * is further down a list), then tap its centre. */
static bool press_id(replay_t *r, const char *id)
{
    wait_ready(r);
    const ui_hit_t *h = scroll_to(r, id);
    if (!h)
        return false;
    use(r, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
    return true;
}

static int cmd_press(ctx_t *c, const char *id)
{
    if (!id[0])
        return fail(c, "press: expected \"press ID\"");
    if (!press_id(c->r, id))
        return fail(c, "press: no visible widget \"%s\" on %s", id,
                    app_screen_id(c->r->app->screen));
    return 0;
}

/* The longest visible key whose text starts s; digits may be pressed as their Bangla or
 * Latin twin, since both type the same number. */
static const ui_hit_t *key_for(const ui_t *ui, const char *s, size_t *used)
{
    const ui_hit_t *best = NULL;
    size_t best_len = 0;
    int from = ui->modal_from >= 0 ? ui->modal_from : 0;
    for (int i = from; i < ui->hit_count; i++) {
        const char *id = ui->hits[i].id;
        if (!ui->hits[i].active || strncmp(id, "key:", 4) != 0)
            continue;
        size_t n = strlen(id + 4);
        if (n > best_len && strncmp(s, id + 4, n) == 0 && strcmp(id, "key:backspace") &&
            strcmp(id, "key:space") && strcmp(id, "key:shift") && strcmp(id, "key:done") &&
            strcmp(id, "key:left") && strcmp(id, "key:right")) {
            best = &ui->hits[i];
            best_len = n;
        }
    }
    uint32_t want, have;
    if (!best && utf8_decode(s, strlen(s), &want) > 0 && unicode_digit_value(want) >= 0) {
        for (int i = from; i < ui->hit_count && !best; i++) {
            const char *k = ui->hits[i].id + 4;
            int n = utf8_decode(k, strlen(k), &have);
            if (strncmp(ui->hits[i].id, "key:", 4) == 0 && n > 0 && k[n] == '\0' &&
                unicode_digit_value(have) == unicode_digit_value(want)) {
                best = &ui->hits[i];
                best_len = (size_t)utf8_decode(s, strlen(s), &want);
            }
        }
    }
    *used = best_len;
    return best;
}

/* Find the key for s, turning pages the way a person would: shift, then the other script,
 * then its shift page. */
static const ui_hit_t *find_key(replay_t *r, const char *s, size_t *used)
{
    static const char *const tries[][2] = {{NULL, NULL},     {"key:shift", NULL},
                                           {"kbd:en", NULL}, {"kbd:en", "key:shift"},
                                           {"kbd:bn", NULL}, {"kbd:bn", "key:shift"}};
    for (size_t t = 0; t < sizeof tries / sizeof tries[0]; t++) {
        /* Undo a shift left on by the previous try. */
        if (r->app->s.kb_page != 0)
            press_id(r, "key:shift");
        bool ok = true;
        for (int k = 0; k < 2 && ok && tries[t][k]; k++)
            ok = press_id(r, tries[t][k]);
        if (!ok)
            continue;
        const ui_hit_t *h = key_for(r->view->ui, s, used);
        if (h)
            return h;
    }
    return NULL;
}

static int cmd_type(ctx_t *c, const char *text)
{
    char nfc[LINE_MAX_BYTES];
    if (!text[0] || unicode_nfc(text, strlen(text), nfc, sizeof nfc) < 0)
        return fail(c, "type: expected \"type TEXT\" with valid UTF-8");
    for (size_t i = 0; nfc[i];) {
        size_t used = 0;
        if (nfc[i] == ' ') {
            if (!press_id(c->r, "key:space"))
                return fail(c, "type: no space key on %s", app_screen_id(c->r->app->screen));
            i++;
            continue;
        }
        const ui_hit_t *h = find_key(c->r, nfc + i, &used);
        if (!h) {
            uint32_t cp = 0;
            utf8_decode(nfc + i, strlen(nfc + i), &cp);
            return fail(c, "type: no key types U+%04X (\"%.*s\") on %s", cp,
                        (int)(utf8_decode(nfc + i, strlen(nfc + i), &cp)), nfc + i,
                        app_screen_id(c->r->app->screen));
        }
        wait_ready(c->r);
        use(c->r, h->r.x + h->r.w / 2, h->r.y + h->r.h / 2);
        i += used;
    }
    return 0;
}

static int cmd_wait(ctx_t *c, const char *args)
{
    char *end;
    errno = 0;
    long long ms = strtoll(args, &end, 10);
    if (errno || end == args || *end || ms < 0 || ms > 7LL * 24 * 3600 * 1000)
        return fail(c, "wait: expected milliseconds (0 to one week)");
    /* Step through every timer on the way, as real time would. */
    pass_time(c->r, (uint64_t)ms);
    return 0;
}

static int cmd_shot(ctx_t *c, const char *name)
{
    if (!name[0] || strlen(name) > 64 ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(name))
        return fail(c, "shot: expected a name of letters, digits, '_' and '-'");
    if (!c->r->shots_dir)
        return fail(c, "shot: no --shots folder given");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/%s.png", c->r->shots_dir, name);
    replay_render(c->r);
    if (display_screenshot(c->r->display, path, err, sizeof err) < 0)
        return fail(c, "shot: %s", err);
    return 0;
}

static int cmd_expect(ctx_t *c, const char *id, bool want)
{
    if (!id[0])
        return fail(c, "%s: expected an id", want ? "expect" : "absent");
    screens_build(c->r->view, c->r->app);
    bool seen = ui_find(c->r->view->ui, id) != NULL;
    if (seen != want)
        return fail(c, "%s %s: it is %svisible on %s%s", want ? "expect" : "absent", id,
                    seen ? "" : "not ", app_screen_id(c->r->app->screen),
                    c->r->app->dialog ? " (a dialog is open)" : "");
    return 0;
}

/* Let a receipt that is printing finish before the next step, so scripts and their
 * screenshots do not depend on how fast the printer (or the machine) is. Jobs end in
 * bounded time: every printer wait has a timeout. */
static void settle(replay_t *r)
{
    /* What was said so far is rendered (and written to --audio-out) before the next step:
     * the speech engine's queue never fills and its files come in the same order. */
    if (r->view->speech)
        speech_wait_idle(r->view->speech, 60000);
    if (r->app->export_job) /* bounded: the job has its own time bound */
        export_job_wait(r->app->export_job, EXPORT_TIMEOUT_MS + 5000);
    if (!r->app->job)
        return;
    printjob_wait(r->app->job);
    app_advance(r->app, r->app->now_ms);
    screens_build(r->view, r->app);
}

static int run_line(ctx_t *c, char *line)
{
    char *cmd = line + strspn(line, " \t");
    if (!*cmd || *cmd == '#')
        return 0;
    settle(c->r);
    size_t n = strcspn(cmd, " \t");
    char *args = cmd + n;
    if (*args)
        *args++ = '\0';
    args += strspn(args, " \t");
    if (strcmp(cmd, "type") != 0) /* type keeps trailing spaces: they are text */
        for (size_t k = strlen(args); k > 0 && (args[k - 1] == ' ' || args[k - 1] == '\t'); k--)
            args[k - 1] = '\0';
    if (strcmp(cmd, "tap") == 0)
        return cmd_tap(c, args);
    if (strcmp(cmd, "drag") == 0)
        return cmd_drag(c, args);
    if (strcmp(cmd, "hold") == 0)
        return cmd_hold(c, args);
    if (strcmp(cmd, "press") == 0)
        return cmd_press(c, args);
    if (strcmp(cmd, "type") == 0)
        return cmd_type(c, args);
    if (strcmp(cmd, "wait") == 0)
        return cmd_wait(c, args);
    if (strcmp(cmd, "shot") == 0)
        return cmd_shot(c, args);
    if (strcmp(cmd, "expect") == 0)
        return cmd_expect(c, args, true);
    if (strcmp(cmd, "absent") == 0)
        return cmd_expect(c, args, false);
    return fail(c, "unknown command \"%.40s\"", cmd);
}

int replay_text(replay_t *r, const char *name, const char *text, size_t len, char *err,
                size_t errcap)
{
    ctx_t c = {.r = r, .name = name, .err = err, .errcap = errcap};
    screens_build(r->view, r->app);
    const char *p = text, *end = text + len;
    while (p < end) {
        c.line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        char line[LINE_MAX_BYTES];
        if (n >= sizeof line)
            return fail(&c, "line longer than %d bytes", LINE_MAX_BYTES - 1);
        size_t bad;
        if (!utf8_valid(p, n, &bad))
            return fail(&c, "invalid UTF-8 at column %zu", bad + 1);
        if (memchr(p, '\0', n))
            return fail(&c, "NUL byte in the line");
        memcpy(line, p, n);
        line[n] = '\0';
        if (run_line(&c, line) < 0)
            return -1;
        p = nl ? nl + 1 : end;
    }
    return 0;
}

int replay_file(replay_t *r, const char *path, char *err, size_t errcap)
{
    size_t n;
    char *buf = file_read(path, SCRIPT_MAX, &n, err, errcap);
    int rc = buf ? replay_text(r, path, buf, n, err, errcap) : -1;
    free(buf);
    return rc;
}
