/* tests/unit/test_catalog.c - unit tests for catalog/catalog: the bundled catalog, the service
 * listing, and every malformed catalog under tests/data/catalog/bad/ (NAME.json must fail with a
 * message containing the text of NAME.expect). */
#define _POSIX_C_SOURCE 200809L

#include "catalog/catalog.h"
#include "catalog/fees.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REAL_CATALOG "assets/catalog.json"
#define ICON_FILE    "fonts/MaterialIcons.codepoints"
#define BAD_DIR      "tests/data/catalog/bad"
#define GOOD_DIR     "tests/data/catalog/good"

/* ---- the icon font's names, read from the codepoints file ("name hex" per line) ---- */

typedef struct {
    char *text;
    char **names;
    size_t count;
} icon_set_t;

static icon_set_t icons;

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *grown = realloc(buf, cap);
            if (!grown)
                break;
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    fclose(fp);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int load_icons(void **state)
{
    (void)state;
    icons.text = read_file(ICON_FILE, NULL);
    if (!icons.text)
        return -1;
    size_t lines = 1;
    for (const char *p = icons.text; *p; p++)
        lines += *p == '\n';
    icons.names = calloc(lines, sizeof *icons.names);
    if (!icons.names)
        return -1;
    for (char *line = strtok(icons.text, "\n"); line; line = strtok(NULL, "\n")) {
        char *space = strchr(line, ' ');
        if (space)
            *space = '\0';
        if (*line)
            icons.names[icons.count++] = line;
    }
    return icons.count > 0 ? 0 : -1;
}

static int free_icons(void **state)
{
    (void)state;
    free(icons.names);
    free(icons.text);
    return 0;
}

static bool icon_known(const char *name, void *ctx)
{
    const icon_set_t *set = ctx;
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->names[i], name) == 0)
            return true;
    return false;
}

static catalog_t *load_real(void)
{
    char err[512] = "";
    catalog_t *c = catalog_load(REAL_CATALOG, icon_known, &icons, err, sizeof err);
    if (!c)
        print_error("%s\n", err);
    assert_non_null(c);
    return c;
}

static catalog_t *parse_text(const char *name, const char *json, char *err, size_t errcap)
{
    return catalog_parse(name, json, strlen(json), icon_known, &icons, err, errcap);
}

/* catalog_list_services into a string (free it). */
static char *list_services(const catalog_t *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    catalog_list_services(c, mem);
    fclose(mem);
    assert_non_null(text);
    return text;
}

/* Split line (modified in place) at tabs; returns the column count (at most max filled). */
static int split_tabs(char *line, char **cols, int max)
{
    int n = 0;
    for (char *p = line;; n++) {
        char *tab = strchr(p, '\t');
        if (n < max)
            cols[n] = p;
        if (!tab)
            return n + 1;
        *tab = '\0';
        p = tab + 1;
    }
}

/* ---- the bundled catalog ---- */

static void test_icon_file_read(void **state)
{
    (void)state;
    assert_true(icons.count > 1000);
    assert_true(icon_known("child_care", &icons));
    assert_false(icon_known("no_such_icon", &icons));
    assert_false(icon_known("e951", &icons));
}

static void test_real_catalog_loads(void **state)
{
    (void)state;
    catalog_free(load_real());
}

static void test_real_catalog_has_6_categories_and_24_services(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    assert_true(c->category_count >= 6);
    assert_true(c->service_count >= 24);
    catalog_free(c);
}

static void test_real_catalog_first_field_is_name_text(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    for (int i = 0; i < c->service_count; i++) {
        const catalog_service_t *s = &c->services[i];
        assert_true(s->field_count >= 1 && s->field_count <= CATALOG_MAX_FIELDS);
        assert_string_equal(s->fields[0].id, "name");
        assert_int_equal(s->fields[0].type, FIELD_TEXT);
        assert_false(s->fields[0].optional);
    }
    catalog_free(c);
}

static void test_real_catalog_prefixes_unique_letters(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    for (int i = 0; i < c->category_count; i++) {
        char p = c->categories[i].prefix;
        assert_true(p >= 'A' && p <= 'Z');
        for (int j = 0; j < i; j++)
            assert_int_not_equal(p, c->categories[j].prefix);
    }
    catalog_free(c);
}

static void test_real_catalog_service_categories_valid(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    for (int i = 0; i < c->service_count; i++) {
        int k = c->services[i].category;
        assert_true(k >= 0 && k < c->category_count);
    }
    assert_string_equal(c->categories[c->services[0].category].id, "civil_registration");
    catalog_free(c);
}

static void test_real_catalog_texts_present_in_both_languages(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    for (int i = 0; i < c->service_count; i++) {
        const catalog_service_t *s = &c->services[i];
        for (int l = 0; l < LANG_COUNT; l++) {
            assert_true(s->name.s[l][0] != '\0');
            assert_true(s->description.s[l][0] != '\0');
            assert_non_null(s->fee_note.s[l]);
            assert_non_null(s->fields[0].hint.s[l]);
        }
    }
    catalog_free(c);
}

static void test_real_catalog_find_by_id(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    assert_int_equal(catalog_find_category(c, "civil_registration"), 0);
    assert_int_equal(catalog_find_category(c, "nid"), 1);
    assert_int_equal(catalog_find_category(c, "nothing"), -1);
    assert_int_equal(catalog_find_service(c, "birth_reg_new"), 0);
    assert_int_equal(catalog_find_service(c, "nothing"), -1);
    catalog_free(c);
}

static void test_list_services_five_columns_per_service(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    char *text = list_services(c);
    int lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        assert_true(lines < c->service_count);
        const catalog_service_t *s = &c->services[lines];
        char *cols[5];
        assert_int_equal(split_tabs(line, cols, 5), 5);
        assert_string_equal(cols[0], s->id);
        assert_string_equal(cols[1], c->categories[s->category].id);
        assert_true(strncmp(cols[2], "name:text", 9) == 0);
        assert_string_equal(cols[3], s->name.s[LANG_BN]);
        assert_string_equal(cols[4], s->name.s[LANG_EN]);
    }
    assert_int_equal(lines, c->service_count);
    free(text);
    catalog_free(c);
}

static void test_list_services_ends_every_line(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    char *text = list_services(c);
    int newlines = 0;
    for (const char *p = text; *p; p++)
        newlines += *p == '\n';
    assert_int_equal(newlines, c->service_count);
    assert_int_equal(text[strlen(text) - 1], '\n');
    free(text);
    catalog_free(c);
}

/* Field lists written out by hand from assets/catalog.json. */
static void test_list_services_renders_choice_options(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    char *text = list_services(c);
    assert_non_null(strstr(text, "\nold_age_allowance\tallowances\t"));
    assert_non_null(strstr(text, ",gender:choice(male|female)"));
    assert_non_null(strstr(text, ",reason:choice(lost|damaged)"));
    assert_non_null(strstr(text, ",survey:choice(cs|sa|rs|bs)"));
    assert_null(strstr(text, "text("));
    free(text);
    catalog_free(c);
}

static const char minimal_with_choice[] =
    "{\"version\": 1,"
    " \"categories\": [{\"id\": \"allow\", \"prefix\": \"E\", \"pictogram\": \"elderly\","
    "   \"name\": {\"bn\": \"ভাতা\", \"en\": \"Allowances\"}}],"
    " \"services\": [{\"id\": \"old_age\", \"category\": \"allow\","
    "   \"name\": {\"bn\": \"বয়স্ক ভাতা\", \"en\": \"Old age allowance\"},"
    "   \"description\": {\"bn\": \"মাসিক ভাতা\", \"en\": \"A monthly allowance\"},"
    "   \"official_fee\": 0, \"fee_source\": \"Test\", \"processing_days\": 30,"
    "   \"fields\": [{\"id\": \"name\", \"type\": \"text\","
    "                 \"label\": {\"bn\": \"নাম\", \"en\": \"Name\"}},"
    "               {\"id\": \"nid\", \"type\": \"nid\","
    "                 \"label\": {\"bn\": \"এনআইডি\", \"en\": \"NID\"}},"
    "               {\"id\": \"gender\", \"type\": \"choice\","
    "                 \"label\": {\"bn\": \"লিঙ্গ\", \"en\": \"Gender\"},"
    "                 \"options\": [{\"value\": \"male\", \"label\": {\"bn\": \"পুরুষ\", \"en\": "
    "\"Male\"}},"
    "                             {\"value\": \"female\", \"label\": {\"bn\": \"মহিলা\", \"en\": "
    "\"Female\"}}]}]}]}";

static void test_list_services_exact_line(void **state)
{
    (void)state;
    char err[512] = "";
    catalog_t *c = parse_text("mini.json", minimal_with_choice, err, sizeof err);
    if (!c)
        print_error("%s\n", err);
    assert_non_null(c);
    char *text = list_services(c);
    assert_string_equal(text, "old_age\tallow\tname:text,nid:nid,gender:choice(male|female)\t"
                              "বয়স্ক ভাতা\tOld age allowance\n");
    free(text);
    catalog_free(c);
}

static void test_minimal_catalog_values(void **state)
{
    (void)state;
    char err[512] = "";
    catalog_t *c = parse_text("mini.json", minimal_with_choice, err, sizeof err);
    assert_non_null(c);
    const catalog_service_t *s = &c->services[0];
    assert_int_equal(c->categories[0].prefix, 'E');
    assert_string_equal(c->categories[0].pictogram, "elderly");
    assert_int_equal(s->official_fee, 0);
    assert_string_equal(s->fee_source, "Test");
    assert_int_equal(s->keyword_count, 0);
    assert_int_equal(s->processing_days, 30);
    assert_int_equal(s->document_count, 0);
    assert_string_equal(s->fee_note.s[LANG_BN], "");
    assert_int_equal(s->fields[0].max_len, 60);
    assert_int_equal(s->fields[2].option_count, 2);
    assert_string_equal(s->fields[2].options[1].label.s[LANG_EN], "Female");
    catalog_free(c);
}

/* ---- malformed catalogs ---- */

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The .expect text without its trailing newline, or NULL. */
static char *read_expect(const char *dir, const char *base)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.expect", dir, base);
    char *text = read_file(path, NULL);
    if (text)
        text[strcspn(text, "\r\n")] = '\0';
    return text;
}

/* Load one bad fixture; true when it failed with a message naming the file and the expectation.
 */
static bool bad_fixture_ok(const char *json_name)
{
    char base[256], path[512], err[1024] = "";
    snprintf(base, sizeof base, "%.*s", (int)(strlen(json_name) - 5), json_name);
    snprintf(path, sizeof path, "%s/%s", BAD_DIR, json_name);
    char *expect = read_expect(BAD_DIR, base);
    if (!expect || !*expect) {
        print_error("%s: no %s.expect (or it is empty)\n", path, base);
        free(expect);
        return false;
    }
    catalog_t *c = catalog_load(path, icon_known, &icons, err, sizeof err);
    bool ok = !c && strstr(err, path) && strstr(err, expect);
    if (c)
        print_error("%s: loaded, but must fail with \"%s\"\n", path, expect);
    else if (!ok)
        print_error("%s:\n    got  \"%s\"\n    want \"%s\"\n", path, err, expect);
    catalog_free(c);
    free(expect);
    return ok;
}

static void test_bad_catalogs_fail_with_expected_message(void **state)
{
    (void)state;
    DIR *d = opendir(BAD_DIR);
    assert_non_null(d);
    int count = 0, failed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!has_suffix(e->d_name, ".json"))
            continue;
        count++;
        failed += !bad_fixture_ok(e->d_name);
    }
    closedir(d);
    print_message("%d bad catalogs checked\n", count);
    assert_int_equal(failed, 0);
    assert_true(count >= 12);
}

/* An .expect without its .json would be a case silently lost. */
static void test_bad_catalog_expect_files_have_json(void **state)
{
    (void)state;
    DIR *d = opendir(BAD_DIR);
    assert_non_null(d);
    int count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!has_suffix(e->d_name, ".expect"))
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%.*s.json", BAD_DIR, (int)(strlen(e->d_name) - 7),
                 e->d_name);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            print_error("%s/%s has no .json\n", BAD_DIR, e->d_name);
        assert_non_null(fp);
        fclose(fp);
        count++;
    }
    closedir(d);
    assert_true(count >= 12);
}

/* The templates the bad fixtures were made from load, so each bad file has one fault. */
static void test_good_catalog_templates_load(void **state)
{
    (void)state;
    DIR *d = opendir(GOOD_DIR);
    assert_non_null(d);
    int count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!has_suffix(e->d_name, ".json"))
            continue;
        char path[512], err[512] = "";
        snprintf(path, sizeof path, "%s/%s", GOOD_DIR, e->d_name);
        catalog_t *c = catalog_load(path, icon_known, &icons, err, sizeof err);
        if (!c)
            print_error("%s\n", err);
        assert_non_null(c);
        catalog_free(c);
        count++;
    }
    closedir(d);
    assert_true(count >= 2);
}

static void test_load_missing_file_fails(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(catalog_load("tests/data/catalog/none.json", icon_known, &icons, err, sizeof err));
    assert_non_null(strstr(err, "tests/data/catalog/none.json"));
    assert_non_null(strstr(err, "cannot open"));
}

static void test_parse_empty_buffer_fails_cleanly(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(catalog_parse("empty.json", "", 0, icon_known, &icons, err, sizeof err));
    assert_non_null(strstr(err, "empty.json:1:1:"));
}

static void test_parse_spaces_only_fails_cleanly(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(parse_text("blank.json", "  \n\n", err, sizeof err));
    assert_non_null(strstr(err, "blank.json:"));
}

static void test_parse_array_root_fails_cleanly(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(parse_text("array.json", "[]", err, sizeof err));
    assert_non_null(strstr(err, "array.json: (top): expected an object"));
}

static void test_parse_small_error_buffer_truncates(void **state)
{
    (void)state;
    char err[16];
    memset(err, 'X', sizeof err);
    assert_null(parse_text("array.json", "[]", err, sizeof err));
    assert_int_equal(strlen(err), sizeof err - 1);
}

/* ---- NFC ---- */

/* A one-service catalog whose service name is bn_name (raw UTF-8 or JSON escapes). */
static char *catalog_named(const char *bn_name)
{
    static const char fmt[] =
        "{\"version\": 1, \"categories\": [{\"id\": \"c\", \"prefix\": \"A\","
        " \"pictogram\": \"badge\", \"name\": {\"bn\": \"%s\", \"en\": \"C\"}}],"
        " \"services\": [{\"id\": \"s\", \"category\": \"c\","
        " \"name\": {\"bn\": \"%s\", \"en\": \"S\"},"
        " \"description\": {\"bn\": \"ক\", \"en\": \"D\"}, \"official_fee\": 0,"
        " \"fee_source\": \"Test\", \"processing_days\": 0,"
        " \"fields\": [{\"id\": \"name\", \"type\": \"text\","
        " \"label\": {\"bn\": \"নাম\", \"en\": \"Name\"}}]}]}";
    size_t cap = sizeof fmt + 2 * strlen(bn_name);
    char *json = malloc(cap);
    assert_non_null(json);
    snprintf(json, cap, fmt, bn_name, bn_name);
    return json;
}

static void check_stored_as(const char *bn_name, const char *want)
{
    char err[512] = "";
    char *json = catalog_named(bn_name);
    catalog_t *c = parse_text("nfc.json", json, err, sizeof err);
    if (!c)
        print_error("%s\n", err);
    assert_non_null(c);
    assert_string_equal(c->services[0].name.s[LANG_BN], want);
    assert_string_equal(c->categories[0].name.s[LANG_BN], want);
    catalog_free(c);
    free(json);
}

static void test_parse_stores_bangla_nfc(void **state)
{
    (void)state;
    /* "মোছা": MA + E sign U+09C7 + AA sign U+09BE composes to MA + O sign U+09CB. */
    check_stored_as("\u09AE\u09C7\u09BE\u099B\u09BE", "\u09AE\u09CB\u099B\u09BE");
}

static void test_parse_stores_json_escapes_nfc(void **state)
{
    (void)state;
    check_stored_as("\\u0995\\u09c7\\u09d7", "\u0995\u09CC");
}

static void test_parse_keeps_nfc_text_unchanged(void **state)
{
    (void)state;
    check_stored_as("জন্ম নিবন্ধন", "জন্ম নিবন্ধন");
}

/* ---- official fees, their sources, keywords ---- */

/* Every id a replay, a test or a tool presses or names: renaming one breaks them. */
static void test_real_catalog_keeps_ids_used_elsewhere(void **state)
{
    (void)state;
    static const char *const cats[] = {
        "civil_registration", "nid",   "up_certificates", "land",
        "allowances",         "bills", "passport",        "agriculture"};
    static const char *const svcs[] = {
        "birth_reg_new", "citizenship_cert", "e_mutation", "electricity_bill", "farm_advice",
        "income_cert",   "nid_correction",   "soil_test",  "trade_licence",    "old_age_allowance"};
    catalog_t *c = load_real();
    /* The first eight categories keep their order and token prefixes A to H. */
    for (int i = 0; i < 8; i++) {
        assert_int_equal(catalog_find_category(c, cats[i]), i);
        assert_int_equal(c->categories[i].prefix, 'A' + i);
    }
    for (size_t i = 0; i < sizeof svcs / sizeof svcs[0]; i++)
        assert_true(catalog_find_service(c, svcs[i]) >= 0);
    catalog_free(c);
}

static void test_real_catalog_has_100_services_with_sources_and_keywords(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    int published = 0, unpublished = 0;
    assert_true(c->service_count >= 100);
    assert_true(c->category_count >= 12);
    for (int i = 0; i < c->service_count; i++) {
        const catalog_service_t *s = &c->services[i];
        assert_true(strlen(s->fee_source) >= 10);
        assert_true(s->keyword_count >= 3);
        assert_true(s->official_fee == CATALOG_FEE_UNPUBLISHED || s->official_fee >= 0);
        if (s->official_fee == CATALOG_FEE_UNPUBLISHED)
            unpublished++;
        else
            published++;
    }
    print_message("%d services: %d with an official fee, %d without\n", c->service_count, published,
                  unpublished);
    assert_true(published >= 20 && unpublished >= 20);
    catalog_free(c);
}

/* The published figures this catalog cites (docs/catalog.md), checked by hand. */
static void test_real_catalog_published_fees(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        long long fee;
    } want[] = {
        {"birth_reg_new", 0},
        {"birth_reg_correction", 50},
        {"birth_cert_copy", 50},
        {"nid_correction", 200},
        {"citizenship_cert", 20},
        {"inheritance_cert", 300},
        {"e_mutation", 1170},
        {"epassport_new", 4025},
        {"noc_cert", 1000},
        {"police_clearance", 500},
        {"learner_licence", 345},
        {"result_rescrutiny", 125},
        {"trade_licence", CATALOG_FEE_UNPUBLISHED},
        {"land_tax", CATALOG_FEE_UNPUBLISHED},
    };
    catalog_t *c = load_real();
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int k = catalog_find_service(c, want[i].id);
        assert_true(k >= 0);
        if (c->services[k].official_fee != want[i].fee)
            print_error("%s: %lld\n", want[i].id, c->services[k].official_fee);
        assert_true(c->services[k].official_fee == want[i].fee);
    }
    catalog_free(c);
}

static const char with_fee_fields[] =
    "{\"version\": 1,"
    " \"categories\": [{\"id\": \"land\", \"prefix\": \"D\", \"pictogram\": \"landscape\","
    "   \"name\": {\"bn\": \"ভূমি\", \"en\": \"Land\"}}],"
    " \"services\": [{\"id\": \"porcha\", \"category\": \"land\","
    "   \"name\": {\"bn\": \"পর্চা\", \"en\": \"Land record\"},"
    "   \"description\": {\"bn\": \"খতিয়ান\", \"en\": \"A khatian\"},"
    "   \"official_fee\": null, \"fee_source\": \"Not published: ask\","
    "   \"keywords\": [\"khatian\", \"\\u09ae\\u09c7\\u09be\\u099b\\u09be\", \"a\\\\u0000b\"],"
    "   \"processing_days\": 7,"
    "   \"fields\": [{\"id\": \"name\", \"type\": \"text\","
    "                 \"label\": {\"bn\": \"নাম\", \"en\": \"Name\"}}]},"
    "  {\"id\": \"mutation\", \"category\": \"land\","
    "   \"name\": {\"bn\": \"নামজারি\", \"en\": \"Mutation\"},"
    "   \"description\": {\"bn\": \"খারিজ\", \"en\": \"Mutation\"},"
    "   \"official_fee\": 1170, \"fee_source\": \"Ministry of Land, 2022\","
    "   \"processing_days\": 28,"
    "   \"fields\": [{\"id\": \"name\", \"type\": \"text\","
    "                 \"label\": {\"bn\": \"নাম\", \"en\": \"Name\"}}]}]}";

static void test_parse_fee_fields_and_keywords(void **state)
{
    (void)state;
    char err[512] = "";
    catalog_t *c = parse_text("fees.json", with_fee_fields, err, sizeof err);
    if (!c)
        print_error("%s\n", err);
    assert_non_null(c);
    const catalog_service_t *s = &c->services[0];
    assert_true(s->official_fee == CATALOG_FEE_UNPUBLISHED);
    assert_string_equal(s->fee_source, "Not published: ask");
    assert_int_equal(s->keyword_count, 3);
    assert_string_equal(s->keywords[0], "khatian");
    assert_string_equal(s->keywords[1], "\u09ae\u09cb\u099b\u09be"); /* stored NFC */
    /* An escaped backslash before u0000 is a backslash, not a NUL: the text stays whole. */
    assert_string_equal(s->keywords[2], "a\\u0000b");
    assert_int_equal(c->services[1].official_fee, 1170);
    assert_int_equal(c->services[1].keyword_count, 0);
    catalog_free(c);
}

static void test_nul_in_name_is_an_error_not_a_cut(void **state)
{
    (void)state;
    char err[512] = "";
    /* Cut at the NUL, this would load as the valid name "জন্ম". */
    char *json = catalog_named("জন্ম\\u0000 নিবন্ধন");
    assert_null(parse_text("nul.json", json, err, sizeof err));
    assert_string_equal(err, "nul.json: categories[0].name.bn: the text contains a NUL "
                             "character (\\u0000), which would cut it short");
    free(json);
    /* The same as a raw byte: the buffer's length, not strlen, bounds the text. */
    json = catalog_named("জন্মX নিবন্ধন");
    char *x = strchr(json, 'X');
    *x = '\0';
    size_t len = strlen(x + 1) + (size_t)(x + 1 - json);
    assert_null(catalog_parse("raw.json", json, len, icon_known, &icons, err, sizeof err));
    assert_non_null(strstr(err, "raw.json: categories[0].name.bn: the text contains a NUL"));
    free(json);
}

/* ---- fees at this centre: official fee + service charge ---- */

static void test_fees_default_charge_and_override(void **state)
{
    (void)state;
    char err[512] = "";
    catalog_t *c = parse_text("fees.json", with_fee_fields, err, sizeof err);
    assert_non_null(c);
    config_fees_t f = {.service_charge = 20, .charge_count = 1};
    snprintf(f.charges[0].service, sizeof f.charges[0].service, "porcha");
    f.charges[0].taka = 100;
    catalog_fees_t a = catalog_fees(c, &f, 0), b = catalog_fees(c, &f, 1);
    /* No official fee published: the total is the charge alone, and says so. */
    assert_false(a.official_known);
    assert_int_equal(a.official, 0);
    assert_int_equal(a.charge, 100);
    assert_int_equal(a.total, 100);
    assert_true(b.official_known);
    assert_int_equal(b.official, 1170);
    assert_int_equal(b.charge, 20);
    assert_int_equal(b.total, 1190);
    /* A charge of 0 is still a charge line of 0. */
    f.service_charge = 0;
    b = catalog_fees(c, &f, 1);
    assert_int_equal(b.charge, 0);
    assert_int_equal(b.total, 1170);
    assert_int_equal(catalog_check_charges(c, &f, err, sizeof err), 0);
    catalog_free(c);
}

static void test_fees_unknown_service_names_the_line(void **state)
{
    (void)state;
    char err[512] = "";
    catalog_t *c = load_real();
    config_fees_t f = {.charge_count = 2};
    snprintf(f.charges[0].service, sizeof f.charges[0].service, "birth_reg_new");
    snprintf(f.charges[1].service, sizeof f.charges[1].service, "birth_regg");
    snprintf(f.charges[1].file, sizeof f.charges[1].file, "kiosk.ini");
    f.charges[1].line = 42;
    assert_int_equal(catalog_check_charges(c, &f, err, sizeof err), -1);
    assert_string_equal(
        err, "kiosk.ini:42: [fees] charge.birth_regg: no service has this id in the catalog");
    f.charges[1].line = 0; /* from the command line: no file, no line */
    assert_int_equal(catalog_check_charges(c, &f, err, sizeof err), -1);
    assert_string_equal(err, "[fees] charge.birth_regg: no service has this id in the catalog");
    f.charge_count = 1;
    assert_int_equal(catalog_check_charges(c, &f, err, sizeof err), 0);
    catalog_free(c);
}

/* ---- docs/catalog.md lists every service with its fee ---- */

static void test_docs_list_every_service_and_fee(void **state)
{
    (void)state;
    char *doc = read_file("docs/catalog.md", NULL);
    assert_non_null(doc);
    catalog_t *c = load_real();
    int missing = 0;
    for (int i = 0; i < c->service_count; i++) {
        const catalog_service_t *s = &c->services[i];
        char row[96], fee[32];
        snprintf(row, sizeof row, "\n| `%s` | ", s->id);
        if (s->official_fee == CATALOG_FEE_UNPUBLISHED)
            snprintf(fee, sizeof fee, " | not published | ");
        else
            snprintf(fee, sizeof fee, " | %lld | ", s->official_fee);
        const char *at = strstr(doc, row);
        const char *eol = at ? strchr(at + 1, '\n') : NULL;
        const char *f = at ? strstr(at + strlen(row), fee) : NULL;
        if (!at || !f || (eol && f > eol)) {
            print_error("docs/catalog.md: no row \"| `%s` | … |%s…\"\n", s->id, fee);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
    catalog_free(c);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icon_file_read),
        cmocka_unit_test(test_real_catalog_loads),
        cmocka_unit_test(test_real_catalog_has_6_categories_and_24_services),
        cmocka_unit_test(test_real_catalog_first_field_is_name_text),
        cmocka_unit_test(test_real_catalog_prefixes_unique_letters),
        cmocka_unit_test(test_real_catalog_service_categories_valid),
        cmocka_unit_test(test_real_catalog_texts_present_in_both_languages),
        cmocka_unit_test(test_real_catalog_find_by_id),
        cmocka_unit_test(test_list_services_five_columns_per_service),
        cmocka_unit_test(test_list_services_ends_every_line),
        cmocka_unit_test(test_list_services_renders_choice_options),
        cmocka_unit_test(test_list_services_exact_line),
        cmocka_unit_test(test_minimal_catalog_values),
        cmocka_unit_test(test_bad_catalogs_fail_with_expected_message),
        cmocka_unit_test(test_bad_catalog_expect_files_have_json),
        cmocka_unit_test(test_good_catalog_templates_load),
        cmocka_unit_test(test_load_missing_file_fails),
        cmocka_unit_test(test_parse_empty_buffer_fails_cleanly),
        cmocka_unit_test(test_parse_spaces_only_fails_cleanly),
        cmocka_unit_test(test_parse_array_root_fails_cleanly),
        cmocka_unit_test(test_parse_small_error_buffer_truncates),
        cmocka_unit_test(test_parse_stores_bangla_nfc),
        cmocka_unit_test(test_parse_stores_json_escapes_nfc),
        cmocka_unit_test(test_parse_keeps_nfc_text_unchanged),
        cmocka_unit_test(test_real_catalog_keeps_ids_used_elsewhere),
        cmocka_unit_test(test_real_catalog_has_100_services_with_sources_and_keywords),
        cmocka_unit_test(test_real_catalog_published_fees),
        cmocka_unit_test(test_parse_fee_fields_and_keywords),
        cmocka_unit_test(test_nul_in_name_is_an_error_not_a_cut),
        cmocka_unit_test(test_fees_default_charge_and_override),
        cmocka_unit_test(test_fees_unknown_service_names_the_line),
        cmocka_unit_test(test_docs_list_every_service_and_fee),
    };
    return cmocka_run_group_tests(tests, load_icons, free_icons);
}
