/* tests/unit/test_phrase.c - the pure parts of speech/: phrase tables (tokens, board calls,
 * typed characters and keyboard keys in both languages), the clip keys and their README, the
 * WAV reader's checks, resampling, and the synthesis cache's LRU budget. */
#include "speech/cache.h"
#include "speech/phrase.h"
#include "speech/wav.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "ui/keyboard.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The phrase's text, as speech_say logs it. */
static const char *text_of(const speech_phrase_t *p, bool say)
{
    static char out[4][1024];
    static int turn;
    char *o = out[turn++ % 4];
    speech_part_t parts[SPEECH_PHRASE_PARTS];
    int n = speech_phrase_parts(p, parts, SPEECH_PHRASE_PARTS);
    assert_true(speech_join(parts, n, say, o, 1024) >= 0);
    return o;
}

/* The phrase's keys joined by spaces. */
static const char *keys_of(const speech_phrase_t *p)
{
    static char out[1024];
    out[0] = '\0';
    for (int i = 0; i < p->count; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", p->key[i]);
    return out;
}

/* Every key of a phrase has a documented clip (or is a pause), and every text is NFC. */
static void assert_well_formed(const speech_phrase_t *p)
{
    for (int i = 0; i < p->count; i++) {
        if (strcmp(p->key[i], SPEECH_KEY_PAUSE) != 0 && !speech_clip_key_known(p->key[i])) {
            print_error("key \"%s\" is not documented\n", p->key[i]);
            fail();
        }
        char nfc[SPEECH_PHRASE_TEXT * 2];
        size_t n = strlen(p->text[i]);
        assert_true(utf8_valid(p->text[i], n, NULL));
        assert_true(unicode_nfc(p->text[i], n, nfc, sizeof nfc) >= 0);
        assert_string_equal(nfc, p->text[i]);
    }
}

/* ---- tokens and calls ---- */

static void test_token_bangla_and_english(void **state)
{
    (void)state;
    speech_phrase_t p;
    assert_int_equal(speech_phrase_token(&p, LANG_BN, "B-012"), 0);
    assert_int_equal(p.lang, LANG_BN);
    assert_string_equal(text_of(&p, false), "টোকেন নম্বর বি শূন্য এক দুই");
    assert_string_equal(keys_of(&p), "phrase-token letter-b digit-0 digit-1 digit-2");
    assert_well_formed(&p);
    assert_int_equal(speech_phrase_token(&p, LANG_EN, "B-012"), 0);
    assert_int_equal(p.lang, LANG_EN);
    assert_string_equal(text_of(&p, false), "Token B zero one two");
    assert_string_equal(text_of(&p, true), "Token B zero one two");
    assert_well_formed(&p);
}

static void test_token_every_digit_and_forms(void **state)
{
    (void)state;
    speech_phrase_t p;
    assert_int_equal(speech_phrase_token(&p, LANG_BN, "C-3456789"), 0);
    assert_string_equal(text_of(&p, false), "টোকেন নম্বর সি তিন চার পাঁচ ছয় সাত আট নয়");
    assert_int_equal(speech_phrase_token(&p, LANG_EN, "c3456789"), 0);
    assert_string_equal(text_of(&p, false), "Token c three four five six seven eight nine");
    /* Bangla digits, as a token is shown in Bangla. */
    assert_int_equal(speech_phrase_token(&p, LANG_BN, "B-০১২"), 0);
    assert_string_equal(text_of(&p, false), "টোকেন নম্বর বি শূন্য এক দুই");
    assert_string_equal(keys_of(&p), "phrase-token letter-b digit-0 digit-1 digit-2");
}

/* eSpeak NG reads "Token A zero" with the article; the logged text stays "A". */
static void test_token_letter_a_pronounced_as_a_letter(void **state)
{
    (void)state;
    speech_phrase_t p;
    assert_int_equal(speech_phrase_token(&p, LANG_EN, "A-042"), 0);
    assert_string_equal(text_of(&p, false), "Token A zero four two");
    assert_string_equal(text_of(&p, true), "Token eh zero four two");
    assert_int_equal(speech_phrase_token(&p, LANG_BN, "A-042"), 0);
    assert_string_equal(text_of(&p, false), "টোকেন নম্বর এ শূন্য চার দুই");
}

static void test_token_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {"",     "-012", "B-",    "B-01x",  "ABCD-1", "B-123456789",
                                      "B--1", "1-B",  "B 012", "বি-০১২", "B-012 ", "\xff-1"};
    speech_phrase_t p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (speech_phrase_token(&p, LANG_BN, bad[i]) != -1) {
            print_error("token \"%s\" was accepted\n", bad[i]);
            fail();
        }
    }
}

static void test_board_call_both_languages(void **state)
{
    (void)state;
    speech_phrase_t p;
    assert_int_equal(speech_phrase_call(&p, LANG_BN, "B-012", 2), 0);
    assert_string_equal(text_of(&p, false), "টোকেন নম্বর বি শূন্য এক দুই, কাউন্টার দুই");
    assert_string_equal(keys_of(&p), "phrase-token letter-b digit-0 digit-1 digit-2 pause "
                                     "phrase-counter digit-2");
    assert_well_formed(&p);
    assert_int_equal(speech_phrase_call(&p, LANG_EN, "B-012", 2), 0);
    assert_string_equal(text_of(&p, false), "Token B zero one two, counter two");
    assert_well_formed(&p);
}

static void test_board_call_counters_above_nine(void **state)
{
    (void)state;
    speech_phrase_t p;
    assert_int_equal(speech_phrase_call(&p, LANG_BN, "D-001", 12), 0);
    assert_string_equal(text_of(&p, false), "টোকেন নম্বর ডি শূন্য শূন্য এক, কাউন্টার ১২");
    assert_string_equal(p.key[p.count - 1], "number-12");
    assert_well_formed(&p);
    assert_int_equal(speech_phrase_call(&p, LANG_EN, "D-001", 99), 0);
    assert_string_equal(text_of(&p, false), "Token D zero zero one, counter 99");
    assert_well_formed(&p);
    assert_int_equal(speech_phrase_call(&p, LANG_EN, "D-001", 0), -1);
    assert_int_equal(speech_phrase_call(&p, LANG_EN, "D-001", 100), -1);
    assert_int_equal(speech_phrase_call(&p, LANG_EN, "D-", 1), -1);
}

/* ---- characters ---- */

typedef struct {
    lang_t lang;
    const char *ch;
    lang_t voice;
    const char *text;
    const char *key;
} char_case_t;

static void check_chars(const char_case_t *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char_case_t *c = &cases[i];
        speech_phrase_t p;
        int rc = speech_phrase_char(&p, c->lang, c->ch);
        const char *got = rc == 0 ? text_of(&p, false) : "(none)";
        if (rc != 0 || strcmp(got, c->text) != 0 || p.lang != c->voice ||
            strcmp(keys_of(&p), c->key) != 0) {
            print_error("%s \"%s\": got \"%s\" [%s] in %d, want \"%s\" [%s] in %d\n",
                        lang_code(c->lang), c->ch, got, keys_of(&p), p.lang, c->text, c->key,
                        c->voice);
            fail();
        }
        assert_well_formed(&p);
    }
}

static void test_bangla_signs_by_name(void **state)
{
    (void)state;
    static const char_case_t cases[] = {
        {LANG_BN, "া", LANG_BN, "আ-কার", "char-09be"},
        {LANG_BN, "ি", LANG_BN, "ই-কার", "char-09bf"},
        {LANG_BN, "ী", LANG_BN, "ঈ-কার", "char-09c0"},
        {LANG_BN, "ু", LANG_BN, "উ-কার", "char-09c1"},
        {LANG_BN, "ূ", LANG_BN, "ঊ-কার", "char-09c2"},
        {LANG_BN, "ৃ", LANG_BN, "ঋ-কার", "char-09c3"},
        {LANG_BN, "ে", LANG_BN, "এ-কার", "char-09c7"},
        {LANG_BN, "ৈ", LANG_BN, "ঐ-কার", "char-09c8"},
        {LANG_BN, "ো", LANG_BN, "ও-কার", "char-09cb"},
        {LANG_BN, "ৌ", LANG_BN, "ঔ-কার", "char-09cc"},
        {LANG_BN, "্", LANG_BN, "হসন্ত", "char-09cd"},
        {LANG_BN, "ঁ", LANG_BN, "চন্দ্রবিন্দু", "char-0981"},
        {LANG_BN, "ং", LANG_BN, "অনুস্বার", "char-0982"},
        {LANG_BN, "ঃ", LANG_BN, "বিসর্গ", "char-0983"},
        {LANG_BN, "ৎ", LANG_BN, "খণ্ড ত", "char-09ce"},
        {LANG_BN, "।", LANG_BN, "দাঁড়ি", "char-0964"},
        /* In an English session a Bangla sign is still named in Bangla, in the bn voice. */
        {LANG_EN, "ি", LANG_BN, "ই-কার", "char-09bf"},
    };
    check_chars(cases, sizeof cases / sizeof cases[0]);
}

static void test_bangla_letters_say_themselves(void **state)
{
    (void)state;
    static const char_case_t cases[] = {
        {LANG_BN, "ক", LANG_BN, "ক", "char-0995"},
        {LANG_BN, "হ", LANG_BN, "হ", "char-09b9"},
        {LANG_BN, "অ", LANG_BN, "অ", "char-0985"},
        {LANG_BN, "ঔ", LANG_BN, "ঔ", "char-0994"},
        {LANG_BN, "ঞ", LANG_BN, "ঞ", "char-099e"},
        /* ড় in NFC (ড + nukta) and precomposed: one letter, named in NFC. */
        {LANG_BN, "\u09a1\u09bc", LANG_BN, "\u09a1\u09bc", "char-09dc"},
        {LANG_BN, "\u09dc", LANG_BN, "\u09a1\u09bc", "char-09dc"},
        {LANG_BN, "\u09af\u09bc", LANG_BN, "\u09af\u09bc", "char-09df"},
        {LANG_EN, "ক", LANG_BN, "ক", "char-0995"},
    };
    check_chars(cases, sizeof cases / sizeof cases[0]);
}

static void test_digits_by_name_both_languages(void **state)
{
    (void)state;
    static const char *const bn[10] = {"শূন্য", "এক", "দুই",  "তিন", "চার",
                                       "পাঁচ", "ছয়", "সাত", "আট",  "নয়"};
    static const char *const en[10] = {"zero", "one", "two",   "three", "four",
                                       "five", "six", "seven", "eight", "nine"};
    for (int d = 0; d < 10; d++) {
        char ascii[2] = {(char)('0' + d), '\0'}, bangla[4] = "", key[24];
        bangla[utf8_encode(0x09E6 + (uint32_t)d, bangla)] = '\0';
        snprintf(key, sizeof key, "digit-%d", d);
        const char_case_t cases[] = {
            {LANG_BN, bangla, LANG_BN, bn[d], key},
            {LANG_BN, ascii, LANG_BN, bn[d], key},
            {LANG_EN, ascii, LANG_EN, en[d], key},
            {LANG_EN, bangla, LANG_EN, en[d], key},
        };
        check_chars(cases, sizeof cases / sizeof cases[0]);
    }
}

static void test_latin_letters_by_name(void **state)
{
    (void)state;
    /* The names of the brief, in order. */
    static const char *const bn[26] = {"এ",  "বি", "সি", "ডি", "ই",      "এফ",  "জি",   "এইচ", "আই",
                                       "জে", "কে", "এল", "এম", "এন",     "ও",   "পি",   "কিউ", "আর",
                                       "এস", "টি", "ইউ", "ভি", "ডাব্লিউ", "এক্স", "ওয়াই", "জেড"};
    for (int i = 0; i < 26; i++) {
        char lower[2] = {(char)('a' + i), '\0'}, upper[2] = {(char)('A' + i), '\0'};
        char key[16], capital_bn[64], capital_en[32], capital_key[32];
        snprintf(key, sizeof key, "letter-%c", 'a' + i);
        snprintf(capital_bn, sizeof capital_bn, "বড় হাতের %s", bn[i]);
        snprintf(capital_en, sizeof capital_en, "capital %s", upper);
        snprintf(capital_key, sizeof capital_key, "word-capital %s", key);
        const char_case_t cases[] = {
            {LANG_BN, lower, LANG_BN, bn[i], key},
            {LANG_BN, upper, LANG_BN, capital_bn, capital_key},
            {LANG_EN, lower, LANG_EN, lower, key},
            {LANG_EN, upper, LANG_EN, capital_en, capital_key},
        };
        check_chars(cases, sizeof cases / sizeof cases[0]);
    }
    speech_phrase_t p;
    assert_int_equal(speech_phrase_char(&p, LANG_EN, "a"), 0);
    assert_string_equal(text_of(&p, true), "eh");
}

static void test_space_and_punctuation_both_languages(void **state)
{
    (void)state;
    static const char_case_t cases[] = {
        {LANG_BN, " ", LANG_BN, "স্পেস", "key-space"},
        {LANG_EN, " ", LANG_EN, "space", "key-space"},
        {LANG_BN, ".", LANG_BN, "ডট", "sign-dot"},
        {LANG_EN, "-", LANG_EN, "hyphen", "sign-hyphen"},
        {LANG_BN, "/", LANG_BN, "স্ল্যাশ", "sign-slash"},
        {LANG_EN, "'", LANG_EN, "apostrophe", "sign-apostrophe"},
    };
    check_chars(cases, sizeof cases / sizeof cases[0]);
}

static void test_chars_without_a_name(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "কি", "ab", "\xe0\xa6", "\xff", "@", "ঌ", "€"};
    speech_phrase_t p;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (speech_phrase_char(&p, LANG_BN, bad[i]) != -1) {
            print_error("\"%s\" got a name\n", bad[i]);
            fail();
        }
    }
}

static void test_special_keys_both_languages(void **state)
{
    (void)state;
    static const struct {
        const char *id, *bn, *en, *key;
    } cases[] = {
        {"key:backspace", "মুছুন", "delete", "key-backspace"},
        {"key:space", "স্পেস", "space", "key-space"},
        {"key:shift", "শিফট", "shift", "key-shift"},
        {"key:done", "শেষ", "done", "key-done"},
        {"kbd:en", "ইংরেজি অক্ষর", "English letters", "key-kbd-en"},
        {"kbd:bn", "বাংলা অক্ষর", "Bangla letters", "key-kbd-bn"},
        {"key:ি", "ই-কার", "ই-কার", "char-09bf"},
        {"key:5", "পাঁচ", "five", "digit-5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        speech_phrase_t p;
        assert_int_equal(speech_phrase_key(&p, LANG_BN, cases[i].id), 0);
        assert_string_equal(text_of(&p, false), cases[i].bn);
        assert_string_equal(keys_of(&p), cases[i].key);
        assert_int_equal(speech_phrase_key(&p, LANG_EN, cases[i].id), 0);
        assert_string_equal(text_of(&p, false), cases[i].en);
        assert_well_formed(&p);
    }
    speech_phrase_t p;
    assert_int_equal(speech_phrase_key(&p, LANG_BN, "key:nothing"), -1);
    assert_int_equal(speech_phrase_key(&p, LANG_BN, "svc:birth_reg"), -1);
    assert_int_equal(speech_phrase_key(&p, LANG_BN, "key:"), -1);
}

/* Every key of every on-screen keyboard, in both languages, has a spoken name: explore by
 * touch must never meet a silent key. */
static void test_every_keyboard_key_has_a_name(void **state)
{
    (void)state;
    int named = 0;
    for (int l = 0; l < LANG_COUNT; l++)
        for (int layout = 0; layout < KB_LAYOUT_COUNT; layout++)
            for (int page = 0; page < keyboard_page_count((kb_layout_t)layout); page++) {
                const kb_page_t *pg = keyboard_page((kb_layout_t)layout, page, (lang_t)l);
                for (int r = 0; r < pg->row_count; r++)
                    for (int k = 0; k < KB_MAX_KEYS && pg->rows[r][k].span; k++) {
                        const kb_key_t *key = &pg->rows[r][k];
                        if (key->kind == KEY_BLANK)
                            continue;
                        char id[64];
                        keyboard_key_id(key, id, sizeof id);
                        speech_phrase_t p;
                        if (speech_phrase_key(&p, (lang_t)l, id) != 0) {
                            print_error("%s: key \"%s\" has no name\n", lang_code((lang_t)l), id);
                            fail();
                        }
                        assert_true(p.count > 0);
                        assert_well_formed(&p);
                        named++;
                    }
            }
    assert_true(named > 200);
}

/* ---- joining, keys, README ---- */

static void test_join_spaces_and_punctuation(void **state)
{
    (void)state;
    speech_part_t parts[] = {{"a", "এক", NULL},  {NULL, "", NULL},  {"pause", ",", NULL},
                             {NULL, "দুই", NULL}, {NULL, "।", NULL}, {NULL, "x", "y"}};
    char out[64];
    int len = speech_join(parts, 6, false, out, sizeof out);
    assert_string_equal(out, "এক, দুই। x");
    assert_int_equal(len, (int)strlen(out));
    speech_join(parts, 6, true, out, sizeof out);
    assert_string_equal(out, "এক, দুই। y");
    char tiny[8];
    assert_int_equal(speech_join(parts, 6, false, tiny, sizeof tiny), -1);
    assert_string_equal(tiny, "");
}

static void test_clip_keys_documented_in_readme(void **state)
{
    (void)state;
    FILE *fp = fopen("assets/voice/README.md", "r");
    assert_non_null(fp);
    static char doc[65536];
    size_t n = fread(doc, 1, sizeof doc - 1, fp);
    fclose(fp);
    doc[n] = '\0';
    char key[SPEECH_KEY_MAX], quoted[SPEECH_KEY_MAX + 2];
    int count = 0;
    for (int i = 0; speech_clip_key_at(i, key, sizeof key) == 0; i++, count++) {
        assert_true(speech_clip_key_known(key));
        snprintf(quoted, sizeof quoted, "`%s`", key);
        if (!strstr(doc, quoted) && strncmp(key, "number-", 7) != 0) {
            print_error("assets/voice/README.md does not list `%s`\n", key);
            fail();
        }
    }
    /* chime, 3 words, 10 digits, 90 numbers, 26 letters, 46 Bangla letters, 19 signs, 6
     * punctuation and space, 7 keys. */
    assert_int_equal(count, 1 + 3 + 10 + 90 + 26 + 46 + 19 + 6 + 7);
    assert_non_null(strstr(doc, "`number-10`"));
    assert_non_null(strstr(doc, "`number-99`"));
    assert_false(speech_clip_key_known("pause"));
    assert_false(speech_clip_key_known("digit-10"));
    assert_false(speech_clip_key_known("number-9"));
    assert_false(speech_clip_key_known("Digit-1"));
}

/* ---- WAV ---- */

/* A WAV header with the given fields, then data_bytes of samples (data_claim in the chunk). */
static size_t make_wav(uint8_t *b, uint16_t format, uint16_t channels, uint32_t rate, uint16_t bits,
                       uint32_t data_claim, size_t data_bytes)
{
    memset(b, 0, 44 + data_bytes);
    memcpy(b, "RIFF", 4);
    uint32_t riff = (uint32_t)(36 + data_bytes);
    memcpy(b + 4, &riff, 4);
    memcpy(b + 8, "WAVEfmt ", 8);
    b[16] = 16;
    b[20] = (uint8_t)format;
    b[21] = (uint8_t)(format >> 8);
    b[22] = (uint8_t)channels;
    for (int i = 0; i < 4; i++)
        b[24 + i] = (uint8_t)(rate >> (8 * i));
    b[34] = (uint8_t)bits;
    memcpy(b + 36, "data", 4);
    for (int i = 0; i < 4; i++)
        b[40 + i] = (uint8_t)(data_claim >> (8 * i));
    return 44 + data_bytes;
}

static void expect_bad(const uint8_t *b, size_t len, const char *what)
{
    speech_wav_info_t info;
    char err[256] = "";
    if (speech_wav_parse(b, len, &info, err, sizeof err) != -1 || !strstr(err, what)) {
        print_error("err \"%s\", want \"%s\"\n", err, what);
        fail();
    }
}

static void test_wav_header_checks(void **state)
{
    (void)state;
    static uint8_t b[44 + 48000 * 2 * 11];
    speech_wav_info_t info;
    char err[256];
    size_t n = make_wav(b, 1, 1, 44100, 16, 200, 200);
    assert_int_equal(speech_wav_parse(b, n, &info, err, sizeof err), 0);
    assert_int_equal(info.rate, 44100);
    assert_int_equal(info.sample_count, 100);
    assert_int_equal(info.data_offset, 44);
    expect_bad((const uint8_t *)"RIFX....WAVE", 12, "not a WAV file");
    expect_bad(b, 20, "fmt chunk runs past the end");
    static const uint8_t list_only[] = "RIFF\x10\0\0\0WAVELIST\x04\0\0\0abcd";
    expect_bad(list_only, sizeof list_only - 1, "no fmt chunk");
    n = make_wav(b, 3, 1, 22050, 16, 200, 200);
    expect_bad(b, n, "not PCM");
    n = make_wav(b, 1, 2, 22050, 16, 200, 200);
    expect_bad(b, n, "2 channels; clips must be mono");
    n = make_wav(b, 1, 1, 22050, 8, 200, 200);
    expect_bad(b, n, "8-bit samples");
    n = make_wav(b, 1, 1, 8000, 16, 200, 200);
    expect_bad(b, n, "8000 Hz");
    n = make_wav(b, 1, 1, 16000, 16, 400, 200);
    expect_bad(b, n, "truncated");
    n = make_wav(b, 1, 1, 16000, 16, 201, 201);
    expect_bad(b, n, "not whole 16-bit samples");
    n = make_wav(b, 1, 1, 16000, 16, 0, 0);
    expect_bad(b, n, "no samples");
    n = make_wav(b, 1, 1, 48000, 16, 48000 * 2 * 11, 48000 * 2 * 11);
    expect_bad(b, n, "at most 10 s");
    n = make_wav(b, 1, 1, 16000, 16, 200, 200);
    expect_bad(b, 40, "no data chunk");
}

static void test_resample_keeps_pitch_and_level(void **state)
{
    (void)state;
    static const int rates[] = {16000, 22050, 44100, 48000};
    for (size_t r = 0; r < 4; r++) {
        int rate = rates[r];
        size_t n = (size_t)rate; /* one second of 440 Hz at half scale */
        int16_t *in = malloc(n * sizeof *in);
        for (size_t i = 0; i < n; i++)
            in[i] = (int16_t)(16000 * sin(2 * 3.14159265358979 * 440 * (double)i / rate));
        size_t m;
        int16_t *out = speech_wav_resample(in, n, rate, &m);
        assert_non_null(out);
        assert_true(m >= SPEECH_RATE - 1 && m <= SPEECH_RATE + 1);
        int crossings = 0;
        double peak = 0;
        for (size_t i = 1; i < m; i++) {
            crossings += (out[i - 1] < 0) != (out[i] < 0);
            peak = fmax(peak, fabs((double)out[i]));
        }
        assert_in_range(crossings, 875, 885); /* 2 x 440 */
        assert_in_range((long)peak, 15000, 16001);
        free(in);
        free(out);
    }
}

/* ---- the cache ---- */

static void test_cache_lru_within_budget(void **state)
{
    (void)state;
    int16_t pcm[1000] = {1, 2, 3};
    speech_cache_t *c = speech_cache_new(20000);
    assert_non_null(c);
    size_t n;
    assert_null(speech_cache_get(c, 0, "a", &n));
    assert_true(speech_cache_put(c, 0, "a", pcm, 1000));
    assert_true(speech_cache_put(c, 0, "b", pcm, 1000));
    assert_true(speech_cache_put(c, 1, "a", pcm, 1000)); /* another language, another entry */
    assert_int_equal(speech_cache_count(c), 3);
    /* "a" in bn is used, so "b" is the least recently used and goes first. */
    const int16_t *got = speech_cache_get(c, 0, "a", &n);
    assert_non_null(got);
    assert_int_equal(n, 1000);
    assert_int_equal(got[2], 3);
    for (int i = 0; i < 20; i++) {
        char t[8];
        snprintf(t, sizeof t, "x%d", i);
        assert_true(speech_cache_put(c, 0, t, pcm, 1000));
        assert_true(speech_cache_bytes(c) <= 20000);
        if (i == 6) { /* the budget holds 9 entries: the tenth pushed out "b", not "a" */
            assert_null(speech_cache_get(c, 0, "b", &n));
            assert_non_null(speech_cache_get(c, 0, "a", &n));
        }
    }
    assert_null(speech_cache_get(c, 1, "a", &n));
    /* A quarter of the budget at most: one long text does not empty the cache. */
    static int16_t big[4000];
    assert_false(speech_cache_put(c, 0, "long", big, 4000));
    assert_false(speech_cache_put(c, 0, "none", pcm, 0));
    /* Replacing an entry keeps one copy. */
    size_t before = speech_cache_count(c);
    assert_true(speech_cache_put(c, 0, "x19", pcm, 500));
    assert_int_equal(speech_cache_count(c), before);
    assert_non_null(speech_cache_get(c, 0, "x19", &n));
    assert_int_equal(n, 500);
    speech_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_bangla_and_english),
        cmocka_unit_test(test_token_every_digit_and_forms),
        cmocka_unit_test(test_token_letter_a_pronounced_as_a_letter),
        cmocka_unit_test(test_token_rejects_malformed),
        cmocka_unit_test(test_board_call_both_languages),
        cmocka_unit_test(test_board_call_counters_above_nine),
        cmocka_unit_test(test_bangla_signs_by_name),
        cmocka_unit_test(test_bangla_letters_say_themselves),
        cmocka_unit_test(test_digits_by_name_both_languages),
        cmocka_unit_test(test_latin_letters_by_name),
        cmocka_unit_test(test_space_and_punctuation_both_languages),
        cmocka_unit_test(test_chars_without_a_name),
        cmocka_unit_test(test_special_keys_both_languages),
        cmocka_unit_test(test_every_keyboard_key_has_a_name),
        cmocka_unit_test(test_join_spaces_and_punctuation),
        cmocka_unit_test(test_clip_keys_documented_in_readme),
        cmocka_unit_test(test_wav_header_checks),
        cmocka_unit_test(test_resample_keeps_pitch_and_level),
        cmocka_unit_test(test_cache_lru_within_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
