/* speech/phrase.c - the tables of spoken names: digits, letters, Bangla signs, keys. */
#include "speech/phrase.h"

#include <stdint.h>
#include <stdio.h>
#include <assert.h>
#include <string.h>

#include "text/utf8.h"

static const char *const DIGIT_BN[10] = {"শূন্য", "এক", "দুই",  "তিন", "চার",
                                         "পাঁচ", "ছয়", "সাত", "আট",  "নয়"};
static const char *const DIGIT_EN[10] = {"zero", "one", "two",   "three", "four",
                                         "five", "six", "seven", "eight", "nine"};

/* Latin letters as a Bangla speaker names them. eSpeak NG's bn voice would switch to
 * English for a bare "B", so the names are spelled out in Bangla script. */
static const char *const LETTER_BN[26] = {
    "এ",  "বি", "সি", "ডি",  "ই",  "এফ", "জি", "এইচ", "আই", "জে",     "কে",  "এল",   "এম",
    "এন", "ও",  "পি", "কিউ", "আর", "এস", "টি", "ইউ",  "ভি", "ডাব্লিউ", "এক্স", "ওয়াই", "জেড"};

/* Vowel signs and marks cannot be said alone: they are named. Keys are char-<code point>. */
typedef struct {
    uint32_t cp;
    const char *name;
} sign_t;

static const sign_t BANGLA_SIGNS[] = {
    {0x09BE, "আ-কার"},  {0x09BF, "ই-কার"},        {0x09C0, "ঈ-কার"},       {0x09C1, "উ-কার"},
    {0x09C2, "ঊ-কার"},  {0x09C3, "ঋ-কার"},        {0x09C7, "এ-কার"},       {0x09C8, "ঐ-কার"},
    {0x09CB, "ও-কার"},  {0x09CC, "ঔ-কার"},        {0x09CD, "হসন্ত"},        {0x0981, "চন্দ্রবিন্দু"},
    {0x0982, "অনুস্বার"}, {0x0983, "বিসর্গ"},        {0x09CE, "খণ্ড ত"},       {0x09BC, "নুকতা"},
    {0x0964, "দাঁড়ি"},   {0x200C, "যুক্তাক্ষর ভাঙুন"}, {0x200D, "যুক্তাক্ষর জুড়ুন"},
};

/* Characters named in the session's language. */
typedef struct {
    const char *ch;
    const char *key;
    const char *bn, *en;
} named_t;

static const named_t PUNCTUATION[] = {
    {" ", "key-space", "স্পেস", "space"},      {".", "sign-dot", "ডট", "dot"},
    {"-", "sign-hyphen", "হাইফেন", "hyphen"}, {"'", "sign-apostrophe", "ঊর্ধ্বকমা", "apostrophe"},
    {"/", "sign-slash", "স্ল্যাশ", "slash"},    {",", "sign-comma", "কমা", "comma"},
};

/* Keyboard widgets that type no character (ui/keyboard.h's ids). */
static const named_t KEYS[] = {
    {"key:backspace", "key-backspace", "মুছুন", "delete"},
    {"key:shift", "key-shift", "শিফট", "shift"},
    {"key:done", "key-done", "শেষ", "done"},
    {"key:left", "key-left", "বাঁয়ে সরুন", "move left"},
    {"key:right", "key-right", "ডানে সরুন", "move right"},
    {"kbd:bn", "key-kbd-bn", "বাংলা অক্ষর", "Bangla letters"},
    {"kbd:en", "key-kbd-en", "ইংরেজি অক্ষর", "English letters"},
};

/* Fixed words of the phrases. */
static const named_t WORDS[] = {
    {"token", "phrase-token", "টোকেন নম্বর", "Token"},
    {"counter", "phrase-counter", "কাউন্টার", "counter"},
    {"capital", "word-capital", "বড় হাতের", "capital"},
};

#define COUNT(a) (int)(sizeof(a) / sizeof(a)[0])

static const named_t *word(const char *what)
{
    for (int i = 0; i < COUNT(WORDS); i++)
        if (strcmp(WORDS[i].ch, what) == 0)
            return &WORDS[i];
    return NULL;
}

static const char *in_lang(const named_t *n, lang_t lang)
{
    return lang == LANG_BN ? n->bn : n->en;
}

void speech_phrase_init(speech_phrase_t *p, lang_t lang)
{
    memset(p, 0, sizeof *p);
    p->lang = lang;
}

int speech_phrase_add(speech_phrase_t *p, const char *key, const char *text, const char *say)
{
    if (p->count >= SPEECH_PHRASE_PARTS || (key && strlen(key) >= SPEECH_KEY_MAX) ||
        strlen(text) >= SPEECH_PHRASE_TEXT || (say && strlen(say) >= SPEECH_PHRASE_TEXT))
        return -1;
    int i = p->count++;
    snprintf(p->key[i], SPEECH_KEY_MAX, "%s", key ? key : "");
    snprintf(p->text[i], SPEECH_PHRASE_TEXT, "%s", text);
    snprintf(p->say[i], SPEECH_PHRASE_TEXT, "%s", say ? say : "");
    return 0;
}

static int add_word(speech_phrase_t *p, lang_t lang, const char *what)
{
    const named_t *w = word(what);
    assert(w); /* only ever called with the names of WORDS */
    return w ? speech_phrase_add(p, w->key, in_lang(w, lang), NULL) : -1;
}

static int add_digit(speech_phrase_t *p, lang_t lang, int d)
{
    char key[SPEECH_KEY_MAX];
    snprintf(key, sizeof key, "digit-%d", d);
    return speech_phrase_add(p, key, lang == LANG_BN ? DIGIT_BN[d] : DIGIT_EN[d], NULL);
}

/* A Latin letter by name. eSpeak NG reads a lone "A" inside an English sentence as the
 * article ("a zero four"), so its pronunciation is spelled "eh". */
static int add_letter(speech_phrase_t *p, lang_t lang, char letter)
{
    int i = (letter | 0x20) - 'a';
    char key[SPEECH_KEY_MAX], text[2] = {letter, '\0'};
    snprintf(key, sizeof key, "letter-%c", 'a' + i);
    if (lang == LANG_BN)
        return speech_phrase_add(p, key, LETTER_BN[i], NULL);
    return speech_phrase_add(p, key, text, i == 0 ? "eh" : NULL);
}

static bool is_latin(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* An ASCII or Bangla digit at s: its value and length, or -1. */
static int digit_at(const char *s, int *len)
{
    if (*s >= '0' && *s <= '9') {
        *len = 1;
        return *s - '0';
    }
    uint32_t cp;
    int n = utf8_decode(s, strlen(s), &cp);
    if (n > 0 && cp >= 0x09E6 && cp <= 0x09EF) {
        *len = n;
        return (int)(cp - 0x09E6);
    }
    return -1;
}

int speech_phrase_token(speech_phrase_t *p, lang_t lang, const char *token)
{
    speech_phrase_init(p, lang);
    const char *s = token;
    int letters = 0, digits = 0;
    while (is_latin(*s) && letters < 3)
        s++, letters++;
    if (letters == 0)
        return -1;
    if (*s == '-')
        s++;
    for (const char *d = s; *d; digits++) {
        int len;
        if (digit_at(d, &len) < 0 || digits >= 8)
            return -1;
        d += len;
    }
    if (digits == 0)
        return -1;
    add_word(p, lang, "token");
    for (int i = 0; i < letters; i++)
        add_letter(p, lang, token[i]);
    while (*s) {
        int len, d = digit_at(s, &len);
        add_digit(p, lang, d);
        s += len;
    }
    return 0;
}

int speech_phrase_call(speech_phrase_t *p, lang_t lang, const char *token, int counter)
{
    if (counter < 1 || counter > 99 || speech_phrase_token(p, lang, token) < 0)
        return -1;
    speech_phrase_add(p, SPEECH_KEY_PAUSE, ",", NULL);
    add_word(p, lang, "counter");
    if (counter < 10)
        return add_digit(p, lang, counter);
    /* Numbers above nine have their own words in both languages; eSpeak NG says a number
     * right, so the text is the numeral (Bangla digits in Bangla). */
    char key[SPEECH_KEY_MAX], text[16];
    snprintf(key, sizeof key, "number-%d", counter);
    if (lang == LANG_BN) {
        char a[4], b[4];
        a[utf8_encode(0x09E6 + (uint32_t)(counter / 10), a)] = '\0';
        b[utf8_encode(0x09E6 + (uint32_t)(counter % 10), b)] = '\0';
        snprintf(text, sizeof text, "%s%s", a, b);
    } else {
        snprintf(text, sizeof text, "%d", counter);
    }
    return speech_phrase_add(p, key, text, NULL);
}

/* Independent vowels and consonants of the Bangla block, which say themselves. */
static bool bangla_letter(uint32_t cp)
{
    if (cp >= 0x0985 && cp <= 0x0994)
        return cp != 0x098C && cp != 0x098D && cp != 0x098E && cp != 0x0991 && cp != 0x0992;
    if (cp >= 0x0995 && cp <= 0x09B9)
        return cp != 0x09A9 && cp != 0x09B1 && cp != 0x09B3 && cp != 0x09B4 && cp != 0x09B5;
    return cp == 0x09DC || cp == 0x09DD || cp == 0x09DF;
}

/* ড় ঢ় য় are a consonant and a nukta under NFC; they are named, and keyed, as one letter. */
static uint32_t nukta_letter(uint32_t base)
{
    return base == 0x09A1 ? 0x09DC : base == 0x09A2 ? 0x09DD : base == 0x09AF ? 0x09DF : 0;
}

/* The NFC text of a Bangla letter. */
static void letter_text(uint32_t cp, char out[12])
{
    uint32_t base = cp == 0x09DC ? 0x09A1 : cp == 0x09DD ? 0x09A2 : cp == 0x09DF ? 0x09AF : cp;
    int n = utf8_encode(base, out);
    if (base != cp)
        n += utf8_encode(0x09BC, out + n);
    out[n] = '\0';
}

/* The single character ch as a code point (a nukta letter in either form counts as one),
 * or 0 when ch is not exactly one character. */
static uint32_t one_char(const char *ch)
{
    size_t len = strlen(ch);
    uint32_t cp, next;
    int n = utf8_decode(ch, len, &cp);
    if (n <= 0)
        return 0;
    if ((size_t)n == len)
        return cp;
    int m = utf8_decode(ch + n, len - (size_t)n, &next);
    if (m > 0 && (size_t)(n + m) == len && next == 0x09BC && nukta_letter(cp))
        return nukta_letter(cp);
    return 0;
}

static int bangla_char(speech_phrase_t *p, uint32_t cp)
{
    char key[SPEECH_KEY_MAX];
    snprintf(key, sizeof key, "char-%04x", (unsigned)cp);
    speech_phrase_init(p, LANG_BN);
    if (bangla_letter(cp)) {
        char text[12];
        letter_text(cp, text);
        return speech_phrase_add(p, key, text, NULL);
    }
    for (int i = 0; i < COUNT(BANGLA_SIGNS); i++)
        if (BANGLA_SIGNS[i].cp == cp)
            return speech_phrase_add(p, key, BANGLA_SIGNS[i].name, NULL);
    return -1;
}

int speech_phrase_char(speech_phrase_t *p, lang_t lang, const char *ch)
{
    speech_phrase_init(p, lang);
    uint32_t cp = one_char(ch);
    if (cp == 0)
        return -1;
    if (cp < 0x80 && is_latin((char)cp)) {
        if (cp <= 'Z' && add_word(p, lang, "capital") < 0)
            return -1;
        return add_letter(p, lang, (char)cp);
    }
    int len, d = digit_at(ch, &len);
    if (d >= 0)
        return add_digit(p, lang, d);
    for (int i = 0; i < COUNT(PUNCTUATION); i++)
        if (strcmp(PUNCTUATION[i].ch, ch) == 0)
            return speech_phrase_add(p, PUNCTUATION[i].key, in_lang(&PUNCTUATION[i], lang), NULL);
    return bangla_char(p, cp);
}

int speech_phrase_key(speech_phrase_t *p, lang_t lang, const char *id)
{
    speech_phrase_init(p, lang);
    if (strcmp(id, "key:space") == 0)
        return speech_phrase_char(p, lang, " ");
    for (int i = 0; i < COUNT(KEYS); i++)
        if (strcmp(KEYS[i].ch, id) == 0)
            return speech_phrase_add(p, KEYS[i].key, in_lang(&KEYS[i], lang), NULL);
    if (strncmp(id, "key:", 4) == 0)
        return speech_phrase_char(p, lang, id + 4);
    return -1;
}

int speech_phrase_parts(const speech_phrase_t *p, speech_part_t *parts, int cap)
{
    int n = p->count < cap ? p->count : cap;
    for (int i = 0; i < n; i++) {
        parts[i].key = p->key[i];
        parts[i].text = p->text[i];
        parts[i].say = p->say[i][0] ? p->say[i] : NULL;
    }
    return n;
}

/* Text that joins the previous part without a space. */
static bool attaches(const char *t)
{
    static const char *const marks[] = {",", ".", ";", ":", "?", "!", "।"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strncmp(t, marks[i], strlen(marks[i])) == 0)
            return true;
    return false;
}

int speech_join(const speech_part_t *parts, int n, bool use_say, char *out, size_t cap)
{
    size_t len = 0;
    if (cap == 0)
        return -1;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *t = use_say && parts[i].say ? parts[i].say : parts[i].text;
        if (!t || !t[0])
            continue;
        const char *sep = len > 0 && !attaches(t) ? " " : "";
        int w = snprintf(out + len, cap - len, "%s%s", sep, t);
        if (w < 0 || (size_t)w >= cap - len) {
            out[0] = '\0';
            return -1;
        }
        len += (size_t)w;
    }
    return (int)len;
}

/* ---- the documented clip keys ---- */

/* The i-th key, in the README's order: chime, words, digits, numbers, letters, Bangla
 * letters and signs, punctuation, keys. */
int speech_clip_key_at(int i, char *out, size_t cap)
{
    if (i == 0)
        return snprintf(out, cap, "chime") < 0 ? -1 : 0;
    i -= 1;
    if (i < COUNT(WORDS))
        return snprintf(out, cap, "%s", WORDS[i].key) < 0 ? -1 : 0;
    i -= COUNT(WORDS);
    if (i < 10)
        return snprintf(out, cap, "digit-%d", i) < 0 ? -1 : 0;
    i -= 10;
    if (i < 90)
        return snprintf(out, cap, "number-%d", i + 10) < 0 ? -1 : 0;
    i -= 90;
    if (i < 26)
        return snprintf(out, cap, "letter-%c", 'a' + i) < 0 ? -1 : 0;
    i -= 26;
    for (uint32_t cp = 0x0985; cp <= 0x09DF; cp++) {
        if (bangla_letter(cp) && i-- == 0)
            return snprintf(out, cap, "char-%04x", (unsigned)cp) < 0 ? -1 : 0;
    }
    if (i < COUNT(BANGLA_SIGNS))
        return snprintf(out, cap, "char-%04x", (unsigned)BANGLA_SIGNS[i].cp) < 0 ? -1 : 0;
    i -= COUNT(BANGLA_SIGNS);
    if (i < COUNT(PUNCTUATION))
        return snprintf(out, cap, "%s", PUNCTUATION[i].key) < 0 ? -1 : 0;
    i -= COUNT(PUNCTUATION);
    if (i < COUNT(KEYS))
        return snprintf(out, cap, "%s", KEYS[i].key) < 0 ? -1 : 0;
    return -1;
}

bool speech_clip_key_known(const char *key)
{
    char k[SPEECH_KEY_MAX];
    for (int i = 0; speech_clip_key_at(i, k, sizeof k) == 0; i++)
        if (strcmp(k, key) == 0)
            return true;
    return false;
}
