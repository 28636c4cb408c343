/* shell/monkey.c - random input with a reproducible generator. */
#include "shell/monkey.h"

#include <SDL.h>
#include <stdio.h>
#include <string.h>

#include "ui/render.h"
#include "ui/widgets.h"

/* xorshift64*: small, fast and the same on every machine, so a seed replays exactly. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

static int below(uint64_t *s, int n)
{
    return n > 0 ? (int)(next(s) % (uint64_t)n) : 0;
}

static void send(replay_t *r, event_kind_t kind, int x, int y, const char *text)
{
    event_t in = {.kind = kind, .x = x, .y = y};
    if (text)
        snprintf(in.text, sizeof in.text, "%s", text);
    screens_input(r->view, r->app, &in);
    screens_build(r->view, r->app);
}

static void tap_at(replay_t *r, int x, int y)
{
    send(r, EVENT_TOUCH_DOWN, x, y, NULL);
    send(r, EVENT_TOUCH_UP, x, y, NULL);
}

/* Press something that is on screen: what a person mostly does. */
static void press_random(replay_t *r, uint64_t *s)
{
    const ui_t *ui = r->view->ui;
    int from = ui->modal_from >= 0 ? ui->modal_from : 0, n = 0;
    const ui_hit_t *pick = NULL;
    for (int i = from; i < ui->hit_count; i++)
        if (ui->hits[i].active && below(s, ++n) == 0)
            pick = &ui->hits[i]; /* reservoir sampling: each equally likely */
    if (pick)
        tap_at(r, pick->r.x + pick->r.w / 2, pick->r.y + pick->r.h / 2);
}

static void drag(replay_t *r, uint64_t *s)
{
    int w = r->display->w, h = r->display->h;
    int x = below(s, w), y = below(s, h), steps = 1 + below(s, 6);
    send(r, EVENT_TOUCH_DOWN, x, y, NULL);
    for (int i = 0; i < steps; i++)
        send(r, EVENT_TOUCH_MOVE, below(s, w), below(s, h), NULL);
    send(r, EVENT_TOUCH_UP, below(s, w), below(s, h), NULL);
}

/* Text as a physical keyboard might send it: Bangla, Latin, digits, marks alone. */
static void text(replay_t *r, uint64_t *s)
{
    static const char *const bits[] = {"ক", "ি", "্",       "ষ", "র",       "ং", "A", "z", "7", "৭",
                                       "/", " ", "\u200c", "ো", "য\u09bc", ".", "-", "😀", "é", "১"};
    send(r, EVENT_TEXT, 0, 0, bits[below(s, (int)(sizeof bits / sizeof bits[0]))]);
}

/* Let time pass: sometimes a moment, sometimes past the idle timeout. */
static void jump(replay_t *r, uint64_t *s)
{
    app_t *app = r->app;
    uint64_t target = app->now_ms + (uint64_t)below(s, 2) * 1000 + (uint64_t)below(s, 90000);
    for (uint64_t d = app_next_deadline(app); d <= target; d = app_next_deadline(app))
        app_advance(app, d > app->now_ms ? d : app->now_ms + 1);
    app_advance(app, target);
    screens_build(r->view, app);
}

static long rss_kb(void)
{
    long pages = 0, rss = 0;
    FILE *fp = fopen("/proc/self/statm", "r");
    if (fp) {
        if (fscanf(fp, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(fp);
    }
    return rss * 4;
}

/* Now and then answer the focused field properly, so random runs also get through forms to
 * the review, the journal and the receipt. */
static void answer(replay_t *r, uint64_t *s)
{
    app_t *app = r->app;
    const catalog_field_t *f = app_form_field(app);
    static const char *const valid[FIELD_TYPE_COUNT] = {[FIELD_TEXT] = "রহিম উদ্দিন",
                                                        [FIELD_NID] = "1234567890",
                                                        [FIELD_BRN] = "19901234567890123",
                                                        [FIELD_MOBILE] = "01712345678",
                                                        [FIELD_DATE] = "21/02/1990"};
    char num[32];
    const char *v = valid[f->type];
    if (f->type == FIELD_NUMBER) {
        snprintf(num, sizeof num, "%lld", f->min + (f->max > f->min ? below(s, 3) : 0));
        v = num;
    } else if (f->type == FIELD_CHOICE) {
        v = f->options[below(s, f->option_count)].value;
    }
    if (f->type == FIELD_CHOICE || f->type == FIELD_TEXT) {
        app_form_set_text(app, v); /* choices and names: as if pressed */
    } else {
        app_form_set_text(app, "");
        send(r, EVENT_TEXT, 0, 0, v);
    }
    send(r, EVENT_ENTER, 0, 0, NULL);
}

static void one(replay_t *r, uint64_t *s, monkey_stats_t *st)
{
    int k = below(s, 100);
    if (r->app->screen == SCREEN_FORM && r->app->dialog == DIALOG_NONE && below(s, 4) == 0) {
        answer(r, s);
        st->texts++;
    } else if (k < 50) {
        press_random(r, s);
        st->presses++;
    } else if (k < 65) {
        tap_at(r, below(s, r->display->w), below(s, r->display->h));
        st->taps++;
    } else if (k < 72) {
        drag(r, s);
        st->drags++;
    } else if (k < 85) {
        text(r, s);
        st->texts++;
    } else if (k < 90) {
        send(r, k & 1 ? EVENT_BACKSPACE : EVENT_ENTER, 0, 0, NULL);
    } else if (k < 95) {
        screens_press(r->view, r->app, below(s, 2) ? "lang:bn" : "lang:en");
        screens_build(r->view, r->app);
    } else {
        jump(r, s);
        st->jumps++;
    }
}

void monkey_run(replay_t *r, long n, uint64_t seed, monkey_stats_t *st)
{
    uint64_t s = seed ? seed : 0x9E3779B97F4A7C15ULL;
    screen_t last = r->app->screen;
    memset(st, 0, sizeof *st);
    screens_build(r->view, r->app);
    for (long i = 0; i < n; i++) {
        one(r, &s, st);
        if (r->app->job) { /* a receipt printing: let it end, as a person waits */
            printjob_wait(r->app->job);
            app_advance(r->app, r->app->now_ms);
        }
        if (r->app->screen == SCREEN_DONE && last != SCREEN_DONE)
            st->confirms++;
        last = r->app->screen;
        st->screens[last]++;
        if (i % 997 == 0) { /* draw now and then: the renderer gets random states too */
            replay_render(r);
            st->renders++;
        }
        if (i == n / 10)
            st->rss_kb_warm = rss_kb();
        st->events++;
    }
    st->rss_kb_end = rss_kb();
}
