/* register/page.c - the QR status page and its JSON twin. */
#include "register/page.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/journal_export.h"
#include "text/locale.h"

/* ---- a growing string ---- */

typedef struct {
    char *s;
    size_t n, cap;
    bool failed;
} buf_t;

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 8192) + n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->s = p, b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buf_t *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Text into HTML: the five characters that could change its meaning are escaped. */
static void put_text(buf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            puts_(b, "&lt;");
            break;
        case '>':
            puts_(b, "&gt;");
            break;
        case '&':
            puts_(b, "&amp;");
            break;
        case '"':
            puts_(b, "&quot;");
            break;
        case '\'':
            puts_(b, "&#39;");
            break;
        default:
            put(b, s, 1);
        }
    }
}

/* ---- words ---- */

int register_page_status(page_kind_t kind)
{
    static const int codes[] = {200, 200, 403, 403, 400, 404, 503};
    return codes[kind];
}

typedef struct {
    const char *id, *bn, *en;
} word_t;

/* A request's status as a citizen reads it. */
static const char *status_text(const char *status, lang_t lang)
{
    static const word_t words[] = {
        {"received", "রেজিস্টারে গৃহীত", "Received by the register"},
        {"printed", "গৃহীত, রসিদ ছাপা হয়েছে", "Received, receipt printed"},
        {"reprinted", "গৃহীত, রসিদ আবার ছাপা হয়েছে", "Received, receipt printed again"},
        {"queued", "গৃহীত, রসিদ ছাপার অপেক্ষায়", "Received, receipt waiting to be printed"},
        {"unknown", "গৃহীত, রসিদ ছাপা হয়েছে কি না জানা নেই",
         "Received, not known whether the receipt was printed"},
        {"paper-out", "গৃহীত, রসিদ ছাপা হয়নি: কাগজ শেষ",
         "Received, receipt not printed: out of paper"},
        {"cover-open", "গৃহীত, রসিদ ছাপা হয়নি: প্রিন্টারের ঢাকনা খোলা",
         "Received, receipt not printed: printer cover open"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(status, words[i].id) == 0)
            return lang == LANG_BN ? words[i].bn : words[i].en;
    return lang == LANG_BN ? "গৃহীত, রসিদ ছাপা হয়নি: প্রিন্টারে সমস্যা"
                           : "Received, receipt not printed: printer problem";
}

typedef struct {
    const char *css, *icon, *title[LANG_COUNT], *note[LANG_COUNT];
} look_t;

#define ICON_OK   "<path d=\"M4 12.5l5 5L20 6.5\"/>"
#define ICON_WAIT "<circle cx=\"12\" cy=\"12\" r=\"9\"/><path d=\"M12 7v5.5l3.5 2.5\"/>"
#define ICON_BAD  "<path d=\"M6 6l12 12M18 6L6 18\"/>"

static const look_t looks[] = {
    [PAGE_RECEIVED] = {"ok", ICON_OK, {"আসল রসিদ", "Genuine receipt"}, {NULL, NULL}},
    [PAGE_PENDING] = {"wait",
                      ICON_WAIT,
                      {"আসল রসিদ, রেজিস্টারে এখনো পৌঁছায়নি",
                       "Genuine, not yet received by the register"},
                      {"টার্মিনাল নেটওয়ার্কে যুক্ত হলেই আবেদনটি রেজিস্টারে পৌঁছাবে। পরে আবার দেখুন।",
                       "The terminal sends the request as soon as it is online. Please check "
                       "again later."}},
    [PAGE_MISMATCH] = {"bad",
                       ICON_BAD,
                       {"রসিদটি রেজিস্টারের তথ্যের সাথে মেলে না", "This receipt does not match "
                                                                "the register"},
                       {"রসিদ ও কাগজপত্র নিয়ে কেন্দ্রে যোগাযোগ করুন।",
                        "Please take the receipt and your papers to the centre."}},
    [PAGE_FORGED] = {"bad",
                     ICON_BAD,
                     {"এই রসিদ আসল নয়", "This receipt is not genuine"},
                     {"রসিদের স্বাক্ষর মেলেনি। রসিদ ও কাগজপত্র নিয়ে কেন্দ্রে যোগাযোগ করুন।",
                      "Its signature does not match. Please take the receipt and your papers to "
                      "the centre."}},
    [PAGE_MALFORMED] = {"bad",
                        ICON_BAD,
                        {"এটি সেবা রসিদের লিংক নয়", "This is not a Sheba receipt link"},
                        {"রসিদের QR কোড আবার স্ক্যান করুন।", "Please scan the receipt's QR code "
                                                          "again."}},
    [PAGE_UNKNOWN] = {"bad",
                      ICON_BAD,
                      {"রসিদটি চেনা যায়নি", "Unknown receipt"},
                      {"এর কেন্দ্র বা টার্মিনাল রেজিস্টারে নেই। কেন্দ্রে যোগাযোগ করুন।",
                       "Its centre or terminal is not known to the register. Please ask at the "
                       "centre."}},
    [PAGE_BUSY] = {"wait",
                   ICON_WAIT,
                   {"রেজিস্টার এখন উত্তর দিতে পারছে না", "The register cannot answer now"},
                   {"কিছুক্ষণ পরে আবার চেষ্টা করুন।", "Please try again in a few minutes."}},
};

static const char *const labels[LANG_COUNT][5] = {
    {"সেবা", "টোকেন", "তারিখ", "অবস্থা", "ট্র্যাকিং নম্বর"},
    {"Service", "Token", "Date", "Status", "Tracking id"},
};

/* ---- the page ---- */

static void head(buf_t *b, const char *font)
{
    puts_(b, "<!DOCTYPE html>\n<html lang=\"bn\">\n<head>\n<meta charset=\"utf-8\">\n"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
             "<meta name=\"robots\" content=\"noindex\">\n"
             "<title>রসিদ যাচাই · Receipt check</title>\n<style>\n");
    /* The phone's own Bangla font first; ours (200 KB) only when it has none. */
    for (int bold = 0; bold < 2; bold++)
        putf(b,
             "@font-face{font-family:\"Sheba Bengali\";font-weight:%d;font-display:swap;"
             "src:local(\"Noto Sans Bengali%s\"),local(\"NotoSansBengali-%s\"),"
             "url(\"%sNotoSansBengali-%s.ttf\") format(\"truetype\");"
             "unicode-range:U+0964-0965,U+0980-09FE,U+200C-200D,U+25CC}\n",
             bold ? 700 : 400, bold ? " Bold" : "", bold ? "Bold" : "Regular", font,
             bold ? "Bold" : "Regular");
    puts_(b, "body{margin:0;font:18px/1.5 \"Sheba Bengali\",\"Noto Sans Bengali\",\"Noto Sans\","
             "system-ui,sans-serif;color:#1b1b1b;background:#f2f1ec}\n"
             "main{max-width:32rem;margin:0 auto;padding-bottom:1.5rem}\n"
             ".b{display:flex;gap:.7rem;align-items:flex-start;padding:1rem;color:#fff}\n"
             ".b svg{flex:none;width:2.2rem;height:2.2rem;fill:none;stroke:#fff;stroke-width:2.6;"
             "stroke-linecap:round;stroke-linejoin:round}\n"
             ".ok{background:#0b6b38}.wait{background:#8a4f00}.bad{background:#a3161a}\n"
             "h1{margin:0;font-size:1.4rem;line-height:1.3}\n.b p{margin:.25rem 0 0}\n"
             "section{background:#fff;margin:.75rem .6rem 0;padding:.5rem 1rem .8rem;"
             "border-radius:.5rem;box-shadow:0 1px 3px #0003}\n"
             "dl{margin:0}dt{font-size:.85rem;color:#555;margin-top:.45rem}"
             "dd{margin:0;font-weight:700}\n.tok{font-size:2.1rem;line-height:1.2}\n"
             ".note{margin:.5rem 0 0;font-size:.95rem}\n"
             "footer{margin:1rem .9rem 0;font-size:.8rem;color:#555;overflow-wrap:anywhere}\n"
             "</style>\n</head>\n");
}

/* The date of the request: its creation time when known, else the tracking id's date. */
static bool request_day(const page_t *p, locale_tm_t *tm, bool *with_time)
{
    *with_time = false;
    if (p->request) {
        locale_dhaka_time(p->request->created, tm);
        *with_time = true;
        return true;
    }
    const char *seq = p->tracking ? strrchr(p->tracking, '-') : NULL;
    if (!seq || seq - p->tracking < 9)
        return false;
    memset(tm, 0, sizeof *tm);
    return sscanf(seq - 8, "%4d%2d%2d", &tm->year, &tm->month, &tm->day) == 3 && tm->month >= 1 &&
           tm->month <= 12 && tm->day >= 1 && tm->day <= 31;
}

static void put_when(buf_t *b, lang_t lang, int64_t t)
{
    locale_tm_t tm;
    char d[96], h[64];
    locale_dhaka_time(t, &tm);
    if (locale_format_date(lang, &tm, d, sizeof d) >= 0 &&
        locale_format_time(lang, &tm, h, sizeof h) >= 0)
        putf(b, "%s, %s", d, h);
}

static void details(buf_t *b, const page_t *p, lang_t lang)
{
    const char *const *l = labels[lang];
    char tok[64], date[96];
    locale_tm_t tm;
    bool with_time;
    putf(b, "<section lang=\"%s\"><dl>", lang_code(lang));
    puts_(b, "<dt>");
    puts_(b, l[0]);
    puts_(b, "</dt><dd>");
    put_text(b, p->service_name[lang] ? p->service_name[lang] : p->service);
    puts_(b, "</dd><dt>");
    puts_(b, l[1]);
    puts_(b, "</dt><dd class=\"tok\">");
    if (locale_digits(lang, p->token, tok, sizeof tok) >= 0)
        put_text(b, tok);
    puts_(b, "</dd>");
    if (request_day(p, &tm, &with_time)) {
        putf(b, "<dt>%s</dt><dd>", l[2]);
        if (with_time)
            put_when(b, lang, p->request->created);
        else if (locale_format_date(lang, &tm, date, sizeof date) >= 0)
            put_text(b, date);
        puts_(b, "</dd>");
    }
    if (p->kind == PAGE_RECEIVED || p->kind == PAGE_PENDING) {
        putf(b, "<dt>%s</dt><dd>", l[3]);
        if (p->kind == PAGE_RECEIVED) {
            const register_request_t *r = p->request;
            puts_(b, status_text(r->status, lang));
            puts_(b, "<br><small>");
            /* "received" happened at the register; the rest at the terminal */
            put_when(b, lang, strcmp(r->status, "received") == 0 ? r->received_at : r->status_at);
            puts_(b, "</small>");
        } else {
            puts_(b,
                  lang == LANG_BN ? "রেজিস্টারে এখনো পৌঁছায়নি" : "Not yet received by the register");
        }
        puts_(b, "</dd>");
    }
    puts_(b, "</dl>");
    if (looks[p->kind].note[lang])
        putf(b, "<p class=\"note\">%s</p>", looks[p->kind].note[lang]);
    puts_(b, "</section>\n");
}

static void notice(buf_t *b, const page_t *p, lang_t lang)
{
    putf(b, "<section lang=\"%s\"><p class=\"note\">%s</p></section>\n", lang_code(lang),
         looks[p->kind].note[lang]);
}

char *register_page_html(const page_t *p, size_t *len)
{
    buf_t b = {0};
    const look_t *look = &looks[p->kind];
    head(&b, p->font_base ? p->font_base : "");
    putf(&b,
         "<body><main>\n<div class=\"b %s\"><svg viewBox=\"0 0 24 24\" aria-hidden=\"true\">%s"
         "</svg><div><h1>%s</h1><p lang=\"en\">%s</p></div></div>\n",
         look->css, look->icon, look->title[LANG_BN], look->title[LANG_EN]);
    bool facts = p->token && p->service && p->tracking &&
                 (p->kind == PAGE_RECEIVED || p->kind == PAGE_PENDING);
    for (int lang = 0; lang < LANG_COUNT; lang++) {
        if (facts)
            details(&b, p, (lang_t)lang);
        else
            notice(&b, p, (lang_t)lang);
    }
    if (p->tracking && p->kind != PAGE_MALFORMED) {
        puts_(&b, "<footer>ট্র্যাকিং নম্বর · Tracking id: ");
        put_text(&b, p->tracking);
        puts_(&b, "</footer>\n");
    }
    puts_(&b, "</main></body>\n</html>\n");
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    *len = b.n;
    return b.s;
}

/* ---- JSON ---- */

static void add_time(cJSON *o, const char *key, int64_t t)
{
    char iso[32];
    if (t < 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    journal_iso_time(t, iso);
    cJSON_AddStringToObject(o, key, iso);
}

static void add_opt(cJSON *o, const char *key, const char *v)
{
    if (v && v[0])
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *register_request_json(const register_request_t *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tracking", r->tracking);
    cJSON_AddStringToObject(o, "centre", r->centre);
    cJSON_AddStringToObject(o, "terminal", r->terminal);
    cJSON_AddStringToObject(o, "token", r->token);
    cJSON_AddStringToObject(o, "service", r->service);
    cJSON_AddStringToObject(o, "category", r->category);
    cJSON_AddStringToObject(o, "lang", r->lang);
    add_opt(o, "priority", r->priority);
    add_time(o, "created", r->created);
    add_time(o, "received", r->received_at);
    cJSON_AddStringToObject(o, "status", r->status);
    add_time(o, "status_at", r->status_at);
    add_time(o, "printed", r->printed_at);
    add_opt(o, "print_error", r->print_error);
    cJSON_AddBoolToObject(o, "erased", r->fields_erased);
    cJSON_AddBoolToObject(o, "token_band_refused", r->conflict != 0);
    return o;
}

char *register_page_json(const page_t *p, size_t *len)
{
    static const char *const results[] = {"genuine",   "genuine", "mismatch", "forged",
                                          "malformed", "unknown", "busy"};
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddStringToObject(o, "result", results[p->kind]);
    cJSON_AddBoolToObject(o, "received", p->kind == PAGE_RECEIVED);
    add_opt(o, "tracking", p->tracking);
    add_opt(o, "token", p->token);
    add_opt(o, "service", p->service);
    if (p->kind == PAGE_RECEIVED && p->request)
        cJSON_AddItemToObject(o, "request", register_request_json(p->request));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (s)
        *len = strlen(s);
    return s;
}
