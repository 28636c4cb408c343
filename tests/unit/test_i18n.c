/* tests/unit/test_i18n.c - unit tests for text/i18n: the real PO files, error fixtures, format. */
#define _DEFAULT_SOURCE /* strndup */
#include "text/i18n.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "text/utf8.h"

/*
 * The fixtures in tests/data/i18n/<case>/ are copies of one valid pair (case "ok") with one
 * defect each. Line numbers below are counted by hand in those files; where gettext's msgfmt
 * reports a line for the same defect, the expected line is the one msgfmt names.
 */

#define REAL_DIR    "assets/i18n"
#define FIXTURE_DIR "tests/data/i18n"
#define MAX_IDS     512

/* ---- an independent, deliberately naive reader of the real PO files' msgids ---- */

typedef struct {
    char *ids[MAX_IDS];
    int count;
} id_list_t;

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

/* Every non-empty single-line msgid "..." of a file (the real files use no continuations). */
static void collect_ids(const char *path, id_list_t *out)
{
    size_t len;
    char *text = read_file(path, &len);
    out->count = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "msgid \"", 7) != 0 || line[7] == '"')
            continue;
        char *end = strrchr(line, '"');
        assert_true(end > line + 7);
        assert_true(out->count < MAX_IDS);
        out->ids[out->count++] = strndup(line + 7, (size_t)(end - line - 7));
    }
    free(text);
}

static void free_ids(id_list_t *l)
{
    for (int i = 0; i < l->count; i++)
        free(l->ids[i]);
    l->count = 0;
}

static bool has_id(const id_list_t *l, const char *id)
{
    for (int i = 0; i < l->count; i++)
        if (strcmp(l->ids[i], id) == 0)
            return true;
    return false;
}

/* The set of {1}..{9} placeholders in s, as bits. */
static unsigned placeholder_set(const char *s)
{
    unsigned set = 0;
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{'))
        if (p[1] >= '1' && p[1] <= '9' && p[2] == '}')
            set |= 1u << (p[1] - '0');
    return set;
}

static i18n_t *load_real(void)
{
    char err[512] = "";
    i18n_t *t = i18n_load(REAL_DIR, err, sizeof err);
    if (!t)
        print_error("i18n_load(%s): %s\n", REAL_DIR, err);
    assert_non_null(t);
    return t;
}

/* ---- the real translations ---- */

static void test_real_po_files_load(void **state)
{
    (void)state;
    i18n_t *t = load_real();
    id_list_t bn;
    collect_ids(REAL_DIR "/bn.po", &bn);
    assert_true(bn.count > 10);
    assert_int_equal(i18n_count(t), bn.count);
    free_ids(&bn);
    i18n_free(t);
}

static int count_one_language(lang_t lang, const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    i18n_t *t = i18n_new();
    assert_non_null(t);
    char err[512] = "";
    int rc = i18n_parse(t, lang, path, text, len, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    int n = i18n_count(t);
    i18n_free(t);
    free(text);
    return n;
}

static void test_real_po_files_have_same_count(void **state)
{
    (void)state;
    int bn = count_one_language(LANG_BN, REAL_DIR "/bn.po");
    int en = count_one_language(LANG_EN, REAL_DIR "/en.po");
    assert_true(bn > 10);
    assert_int_equal(bn, en);
}

static void test_real_po_files_have_same_msgids(void **state)
{
    (void)state;
    id_list_t bn, en;
    collect_ids(REAL_DIR "/bn.po", &bn);
    collect_ids(REAL_DIR "/en.po", &en);
    assert_int_equal(bn.count, en.count);
    for (int i = 0; i < bn.count; i++)
        if (!has_id(&en, bn.ids[i]))
            fail_msg("%s is in bn.po but not in en.po", bn.ids[i]);
    free_ids(&bn);
    free_ids(&en);
}

static void test_real_strings_are_non_empty_translations(void **state)
{
    (void)state;
    i18n_t *t = load_real();
    id_list_t ids;
    collect_ids(REAL_DIR "/bn.po", &ids);
    for (int i = 0; i < ids.count; i++) {
        for (int l = 0; l < LANG_COUNT; l++) {
            const char *s = i18n_get(t, (lang_t)l, ids.ids[i]);
            if (s == ids.ids[i] || s[0] == '\0')
                fail_msg("%s: no %s string", ids.ids[i], lang_code((lang_t)l));
            assert_true(utf8_valid(s, strlen(s), NULL));
        }
    }
    free_ids(&ids);
    i18n_free(t);
}

static void test_real_placeholders_match_between_languages(void **state)
{
    (void)state;
    i18n_t *t = load_real();
    id_list_t ids;
    collect_ids(REAL_DIR "/bn.po", &ids);
    int with_placeholders = 0;
    for (int i = 0; i < ids.count; i++) {
        unsigned bn = placeholder_set(i18n_get(t, LANG_BN, ids.ids[i]));
        unsigned en = placeholder_set(i18n_get(t, LANG_EN, ids.ids[i]));
        if (bn != en)
            fail_msg("%s: placeholders differ (bn %#x, en %#x)", ids.ids[i], bn, en);
        with_placeholders += bn != 0;
    }
    assert_true(with_placeholders > 0); /* the check above really saw some */
    free_ids(&ids);
    i18n_free(t);
}

static void test_real_known_string_and_missing_msgid(void **state)
{
    (void)state;
    i18n_t *t = load_real();
    assert_string_equal(i18n_get(t, LANG_EN, "nav.back"), "Back");
    const char *missing = "no.such.msgid";
    assert_ptr_equal(i18n_get(t, LANG_BN, missing), missing);
    i18n_free(t);
}

static void run_msgfmt(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "msgfmt --check-format --check-header -o /dev/null %s", path);
    int rc = system(cmd);
    assert_true(rc != -1);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 0);
}

static void test_real_po_files_pass_msgfmt_check(void **state)
{
    (void)state;
    run_msgfmt(REAL_DIR "/bn.po");
    run_msgfmt(REAL_DIR "/en.po");
}

/* ---- fixtures ---- */

static void test_fixture_ok_loads(void **state)
{
    (void)state;
    char err[512] = "";
    i18n_t *t = i18n_load(FIXTURE_DIR "/ok", err, sizeof err);
    if (!t)
        print_error("%s\n", err);
    assert_non_null(t);
    assert_int_equal(i18n_count(t), 2);
    assert_string_equal(i18n_get(t, LANG_BN, "t.hello"), "নমস্কার");
    assert_string_equal(i18n_get(t, LANG_EN, "t.files"), "{1} files");
    i18n_free(t);
}

/* Loading the fixture fails with a message that starts "DIR/FILE:LINE:" and mentions what. */
static void expect_error(const char *fixture, const char *file, int line, const char *what)
{
    char err[512] = "";
    char dir[256], prefix[300];
    snprintf(dir, sizeof dir, "%s/%s", FIXTURE_DIR, fixture);
    i18n_t *t = i18n_load(dir, err, sizeof err);
    assert_null(t);
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s/%s:%d: ", dir, file, line);
    else
        snprintf(prefix, sizeof prefix, "%s/%s: ", dir, file);
    char head[300];
    snprintf(head, sizeof head, "%.*s", (int)strlen(prefix), err);
    if (strcmp(head, prefix) != 0)
        print_error("full message: %s\n", err);
    assert_string_equal(head, prefix);
    if (!strstr(err, what))
        fail_msg("message \"%s\" does not mention \"%s\"", err, what);
}

static void test_error_unterminated_string(void **state)
{
    (void)state;
    expect_error("unterminated", "bn.po", 7, "unterminated");
}

static void test_error_unknown_escape(void **state)
{
    (void)state;
    expect_error("bad_escape", "en.po", 10, "escape");
}

static void test_error_invalid_utf8(void **state)
{
    (void)state;
    expect_error("bad_utf8", "bn.po", 7, "UTF-8");
}

/* The bad byte is on line 8 of a string continued on line 9: the message must name line 8
 * (msgfmt says "bn.po:8:4: invalid multibyte sequence"). */
static void test_error_invalid_utf8_in_continued_string_names_its_line(void **state)
{
    (void)state;
    expect_error("bad_utf8_multiline", "bn.po", 8, "UTF-8");
}

/* The second msgid "t.hello" is on line 12 (its msgstr on 13); msgfmt names line 12. */
static void test_error_duplicate_msgid_names_the_duplicate(void **state)
{
    (void)state;
    expect_error("duplicate", "en.po", 12, "duplicate");
}

/* msgid "t.hello" on line 6 is followed directly by the next msgid; msgfmt names line 6. */
static void test_error_msgstr_missing(void **state)
{
    (void)state;
    expect_error("no_msgstr", "bn.po", 6, "msgstr");
}

static void test_error_msgstr_missing_at_end_of_file(void **state)
{
    (void)state;
    expect_error("no_msgstr_eof", "bn.po", 12, "msgstr");
}

/* "t.files" is in bn.po (line 9) but not in en.po: the message names en.po. */
static void test_error_string_missing_in_english(void **state)
{
    (void)state;
    expect_error("missing", "en.po", 0, "t.files");
    char err[512] = "";
    assert_null(i18n_load(FIXTURE_DIR "/missing", err, sizeof err));
    assert_non_null(strstr(err, FIXTURE_DIR "/missing/bn.po:9"));
}

static void test_error_string_missing_in_bangla(void **state)
{
    (void)state;
    expect_error("missing_bn", "bn.po", 0, "t.files");
    char err[512] = "";
    assert_null(i18n_load(FIXTURE_DIR "/missing_bn", err, sizeof err));
    assert_non_null(strstr(err, FIXTURE_DIR "/missing_bn/en.po:9"));
}

/* "#, fuzzy" on line 9 flags the entry whose msgid is on line 10. */
static void test_error_fuzzy_entry(void **state)
{
    (void)state;
    expect_error("fuzzy", "bn.po", 10, "fuzzy");
}

static void test_error_empty_msgstr(void **state)
{
    (void)state;
    expect_error("empty", "en.po", 6, "empty");
}

static void test_error_placeholders_differ(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(i18n_load(FIXTURE_DIR "/placeholders", err, sizeof err));
    if (!strstr(err, FIXTURE_DIR "/placeholders/en.po:9") ||
        !strstr(err, FIXTURE_DIR "/placeholders/bn.po:9") || !strstr(err, "t.files"))
        fail_msg("message does not name both entries: %s", err);
}

static void test_error_msgctxt_unsupported(void **state)
{
    (void)state;
    expect_error("msgctxt", "bn.po", 6, "msgctxt");
}

static void test_error_msgid_plural_unsupported(void **state)
{
    (void)state;
    expect_error("plural", "en.po", 10, "plural");
}

static void test_error_missing_directory_names_the_file(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(i18n_load(FIXTURE_DIR "/no_such_dir", err, sizeof err));
    assert_non_null(strstr(err, FIXTURE_DIR "/no_such_dir/bn.po"));
}

/* ---- i18n_format ---- */

static void test_format_substitutes_placeholders(void **state)
{
    (void)state;
    const char *args[] = {"২", "৫"};
    char out[64];
    const char *expected = "ধাপ ২/৫";
    assert_int_equal(i18n_format("ধাপ {1}/{2}", args, 2, out, sizeof out), (int)strlen(expected));
    assert_string_equal(out, expected);
}

static void test_format_out_of_order(void **state)
{
    (void)state;
    const char *args[] = {"first", "second"};
    char out[64];
    const char *expected = "second, then first";
    assert_int_equal(i18n_format("{2}, then {1}", args, 2, out, sizeof out), (int)strlen(expected));
    assert_string_equal(out, expected);
}

static void test_format_repeated_placeholder(void **state)
{
    (void)state;
    const char *args[] = {"ab"};
    char out[64];
    assert_int_equal(i18n_format("{1}-{1}", args, 1, out, sizeof out), 5);
    assert_string_equal(out, "ab-ab");
}

static void test_format_unknown_placeholder_left_as_is(void **state)
{
    (void)state;
    const char *args[] = {"x", "y"};
    char out[64];
    assert_int_equal(i18n_format("{7} {1} {0} {2", args, 2, out, sizeof out), 12);
    assert_string_equal(out, "{7} x {0} {2");
}

static void test_format_without_args(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(i18n_format("{1} left", NULL, 0, out, sizeof out), 8);
    assert_string_equal(out, "{1} left");
}

/* "Hello World" is 11 bytes: cap 12 fits exactly, every smaller cap is -1 and never writes
 * past cap (malloc'd exactly, so ASan would see it). */
static void test_format_buffer_too_small(void **state)
{
    (void)state;
    const char *args[] = {"World"};
    for (size_t cap = 0; cap <= 12; cap++) {
        char *out = malloc(cap ? cap : 1);
        assert_non_null(out);
        int rc = i18n_format("Hello {1}", args, 1, out, cap);
        if (cap == 12) {
            assert_int_equal(rc, 11);
            assert_string_equal(out, "Hello World");
        } else {
            assert_int_equal(rc, -1);
        }
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_po_files_load),
        cmocka_unit_test(test_real_po_files_have_same_count),
        cmocka_unit_test(test_real_po_files_have_same_msgids),
        cmocka_unit_test(test_real_strings_are_non_empty_translations),
        cmocka_unit_test(test_real_placeholders_match_between_languages),
        cmocka_unit_test(test_real_known_string_and_missing_msgid),
        cmocka_unit_test(test_real_po_files_pass_msgfmt_check),
        cmocka_unit_test(test_fixture_ok_loads),
        cmocka_unit_test(test_error_unterminated_string),
        cmocka_unit_test(test_error_unknown_escape),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_invalid_utf8_in_continued_string_names_its_line),
        cmocka_unit_test(test_error_duplicate_msgid_names_the_duplicate),
        cmocka_unit_test(test_error_msgstr_missing),
        cmocka_unit_test(test_error_msgstr_missing_at_end_of_file),
        cmocka_unit_test(test_error_string_missing_in_english),
        cmocka_unit_test(test_error_string_missing_in_bangla),
        cmocka_unit_test(test_error_fuzzy_entry),
        cmocka_unit_test(test_error_empty_msgstr),
        cmocka_unit_test(test_error_placeholders_differ),
        cmocka_unit_test(test_error_msgctxt_unsupported),
        cmocka_unit_test(test_error_msgid_plural_unsupported),
        cmocka_unit_test(test_error_missing_directory_names_the_file),
        cmocka_unit_test(test_format_substitutes_placeholders),
        cmocka_unit_test(test_format_out_of_order),
        cmocka_unit_test(test_format_repeated_placeholder),
        cmocka_unit_test(test_format_unknown_placeholder_left_as_is),
        cmocka_unit_test(test_format_without_args),
        cmocka_unit_test(test_format_buffer_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
