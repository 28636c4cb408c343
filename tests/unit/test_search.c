/* tests/unit/test_search.c - unit tests for catalog/search: phonetic skeletons, the bundled
 * catalog found by what citizens type (Bangla, English, Banglish, misspelt, keywords), queries
 * that find nothing, and the ranking (exact > prefix > fuzzy, then use, then catalog order). */
#include "catalog/search.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REAL_CATALOG "assets/catalog.json"

static catalog_t *load_real(void)
{
    char err[512] = "";
    /* Pictograms do not matter to search: no icon check. */
    catalog_t *c = catalog_load(REAL_CATALOG, NULL, NULL, err, sizeof err);
    if (!c)
        print_error("%s\n", err);
    assert_non_null(c);
    return c;
}

static const char *skel(const char *text, char out[SEARCH_SKELETON_MAX + 1])
{
    search_skeleton(text, out, NULL);
    return out;
}

/* ---- skeletons ---- */

static void test_skeleton_spellings_of_birth_registration_agree(void **state)
{
    (void)state;
    static const char *const same[] = {
        "জন্ম নিবন্ধন",
        "জন্মনিবন্ধন",
        "জনম নিবনধন",
        "জন্ম নিবন্ধন", /* a space inside */
        "jonmo nibondhon",
        "jonmo nibandhan",
        "jnmo nibondon",
        "JONMO NIBONDHON",
        "জন্‌ম নিবন্ধন", /* a ZWNJ in the conjunct */
    };
    char a[SEARCH_SKELETON_MAX + 1], b[SEARCH_SKELETON_MAX + 1];
    skel(same[0], a);
    assert_string_equal(a, "jnmnbndn");
    for (size_t i = 1; i < sizeof same / sizeof same[0]; i++) {
        if (strcmp(skel(same[i], b), a) != 0)
            print_error("\"%s\" -> \"%s\", want \"%s\"\n", same[i], b, a);
        assert_string_equal(b, a);
    }
}

static void test_skeleton_folds_scripts_and_look_alikes(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
    } pairs[] = {
        {"পাসপোর্ট", "passport"},       /* doubled letters once, vowels dropped */
        {"খতিয়ান", "khatian"},         /* aspirate, য় dropped */
        {"খতিয়ান", "খতিয়ান"},          /* য় precomposed or য + nukta */
        {"বাড়ি", "বাড়ি"},              /* ড় precomposed or ড + nukta: r */
        {"বাড়ি", "bari"},              /* ... as Banglish writes it */
        {"শিক্ষা", "shikkha"},          /* ক্ষ reads kkh */
        {"বিজ্ঞান", "biggan"},          /* জ্ঞ reads gg */
        {"বিদ্যুৎ", "bidyut"},           /* ya-phala silent, ৎ is t */
        {"বিশ্বাস", "bishshash"},       /* ba-phala silent */
        {"কৃষি", "krishi"},             /* ৃ is r */
        {"সংশোধন", "songshodhon"},     /* ং and "ng" are n, শ/স and "sh" are s */
        {"certificate", "সার্টিফিকেট"}, /* English c before i is s */
        {"tax", "ট্যাক্স"},              /* x is ks */
        {"fee", "ফি"},                 /* f is ফ */
        {"video", "ভিডিও"},            /* v is ভ */
        {"zilla", "জিলা"},             /* z is জ */
        {"১২৩", "123"},                /* Bangla digits are digits */
    };
    char a[SEARCH_SKELETON_MAX + 1], b[SEARCH_SKELETON_MAX + 1];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        skel(pairs[i].a, a);
        skel(pairs[i].b, b);
        if (strcmp(a, b) != 0 || !a[0])
            print_error("\"%s\" -> \"%s\" but \"%s\" -> \"%s\"\n", pairs[i].a, a, pairs[i].b, b);
        assert_string_equal(a, b);
        assert_true(a[0] != '\0');
    }
}

static void test_skeleton_word_start_bits(void **state)
{
    (void)state;
    char out[SEARCH_SKELETON_MAX + 1];
    uint64_t starts = 0;
    int n = search_skeleton("জন্ম ও মৃত্যু নিবন্ধন", out, &starts);
    assert_string_equal(out, "jnmmrtnbndn");
    assert_int_equal(n, 11);
    /* j.. at 0, m.. (মৃত্যু) at 3, n.. (নিবন্ধন) at 6; the m of জন্ম and of মৃত্যু stay two. */
    assert_true(starts == ((1u << 0) | (1u << 3) | (1u << 6)));
}

static void test_skeleton_empty_and_odd_input(void **state)
{
    (void)state;
    char out[SEARCH_SKELETON_MAX + 1];
    uint64_t starts = 99;
    assert_int_equal(search_skeleton("", out, &starts), 0);
    assert_string_equal(out, "");
    assert_true(starts == 0);
    assert_int_equal(search_skeleton("aeiou ও আ ই", out, NULL), 0);
    assert_int_equal(search_skeleton("!!! ৳ ।", out, NULL), 0);
    /* Invalid UTF-8 is a word break, not a crash. */
    assert_int_equal(search_skeleton("ab\xff\xfe"
                                     "ed",
                                     out, &starts),
                     2);
    assert_string_equal(out, "bd");
    assert_true(starts == 3);
    /* Long text keeps its first SEARCH_SKELETON_MAX letters. */
    char long_text[400];
    for (int i = 0; i < 399; i++)
        long_text[i] = i % 2 ? 'k' : 'm';
    long_text[399] = '\0';
    assert_int_equal(search_skeleton(long_text, out, NULL), SEARCH_SKELETON_MAX);
    assert_int_equal(strlen(out), SEARCH_SKELETON_MAX);
}

/* ---- the bundled catalog: what people type ---- */

typedef struct {
    const char *query, *service;
} want_t;

/* Each query must put the service in its first three results. */
static const want_t finds[] = {
    /* Bangla, as written and misspelt (vowel signs, hasanta, spaces) */
    {"জন্ম নিবন্ধন", "birth_reg_new"},
    {"জন্মনিবন্ধন", "birth_reg_new"},
    {"জনম নিবনধন", "birth_reg_new"},
    {"জম্ন নিবন্দন", "birth_reg_new"},
    {"মৃত্যু সনদ", "death_reg"},
    {"মিত্তু সনদ", "death_reg"},
    {"এনআইডি সংশোধন", "nid_correction"},
    {"এন আই ডি সংসোধন", "nid_correction"},
    {"পর্চা", "khatian_copy"},
    {"পরচা", "khatian_copy"},
    {"খতিয়ান", "khatian_copy"},
    {"খতিয়ান", "khatian_copy"},
    {"নামজারি", "e_mutation"},
    {"খাজনা", "land_tax"},
    {"নাগরিক সনদ", "citizenship_cert"},
    {"ওয়ারিশ সনদ", "inheritance_cert"},
    {"বয়স্ক ভাতা", "old_age_allowance"},
    {"বিদ্যুৎ বিল", "electricity_bill"},
    {"বিদ্যুত বিল", "electricity_bill"},
    {"পাসপোর্ট", "epassport_new"},
    {"এসএসসি রেজাল্ট", "ssc_result"},
    {"উপবৃত্তি", "stipend"},
    {"টিকা", "vaccine_registration"},
    {"বিকাশ", "mobile_banking_account"},
    {"ট্রেনের টিকিট", "train_ticket"},
    {"ড্রাইভিং লাইসেন্স", "learner_licence"},
    {"মাটি পরীক্ষা", "soil_test"},
    {"গ্রাম আদালত", "village_court"},
    {"চাকরি", "govt_job_application"},
    {"রক্তের গ্রুপ", "blood_group_test"},
    {"দলিল", "deed_copy"},
    {"জেলে কার্ড", "fisher_card"},
    /* English */
    {"birth registration", "birth_reg_new"},
    {"birth reg", "birth_reg_new"},
    {"land record", "khatian_copy"},
    {"death certificate", "death_reg"},
    {"nid correction", "nid_correction"},
    {"national id", "nid_correction"},
    {"citizenship", "citizenship_cert"},
    {"character certificate", "character_cert"},
    {"trade licence", "trade_licence"},
    {"land tax", "land_tax"},
    {"old age allowance", "old_age_allowance"},
    {"widow", "widow_allowance"},
    {"electricity", "electricity_bill"},
    {"water bill", "water_bill"},
    {"passport", "epassport_new"},
    {"police clearance", "police_clearance"},
    {"legal aid", "legal_aid"},
    {"blood group", "blood_group_test"},
    {"photocopy", "print_photocopy"},
    {"remittance", "remittance"},
    {"hajj", "hajj_registration"},
    /* Banglish, as people type it */
    {"jonmo nibondhon", "birth_reg_new"},
    {"jonmo nibandhan", "birth_reg_new"},
    {"jnmo", "birth_reg_new"},
    {"mrittu sonod", "death_reg"},
    {"porcha", "khatian_copy"},
    {"parcha", "khatian_copy"},
    {"khatian", "khatian_copy"},
    {"khotian", "khatian_copy"},
    {"namjari", "e_mutation"},
    {"namjary", "e_mutation"},
    {"kharij", "e_mutation"},
    {"nid songsodhon", "nid_correction"},
    {"nid songshodhon", "nid_correction"},
    {"nagorik sonod", "citizenship_cert"},
    {"warish", "inheritance_cert"},
    {"khajna", "land_tax"},
    {"boyosko vata", "old_age_allowance"},
    {"bidhoba vata", "widow_allowance"},
    {"bidyut bill", "electricity_bill"},
    {"pani bill", "water_bill"},
    {"upobritti", "stipend"},
    {"tika", "vaccine_registration"},
    {"mati porikkha", "soil_test"},
    {"gram adalot", "village_court"},
    {"chakri", "govt_job_application"},
    /* misspelt English and Banglish */
    {"brth registration", "birth_reg_new"},
    {"birth certifcate", "birth_reg_new"},
    {"pasport", "epassport_new"},
    {"tred lisens", "trade_licence"},
    {"pulish clearance", "police_clearance"},
    /* keywords: synonyms, brands, short names */
    {"current bill", "electricity_bill"},
    {"dakhila", "land_tax"},
    {"bkash", "mobile_banking_account"},
    {"nagad", "mobile_banking_account"},
    {"bmet", "bmet_registration"},
    {"ssc result", "ssc_result"},
    {"hsc", "hsc_result"},
    {"gd", "lost_gd"},
    {"e-tin", "e_tin"},
    {"id card correction", "nid_correction"},
    {"16263", "health_helpline"},
};

/* Each of these finds nothing: the screen then offers the categories. */
static const char *const finds_nothing[] = {
    "",      "   ",    "aeiou",     "ঔ ঐ",        "!!!",     "৳৳৳",     "98765",
    "hotel", "bangla", "flexiload", "smartphone", "zxcvbnm", "mnbvcxz", "qwrtplkjhgfdszxcvbnm",
};

static int rank_of(const catalog_t *c, const search_hit_t *hits, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(c->services[hits[i].service].id, id) == 0)
            return i;
    return -1;
}

static void test_real_catalog_queries_find_their_service(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    int failed = 0, n_queries = (int)(sizeof finds / sizeof finds[0]);
    assert_true(n_queries >= 60);
    for (int i = 0; i < n_queries; i++) {
        assert_true(catalog_find_service(c, finds[i].service) >= 0);
        search_hit_t hits[10];
        int n = catalog_search(c, finds[i].query, NULL, hits, 10);
        int r = rank_of(c, hits, n, finds[i].service);
        if (r < 0 || r > 2) {
            char s[SEARCH_SKELETON_MAX + 1];
            print_error("\"%s\" [%s]: %s is %s%d; got", finds[i].query, skel(finds[i].query, s),
                        finds[i].service, r < 0 ? "not found " : "at ", r + 1);
            for (int h = 0; h < n && h < 5; h++)
                print_error(" %s(%d)", c->services[hits[h].service].id, hits[h].score);
            print_error("\n");
            failed++;
        }
    }
    print_message("%d queries checked\n", n_queries);
    assert_int_equal(failed, 0);
    catalog_free(c);
}

static void test_real_catalog_nonsense_finds_nothing(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    for (size_t i = 0; i < sizeof finds_nothing / sizeof finds_nothing[0]; i++) {
        search_hit_t hits[10];
        int n = catalog_search(c, finds_nothing[i], NULL, hits, 10);
        if (n != 0)
            print_error("\"%s\" found %d, first %s\n", finds_nothing[i], n,
                        c->services[hits[0].service].id);
        assert_int_equal(n, 0);
    }
    catalog_free(c);
}

/* Typing one key at a time: every prefix of a Banglish query already shows the service
 * once its consonants say enough, and it never drops out again. */
static void test_real_catalog_key_by_key(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    const char *query = "jonmo nibondhon";
    char typed[64];
    int first_seen = -1;
    for (size_t len = 1; len <= strlen(query); len++) {
        snprintf(typed, sizeof typed, "%.*s", (int)len, query);
        search_hit_t hits[5];
        int n = catalog_search(c, typed, NULL, hits, 5);
        int r = rank_of(c, hits, n, "birth_reg_new");
        assert_true(r >= 0 && r <= 2); /* among the first three from the first key on */
        if (r == 0 && first_seen < 0)
            first_seen = (int)len;
        if (first_seen > 0)
            assert_int_equal(r, 0);
    }
    /* "jnm" (the first word, with or without its vowels) is an exact keyword. */
    assert_int_equal(first_seen, 4);
    catalog_free(c);
}

/* Every service is found by its own names, in both languages. */
static void test_real_catalog_every_name_finds_its_service(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    for (int i = 0; i < c->service_count; i++) {
        for (int l = 0; l < LANG_COUNT; l++) {
            search_hit_t hits[CATALOG_MAX_SERVICES];
            int n = catalog_search(c, c->services[i].name.s[l], NULL, hits, CATALOG_MAX_SERVICES);
            int r = -1;
            for (int h = 0; h < n && r < 0; h++)
                r = hits[h].service == i ? h : -1;
            if (r < 0 || hits[r].score != SEARCH_EXACT)
                print_error("%s: \"%s\" is not an exact hit\n", c->services[i].id,
                            c->services[i].name.s[l]);
            assert_true(r >= 0 && hits[r].score == SEARCH_EXACT);
        }
    }
    catalog_free(c);
}

/* ---- ranking, on a catalog made for it ---- */

/* Services listed worst match first, so that catalog order alone would rank them wrong. */
static const char ranking_catalog[] =
    "{\"version\": 1,"
    " \"categories\": [{\"id\": \"land\", \"prefix\": \"D\", \"pictogram\": \"landscape\","
    "   \"name\": {\"bn\": \"ভূমি\", \"en\": \"Land\"}}],"
    " \"services\": ["
#define SVC(ID, BN, EN, KW)                                                                        \
    "{\"id\": \"" ID "\", \"category\": \"land\", \"name\": {\"bn\": \"" BN "\", \"en\": \"" EN    \
    "\"}, \"description\": {\"bn\": \"ক\", \"en\": \"D\"}, \"official_fee\": null,"              \
    " \"fee_source\": \"Test\", \"keywords\": [" KW "], \"processing_days\": 0, \"fields\": "      \
    "[{\"id\": \"name\", \"type\": \"text\", \"label\": {\"bn\": \"নাম\", \"en\": \"Name\"}}]}"
    SVC("fuzzy", "নামবারি", "Nambari", "") ","              /* nmbr: one edit from nmjr */
    SVC("prefix", "নামজারিখানা", "Namjarikhana", "") ","    /* nmjrkn: starts with nmjr */
    SVC("words", "নামজারি অবস্থা", "Namjari status", "") "," /* nmjr ends a word */
    SVC("exact_b", "খারিজ", "Kharij", "\"namjari\"") ","    /* a keyword equal to the query */
    SVC("exact_a", "নামজারি", "Namjari", "") "," SVC("unrelated", "পাসপোর্ট", "Passport",
                                                     "\"pasport\"")
#undef SVC
        "]}";

enum { FUZZY, PREFIX, WORDS, EXACT_B, EXACT_A, UNRELATED };

static catalog_t *ranking(void)
{
    char err[512] = "";
    catalog_t *c = catalog_parse("rank.json", ranking_catalog, strlen(ranking_catalog), NULL, NULL,
                                 err, sizeof err);
    if (!c)
        print_error("%s\n", err);
    assert_non_null(c);
    return c;
}

static void test_rank_exact_words_prefix_fuzzy(void **state)
{
    (void)state;
    catalog_t *c = ranking();
    search_hit_t hits[10];
    int n = catalog_search(c, "namjari", NULL, hits, 10);
    assert_int_equal(n, 5);
    /* Equal exact hits keep catalog order; then whole words, a word begun, one edit. */
    assert_int_equal(hits[0].service, EXACT_B);
    assert_int_equal(hits[1].service, EXACT_A);
    assert_int_equal(hits[2].service, WORDS);
    assert_int_equal(hits[3].service, PREFIX);
    assert_int_equal(hits[4].service, FUZZY);
    assert_int_equal(hits[0].score, SEARCH_EXACT);
    assert_int_equal(hits[2].score, SEARCH_WORDS);
    assert_int_equal(hits[3].score, SEARCH_PREFIX);
    assert_int_equal(hits[4].score, SEARCH_FUZZY - SEARCH_EDIT_COST);
    catalog_free(c);
}

static void test_rank_use_count_breaks_ties_only(void **state)
{
    (void)state;
    catalog_t *c = ranking();
    search_hit_t hits[10];
    /* exact_a used more than exact_b: it goes first among the exact hits... */
    int uses[6] = {[FUZZY] = 1000, [PREFIX] = 500, [EXACT_A] = 3, [EXACT_B] = 2};
    int n = catalog_search(c, "নামজারি", uses, hits, 10);
    assert_int_equal(n, 5);
    assert_int_equal(hits[0].service, EXACT_A);
    assert_int_equal(hits[1].service, EXACT_B);
    /* ...but no count lifts a weaker match over a stronger one. */
    assert_int_equal(hits[2].service, WORDS);
    assert_int_equal(hits[3].service, PREFIX);
    assert_int_equal(hits[4].service, FUZZY);
    catalog_free(c);
}

static void test_rank_keeps_the_best_when_the_list_is_short(void **state)
{
    (void)state;
    catalog_t *c = ranking();
    search_hit_t hits[2];
    int uses[6] = {[EXACT_A] = 1};
    assert_int_equal(catalog_search(c, "namjari", uses, hits, 2), 2);
    assert_int_equal(hits[0].service, EXACT_A);
    assert_int_equal(hits[1].service, EXACT_B);
    assert_int_equal(catalog_search(c, "namjari", uses, hits, 0), 0);
    assert_int_equal(catalog_search(c, NULL, uses, hits, 2), 0);
    assert_int_equal(catalog_search(NULL, "namjari", uses, hits, 2), 0);
    catalog_free(c);
}

/* Up to 3 letters only exact letters match: "nmb" is not "nmj" misspelt. */
static void test_rank_short_query_is_not_fuzzy(void **state)
{
    (void)state;
    catalog_t *c = ranking();
    search_hit_t hits[10];
    int n = catalog_search(c, "namj", NULL, hits, 10);
    for (int i = 0; i < n; i++)
        assert_int_not_equal(hits[i].service, FUZZY);
    n = catalog_search(c, "namjar", NULL, hits, 10); /* 4 letters: one edit allowed */
    assert_int_equal(rank_of(c, hits, n, "fuzzy") >= 0, 1);
    n = catalog_search(c, "pasport", NULL, hits, 10);
    assert_int_equal(n, 1);
    assert_int_equal(hits[0].service, UNRELATED);
    catalog_free(c);
}

static void test_most_used(void **state)
{
    (void)state;
    catalog_t *c = ranking();
    int out[6];
    int uses[6] = {[FUZZY] = 4, [WORDS] = 9, [EXACT_A] = 4, [UNRELATED] = 0};
    assert_int_equal(catalog_most_used(c, uses, out, 6), 3);
    assert_int_equal(out[0], WORDS);
    assert_int_equal(out[1], FUZZY); /* 4 uses each: catalog order */
    assert_int_equal(out[2], EXACT_A);
    assert_int_equal(catalog_most_used(c, uses, out, 1), 1);
    assert_int_equal(out[0], WORDS);
    assert_int_equal(catalog_most_used(c, NULL, out, 6), 0);
    catalog_free(c);
}

/* The index is one bounded block: at most every name and keyword, each a short skeleton. */
static void test_index_memory_is_bounded(void **state)
{
    (void)state;
    catalog_t *c = load_real();
    size_t bytes = search_index_bytes(c->search), phrases = 0;
    for (int i = 0; i < c->service_count; i++)
        phrases += 2 + (size_t)c->services[i].keyword_count;
    print_message("index: %zu bytes for %d services, %zu names and keywords\n", bytes,
                  c->service_count, phrases);
    assert_true(bytes > 0);
    assert_true(bytes <= 128 + phrases * (16 + SEARCH_SKELETON_MAX + 1));
    catalog_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skeleton_spellings_of_birth_registration_agree),
        cmocka_unit_test(test_skeleton_folds_scripts_and_look_alikes),
        cmocka_unit_test(test_skeleton_word_start_bits),
        cmocka_unit_test(test_skeleton_empty_and_odd_input),
        cmocka_unit_test(test_real_catalog_queries_find_their_service),
        cmocka_unit_test(test_real_catalog_nonsense_finds_nothing),
        cmocka_unit_test(test_real_catalog_key_by_key),
        cmocka_unit_test(test_real_catalog_every_name_finds_its_service),
        cmocka_unit_test(test_rank_exact_words_prefix_fuzzy),
        cmocka_unit_test(test_rank_use_count_breaks_ties_only),
        cmocka_unit_test(test_rank_keeps_the_best_when_the_list_is_short),
        cmocka_unit_test(test_rank_short_query_is_not_fuzzy),
        cmocka_unit_test(test_most_used),
        cmocka_unit_test(test_index_memory_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
